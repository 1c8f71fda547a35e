// vtgate's buffering (issue 4) under the real Reshard workflow: four clients insert and update
// through a buffering vtgate while customer/0 is resharded into -80,80- and writes are switched;
// every write succeeds exactly once and none waits long.
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '@vtsim/cli';
import { TabletType, parseKeyspaceVSchema, type SqlValue } from '@vtsim/proto';
import { Vtgate, type VtgateSession } from '@vtsim/vtgate';

const WF = 'cust2cust';
const VSCHEMA = parseKeyspaceVSchema({
  sharded: true,
  vindexes: { hash: { type: 'hash' } },
  tables: { t: { column_vindexes: [{ column: 'id', name: 'hash' }] } },
});

/** One client statement's outcome. */
interface Outcome {
  id: number;
  ok: boolean;
  ms: number;
  error?: string;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('vtgate buffering during a Reshard SwitchTraffic', () => {
  let cluster: Cluster | undefined;
  let vtgate: Vtgate | undefined;
  afterEach(async () => {
    await vtgate?.close();
    await cluster?.close();
  });

  it('holds the writes that reach vtgate during the cutover and sends them to the new shards: none lost, none applied twice', async () => {
    cluster = await Cluster.start({ seed: 'buffer-reshard' });
    const c = cluster;
    for (const [shard, uids] of [['0', [200, 201]], ['-80', [300, 301]], ['80-', [400, 401]]] as const) {
      for (const uid of uids) await c.addTablet({ keyspace: 'customer', shard, uid });
    }
    await c.tablet(200)!.executeFetchAsDba('create table t (id bigint not null, v varchar(64), n bigint, primary key (id))');
    await c.vtctld.applyVSchema({ keyspace: 'customer', v_schema: VSCHEMA });
    vtgate = await Vtgate.start({ topo: c.topo, cell: 'zone1', dialer: (a) => c.tablet(a.uid), clock: c.clock, buffer: { enabled: true } });
    const g = vtgate;
    const exec = (s: VtgateSession, sql: string) => g.executor.execute(s, sql);
    const setup = g.executor.newSession();
    await g.executor.useTarget(setup, 'customer');
    await exec(setup, `insert into t (id, v, n) values ${Array.from({ length: 200 }, (_, i) => `(${-1 - i}, 'seed', 0)`).join(', ')}`);

    const state = { stop: false };
    const writers = [0, 1, 2, 3].map(async (w) => {
      const s = g.executor.newSession();
      await g.executor.useTarget(s, 'customer');
      const out: Outcome[] = [];
      for (let i = 0; !state.stop; i++) {
        const id = 1 + w + 4 * i;
        const t0 = performance.now();
        try {
          await exec(s, `insert into t (id, v, n) values (${id}, 'w${w}', 0)`);
          await exec(s, `update t set n = n + 1 where id = ${id}`);
          out.push({ id, ok: true, ms: performance.now() - t0 });
        } catch (err) {
          out.push({ id, ok: false, ms: performance.now() - t0, error: (err as Error).message });
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      return out;
    });

    await c.vtctld.reshardCreate({ workflow: WF, keyspace: 'customer', source_shards: ['0'], target_shards: ['-80', '80-'] });
    await waitFor('the streams to run', async () => {
      const status = await c.vtctld.workflowStatus({ keyspace: 'customer', workflow: WF });
      const streams = Object.values(status.shard_streams).flatMap((s) => s.streams);
      return streams.length > 0 && streams.every((s) => s.status === 'Running');
    });
    await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: WF, tablet_types: [TabletType.RDONLY, TabletType.REPLICA] });
    const switchStart = performance.now();
    const writes = await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: WF, tablet_types: [TabletType.PRIMARY] });
    const switchMs = performance.now() - switchStart;
    expect(writes.current_state).toBe('All Reads Switched. Writes Switched');
    await waitFor('vtgate to route to the new shards', async () => g.executor.opts.resolver.shards('customer', TabletType.PRIMARY).length === 2);
    await new Promise((r) => setTimeout(r, 100));
    state.stop = true;
    const outcomes = (await Promise.all(writers)).flat();

    const failed = outcomes.filter((o) => !o.ok);
    expect(failed).toEqual([]);
    const rows = (await exec(setup, 'select id, n from t where id > 0')).rows.map(([id, n]: SqlValue[]) => [Number(id), Number(n)]);
    expect(rows.length).toBe(new Set(rows.map(([id]) => id)).size);
    expect(new Set(rows.map(([id]) => id))).toEqual(new Set(outcomes.map((o) => o.id)));
    expect(rows.every(([, n]) => n === 1)).toBe(true);
    expect((await exec(setup, 'select count(*) from t where id < 0')).rows).toEqual([[200n]]);
    const stall = Math.max(...outcomes.map((o) => o.ms));
    console.log(`SwitchTraffic primary: ${switchMs.toFixed(0)} ms; ${outcomes.length} client writes, ${g.executor.buffer.requestsBuffered} buffered; longest stall ${stall.toFixed(0)} ms`);
    expect(g.executor.buffer.requestsBuffered).toBeGreaterThan(0);
    expect(stall).toBeLessThan(Math.max(300, switchMs + 100));
  }, 60_000);

