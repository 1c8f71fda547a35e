/**
 * The command line's start-up figures (issue 10): `vttestserver` with its default topology
 * (test_keyspace, 2 shards of 3 tablets) from spawn to its JSON config line on stdout, and
 * `vtsim --help` from spawn to exit. Each is the median of several runs of the repository's build.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VTSIM = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
const VTTESTSERVER = fileURLToPath(new URL('../../packages/cli/dist/vttestserver-main.js', import.meta.url));

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
    log('cli: vttestserver spawn → JSON config, vtsim --help');
    const serve = [];
    for (let i = 0; i < runs; i++) serve.push(await timeUntil(VTTESTSERVER, [], env, (out) => out.includes('\n')));
    const help = [];
    for (let i = 0; i < runs * 2; i++) help.push(await timeUntil(VTSIM, ['--help'], env, (_out, exited) => exited === true));
    return [
      {
        id: 'cli.vttestserver_json_config', what: 'vttestserver spawn → JSON config printed', value: median(serve), unit: 'ms',
        target: { op: '<', value: 500 }, detail: `median of ${runs}; default topology (test_keyspace, 2 shards × 3 tablets), a random base port`,
      },
      { id: 'cli.help', what: 'vtsim --help wall time', value: median(help), unit: 'ms', target: { op: '<', value: 150 }, detail: `median of ${runs * 2}` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
