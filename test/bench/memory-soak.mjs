/**
 * The memory soak (issue 9): a `customer` keyspace on two shards with `vtsim up`'s default
 * tablets (2 replicas + 1 rdonly per shard, all replicating in this process), write transactions
 * through vtgate's executor (in process: the MySQL protocol is left out to go faster, everything
 * behind it is real), and a VStream on the keyspace (vtgate's VStream manager, in process) that
 * replays every ROW event into a picture of the table. Every `sampleEvery` transactions the
 * process waits until the stream has every change, forces two garbage collections and samples
 * RSS and heap. At the end the stream's picture is compared with the table read through vtgate.
 *
 * The workload keeps the table at `liveRows` rows (see {@link workloadStatement}); every
 * transaction changes one row.
 *
 * As a module it exports {@link runSoak}. As a script it needs `--expose-gc` and prints the
 * result as one JSON line on stdout: `node --expose-gc test/bench/memory-soak.mjs [--transactions N]
 * [--sample-every N] [--binlog-retention N]` (run in a process of its own, so nothing else moves
 * its RSS).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Cluster } from '@vtsim/cli';
import { TabletType, VEventType, decodeRowBytes } from '@vtsim/proto';
import { applySchema, applyVSchema } from '@vtsim/vtctld';

const KEYSPACE = 'customer';
const SHARDS = ['-80', '80-'];
const SCHEMA = 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id));\n';
const VSCHEMA = {
  sharded: true,
  vindexes: { hash: { type: 'hash' } },
  tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] } },
};

/**
 * One memory sample.
 * @typedef {object} MemorySample
 * @property {number} transactions write transactions committed before it
 * @property {number} rss resident set size, bytes
 * @property {number} heapUsed V8 heap in use after two full GCs, bytes
 * @property {number} heapTotal V8 heap reserved, bytes
 */

/**
 * What a soak run measured.
 * @typedef {object} SoakResult
 * @property {MemorySample[]} samples the cluster before any write, then every `sampleEvery` transactions
 * @property {number} seconds time spent writing and waiting for the stream (samples excluded)
 * @property {number} streamedChanges ROW changes the VStream client received
 * @property {string[]} problems changes the stream delivered that did not fit its picture, and
 *   differences between the picture and the table at the end (empty when the stream was exact)
 * @property {number} rows rows in the table at the end
 */

/**
 * Runs the soak; `gc` must be exposed (`node --expose-gc`).
 * @param {{ transactions: number, sampleEvery: number, liveRows?: number, binlogRetention?: import('@vtsim/binlog').BinlogRetention, log?: (line: string) => void }} opts
 * @returns {Promise<SoakResult>}
 */
