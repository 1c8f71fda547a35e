/**
 * A tablet over gRPC (queryservice.Query, tabletmanagerservice.TabletManager) answers as the
 * in-process tablet does: the same results, the same errors (vtrpc code, errno, SQLSTATE, message),
 * the same VStream events, the same tablet-manager answers; and a tablet whose server is gone
 * fails calls with UNAVAILABLE instead of hanging.
 */
import { Code, SqlError, TabletType, VtError, type BindVars, type Target, type VEvent } from '@vtsim/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { startTabletGrpcServer, TabletGrpcClient } from '../src/grpc/index.js';
import type { ExecuteOptions } from '../src/query-service.js';
import { closeFronts, reach, type TabletApi } from './tablet-transport.js';
import { CUSTOMER_EMAILS, closeCluster, exec, filterOf, loadCustomers, newCluster, startTablet, targetOf, type Cluster } from './vstreamer-fixture.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await closeFronts();
  if (cluster) await closeCluster(cluster);
  cluster = undefined;
});

/** What a caller can observe of a failure. */
async function failure(p: Promise<unknown>, what: string): Promise<{ code: Code; message: string; errno?: number; sqlState?: string }> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(VtError);
    const e = err as VtError;
    return e instanceof SqlError && e.errno !== 1105 ? { code: e.code, message: e.message, errno: e.errno, sqlState: e.sqlState } : { code: e.code, message: e.message };
  }
  throw new Error(`${what}: expected a failure`);
}

/** The batches of a tablet VStream until `n` batches were read, without the send-time stamps. */
async function batches(api: TabletApi, target: Target, position: string, n: number): Promise<VEvent[][]> {
  const ac = new AbortController();
  const out: VEvent[][] = [];
  for await (const batch of api.vstream({ target, position, filter: filterOf('/.*'), table_last_p_ks: [] }, ac.signal)) {
    out.push(batch.map(({ current_time: _sent, ...ev }) => ev));
    if (out.length === n) break;
  }
  ac.abort();
  return out;
}

