/**
 * Memory figures (issue 9), each run in a Node process of its own started with `--expose-gc`:
 * the soak's RSS after 100,000 and after 1,000,000 write transactions (memory-soak.mjs) and their
 * ratio, and the heap a tablet spends per 1,000,000 rows it holds, for one mysqld alone and for
 * `vtsim up`'s default tablets. Every sample follows two forced full garbage collections.
 */
import { ManualClock, SeededRandom } from '@vtsim/binlog';
import { Cluster } from '@vtsim/cli';
import { TabletType } from '@vtsim/proto';
import { applySchema, applyVSchema } from '@vtsim/vtctld';
import { Mysqld } from '@vtsim/vttablet';
import { benchSchema } from './bench-schema.mjs';
import { runSoak } from './memory-soak.mjs';

const SOAK_TRANSACTIONS = 1_000_000;
const ROWS = 1_000_000;
const ROWS_PER_INSERT = 1000;

const MB = 1024 * 1024;
const log = (line) => console.error(`bench: memory: ${line}`);

/** Heap and RSS after two full GCs. */
function measure() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

/**
 * The soak (see memory-soak.mjs): RSS after the first 100,000 transactions and after 1,000,000, and
 * the second over the first (target ≤ 1.5).
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchMemorySoak() {
  const soak = await runSoak({ transactions: SOAK_TRANSACTIONS, sampleEvery: 100_000, log });
  if (soak.problems.length > 0) throw new Error(`the soak's VStream client saw problems: ${soak.problems.join('; ')}`);
  const at = (n) => soak.samples.find((s) => s.transactions === n);
  const first = at(100_000);
  const last = at(SOAK_TRANSACTIONS);
  const shape = "customer keyspace on 2 shards, vtsim up's default tablets (2 replica + 1 rdonly per shard), a VStream attached";
  const heap = (s) => `heap ${(s.heapUsed / MB).toFixed(0)} MB in use of ${(s.heapTotal / MB).toFixed(0)} MB`;
  return [
    {
      id: 'memory.rss_after_100k_transactions',
      what: 'soak: RSS after 100,000 write transactions',
      value: first.rss / MB,
      unit: 'MB',
      detail: `${shape}; single-row insert/update/delete through vtgate's executor; ${heap(first)}; before any write: RSS ${(at(0).rss / MB).toFixed(0)} MB`,
    },
    {
      id: 'memory.rss_after_1m_transactions',
      what: 'soak: RSS after 1,000,000 write transactions',
      value: last.rss / MB,
      unit: 'MB',
      detail: `${heap(last)}; the stream received all ${soak.streamedChanges.toLocaleString('en-US')} row changes in ${soak.seconds.toFixed(0)} s (${(SOAK_TRANSACTIONS / soak.seconds).toFixed(0)} transactions/s)`,
    },
    {
      id: 'memory.rss_ratio_1m_to_100k',
      what: 'soak: RSS after 1,000,000 ÷ after 100,000',
      value: last.rss / first.rss,
      unit: '×',
      target: { op: '<=', value: 1.5 },
      detail: `RSS every 100,000: ${soak.samples.slice(1).map((s) => (s.rss / MB).toFixed(0)).join(', ')} MB`,
    },
  ];
}

/**
 * Heap per 1,000,000 rows held per tablet: one mysqld alone (its binlog purged, then as its
 * default window leaves it), and `vtsim up`'s default tablets on a two-shard keyspace filled
 * through vtgate (every tablet holds its shard's rows; binlogs at their default window).
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchRowMemory() {
  const alone = mysqldRows();
  const cluster = await clusterRows();
  const perMillion = (bytes, rows) => (bytes / rows) * 1_000_000 / MB;
  return [
    {
      id: 'memory.mysqld_heap_per_1m_rows',
      what: 'mysqld alone: heap per 1,000,000 rows held',
      value: perMillion(alone.table, ROWS),
      unit: 'MB',
      detail: `table customer(bigint primary key, varbinary email ~20 bytes), ${ROWS.toLocaleString('en-US')} rows in ${ROWS_PER_INSERT}-row inserts, binlog purged; ` +
        `with the binlog's default window kept: ${perMillion(alone.withBinlog, ROWS).toFixed(0)} MB`,
    },
    {
      id: 'memory.tablet_heap_per_1m_rows',
      what: "default tablets: heap per 1,000,000 rows held per tablet",
      value: perMillion(cluster.heap, cluster.tabletRows),
      unit: 'MB',
      detail: `${ROWS.toLocaleString('en-US')} rows through vtgate into 2 shards × 3 tablets (${(cluster.tabletRows / 1e6).toFixed(0)}M tablet-rows), binlogs at their default window; ` +
        `RSS ${perMillion(cluster.rss, cluster.tabletRows).toFixed(0)} MB per 1,000,000; replicas share their primary's row images in this process`,
    },
  ];
}

/** One mysqld: heap growth for ROWS rows, with the binlog as the default window leaves it and with the binlog purged. */
function mysqldRows() {
  const uuid = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
  const mysqld = new Mysqld({ serverUuid: uuid, clock: new ManualClock(Date.UTC(2024, 0, 1)), random: new SeededRandom(uuid) });
  mysqld.createDatabase('vt_bench');
  const session = mysqld.createSession({ database: 'vt_bench' });
  session.execute(benchSchema().customer.sql.split(';')[0]);
  const insert = `insert into customer(customer_id, email) values ${Array.from({ length: ROWS_PER_INSERT }, (_, i) => `(:id${i}, :email${i})`).join(', ')}`;
  const before = measure();
  for (let first = 0; first < ROWS; first += ROWS_PER_INSERT) {
    /** @type {Record<string, bigint | string>} */
    const bindVars = {};
    for (let i = 0; i < ROWS_PER_INSERT; i++) {
      bindVars[`id${i}`] = BigInt(first + i);
      bindVars[`email${i}`] = `user${first + i}@example.com`;
    }
    session.execute(insert, bindVars);
  }
  const withBinlog = measure().heap - before.heap;
  mysqld.binlog.purge(0);
  const table = measure().heap - before.heap;
  log(`mysqld alone: ${(table / MB).toFixed(0)} MB of heap for ${ROWS} rows (${(withBinlog / MB).toFixed(0)} MB with its binlog)`);
  return { table, withBinlog };
}

