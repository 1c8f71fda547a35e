/**
 * `vtsim up` and `vttestserver`: runs the cluster process. Everything is checked before anything
 * starts (flags in vttestserver-flags.ts, then every port this process will bind); a start failing
 * at any point stops what it started. In the foreground it prints vttestserver's JSON config on one
 * stdout line once it serves, and serves until SIGINT/SIGTERM (exit 0); with `--detach` it starts
 * itself in the background and returns once that process serves, or fails with that process's error.
 * While serving, VTDATAROOT/tmp holds its pid file and state file (ports), which the other commands read.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BinlogRetention } from '@vtsim/binlog';
import type { GrpcKeepalive } from '@vtsim/vttablet';
import type { AuthFlags } from './auth-flags.js';
import { Cluster } from './cluster.js';
import { waitForControl } from './control-client.js';
import { startControlServer, type ControlServer } from './control-server.js';
import { startChaos, type ChaosRun } from './chaos-runner.js';
import { createClusterLogger } from './cluster-logger.js';
import { createInitialTopology, type InitialTopology } from './initial-topology.js';
import { DEFAULT_LOG_SETTINGS, type LogSettings } from './log-flags.js';
import { loadPersistentState, savePersistentState } from './persistent-state.js';
import { runningPid, type ClusterState } from './process-state.js';
import { initializeWithRandomData } from './random-data.js';
import { dataRoot } from './vtdataroot.js';
import { vttestserverJsonConfig } from './vttestserver-config.js';
import { checkPortFree } from './port-probe.js';
import { openTopoServer, type TopoFlags } from './topo-flags.js';
import { parseUpFlags, type UpFlavor } from './vttestserver-flags.js';

/** Options of `vtsim up` / `vttestserver` (parsed by vttestserver-flags.ts). */
export interface UpOptions {
  detach: boolean;
  /** Which command: the defaults differ, and `vttestserver` records itself in VTDATAROOT only if it is free. */
  flavor: UpFlavor;
  vtgate: boolean;
  seed: string;
  /** Bind address of the control/web port and the gRPC ports (servenv's `--bind-address`, vttestserver's `--vtcombo_bind_host`). */
  host: string;
  /** Bind address of vtgate's MySQL port (`--mysql_bind_host`). */
  mysqlHost: string;
  /** The control/web port (vttestserver's base port); 0 = a random free base. */
  webPort: number;
  mysqlPort: number;
  /** vtgate's own gRPC port (the local example's layout); unset with vtcomboGrpcPort. */
  grpcPort?: number;
  /** vtctld's own gRPC port (the local example's layout); unset with vtcomboGrpcPort. */
  vtctldGrpcPort?: number;
  /** `--vtgate-web-port`: vtgate's own web port, `/debug/status` and `/debug/vars` (the local example's 15001); none when unset. */
  vtgateWebPort?: number;
  /** vtcombo's one gRPC port (base+1), serving vtgate's and vtctld's services. */
  vtcomboGrpcPort?: number;
  /** The cells (`--cells`); the first is the cluster's (vtgate's, vtctld's). */
  cells: string[];
  /** Keyspaces, shards and tablets to create before serving (vttestserver's flags or `--proto_topo`). */
  topology?: InitialTopology;
  /** `--mysql_server_version`: what vtgate's handshake and `select @@version` report. */
  mysqlServerVersion?: string;
  /** `--vschema_ddl_authorized_users`: who may run ALTER VSCHEMA through vtgate. */
  vschemaDdlAuthorizedUsers?: string;
  /** `--persistent_mode --data_dir D`: the cluster's state is loaded from and saved to D. */
  persistentDataDir?: string;
  /** `--initialize_with_random_data` and its parameters. */
  randomData?: { seed: number; minShardSize: number; maxShardSize: number; nullProbability: number };
  /** Vitess's credential flags (MySQL static auth for vtgate, gRPC static auth for vtgate and vtctld). */
  auth?: Partial<AuthFlags>;
  /** `--heartbeat_enable --heartbeat_interval`: every tablet the cluster starts writes heartbeats this often. */
  heartbeatIntervalMs?: number;
  /** `--binlog-retention`: how much binlog every tablet the cluster starts keeps (default: the binlog's). */
  binlogRetention?: BinlogRetention;
  /** `--chaos-seed --chaos-every`: inject the seed's chaos schedule, one fault every `everyMs` ms. */
  chaos?: { seed: string; everyMs: number };
  /** `--log-level --log-format`: the cluster's log lines on stderr (default info, text). */
  log?: LogSettings;
  /** `--topo-implementation etcd2 --topo-global-server-address A --topo-global-root R` (default: memory). */
  topo?: TopoFlags;
  /** `--tablet_hostname`: what the records of the tablets this cluster starts advertise (default `localhost`). */
  tabletHostname?: string;
  /** `--grpc_keepalive_time --grpc_keepalive_timeout`: the pings on connections to tablets in other processes. */
  grpcKeepalive?: GrpcKeepalive;
  /** The command line without `--detach`, for the detached process. */
  args: string[];
}

