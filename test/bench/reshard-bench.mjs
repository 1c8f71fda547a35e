/**
 * Component figures of resharding, in process (issues 4 and 5): the Reshard workflow's copy rate
 * on a 1,000,000-row table (`0 → -80,80-`), how long SwitchTraffic for `primary` takes while four
 * clients write through vtgate and the longest stall one of them sees, and the pause a VStream
 * client sees at the cut-over (its old shards' last event → its new shards' first) over 20
 * reshards. Tablets are primaries only (one per shard), so replication does not share the core.
 */
import { performance } from 'node:perf_hooks';
import { Cluster } from '@vtsim/cli';
import { TabletType } from '@vtsim/proto';
import { applySchema, applyVSchema } from '@vtsim/vtctld';

const KEYSPACE = 'customer';
const SCHEMA =
  'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id));\n' +
  'create table corder(order_id bigint not null, customer_id bigint, sku varbinary(128), price bigint, primary key(order_id));\n';
const VSCHEMA = {
  sharded: true,
  vindexes: { hash: { type: 'hash' } },
  tables: {
    customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
    corder: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
  },
};
const COPY_ROWS = 1_000_000;
const CUTOVERS = 20;
const WRITERS = 4;

/**
 * Runs the three measurements, each on its own cluster.
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchReshard() {
  const copy = await measureCopy();
  const cutover = await measureSwitchTraffic();
  const pauses = await measureStreamPauses();
  return [
    {
      id: 'reshard.copy_rows',
      what: `Reshard 0 → -80,80-: rows copied (${COPY_ROWS.toLocaleString('en-US')}-row table)`,
      value: COPY_ROWS / copy.seconds,
      unit: 'rows/s',
      target: { op: '>=', value: 100_000 },
      detail: `create to both streams Running: ${copy.seconds.toFixed(1)} s; one primary per shard`,
    },
    {
      id: 'reshard.switch_traffic_primary',
      what: 'Reshard SwitchTraffic --tablet-types primary (4 writers)',
      value: cutover.switchMs,
      unit: 'ms',
      target: { op: '<', value: 200 },
      detail: `the WorkflowSwitchTraffic call, ${WRITERS} clients writing through vtgate meanwhile`,
    },
    {
      id: 'reshard.writer_stall',
      what: 'longest stall of a writing client during SwitchTraffic',
      value: cutover.stallMs,
      unit: 'ms',
      target: { op: '<', value: 300 },
      detail: `longest gap between two successful writes of one client; ${cutover.writes} writes, ${cutover.retried} retried after a retriable error`,
    },
    {
      id: 'vstream.cutover_pause_p50',
      what: `VStream pause at the cut-over, p50 (${CUTOVERS} reshards)`,
      value: percentile(pauses, 0.5),
      unit: 'ms',
      detail: 'old shards\' last event → new shards\' first event, one client writing every ms; splits 0 → -80,80- and merges back',
    },
    {
      id: 'vstream.cutover_pause_p99',
      what: `VStream pause at the cut-over, p99 (${CUTOVERS} reshards)`,
      value: percentile(pauses, 0.99),
      unit: 'ms',
      target: { op: '<', value: 100 },
      detail: `max ${Math.max(...pauses).toFixed(1)} ms`,
    },
  ];
}

/** A cluster with `customer/0` (tablet 200), its schema and sharded VSchema, and vtgate. */
async function customerCluster(seed) {
  const cluster = await Cluster.start({ seed, mysqlPort: 0 });
  await cluster.addTablet({ keyspace: KEYSPACE, shard: '0', uid: 200 });
  await applySchema(cluster.topo, (a) => cluster.tablet(a.uid), KEYSPACE, SCHEMA);
  await applyVSchema(cluster.topo, KEYSPACE, VSCHEMA);
  await cluster.startVtgate();
  return cluster;
}

