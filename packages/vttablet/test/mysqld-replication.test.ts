import { describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom } from '@vtsim/binlog';
import { Mysqld } from '../src/mysqld/mysqld.js';
import { COMMERCE_SCHEMA, expectError, newServer, rowsOf, run, UUID_B } from './mysqld-fixture.js';

function replicaOf(): Mysqld {
  const clock = new ManualClock(Date.UTC(2024, 0, 31, 13));
  const replica = new Mysqld({ serverUuid: UUID_B, clock, random: new SeededRandom(UUID_B) });
  replica.createDatabase('vt_commerce', { logBin: false });
  replica.superReadOnly = true;
  return replica;
}

describe('mysqld: replication by applyTransaction', () => {
  it('applies a primary binlog (DDL, rows, updates, deletes) and ends with equal data and GTID sets', () => {
    const { mysqld: primary, session } = newServer();
    run(session, ...COMMERCE_SCHEMA, 'create table nopk (a int, b varchar(5))');
    run(
      session,
      "insert into customer(email) values ('a@x'), ('b@x'), ('c@x')",
      "insert into nopk values (1, 'x'), (1, 'x'), (2, 'y')",
      "update customer set email = 'bb@x' where customer_id = 2",
      'delete from customer where customer_id = 1',
      "update nopk set b = 'z' where a = 1 limit 1",
      'delete from nopk where a = 2',
      'alter table customer add column note varchar(10) after email',
      "update customer set note = 'n' where customer_id = 3",
      'create database other',
    );
    const replica = replicaOf();
    for (const tx of primary.binlog.readFrom(replica.gtidExecuted())) replica.applyTransaction(tx);
    expect(replica.gtidExecuted().equals(primary.gtidExecuted())).toBe(true);
    expect(replica.binlog.length).toBe(primary.binlog.length);
    const last = replica.binlog.transactionAt(replica.binlog.length - 1);
    const plast = primary.binlog.transactionAt(primary.binlog.length - 1);
    expect(last.gtid).toEqual(plast.gtid);
    expect(last.timestamp).toBe(plast.timestamp);
    const rs = replica.createSession({ database: 'vt_commerce' });
    for (const q of ['select * from customer', 'select * from nopk', 'select * from corder', 'show create table customer']) {
      expect(rowsOf(rs, q)).toEqual(rowsOf(session, q));
    }
    expect(replica.databases()).toEqual(primary.databases());
    expect(replica.tableMap('vt_commerce', 'customer')!.fields).toEqual(primary.tableMap('vt_commerce', 'customer')!.fields);
    // The replica's own binlog uses its own table maps.
    const rowsTx = replica.binlog.transactionAt(replica.binlog.length - 2);
    expect(rowsTx.events[0]).toMatchObject({ kind: 'rows', table: replica.tableMap('vt_commerce', 'customer') });
    // New auto-increment values continue after the replicated ones once promoted.
    replica.superReadOnly = false;
    expect(rs.execute("insert into customer(email) values ('d@x')").insertId).toBe(4n);
  });

  it('refuses an already executed GTID and a change whose row is missing', () => {
    const { mysqld: primary, session } = newServer();
    run(session, 'create table t (id int primary key, v int)', 'insert into t values (1, 1)');
    const replica = replicaOf();
    const txs = [...primary.binlog.readFrom(replica.gtidExecuted())];
    for (const tx of txs) replica.applyTransaction(tx);
    expect(() => replica.applyTransaction(txs[0]!)).toThrow(/already executed/);
    const admin = replica.createSession({ database: 'vt_commerce', bypassReadOnly: true, logBin: false });
    admin.execute('delete from t');
    session.execute('update t set v = 2 where id = 1');
    const before = replica.gtidExecuted();
    expect(() => replica.applyTransaction(primary.binlog.transactionAt(primary.binlog.length - 1))).toThrow();
    expect(replica.gtidExecuted().equals(before)).toBe(true);
    expectError(replica.createSession({ database: 'vt_commerce' }), 'insert into t values (5, 5)', 1290);
  });
});

describe('mysqld: snapshots', () => {
  it('stays stable while writes and DDL continue, and scans in PK order from a resume point', () => {
    const { mysqld, session } = newServer();
    run(session, 'create table t (id int primary key, v varchar(5))');
    for (let i = 10; i >= 1; i--) session.execute('insert into t values (:id, :v)', { id: BigInt(i), v: `v${i}` });
    const snap = mysqld.snapshot();
    const gtids = mysqld.gtidExecuted().toString();
    const map = mysqld.tableMap('vt_commerce', 't');
    run(session, 'delete from t where id = 3', "update t set v = 'new' where id = 4", 'insert into t values (11, "x")', 'alter table t add column w int', 'truncate t');
    expect(snap.gtidSet.toString()).toBe(gtids);
    expect(snap.tableMap('vt_commerce', 't')).toBe(map);
    const all = [...snap.scan('vt_commerce', 't')];
    expect(all.map((r) => r[0])).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
    expect(all[3]).toEqual([4n, 'v4']);
    expect([...snap.scan('vt_commerce', 't', [7n])].map((r) => r[0])).toEqual([8n, 9n, 10n]);
    expect(() => [...snap.scan('vt_commerce', 'nope')]).toThrow(/doesn't exist/);
    expect(rowsOf(session, 'select count(*) from t')).toEqual([['0']]);
  });
});

describe('mysqld: binlog timestamps of a transaction', () => {
  it('stamps each rows event with its statement time and the transaction with its commit time; a replica keeps them', () => {
    const { mysqld: primary, session, clock } = newServer();
    run(session, 'create table t (id int primary key, v int)', 'create table u (id int primary key)');
    const t0 = Math.floor(clock.now() / 1000);
    run(session, 'begin');
    clock.advance(1000);
    run(session, 'insert into t values (1, 1)', 'insert into t values (2, 2)');
    clock.advance(2000);
    run(session, 'update t set v = 3 where id = 1', 'insert into u values (1)');
    clock.advance(1500);
    run(session, 'commit');
    const tx = primary.binlog.transactionAt(primary.binlog.length - 1);
    expect(tx.events.map((e) => (e.kind === 'rows' ? [e.table.name, e.changes.length, e.timestamp] : e.kind))).toEqual([
      ['t', 2, t0 + 1],
      ['t', 1, t0 + 3],
      ['u', 1, t0 + 3],
    ]);
    expect(tx.timestamp).toBe(t0 + 4);

    const replica = replicaOf();
    for (const ptx of primary.binlog.readFrom(replica.gtidExecuted())) replica.applyTransaction(ptx);
    const rtx = replica.binlog.transactionAt(replica.binlog.length - 1);
    expect(rtx.timestamp).toBe(tx.timestamp);
    expect(rtx.events.map((e) => (e.kind === 'rows' ? [e.table.name, e.changes.length, e.timestamp] : e.kind))).toEqual([
      ['t', 2, t0 + 1],
      ['t', 1, t0 + 3],
      ['u', 1, t0 + 3],
    ]);
  });
});
