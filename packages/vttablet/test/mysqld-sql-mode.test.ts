/**
 * sql_mode on the simulated mysqld: SET GLOBAL / SESSION with MySQL 8's validation and canonical
 * text, zero dates, and strict versus non-strict value storage with MySQL's warnings. MariaDB 10.11
 * (Debian's mariadb-server) was the differential reference where it agrees with MySQL 8; the
 * message texts are MySQL 8's.
 */
import { ManualClock, SeededRandom } from '@vtsim/binlog';
import { describe, expect, it } from 'vitest';
import { Mysqld } from '../src/mysqld/mysqld.js';
import { expectError, newServer, rowsOf, run, UUID_B } from './mysqld-fixture.js';

describe('sql_mode', () => {
  it("defaults to MySQL 8's mode, normalizes what SET gives it, and refuses unknown modes with 1231", () => {
    const { mysqld, session } = newServer();
    expect(rowsOf(session, 'select @@sql_mode')).toEqual([['ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION']]);
    run(session, "set sql_mode = 'no_zero_date,,strict_all_tables'");
    expect(rowsOf(session, 'select @@sql_mode')).toEqual([['STRICT_ALL_TABLES,NO_ZERO_DATE']]);
    run(session, "set session sql_mode = 'TRADITIONAL'");
    expect(rowsOf(session, 'select @@session.sql_mode')).toEqual([['STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,TRADITIONAL,NO_ENGINE_SUBSTITUTION']]);
    expectError(session, "set sql_mode = 'NO_AUTO_CREATE_USER'", 1231, "Variable 'sql_mode' can't be set to the value of 'NO_AUTO_CREATE_USER'");
    expectError(session, "set sql_mode = 'STRICT_TRANS_TABLES,BOGUS'", 1231, "Variable 'sql_mode' can't be set to the value of 'BOGUS'");
    // SET GLOBAL changes new sessions only.
    run(session, "set global sql_mode = ''");
    expect(rowsOf(session, 'select @@global.sql_mode, @@session.sql_mode')).toEqual([['', 'STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,TRADITIONAL,NO_ENGINE_SUBSTITUTION']]);
    const fresh = mysqld.createSession({ database: 'vt_commerce' });
    expect(rowsOf(fresh, 'select @@sql_mode')).toEqual([['']]);
    run(fresh, 'create table t (i tinyint)', "insert into t values ('300')");
    expect(rowsOf(fresh, 'select i from t')).toEqual([['127']]);
  });

  it('allows zero dates and zero parts without NO_ZERO_DATE / NO_ZERO_IN_DATE, in strict mode too', () => {
    const { session } = newServer();
    run(session, 'create table z (d date, dt datetime(3), ts timestamp null)');
    expectError(session, "insert into z (d) values ('0000-00-00')", 1292, "Incorrect date value: '0000-00-00' for column 'd' at row 1");
    expectError(session, "insert into z (d) values ('2020-00-15')", 1292);
    run(session, "set sql_mode = 'STRICT_TRANS_TABLES'");
    run(session, "insert into z values ('0000-00-00', '2020-00-15 10:00:00', '0000-00-00 00:00:00'), ('2020-00-15', '0000-00-00', null), (0, 0, 0)");
    expect(rowsOf(session, 'select d, dt, ts from z')).toEqual([
      ['0000-00-00', '2020-00-15 10:00:00.000', '0000-00-00 00:00:00'],
      ['2020-00-15', '0000-00-00 00:00:00.000', null],
      ['0000-00-00', '0000-00-00 00:00:00.000', '0000-00-00 00:00:00'],
    ]);
    expect(rowsOf(session, "select count(*) from z where d = '0000-00-00'")).toEqual([['2']]);
    expectError(session, "insert into z (d) values ('2020-02-30')", 1292, "Incorrect date value: '2020-02-30' for column 'd' at row 1");
    run(session, "set sql_mode = 'STRICT_TRANS_TABLES,ALLOW_INVALID_DATES'", "insert into z (d) values ('2020-02-30')");
    expect(rowsOf(session, "select d from z where d > '2020-02-01'")).toEqual([['2020-02-30']]);
  });

  it('stores the nearest value with warnings 1264/1265/1366 when not strict', () => {
    const { session } = newServer();
    run(session, "set sql_mode = ''");
    run(session, "create table z (d date, ts timestamp null, i tinyint, u int unsigned, dc decimal(5,2), f float, s varchar(3), e enum('a','b'), y year, b binary(2))");
    const r = session.execute("insert into z (i, u, dc, f, s, e, y, b) values ('300', -5, 12345.678, 'x1', 'abcdef', 'zz', 3000, 'abc'), ('12abc', 7, 'abc', 1.5, 'ok', 'a', 2024, 'a')");
    expect(r.info).toBe('Records: 2  Duplicates: 0  Warnings: 10');
    expect(rowsOf(session, 'show warnings')).toEqual([
      ['Warning', '1264', "Out of range value for column 'i' at row 1"],
      ['Warning', '1264', "Out of range value for column 'u' at row 1"],
      ['Warning', '1264', "Out of range value for column 'dc' at row 1"],
      ['Warning', '1265', "Data truncated for column 'f' at row 1"],
      ['Warning', '1265', "Data truncated for column 's' at row 1"],
      ['Warning', '1265', "Data truncated for column 'e' at row 1"],
      ['Warning', '1264', "Out of range value for column 'y' at row 1"],
      ['Warning', '1265', "Data truncated for column 'b' at row 1"],
      ['Warning', '1265', "Data truncated for column 'i' at row 2"],
      ['Warning', '1366', "Incorrect decimal value: 'abc' for column 'dc' at row 2"],
    ]);
    expect(rowsOf(session, 'show count(*) warnings')).toEqual([['10']]);
    expect(rowsOf(session, 'select @@warning_count')).toEqual([['10']]);
    expect(rowsOf(session, 'select i, u, dc, f, s, e, y = 0, hex(b) from z')).toEqual([
      ['127', '0', '999.99', '0', 'abc', '', '1', '6162'],
      ['12', '7', '0.00', '1.5', 'ok', 'a', '0', '6100'],
    ]);
    // The next statement clears them.
    expect(rowsOf(session, 'select 1')).toEqual([['1']]);
    expect(rowsOf(session, 'show warnings')).toEqual([]);
    run(session, "insert into z (d, ts) values ('abc', '1960-01-01')");
    expect(rowsOf(session, 'show warnings')).toEqual([
      ['Warning', '1265', "Data truncated for column 'd' at row 1"],
      ['Warning', '1264', "Out of range value for column 'ts' at row 1"],
    ]);
    run(session, "set sql_mode = 'NO_ZERO_DATE,NO_ZERO_IN_DATE'", "insert into z (d) values ('0000-00-00'), ('2020-00-15')");
    expect(rowsOf(session, 'show warnings')).toEqual([
      ['Warning', '1264', "Out of range value for column 'd' at row 1"],
      ['Warning', '1265', "Data truncated for column 'd' at row 2"],
    ]);
    const u = session.execute('update z set i = 1000 where i = 127');
    expect(u.info).toBe('Rows matched: 1  Changed: 0  Warnings: 1');
  });
});

