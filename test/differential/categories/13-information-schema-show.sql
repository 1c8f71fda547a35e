-- information_schema and SHOW as ORMs send them (knex, Sequelize, TypeORM, Prisma), upper-case column names as they write them.
select count(*) from information_schema.tables where table_schema = database() and table_name = 'product'
select count(*) from information_schema.tables where table_schema = database() and table_name = 'nosuch'
select TABLE_NAME from information_schema.tables where table_schema = database() and table_name in ('product', 'orders', 'customer') order by TABLE_NAME
select TABLE_NAME, TABLE_TYPE from information_schema.tables where table_schema = database() and table_name like 'p%'
select TABLE_SCHEMA, TABLE_NAME from information_schema.TABLES where TABLE_SCHEMA = database() and TABLE_NAME = 'customer'
select COLUMN_NAME, DATA_TYPE, IS_NULLABLE from information_schema.columns where table_schema = database() and table_name = 'product' order by ORDINAL_POSITION
select COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE from information_schema.columns where table_schema = database() and table_name = 'customer' order by ORDINAL_POSITION
select COLUMN_NAME, COLUMN_KEY from information_schema.columns where table_schema = database() and table_name = 'orders' and COLUMN_KEY <> '' order by COLUMN_NAME
select COLUMN_NAME, COLUMN_DEFAULT from information_schema.columns where table_schema = database() and table_name = 'dml' order by ORDINAL_POSITION
select COLUMN_NAME, COLUMN_TYPE from information_schema.columns where table_schema = database() and table_name = 'product' and DATA_TYPE in ('varchar', 'decimal', 'date') order by ORDINAL_POSITION
select count(*) from information_schema.columns where table_schema = database() and table_name = 'nums'
select COLUMN_NAME, EXTRA from information_schema.columns where table_schema = database() and table_name = 'tx' order by ORDINAL_POSITION
select INDEX_NAME, COLUMN_NAME, NON_UNIQUE, SEQ_IN_INDEX from information_schema.statistics where table_schema = database() and table_name = 'product' order by INDEX_NAME, SEQ_IN_INDEX
select INDEX_NAME, NON_UNIQUE from information_schema.statistics where table_schema = database() and table_name = 'nosuch'
select CONSTRAINT_NAME, COLUMN_NAME from information_schema.key_column_usage where table_schema = database() and table_name = 'product'
select CONSTRAINT_NAME, CONSTRAINT_TYPE from information_schema.table_constraints where table_schema = database() and table_name = 'customer'
select count(*) from information_schema.referential_constraints where constraint_schema = database()
select count(*) from information_schema.key_column_usage where table_schema = database() and referenced_table_name is not null
select SCHEMA_NAME from information_schema.schemata where schema_name = database()
select count(*) from information_schema.schemata where schema_name = 'nosuch_db'
select count(*) from information_schema.views where table_schema = database()
select count(*) from information_schema.routines where routine_schema = database()
select count(*) from information_schema.check_constraints where constraint_schema = database()
select count(*) from information_schema.triggers where trigger_schema = database()
select TABLE_NAME from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE' and table_name like 'dml%' order by TABLE_NAME
select table_name as name from information_schema.tables where table_schema = database() and table_name = 'tx'
select t.TABLE_NAME, c.COLUMN_NAME from information_schema.tables t join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name where t.table_schema = database() and t.table_name = 'tx' order by c.ORDINAL_POSITION
show tables
show tables like 'p%'
show tables like 'nosuch%'
show full tables like 'dml%'
show columns from product
show full columns from tx
show columns from product like 'p%'
show columns from nosuch
show index from product
show index from product where Key_name = 'PRIMARY'
show keys from orders
show databases like 'diff%'
show schemas like 'nosuch%'
show table status like 'tx'
show create table tx
show variables like 'sql_mode'
show session variables like 'autocommit'
show global variables like 'max_allowed_packet'
show warnings
show errors
show engines
show collation like 'utf8mb4_bin'
show character set like 'utf8mb4'
show status like 'Threads_connected'
describe tx
desc product
explain select * from tx
show count(*) warnings
show count(*) errors
select 1 / 0
show warnings
show count(*) warnings
select @@warning_count
