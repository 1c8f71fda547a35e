/**
 * Savepoints and transaction access modes in the simulated mysqld. Checked against Debian's MariaDB
 * server: same errnos, SQLSTATEs and texts, except that MySQL 8 ends 1792's message with a period
 * and knows `@@transaction_read_only` (MariaDB 10 only `@@tx_read_only`); SET TRANSACTION's one-shot
 * mode outlives autocommit statements (even failing ones) until a transaction begins or COMMIT, as
 * MariaDB shows.
 */
import { describe, expect, it } from 'vitest';
import type { RowsEvent } from '@vtsim/binlog';
import { expectError, newServer, rowsOf, run } from './mysqld-fixture.js';

function setup() {
  const s = newServer();
  run(s.session, 'create table t (id bigint primary key, v varchar(10))', 'create table w (k int primary key)');
  run(s.session, "insert into t values (1, 'a')");
  return s;
}

/** The row images of the binlog transactions appended since `start`, per transaction. */
function binlogRows(mysqld: ReturnType<typeof newServer>['mysqld'], start: number): unknown[][] {
  const out: unknown[][] = [];
  for (let i = start; i < mysqld.binlog.length; i++) {
    out.push((mysqld.binlog.transactionAt(i).events as RowsEvent[]).flatMap((e) => e.changes.map((c) => [e.table.name, c])));
  }
  return out;
}

describe('mysqld: SAVEPOINT, ROLLBACK TO SAVEPOINT, RELEASE SAVEPOINT', () => {
  it('rolls back to a savepoint set after a write: the later rows reach neither the table nor the binlog', () => {
    const { mysqld, session } = setup();
    const start = mysqld.binlog.length;
    run(session, 'begin', "insert into t values (2, 'b')", 'savepoint s1', "insert into t values (3, 'c')", "update t set v = 'x' where id = 1", 'insert into w values (1)');
    expect(rowsOf(session, 'select id, v from t')).toEqual([['1', 'x'], ['2', 'b'], ['3', 'c']]);
    run(session, 'rollback to savepoint s1');
    expect(rowsOf(session, 'select id, v from t')).toEqual([['1', 'a'], ['2', 'b']]);
    expect(rowsOf(session, 'select k from w')).toEqual([]);
    expect(session.inTransaction).toBe(true);
    run(session, "insert into t values (4, 'd')", 'commit');
    expect(rowsOf(session, 'select id, v from t')).toEqual([['1', 'a'], ['2', 'b'], ['4', 'd']]);
    expect(rowsOf(session, 'select k from w')).toEqual([]);
    expect(binlogRows(mysqld, start)).toEqual([[['t', { after: [2n, 'b'] }], ['t', { after: [4n, 'd'] }]]]);
  });

  it('keeps the savepoint after ROLLBACK TO (it can be rolled back to again) and drops the later ones', () => {
    const { session } = setup();
    run(session, 'start transaction', 'savepoint a', "insert into t values (2, 'b')", 'savepoint B', "insert into t values (3, 'c')");
    run(session, 'rollback work to B');
    expect(rowsOf(session, 'select id from t')).toEqual([['1'], ['2']]);
    run(session, 'rollback to a');
    expect(rowsOf(session, 'select id from t')).toEqual([['1']]);
    expectError(session, 'rollback to savepoint b', 1305, 'SAVEPOINT b does not exist');
    run(session, "insert into t values (5, 'e')", 'rollback to savepoint a');
    expect(rowsOf(session, 'select id from t')).toEqual([['1']]);
    run(session, 'commit');
    expect(rowsOf(session, 'select id from t')).toEqual([['1']]);
  });

  it('RELEASE SAVEPOINT keeps the changes and forgets it and the savepoints after it; a repeated name moves the savepoint', () => {
    const { session } = setup();
    run(session, 'begin', 'savepoint a', "insert into t values (2, 'b')", 'savepoint b', "insert into t values (3, 'c')", 'release savepoint a');
    expect(rowsOf(session, 'select id from t')).toEqual([['1'], ['2'], ['3']]);
    expectError(session, 'rollback to savepoint b', 1305, 'SAVEPOINT b does not exist');
    expectError(session, 'release savepoint a', 1305, 'SAVEPOINT a does not exist');
    run(session, 'savepoint `x`', "insert into t values (4, 'd')", 'savepoint X', "insert into t values (5, 'e')", 'rollback to savepoint x');
    expect(rowsOf(session, 'select id from t')).toEqual([['1'], ['2'], ['3'], ['4']]);
    run(session, 'commit');
    expect(rowsOf(session, 'select id from t')).toEqual([['1'], ['2'], ['3'], ['4']]);
  });

  it('outside a transaction: SAVEPOINT is a no-op, ROLLBACK TO and RELEASE fail with 1305; COMMIT ends the savepoints', () => {
    const { session } = setup();
    run(session, 'savepoint a');
    expect(session.inTransaction).toBe(false);
    const err = expectError(session, 'rollback to savepoint a', 1305, 'SAVEPOINT a does not exist');
    expect(err.sqlState).toBe('42000');
    expectError(session, 'release savepoint a', 1305, 'SAVEPOINT a does not exist');
    run(session, 'begin', 'savepoint a', 'commit', 'begin');
    expectError(session, 'rollback to a', 1305, 'SAVEPOINT a does not exist');
  });

  it('with autocommit off, SAVEPOINT opens the transaction; a failed statement after it undoes only itself', () => {
    const { session } = setup();
    run(session, 'set autocommit = 0', 'savepoint a');
    expect(session.inTransaction).toBe(true);
    run(session, "insert into t values (2, 'b')");
    expectError(session, "insert into t values (3, 'c'), (1, 'dup')", 1062);
    expect(rowsOf(session, 'select id from t')).toEqual([['1'], ['2']]);
    run(session, 'rollback to savepoint a');
    expect(rowsOf(session, 'select id from t')).toEqual([['1']]);
    run(session, "insert into t values (6, 'f')", 'commit');
    expect(rowsOf(session, 'select id from t')).toEqual([['1'], ['6']]);
  });
});

