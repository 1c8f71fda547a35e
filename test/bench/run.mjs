/**
 * `pnpm bench`: vtsim's benchmarks, run against the build in each package's dist/. Prints progress
 * on stderr, then on stdout a table (what, figure, target, met?) and one JSON line per figure.
 *
 *   node test/bench/run.mjs [--only cluster|components] [--seconds N] [--warmup N]
 *                           [--connections N] [--processes N] [--strict]
 *
 * --seconds / --warmup: measured window and warm-up of each benchmark (default 3 and 1);
 * --connections / --processes: client load of the protocol benchmarks (default 16 in 1 process);
 * --strict: exit 1 when a target is missed (otherwise only a failure to run exits non-zero).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { benchCluster } from './cluster-bench.mjs';
import { runComponent } from './component-process.mjs';
import { formatTable, jsonLine, met } from './report.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    seconds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '16' },
    processes: { type: 'string', default: '1' },
    strict: { type: 'boolean', default: false },
  },
});
if (values.only !== undefined && values.only !== 'cluster' && values.only !== 'components') {
  throw new Error(`--only takes 'cluster' or 'components', not '${values.only}'`);
}
const time = { warmupMs: Number(values.warmup) * 1000, durationMs: Number(values.seconds) * 1000 };
const load = { connections: Number(values.connections), processes: Number(values.processes) };
for (const [name, n] of Object.entries({ ...time, ...load })) {
  if (!Number.isFinite(n) || n < 0 || (name !== 'warmupMs' && n === 0)) throw new Error(`invalid --${name}: ${n}`);
}

const log = (line) => console.error(`bench: ${line}`);
const started = performance.now();
const loadAtStart = loadavg()[0];
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), node ${process.version}, ` +
  `load average ${loadAtStart.toFixed(2)} at the start`;
log(machine);

const figures = [];
if (values.only !== 'components') {
  figures.push(...(await benchCluster({ id: 'cluster', targets: true, replicaCount: 2, rdonlyCount: 1, ...time, ...load }, log)));
  figures.push(...(await benchCluster({ id: 'cluster_primaries_only', targets: false, replicaCount: 1, rdonlyCount: 0, ...time, ...load }, log)));
}
if (values.only !== 'cluster') {
  log('components: simulated mysqld');
  figures.push(...(await runComponent('mysqld', time)));
  log('components: vtgate executor');
  figures.push(...(await runComponent('executor', time)));
  log('components: MySQL protocol server with a trivial handler');
  figures.push(...(await runComponent('mysql-server', { ...time, ...load })));
}

const missed = figures.filter((f) => met(f) === false);
const loadAtEnd = loadavg()[0];
console.log(`\nvtsim benchmarks: ${machine}, ${loadAtEnd.toFixed(2)} at the end; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
if (loadAtStart > 0.5) {
  console.log(`The machine was busy before the run (1-minute load average ${loadAtStart.toFixed(2)}): other processes took CPU, so the figures are low.`);
}
console.log('');
console.log(formatTable(figures));
console.log(missed.length === 0 ? '\nEvery target met.\n' : `\nTargets MISSED: ${missed.map((f) => f.what).join('; ')}\n`);
for (const f of figures) console.log(jsonLine(f));
if (values.strict && missed.length > 0) process.exitCode = 1;
