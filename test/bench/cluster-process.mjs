/**
 * The benchmark cluster as users run it: the real `vtsim up` command in its own process, with the
 * bench schema (bench-schema.mjs), VTDATAROOT in a temporary directory and free ports.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { BENCH_KEYSPACES, writeBenchSchema } from './bench-schema.mjs';
import { freePort } from './free-port.mjs';
import { processCpuMicros } from './process-cpu.mjs';

const VTSIM = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));

/** The query that proves the cluster serves: it needs vtgate, the customer VSchema and both customer shards. */
const READY_QUERY = 'select count(*) from customer';

/**
 * A running `vtsim up` process.
 * @typedef {object} ClusterProcess
 * @property {number} pid
 * @property {number} mysqlPort vtgate's MySQL port on 127.0.0.1
 * @property {number} startupMs from spawning `vtsim up` to the first successful query
 * @property {number | undefined} startupCpuMs the process's CPU time (user + system, all its threads)
 *   when that query was answered; undefined without /proc
 * @property {() => Promise<void>} stop SIGTERM, wait for the exit (SIGKILL after 10 s), remove the
 *   temporary directory; rejects if the process did not exit cleanly. Safe to call twice.
 */

/**
 * Spawns `vtsim up --keyspaces commerce,customer --num-shards 1,2` with the given tablet counts per
 * shard (and `nodeArgs` before the script, e.g. `--cpu-prof`), and polls vtgate's MySQL port until
 * READY_QUERY succeeds. `main` is the `vtsim` executable: the repository's build by default, or the
 * installable package's bundle (packaged-vtsim.mjs). Rejects (the process killed) if the process
 * exits first or does not serve within `timeoutMs`; the error carries its output.
 * @param {{ replicaCount: number, rdonlyCount: number, nodeArgs?: string[], timeoutMs?: number, main?: string }} opts
 * @returns {Promise<ClusterProcess>}
 */
export async function startClusterProcess(opts) {
  const dir = mkdtempSync(join(tmpdir(), 'vtsim-bench-'));
  writeBenchSchema(join(dir, 'schema'));
  const [webPort, mysqlPort, grpcPort, vtctldPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const args = [...(opts.nodeArgs ?? []), opts.main ?? VTSIM, 'up',
    '--keyspaces', BENCH_KEYSPACES.map((k) => k.name).join(','),
    '--num-shards', BENCH_KEYSPACES.map((k) => k.shards).join(','),
    '--replica-count', String(opts.replicaCount), '--rdonly-count', String(opts.rdonlyCount),
    '--schema-dir', join(dir, 'schema'), '--port', String(webPort), '--mysql-port', String(mysqlPort), '--grpc-port', String(grpcPort), '--vtctld-grpc-port', String(vtctldPort)];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, VTDATAROOT: join(dir, 'vtdataroot') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  /** @type {{ code: number | null, signal: NodeJS.Signals | null } | undefined} */
  let exit;
  void exited.then((e) => (exit = e));

  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      if (!exit) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const { code, signal } = await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) throw new Error(`vtsim up exited with ${signal ?? `code ${code}`}:\n${output}`);
    })());

  const deadline = t0 + (opts.timeoutMs ?? 20_000);
  let servedAt;
  for (;;) {
    if (exit) {
      await stop().catch(() => undefined);
      throw new Error(`vtsim up exited before serving (${exit.signal ?? `code ${exit.code}`}):\n${output}`);
    }
    if ((servedAt = await answeredAt(mysqlPort)) !== undefined) break;
    if (performance.now() > deadline) {
      await stop().catch(() => undefined);
      throw new Error(`vtsim up did not serve within ${opts.timeoutMs ?? 20_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return { pid: child.pid, mysqlPort, startupMs: servedAt - t0, startupCpuMs: cpuMs(processCpuMicros(child.pid)), stop };
}

/** Microseconds to milliseconds, undefined kept. */
function cpuMs(micros) {
  return micros === undefined ? undefined : micros / 1000;
}

/**
 * When a query succeeded through vtgate at `port` (performance.now()), or undefined if it failed: by
 * default READY_QUERY on the customer keyspace.
 * @param {number} port
 * @param {{ database?: string, query?: string }} [what]
 */
export async function answeredAt(port, { database = 'customer', query = READY_QUERY } = {}) {
  let conn;
  try {
    conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'bench', database });
    await conn.query(query);
    return performance.now();
  } catch {
    return undefined;
  } finally {
    await conn?.end().catch(() => undefined);
  }
}
