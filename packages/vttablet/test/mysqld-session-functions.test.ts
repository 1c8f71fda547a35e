import { describe, expect, it } from 'vitest';
import { expectError, newServer, rowsOf, run } from './mysqld-fixture.js';

describe('mysqld: warnings, ROW_COUNT/FOUND_ROWS and named locks (MySQL 8 semantics)', () => {
  it('division by zero is NULL with warning 1365, kept until the next non-diagnostic statement', () => {
    const { session } = newServer();
    expect(rowsOf(session, 'select 1/0, 5 div 0, 5 % 0, 1.5/0, 1e0/0')).toEqual([[null, null, null, null, null]]);
    expect(rowsOf(session, 'show warnings')).toEqual(Array(5).fill(['Warning', '1365', 'Division by 0']));
    expect(rowsOf(session, 'show count(*) warnings')).toEqual([['5']]);
    expect(rowsOf(session, 'select @@warning_count')).toEqual([['5']]);
    expect(rowsOf(session, 'select 1/null, null/0')).toEqual([[null, null]]);
    expect(rowsOf(session, 'show warnings')).toEqual([]);
    run(session, 'create table t (id int primary key, a int)', 'insert into t values (1, 0), (2, 2)');
    expect(rowsOf(session, 'select id, 4 / a from t')).toEqual([['1', null], ['2', '2.0000']]);
    expect(rowsOf(session, 'show warnings')).toEqual([['Warning', '1365', 'Division by 0']]);
  });

  it('division by zero in INSERT/UPDATE is error 1365 under strict ERROR_FOR_DIVISION_BY_ZERO, a warning with IGNORE or without the mode', () => {
    const { session } = newServer();
    run(session, 'create table t (id int primary key, a int)', 'insert into t values (1, 1)');
    const err = expectError(session, 'insert into t values (2, 1/0)', 1365, 'Division by 0');
    expect(err.sqlState).toBe('22012');
    expectError(session, 'update t set a = a % 0 where id = 1', 1365);
    run(session, 'insert ignore into t values (3, 1 div 0)');
    expect(rowsOf(session, 'show warnings')).toEqual([['Warning', '1365', 'Division by 0']]);
    run(session, "set sql_mode = 'STRICT_TRANS_TABLES'", 'insert into t values (4, 1/0)');
    expect(rowsOf(session, 'select id, a from t order by id')).toEqual([['1', '1'], ['3', null], ['4', null]]);
  });

  it('ROW_COUNT() is the previous statement’s affected rows (-1 after a result set); FOUND_ROWS() the last result’s rows', () => {
    const { session } = newServer();
    run(session, 'create table t (id int primary key, v int)');
    expect(rowsOf(session, 'select row_count()')).toEqual([['0']]);
    run(session, 'insert into t values (1, 1), (2, 1), (3, 1)');
    expect(rowsOf(session, 'select row_count()')).toEqual([['3']]);
    expect(rowsOf(session, 'select * from t')).toHaveLength(3);
    expect(rowsOf(session, 'select found_rows(), row_count()')).toEqual([['3', '-1']]);
    run(session, 'update t set v = 2 where id > 1');
    expect(rowsOf(session, 'select row_count()')).toEqual([['2']]);
    run(session, 'delete from t where id = 9');
    expect(rowsOf(session, 'select row_count()')).toEqual([['0']]);
  });

  it('GET_LOCK is held per connection, re-entrant, case-insensitive, released by RELEASE_LOCK or on close', () => {
    const { mysqld, session: a } = newServer();
    const b = mysqld.createSession({ database: 'vt_commerce' });
    expect(rowsOf(a, "select get_lock('job', 10), get_lock('JOB', 0), is_free_lock('job')")).toEqual([['1', '1', '0']]);
    expect(rowsOf(b, "select get_lock('job', 0), is_used_lock('job') = connection_id(), release_lock('job')")).toEqual([['0', '0', '0']]);
    expect(rowsOf(b, "select is_used_lock('job')")).toEqual([[String(a.connectionId)]]);
    expect(rowsOf(a, "select release_lock('job'), is_free_lock('job'), release_lock('job'), release_lock('job')")).toEqual([['1', '0', '1', null]]);
    expect(rowsOf(b, "select get_lock('job', 0), get_lock('other', 0), release_all_locks()")).toEqual([['1', '1', '2']]);
    run(b, "select get_lock('held', 0)");
    b.close();
    expect(rowsOf(a, "select is_free_lock('held')")).toEqual([['1']]);
    expectError(a, "select get_lock('', 1)", 3057, "Incorrect user-level lock name ''.");
    expectError(a, "select get_lock(null, 1)", 3057);
  });
});
