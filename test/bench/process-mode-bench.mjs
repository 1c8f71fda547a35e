/**
 * Process mode next to memory (issue 14's benchmark, `--only processes`): the bench cluster with
 * every component its own process on etcd (process-cluster.mjs) against the same cluster in one
 * `vtsim up` process (cluster-process.mjs), with the same schema, tablets, clients and workloads
 * (cluster-bench.mjs's), each pair measured under the same load (machine-load.mjs's measurePair);
 * then the whole local example's start-up in each mode (local-example.mjs).
 */
import { describeCpu, KEY_COUNT, loadCustomers, multiInsertParams, runWorkload } from './cluster-bench.mjs';
import { startClusterProcess } from './cluster-process.mjs';
import { describeCpuByPart, describeLoad } from './load.mjs';
import { timeExampleStart } from './local-example.mjs';
import { describeLoadSample, measurePair } from './machine-load.mjs';
import { processCpuMicros } from './process-cpu.mjs';
import { startProcessCluster } from './process-cluster.mjs';
import { ratioFigure } from './report.mjs';

/** The names of the two sides in load descriptions. */
const NAMES = { vtsimName: 'process mode', referenceName: 'in memory' };

/** Issue 14's target: 1000-row inserts in process mode at least this many times the in-memory rate. */
const MULTI_INSERT_TARGET = 1.5;

/**
 * How to run the process-mode benchmarks.
 * @typedef {object} ProcessBenchOptions
 * @property {number} warmupMs
 * @property {number} durationMs
 * @property {number} connections
 * @property {number} processes client processes per load run
 * @property {number} replicaCount tablets per shard that replicate (the first is the primary)
 * @property {number} rdonlyCount
 * @property {number} [keyCount] rows the point selects read (default cluster-bench's KEY_COUNT)
 * @property {string[]} [nodeArgs] Node flags for every vtsim process of both clusters (e.g. `--cpu-prof`)
 * @property {boolean} [exampleProcessesOnly] time the local example's start-up in process mode only (no
 *   in-memory figure nor ratio): `--quick`, where the smoke test needs the code run, not the comparison
 */