export async function runSoak(opts) {
  const gc = globalThis.gc;
  if (typeof gc !== 'function') throw new Error('the memory soak needs node --expose-gc');
  const liveRows = opts.liveRows ?? 10_000;
  const log = opts.log ?? (() => {});
  const cluster = await Cluster.start({ seed: 'memory-soak', mysqlPort: 0, binlogRetention: opts.binlogRetention });
  const stream = new AbortController();
  try {
    let uid = 100;
    for (const shard of SHARDS) {
      for (let j = 0; j < 3; j++) await cluster.addTablet({ keyspace: KEYSPACE, shard, uid: uid + j, type: j < 2 ? TabletType.REPLICA : TabletType.RDONLY });
      uid += 100;
    }
    await applySchema(cluster.topo, (a) => cluster.tablet(a.uid), KEYSPACE, SCHEMA);
    await applyVSchema(cluster.topo, KEYSPACE, VSCHEMA);
    const { executor, vstreamManager } = await cluster.startVtgate();
    const session = executor.newSession();
    await executor.useTarget(session, KEYSPACE);

    const picture = new Map();
    const problems = [];
    let streamedChanges = 0;
    let positioned = false;
    const request = {
      tablet_type: TabletType.PRIMARY,
      vgtid: { shard_gtids: [{ keyspace: KEYSPACE, shard: '', gtid: 'current', table_p_ks: [] }] },
      filter: { rules: [{ match: '/.*', filter: '' }] },
      flags: null,
    };
    const reading = (async () => {
      for await (const response of vstreamManager.vstream(request, stream.signal)) {
        for (const e of response.events) {
          if (e.type === VEventType.VGTID) positioned = true;
          if (e.type !== VEventType.ROW) continue;
          for (const change of e.row_event.row_changes) {
            streamedChanges++;
            const before = change.before ? decodeRowBytes(change.before).map((b) => b?.toString('utf8')) : undefined;
            const after = change.after ? decodeRowBytes(change.after).map((b) => b?.toString('utf8')) : undefined;
            if (before) {
              if (picture.get(before[0]) !== before[1]) problems.push(`row ${before[0]}: before image '${before[1]}', picture '${picture.get(before[0])}'`);
              picture.delete(before[0]);
            }
            if (after) {
              if (picture.has(after[0])) problems.push(`row ${after[0]}: inserted over a present row`);
              picture.set(after[0], after[1]);
            }
          }
        }
      }
    })().catch((err) => {
      if (!stream.signal.aborted) problems.push(`stream failed: ${err.message}`);
    });
    await waitFor(() => positioned, () => 'the stream to start');

    const samples = [];
    const sample = (transactions) => {
      gc();
      gc();
      const m = process.memoryUsage();
      samples.push({ transactions, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal });
      log(`${transactions.toLocaleString('en-US')} transactions: RSS ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} of ${mb(m.heapTotal)} MB`);
    };
    sample(0);
    let seconds = 0;
    let started = performance.now();
    for (let i = 0; i < opts.transactions; i++) {
      const sql = workloadStatement(i, liveRows);
      await executor.execute(session, sql);
      // The executor answers without I/O: let replication and the stream run now and then.
      if (i % 64 === 63) await new Promise((r) => setImmediate(r));
      if ((i + 1) % opts.sampleEvery === 0) {
        await waitFor(() => streamedChanges === i + 1, () => `the stream to catch up (${streamedChanges} of ${i + 1} changes)`);
        seconds += (performance.now() - started) / 1000;
        sample(i + 1);
        started = performance.now();
      }
    }
    await waitFor(() => streamedChanges === opts.transactions, () => `the stream to catch up (${streamedChanges} of ${opts.transactions} changes)`);
    seconds += (performance.now() - started) / 1000;

    const table = await executor.execute(session, 'select customer_id, email from customer');
    for (const [id, email] of table.rows.map((r) => r.map((v) => v?.toString()))) {
      if (picture.get(id) !== email) problems.push(`row ${id}: table has '${email}', picture '${picture.get(id)}'`);
    }
    if (picture.size !== table.rows.length) problems.push(`the picture has ${picture.size} rows, the table ${table.rows.length}`);
    stream.abort();
    await reading;
    return { samples, seconds, streamedChanges, problems: problems.slice(0, 20), rows: table.rows.length };
  } finally {
    stream.abort();
    await cluster.close();
  }
}

/**
 * The workload's `i`-th transaction: the first `liveRows` insert rows 0, 1, …; then, in turn, the
 * next row is inserted, the row `liveRows / 2` ahead of the oldest is updated, and the oldest
 * deleted, so the table keeps `liveRows` rows and every transaction changes exactly one.
 */
function workloadStatement(i, liveRows) {
  if (i < liveRows) return `insert into customer(customer_id, email) values (${i}, 'user${i}@example.com')`;
  const k = Math.floor((i - liveRows) / 3);
  switch ((i - liveRows) % 3) {
    case 0:
      return `insert into customer(customer_id, email) values (${liveRows + k}, 'user${liveRows + k}@example.com')`;
    case 1:
      return `update customer set email = 'user${k + liveRows / 2}-${i}@example.com' where customer_id = ${k + liveRows / 2}`;
    default:
      return `delete from customer where customer_id = ${k}`;
  }
}

function mb(bytes) {
  return (bytes / 1048576).toFixed(0);
}

/** Resolves once `check()` holds, polling every 5 ms; rejects after `timeoutMs`, saying `what()` it waited for. */
async function waitFor(check, what, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      transactions: { type: 'string', default: '1000000' },
      'sample-every': { type: 'string', default: '100000' },
      'binlog-retention': { type: 'string' },
    },
  });
  const retention = values['binlog-retention'];
  const result = await runSoak({
    transactions: Number(values.transactions),
    sampleEvery: Number(values['sample-every']),
    binlogRetention: retention === undefined ? undefined : { maxTransactions: Number(retention) },
    log: (line) => console.error(`memory soak: ${line}`),
  });
  console.log(JSON.stringify(result));
}