/** Resolves once `check()` holds, polling every `everyMs`; rejects after `timeoutMs`. */
async function waitFor(check, what, timeoutMs = 600_000, everyMs = 20) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Whether every stream of the workflow is Running with nothing left to copy. */
async function copied(cluster, workflow) {
  const { workflows } = await cluster.vtctld.getWorkflows({ keyspace: KEYSPACE, workflow });
  const wf = workflows.find((w) => w.name === workflow);
  if (!wf) return false;
  const streams = Object.values(wf.shard_streams).flatMap((s) => s.streams);
  return streams.length > 0 && streams.every((s) => s.state === 'Running' && s.copy_states.length === 0);
}

/**
 * One whole reshard: target tablets (one primary each, uids from `firstUid`), create, wait for
 * the copy, switch reads, switch writes (timed by `onSwitch` if given), `beforeComplete` (e.g.
 * until a VStream has moved: complete deletes the old shards), complete, stop the old tablets.
 */
async function reshard(cluster, workflow, from, to, firstUid, onSwitch, beforeComplete) {
  for (let i = 0; i < to.length; i++) await cluster.addTablet({ keyspace: KEYSPACE, shard: to[i], uid: firstUid + 100 * i });
  const vtctld = cluster.vtctld;
  await vtctld.reshardCreate({ workflow, keyspace: KEYSPACE, source_shards: from, target_shards: to });
  await waitFor(() => copied(cluster, workflow), `${workflow} to copy`);
  await vtctld.workflowSwitchTraffic({ keyspace: KEYSPACE, workflow, tablet_types: [TabletType.RDONLY, TabletType.REPLICA], enable_reverse_replication: true });
  const started = performance.now();
  await vtctld.workflowSwitchTraffic({ keyspace: KEYSPACE, workflow, tablet_types: [TabletType.PRIMARY], enable_reverse_replication: true });
  onSwitch?.(started, performance.now());
  await beforeComplete?.();
  await vtctld.moveTablesComplete({ workflow, target_keyspace: KEYSPACE });
  for (const t of [...cluster.tabletMap().values()]) if (t.keyspace === KEYSPACE && from.includes(t.shard)) await cluster.removeTablet(t.alias.uid);
}

/**
 * Reshard copy rate: 1,000,000 customers on 0, then create `0 → -80,80-` and time it until both
 * streams run. `watch`, if given, starts watching the cluster once it is loaded, before the timing
 * (the web view's benchmark opens the live view in a browser); what it returns is closed at the end.
 * @param {{ watch?: (cluster: Cluster) => Promise<{ close(): Promise<void> }> }} [opts]
 * @returns {Promise<{ seconds: number }>}
 */
export async function measureCopy(opts = {}) {
  const cluster = await customerCluster('bench-reshard-copy');
  let watcher;
  try {
    const primary = cluster.tablet(200);
    for (let first = 1; first <= COPY_ROWS; first += 1000) {
      const tuples = [];
      for (let id = first; id < first + 1000; id++) tuples.push(`(${id},'user${id}@example.com')`);
      await primary.executeFetchAsDba(`insert into customer(customer_id, email) values ${tuples.join(',')}`);
    }
    await cluster.addTablet({ keyspace: KEYSPACE, shard: '-80', uid: 300 });
    await cluster.addTablet({ keyspace: KEYSPACE, shard: '80-', uid: 400 });
    watcher = await opts.watch?.(cluster);
    const started = performance.now();
    await cluster.vtctld.reshardCreate({ workflow: 'copy', keyspace: KEYSPACE, source_shards: ['0'], target_shards: ['-80', '80-'] });
    await waitFor(() => copied(cluster, 'copy'), 'the copy', 600_000, 50);
    return { seconds: (performance.now() - started) / 1000 };
  } finally {
    await watcher?.close();
    await cluster.close();
  }
}

/**
 * Clients inserting through vtgate's executor, each retrying a statement that fails with a
 * retriable error; they record when each write succeeded.
 */