/** The default tablets of a two-shard keyspace: heap and RSS growth for ROWS rows inserted through vtgate. */
async function clusterRows() {
  const cluster = await Cluster.start({ seed: 'bench-memory', mysqlPort: 0 });
  try {
    let uid = 100;
    for (const shard of ['-80', '80-']) {
      for (let j = 0; j < 3; j++) await cluster.addTablet({ keyspace: 'customer', shard, uid: uid + j, type: j < 2 ? TabletType.REPLICA : TabletType.RDONLY });
      uid += 100;
    }
    const schema = benchSchema().customer;
    await applySchema(cluster.topo, (a) => cluster.tablet(a.uid), 'customer', schema.sql);
    await applyVSchema(cluster.topo, 'customer', schema.vschema);
    const { executor } = await cluster.startVtgate();
    const session = executor.newSession();
    await executor.useTarget(session, 'customer');
    const before = measure();
    for (let first = 0; first < ROWS; first += ROWS_PER_INSERT) {
      const tuples = [];
      for (let id = first; id < first + ROWS_PER_INSERT; id++) tuples.push(`(${id}, 'user${id}@example.com')`);
      await executor.execute(session, `insert into customer(customer_id, email) values ${tuples.join(', ')}`);
      await new Promise((r) => setImmediate(r));
    }
    const tablets = [...cluster.tabletMap().values()];
    const held = () => tablets.reduce((n, t) => n + t.mysqld.catalog.table('vt_customer', 'customer').data.size, 0);
    while (held() < ROWS * 3) await new Promise((r) => setTimeout(r, 10));
    const after = measure();
    log(`default tablets: ${((after.heap - before.heap) / MB).toFixed(0)} MB of heap for ${ROWS} rows on ${tablets.length} tablets`);
    return { heap: after.heap - before.heap, rss: after.rss - before.rss, tabletRows: held() };
  } finally {
    await cluster.close();
  }
}
