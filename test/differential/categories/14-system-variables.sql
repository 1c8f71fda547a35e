-- System and user variables, as clients and ORMs read and set them.
select @@autocommit
select @@session.autocommit, @@global.autocommit
select @@sql_mode
select @@session.sql_mode
select @@global.read_only
select @@transaction_isolation
select @@session.transaction_isolation
select @@transaction_read_only
select @@max_allowed_packet
select @@character_set_client, @@character_set_connection, @@character_set_results
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
select name, count(*) from product group by cat
set sql_mode = ''
select 1 / 0
set session sql_mode = default
select @@sql_mode
set autocommit = 0
select @@autocommit
set autocommit = 1
set session transaction isolation level serializable
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
set @@session.max_execution_time = 1000
set session time_zone = '+00:00'
select @@time_zone
select connection_id() > 0
select last_insert_id()
select user() is not null, current_user() is not null
