-- DML: INSERT (VALUES, SET, SELECT, DEFAULT, IGNORE, ON DUPLICATE KEY UPDATE), REPLACE, UPDATE, DELETE.
insert into dml (id, a, b) values (4, 40, 'w')
select id, a, b, c, d from dml order by id
insert into dml (id, a, b) values (5, 50, 'v'), (6, 60, 'u'), (7, 70, 't')
insert into dml values (8, 80, 's', 8.00, '2024-02-02 02:02:02')
insert into dml (id, a, b, c) values (9, 90, 'r', default)
insert into dml (id, a, b, c) values (10, default, default, default)
select id, a, b, c from dml where id >= 9 order by id
insert into dml set id = 11, a = 110, b = 'q'
select * from dml where id = 11
insert into dml (id, a) values (1, 1)
insert into dml (id, a) values (12, 1), (1, 1)
select count(*) from dml
insert ignore into dml (id, a) values (1, 1), (13, 130)
select id, a from dml where id in (1, 13) order by id
insert into dml (id, a) values (1, 5) on duplicate key update a = a + 1
select a from dml where id = 1
insert into dml (id, a) values (14, 5) on duplicate key update a = a + 1
insert into dml (id, a, b) values (2, 0, 'dup') on duplicate key update b = values(b)
select id, a, b from dml where id = 2
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder/testdata/unsupported_cases.json REPLACE INTO with sharded schema
replace into dml (id, a, b) values (3, 33, 'replaced')
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder/testdata/unsupported_cases.json REPLACE INTO with sharded schema
replace into dml (id, a, b) values (15, 150, 'new')
select id, a, b from dml where id in (3, 15) order by id
insert into dml2 (id, a, b) select id, a, b from dml where id <= 5
select * from dml2 order by id
insert into dml2 (id, a, b) select id + 100, a * 2, concat(b, '!') from dml where a > 60
select id, a, b from dml2 where id > 100 order by id
insert into dml2 select 200, count(*), 'count' from dml
select a from dml2 where id = 200
update dml set a = a + 1 where id = 4
select a from dml where id = 4
update dml set a = 1000 where id = 4
update dml set a = 1000 where id = 4
update dml set b = 'same' where id in (5, 6)
update dml set b = 'same' where id in (5, 6, 7)
update dml set a = a * 2 where a > 100
select id, a from dml where a > 100 order by id
update dml set c = c + 0.25
select id, c from dml order by id
update dml set d = '2025-05-05 05:05:05' where d is null and id < 5
select id, d from dml where id < 5 order by id
update dml set a = null where id = 999
update dml set nosuch = 1
update dml set a = 'abc' where id = 5
-- @vitess sharded VT12001 go/vt/vtgate/planbuilder/testdata/unsupported_cases.json You can't update primary vindex columns
update dml set id = 16 where id = 15
update dml2 set a = 0 order by id limit 2
select id, a from dml2 order by id
delete from dml2 where id > 100
select count(*) from dml2
delete from dml2 where id = 12345
delete from dml2 order by id desc limit 1
select id from dml2 order by id
delete from dml where id >= 13
select count(*), sum(a) from dml
insert into dml (id, a, b) values (20, 1, 'abcdefghijklmnopqrstuvwxyz')
insert into dml (id, a) values (21, 99999999999)
insert into dml (id, c) values (22, 123456789.99)
insert into dml (id, d) values (23, '2024-13-01 00:00:00')
insert into dml (id, a) values (24, 'x')
-- @vitess sharded "could not map [NULL] to a keyspace id" go/vt/vtgate/engine/insert.go the hash vindex maps a NULL primary vindex value to DestinationNone, refused before MySQL sees the row
insert into dml (id) values (null)
-- @vitess sharded "could not map [NULL] to a keyspace id" go/vt/vtgate/engine/insert.go the missing primary vindex column is NULL to the vindex, refused before MySQL sees the row
insert into dml (a) values (1)
insert into dml (id, a, b) values (25, 1)
insert into nosuch (id) values (1)
delete from dml2
select count(*) from dml2
insert into dml2 (id, a, b) values (1, 1, 'a'), (2, 2, 'b'), (3, 3, 'c'), (4, 4, 'd')
update dml2 set a = a + 10
select row_count()
delete from dml2 where a > 12
select id, a from dml2 order by id
select row_count()
select id from product order by id limit 3
select found_rows()
select sql_calc_found_rows id from product order by id limit 3
select found_rows()
