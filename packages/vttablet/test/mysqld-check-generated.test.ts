/**
 * CHECK constraints and generated columns in the simulated mysqld, with MySQL 8's errors and SHOW
 * CREATE TABLE text (MariaDB differs: it names unnamed checks `CONSTRAINT_1` and prints one pair of
 * parentheses; MySQL 8 names them `<table>_chk_<n>` and prints `CHECK ((expr))`; MariaDB reports a
 * violation as 4025 "CONSTRAINT `t.b` failed for `d`.`t`", MySQL 8 as 3819 "Check constraint 'x' is
 * violated."). INSERT IGNORE's Records count leaves out rows skipped by a check, as MariaDB does.
 */
import { describe, expect, it } from 'vitest';
import type { RowsEvent } from '@vtsim/binlog';
import { expectError, newServer, rowsOf, run } from './mysqld-fixture.js';

describe('mysqld: CHECK constraints', () => {
  it('enforces column and table checks on INSERT and UPDATE with 3819; NULL passes; NOT ENFORCED is not checked', () => {
    const { session } = newServer();
    run(session, 'create table t (id int primary key, b int check (b > 0), c int check (c < 10) not enforced, constraint pos check (id > 0), check (b < 100))');
    run(session, 'insert into t values (1, 5, 50)', 'insert into t (id) values (2)');
    const err = expectError(session, 'insert into t values (3, 0, 1)', 3819, "Check constraint 't_chk_1' is violated.");
    expect(err.sqlState).toBe('HY000');
    expectError(session, 'insert into t values (3, 100, 1)', 3819, "Check constraint 't_chk_3' is violated.");
    expectError(session, 'insert into t values (-1, 1, 1)', 3819, "Check constraint 'pos' is violated.");
    expectError(session, 'update t set b = -5 where id = 1', 3819, "Check constraint 't_chk_1' is violated.");
    expectError(session, 'insert into t values (4, 1, 1), (5, -1, 1)', 3819);
    const ignored = session.execute('insert ignore into t values (4, 1, 1), (5, -1, 1)');
    expect([ignored.rowsAffected, ignored.info]).toEqual([1, 'Records: 1  Duplicates: 0  Warnings: 1']);
    expect(rowsOf(session, 'show warnings')).toEqual([['Warning', '3819', "Check constraint 't_chk_1' is violated."]]);
    run(session, 'delete from t where id = 4');
    expect(rowsOf(session, 'select id, b, c from t order by id')).toEqual([['1', '5', '50'], ['2', null, null]]);
  });

  it('ALTER TABLE adds a check (validating the rows already there), numbers it on, and drops it (3821 when unknown)', () => {
    const { session } = newServer();
    run(session, 'create table t (id int primary key, b int, check (b > 0))', 'insert into t values (1, 5)');
    expectError(session, 'alter table t add constraint small check (b < 5)', 3819, "Check constraint 'small' is violated.");
    run(session, 'alter table t add check (b < 50)');
    expectError(session, 'insert into t values (2, 60)', 3819, "Check constraint 't_chk_2' is violated.");
    run(session, 'alter table t drop check t_chk_2', 'insert into t values (2, 60)');
    expectError(session, 'alter table t drop check t_chk_2', 3821, "Check constraint 't_chk_2' is not found in the table.");
    expectError(session, 'create table u (a int, constraint x check (a > 0), constraint x check (a < 9))', 3822, "Duplicate check constraint name 'x'.");
    expectError(session, 'create table u (a int, check (nope > 0))', 3820, "Check constraint 'u_chk_1' refers to non-existing column 'nope'.");
  });

  it('SHOW CREATE TABLE prints the checks as MySQL 8 does', () => {
    const { session } = newServer();
    run(session, 'create table t (id int primary key, b int check (b > 0), c int check (c < 10) not enforced, constraint pos check (id > 0))');
    expect(rowsOf(session, 'show create table t')[0]![1]).toBe(
      [
        'CREATE TABLE `t` (',
        '  `id` int NOT NULL,',
        '  `b` int DEFAULT NULL,',
        '  `c` int DEFAULT NULL,',
        '  PRIMARY KEY (`id`),',
        '  CONSTRAINT `pos` CHECK ((`id` > 0)),',
        '  CONSTRAINT `t_chk_1` CHECK ((`b` > 0)),',
        '  CONSTRAINT `t_chk_2` CHECK ((`c` < 10)) /*!80016 NOT ENFORCED */',
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci',
      ].join('\n'),
    );
  });

  it('accepts [NOT] ENFORCED after a table-level check, and the /*!80016 NOT ENFORCED */ SHOW CREATE TABLE prints (round trip)', () => {
    const { session } = newServer();
    run(session, "create table t (id int primary key, s varchar(20) default 'check (x) enforced', constraint a check (id < 10) not enforced, constraint b check (id > 0) enforced, check (id <> 5) NOT  ENFORCED)");
    run(session, 'insert into t (id) values (50), (5)');
    expectError(session, 'insert into t (id) values (0)', 3819, "Check constraint 'b' is violated.");
    const text = rowsOf(session, 'show create table t')[0]![1]!;
    expect(text).toContain('CONSTRAINT `a` CHECK ((`id` < 10)) /*!80016 NOT ENFORCED */,');
    expect(text).toContain('CONSTRAINT `t_chk_1` CHECK ((`id` <> 5)) /*!80016 NOT ENFORCED */');
    run(session, 'drop table t', text);
    expect(rowsOf(session, 'show create table t')[0]![1]).toBe(text);
    run(session, 'insert into t (id) values (51)', 'alter table t add constraint c check (id < 100) not enforced');
    expect(rowsOf(session, 'show create table t')[0]![1]).toContain('CONSTRAINT `c` CHECK ((`id` < 100)) /*!80016 NOT ENFORCED */');
  });

  it("numbers unnamed checks in statement order and lists them by name (the MySQL 8 manual's CHECK constraints example)", () => {
    const { session } = newServer();
    run(session, 'CREATE TABLE t1 (CHECK (c1 <> c2), c1 INT CHECK (c1 > 10), c2 INT CONSTRAINT c2_positive CHECK (c2 > 0), c3 INT CHECK (c3 < 100), CONSTRAINT c1_nonzero CHECK (c1 <> 0), CHECK (c1 > c3))');
    expect(rowsOf(session, 'show create table t1')[0]![1]).toBe(
      [
        'CREATE TABLE `t1` (',
        '  `c1` int DEFAULT NULL,',
        '  `c2` int DEFAULT NULL,',
        '  `c3` int DEFAULT NULL,',
        '  CONSTRAINT `c1_nonzero` CHECK ((`c1` <> 0)),',
        '  CONSTRAINT `c2_positive` CHECK ((`c2` > 0)),',
        '  CONSTRAINT `t1_chk_1` CHECK ((`c1` <> `c2`)),',
        '  CONSTRAINT `t1_chk_2` CHECK ((`c1` > 10)),',
        '  CONSTRAINT `t1_chk_3` CHECK ((`c3` < 100)),',
        '  CONSTRAINT `t1_chk_4` CHECK ((`c1` > `c3`))',
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci',
      ].join('\n'),
    );
    expectError(session, 'insert into t1 values (20, 20, 1)', 3819, "Check constraint 't1_chk_1' is violated.");
    run(session, 'create table t2 like t1');
    expectError(session, 'insert into t2 values (20, 20, 1)', 3819, "Check constraint 't2_chk_1' is violated.");
  });
});