/** Where `up` writes: the JSON config line (stdout) and log lines (stderr). */
export interface UpOutput {
  out: (line: string) => void;
  log: (line: string) => void;
}

/** Runs `vtsim up` / `vttestserver` with its command line; resolves with the exit code. */
export async function upMain(argv: readonly string[], flavor: UpFlavor, output: UpOutput): Promise<number> {
  const { options, notes, help } = parseUpFlags(argv, flavor);
  if (help) {
    const { VTSIM_USAGE, VTTESTSERVER_USAGE } = await import('./vtsim-usage.js');
    output.out(flavor === 'vttestserver' ? VTTESTSERVER_USAGE : VTSIM_USAGE);
    return 0;
  }
  for (const note of notes) output.log(note);
  await up(options, output);
  return 0;
}

/** Runs `vtsim up`; resolves when a detached cluster is ready, or when a foreground one has stopped. */
export async function up(opts: UpOptions, output: UpOutput): Promise<void> {
  const paths = dataRoot();
  if (opts.detach && runningPid(paths.pidFile) !== undefined) throw new Error(`a vtsim cluster is already running (pid file ${paths.pidFile})`);
  const ports = opts.webPort === 0 ? await withRandomBase(opts) : opts;
  await checkPortsFree(ports);
  if (opts.detach) return detach(ports, output);

  const logger = createClusterLogger(opts.log ?? DEFAULT_LOG_SETTINGS);
  const ownLog = logger.child({ component: 'vtsim' });
  let cluster: Cluster | undefined;
  let control: ControlServer | undefined;
  let chaos: ChaosRun | undefined;
  let recorded = false;
  let serving = false;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    chaos?.stop();
    await control?.close();
    // --persistent_mode: a cluster that served is saved, after vtgate stopped (no writes meanwhile);
    // one whose start failed is not, so the state it was loaded from stays.
    if (serving && cluster && opts.persistentDataDir !== undefined) {
      await cluster.stopVtgate();
      await savePersistentState(cluster, opts.persistentDataDir).catch((err: unknown) => ownLog.error('saving the cluster failed', { error: String(err) }));
    }
    await cluster?.close();
    if (recorded && runningPid(paths.pidFile) === process.pid) {
      rmSync(paths.pidFile, { force: true });
      rmSync(paths.stateFile, { force: true });
    }
  })());
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  // SIGINT/SIGTERM and the control API's shutdown (`vtsim down --port`) end it alike. (A signal
  // during the start kills the process as usual: nothing it started outlives it.)
  const shutdown = () => void stop().then(() => {
    ownLog.info('vtsim cluster stopped');
    markStopped();
  });
  try {
    cluster = await Cluster.start({
      seed: opts.seed,
      cell: opts.cells[0],
      cells: opts.cells.slice(1),
      host: ports.host,
      mysqlHost: ports.mysqlHost,
      mysqlPort: ports.mysqlPort,
      grpcPort: ports.grpcPort,
      vtctldGrpcPort: ports.vtctldGrpcPort,
      vtgateWebPort: ports.vtgateWebPort,
      vtcomboGrpcPort: ports.vtcomboGrpcPort,
      mysqlServerVersion: opts.mysqlServerVersion,
      vschemaDdlAuthorizedUsers: opts.vschemaDdlAuthorizedUsers,
      heartbeatIntervalMs: opts.heartbeatIntervalMs,
      binlogRetention: opts.binlogRetention,
      auth: opts.auth,
      logger,
      topo: await openTopoServer(opts.topo ?? { implementation: 'memory' }, opts.cells),
      // Tablets `vtsim vttablet` runs in their own processes register in etcd; vtgate and vtctld dial them.
      remoteTablets: opts.topo?.implementation === 'etcd2',
      tabletHostname: opts.tabletHostname,
      grpcKeepalive: opts.grpcKeepalive,
    });
    // --persistent_mode: a saved state is loaded as it was; the topology, schema and random data
    // are created on the first start only (as vttest runs its migrations and seeding then).
    const loaded = opts.persistentDataDir !== undefined && (await loadPersistentState(cluster, opts.persistentDataDir));
    if (!loaded && opts.topology) {
      await createInitialTopology(cluster, opts.topology);
      if (opts.randomData) await initializeWithRandomData(cluster, opts.topology.keyspaces.map((k) => k.name), opts.randomData);
    }
    if (opts.vtgate) await cluster.startVtgate();
    // The control endpoint answers last: a caller polling it knows the whole cluster is ready.
    control = await startControlServer(cluster, ports.host, ports.webPort, () => shutdown());
  } catch (err) {
    await stop();
    throw err;
  }
  serving = true;
  // vtgate's gRPC port; without vtgate, vtcombo's or vtctld's (JSONConfig's grpc-port is vtcombo's).
  const grpcPort = cluster.vtgate?.grpcAddress?.port ?? ports.vtcomboGrpcPort ?? cluster.vtctldAddress?.port;
  // The ports as bound (a port given as 0 is the one the OS chose).
  const mysqlPort = cluster.vtgate?.mysqlAddress?.port ?? ports.mysqlPort;
  const state: ClusterState = {
    pid: process.pid, host: ports.host, webPort: control.port, mysqlHost: ports.mysqlHost, mysqlPort, grpcPort, vtctldGrpcPort: cluster.vtctldAddress?.port,
  };
  // A second foreground cluster (a test's own vttestserver, say) leaves VTDATAROOT to the running one.
  if (runningPid(paths.pidFile) === undefined) {
    mkdirSync(paths.tmp, { recursive: true });
    writeFileSync(paths.stateFile, `${JSON.stringify(state)}\n`);
    writeFileSync(paths.pidFile, `${process.pid}\n`);
    recorded = true;
  } else {
    ownLog.warn(`another vtsim cluster is recorded in ${paths.root}; stop this one with SIGTERM or 'vtsim down --port ${state.webPort}'`);
  }
  ownLog.info('vtsim cluster is up', { view: `http://${ports.host}:${state.webPort}/`, control: `http://${ports.host}:${state.webPort}/debug/status`, vtctld_grpc: `${ports.host}:${state.vtctldGrpcPort}`,
    ...(cluster.vtgate ? { vtgate_mysql: `${ports.mysqlHost}:${mysqlPort}`, vtgate_grpc: `${cluster.vtgate.grpcAddress?.host}:${grpcPort}` } : {}) });
  output.out(JSON.stringify(vttestserverJsonConfig({ host: ports.host, webPort: state.webPort, grpcPort, mysqlPort })));
  if (opts.chaos) chaos = startChaos(cluster, opts.chaos.seed, opts.chaos.everyMs, (line) => logger.info(line, { component: 'chaos' }));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await stopped;
}

