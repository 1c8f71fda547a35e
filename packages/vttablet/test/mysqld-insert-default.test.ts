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
});
