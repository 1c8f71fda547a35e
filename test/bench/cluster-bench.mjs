/**
 * Whole-stack figures: mysql2 clients in forked processes against a cluster started with the real
 * `vtsim up` command, through vtgate's MySQL protocol to the tablets and back.
 */
import mysql from 'mysql2/promise';
import { startClusterProcess } from './cluster-process.mjs';
import { benchCreateDatabase } from './create-database-bench.mjs';
import { describeLoad, runLoad } from './load.mjs';
import { describeLoadSample, measurePair } from './machine-load.mjs';
import { packagedVtsim } from './packaged-vtsim.mjs';
import { startMariadbReference } from './mariadb-reference.mjs';
import { timeNodeFloor } from './node-floor.mjs';
import { processCpuMicros, waitForIdle } from './process-cpu.mjs';
import { ratioFigure } from './report.mjs';

/** Where a rerun's inserts start above the first run's: past every connection's id range (workloads.mjs). */
const RERUN_ID_OFFSET = 100_000_000_000;

/** The 1000-row insert workload's parameters for attempt 1 or 2 of a pair (a rerun writes fresh ids). */
export const multiInsertParams = (/** @type {number} */ attempt) => ({ idBase: 1 + (attempt - 1) * RERUN_ID_OFFSET, batchRows: 1000 });

/** Starts of the packaged `vtsim up` whose median is its time to serve. */
const PACKAGED_STARTS = 3;

/** Rows the point selects read by default (ids 1..keyCount, loaded before they run). */
export const KEY_COUNT = 100_000;

/**
 * A server the workloads run against.
 * @typedef {object} LoadTarget
 * @property {number} port its MySQL port on 127.0.0.1
 * @property {() => number | undefined} cpuMicros its CPU time in µs (processCpuMicros of its pid, or a sum over its processes)
 * @property {() => Record<string, number>} [cpuMicrosByPart] its CPU time by process, for a server of several
 */

/**
 * Runs a workload (workloads.mjs) against a server with the bench's client load: waits for the
 * server to go idle, then drives it on the `customer` database.
 * @param {LoadTarget} server
 * @param {string} workload
 * @param {import('./workloads.mjs').WorkloadParams} params
 * @param {{ connections: number, processes: number, warmupMs: number, durationMs: number }} opts
 */
export async function runWorkload(server, workload, params, opts) {
  const idle = await waitForIdle(server.cpuMicros);
  const result = await runLoad({
    port: server.port,
    database: 'customer',
    workload,
    params,
    connections: opts.connections,
    processes: opts.processes,
    warmupMs: opts.warmupMs,
    durationMs: opts.durationMs,
    serverCpuMicros: server.cpuMicros,
    serverCpuMicrosByPart: server.cpuMicrosByPart,
  });
  return { ...result, idle };
}

/**
 * How to run the cluster benchmarks.
 * @typedef {object} ClusterBenchOptions
 * @property {string} id prefix of the figures' ids, e.g. `cluster`
 * @property {boolean} targets whether the figures carry the project's targets
 * @property {number} warmupMs
 * @property {number} durationMs
 * @property {number} replicaCount tablets per shard that replicate (the first is the primary)
 * @property {number} rdonlyCount
 * @property {number} processes client processes per load run
 * @property {number} connections connections per load run
 * @property {string[]} [nodeArgs] Node flags for the cluster process (e.g. `--cpu-prof`)
 * @property {number} [keyCount] rows the point selects read (default KEY_COUNT)
 * @property {boolean} [packaged] also time the installable package's `vtsim up` (packaged-vtsim.mjs) to
 *   its first query: `<id>.time_to_serve_package`, the median of PACKAGED_STARTS starts
 * @property {string} [mariadbd] with this mariadbd binary, every figure is also measured on a
 *   MariaDB reference (mariadb-reference.mjs) in pairs under the same load, and their ratios added
 */