/** The ports of a random base (vttestserver's `--port 0`): web B, gRPC B+1, MySQL B+3, all free a moment ago. */
async function withRandomBase(opts: UpOptions): Promise<UpOptions> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * 50_000);
    const candidate: UpOptions = {
      ...opts,
      webPort: base,
      mysqlPort: opts.mysqlPort || base + 3,
      vtcomboGrpcPort: opts.vtcomboGrpcPort === undefined ? undefined : base + 1,
      args: [...opts.args, `--port=${base}`],
    };
    if (await checkPortsFree(candidate).then(() => true, () => false)) return candidate;
  }
  throw new Error('no free base port found for --port 0');
}

/** The ports this process will bind, with what each is for. */
function portsToBind(opts: UpOptions): { host: string; port: number; what: string }[] {
  const ports = [{ host: opts.host, port: opts.webPort, what: 'web/control' }];
  if (opts.vtcomboGrpcPort !== undefined) ports.push({ host: opts.host, port: opts.vtcomboGrpcPort, what: 'vtgate and vtctld gRPC' });
  if (opts.vtctldGrpcPort !== undefined) ports.push({ host: opts.host, port: opts.vtctldGrpcPort, what: 'vtctld gRPC' });
  // vtgate's own gRPC port listens on its MySQL address (Vtgate's mysqlHost).
  if (opts.vtgate && opts.grpcPort !== undefined) ports.push({ host: opts.mysqlHost, port: opts.grpcPort, what: 'vtgate gRPC' });
  if (opts.vtgate && opts.vtgateWebPort !== undefined) ports.push({ host: opts.host, port: opts.vtgateWebPort, what: 'vtgate web' });
  if (opts.vtgate) ports.push({ host: opts.mysqlHost, port: opts.mysqlPort, what: 'vtgate MySQL' });
  return ports;
}