describe('mysqld: transaction access mode', () => {
  it('START TRANSACTION READ ONLY refuses writes with 1792 and reports @@transaction_read_only', () => {
    const { mysqld, session } = setup();
    const start = mysqld.binlog.length;
    expect(rowsOf(session, 'select @@transaction_read_only')).toEqual([['0']]);
    run(session, 'start transaction read only');
    expect(rowsOf(session, 'select @@transaction_read_only, @@tx_read_only')).toEqual([['1', '1']]);
    const err = expectError(session, "insert into t values (2, 'b')", 1792, 'Cannot execute statement in a READ ONLY transaction.');
    expect(err.sqlState).toBe('25006');
    expectError(session, "update t set v = 'z'", 1792);
    expectError(session, 'delete from t', 1792);
    expect(rowsOf(session, 'select id, v from t')).toEqual([['1', 'a']]);
    run(session, 'commit');
    expect(rowsOf(session, 'select @@transaction_read_only')).toEqual([['0']]);
    run(session, "insert into t values (2, 'b')");
    run(session, 'start transaction read write, with consistent snapshot', "insert into t values (3, 'c')", 'commit');
    expect(rowsOf(session, 'select id from t')).toEqual([['1'], ['2'], ['3']]);
    expect(binlogRows(mysqld, start)).toHaveLength(2);
    expectError(session, 'start transaction read only, read write', 1064);
  });

  it('SET TRANSACTION READ ONLY applies until the next transaction begins or COMMIT, and fails with 1568 inside one', () => {
    const { session } = setup();
    run(session, 'set transaction read only');
    expect(rowsOf(session, 'select @@transaction_read_only')).toEqual([['1']]);
    run(session, 'begin');
    expectError(session, "insert into t values (2, 'b')", 1792);
    const err = expectError(session, 'set transaction read write', 1568, "Transaction characteristics can't be changed while a transaction is in progress");
    expect(err.sqlState).toBe('25001');
    run(session, 'commit', 'begin', "insert into t values (2, 'b')", 'commit');
    run(session, 'set transaction isolation level read committed, read only', 'select 1');
    expectError(session, "insert into t values (3, 'c')", 1792);
    expectError(session, "insert into t values (3, 'c')", 1792);
    run(session, 'commit', "insert into t values (3, 'c')");
    expect(rowsOf(session, 'select id from t')).toEqual([['1'], ['2'], ['3']]);
  });

  it('SET SESSION TRANSACTION READ ONLY makes every transaction read only, autocommit writes and DDL too', () => {
    const { session } = setup();
    run(session, 'set session transaction read only');
    expect(rowsOf(session, 'select @@session.transaction_read_only')).toEqual([['1']]);
    expectError(session, "insert into t values (2, 'b')", 1792);
    expectError(session, 'create table z (id int primary key)', 1792);
    run(session, 'start transaction read write', "insert into t values (2, 'b')", 'commit');
    run(session, 'set session transaction read write', "insert into t values (3, 'c')");
    expect(rowsOf(session, 'select id from t')).toEqual([['1'], ['2'], ['3']]);
  });
});