/**
 * Starts the cluster and measures, in this order: time to serve, CREATE DATABASE to first insert,
 * sharded point selects (over keyCount rows loaded first), single-row inserts, 1000-row inserts
 * (last, as it leaves the largest heap behind). Before each run it waits for the server to go
 * idle. With `mariadbd`, each figure but CREATE DATABASE is measured on vtsim then on MariaDB (a
 * pair, rerun once when the two ran under different loads) and followed by MariaDB's figure and
 * the ratio. Stops the cluster and MariaDB, also when a measurement fails.
 * @param {ClusterBenchOptions} opts
 * @param {(line: string) => void} log progress lines
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchCluster(opts, log) {
  const tablets = `${opts.replicaCount} replica + ${opts.rdonlyCount} rdonly tablet${opts.replicaCount + opts.rdonlyCount === 1 ? '' : 's'} per shard`;
  const label = opts.replicaCount === 1 && opts.rdonlyCount === 0 ? ' [primaries only]' : '';
  const target = (t) => (opts.targets ? t : undefined);
  const keyCount = opts.keyCount ?? KEY_COUNT;
  const mariadbd = opts.mariadbd;
  log(`cluster: vtsim up (commerce unsharded, customer 2 shards; ${tablets})${mariadbd ? ', and the MariaDB reference' : ''}`);
  const startCluster = () => startClusterProcess({ replicaCount: opts.replicaCount, rdonlyCount: opts.rdonlyCount, nodeArgs: opts.nodeArgs });
  /** @type {import('./cluster-process.mjs').ClusterProcess | undefined} */
  let cluster;
  /** @type {import('./mariadb-reference.mjs').MariadbReference | undefined} */
  let maria;
  /** @type {import('./report.mjs').Figure[]} */
  const figures = [];
  /**
   * Adds vtsim's figure, then (with the reference) MariaDB's figure and the ratio, from a pair
   * measured under the same load (or marked not comparable).
   * @param {import('./report.mjs').Figure} vtsimFigure
   * @param {import('./machine-load.mjs').Pair<unknown> | undefined} pair
   * @param {(r: import('./report.mjs').Figure) => import('./report.mjs').Figure} referenceFigure
   * @param {{ name: string, op: '>=' | '<=', value: number }} [ratio]
   */
  const add = (vtsimFigure, pair, referenceFigure, ratio) => {
    if (!pair) {
      figures.push(vtsimFigure);
      return;
    }
    const withLoad = (f, sample) => ({ ...f, detail: `${f.detail}; ${describeLoadSample(sample)}` });
    const vtsimSide = withLoad(vtsimFigure, pair.vtsimLoad);
    const reference = withLoad(referenceFigure(vtsimFigure), pair.referenceLoad);
    figures.push(vtsimSide, reference);
    if (ratio) {
      figures.push(ratioFigure({
        id: `ratio.${ratio.name}_vs_mariadb`,
        what: `${vtsimFigure.what.replace(/ \(sharded\)$/, '')}: vtsim ÷ MariaDB${ratio.op === '<=' ? ' (lower is better)' : ''}`,
        vtsim: vtsimFigure,
        reference,
        target: { op: ratio.op, value: ratio.value },
        pair,
        referenceName: 'MariaDB',
      }));
    }
  };
  try {
    if (opts.packaged) figures.push(await timePackagedStart(opts, tablets, label, log));
    /** @type {import('./machine-load.mjs').Pair<any> | undefined} */
    let startPair;
    if (mariadbd) {
      startPair = await measurePair(async () => {
        cluster = await startCluster();
      }, async () => {
        maria = await startMariadbReference(mariadbd);
      }, {
        referenceName: 'MariaDB',
        discard: async () => {
          await Promise.all([cluster?.stop(), maria?.stop()]);
          cluster = maria = undefined;
        },
      });
    } else {
      cluster = await startCluster();
    }
    const vtsim = /** @type {import('./cluster-process.mjs').ClusterProcess} */ (cluster);
    add({
      id: `${opts.id}.time_to_serve`,
      what: `vtsim up: spawn to first query${label}`,
      value: vtsim.startupMs,
      unit: 'ms',
      target: target({ op: '<', value: 1000 }),
      detail: `the repository's build (packages/cli/dist, unbundled ES modules); ${tablets} (${3 * (opts.replicaCount + opts.rdonlyCount)} tablets); ` +
        `first successful 'select count(*) from customer' through vtgate; ${describeCpu(vtsim.startupCpuMs)}`,
    }, startPair, () => ({
      id: 'mariadb.time_to_serve',
      what: 'MariaDB: spawn to first query',
      value: /** @type {import('./mariadb-reference.mjs').MariadbReference} */ (maria).startupMs,
      unit: 'ms',
      detail: `${maria?.where}; the schema created (create database, create table) on the first connection, then 'select count(*) from customer'; ${describeCpu(maria?.startupCpuMs)}`,
    }), { name: 'time_to_serve', op: '<=', value: 0.5 });
    if (maria) figures.push(await nodeFloorFigure(maria.startupMs));

    const load = (/** @type {LoadTarget} */ server, workload, params) => runWorkload(server, workload, params, opts);
    const vtsimServer = { port: vtsim.mysqlPort, cpuMicros: () => processCpuMicros(vtsim.pid) };
    /**
     * The workload on vtsim, and with the reference on MariaDB too (a pair); `params(attempt)`
     * gives each attempt its parameters (inserts write fresh ids).
     */
    const measure = async (workload, params) => {
      if (!maria) return { vtsim: await load(vtsimServer, workload, params(1)), pair: undefined, reference: undefined };
      const mariaPid = maria.pid;
      const reference = { port: maria.port, cpuMicros: () => processCpuMicros(mariaPid) };
      const pair = await measurePair((a) => load(vtsimServer, workload, params(a)), (a) => load(reference, workload, params(a)), { referenceName: 'MariaDB' });
      return { vtsim: pair.vtsim, pair, reference: pair.reference };
    };
    const referenceDetail = (r) => `${maria?.where}; ${describeLoad(r)}`;

    log('cluster: CREATE DATABASE to first insert');
    figures.push(await benchCreateDatabase({ id: opts.id, port: vtsim.mysqlPort, label, target: target({ op: '<', value: 50 }) }));

    log(`cluster: loading ${keyCount} customers${maria ? ' (on both servers)' : ''}, then point selects`);
    await loadCustomers(vtsim.mysqlPort, keyCount);
    if (maria) await loadCustomers(maria.port, keyCount);
    const selects = await measure('point-select', () => ({ keyCount }));
    add({
      id: `${opts.id}.point_selects`,
      what: `point selects (sharded)${label}`,
      value: selects.vtsim.ops / selects.vtsim.seconds,
      unit: 'queries/s',
      target: target({ op: '>=', value: 20_000 }),
      detail: `hash vindex on the PK, ${keyCount} rows; ${describeLoad(selects.vtsim)}`,
    }, selects.pair, (f) => ({
      id: 'mariadb.point_selects',
      what: 'point selects, MariaDB',
      value: selects.reference.ops / selects.reference.seconds,
      unit: f.unit,
      detail: `InnoDB primary key, ${keyCount} rows; ${referenceDetail(selects.reference)}`,
    }), { name: 'point_selects', op: '>=', value: 1 });

    log('cluster: single-row autocommit inserts');
    const single = await measure('insert', (attempt) => ({ idBase: 1_000_000_000 + (attempt - 1) * RERUN_ID_OFFSET }));
    add({
      id: `${opts.id}.single_row_inserts`,
      what: `single-row autocommit inserts (sharded)${label}`,
      value: single.vtsim.ops / single.vtsim.seconds,
      unit: 'inserts/s',
      detail: describeLoad(single.vtsim),
    }, single.pair, (f) => ({
      id: 'mariadb.single_row_inserts',
      what: 'single-row autocommit inserts, MariaDB',
      value: single.reference.ops / single.reference.seconds,
      unit: f.unit,
      detail: referenceDetail(single.reference),
    }), { name: 'single_row_inserts', op: '>=', value: 0.8 });

    log('cluster: 1000-row inserts');
    const multi = await measure('multi-insert', multiInsertParams);
    add({
      id: `${opts.id}.multi_row_insert_rows`,
      what: `1000-row inserts (sharded)${label}`,
      value: multi.vtsim.rows / multi.vtsim.seconds,
      unit: 'rows/s',
      target: target({ op: '>=', value: 200_000 }),
      detail: describeLoad(multi.vtsim),
    }, multi.pair, (f) => ({
      id: 'mariadb.multi_row_insert_rows',
      what: '1000-row inserts, MariaDB',
      value: multi.reference.rows / multi.reference.seconds,
      unit: f.unit,
      detail: referenceDetail(multi.reference),
    }), { name: 'multi_row_insert_rows', op: '>=', value: 1 });
  } finally {
    await Promise.all([cluster?.stop(), maria?.stop()]);
  }
  return figures;
}

