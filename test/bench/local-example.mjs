/**
 * The local example's scripts (scripts/101 … 401) run by the bench on ports of their own: a private
 * VTDATAROOT and free ports given through the scripts' environment variables (env.sh's VTSIM_*
 * ports, ETCD_SERVER), never the example's fixed ports, in memory or with `TOPO=etcd2
 * VTSIM_PROCESSES=1` (one process per component, as Vitess's example).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { answeredAt } from './cluster-process.mjs';
import { bindable } from './free-port.mjs';
import { processesCpuMicros, reapedChildrenCpuMicros } from './process-cpu.mjs';

const SCRIPTS = fileURLToPath(new URL('../../scripts/', import.meta.url));

/**
 * Tablet uids the example's scripts start (101, 201, 302, 401's extra), and 311 that
 * local-example-processes.test.ts adds: each needs `base + uid` and `grpcBase + uid` free.
 */
const TABLET_UIDS = [100, 101, 102, 200, 201, 202, 300, 301, 302, 311, 400, 401, 402];

/**
 * A private place to run the example: its VTDATAROOT, a directory to run the scripts from, and the
 * environment naming both and the ports.
 * @typedef {object} ExamplePlace
 * @property {string} dir the temporary directory holding both
 * @property {string} vtdataroot
 * @property {NodeJS.ProcessEnv} env
 * @property {number} mysqlPort vtgate's MySQL port
 * @property {(script: string) => Promise<void>} run runs a script to its end; rejects with its output when it fails
 * @property {() => Promise<void>} remove stops every process the pid files name (SIGTERM, SIGKILL after
 *   10 s; faster than 401_teardown.sh, which the figures do not need) and removes the directory
 */

/**
 * Ports for the example, below the OS's ephemeral range (where an outgoing connection could take
 * one between the choice and the bind), every one free now: eight for etcd and the components at
 * `base + 1…8`, each tablet's web and gRPC ports at `base + uid` and `grpcBase + uid`. The bench's
 * and local-example-processes.test.ts's.
 * @returns {Promise<ExamplePorts>}
 */
export async function examplePorts() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + 500 * Math.floor(Math.random() * 20);
    const grpcBase = base + 1000 * (1 + Math.floor(Math.random() * 2));
    const all = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => base + n).concat(TABLET_UIDS.flatMap((uid) => [base + uid, grpcBase + uid]));
    if ((await Promise.all(all.map(bindable))).every(Boolean)) return { base, grpcBase, all };
  }
  throw new Error('no free ports below 32768 for the local example');
}

/**
 * Ports chosen by {@link examplePorts}.
 * @typedef {object} ExamplePorts
 * @property {number} base tablet web ports are `base + uid`
 * @property {number} grpcBase tablet gRPC ports are `grpcBase + uid`
 * @property {number[]} all every port: the eight of etcd and the components (`base + 1…8`: vtctld's web,
 *   vtgate's MySQL, vtgate's gRPC, vtctld's gRPC, vtgate's web, VTOrc, etcd's client and peer ports), then the tablets'
 */

/**
 * The scripts' environment for a private `vtdataroot` and `ports` (env.sh's VTSIM_* variables,
 * ETCD_SERVER), with `TOPO=etcd2 VTSIM_PROCESSES=1` when `processes`; the local example's tablet
 * variables (KEYSPACE, SHARD, TABLET_UID, CELL) removed. The bench's and local-example-processes.test.ts's.
 * @param {string} vtdataroot
 * @param {ExamplePorts} ports
 * @param {boolean} processes
 * @returns {NodeJS.ProcessEnv}
 */
export function exampleEnv(vtdataroot, { base, grpcBase, all }, processes) {
  const [web, mysqlPort, grpc, vtctldGrpc, vtgateWeb, vtorc, etcd, etcdPeer] = all;
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    VTDATAROOT: vtdataroot,
    VTSIM_WEB_PORT: String(web),
    VTSIM_MYSQL_PORT: String(mysqlPort),
    VTSIM_GRPC_PORT: String(grpc),
    VTSIM_VTCTLD_GRPC_PORT: String(vtctldGrpc),
    VTSIM_VTGATE_WEB_PORT: String(vtgateWeb),
    VTSIM_VTORC_PORT: String(vtorc),
    VTSIM_VTTABLET_PORT_BASE: String(base),
    VTSIM_VTTABLET_GRPC_PORT_BASE: String(grpcBase),
    ...(processes ? { TOPO: 'etcd2', VTSIM_PROCESSES: '1', ETCD_SERVER: `127.0.0.1:${etcd}`, ETCD_PEER_PORT: String(etcdPeer) } : {}),
  };
  for (const name of ['KEYSPACE', 'SHARD', 'TABLET_UID', 'CELL', ...(processes ? [] : ['TOPO', 'VTSIM_PROCESSES'])]) delete env[name];
  return env;
}

