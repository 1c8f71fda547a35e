import { describe, expect, it } from 'vitest';
import { expectError, newServer, rowsOf, run } from './mysqld-fixture.js';

describe('mysqld: DEFAULT as a value and INSERT … SET', () => {
  it('stores the column default for DEFAULT in VALUES and SET, as if the column were not named', () => {
    const { session } = newServer();
    run(
      session,
      "create table t (id int primary key, v int default 7, w varchar(10) default 'z', n int)",
      'insert into t values (1, default, default, default)',
      "insert into t (id, w) values (2, DEFAULT), (3, 'q')",
      'insert into t set id = 4, v = default',
    );
    expect(rowsOf(session, 'select * from t')).toEqual([
      ['1', '7', 'z', null],
      ['2', '7', 'z', null],
      ['3', '7', 'q', null],
      ['4', '7', 'z', null],
    ]);
    run(session, 'create table r (id int primary key, s varchar(5) not null)');
    expectError(session, 'insert into r values (1, default)', 1364, "Field 's' doesn't have a default value");
    expectError(session, 'select default', 1064);
    // DEFAULT in DDL is untouched by the respelling of DEFAULT as a value.
    run(session, 'create table d (id int primary key, a int default null, b int default 3)');
    expect(rowsOf(session, 'show create table d')[0]![1]).toContain("`b` int DEFAULT '3'");
  });

  it('accepts DEFAULT, and only DEFAULT, for a generated column in INSERT and UPDATE', () => {
    const { session } = newServer();
    run(session, 'create table g (id int primary key, a int, twice int as (a * 2) stored)');
    run(session, 'insert into g values (1, 2, default)', 'insert into g (id, a, twice) values (2, 3, default)');
    expectError(session, 'insert into g values (3, 4, 8)', 3105, "The value specified for generated column 'twice' in table 'g' is not allowed.");
    expectError(session, 'insert into g (id, twice) select 3, 8', 3105);
    run(session, 'update g set a = 5, twice = default where id = 1');
    expectError(session, 'update g set twice = 1', 3105);
    expect(rowsOf(session, 'select * from g order by id')).toEqual([['1', '5', '10'], ['2', '3', '6']]);
  });

  it('sets the column default for UPDATE … SET c = DEFAULT and ON DUPLICATE KEY UPDATE c = DEFAULT', () => {
    const { session, clock } = newServer();
    run(
      session,
      "create table u (id int primary key, v int default 7, w varchar(10), at datetime default current_timestamp, n int not null)",
      "insert into u values (1, 1, 'x', '2020-01-01 00:00:00', 1), (2, 2, 'y', '2020-01-01 00:00:00', 2)",
    );
    clock.advance(1000);
    run(session, 'update u set v = default, w = default, at = default where id = 1');
    expect(rowsOf(session, 'select * from u order by id')).toEqual([
      ['1', '7', null, '2024-01-31 12:00:01', '1'],
      ['2', '2', 'y', '2020-01-01 00:00:00', '2'],
    ]);
    run(session, 'insert into u (id, n) values (2, 5) on duplicate key update v = default, n = 9');
    expect(rowsOf(session, 'select v, n from u where id = 2')).toEqual([['7', '9']]);
    expectError(session, 'update u set n = default', 1364, "Field 'n' doesn't have a default value");
  });

  it('reads a column default with DEFAULT(col), typed as the column', () => {
    const { session } = newServer();
    run(session, "create table d (id int primary key, v decimal(5,2) default 1.5, w varchar(4) default 'ab', x int, n int not null)", 'insert into d values (1, 9, null, 3, 4)');
    const r = session.execute('select default(v), default(d.w), default(x) from d');
    expect(r.rows.map((row) => row.map((v) => (v === null ? null : String(v))))).toEqual([['1.50', 'ab', null]]);
    expect(r.fields.map((f) => f.type)).toEqual(session.execute('select v, w, x from d').fields.map((f) => f.type));
    expect(rowsOf(session, 'select id from d where x <> default(v)')).toEqual([['1']]);
    expectError(session, 'select default(n) from d', 1364, "Field 'n' doesn't have a default value");
    expectError(session, 'select default(nope) from d', 1054);
    expectError(session, 'select default(v + 1) from d', 1064);
  });
});