describe('mysqld: generated columns', () => {
  it('computes STORED and VIRTUAL columns on insert and update, and logs them in the row images', () => {
    const { mysqld, session } = newServer();
    run(session, 'create table g (id int primary key, a int, b int, s int as (a + b) stored, v int generated always as (s * 2) virtual)');
    const start = mysqld.binlog.length;
    run(session, 'insert into g (id, a, b) values (1, 2, 3)', 'insert into g (id, a) values (2, 7)');
    expect(rowsOf(session, 'select id, s, v from g order by id')).toEqual([['1', '5', '10'], ['2', null, null]]);
    run(session, 'update g set b = 1 where id = 2');
    expect(rowsOf(session, 'select s, v from g where id = 2')).toEqual([['8', '16']]);
    const events = mysqld.binlog.transactionAt(start).events as RowsEvent[];
    expect(events[0]!.changes).toEqual([{ after: [1n, 2n, 3n, 5n, 10n] }]);
    expect(rowsOf(session, 'show columns from g').map((r) => [r[0], r[5]])).toEqual([
      ['id', ''],
      ['a', ''],
      ['b', ''],
      ['s', 'STORED GENERATED'],
      ['v', 'VIRTUAL GENERATED'],
    ]);
  });

  it('refuses a value for a generated column with 3105, in INSERT, UPDATE and ON DUPLICATE KEY UPDATE', () => {
    const { session } = newServer();
    run(session, 'create table g (id int primary key, a int, s int as (a * 10) stored)');
    const msg = "The value specified for generated column 's' in table 'g' is not allowed.";
    expect(expectError(session, 'insert into g values (1, 1, 10)', 3105, msg).sqlState).toBe('HY000');
    expectError(session, 'insert into g (id, s) values (1, 1)', 3105, msg);
    expectError(session, 'update g set s = 1', 3105, msg);
    expectError(session, 'insert into g (id, a) values (1, 1) on duplicate key update s = 3', 3105, msg);
    run(session, 'insert into g (id, a) values (1, 1) on duplicate key update a = 2', 'insert into g (id, a) values (1, 1) on duplicate key update a = 2');
    expect(rowsOf(session, 'select a, s from g')).toEqual([['2', '20']]);
  });

  it('fills a generated column added by ALTER TABLE, checks a CHECK over it, and prints it in SHOW CREATE TABLE', () => {
    const { session } = newServer();
    run(session, 'create table g (id int primary key, a int)', 'insert into g values (1, 4), (2, 5)');
    run(session, 'alter table g add column d int as (a * a) virtual');
    expect(rowsOf(session, 'select id, d from g order by id')).toEqual([['1', '16'], ['2', '25']]);
    expectError(session, 'alter table g add constraint d_small check (d < 20)', 3819, "Check constraint 'd_small' is violated.");
    expectError(session, 'create table h (a int, b int as (nope + 1))', 1054, "Unknown column 'nope' in 'generated column function'");
    run(session, 'create table h (a int, b int generated always as (a + 1) stored not null)');
    expect(rowsOf(session, 'show create table h')[0]![1]).toBe(
      [
        'CREATE TABLE `h` (',
        '  `a` int DEFAULT NULL,',
        '  `b` int GENERATED ALWAYS AS ((`a` + 1)) STORED NOT NULL',
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci',
      ].join('\n'),
    );
  });
});
