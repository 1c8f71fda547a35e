import { describe, expect, it } from 'vitest';
import { COMMERCE_SCHEMA, expectError, newServer, rowsOf, run } from './mysqld-fixture.js';

describe('mysqld: DDL', () => {
  it('prints SHOW CREATE TABLE as MySQL 8 does', () => {
    const { session } = newServer();
    run(session, ...COMMERCE_SCHEMA, "insert into customer(email) values ('a'), ('b')");
    expect(rowsOf(session, 'show create table customer')).toEqual([[
      'customer',
      'CREATE TABLE `customer` (\n' +
        '  `customer_id` bigint NOT NULL AUTO_INCREMENT,\n' +
        '  `email` varbinary(128) DEFAULT NULL,\n' +
        '  PRIMARY KEY (`customer_id`)\n' +
        ') ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci',
    ]]);
    run(
      session,
      "create table if not exists s (id int, next_id bigint, cache bigint, primary key(id)) comment 'vitess_sequence'",
      "create table k (a int not null, b varchar(10) default 'x' comment 'bee', c text, ts timestamp default current_timestamp on update current_timestamp, " +
        'unique key ab (a, b), key (b), primary key (a))',
    );
    expect(rowsOf(session, 'show create table s')[0]![1]).toBe(
      'CREATE TABLE `s` (\n  `id` int NOT NULL,\n  `next_id` bigint DEFAULT NULL,\n  `cache` bigint DEFAULT NULL,\n  PRIMARY KEY (`id`)\n' +
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='vitess_sequence'",
    );
    expect(rowsOf(session, 'show create table k')[0]![1]).toBe(
      'CREATE TABLE `k` (\n' +
        '  `a` int NOT NULL,\n' +
        "  `b` varchar(10) DEFAULT 'x' COMMENT 'bee',\n" +
        '  `c` text,\n' +
        '  `ts` timestamp NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n' +
        '  PRIMARY KEY (`a`),\n' +
        '  UNIQUE KEY `ab` (`a`,`b`),\n' +
        '  KEY `b` (`b`)\n' +
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci',
    );
  });

  it('keeps column collations, zerofill widths and spatial columns', () => {
    const { session } = newServer();
    run(
      session,
      'create table c (id int primary key, a varchar(10) collate utf8mb4_bin, b char(4) character set latin1, ' +
        'n int(5) unsigned zerofill, g point) default charset=ascii collate=ascii_bin',
      "create table d (id int primary key, t text) character set latin1",
    );
    // MySQL 8 prints a column's COLLATE when it differs from the table default, CHARACTER SET too when
    // the character set differs (vtsim always prints the table with utf8mb4_0900_ai_ci).
    expect(rowsOf(session, 'show create table c')[0]![1]).toBe(
      'CREATE TABLE `c` (\n' +
        '  `id` int NOT NULL,\n' +
        '  `a` varchar(10) COLLATE utf8mb4_bin DEFAULT NULL,\n' +
        '  `b` char(4) CHARACTER SET latin1 COLLATE latin1_swedish_ci DEFAULT NULL,\n' +
        '  `n` int(5) unsigned zerofill DEFAULT NULL,\n' +
        '  `g` point DEFAULT NULL,\n' +
        '  PRIMARY KEY (`id`)\n' +
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci',
    );
    expect(rowsOf(session, 'show full columns from d').map((r) => r.slice(0, 3))).toEqual([
      ['id', 'int', null],
      ['t', 'text', 'latin1_swedish_ci'],
    ]);
    run(session, "insert into c values (1, 'A', 'b', 7, st_geomfromtext('POINT(1 2)'))");
    expect(rowsOf(session, 'select st_astext(g), n from c')).toEqual([['POINT(1 2)', '7']]);
    expectError(session, "insert into c (id, g) values (2, st_geomfromtext('LINESTRING(0 0,1 1)'))", 1416);
    expectError(session, "insert into c (id, g) values (2, 'x')", 1416);
  });

  it('alters tables: add/drop/change/modify/rename columns, indexes, primary keys, rename table', () => {
    const { session, mysqld } = newServer();
    run(session, 'create table t (id int not null, a varchar(10), b int, primary key (id))', "insert into t values (1, 'x', 5), (2, 'y', 6)");
    run(session, 'alter table t add column c int not null default 7 after id, add index b_idx (b)');
    expect(rowsOf(session, 'select * from t')).toEqual([['1', '7', 'x', '5'], ['2', '7', 'y', '6']]);
    run(session, 'alter table t drop column a, modify column b bigint first');
    expect(rowsOf(session, 'select * from t')).toEqual([['5', '1', '7'], ['6', '2', '7']]);
    run(session, 'alter table t change column c cc varchar(5)');
    expect(session.execute('select * from t').fields.map((f) => f.name)).toEqual(['b', 'id', 'cc']);
    expect(rowsOf(session, 'select cc from t where id = 1')).toEqual([['7']]);
    run(session, 'alter table t rename column cc to c2');
    run(session, 'alter table t drop primary key, add primary key (b)');
    expect(mysqld.tableMap('vt_commerce', 't')!.pkColumns).toEqual([0]);
    run(session, 'create unique index uid on t (id)');
    expectError(session, 'insert into t values (9, 1, null)', 1062, "Duplicate entry '1' for key 't.uid'");
    run(session, 'drop index uid on t');
    run(session, 'insert into t values (9, 1, null)');
    run(session, 'alter table t rename to t2');
    expect(mysqld.tableNames('vt_commerce')).toEqual(['t2']);
    run(session, 'rename table t2 to t3');
    expect(rowsOf(session, 'select count(*) from t3')).toEqual([['3']]);
    expectError(session, 'alter table t3 add column b int', 1060, "Duplicate column name 'b'");
    expectError(session, 'alter table t3 drop column nope', 1091, "Can't DROP 'nope'; check that column/key exists");
    expectError(session, 'alter table t3 add primary key (id)', 1068, 'Multiple primary key defined');
    expectError(session, 'alter table t3 add unique key b_idx (c2), add key b_idx (id)', 1061, "Duplicate key name 'b_idx'");
    expectError(session, 'alter table t3 add unique key (id)', 1062);
    expectError(session, 'alter table t3 modify c2 int not null', 1138);
  });

  it('creates, drops, truncates and renames with MySQL errors and one binlog DDL each', () => {
    const { session, mysqld } = newServer();
    const start = mysqld.binlog.length;
    run(session, 'create table a (id int primary key auto_increment)', 'insert into a values (), ()'.replace('values (), ()', 'values (null), (null)'));
    expectError(session, 'create table a (id int)', 1050, "Table 'a' already exists");
    run(session, 'create table if not exists a (id int)');
    expectError(session, 'drop table nope', 1051, "Unknown table 'vt_commerce.nope'");
    expectError(session, 'drop table a, nope, nope2', 1051, "Unknown table 'vt_commerce.nope,vt_commerce.nope2'");
    expect(mysqld.tableNames('vt_commerce')).toEqual(['a']);
    run(session, 'drop table if exists nope');
    run(session, 'truncate table a');
    expect(session.execute('insert into a values (null)').insertId).toBe(1n);
    expectError(session, 'rename table nope to x', 1146, "Table 'vt_commerce.nope' doesn't exist");
    expectError(session, 'create table z (id int auto_increment, v int)', 1075);
    run(session, 'create database d2', 'use d2', 'create table q (id int primary key)');
    expectError(session, 'create database d2', 1007, "Can't create database 'd2'; database exists");
    run(session, 'drop database d2');
    expect(session.database).toBe('');
    expectError(session, 'drop database d2', 1008, "Can't drop database 'd2'; database doesn't exist");
    run(session, 'use vt_commerce');
    run(session, '  drop table a ;  ');
    const kinds = [];
    for (let i = start; i < mysqld.binlog.length; i++) {
      const e = mysqld.binlog.transactionAt(i).events[0]!;
      kinds.push(e.kind === 'rows' ? 'rows' : `${e.kind}:${e.statement}`);
    }
    expect(kinds).toEqual([
      'ddl:create table a (id int primary key auto_increment)',
      'rows',
      'ddl:create table if not exists a (id int)',
      'ddl:drop table if exists nope',
      'ddl:truncate table a',
      'rows',
      'other:create database d2',
      'ddl:create table q (id int primary key)',
      'other:drop database d2',
      'ddl:drop table a',
    ]);
  });
});

