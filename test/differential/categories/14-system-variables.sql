-- System and user variables, as clients and ORMs read and set them.
select @@autocommit
select @@session.autocommit, @@global.autocommit
-- @mysql8 {"rows":[["ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"]]} MariaDB adds IGNORE_SPACE to the mode it was given
select @@sql_mode
-- @mysql8 {"rows":[["ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"]]} MariaDB adds IGNORE_SPACE to the mode it was given
select @@session.sql_mode
select @@global.read_only
-- @mysql8 {"rows":[["REPEATABLE-READ"]],"columns":["@@transaction_isolation"],"types":["string"]} MariaDB 10.11 has only tx_isolation; MySQL 8 names it transaction_isolation
select @@transaction_isolation
-- @mysql8 {"rows":[["REPEATABLE-READ"]],"columns":["@@session.transaction_isolation"],"types":["string"]} MariaDB 10.11 has only tx_isolation; MySQL 8 names it transaction_isolation
select @@session.transaction_isolation
-- @mysql8 {"rows":[["0"]],"columns":["@@transaction_read_only"],"types":["integer"]} MariaDB 10.11 has only tx_read_only; MySQL 8 names it transaction_read_only
select @@transaction_read_only
-- @mysql8 {"rows":[["67108864"]]} MySQL 8's default max_allowed_packet is 64 MiB; MariaDB's 16 MiB
select @@max_allowed_packet
select @@character_set_client, @@character_set_connection, @@character_set_results
-- @mysql8 {"rows":[["utf8mb4_0900_ai_ci"]]} through vtgate the tablet's own connection (utf8mb4, MySQL 8's default collation) answers: Vitess does not pass the client's handshake collation on
select @@collation_connection
select @@time_zone
select @@lower_case_table_names
select @@sql_safe_updates
select @@foreign_key_checks, @@unique_checks
select @@auto_increment_increment, @@auto_increment_offset
select @@nosuch_variable
select @@session.nosuch
set @a = 1
select @a
set @n = null
select @n, @n is null
set @s = 'text', @d = 2.50, @f = 1.5e0
select @s, @d, @f
select @undefined
set @x = 5
select @x + 1, @x * 2.5
select @x := 10
select @x
set @c = (select count(*) from product)
select @c
select @row := id from product order by id limit 1
set session sql_mode = 'STRICT_TRANS_TABLES'
select @@sql_mode
select cat, name from product where id = 1 group by cat
set sql_mode = ''
select 1 / 0
insert into dml2 (id, a, b) values (900, 1, repeat('y', 30))
select length(b) from dml2 where id = 900
insert into dml2 (id, a) values (901, 'not a number')
select a from dml2 where id = 901
delete from dml2 where id in (900, 901)
-- @vitess both VT12001 go/vt/vtgate/planbuilder/testdata/unsupported_cases.json DEFAULT not supported for @@sql_mode
set session sql_mode = default
set session sql_mode = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'
select @@sql_mode
set autocommit = 0
select @@autocommit
set autocommit = 1
set session transaction isolation level serializable
-- @mysql8 {"rows":[["SERIALIZABLE"]],"columns":["@@transaction_isolation"],"types":["string"]} MariaDB 10.11 has only tx_isolation; MySQL 8 names it transaction_isolation
select @@transaction_isolation
set session transaction isolation level repeatable read
set @@session.sql_safe_updates = 0
set nosuch_variable = 1
set autocommit = 'maybe'
set names utf8mb4
set character_set_client = utf8mb4
select @@character_set_client
set foreign_key_checks = 0
select @@foreign_key_checks
set foreign_key_checks = 1
-- @mysql8 {"affected":0} max_execution_time is MySQL 8's; MariaDB has max_statement_time
set @@session.max_execution_time = 1000
set session time_zone = '+00:00'
select @@time_zone
select connection_id() > 0
select last_insert_id()
select user() is not null, current_user() is not null
