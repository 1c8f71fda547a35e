import { describe, expect, it } from 'vitest';
import type { RowsEvent } from '@vtsim/binlog';
import { expectError, newServer, rowsOf, run, UUID_A } from './mysqld-fixture.js';

function setup() {
  const s = newServer();
  run(s.session, 'create table t (id bigint primary key, v varchar(10), u int, unique key u_idx (u))');
  run(s.session, "insert into t values (1, 'a', 1), (2, 'b', 2)");
  return s;
}

function rowsEvents(events: readonly unknown[]): RowsEvent[] {
  return events as RowsEvent[];
}

describe('mysqld: transactions and the binlog', () => {
  it('writes one binlog transaction per commit with full before/after images, merging consecutive table changes', () => {
    const { mysqld, session } = setup();
    run(session, 'create table w (k int primary key, x int)');
    const start = mysqld.binlog.length;
    session.execute('begin');
    expect(session.inTransaction).toBe(true);
    run(session, "insert into t values (3, 'c', 3)", "update t set v = 'bb' where id = 2", 'delete from t where id = 1', 'insert into w values (1, 1)', "update t set v = 'cc' where id = 3");
    expect(mysqld.binlog.length).toBe(start);
    session.execute('commit');
    expect(session.inTransaction).toBe(false);
    expect(mysqld.binlog.length).toBe(start + 1);
    const tx = mysqld.binlog.transactionAt(start);
    expect(tx.gtid).toEqual({ sid: UUID_A, gno: start + 1 });
    expect(tx.timestamp).toBe(Date.UTC(2024, 0, 31, 12) / 1000);
    const events = rowsEvents(tx.events);
    expect(events.map((e) => [e.kind, e.table.name, e.changes.length])).toEqual([
      ['rows', 't', 3],
      ['rows', 'w', 1],
      ['rows', 't', 1],
    ]);
    expect(events[0]!.table).toBe(mysqld.tableMap('vt_commerce', 't'));
    expect(events[0]!.changes).toEqual([
      { after: [3n, 'c', 3n] },
      { before: [2n, 'b', 2n], after: [2n, 'bb', 2n] },
      { before: [1n, 'a', 1n] },
    ]);
  });

  it('writes nothing for rollbacks, failed statements, read-only and no-op transactions', () => {
    const { mysqld, session } = setup();
    const start = mysqld.binlog.length;
    run(session, 'begin', "insert into t values (9, 'z', 9)", 'rollback');
    run(session, 'begin', 'select * from t', 'commit');
    run(session, "update t set v = 'a' where id = 1");
    run(session, 'delete from t where id = 99');
    expectError(session, "insert into t values (5, 'e', 5), (1, 'dup', 6)", 1062);
    run(session, 'commit', 'rollback');
    expect(mysqld.binlog.length).toBe(start);
    expect(rowsOf(session, 'select id from t')).toEqual([['1'], ['2']]);
  });

  it('undoes only the failing statement inside a transaction', () => {
    const { mysqld, session } = setup();
    const start = mysqld.binlog.length;
    session.execute('begin');
    session.execute("insert into t values (3, 'c', 3)");
    expectError(session, "insert into t values (4, 'd', 4), (5, 'e', 1)", 1062, "Duplicate entry '1' for key 't.u_idx'");
    expect(session.inTransaction).toBe(true);
    expect(rowsOf(session, 'select id from t')).toEqual([['1'], ['2'], ['3']]);
    session.execute('commit');
    expect(mysqld.binlog.length).toBe(start + 1);
    expect(rowsEvents(mysqld.binlog.transactionAt(start).events)[0]!.changes).toEqual([{ after: [3n, 'c', 3n] }]);
  });

  it('isolates transactions (repeatable read per table) and hides uncommitted rows', () => {
    const { mysqld, session } = setup();
    const other = mysqld.createSession({ database: 'vt_commerce' });
    session.execute('begin');
    expect(rowsOf(session, 'select count(*) from t')).toEqual([['2']]);
    other.execute("insert into t values (3, 'c', 3)");
    expect(rowsOf(session, 'select count(*) from t')).toEqual([['2']]);
    session.execute("insert into t values (4, 'd', 4)");
    expect(rowsOf(other, 'select count(*) from t')).toEqual([['3']]);
    session.execute('commit');
    expect(rowsOf(other, 'select id from t')).toEqual([['1'], ['2'], ['3'], ['4']]);
  });

  it('merges non-conflicting concurrent commits and fails conflicting ones with 1213', () => {
    const { mysqld, session } = setup();
    const other = mysqld.createSession({ database: 'vt_commerce' });
    run(session, 'begin', "update t set v = 'x' where id = 1");
    run(other, 'begin', "update t set v = 'y' where id = 2", 'commit');
    session.execute('commit');
    expect(rowsOf(other, 'select v from t')).toEqual([['x'], ['y']]);

    run(session, 'begin', "update t set v = 'p' where id = 1");
    run(other, "update t set v = 'q' where id = 1");
    expectError(session, 'commit', 1213, 'Deadlock found when trying to get lock; try restarting transaction');
    expect(session.inTransaction).toBe(false);
    expect(rowsOf(session, 'select v from t where id = 1')).toEqual([['q']]);

    run(session, 'begin', "insert into t values (7, 's', 7)");
    run(other, "insert into t values (8, 'o', 7)");
    expectError(session, 'commit', 1213);
  });

  it('supports autocommit=0, implicit commits by DDL and BEGIN, and sql_log_bin=0', () => {
    const { mysqld, session } = setup();
    const start = mysqld.binlog.length;
    session.execute('set autocommit = 0');
    expect(rowsOf(session, 'select @@autocommit')).toEqual([['0']]);
    session.execute("insert into t values (3, 'c', 3)");
    expect(session.inTransaction).toBe(true);
    session.execute('create table x (id int primary key)');
    expect(mysqld.binlog.length).toBe(start + 2);
    expect(mysqld.binlog.transactionAt(start).events[0]!.kind).toBe('rows');
    session.execute("insert into t values (4, 'd', 4)");
    session.execute('begin');
    expect(mysqld.binlog.length).toBe(start + 3);
    session.execute("insert into t values (5, 'e', 5)");
    session.execute('set autocommit = 1');
    expect(session.inTransaction).toBe(false);
    expect(mysqld.binlog.length).toBe(start + 4);
    session.execute('set sql_log_bin = 0');
    session.execute("insert into t values (6, 'f', 6)");
    session.execute('drop table x');
    expect(mysqld.binlog.length).toBe(start + 4);
    expect(rowsOf(session, 'select count(*) from t')).toEqual([['6']]);
    const quiet = mysqld.createSession({ database: 'vt_commerce', logBin: false });
    quiet.execute("insert into t values (7, 'g', 7)");
    expect(mysqld.binlog.length).toBe(start + 4);
  });

  it('rejects writes with 1290 when super-read-only, unless the session bypasses it', () => {
    const { mysqld, session } = setup();
    mysqld.superReadOnly = true;
    const msg = 'The MySQL server is running with the --super-read-only option so it cannot execute this statement';
    expectError(session, "insert into t values (3, 'c', 3)", 1290, msg);
    expectError(session, 'create table y (id int primary key)', 1290, msg);
    expectError(session, 'delete from t', 1290, msg);
    expect(rowsOf(session, 'select count(*) from t')).toEqual([['2']]);
    expect(rowsOf(session, 'select @@super_read_only, @@read_only')).toEqual([['1', '1']]);
    const admin = mysqld.createSession({ database: 'vt_commerce', bypassReadOnly: true });
    admin.execute("insert into t values (3, 'c', 3)");
    expect(rowsOf(session, 'select count(*) from t')).toEqual([['3']]);
  });

  it('rolls back on close and rejects statements afterwards', () => {
    const { mysqld, session } = setup();
    const s2 = mysqld.createSession({ database: 'vt_commerce' });
    run(s2, 'begin', "insert into t values (3, 'c', 3)");
    s2.close();
    s2.close();
    expect(rowsOf(session, 'select count(*) from t')).toEqual([['2']]);
    expect(() => s2.execute('select 1')).toThrow();
  });
});