/**
 * A private place and ports for the example; with `processes`, `TOPO=etcd2 VTSIM_PROCESSES=1`.
 * @param {{ processes: boolean }} opts
 * @returns {Promise<ExamplePlace>}
 */
export async function examplePlace(opts) {
  const dir = mkdtempSync(join(tmpdir(), 'vtsim-bench-example-'));
  const vtdataroot = join(dir, 'vtdataroot');
  const ports = await examplePorts();
  const env = exampleEnv(vtdataroot, ports, opts.processes);
  const mysqlPort = ports.all[1];
  const run = (script) => runScript(script, env, dir);
  return {
    dir,
    vtdataroot,
    env,
    mysqlPort,
    run,
    remove: async () => {
      await stopPids(examplePids(vtdataroot));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `scripts/<script>` with bash from `cwd`; rejects with its output when it fails. */
function runScript(script, env, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(SCRIPTS, script)], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve(undefined) : reject(new Error(`${script} exited with ${signal ?? `code ${code}`}:\n${output.slice(-3000)}`)));
  });
}

/** SIGTERM to each process, SIGKILL to those still running after 10 s; resolves once all are gone. */
async function stopPids(/** @type {number[]} */ pids) {
  const signal = (pid, sig) => {
    try {
      process.kill(pid, sig);
      return true;
    } catch {
      return false; // gone
    }
  };
  let running = pids.filter((pid) => signal(pid, 'SIGTERM'));
  const deadline = performance.now() + 10_000;
  while (running.length > 0) {
    await new Promise((r) => setTimeout(r, 50));
    running = running.filter((pid) => processAlive(pid));
    if (performance.now() > deadline) {
      for (const pid of running) signal(pid, 'SIGKILL');
      break;
    }
  }
}

/** True while process `pid` exists and is not a zombie. */
function processAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pids the example's pid files name (the cluster process, etcd and the components, each tablet's process). */
function examplePids(vtdataroot) {
  const files = ['vtsim', 'etcd', 'vtctld', 'vtgate', 'vtorc'].map((n) => join(vtdataroot, 'tmp', `${n}.pid`));
  if (existsSync(vtdataroot)) files.push(...readdirSync(vtdataroot).filter((d) => d.startsWith('vt_')).map((d) => join(vtdataroot, d, 'vttablet.pid')));
  return files.filter((f) => existsSync(f)).map((f) => Number(readFileSync(f, 'utf8').trim())).filter((pid) => pid > 0);
}

/**
 * The start-up of the whole local example: `101_initial_cluster.sh` from spawn to the first
 * `select count(*) from product` answered through vtgate on the commerce keyspace; then every
 * process is stopped (not timed). The CPU is that of everything the script ran: its short-lived commands (bash, curl,
 * vtctldclient, reaped into this process's children times) and the processes still running (by
 * their pid files).
 * @param {{ processes: boolean }} opts
 * @returns {Promise<{ ms: number, cpuMs: number | undefined, processes: number }>} `processes`: the long-running processes it started
 */
export async function timeExampleStart(opts) {
  const place = await examplePlace(opts);
  try {
    const reapedBefore = reapedChildrenCpuMicros();
    const t0 = performance.now();
    await place.run('101_initial_cluster.sh');
    const servedAt = await firstAnswer(place.mysqlPort);
    const pids = examplePids(place.vtdataroot);
    const live = processesCpuMicros(pids);
    const reaped = reapedChildrenCpuMicros();
    const cpuMs = live === undefined || reaped === undefined || reapedBefore === undefined ? undefined : (live + reaped - reapedBefore) / 1000;
    return { ms: servedAt - t0, cpuMs, processes: pids.length };
  } finally {
    await place.remove();
  }
}

/** When vtgate at `port` first answered `select count(*) from product` on commerce (polled every 10 ms for 10 s). */
async function firstAnswer(port) {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const at = await answeredAt(port, { database: 'commerce', query: 'select count(*) from product' });
    if (at !== undefined) return at;
    if (performance.now() > deadline) throw new Error('vtgate did not answer select count(*) from product within 10 s of 101_initial_cluster.sh');
    await new Promise((r) => setTimeout(r, 10));
  }
}
