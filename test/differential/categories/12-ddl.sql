-- DDL: CREATE/ALTER/DROP with defaults, constraints (CHECK, FOREIGN KEY, UNIQUE), generated columns, views, temporary tables.
create table ddl_misc (id int primary key, a int not null default 7, b varchar(10) default 'dflt', c timestamp null, key (a))
insert into ddl_misc (id) values (1)
select id, a, b, c from ddl_misc
insert into ddl_misc (id, a) values (2, null)
create table ddl_misc (id int primary key)
create table if not exists ddl_misc (id int primary key)
create table ddl_gen (id int primary key, price decimal(10,2), qty int, total decimal(12,2) generated always as (price * qty) stored, label varchar(30) as (concat('p', id)) virtual)
insert into ddl_gen (id, price, qty) values (1, 2.50, 4), (2, 10.00, 3)
select id, total, label from ddl_gen order by id
update ddl_gen set qty = 10 where id = 1
select id, total from ddl_gen order by id
-- @mysql8 {"error":3105} MySQL 8 refuses a value for a generated column with 3105; MariaDB says 1906
insert into ddl_gen (id, price, qty, total) values (3, 1, 1, 5)
select id from ddl_gen where total > 20 order by id
create table ddl_check (id int primary key, qty int, price decimal(8,2), constraint qty_positive check (qty > 0), check (price >= 0))
insert into ddl_check (id, qty, price) values (1, 5, 1.00)
-- @mysql8 {"error":3819} MySQL 8's CHECK violation is 3819; MariaDB's is 4025
insert into ddl_check (id, qty, price) values (2, 0, 1.00)
-- @mysql8 {"error":3819} MySQL 8's CHECK violation is 3819; MariaDB's is 4025
insert into ddl_check (id, qty, price) values (3, 1, -1.00)
-- @mysql8 {"error":3819} MySQL 8's CHECK violation is 3819; MariaDB's is 4025
update ddl_check set qty = -5 where id = 1
select id, qty, price from ddl_check
create table ddl_parent (id int primary key, name varchar(20))
create table ddl_child (id int primary key, parent_id int, note varchar(20), foreign key (parent_id) references ddl_parent (id))
insert into ddl_parent (id, name) values (1, 'p1'), (2, 'p2')
insert into ddl_child (id, parent_id, note) values (1, 1, 'ok')
insert into ddl_child (id, parent_id, note) values (2, 99, 'orphan')
insert into ddl_child (id, parent_id, note) values (3, null, 'null parent')
delete from ddl_parent where id = 1
delete from ddl_parent where id = 2
select id from ddl_parent order by id
update ddl_child set parent_id = 42 where id = 1
set foreign_key_checks = 0
insert into ddl_child (id, parent_id, note) values (4, 77, 'unchecked')
set foreign_key_checks = 1
select count(*) from ddl_child
-- @mysql8 {"error":3730} MySQL 8 refuses to drop a table a foreign key references with 3730; MariaDB says 1451
drop table ddl_parent
create table ddl_uniq (id int primary key, email varchar(40), unique key email_uq (email))
insert into ddl_uniq (id, email) values (1, 'a@x'), (2, 'b@x')
insert into ddl_uniq (id, email) values (3, 'a@x')
insert into ddl_uniq (id, email) values (4, null), (5, null)
select count(*) from ddl_uniq
create table ddl_alter (id int primary key, a int)
alter table ddl_alter add column b varchar(10) default 'bee'
insert into ddl_alter (id, a) values (1, 1)
select * from ddl_alter
alter table ddl_alter modify column a bigint not null
alter table ddl_alter add index idx_b (b)
alter table ddl_alter drop column b
select * from ddl_alter
alter table ddl_alter rename column a to aa
select aa from ddl_alter
-- @mysql8 {"error":1064} MySQL 8 has no 4161 (unknown data type): it is a syntax error
alter table ddl_alter add column nosuch_type foo
alter table nosuch add column x int
create table ddl_def (id int primary key, created datetime default current_timestamp, flag tinyint(1) default 1, amount decimal(6,2) default 0.00, e enum('s','m','l') default 'm', j json)
insert into ddl_def (id, j) values (1, '{"k": [1, 2]}')
-- @mysql8 {"types":["integer","integer","decimal","string","json"]} a MySQL 8 JSON column is type JSON; MariaDB's is LONGTEXT
select id, flag, amount, e, j from ddl_def
select created is not null from ddl_def
insert into ddl_def (id, e) values (2, 'xl')
-- @mysql8 {"error":3140} MySQL 8 rejects invalid JSON with 3140; MariaDB's JSON is a CHECK (4025)
insert into ddl_def (id, j) values (3, 'not json')
create view v_fruit as select id, name, price from product where cat = 'fruit'
select * from v_fruit order by id
select count(*) from v_fruit where price > 1
drop view v_fruit
select * from v_fruit
-- @vitess sharded "Temporary table not supported in sharded database" go/vt/vtgate/planbuilder/ddl.go Vitess keeps temporary tables to unsharded keyspaces
create temporary table tmp_x (id int primary key, v int)
insert into tmp_x (id, v) values (1, 10), (2, 20)
select sum(v) from tmp_x
-- @mysql8 {"columns":["Tables_in_{keyspace}"]} through vtgate: Vitess renames SHOW TABLES's column to Tables_in_<keyspace> (planbuilder/show.go buildPlanWithDB), without MySQL's " (pattern)"
show tables like 'tmp%'
select count(*) from information_schema.tables where table_schema = database() and table_name = 'tmp_x'
-- @vitess sharded "Temporary table not supported in sharded database" go/vt/vtgate/planbuilder/ddl.go DROP TEMPORARY TABLE is refused on sharded keyspaces as CREATE TEMPORARY TABLE is
drop temporary table tmp_x
select * from tmp_x
truncate table ddl_misc
select count(*) from ddl_misc
rename table ddl_misc to ddl_misc2
drop table ddl_misc2
drop table ddl_misc2
drop table if exists ddl_misc2
create table ddl_bad (id int primary key, id int)
create table ddl_bad2 (a int, b int, primary key (nosuch))
create index idx_a on ddl_alter (aa)
drop index idx_a on ddl_alter
drop table ddl_child, ddl_parent