describe('mysqld: SHOW, DESCRIBE and SET', () => {
  it('shows tables, databases, columns, indexes and variables', () => {
    const { session, mysqld } = newServer();
    run(session, ...COMMERCE_SCHEMA, 'create table k (a int not null, b varchar(10), unique key (b), key ab (a, b), primary key (a))');
    mysqld.createDatabase('_vt', { logBin: false });
    const tables = session.execute('show tables');
    expect(tables.fields.map((f) => f.name)).toEqual(['Tables_in_vt_commerce']);
    expect(tables.rows).toEqual([['corder'], ['customer'], ['k'], ['product']]);
    expect(rowsOf(session, "show full tables from vt_commerce like 'c%'")).toEqual([['corder', 'BASE TABLE'], ['customer', 'BASE TABLE']]);
    expect(rowsOf(session, 'show databases')).toEqual([['_vt'], ['information_schema'], ['mysql'], ['performance_schema'], ['sys'], ['vt_commerce']]);
    const desc = session.execute('describe customer');
    expect(desc.fields.map((f) => f.name)).toEqual(['Field', 'Type', 'Null', 'Key', 'Default', 'Extra']);
    expect(desc.rows).toEqual([
      ['customer_id', 'bigint', 'NO', 'PRI', null, 'auto_increment'],
      ['email', 'varbinary(128)', 'YES', '', null, ''],
    ]);
    expect(rowsOf(session, 'show columns from k')).toEqual([
      ['a', 'int', 'NO', 'PRI', null, ''],
      ['b', 'varchar(10)', 'YES', 'UNI', null, ''],
    ]);
    expect(rowsOf(session, 'show full columns from k like "b"')[0]).toEqual(['b', 'varchar(10)', 'utf8mb4_0900_ai_ci', 'YES', 'UNI', null, '', 'select,insert,update,references', '']);
    expect(rowsOf(session, 'show index from k').map((r) => [r[2], r[3], r[4], r[1]])).toEqual([
      ['PRIMARY', '1', 'a', '0'], ['b', '1', 'b', '0'], ['ab', '1', 'a', '1'], ['ab', '2', 'b', '1'],
    ]);
    expect(rowsOf(session, "show variables like 'version%'")).toEqual([
      ['version', '8.0.30'], ['version_comment', 'MySQL Community Server - GPL'], ['version_compile_machine', 'x86_64'], ['version_compile_os', 'Linux'],
    ]);
    expect(session.execute('show warnings').rows).toEqual([]);
    expect(rowsOf(session, 'show master status')[0]![4]).toBe(mysqld.gtidExecutedText());
    expectError(session, 'show tables from nope', 1049);
    expectError(session, 'describe nope', 1146);
  });

  it('sets session and global variables', () => {
    const { session, mysqld } = newServer();
    run(session, "set names utf8mb4", "set session sql_mode = 'STRICT_TRANS_TABLES'", 'set @@session.wait_timeout = 10', 'set global max_connections = 5');
    expect(rowsOf(session, 'select @@sql_mode, @@wait_timeout, @@global.wait_timeout, @@global.max_connections')).toEqual([['STRICT_TRANS_TABLES', '10', '28800', '5']]);
    expect(rowsOf(mysqld.createSession(), 'select @@max_connections, @@sql_mode')[0]![0]).toBe('5');
    expectError(session, 'set nope = 1', 1193, "Unknown system variable 'nope'");
    expectError(session, 'select @@nope', 1193);
    run(session, 'set global super_read_only = ON');
    expect(mysqld.superReadOnly).toBe(true);
    run(session, 'set transaction isolation level read committed', 'lock tables customer read', 'unlock tables', 'commit work', 'start transaction', 'rollback work');
  });
});
