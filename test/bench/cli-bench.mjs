/**
 * The command line's figures (issue 10): `vttestserver` with its default topology (test_keyspace,
 * 2 shards of 3 tablets) from spawn to its JSON config line on stdout, from the repository's build
 * and from the installable package (`npm run package`, unpacked: one bundle), `vtsim --help` from
 * spawn to exit (medians of several runs), and the local example's scripts 101 → 401 run one after
 * another as a learner runs them (one wall time; on free ports given through the scripts'
 * environment, local-example.mjs).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { examplePlace } from './local-example.mjs';
import { packagedVtsim } from './packaged-vtsim.mjs';

const VTSIM = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
const VTTESTSERVER = fileURLToPath(new URL('../../packages/cli/dist/vttestserver-main.js', import.meta.url));
const EXAMPLE_SCRIPTS = [
  '101_initial_cluster.sh', '201_customer_tablets.sh', '202_move_tables.sh', '203_switch_reads.sh', '204_switch_writes.sh',
  '205_clean_commerce.sh', '301_customer_sharded.sh', '302_new_shards.sh', '303_reshard.sh', '304_switch_reads.sh',
  '305_switch_writes.sh', '306_down_shard_0.sh', '401_teardown.sh',
];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Spawns `script args` and resolves with the ms until `done(stdout)` holds (then the process is stopped and awaited). */
function timeUntil(script, args, env, done) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let elapsed;
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      if (elapsed === undefined && done(out)) {
        elapsed = performance.now() - t0;
        child.kill('SIGTERM');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.once('exit', (code) => {
      if (elapsed === undefined && code === 0 && done(out, true)) elapsed = performance.now() - t0;
      if (elapsed === undefined) reject(new Error(`${script} ${args.join(' ')} exited with ${code}:\n${out}${err}`));
      else resolve(elapsed);
    });
  });
}

/**
 * Measures the figures; `runs` spawns of each.
 * @param {(line: string) => void} log
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchCli(log, runs = 5) {
  const dir = mkdtempSync(join(tmpdir(), 'vtsim-bench-cli-'));
  const env = { ...process.env, VTDATAROOT: join(dir, 'vtdataroot') };
  try {
    log('cli: vttestserver spawn → JSON config (repository build and package), vtsim --help');
    const serve = [];
    for (let i = 0; i < runs; i++) serve.push(await timeUntil(VTTESTSERVER, [], env, (out) => out.includes('\n')));
    const serveBundle = [];
    for (let i = 0; i < runs; i++) serveBundle.push(await timeUntil(packagedVtsim().vttestserver, [], env, (out) => out.includes('\n')));
    const help = [];
    for (let i = 0; i < runs * 2; i++) help.push(await timeUntil(VTSIM, ['--help'], env, (_out, exited) => exited === true));
    log('cli: the local example, scripts 101 → 401');
    const example = await localExampleSeconds();
    const topology = 'default topology (test_keyspace, 2 shards × 3 tablets), a random base port';
    return [
      {
        id: 'cli.vttestserver_json_config', what: 'vttestserver spawn → JSON config printed', value: median(serve), unit: 'ms',
        target: { op: '<', value: 500 }, detail: `median of ${runs}; the repository's build; ${topology}`,
      },
      {
        id: 'cli.vttestserver_json_config_package', what: 'vttestserver spawn → JSON config printed (the package)', value: median(serveBundle), unit: 'ms',
        target: { op: '<', value: 500 }, detail: `median of ${runs}; the package's bundle (npm run package, unpacked); ${topology}`,
      },
      { id: 'cli.help', what: 'vtsim --help wall time', value: median(help), unit: 'ms', target: { op: '<', value: 150 }, detail: `median of ${runs * 2}` },
      { id: 'cli.local_example', what: 'the local example, scripts 101 → 401', value: example, unit: 's', detail: `${EXAMPLE_SCRIPTS.length} scripts, each a bash process, from another directory, on free ports; the repository's build` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the local example's scripts in order, in memory, from a private directory and on free ports; their wall time in seconds. */
async function localExampleSeconds() {
  const place = await examplePlace({ processes: false });
  const started = performance.now();
  try {
    for (const script of EXAMPLE_SCRIPTS) await place.run(script);
    return (performance.now() - started) / 1000;
  } finally {
    await place.remove();
  }
}
