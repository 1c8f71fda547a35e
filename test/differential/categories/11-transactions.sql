-- Transactions: BEGIN/COMMIT/ROLLBACK, autocommit, SAVEPOINT / ROLLBACK TO / RELEASE, read-only.
begin
insert into tx (id, v) values (3, 'three')
select count(*) from tx
rollback
select count(*) from tx
start transaction
insert into tx (id, v) values (3, 'three')
commit
select id, v from tx order by id
begin
update tx set v = 'uno' where id = 1
savepoint s1
update tx set v = 'dos' where id = 2
rollback to savepoint s1
select id, v from tx order by id
commit
select id, v from tx order by id
begin
insert into tx (id, v) values (4, 'four')
savepoint a
insert into tx (id, v) values (5, 'five')
savepoint b
insert into tx (id, v) values (6, 'six')
rollback to b
select count(*) from tx
rollback to savepoint a
select count(*) from tx
release savepoint a
rollback to a
commit
select id from tx order by id
begin
savepoint s
insert into tx (id, v) values (7, 'seven')
rollback to s
commit
select count(*) from tx where id = 7
rollback to nosuch
savepoint outside
release savepoint outside
start transaction read only
select count(*) from tx
insert into tx (id, v) values (8, 'eight')
commit
select count(*) from tx where id = 8
start transaction read write
insert into tx (id, v) values (8, 'eight')
rollback
select count(*) from tx where id = 8
set autocommit = 0
insert into tx (id, v) values (9, 'nine')
rollback
select count(*) from tx where id = 9
insert into tx (id, v) values (9, 'nine')
commit
set autocommit = 1
select count(*) from tx where id = 9
begin
insert into tx (id, v) values (10, 'ten')
begin
select count(*) from tx where id = 10
rollback
select count(*) from tx where id = 10
begin
insert into tx (id, v) values (1, 'dup')
insert into tx (id, v) values (11, 'eleven')
commit
select id, v from tx where id in (1, 11) order by id
insert into tx (id, v) values (12, 'a'), (1, 'dup'), (13, 'b')
select count(*) from tx where id in (12, 13)
start transaction with consistent snapshot
select count(*) from tx
commit
begin work
delete from tx where id > 9
rollback work
select count(*) from tx
set transaction isolation level read committed
begin
select count(*) from tx
commit
select @@autocommit
-- @mysql8 {"error":1193} in_transaction is MariaDB's; MySQL 8 has no such variable
select @@in_transaction
begin
-- @mysql8 {"error":1193} in_transaction is MariaDB's; MySQL 8 has no such variable
select @@in_transaction
commit
