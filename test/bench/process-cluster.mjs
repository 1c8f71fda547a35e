/**
 * The benchmark cluster in process mode (issue 14): the same keyspaces, schema and tablets as
 * cluster-process.mjs's `vtsim up`, but every component its own process on an etcd topology, as
 * the local example's scripts start them with `TOPO=etcd2 VTSIM_PROCESSES=1`: Debian's etcd, `vtsim
 * vtctld`, one `vtsim vttablet` per tablet (its mysqld inside it) and `vtsim vtgate`, on free ports
 * with every data directory in one temporary directory.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BENCH_KEYSPACES, writeBenchSchema } from './bench-schema.mjs';
import { answeredAt } from './cluster-process.mjs';
import { freePort } from './free-port.mjs';
import { processCpuMicros, processesCpuMicros, reapedChildrenCpuMicros } from './process-cpu.mjs';

const VTSIM = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
const ETCD = '/usr/bin/etcd';
const TOPO_ROOT = '/vitess/global';

/** Why the process-mode benchmarks cannot run here, or undefined when they can. */
export function processClusterSkip() {
  return existsSync(ETCD) ? undefined : 'process-mode benchmarks skipped: etcd is not installed (apt-get install etcd-server)';
}

/**
 * One process of the cluster.
 * @typedef {object} ComponentProcess
 * @property {string} name e.g. `vtgate`, `zone1-0000000200`
 * @property {string} role what it is, for CPU shares: `etcd`, `vtctld`, `vtgate`, `primary`, `replica`, `rdonly`
 * @property {string} keyspace the tablet's keyspace (empty for the other components)
 * @property {number} pid
 */

/**
 * The running process-mode cluster.
 * @typedef {object} ProcessCluster
 * @property {number} mysqlPort vtgate's MySQL port on 127.0.0.1
 * @property {number} startupMs from spawning etcd to the first successful `select count(*) from customer` through vtgate
 * @property {number | undefined} startupCpuMs CPU of every process of the cluster by then (the vtctldclient
 *   calls that applied the schema included); undefined without /proc
 * @property {ComponentProcess[]} processes every long-running process
 * @property {() => number | undefined} cpuMicros CPU time of all the processes, summed (undefined without /proc)
 * @property {() => Record<string, number>} cpuMicrosByRole CPU time of the processes by role
 *   (`customer primary`, `vtgate`, …), for where the time goes
 * @property {() => Promise<void>} stop SIGTERM to every process (SIGKILL after 10 s), the temporary
 *   directory removed; rejects naming the processes that did not exit cleanly. Safe to call twice.
 */

/**
 * Starts the cluster and resolves once vtgate answers `select count(*) from customer`: etcd, then
 * vtctld and each shard's primary (the first tablet of a shard takes the role), then the other
 * tablets (replicas, then rdonly tablets, uids `<shard base> + n`: 100… commerce/0, 200… customer/-80,
 * 300… customer/80-), the schema and VSchema applied through vtctld (`vtctldclient ApplySchema
 * --sql-file`, `ApplyVSchema --vschema-file`), and vtgate. Rejects, everything started stopped again,
 * when a process exits early or the cluster does not serve within `timeoutMs`; the error carries the
 * failing process's output.
 * @param {{ replicaCount: number, rdonlyCount: number, nodeArgs?: string[], timeoutMs?: number }} opts
 * @returns {Promise<ProcessCluster>}
 */