describe('sql_mode and DDL', () => {
  it('judges column defaults by the session mode, and replicas run DDL under the mode it ran with', () => {
    const { mysqld, session } = newServer();
    expectError(session, "create table t (d date not null default '0000-00-00')", 1067, "Invalid default value for 'd'");
    run(session, 'set sql_mode = 2097152');
    expect(rowsOf(session, 'select @@sql_mode')).toEqual([['STRICT_TRANS_TABLES']]);
    run(session, "create table t (id int primary key, d date not null default '0000-00-00')", 'insert into t (id) values (1)');
    expect(rowsOf(session, 'select d from t')).toEqual([['0000-00-00']]);
    const replica = new Mysqld({ serverUuid: UUID_B, clock: new ManualClock(0), random: new SeededRandom('r') });
    replica.createDatabase('vt_commerce', { logBin: false });
    for (const tx of mysqld.binlog.readFrom(replica.gtidExecuted())) replica.applyTransaction(tx);
    expect(rowsOf(replica.createSession({ database: 'vt_commerce' }), 'select id, d from t')).toEqual([['1', '0000-00-00']]);
  });
});

describe('ONLY_FULL_GROUP_BY', () => {
  it("refuses nonaggregated columns that are not grouped (1055, 1140) while the mode has it, as MySQL 8's default does", () => {
    const { session } = newServer();
    run(session, 'create table t (id int primary key, g int, v int, u int not null, unique key (u))', 'insert into t values (1, 1, 10, 5), (2, 1, 20, 6), (3, 2, 30, 7)');
    expectError(session, 'select g, v from t group by g', 1055,
      "Expression #2 of SELECT list is not in GROUP BY clause and contains nonaggregated column 'vt_commerce.t.v' which is not functionally dependent on columns in GROUP BY clause; this is incompatible with sql_mode=only_full_group_by");
    expectError(session, 'select v, count(*) from t', 1140,
      "In aggregated query without GROUP BY, expression #1 of SELECT list contains nonaggregated column 'vt_commerce.t.v'; this is incompatible with sql_mode=only_full_group_by");
    expectError(session, 'select g, count(*) from t group by g order by v', 1055,
      "Expression #1 of ORDER BY clause is not in GROUP BY clause and contains nonaggregated column 'vt_commerce.t.v' which is not functionally dependent on columns in GROUP BY clause; this is incompatible with sql_mode=only_full_group_by");
    expectError(session, 'select * from t group by g', 1055);
    // Grouped columns, grouped expressions, aliases, positions and key dependencies are fine.
    expect(rowsOf(session, 'select g, sum(v) from t group by g order by g')).toEqual([['1', '30'], ['2', '30']]);
    expect(rowsOf(session, 'select g + 1 as h, count(*) from t group by h order by h')).toEqual([['2', '2'], ['3', '1']]);
    expect(rowsOf(session, 'select g, count(*) from t group by 1 order by 1')).toEqual([['1', '2'], ['2', '1']]);
    expect(rowsOf(session, 'select id, v, g from t group by id order by id')).toEqual([['1', '10', '1'], ['2', '20', '1'], ['3', '30', '2']]);
    expect(rowsOf(session, 'select u, v from t group by u order by u')).toEqual([['5', '10'], ['6', '20'], ['7', '30']]);
    expect(rowsOf(session, 'select count(*), max(v) from t')).toEqual([['3', '30']]);
    // Without the mode, MySQL takes a value from the group.
    run(session, "set sql_mode = 'STRICT_TRANS_TABLES'");
    expect(rowsOf(session, 'select g, v from t group by g order by g')).toEqual([['1', '10'], ['2', '30']]);
  });
});
