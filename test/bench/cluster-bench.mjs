/**
 * Whole-stack figures: mysql2 clients in forked processes against a cluster started with the real
 * `vtsim up` command, through vtgate's MySQL protocol to the tablets and back.
 */
import mysql from 'mysql2/promise';
import { startClusterProcess } from './cluster-process.mjs';
import { benchCreateDatabase } from './create-database-bench.mjs';
import { describeLoad, runLoad } from './load.mjs';
import { processCpuMicros, waitForIdle } from './process-cpu.mjs';

/** Rows the point selects read (ids 1..KEY_COUNT, loaded before they run). */
const KEY_COUNT = 100_000;

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
 */

/**
 * Starts the cluster and measures, in this order: time to serve, CREATE DATABASE to first insert,
 * sharded point selects (over
 * KEY_COUNT rows loaded first), single-row inserts, 1000-row inserts (last, as it leaves the
 * largest heap behind). Before each run it waits for the server to go idle. Stops the cluster
 * with SIGTERM, also when a measurement fails.
 * @param {ClusterBenchOptions} opts
 * @param {(line: string) => void} log progress lines
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchCluster(opts, log) {
  const tablets = `${opts.replicaCount} replica + ${opts.rdonlyCount} rdonly tablet${opts.replicaCount + opts.rdonlyCount === 1 ? '' : 's'} per shard`;
  const label = opts.replicaCount === 1 && opts.rdonlyCount === 0 ? ' [primaries only]' : '';
  const target = (t) => (opts.targets ? t : undefined);
  log(`cluster: vtsim up (commerce unsharded, customer 2 shards; ${tablets})`);
  const cluster = await startClusterProcess({ replicaCount: opts.replicaCount, rdonlyCount: opts.rdonlyCount, nodeArgs: opts.nodeArgs });
  /** @type {import('./report.mjs').Figure[]} */
  const figures = [{
    id: `${opts.id}.time_to_serve`,
    what: `vtsim up: spawn to first query${label}`,
    value: cluster.startupMs,
    unit: 'ms',
    target: target({ op: '<', value: 1000 }),
    detail: `${tablets} (${3 * (opts.replicaCount + opts.rdonlyCount)} tablets); first successful 'select count(*) from customer' through vtgate`,
  }];
  try {
    const load = async (workload, params) => {
      const idle = await waitForIdle(cluster.pid);
      const result = await runLoad({
        port: cluster.mysqlPort,
        database: 'customer',
        workload,
        params,
        connections: opts.connections,
        processes: opts.processes,
        warmupMs: opts.warmupMs,
        durationMs: opts.durationMs,
        serverCpuMicros: () => processCpuMicros(cluster.pid),
      });
      return { ...result, idle };
    };

    log('cluster: CREATE DATABASE to first insert');
    figures.push(await benchCreateDatabase({ id: opts.id, port: cluster.mysqlPort, label, target: target({ op: '<', value: 50 }) }));

    log(`cluster: loading ${KEY_COUNT} customers, then point selects`);
    await loadCustomers(cluster.mysqlPort);
    const selects = await load('point-select', { keyCount: KEY_COUNT });
    figures.push({
      id: `${opts.id}.point_selects`,
      what: `point selects (sharded)${label}`,
      value: selects.ops / selects.seconds,
      unit: 'queries/s',
      target: target({ op: '>=', value: 20_000 }),
      detail: `hash vindex on the PK, ${KEY_COUNT} rows; ${describeLoad(selects)}`,
    });

    log('cluster: single-row autocommit inserts');
    const single = await load('insert', { idBase: 1_000_000_000 });
    figures.push({
      id: `${opts.id}.single_row_inserts`,
      what: `single-row autocommit inserts (sharded)${label}`,
      value: single.ops / single.seconds,
      unit: 'inserts/s',
      detail: describeLoad(single),
    });

    log('cluster: 1000-row inserts');
    const multi = await load('multi-insert', { idBase: 1, batchRows: 1000 });
    figures.push({
      id: `${opts.id}.multi_row_insert_rows`,
      what: `1000-row inserts (sharded)${label}`,
      value: multi.rows / multi.seconds,
      unit: 'rows/s',
      target: target({ op: '>=', value: 200_000 }),
      detail: describeLoad(multi),
    });
  } finally {
    await cluster.stop();
  }
  return figures;
}

/** Inserts customers 1..KEY_COUNT in 1000-row statements on one connection. */
async function loadCustomers(port) {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'bench', database: 'customer' });
  try {
    for (let first = 1; first <= KEY_COUNT; first += 1000) {
      const tuples = [];
      for (let id = first; id < first + 1000 && id <= KEY_COUNT; id++) tuples.push(`(${id}, 'user${id}@example.com')`);
      await conn.query(`insert into customer(customer_id, email) values ${tuples.join(', ')}`);
    }
  } finally {
    await conn.end();
  }
}