function startWriters(cluster, count, pauseMs) {
  const stop = new AbortController();
  const stats = { writes: 0, retried: 0, stalls: [] };
  const executor = cluster.vtgate.executor;
  const run = async (n) => {
    const session = executor.newSession();
    await executor.useTarget(session, KEYSPACE);
    let id = n * 10_000_000;
    let lastOk = performance.now();
    while (!stop.signal.aborted) {
      try {
        await executor.execute(session, `insert into corder(order_id, customer_id, sku, price) values (${++id}, ${id}, 'SKU', 1)`);
        const now = performance.now();
        stats.stalls.push({ from: lastOk, to: now });
        lastOk = now;
        stats.writes++;
      } catch (err) {
        if (!/UNAVAILABLE|CLUSTER_EVENT|NOT_SERVING|not serving|buffer|retry/i.test(err.message)) throw err;
        stats.retried++;
        id--;
        await new Promise((r) => setTimeout(r, 1));
      }
      // The executor answers without I/O: yield, or the writers starve every timer and stream.
      await new Promise((r) => (pauseMs > 0 ? setTimeout(r, pauseMs) : setImmediate(r)));
    }
  };
  const done = Promise.all(Array.from({ length: count }, (_, i) => run(i + 1)));
  return {
    stats,
    async stop() {
      stop.abort();
      await done;
    },
  };
}

/** SwitchTraffic for primary with four writers: the call's duration and the longest stall overlapping it. */
async function measureSwitchTraffic() {
  const cluster = await customerCluster('bench-reshard-switch');
  try {
    const writers = startWriters(cluster, WRITERS, 0);
    await new Promise((r) => setTimeout(r, 500));
    let window = { from: 0, to: 0 };
    await reshard(cluster, 'switch', ['0'], ['-80', '80-'], 300, (from, to) => (window = { from, to }));
    await new Promise((r) => setTimeout(r, 200));
    await writers.stop();
    const overlapping = writers.stats.stalls.filter((s) => s.to >= window.from && s.from <= window.to);
    return {
      switchMs: window.to - window.from,
      stallMs: Math.max(0, ...overlapping.map((s) => s.to - s.from)),
      writes: writers.stats.writes,
      retried: writers.stats.retried,
    };
  } finally {
    await cluster.close();
  }
}

/**
 * A VStream on the whole keyspace while one client writes every millisecond and the keyspace is
 * resharded back and forth 20 times: for each cut-over, the time from the last response of an old
 * shard to the first response of a new one.
 */
async function measureStreamPauses() {
  const cluster = await customerCluster('bench-reshard-pauses');
  const abort = new AbortController();
  try {
    const writers = startWriters(cluster, 1, 1);
    /** Arrival time and source shard of every response with a keyspace. */
    const arrivals = [];
    const request = {
      tablet_type: TabletType.PRIMARY,
      vgtid: { shard_gtids: [{ keyspace: KEYSPACE, shard: '', gtid: 'current', table_p_ks: [] }] },
      filter: { rules: [{ match: '/.*', filter: '' }] },
      flags: null,
    };
    const reading = (async () => {
      for await (const response of cluster.vtgate.vstreamManager.vstream(request, abort.signal)) {
        const source = response.events.find((e) => e.shard)?.shard;
        if (source !== undefined) arrivals.push({ at: performance.now(), shard: source });
      }
    })();
    const shapes = [['0'], ['-80', '80-']];
    let uid = 300;
    const pauses = [];
    for (let i = 0; i < CUTOVERS; i++) {
      const from = shapes[i % 2];
      const to = shapes[(i + 1) % 2];
      let window = { from: 0, to: 0 };
      const moved = () => arrivals.some((a) => a.at >= window.from && to.includes(a.shard));
      await reshard(cluster, `r${i}`, from, to, uid, (a, b) => (window = { from: a, to: b }), () => waitFor(moved, 'the stream to reach the new shards', 10_000, 1));
      uid += 200;
      const firstNew = arrivals.find((a) => a.at >= window.from && to.includes(a.shard));
      const lastOld = arrivals.filter((a) => a.at <= firstNew.at && from.includes(a.shard)).at(-1);
      pauses.push(firstNew.at - (lastOld?.at ?? window.from));
    }
    abort.abort();
    await reading.catch(() => undefined);
    await writers.stop();
    return pauses;
  } finally {
    abort.abort();
    await cluster.close();
  }
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}
