/**
 * `pnpm bench`: vtsim's benchmarks, run against the build in each package's dist/. Prints progress
 * on stderr, then on stdout a table (what, figure, target, met?) and one JSON line per figure.
 *
 *   node test/bench/run.mjs [--only cluster|components] [--seconds N] [--warmup N]
 *                           [--connections N] [--processes N] [--profile DIR] [--strict]
 *
 * --seconds / --warmup: measured window and warm-up of each benchmark (default 3 and 1);
 * --connections / --processes: client load of the protocol benchmarks (default 16 in 1 process);
 * --profile DIR: the cluster processes write CPU profiles (node --cpu-prof) into DIR;
 * --strict: exit 1 when a target is missed (otherwise only a failure to run exits non-zero).
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchCli } from './cli-bench.mjs';
import { benchCluster } from './cluster-bench.mjs';
import { runComponent } from './component-process.mjs';
import { formatTable, jsonLine, met } from './report.mjs';

const log = (line) => console.error(`bench: ${line}`);

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
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
  if (values.only !== undefined && values.only !== 'cluster' && values.only !== 'components') {
    throw new Error(`--only takes 'cluster' or 'components', not '${values.only}'`);
  }
  const time = { warmupMs: numberFlag('warmup', 0) * 1000, durationMs: numberFlag('seconds', 0.1) * 1000 };
  const load = { connections: numberFlag('connections', 1, true), processes: numberFlag('processes', 1, true) };
  const nodeArgs = values.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(values.profile)] : [];

  const started = performance.now();
  const loadAtStart = loadavg()[0];
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), node ${process.version}, ` +
    `1-minute load average ${loadAtStart.toFixed(2)} before the run`;
  log(machine);

  const figures = [];
  if (values.only !== 'components') {
    figures.push(...(await benchCluster({ id: 'cluster', targets: true, replicaCount: 2, rdonlyCount: 1, nodeArgs, ...time, ...load }, log)));
    figures.push(...(await benchCluster({ id: 'cluster_primaries_only', targets: false, replicaCount: 1, rdonlyCount: 0, nodeArgs, ...time, ...load }, log)));
    figures.push(...(await benchCli(log)));
  }
  if (values.only !== 'cluster') {
    log('components: simulated mysqld');
    figures.push(...(await runComponent('mysqld', time)));
    log('components: vtgate executor');
    figures.push(...(await runComponent('executor', time)));
    log('components: MySQL protocol server with a trivial handler');
    figures.push(...(await runComponent('mysql-server', { ...time, ...load })));
    log('components: Reshard (copy, SwitchTraffic under writes) and VStream cut-over pauses');
    figures.push(...(await runComponent('reshard', {})));
    log('components: VStream throughput by column type (copy and streaming phases)');
    figures.push(...(await runComponent('vstream-types', {})));
    log('components: memory soak (1,000,000 write transactions, a VStream attached)');
    figures.push(...(await runComponent('memory-soak', {})));
    log('components: heap per 1,000,000 rows held');
    figures.push(...(await runComponent('memory-rows', {})));
    log('components: failover (VTOrc replacing a killed primary, 10 runs)');
    figures.push(...(await runComponent('failover', {})));
  }

  const missed = figures.filter((f) => met(f) === false);
  console.log(`\nvtsim benchmarks: ${machine}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
  if (loadAtStart > 1) console.log('The machine was busy before the run: other processes took CPU from it, so the figures are low.');
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