describe('a tablet over gRPC', () => {
  it('fails as the in-process tablet does: same vtrpc code, errno, SQLSTATE and message', async () => {
    cluster = await newCluster();
    const p = await startTablet(cluster, 'commerce', '0', 100);
    const r = await startTablet(cluster, 'commerce', '0', 101);
    await loadCustomers(p);
    const apis = await Promise.all([p, r].map(async (t) => [t, await reach(t, 'grpc', cluster!.topo)] as const));
    const target = targetOf(p);
    const calls: ((p: TabletApi, r: TabletApi) => Promise<unknown>)[] = [
      (p) => p.execute(target, 'select * from nosuch', {}, 0),
      (p) => p.execute(target, 'selec 1', {}, 0),
      (p) => p.execute(target, "insert into customer(customer_id, email) values (1, 'x')", {}, 0),
      (p) => p.execute(target, 'select :missing', {}, 0),
      (_p, r) => r.execute({ ...target, tablet_type: TabletType.REPLICA }, "insert into customer(email) values ('y')", {}, 0),
      (_p, r) => r.execute(target, 'select 1', {}, 0),
      (p) => p.commit(target, 12345),
      (p) => p.execute(target, 'select 1', {}, 0, undefined, 12345),
      (p) => p.reserveExecute(target, ['set @@nosuch_variable = 1'], 'select 1', {}, 0),
      (p) => p.reserveExecute(target, [], 'select 1', {}, 12345),
      (p) => p.reserveBeginExecute({ ...target, keyspace: 'nosuch' }, [], [], 'select 1', {}),
      // Failures after reserving come back in the answer (vtrpc.RPCError in the response), not as the call's.
      async (p) => {
        const state = await p.reserveExecute(target, [], 'select * from nosuch', {}, 0);
        await p.release(target, 0, state.reservedId);
        throw state.error;
      },
      async (p) => {
        const state = await p.reserveBeginExecute(target, [], ['savepoint s1'], "insert into customer(customer_id, email) values (1, 'x')", {}, { readOnly: true });
        await p.release(target, state.transactionId, state.reservedId);
        throw state.error;
      },
      (p) => p.executeFetchAsDba('select * from nosuch'),
      (p) => p.vreplicationWaitForPos(99, 'MySQL56/00000000-0000-0000-0000-000000000001:1', 100),
      (p) => p.waitForPosition('MySQL56/11111111-1111-1111-1111-111111111111:1-5', 50),
    ];
    for (const [i, call] of calls.entries()) {
      const local = await failure(call(apis[0]![0], apis[1]![0]), `call ${i}`);
      const remote = await failure(call(apis[0]![1], apis[1]![1]), `call ${i}`);
      if (local.code === Code.DEADLINE_EXCEEDED) expect(remote.code).toBe(Code.DEADLINE_EXCEEDED);
      else expect(remote).toEqual(local);
    }
  });

  it('answers reads, writes, transactions and bind variables with the same results', async () => {
    cluster = await newCluster();
    const p = await startTablet(cluster, 'commerce', '0', 100);
    const remote = await reach(p, 'grpc', cluster.topo);
    const target = targetOf(p);
    await exec(p, 'create table t (id bigint not null primary key, f float, d double, num decimal(10,3), b bit(9), y year, bin varbinary(8), txt text, j json, dt datetime(3), u bigint unsigned)');
    const tx = await remote.begin(target);
    await remote.execute(target, 'insert into t values (:id, 1.5, 2.25, 3.125, 257, 2024, :bin, :txt, \'{"a": [1, 2]}\', \'2024-01-02 03:04:05.678\', 18446744073709551615)', { id: 1n, bin: Buffer.from([0, 1, 255]), txt: 'é' }, tx);
    await remote.execute(target, 'insert into t (id) values (2)', {}, tx);
    await remote.commit(target, tx);
    const rolledBack = await remote.begin(target, { readOnly: false });
    await remote.execute(target, 'insert into t (id) values (3)', {}, rolledBack);
    await remote.rollback(target, rolledBack);
    const readOnly = await remote.begin(target, { readOnly: true });
    await expect(remote.execute(target, 'insert into t (id) values (4)', {}, readOnly)).rejects.toMatchObject({ errno: 1792 });
    await remote.rollback(target, readOnly);
    for (const [sql, binds] of [
      ['select * from t order by id', {}],
      ['select id from t where id in ::ids', { ids: [1n, 2n, 3n] }],
      ['select count(*), sum(id) from t', {}],
    ] as [string, BindVars][]) {
      expect(await remote.execute(target, sql, binds, 0)).toEqual(await p.execute(target, sql, binds, 0));
    }
    const update = 'update t set txt = :v where id = 2';
    expect(await remote.execute(target, update, { v: 'x' }, 0)).toEqual(await p.execute(target, update, { v: 'y' }, 0));
    // The session's settings reach the tablet's connection: a too-long value is an error under the
    // default (strict) sql_mode and a truncation with a warning without it; foreign_key_checks off
    // lets a child row in without its parent.
    await exec(p, 'create table s (v varchar(2))', 'create table parent (id bigint primary key)', 'create table child (id bigint primary key, pid bigint, foreign key (pid) references parent (id))');
    for (const [sql, options] of [
      ["insert into s values ('abc')", {}],
      ["insert into s values ('abc')", { sqlMode: '' }],
      ["insert into s values ('it''s')", { sqlMode: "NO_ENGINE_SUBSTITUTION" }],
      ['select @@sql_mode', { sqlMode: 'ANSI_QUOTES', foreignKeyChecks: false }],
      ['insert into child values (1, 42)', {}],
      ['insert into child values (1, 42)', { foreignKeyChecks: false }],
    ] as [string, ExecuteOptions][]) {
      const outcome = (q: TabletApi) => q.execute(target, sql, {}, 0, options).then((r) => r, (e: SqlError) => ({ errno: e.errno, message: e.message }));
      const local = await outcome(p);
      if (sql.startsWith('insert')) await exec(p, 'delete from s', 'delete from child');
      expect(await outcome(remote), `${sql} ${JSON.stringify(options)}`).toEqual(local);
      if (sql.startsWith('insert')) await exec(p, 'delete from s', 'delete from child');
    }
    const dba = 'select table_name from information_schema.tables where table_schema = database()';
    expect(await remote.executeFetchAsDba(dba)).toEqual(await p.executeFetchAsDba(dba));
  });

  it("carries answers larger than gRPC's default 4 MiB, up to Vitess's 16 MiB message size", async () => {
    cluster = await newCluster();
    const p = await startTablet(cluster, 'commerce', '0', 100);
    const remote = await reach(p, 'grpc', cluster.topo);
    const target = targetOf(p);
    await exec(p, 'create table big (id bigint primary key, v longtext)');
    for (let i = 1; i <= 6; i++) await remote.execute(target, 'insert into big values (:id, :v)', { id: BigInt(i), v: 'x'.repeat(1_000_000) }, 0);
    const all = await remote.execute(target, 'select id, length(v), v from big order by id', {}, 0);
    expect(all.rows.map((r) => [r[0], r[1]])).toEqual([1n, 2n, 3n, 4n, 5n, 6n].map((id) => [id, 1_000_000n]));
    expect(all).toEqual(await p.execute(target, 'select id, length(v), v from big order by id', {}, 0));
  });

  it('streams the same VStream events: copy phase, then the binlog', async () => {
    cluster = await newCluster();
    const p = await startTablet(cluster, 'commerce', '0', 100);
    await loadCustomers(p);
    const remote = await reach(p, 'grpc', cluster.topo);
    const target = targetOf(p);
    const copy = await batches(p, target, '', 4);
    expect(await batches(remote, target, '', 4)).toEqual(copy);
    const start = p.position();
    await exec(p, "update customer set email = 'x@domain.com' where customer_id = 1", 'delete from customer where customer_id = 5', 'alter table customer add column n int');
    const local = await batches(p, target, start, 3);
    expect(local.flat().length).toBeGreaterThan(3);
    expect(await batches(remote, target, start, 3)).toEqual(local);
    expect(CUSTOMER_EMAILS.length).toBe(5);
  });

  it('answers the tablet-manager calls as the in-process tablet does', async () => {
    cluster = await newCluster();
    const p = await startTablet(cluster, 'commerce', '0', 100);
    const r = await startTablet(cluster, 'commerce', '0', 101);
    await loadCustomers(p);
    const [rp, rr] = await Promise.all([reach(p, 'grpc', cluster.topo), reach(r, 'grpc', cluster.topo)]);
    const position = await rp.primaryPosition();
    expect(position).toBe(await p.primaryPosition());
    await rr.waitForPosition(position, 2000);
    expect(await rr.getReplicationStatus()).toEqual(await r.getReplicationStatus());
    expect(await rp.getReplicationStatus()).toBeNull();
    expect(await rr.fullStatus()).toEqual(await r.fullStatus());
    expect(await rp.fullStatus()).toEqual(await p.fullStatus());
    expect(await rr.tablet()).toEqual(await r.tablet());
    expect(await rp.vreplicationExec('select * from _vt.vreplication')).toEqual(await p.vreplicationExec('select * from _vt.vreplication'));
    await rr.stopReplication();
    expect((await r.getReplicationStatus())!.io_running).toBe(false);
    await rr.startReplication();
    expect((await r.getReplicationStatus())!.io_running).toBe(true);
    await rr.changeType(TabletType.RDONLY);
    expect(r.type).toBe(TabletType.RDONLY);
    await rr.changeType(TabletType.REPLICA);
    await rr.setReplicationSource(null);
    expect(await r.getReplicationStatus()).toBeNull();
    await rr.setReplicationSource(p.alias);
    expect((await rr.getReplicationStatus())!.source_alias).toEqual(p.alias);
  });

  it('fails calls with UNAVAILABLE once the tablet process is gone, and ends its streams', async () => {
    cluster = await newCluster();
    const p = await startTablet(cluster, 'commerce', '0', 100);
    const server = await startTabletGrpcServer({ tablet: p, port: 0 });
    const client = new TabletGrpcClient({ address: `127.0.0.1:${server.port}`, alias: p.alias, topo: cluster.topo });
    try {
      const ac = new AbortController();
      const health = client.streamHealth(ac.signal)[Symbol.asyncIterator]();
      expect((await health.next()).value).toMatchObject({ serving: true });
      await server.close();
      await expect(health.next()).rejects.toMatchObject({ code: Code.UNAVAILABLE });
      await expect(client.execute(targetOf(p), 'select 1', {}, 0)).rejects.toMatchObject({ code: Code.UNAVAILABLE });
    } finally {
      client.close();
      await server.close();
    }
  });
});
