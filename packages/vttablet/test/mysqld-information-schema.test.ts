/**
 * information_schema in the simulated mysqld: MySQL 8's tables read through the ordinary SELECT
 * machinery (WHERE, joins, ORDER BY, aggregates), with MySQL 8's column names and values.
 */
import { describe, expect, it } from 'vitest';
import { expectError, newServer, rowsOf, run } from './mysqld-fixture.js';

function setup() {
  const s = newServer();
  run(
    s.session,
    "create table p (id bigint not null auto_increment primary key, name varchar(40) not null, price decimal(10,2) default '1.50', born datetime(3), note text, unique key uk_name (name), key ix_price (price, id))",
    'create table c (id int primary key, pid bigint, qty int unsigned, constraint c_pos check (qty > 0), constraint fk_p foreign key (pid) references p (id) on delete cascade)',
    'create view pv as select id, name from p',
    "insert into p (name) values ('a'), ('b')",
  );
  return s;
}

describe('mysqld: information_schema', () => {
  it('lists tables and views of a database with TABLES, case-insensitive in the schema and table names it is addressed by', () => {
    const { session } = setup();
    expect(rowsOf(session, "select TABLE_NAME, TABLE_TYPE, ENGINE, AUTO_INCREMENT from INFORMATION_SCHEMA.tables where table_schema = database() order by table_name")).toEqual([
      ['c', 'BASE TABLE', 'InnoDB', null],
      ['p', 'BASE TABLE', 'InnoDB', '3'],
      ['pv', 'VIEW', null, null],
    ]);
    expect(rowsOf(session, "select count(*) from information_schema.TABLES where table_schema = 'vt_commerce' and table_name = 'p'")).toEqual([['1']]);
    // Names are utf8mb3_bin with lower_case_table_names=0: a different letter case matches nothing.
    expect(rowsOf(session, "select count(*) from information_schema.tables where table_schema = 'VT_COMMERCE'")).toEqual([['0']]);
    expectError(session, 'select * from information_schema.nosuch', 1146);
  });

  it('names unaliased columns as MySQL 8 declares them (upper case), aliased ones as written', () => {
    const { session } = setup();
    const r = session.execute("select table_name, table_name as tn from information_schema.tables where table_name = 'p'");
    expect(r.fields.map((f) => f.name)).toEqual(['TABLE_NAME', 'tn']);
  });

  it('describes columns with COLUMNS: types, lengths, precision, defaults, keys, extra', () => {
    const { session } = setup();
    expect(
      rowsOf(session, "select COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, COLLATION_NAME, COLUMN_TYPE, COLUMN_KEY, EXTRA from information_schema.columns where table_schema = database() and table_name = 'p' order by ordinal_position"),
    ).toEqual([
      ['id', '1', null, 'NO', 'bigint', null, '19', '0', null, null, 'bigint', 'PRI', 'auto_increment'],
      ['name', '2', null, 'NO', 'varchar', '40', null, null, null, 'utf8mb4_0900_ai_ci', 'varchar(40)', 'UNI', ''],
      ['price', '3', '1.50', 'YES', 'decimal', null, '10', '2', null, null, 'decimal(10,2)', 'MUL', ''],
      ['born', '4', null, 'YES', 'datetime', null, null, null, '3', null, 'datetime(3)', '', ''],
      ['note', '5', null, 'YES', 'text', '65535', null, null, null, 'utf8mb4_0900_ai_ci', 'text', '', ''],
    ]);
    expect(rowsOf(session, "select NUMERIC_PRECISION from information_schema.columns where table_name = 'c' and column_name = 'QTY'")).toEqual([['10']]);
  });

  it('lists indexes, constraints and key columns (STATISTICS, TABLE_CONSTRAINTS, KEY_COLUMN_USAGE, REFERENTIAL_CONSTRAINTS, CHECK_CONSTRAINTS)', () => {
    const { session } = setup();
    expect(rowsOf(session, "select INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE from information_schema.statistics where table_schema = database() and table_name = 'p' order by index_name, seq_in_index")).toEqual([
      ['ix_price', '1', 'price', '1'],
      ['ix_price', '2', 'id', '1'],
      ['PRIMARY', '1', 'id', '0'],
      ['uk_name', '1', 'name', '0'],
    ]);
    expect(rowsOf(session, "select CONSTRAINT_NAME, CONSTRAINT_TYPE, ENFORCED from information_schema.table_constraints where table_schema = database() and table_name = 'c' order by constraint_name")).toEqual([
      ['c_pos', 'CHECK', 'YES'],
      ['fk_p', 'FOREIGN KEY', 'YES'],
      ['PRIMARY', 'PRIMARY KEY', 'YES'],
    ]);
    expect(rowsOf(session, "select CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME from information_schema.key_column_usage where table_schema = database() and referenced_table_name is not null")).toEqual([
      ['fk_p', 'pid', 'p', 'id'],
    ]);
    expect(rowsOf(session, 'select CONSTRAINT_NAME, UNIQUE_CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE, TABLE_NAME, REFERENCED_TABLE_NAME from information_schema.referential_constraints where constraint_schema = database()')).toEqual([
      ['fk_p', 'PRIMARY', 'NO ACTION', 'CASCADE', 'c', 'p'],
    ]);
    expect(rowsOf(session, 'select CONSTRAINT_NAME, CHECK_CLAUSE from information_schema.check_constraints where constraint_schema = database()')).toEqual([['c_pos', '(`qty` > 0)']]);
  });

  it('joins, groups and counts over the virtual tables; SCHEMATA, VIEWS, ROUTINES and TRIGGERS answer too', () => {
    const { session } = setup();
    expect(rowsOf(session, "select t.TABLE_NAME, count(*) from information_schema.tables t join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name where t.table_schema = database() and t.table_type = 'BASE TABLE' group by t.table_name order by t.table_name")).toEqual([
      ['c', '3'],
      ['p', '5'],
    ]);
    expect(rowsOf(session, "select SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME from information_schema.schemata where schema_name in ('vt_commerce', 'information_schema') order by 1")).toEqual([
      ['information_schema', 'utf8mb3'],
      ['vt_commerce', 'utf8mb4'],
    ]);
    expect(rowsOf(session, 'select TABLE_NAME, VIEW_DEFINITION from information_schema.views where table_schema = database()')).toEqual([['pv', 'select id, name from p']]);
    expect(rowsOf(session, 'select count(*) from information_schema.routines where routine_schema = database()')).toEqual([['0']]);
    expect(rowsOf(session, 'select count(*) from information_schema.triggers')).toEqual([['0']]);
  });

  it('follows DDL: a new table and column show up at once', () => {
    const { session } = setup();
    run(session, 'create table n (x int)', 'alter table n add column y varchar(3)');
    expect(rowsOf(session, "select COLUMN_NAME from information_schema.columns where table_schema = database() and table_name = 'n' order by ordinal_position")).toEqual([['x'], ['y']]);
  });
});

