import { afterEach, describe, expect, it } from 'vitest';
import { Code, SqlError, TabletType } from '@vtsim/proto';
import { keyRangeContains, keyRangeFromShardName } from '@vtsim/topo';
import { HashVindex } from '@vtsim/vindexes';
import { Vtgate, type BufferConfig, type VtgateSession } from '../src/index.js';
import { TestCluster, waitFor } from './vtgate-fixture.js';

const SHARDED = { sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { t: { column_vindexes: [{ column: 'id', name: 'hash' }] } } };
const CREATE_T = 'create table t (id bigint not null, v varchar(64), primary key (id))';
const hash = new HashVindex('hash');

/** A cluster with customer/0 serving and the shards -80 and 80- created but not serving, t on every shard, and a buffering vtgate. */
async function reshardCluster(buffer: Partial<BufferConfig>): Promise<TestCluster> {
  const c = await TestCluster.create();
  await c.addShard('customer', '0', [200, 201]);
  await c.addShard('customer', '-80', [300]);
  await c.addShard('customer', '80-', [400]);
  c.vtgate = await Vtgate.start({
    topo: c.topo,
    cell: 'zone1',
    dialer: c.dialer,
    clock: c.clock,
    refreshIntervalMs: 3_600_000,
    buffer: { enabled: true, ...buffer },
  });
  await c.applyVSchema('customer', SHARDED);
  for (const shard of ['0', '-80', '80-']) await c.exec(await c.session(`customer/${shard}`), CREATE_T);
  return c;
}

/** Sets or clears query_service_disabled for customer/0 in the PRIMARY partition, and waits until vtgate sees it. */
async function setSourceDisabled(c: TestCluster, disabled: boolean): Promise<void> {
  const srv = await c.topo.getSrvKeyspace('zone1', 'customer');
  const primary = srv.partitions.find((p) => p.served_type === TabletType.PRIMARY)!;
  primary.shard_tablet_controls = disabled ? [{ name: '0', key_range: null, query_service_disabled: true }] : [];
  await c.topo.updateSrvKeyspace('zone1', 'customer', srv);
  await waitFor(() => c.vtgate.executor.opts.resolver.queryServiceDisabled('customer', TabletType.PRIMARY, '0') === disabled);
}

/** Copies customer/0's rows of t (read from its primary's mysqld) to -80 and 80- by the hash of id (what VReplication does), through shard-targeted sessions. */
async function copyToNewShards(c: TestCluster): Promise<void> {
  const rows = (await c.tablets.get('zone1-0000000200')!.executeFetchAsDba('select id, v from t order by id')).rows;
  for (const shard of ['-80', '80-']) {
    const kr = keyRangeFromShardName(shard);
    const mine = rows.filter(([id]) => keyRangeContains(kr, hash.mapOne(id!)!));
    if (mine.length === 0) continue;
    const values = mine.map(([id, v]) => `(${String(id)}, '${String(v)}')`).join(', ');
    await c.exec(await c.session(`customer/${shard}`), `insert into t (id, v) values ${values}`);
  }
}

/** One client's write outcome. */
interface Outcome {
  id: number;
  ok: boolean;
  ms: number;
  err?: SqlError;
}

