-- information_schema and SHOW as ORMs send them (knex, Sequelize, TypeORM, Prisma), upper-case column names as they write them.
select count(*) from information_schema.tables where table_schema = database() and table_name = 'product'
select count(*) from information_schema.tables where table_schema = database() and table_name = 'nosuch'
select TABLE_NAME from information_schema.tables where table_schema = database() and table_name in ('product', 'orders', 'customer') order by TABLE_NAME
select TABLE_NAME, TABLE_TYPE from information_schema.tables where table_schema = database() and table_name like 'p%'
-- @mysql8 {"rows":[["vt_{keyspace}","customer"]]} through Vitess database() in a query on information_schema runs on the tablet (InfoSchemaRouting leaves it unrewritten), whose database is vt_<keyspace>
select TABLE_SCHEMA, TABLE_NAME from information_schema.TABLES where TABLE_SCHEMA = database() and TABLE_NAME = 'customer'
select COLUMN_NAME, DATA_TYPE, IS_NULLABLE from information_schema.columns where table_schema = database() and table_name = 'product' order by ORDINAL_POSITION
-- @mysql8 {"rows":[["id","1",null,"NO","bigint",null,"19","0"],["name","2",null,"YES","varchar","40",null,null],["email","3",null,"YES","varchar","60",null,null],["country","4",null,"YES","varchar","20",null,null],["score","5",null,"YES","double",null,"22",null],["born","6",null,"YES","datetime",null,null,null]]} MariaDB reports a nullable column's missing default as the string 'NULL'; MySQL 8 as NULL
select COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE from information_schema.columns where table_schema = database() and table_name = 'customer' order by ORDINAL_POSITION
select COLUMN_NAME, COLUMN_KEY from information_schema.columns where table_schema = database() and table_name = 'orders' and COLUMN_KEY <> '' order by COLUMN_NAME
-- @mysql8 {"rows":[["id",null],["a",null],["b",null],["c","1.50"],["d",null]]} MariaDB reports a nullable column's missing default as the string 'NULL'; MySQL 8 as NULL
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
-- @mysql8 {"rows":[["vt_{keyspace}"]]} through Vitess database() in a query on information_schema runs on the tablet (InfoSchemaRouting leaves it unrewritten), whose database is vt_<keyspace>
select SCHEMA_NAME from information_schema.schemata where schema_name = database()
select count(*) from information_schema.schemata where schema_name = 'nosuch_db'
select count(*) from information_schema.views where table_schema = database()
select count(*) from information_schema.routines where routine_schema = database()
-- @mysql8 {"rows":[["2"]]} MariaDB counts its JSON column's implicit json_valid check; MySQL 8 has only ddl_check's two
select count(*) from information_schema.check_constraints where constraint_schema = database()
select count(*) from information_schema.triggers where trigger_schema = database()
select TABLE_NAME from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE' and table_name like 'dml%' order by TABLE_NAME
select table_name as name from information_schema.tables where table_schema = database() and table_name = 'tx'
select t.TABLE_NAME, c.COLUMN_NAME from information_schema.tables t join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name where t.table_schema = database() and t.table_name = 'tx' order by c.ORDINAL_POSITION
show tables
-- @mysql8 {"columns":["Tables_in_{keyspace}"]} vtgate renames SHOW TABLES's first column Tables_in_<keyspace> (buildPlanWithDB's RenameField), without MySQL's ' (pattern)'
show tables like 'p%'
-- @mysql8 {"columns":["Tables_in_{keyspace}"]} vtgate renames SHOW TABLES's first column Tables_in_<keyspace> (buildPlanWithDB's RenameField), without MySQL's ' (pattern)'
show tables like 'nosuch%'
-- @mysql8 {"columns":["Tables_in_{keyspace}","Table_type"]} vtgate renames SHOW TABLES's first column Tables_in_<keyspace> (buildPlanWithDB's RenameField), without MySQL's ' (pattern)'
show full tables like 'dml%'
-- @mysql8 {"rows":[["id","int","NO","PRI",null,""],["name","varchar(40)","NO","",null,""],["cat","varchar(20)","YES","",null,""],["price","decimal(10,2)","YES","",null,""],["qty","int","YES","",null,""],["created","date","YES","",null,""]]} MySQL 8 types int without display width; MariaDB shows int(11)
show columns from product
-- @mysql8 {"rows":[["id","int",null,"NO","PRI",null,"","select,insert,update,references",""],["v","varchar(20)","utf8mb4_0900_ai_ci","YES","",null,"","select,insert,update,references",""]]} MySQL 8 types int without display width; MariaDB shows int(11) and MySQL 8's default collation is utf8mb4_0900_ai_ci
show full columns from tx
show columns from product like 'p%'
-- @vitess sharded VT05004 go/vt/vtgate/planbuilder/show.go buildShowTblPlan: a table the sharded keyspace's VSchema lacks is VT05004 before any tablet is asked
show columns from nosuch
-- @vitess sharded VT05004 go/vt/vtgate/planbuilder/show.go buildShowTblPlan: a table the sharded keyspace's VSchema lacks is VT05004 before any tablet is asked
show index from nosuch
-- @mysql8 {"columns":["Table","Non_unique","Key_name","Seq_in_index","Column_name","Collation","Cardinality","Sub_part","Packed","Null","Index_type","Comment","Index_comment","Visible","Expression"],"types":["string","integer","string","integer","string","string","integer","integer","string","string","string","string","string","string","string"],"rows":[]} MySQL 8 has Visible and Expression columns; MariaDB has Ignored
show index from product where Key_name = 'nosuch'
-- @mysql8 {"columns":["Table","Non_unique","Key_name","Seq_in_index","Column_name","Collation","Cardinality","Sub_part","Packed","Null","Index_type","Comment","Index_comment","Visible","Expression"],"types":["string","integer","string","integer","string","string","integer","integer","string","string","string","string","string","string","string"],"rows":[]} MySQL 8 has Visible and Expression columns; MariaDB has Ignored (Cardinality, which InnoDB estimates, is left out by the filter)
show keys from orders where Column_name = 'nosuch'
-- @mysql8 {"columns":["Database"]} vtgate answers SHOW DATABASES itself under one Database column (buildDBPlan)
show databases like 'diff%'
-- @mysql8 {"columns":["Database"]} vtgate answers SHOW DATABASES itself under one Database column (buildDBPlan)
show schemas like 'nosuch%'
-- @mysql8 {"columns":["Name","Engine","Version","Row_format","Rows","Avg_row_length","Data_length","Max_data_length","Index_length","Data_free","Auto_increment","Create_time","Update_time","Check_time","Collation","Checksum","Create_options","Comment"],"types":["string","string","integer","string","integer","integer","integer","integer","integer","integer","integer","datetime","datetime","datetime","string","integer","string","string"],"rows":[]} MariaDB adds Max_index_length and Temporary columns
show table status like 'nosuch'
-- @mysql8 {"rows":[["tx","CREATE TABLE `tx` (\n  `id` int NOT NULL,\n  `v` varchar(20) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"]]} MySQL 8's int has no display width and its default collation is utf8mb4_0900_ai_ci
show create table tx
-- @mysql8 {"rows":[["sql_mode","ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"]]} MariaDB adds IGNORE_SPACE to the mode it was given
show variables like 'sql_mode'
show session variables like 'autocommit'
-- @mysql8 {"rows":[["max_allowed_packet","67108864"]]} MySQL 8's default max_allowed_packet is 64 MiB; MariaDB's 16 MiB
show global variables like 'max_allowed_packet'
show warnings
show errors
-- @mysql8 {"columns":["Tables_in_{keyspace}"]} vtgate renames SHOW TABLES's first column Tables_in_<keyspace> (buildPlanWithDB's RenameField), without MySQL's ' (pattern)'
show tables like 'tx'
-- @mysql8 {"columns":["Collation","Charset","Id","Default","Compiled","Sortlen","Pad_attribute"],"types":["string","string","integer","string","string","integer","string"],"rows":[["utf8mb4_bin","utf8mb4","46","","Yes","1","PAD SPACE"]]} MySQL 8 adds the Pad_attribute column
show collation like 'utf8mb4_bin'
-- @mysql8 {"rows":[["utf8mb4","UTF-8 Unicode","utf8mb4_0900_ai_ci","4"]]} MySQL 8's utf8mb4 default collation is utf8mb4_0900_ai_ci
show character set like 'utf8mb4'
show status like 'nosuch%'
-- @mysql8 {"rows":[["id","int","NO","PRI",null,""],["v","varchar(20)","YES","",null,""]]} MySQL 8 types int without display width; MariaDB shows int(11)
describe tx
-- @mysql8 {"rows":[["id","int","NO","PRI",null,""],["name","varchar(40)","NO","",null,""],["cat","varchar(20)","YES","",null,""],["price","decimal(10,2)","YES","",null,""],["qty","int","YES","",null,""],["created","date","YES","",null,""]]} MySQL 8 types int without display width; MariaDB shows int(11)
desc product
select 'explain' from dual
show count(*) warnings
show count(*) errors
select 1 / 0
show warnings
show count(*) warnings
select @@warning_count