/** Throws naming the first port that is given twice or cannot be bound (in use, or a bad address). */
async function checkPortsFree(opts: UpOptions): Promise<void> {
  const seen = new Map<number, string>();
  for (const { host, port, what } of portsToBind(opts)) {
    if (port === 0) continue;
    const other = seen.get(port);
    if (other) throw new Error(`port ${port} is given twice: for ${other} and for ${what}`);
    seen.set(port, what);
    await checkPortFree(host, port, what);
  }
}

/**
 * Starts this command again as a background process (its output in VTDATAROOT/tmp/vtsim.log) and
 * waits until it serves, or until it exits: then its error (the log's last `ERROR:` line) is thrown.
 */
async function detach(opts: UpOptions, output: UpOutput): Promise<void> {
  const paths = dataRoot();
  mkdirSync(paths.tmp, { recursive: true });
  const logStart = existsSync(paths.logFile) ? statSync(paths.logFile).size : 0;
  const logFd = openSync(paths.logFile, 'a');
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const child = spawn(process.execPath, [main, 'up', ...opts.args], { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const exited = new Promise<'exited'>((resolve) => child.once('exit', () => resolve('exited')));
  const waiting = new AbortController();
  const ready = waitForControl({ host: opts.host, port: opts.webPort }, 10_000, waiting.signal).then((up) => (up ? 'ready' : 'timeout'));
  const outcome = await Promise.race([ready, exited]);
  waiting.abort();
  child.unref();
  if (outcome === 'ready') {
    output.out(`vtsim cluster is running (pid ${child.pid}); logs in ${paths.logFile}`);
    return;
  }
  if (outcome === 'timeout') {
    if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    throw new Error(`the cluster process did not come up within 10 s and was stopped; see ${paths.logFile}`);
  }
  const log = readFileSync(paths.logFile, 'utf8').slice(logStart);
  const error = log.split('\n').filter((line) => line.startsWith('ERROR: ')).pop();
  throw new Error(error ? error.slice('ERROR: '.length) : `the cluster process exited; see ${paths.logFile}`);
}
