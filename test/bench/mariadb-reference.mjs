/**
 * The SQL reference of the cluster benchmarks: Debian's mariadbd, started by the bench itself in a
 * temporary datadir (on /dev/shm when it exists, so that neither side pays for a disk) on a free
 * port of 127.0.0.1, with MySQL 8's defaults where they matter to the workloads: its default
 * sql_mode, utf8mb4, and a row-format binary log (vtsim's tablets keep one too). No grant tables
 * (`--skip-grant-tables`, so no mariadb-install-db): any user connects, as with vtsim's vtgate.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { benchSchema } from './bench-schema.mjs';
import { freePort } from './free-port.mjs';
import { processCpuMicros } from './process-cpu.mjs';

/** MySQL 8.0's default sql_mode (MariaDB's differs). */
const MYSQL8_SQL_MODE = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

/** Where Debian installs the server. */
const DEBIAN_MARIADBD = '/usr/sbin/mariadbd';

/** The mariadbd binary to start, or undefined when mariadb-server is not installed. */
export function findMariadbd() {
  if (existsSync(DEBIAN_MARIADBD)) return DEBIAN_MARIADBD;
  return spawnSync('mariadbd', ['--version'], { stdio: 'ignore' }).status === 0 ? 'mariadbd' : undefined;
}

/**
 * A running reference server.
 * @typedef {object} MariadbReference
 * @property {number} pid
 * @property {number} port its MySQL port on 127.0.0.1
 * @property {number} startupMs from spawning mariadbd to the answer of `select count(*) from customer`, the schema created in between
 * @property {number | undefined} startupCpuMs mariadbd's CPU time (user + system, all its threads) at that answer; undefined without /proc
 * @property {string} version e.g. `10.11.19-MariaDB-0+deb12u1-log`
 * @property {string} where how it was started, in words (for the figures' details)
 * @property {() => Promise<void>} stop SIGTERM, wait for the exit (SIGKILL after 10 s), remove the datadir. Safe to call twice.
 */

/**
 * Spawns `mariadbd` (see {@link findMariadbd}) on an empty datadir and times it the way
 * cluster-process.mjs times `vtsim up`: from the spawn, poll until a connection opens, create the
 * bench schema's databases and tables (bench-schema.mjs), and stop the clock when `select count(*)
 * from customer` answers. Rejects (the server stopped) if it exits first or does not serve within
 * `timeoutMs`; the error carries the end of its error log.
 * @param {string} mariadbd
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<MariadbReference>}
 */
export async function startMariadbReference(mariadbd, opts = {}) {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'vtsim-bench-mariadb-'));
  const datadir = join(dir, 'data');
  mkdirSync(datadir);
  const port = await freePort();
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  const args = ['--no-defaults', `--datadir=${datadir}`, `--socket=${join(dir, 'mysqld.sock')}`, `--pid-file=${join(dir, 'mysqld.pid')}`,
    `--log-error=${join(dir, 'error.log')}`, '--bind-address=127.0.0.1', `--port=${port}`, '--skip-grant-tables',
    `--sql-mode=${MYSQL8_SQL_MODE}`, '--character-set-server=utf8mb4', `--log-bin=${join(dir, 'binlog')}`, '--binlog-format=ROW', '--server-id=1', ...asRoot];
  const t0 = performance.now();
  const child = spawn(mariadbd, args, { stdio: 'ignore' });
  /** @type {{ code: number | null, signal: NodeJS.Signals | null } | undefined} */
  let exit;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exit = { code, signal }))));
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      if (!exit) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    })());

  const deadline = t0 + (opts.timeoutMs ?? 30_000);
  let conn;
  try {
    for (;;) {
      if (exit) throw new Error(`mariadbd exited before serving (${exit.signal ?? `code ${exit.code}`})`);
      conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'bench' }).catch(() => undefined);
      if (conn) break;
      if (performance.now() > deadline) throw new Error(`mariadbd did not serve within ${opts.timeoutMs ?? 30_000} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const [database, { sql }] of Object.entries(benchSchema())) {
      await conn.query(`create database ${database}`);
      await conn.query(`use ${database}`);
      for (const statement of sql.split(';').map((s) => s.trim()).filter(Boolean)) await conn.query(statement);
    }
    await conn.query('select count(*) from customer');
    const startupMs = performance.now() - t0;
    const cpuMicros = processCpuMicros(/** @type {number} */ (child.pid));
    const [[{ version }]] = /** @type {any} */ (await conn.query('select version() as version'));
    return {
      pid: /** @type {number} */ (child.pid),
      port,
      startupMs,
      startupCpuMs: cpuMicros === undefined ? undefined : cpuMicros / 1000,
      version,
      where: `MariaDB ${version}, datadir on ${base}, MySQL 8's default sql_mode, utf8mb4, row-format binlog`,
      stop,
    };
  } catch (err) {
    let errorLog = '';
    try {
      errorLog = readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000);
    } catch {
      // no log written yet
    }
    await stop();
    throw new Error(`MariaDB reference: ${err instanceof Error ? err.message : String(err)}\n${errorLog}`);
  } finally {
    await conn?.end().catch(() => undefined);
  }
}
