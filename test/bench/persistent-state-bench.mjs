/**
 * Persistent mode with a large table: saves a one-tablet cluster holding N rows (default
 * 1,000,000) into a data dir and loads it into a new cluster, reporting wall times, the file size
 * and the process's RSS. Runs against the build in each package's dist/ (`pnpm bench` builds it).
 *
 *   node test/bench/persistent-state-bench.mjs [--rows N]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Cluster } from '@vtsim/cli';
import { loadPersistentState, savePersistentState } from '../../packages/cli/dist/persistent-state.js';

const ROWS_PER_INSERT = 1000;

/** Fills a one-tablet cluster with `rows` rows, saves it into `dir` and closes it. */
async function fillAndSave(rows, dir) {
  const source = await Cluster.start({ seed: 'persist-bench' });
  const tablet = await source.addTablet({ keyspace: 'ks', shard: '0', uid: 100 });
  const session = tablet.mysqld.createSession({ database: 'vt_ks' });
  session.execute(
    'create table corder (order_id bigint not null auto_increment, customer_id bigint, sku varbinary(128), price decimal(10,2), note varchar(64), primary key (order_id), key customer_k (customer_id))',
  );
  const tuples = Array.from({ length: ROWS_PER_INSERT }, (_, i) => `(:c${i}, :s${i}, :p${i}, :n${i})`).join(', ');
  const insert = `insert into corder(customer_id, sku, price, note) values ${tuples}`;
  const filled = performance.now();
  for (let done = 0; done < rows; done += ROWS_PER_INSERT) {
    /** @type {Record<string, bigint | string | null>} */
    const bindVars = {};
    for (let i = 0; i < ROWS_PER_INSERT; i++) {
      const n = done + i;
      bindVars[`c${i}`] = BigInt(n % 5000);
      bindVars[`s${i}`] = `SKU-${n % 997}`;
      bindVars[`p${i}`] = `${n % 1000}.${String(n % 100).padStart(2, '0')}`;
      bindVars[`n${i}`] = n % 10 === 0 ? null : `note ${n}`;
    }
    session.execute(insert, bindVars);
  }
  console.error(`persistent-state bench: ${rows} rows inserted in ${((performance.now() - filled) / 1000).toFixed(1)} s`);

  const saveStart = performance.now();
  await savePersistentState(source, dir);
  const saveMs = performance.now() - saveStart;
  const size = (await stat(join(dir, 'mysqld-zone1-0000000100.1.jsonl'))).size;
  await source.close();
  return { saveMs, size };
}

async function main() {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < ROWS_PER_INSERT) throw new Error(`--rows takes a whole number of at least ${ROWS_PER_INSERT}`);
  const dir = await mkdtemp(join(tmpdir(), 'vtsim-persist-bench-'));
  const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  try {
    // The source cluster lives in this function only, so its rows can be collected before the load.
    const { saveMs, size } = await fillAndSave(rows, dir);

    const target = await Cluster.start({ seed: 'persist-bench-load' });
    const loadStart = performance.now();
    if (!(await loadPersistentState(target, dir))) throw new Error('nothing was loaded');
    const loadMs = performance.now() - loadStart;
    const count = target.tablet(100)?.mysqld.createSession({ database: 'vt_ks' }).execute('select count(*) from corder').rows[0]?.[0];
    if (count !== BigInt(rows)) throw new Error(`loaded ${count} rows, expected ${rows}`);
    await target.close();

    const rss = process.memoryUsage().rss;
    console.log(`save of ${rows} rows: ${(saveMs / 1000).toFixed(2)} s (${mb(size)} datadir file, ${Math.round(rows / (saveMs / 1000))} rows/s)`);
    console.log(`load of ${rows} rows: ${(loadMs / 1000).toFixed(2)} s (${Math.round(rows / (loadMs / 1000))} rows/s)`);
    console.log(`process RSS at the end: ${mb(rss)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