export async function startProcessCluster(opts) {
  const dir = mkdtempSync(join(tmpdir(), 'vtsim-bench-procs-'));
  const schemaDir = join(dir, 'schema');
  writeBenchSchema(schemaDir);
  /** @type {Spawned[]} */
  const started = [];
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const t0 = performance.now();
  const deadline = t0 + timeoutMs;
  const reapedBefore = reapedChildrenCpuMicros();
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      // vtgate first, then the tablets, vtctld and etcd last: each goes while what it serves is still up.
      const order = [...started].reverse();
      const failures = [];
      for (const p of order) {
        const result = await p.stop();
        if (result) failures.push(`${p.info.name} ${result}:\n${p.output().slice(-2000)}`);
      }
      rmSync(dir, { recursive: true, force: true });
      if (failures.length > 0) throw new Error(`process-mode cluster: ${failures.join('\n')}`);
    })());
  try {
    const etcdPort = await freePort();
    const etcdPeer = await freePort();
    const etcdAddress = `127.0.0.1:${etcdPort}`;
    const etcdUrl = `http://${etcdAddress}`;
    const etcd = spawnComponent({ name: 'etcd', role: 'etcd', keyspace: '' }, ETCD, [
      '--name', 'vtsim-bench', '--data-dir', join(dir, 'etcd'),
      '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster', `vtsim-bench=http://127.0.0.1:${etcdPeer}`, '--log-level', 'error', '--logger', 'zap',
    ]);
    started.push(etcd);
    await until(etcd, deadline, () => fetch(`${etcdUrl}/health`).then(async (r) => r.ok && (await r.json()).health === 'true', () => false));

    const topo = ['--topo_implementation', 'etcd2', '--topo_global_server_address', etcdAddress, '--topo_global_root', TOPO_ROOT];
    const node = (args) => [...(opts.nodeArgs ?? []), VTSIM, ...args];
    const vtctldGrpc = await freePort();
    const vtctld = spawnComponent({ name: 'vtctld', role: 'vtctld', keyspace: '' }, process.execPath,
      node(['vtctld', ...topo, '--cell', 'zone1', '--port', String(await freePort()), '--grpc_port', String(vtctldGrpc)]));
    started.push(vtctld);

    const shards = BENCH_KEYSPACES.flatMap((k) => shardNames(k.shards).map((shard) => ({ keyspace: k.name, shard })));
    /** Spawns the tablet of `shards[s]` numbered `n` within it (0 is the primary) as `type`. */
    const tablet = async (s, n, type) => {
      const { keyspace, shard } = shards[s];
      const alias = `zone1-${String(100 * (s + 1) + n).padStart(10, '0')}`;
      const role = n === 0 ? 'primary' : type;
      const p = spawnComponent({ name: alias, role, keyspace }, process.execPath, node(['vttablet', ...topo,
        '--tablet-path', alias, '--keyspace', keyspace, `--shard=${shard}`, '--init-tablet-type', type,
        '--port', String(await freePort()), '--grpc-port', String(await freePort())]));
      started.push(p);
      return p;
    };
    const primaries = await Promise.all(shards.map((_, s) => tablet(s, 0, 'replica')));
    await Promise.all([vtctld, ...primaries].map((p) => until(p, deadline, p.ready)));
    const others = [];
    for (let s = 0; s < shards.length; s++) {
      for (let n = 1; n < opts.replicaCount; n++) others.push(await tablet(s, n, 'replica'));
      for (let n = 0; n < opts.rdonlyCount; n++) others.push(await tablet(s, opts.replicaCount + n, 'rdonly'));
    }
    await Promise.all(others.map((p) => until(p, deadline, p.ready)));

    const vtctldclient = (args) => runToEnd(process.execPath, node(['vtctldclient', '--server', `127.0.0.1:${vtctldGrpc}`, ...args]));
    await Promise.all(BENCH_KEYSPACES.flatMap((k) => [
      vtctldclient(['ApplySchema', '--sql-file', join(schemaDir, k.name, 'create.sql'), k.name]),
      ...(existsSync(join(schemaDir, k.name, 'vschema.json')) ? [vtctldclient(['ApplyVSchema', '--vschema-file', join(schemaDir, k.name, 'vschema.json'), k.name])] : []),
    ]));

    const mysqlPort = await freePort();
    const vtgate = spawnComponent({ name: 'vtgate', role: 'vtgate', keyspace: '' }, process.execPath, node(['vtgate', ...topo,
      '--port', String(await freePort()), '--grpc_port', String(await freePort()), '--mysql_server_port', String(mysqlPort),
      // As vtgate-up.sh, it waits for a healthy primary and replica of each shard (the primary only when a shard has no replica).
      '--cell', 'zone1', '--cells_to_watch', 'zone1', '--tablet_types_to_wait', opts.replicaCount > 1 ? 'PRIMARY,REPLICA' : 'PRIMARY',
      '--mysql_auth_server_impl', 'none']));
    started.push(vtgate);
    await until(vtgate, deadline, vtgate.ready);
    /** @type {number | undefined} */
    let servedAt;
    await until(vtgate, deadline, async () => (servedAt = await answeredAt(mysqlPort)) !== undefined);
    const processes = started.map((p) => p.info);
    const cpuMicros = () => processesCpuMicros(processes.map((p) => p.pid));
    const live = cpuMicros();
    const reaped = reapedChildrenCpuMicros();
    return {
      mysqlPort,
      startupMs: /** @type {number} */ (servedAt) - t0,
      startupCpuMs: live === undefined || reaped === undefined || reapedBefore === undefined ? undefined : (live + reaped - reapedBefore) / 1000,
      processes,
      cpuMicros,
      cpuMicrosByRole: () => {
        /** @type {Record<string, number>} */
        const byRole = {};
        for (const p of processes) {
          const key = p.keyspace ? `${p.keyspace} ${p.role}` : p.role;
          byRole[key] = (byRole[key] ?? 0) + (processCpuMicros(p.pid) ?? 0);
        }
        return byRole;
      },
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** The shard names of a keyspace of `count` shards, as `vtsim up --num-shards` names them (1 → `0`, 2 → `-80`, `80-`). */
function shardNames(count) {
  if (count === 1) return ['0'];
  if (count === 2) return ['-80', '80-'];
  throw new Error(`the bench's keyspaces have 1 or 2 shards, not ${count}`);
}

/**
 * A spawned long-running process.
 * @typedef {object} Spawned
 * @property {ComponentProcess} info
 * @property {() => string} output its stdout and stderr so far
 * @property {() => { code: number | null, signal: NodeJS.Signals | null } | undefined} exited how it exited, if it did
 * @property {() => boolean} ready whether it printed its first line on stdout (vtsim's components print one once they serve)
 * @property {() => Promise<string | undefined>} stop SIGTERM, SIGKILL after 10 s; resolves with why its exit was not clean, or undefined
 */

/** Spawns one process of the cluster, collecting its output. */
function spawnComponent(/** @type {Omit<ComponentProcess, 'pid'>} */ info, command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    stdout += d;
    output += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
  /** @type {{ code: number | null, signal: NodeJS.Signals | null } | undefined} */
  let exit;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exit = { code, signal }))));
  child.once('error', (err) => {
    output += String(err);
    exit ??= { code: -1, signal: null };
  });
  return /** @type {Spawned} */ ({
    info: { ...info, pid: /** @type {number} */ (child.pid) },
    output: () => output,
    exited: () => exit,
    ready: () => stdout.includes('\n'),
    stop: async () => {
      if (child.pid === undefined) return undefined;
      if (!exit) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const { code, signal } = await exited;
      clearTimeout(timer);
      // etcd exits with SIGTERM's status when stopped by it.
      return code === 0 || (signal === 'SIGTERM' && info.role === 'etcd') ? undefined : `exited with ${signal ?? `code ${code}`}`;
    },
  });
}

/** Polls `check` every 20 ms until it holds; rejects with `p`'s output when `p` exits first or the deadline passes. */
async function until(/** @type {Spawned} */ p, deadline, check) {
  for (;;) {
    if (await check()) return;
    const exit = p.exited();
    if (exit) throw new Error(`${p.info.name} exited before serving (${exit.signal ?? `code ${exit.code}`}):\n${p.output().slice(-3000)}`);
    if (performance.now() > deadline) throw new Error(`${p.info.name} did not serve in time:\n${p.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs a command to its end; rejects with its output when it fails. */
function runToEnd(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve(output) : reject(new Error(`${args.slice(-4).join(' ')} exited with ${signal ?? `code ${code}`}:\n${output}`))));
  });
}