describe('mysqld: SHOW filters and status', () => {
  it('applies SHOW … WHERE over the result columns and LIKE over the first one', () => {
    const { session } = setup();
    expect(rowsOf(session, "show index from p where Key_name = 'ix_price'").map((r) => [r[2], r[4]])).toEqual([['ix_price', 'price'], ['ix_price', 'id']]);
    expect(rowsOf(session, "show keys from p where Column_name = 'nosuch'")).toEqual([]);
    expect(rowsOf(session, "show columns from p where `Null` = 'NO'").map((r) => r[0])).toEqual(['id', 'name']);
    expect(rowsOf(session, "show full tables where Table_type = 'VIEW'")).toEqual([['pv', 'VIEW']]);
    expect(session.execute("show tables like 'p%'").fields[0]!.name).toBe('Tables_in_vt_commerce (p%)');
    expectError(session, "show index from p where nosuch = 1", 1054);
  });

  it('answers SHOW TABLE STATUS, SHOW COLLATION and SHOW VARIABLES as MySQL 8 prints them', () => {
    const { session } = setup();
    const status = session.execute("show table status like 'p'");
    expect(status.fields.map((f) => f.name).slice(0, 5)).toEqual(['Name', 'Engine', 'Version', 'Row_format', 'Rows']);
    expect(rowsOf(session, "show table status like 'p'").map((r) => [r[0], r[1], r[10], r[14]])).toEqual([['p', 'InnoDB', '3', 'utf8mb4_0900_ai_ci']]);
    expect(rowsOf(session, "show table status where Name = 'pv'").map((r) => [r[0], r[17]])).toEqual([['pv', 'VIEW']]);
    expect(rowsOf(session, "show collation like 'utf8mb4_bin'")).toEqual([['utf8mb4_bin', 'utf8mb4', '46', '', 'Yes', '1', 'PAD SPACE']]);
    expect(rowsOf(session, "show collation where Collation = 'utf8mb4_0900_ai_ci'")).toEqual([['utf8mb4_0900_ai_ci', 'utf8mb4', '255', 'Yes', 'Yes', '0', 'NO PAD']]);
    expect(rowsOf(session, "show session variables like 'autocommit'")).toEqual([['autocommit', 'ON']]);
    expect(rowsOf(session, "show variables where Variable_name = 'auto_increment_increment'")).toEqual([['auto_increment_increment', '1']]);
    expect(rowsOf(session, 'show count(*) errors')).toEqual([['0']]);
  });
});
