/**
 * `pnpm bench`: vtsim's benchmarks, run against the build in each package's dist/. Prints progress
 * on stderr, then on stdout a table (what, figure, target, met?) and one JSON line per figure.
 *
 *   node test/bench/run.mjs [--only cluster|components|references|processes|web] [--quick] [--seconds N] [--warmup N]
 *                           [--connections N] [--processes N] [--profile DIR] [--strict]
 *
 * --only references: only the figures measured next to a reference (the cluster pass with the
 * default tablets next to MariaDB, VStream next to a bare gRPC server) and their ratios;
 * --only processes: only process mode next to memory (issue 14): the bench cluster with every
 * component its own process on etcd against `vtsim up` (time to serve, point selects, 1000-row
 * inserts, and their ratios), and the local example's start-up in each mode (skipped with a note
 * when /usr/bin/etcd is missing);
 * --only web: only the live view's cost, the 1,000,000-row Reshard copy rate with the view open in
 * Chromium next to the rate without it (skipped with a note when /usr/bin/chromium is missing);
 * --quick: small data (1000 keys for the point selects, 2000 rows per VStream table, 10,000 rows
 * instead of 1,000,000 held by the large tablet, one stream per figure; process mode with one
 * tablet per shard, the local example's start-up timed in process mode only), for the smoke test
 * (test/e2e/bench-smoke.test.ts): it checks the code runs, not speed;
 * --seconds / --warmup: measured window and warm-up of each benchmark (default 3 and 1);
 * --connections / --processes: client load of the protocol benchmarks (default 16 in 1 process);
 * --profile DIR: the cluster processes (in process mode, every vtsim process) write CPU profiles (node --cpu-prof) into DIR;
 * --strict: exit 1 when a target is missed (otherwise only a failure to run exits non-zero).
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { benchCli } from './cli-bench.mjs';
import { benchCluster } from './cluster-bench.mjs';
import { runComponent } from './component-process.mjs';
import { BENCH_ROOT_ENV, describeLoadSample, startLoadMeter } from './machine-load.mjs';
import { findMariadbd } from './mariadb-reference.mjs';
import { processClusterSkip } from './process-cluster.mjs';
import { formatTable, jsonLine, met } from './report.mjs';

const log = (line) => console.error(`bench: ${line}`);

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      seconds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      connections: { type: 'string', default: '16' },
      processes: { type: 'string', default: '1' },
      profile: { type: 'string' },
      strict: { type: 'boolean', default: false },
    },
  });
  const numberFlag = (flag, min, whole = false) => {
    const n = Number(values[flag]);
    if (!Number.isFinite(n) || n < min || (whole && !Number.isInteger(n))) throw new Error(`invalid --${flag}: '${values[flag]}'`);
    return n;
  };
  const only = values.only;
  if (only !== undefined && !['cluster', 'components', 'references', 'processes', 'web'].includes(only)) {
    throw new Error(`--only takes 'cluster', 'components', 'references', 'processes' or 'web', not '${only}'`);
  }
  const quick = values.quick;
  const time = { warmupMs: numberFlag('warmup', 0) * 1000, durationMs: numberFlag('seconds', 0.1) * 1000 };
  const load = { connections: numberFlag('connections', 1, true), processes: numberFlag('processes', 1, true) };
  const nodeArgs = values.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(values.profile)] : [];

  const started = performance.now();
  process.env[BENCH_ROOT_ENV] = String(process.pid);
  const stopMeter = startLoadMeter();
  await delay(1000);
  const before = stopMeter();
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), node ${process.version}; ` +
    `before the run: ${describeLoadSample(before)} (over 1 s)`;
  log(machine);
  const mariadbd = only === 'components' || only === 'web' || only === 'processes' ? undefined : findMariadbd();
  const mariadbSkip = only === 'components' || only === 'web' || only === 'processes' || mariadbd ? undefined
    : 'MariaDB reference skipped: mariadbd is not installed (apt-get install mariadb-server), so no ratios to MariaDB.';
  if (mariadbSkip) log(mariadbSkip);

  const figures = [];
  // Loaded only for --only web: it imports the whole cluster.
  const web = only === 'web' ? await import('./web-view-bench.mjs') : undefined;
  const webSkip = web?.webViewSkip();
  if (webSkip) log(webSkip);
  else if (web) {
    log('web: the Reshard copy rate without a browser, then with the live view open in Chromium');
    const [without] = await runComponent('web-view', { withView: false });
    const [withView] = await runComponent('web-view', { withView: true });
    figures.push(without, withView, web.webViewRatio(without, withView));
  }
  const keyCount = quick ? 1000 : undefined;
  if (only !== 'components' && only !== 'web' && only !== 'processes') {
    figures.push(...(await benchCluster({ id: 'cluster', targets: true, replicaCount: 2, rdonlyCount: 1, nodeArgs, keyCount, packaged: !quick, mariadbd, ...time, ...load }, log)));
  }
  if (only === undefined || only === 'cluster') {
    figures.push(...(await benchCluster({ id: 'cluster_primaries_only', targets: false, replicaCount: 1, rdonlyCount: 0, nodeArgs, ...time, ...load }, log)));
    figures.push(...(await benchCli(log)));
  }
  const processesSkip = only === undefined || only === 'processes' ? processClusterSkip() : undefined;
  if (processesSkip) log(processesSkip);
  else if (only === undefined || only === 'processes') {
    const { benchProcessMode } = await import('./process-mode-bench.mjs');
    const tablets = quick ? { replicaCount: 1, rdonlyCount: 0 } : { replicaCount: 2, rdonlyCount: 1 };
    figures.push(...(await benchProcessMode({ ...tablets, keyCount, nodeArgs, exampleProcessesOnly: quick, ...time, ...load }, log)));
  }
  if (only === 'references') {
    log('components: VStream throughput by column type, next to a bare gRPC server replaying the same responses');
    figures.push(...(await runComponent('vstream-types', { quick })));
  }
  if (only === undefined || only === 'components') {
    log('components: simulated mysqld');
    figures.push(...(await runComponent('mysqld', time)));
    log('components: vtgate executor');
    figures.push(...(await runComponent('executor', time)));
    log('components: vtgate planner across shards (a join not pushed down, count(distinct))');
    figures.push(...(await runComponent('planner', time)));
    log('components: MySQL protocol server with a trivial handler');
    figures.push(...(await runComponent('mysql-server', { ...time, ...load })));
    log('components: Reshard (copy, SwitchTraffic under writes) and VStream cut-over pauses');
    figures.push(...(await runComponent('reshard', {})));
    log('components: VStream throughput by column type (copy and streaming phases)');
    figures.push(...(await runComponent('vstream-types', { quick })));
    log('components: memory soak (1,000,000 write transactions, a VStream attached)');
    figures.push(...(await runComponent('memory-soak', {})));
    log('components: heap per 1,000,000 rows held');
    figures.push(...(await runComponent('memory-rows', {})));
    log('components: failover (VTOrc replacing a killed primary, 10 runs)');
    figures.push(...(await runComponent('failover', {})));
  }

  const missed = figures.filter((f) => met(f) === false);
  console.log(`\nvtsim benchmarks: ${machine}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
  if ((before.otherCores ?? 0) > 0.5 || before.loadavg1 > cpus().length) {
    console.log('The machine was busy before the run: other processes took CPU from it, so the figures are low.');
  }
  if (mariadbSkip) console.log(mariadbSkip);
  if (webSkip) console.log(webSkip);
  if (processesSkip) console.log(processesSkip);
  console.log(`\n${formatTable(figures)}\n`);
  console.log(missed.length === 0 ? 'Every target met.\n' : `Targets MISSED: ${missed.map((f) => f.what).join('; ')}\n`);
  for (const f of figures) console.log(jsonLine(f));
  return values.strict && missed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`bench: ERROR: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