/** Inserts customers 1..keyCount in 1000-row statements on one connection. */
export async function loadCustomers(port, keyCount) {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'bench', database: 'customer' });
  try {
    for (let first = 1; first <= keyCount; first += 1000) {
      const tuples = [];
      for (let id = first; id < first + 1000 && id <= keyCount; id++) tuples.push(`(${id}, 'user${id}@example.com')`);
      await conn.query(`insert into customer(customer_id, email) values ${tuples.join(', ')}`);
    }
  } finally {
    await conn.end();
  }
}

/** The server's CPU time when it first served, as a detail. */
export function describeCpu(cpuMs) {
  return cpuMs === undefined ? 'server CPU unknown (no /proc)' : `server CPU ${Math.round(cpuMs)} ms by then`;
}

/**
 * `node.time_to_serve_floor`: an empty Node server's spawn to first answer (node-floor.mjs), with
 * its ratio to MariaDB's time to serve in the detail: the lowest `ratio.time_to_serve_vs_mariadb`
 * any Node program could reach on this machine.
 * @param {number} mariadbMs MariaDB's time to serve, measured in the same run
 * @returns {Promise<import('./report.mjs').Figure>}
 */
async function nodeFloorFigure(mariadbMs) {
  const floor = await timeNodeFloor();
  return {
    id: 'node.time_to_serve_floor',
    what: 'an empty Node server: spawn to first answer',
    value: floor.medianMs,
    unit: 'ms',
    detail: `node -e with only a TCP listener greeting each client; median of ${floor.startsMs.length} starts ` +
      `(${floor.startsMs.map((ms) => Math.round(ms)).join(', ')} ms); ${(floor.medianMs / mariadbMs).toFixed(2)}× MariaDB's time to serve: ` +
      'no Node program serves sooner here',
  };
}