/**
 * Measures, each as a pair (process mode, then memory; rerun once when their loads differed):
 * time to serve, point selects, 1000-row inserts; then the local example's start-up in memory and
 * in process mode. Figures `processes.*` and `in_memory.*`, and their ratios (process mode ÷ memory).
 * Stops both clusters, also when a measurement fails.
 * @param {ProcessBenchOptions} opts
 * @param {(line: string) => void} log
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchProcessMode(opts, log) {
  const keyCount = opts.keyCount ?? KEY_COUNT;
  const tabletCount = opts.replicaCount + opts.rdonlyCount;
  const tablets = `${opts.replicaCount} replica + ${opts.rdonlyCount} rdonly tablet${tabletCount === 1 ? '' : 's'} per shard (${3 * tabletCount} tablets)`;
  log(`processes: etcd, vtctld, a vttablet process per tablet and vtgate, next to vtsim up (commerce unsharded, customer 2 shards; ${tablets})`);
  const clusterOpts = { replicaCount: opts.replicaCount, rdonlyCount: opts.rdonlyCount, nodeArgs: opts.nodeArgs };
  /** @type {import('./process-cluster.mjs').ProcessCluster | undefined} */
  let procs;
  /** @type {import('./cluster-process.mjs').ClusterProcess | undefined} */
  let memory;
  /** @type {import('./report.mjs').Figure[]} */
  const figures = [];
  /**
   * Adds the process-mode figure, the in-memory one and their ratio (with its target, if any).
   * @param {import('./report.mjs').Figure} procsFigure
   * @param {import('./report.mjs').Figure} memoryFigure
   * @param {import('./machine-load.mjs').Pair<unknown>} pair
   * @param {string} name the ratio's name: `ratio.<name>_processes_vs_memory`
   * @param {{ op: '>=' | '<=', value: number }} [target]
   */
  const add = (procsFigure, memoryFigure, pair, name, target) => {
    const withLoad = (f, sample) => ({ ...f, detail: `${f.detail}; ${describeLoadSample(sample)}` });
    figures.push(withLoad(procsFigure, pair.vtsimLoad), withLoad(memoryFigure, pair.referenceLoad));
    figures.push(ratioFigure({
      id: `ratio.${name}_processes_vs_memory`,
      what: `${procsFigure.what.replace(/, process mode$/, '')}: process mode ÷ in memory${procsFigure.unit === 'ms' ? ' (lower is better)' : ''}`,
      vtsim: procsFigure,
      reference: memoryFigure,
      target,
      pair,
      ...NAMES,
    }));
  };
  try {
    const startPair = await measurePair(async () => {
      procs = await startProcessCluster(clusterOpts);
    }, async () => {
      memory = await startClusterProcess(clusterOpts);
    }, {
      ...NAMES,
      discard: async () => {
        await Promise.all([procs?.stop(), memory?.stop()]);
        procs = memory = undefined;
      },
    });
    const p = /** @type {import('./process-cluster.mjs').ProcessCluster} */ (procs);
    const m = /** @type {import('./cluster-process.mjs').ClusterProcess} */ (memory);
    add({
      id: 'processes.time_to_serve',
      what: 'spawn to first query, process mode',
      value: p.startupMs,
      unit: 'ms',
      detail: `etcd spawned to the first 'select count(*) from customer' through the vtgate process: etcd, vtctld, ${tablets} ` +
        `(each primary first, then the others), the schema applied with vtctldclient, vtgate; ${p.processes.length} processes; ${describeCpu(p.startupCpuMs)}, all processes`,
    }, {
      id: 'in_memory.time_to_serve',
      what: 'spawn to first query, in memory',
      value: m.startupMs,
      unit: 'ms',
      detail: `vtsim up spawned to the same query; ${tablets}; ${describeCpu(m.startupCpuMs)}`,
    }, startPair, 'time_to_serve');

    const procsServer = { port: p.mysqlPort, cpuMicros: p.cpuMicros, cpuMicrosByPart: p.cpuMicrosByRole };
    const memoryServer = { port: m.mysqlPort, cpuMicros: () => processCpuMicros(m.pid) };
    /** The workload on process mode then memory, as a pair; `params(attempt)` gives each attempt its parameters. */
    const measure = (workload, params) =>
      measurePair((a) => runWorkload(procsServer, workload, params(a), opts), (a) => runWorkload(memoryServer, workload, params(a), opts), NAMES);
    const procsDetail = (r, per) => `${describeLoad(r)}; ${describeCpuByPart(r, per)}`;

    log(`processes: loading ${keyCount} customers into both clusters, then point selects`);
    await loadCustomers(p.mysqlPort, keyCount);
    await loadCustomers(m.mysqlPort, keyCount);
    const selects = await measure('point-select', () => ({ keyCount }));
    add({
      id: 'processes.point_selects',
      what: 'point selects (sharded), process mode',
      value: selects.vtsim.ops / selects.vtsim.seconds,
      unit: 'queries/s',
      detail: `hash vindex on the PK, ${keyCount} rows; ${procsDetail(selects.vtsim, 'op')}`,
    }, {
      id: 'in_memory.point_selects',
      what: 'point selects (sharded), in memory',
      value: selects.reference.ops / selects.reference.seconds,
      unit: 'queries/s',
      detail: `the same in vtsim up; ${describeLoad(selects.reference)}`,
    }, selects, 'point_selects');

    log('processes: 1000-row inserts');
    const multi = await measure('multi-insert', multiInsertParams);
    add({
      id: 'processes.multi_row_insert_rows',
      what: '1000-row inserts (sharded), process mode',
      value: multi.vtsim.rows / multi.vtsim.seconds,
      unit: 'rows/s',
      detail: `each primary streams its binlog to its replicas over gRPC, which apply it row by row; ${procsDetail(multi.vtsim, 'row')}`,
    }, {
      id: 'in_memory.multi_row_insert_rows',
      what: '1000-row inserts (sharded), in memory',
      value: multi.reference.rows / multi.reference.seconds,
      unit: 'rows/s',
      detail: `the same in vtsim up (replicas take their primary's table versions over); ${describeLoad(multi.reference)}`,
    }, multi, 'multi_row_insert_rows', { op: '>=', value: MULTI_INSERT_TARGET });
  } finally {
    await Promise.all([procs?.stop(), memory?.stop()]);
  }

  log(`processes: the local example, 101_initial_cluster.sh to a select through vtgate, with TOPO=etcd2 VTSIM_PROCESSES=1${opts.exampleProcessesOnly ? '' : ' and in memory'}`);
  const script = '101_initial_cluster.sh (etcd or the cluster process, vtctld, commerce keyspace, tablets 100-102, VTOrc, schema, VSchema, vtgate) from spawn to the first select count(*) from product through vtgate';
  /** The process-mode figure of the example's start-up. */
  const procsExample = (/** @type {Awaited<ReturnType<typeof timeExampleStart>>} */ r) => ({
    id: 'processes.local_example_start',
    what: 'local example 101 to first select, process mode',
    value: r.ms,
    unit: 'ms',
    detail: `${script}, TOPO=etcd2 VTSIM_PROCESSES=1: ${r.processes} processes left running; ${describeCpu(r.cpuMs)}, the script's commands and every process`,
  });
  if (opts.exampleProcessesOnly) {
    const procsRun = await timeExampleStart({ processes: true });
    const f = procsExample(procsRun);
    figures.push({ ...f, detail: `${f.detail}; not timed in memory (--quick)` });
    return figures;
  }
  const example = await measurePair(() => timeExampleStart({ processes: true }), () => timeExampleStart({ processes: false }), NAMES);
  add(procsExample(example.vtsim), {
    id: 'in_memory.local_example_start',
    what: 'local example 101 to first select, in memory',
    value: example.reference.ms,
    unit: 'ms',
    detail: `the same in memory (one cluster process); ${describeCpu(example.reference.cpuMs)}, the script's commands and the cluster process`,
  }, example, 'local_example_start');
  return figures;
}