  it('holds the writes during a MoveTables SwitchTraffic (denied tables, then routing rules) and sends them to the target keyspace', async () => {
    cluster = await Cluster.start({ seed: 'buffer-movetables' });
    const c = cluster;
    for (const [ks, uids] of [['commerce', [100, 101]], ['customer', [200, 201]]] as const) {
      for (const uid of uids) await c.addTablet({ keyspace: ks, shard: '0', uid });
    }
    await c.tablet(100)!.executeFetchAsDba('create table t (id bigint not null, v varchar(64), n bigint, primary key (id))');
    await c.vtctld.applyVSchema({ keyspace: 'commerce', v_schema: parseKeyspaceVSchema({ tables: { t: {} } }) });
    vtgate = await Vtgate.start({ topo: c.topo, cell: 'zone1', dialer: (a) => c.tablet(a.uid), clock: c.clock, buffer: { enabled: true } });
    const g = vtgate;
    const exec = (s: VtgateSession, sql: string) => g.executor.execute(s, sql);

    const state = { stop: false };
    const writers = [0, 1, 2, 3].map(async (w) => {
      const s = g.executor.newSession();
      await g.executor.useTarget(s, 'commerce');
      const out: Outcome[] = [];
      for (let i = 0; !state.stop; i++) {
        const id = 1 + w + 4 * i;
        const t0 = performance.now();
        try {
          await exec(s, `insert into t (id, v, n) values (${id}, 'w${w}', 0)`);
          await exec(s, `update t set n = n + 1 where id = ${id}`);
          out.push({ id, ok: true, ms: performance.now() - t0 });
        } catch (err) {
          out.push({ id, ok: false, ms: performance.now() - t0, error: (err as Error).message });
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      return out;
    });

    await c.vtctld.moveTablesCreate({ workflow: 'commerce2customer', source_keyspace: 'commerce', target_keyspace: 'customer', include_tables: ['t'] });
    await waitFor('the streams to run', async () => {
      const status = await c.vtctld.workflowStatus({ keyspace: 'customer', workflow: 'commerce2customer' });
      const streams = Object.values(status.shard_streams).flatMap((s) => s.streams);
      return streams.length > 0 && streams.every((s) => s.status === 'Running');
    });
    await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: 'commerce2customer', tablet_types: [TabletType.RDONLY, TabletType.REPLICA] });
    const before = g.executor.buffer.requestsBuffered;
    await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: 'commerce2customer', tablet_types: [TabletType.PRIMARY] });
    await new Promise((r) => setTimeout(r, 100));
    state.stop = true;
    const outcomes = (await Promise.all(writers)).flat();

    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(g.executor.buffer.requestsBuffered).toBeGreaterThan(before);
    const rows = (await c.tablet(200)!.executeFetchAsDba('select id, n from t')).rows.map(([id, n]) => [Number(id), Number(n)]);
    expect(rows.length).toBe(new Set(rows.map(([id]) => id)).size);
    expect(new Set(rows.map(([id]) => id))).toEqual(new Set(outcomes.map((o) => o.id)));
    expect(rows.every(([, n]) => n === 1)).toBe(true);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(1000);
  }, 60_000);
});