/**
 * `<id>.time_to_serve_package`: the installable package's `vtsim up` (one esbuild bundle), started
 * PACKAGED_STARTS times (each stopped before the next): the median start, with its CPU time.
 * @param {ClusterBenchOptions} opts
 * @param {string} tablets
 * @param {string} label
 * @param {(line: string) => void} log
 * @returns {Promise<import('./report.mjs').Figure>}
 */
async function timePackagedStart(opts, tablets, label, log) {
  log('cluster: packing vtsim (npm run package) to time its vtsim up');
  const { vtsim } = packagedVtsim();
  const starts = [];
  for (let i = 0; i < PACKAGED_STARTS; i++) {
    const cluster = await startClusterProcess({ replicaCount: opts.replicaCount, rdonlyCount: opts.rdonlyCount, nodeArgs: opts.nodeArgs, main: vtsim });
    await cluster.stop();
    starts.push(cluster);
  }
  starts.sort((a, b) => a.startupMs - b.startupMs);
  const median = starts[Math.floor(starts.length / 2)];
  return {
    id: `${opts.id}.time_to_serve_package`,
    what: `vtsim up from the package: spawn to first query${label}`,
    value: median.startupMs,
    unit: 'ms',
    detail: `the installable package (npm run package, unpacked: each executable one esbuild bundle); median of ${PACKAGED_STARTS} starts ` +
      `(${starts.map((c) => Math.round(c.startupMs)).join(', ')} ms); ${tablets}; ${describeCpu(median.startupCpuMs)}`,
  };
}