/** Four clients inserting distinct ids through vtgate (autocommit) until `stop` is set. */
function startWriters(c: TestCluster, state: { stop: boolean }): Promise<Outcome[]>[] {
  return [0, 1, 2, 3].map(async (w) => {
    const s = await c.session('customer');
    const out: Outcome[] = [];
    for (let i = 0; !state.stop; i++) {
      const id = 1 + w + 4 * i;
      const t0 = performance.now();
      try {
        await c.exec(s, `insert into t (id, v) values (${id}, 'w${w}-${i}')`);
        out.push({ id, ok: true, ms: performance.now() - t0 });
      } catch (err) {
        out.push({ id, ok: false, ms: performance.now() - t0, err: err as SqlError });
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    return out;
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('vtgate buffering during a cutover (--enable-buffer)', () => {
  let c: TestCluster | undefined;
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  it('holds writes while the source shard stops serving, then sends them to the new shards: none lost, none applied twice', async () => {
    c = await reshardCluster({ windowMs: 5000 });
    const state = { stop: false };
    const writers = startWriters(c, state);
    await waitFor(async () => Number((await c!.rows(await c!.session('customer/0'), 'select count(*) from t'))[0]![0]) >= 40);

    await setSourceDisabled(c, true);
    await sleep(5);
    let maxBuffered = 0;
    const watch = setInterval(() => (maxBuffered = Math.max(maxBuffered, c!.vtgate.executor.buffer.bufferedCount)), 1);
    await sleep(20);
    await copyToNewShards(c);
    for (const [shard, serving] of [['0', false], ['-80', true], ['80-', true]] as const) {
      await c.topo.updateShardFields('customer', shard, (s) => {
        s.is_primary_serving = serving;
      });
    }
    await c.topo.migrateServedType('customer', ['-80', '80-'], ['0'], TabletType.PRIMARY);
    await waitFor(() => c!.vtgate.executor.opts.resolver.shards('customer', TabletType.PRIMARY).length === 2);
    const after = (await c.rows(await c.session('customer'), 'select count(*) from t'))[0]![0];
    await waitFor(async () => Number((await c!.rows(await c!.session('customer'), 'select count(*) from t'))[0]![0]) >= Number(after) + 40);
    state.stop = true;
    clearInterval(watch);
    const outcomes = (await Promise.all(writers)).flat();

    expect(maxBuffered).toBeGreaterThan(0);
    const failed = outcomes.filter((o) => !o.ok);
    expect(failed).toEqual([]);
    const ids = (await c.rows(await c.session('customer'), 'select id from t')).map(([id]) => Number(id));
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(outcomes.map((o) => o.id)));
    const stall = Math.max(...outcomes.map((o) => o.ms));
    expect(stall).toBeLessThan(300);
    expect(c.vtgate.executor.buffer.bufferedCount).toBe(0);
  });

  it('fails a held write with a retriable error once its window is spent, without applying it', async () => {
    c = await reshardCluster({ windowMs: 150 });
    await setSourceDisabled(c, true);
    const s = await c.session('customer');
    const t0 = performance.now();
    const err = (await c.exec(s, "insert into t (id, v) values (1, 'x')").catch((e: unknown) => e)) as SqlError;
    const waited = performance.now() - t0;
    expect(err).toBeInstanceOf(SqlError);
    expect(err).toMatchObject({ errno: 1105, sqlState: 'HY000', code: Code.UNAVAILABLE });
    expect(err.message).toBe(
      'upstream shard is not available: customer/0 did not finish its failover within the 150 ms buffer window; last error: target: customer.0.primary: vttablet: rpc error: code = FailedPrecondition desc = operation not allowed in state NOT_SERVING (CallerID: userData1)',
    );
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(waited).toBeLessThan(1000);
    await setSourceDisabled(c, false);
    expect(await c.rows(s, 'select id from t')).toEqual([]);
  });

  it('lets the held write through as soon as the query service comes back (a cancelled cutover)', async () => {
    c = await reshardCluster({ windowMs: 5000 });
    await setSourceDisabled(c, true);
    const s = await c.session('customer');
    const write = c.exec(s, "insert into t (id, v) values (7, 'x')");
    await waitFor(() => c!.vtgate.executor.buffer.bufferedCount === 1);
    expect(c.vtgate.executor.buffer.shardState('customer', '0')).toBe('buffering');
    await setSourceDisabled(c, false);
    await write;
    expect(await c.rows(await c.session('customer/0'), 'select id from t')).toEqual([['7']]);
    expect(c.vtgate.executor.buffer.shardState('customer', '0')).toBe('idle');
  });

  it('fails a statement inside an open transaction on the old shard with a clear error, and refuses its COMMIT', async () => {
    c = await reshardCluster({ windowMs: 5000 });
    const s: VtgateSession = await c.session('customer');
    await c.exec(s, 'begin');
    await c.exec(s, "insert into t (id, v) values (1, 'in tx')");
    await setSourceDisabled(c, true);
    const inTx = (await c.exec(s, "insert into t (id, v) values (2, 'in tx')").catch((e: unknown) => e)) as SqlError;
    expect(inTx).toMatchObject({ errno: 1105, code: Code.ABORTED });
    expect(inTx.message).toBe(
      'target: customer.0.primary: vttablet: rpc error: code = FailedPrecondition desc = operation not allowed in state NOT_SERVING (CallerID: userData1): the shard stopped serving for a cutover while the transaction was open; roll back and retry the transaction',
    );
    expect(c.vtgate.executor.buffer.bufferedCount).toBe(0);
    await expect(c.exec(s, 'commit')).rejects.toMatchObject({ errno: 1105, code: Code.ABORTED });
    expect(s.inTransaction).toBe(false);
    await setSourceDisabled(c, false);
    expect(await c.rows(s, 'select id from t')).toEqual([]);
  });

  it('evicts the oldest held statement when the buffer is full', async () => {
    c = await reshardCluster({ windowMs: 5000, size: 2 });
    await setSourceDisabled(c, true);
    const results = [1, 2, 3].map(async (id) => {
      const s = await c!.session('customer');
      return c!.exec(s, `insert into t (id, v) values (${id}, 'x')`).then(
        () => 'ok',
        (e: SqlError) => `${e.errno} ${Code[e.code]} ${e.message}`,
      );
    });
    await waitFor(() => c!.vtgate.executor.buffer.bufferedCount === 2);
    await sleep(20);
    await setSourceDisabled(c, false);
    const outcome = await Promise.all(results);
    expect(outcome.filter((o) => o === 'ok')).toHaveLength(2);
    expect(outcome.filter((o) => o !== 'ok')).toEqual(['1105 UNAVAILABLE buffer full: request evicted for newer request']);
    expect((await c.rows(await c.session('customer'), 'select count(*) from t'))[0]![0]).toBe('2');
  });

  it('does not hold statements when buffering is off (the error comes at once)', async () => {
    c = await reshardCluster({ enabled: false });
    await setSourceDisabled(c, true);
    const t0 = performance.now();
    await expect(c.exec(await c.session('customer'), "insert into t (id, v) values (1, 'x')")).rejects.toMatchObject({
      message: 'target: customer.0.primary: vttablet: rpc error: code = FailedPrecondition desc = operation not allowed in state NOT_SERVING (CallerID: userData1)',
    });
    expect(performance.now() - t0).toBeLessThan(100);
  });

  it('holds writes to a table denied on its source shard (MoveTables) until the routing rules send it to the target keyspace', async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100]);
    await c.addShard('customer', '0', [200]);
    c.vtgate = await Vtgate.start({ topo: c.topo, cell: 'zone1', dialer: c.dialer, clock: c.clock, refreshIntervalMs: 3_600_000, buffer: { enabled: true } });
    await c.applyVSchema('commerce', { tables: { customer: {} } });
    await c.applyVSchema('customer', { tables: { customer: {} } });
    for (const ks of ['commerce', 'customer']) await c.exec(await c.session(ks), 'create table customer (customer_id bigint primary key, email varchar(64))');
    await c.topo.saveRoutingRules({ rules: [{ from_table: 'customer.customer', to_tables: ['commerce.customer'] }, { from_table: 'customer', to_tables: ['commerce.customer'] }] });
    await c.topo.rebuildSrvVSchema();
    const s = await c.session('commerce');
    await waitFor(() => c!.vtgate.executor.currentVSchema.findRoutedTable('commerce', 'customer', TabletType.PRIMARY).keyspace.name === 'commerce');
    await c.exec(s, "insert into customer values (1, 'before')");

    await c.topo.updateShardFields('commerce', '0', (sh) => {
      sh.tablet_controls = [{ tablet_type: TabletType.PRIMARY, cells: [], denied_tables: ['customer'], frozen: false }];
    });
    await sleep(20);
    const write = c.exec(s, "insert into customer values (2, 'during')");
    await waitFor(() => c!.vtgate.executor.buffer.bufferedCount === 1, 1000);
    await c.exec(await c.session('customer/0'), "insert into customer values (1, 'before')");
    await c.topo.saveRoutingRules({ rules: [{ from_table: 'commerce.customer', to_tables: ['customer.customer'] }, { from_table: 'customer', to_tables: ['customer.customer'] }] });
    await c.topo.rebuildSrvVSchema();
    await write;
    expect(await c.rows(await c.session('customer/0'), 'select customer_id, email from customer order by customer_id')).toEqual([
      ['1', 'before'],
      ['2', 'during'],
    ]);
    const source = await c.tablets.get('zone1-0000000100')!.executeFetchAsDba('select customer_id from customer');
    expect(source.rows).toEqual([[1n]]);
  });

  it('holds writes during a PlannedReparentShard and sends them to the new primary', async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100, 101]);
    c.vtgate = await Vtgate.start({ topo: c.topo, cell: 'zone1', dialer: c.dialer, clock: c.clock, refreshIntervalMs: 3_600_000, buffer: { enabled: true } });
    await c.exec(await c.session('commerce'), CREATE_T);
    const state = { stop: false };
    const writers = [0, 1, 2, 3].map(async (w) => {
      const s = await c!.session('commerce');
      const out: Outcome[] = [];
      for (let i = 0; !state.stop; i++) {
        const id = 1 + w + 4 * i;
        const t0 = performance.now();
        const ok = await c!.exec(s, `insert into t (id, v) values (${id}, 'x')`).then(() => true, () => false);
        out.push({ id, ok, ms: performance.now() - t0 });
        await sleep(1);
      }
      return out;
    });
    await sleep(30);
    const [oldPrimary, elect] = [c.tablets.get('zone1-0000000100')!, c.tablets.get('zone1-0000000101')!];
    const position = await oldPrimary.demotePrimary();
    await sleep(20);
    await elect.waitForPosition(position, 5000);
    c.clock.advance(1000);
    await elect.promoteReplica();
    await c.topo.updateShardFields('commerce', '0', (s) => {
      s.primary_alias = { cell: 'zone1', uid: 101 };
    });
    await oldPrimary.setReplicationSource({ cell: 'zone1', uid: 101 });
    await sleep(30);
    state.stop = true;
    const outcomes = (await Promise.all(writers)).flat();
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeGreaterThanOrEqual(15);
    const ids = (await elect.executeFetchAsDba('select id from t')).rows.map(([id]) => Number(id));
    expect(ids.sort((a, b) => a - b)).toEqual(outcomes.map((o) => o.id).sort((a, b) => a - b));
  });
});
