/**
 * `vtsim up`: runs the cluster process. In the foreground it serves until SIGINT/SIGTERM; with
 * `--detach` it starts itself in the background, writes VTDATAROOT/tmp/vtsim.pid, waits until the
 * cluster answers, and returns.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BinlogRetention } from '@vtsim/binlog';
import { authFlagArgs, type AuthFlags } from './auth-flags.js';
import { Cluster } from './cluster.js';
import { waitForControl } from './control-client.js';
import { startControlServer, type ControlServer } from './control-server.js';
import { binlogRetentionArgs } from './binlog-retention-flag.js';
import { startChaos, type ChaosRun } from './chaos-runner.js';
import { createClusterLogger } from './cluster-logger.js';
import { heartbeatArgs } from './heartbeat-flags.js';
import { DEFAULT_LOG_SETTINGS, logFlagArgs, type LogSettings } from './log-flags.js';
import { createInitialTopology, type InitialTopology } from './initial-topology.js';
import { runningPid } from './process-state.js';
import { dataRoot } from './vtdataroot.js';

/** Options of `vtsim up`. */
export interface UpOptions {
  detach: boolean;
  vtgate: boolean;
  seed: string;
  host: string;
  webPort: number;
  mysqlPort: number;
  grpcPort: number;
  vtctldGrpcPort: number;
  /** Keyspaces, shards and tablets to create before serving (vttestserver's flags). */
  topology?: InitialTopology;
  /** The command-line flags that describe `topology`, passed on to a detached process. */
  topologyArgs?: string[];
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
}

/** Runs `vtsim up`; resolves when a detached cluster is ready, or when a foreground one has stopped. */
export async function up(opts: UpOptions, log: (line: string) => void): Promise<void> {
  const paths = dataRoot();
  if (opts.detach) {
    if (runningPid(paths.pidFile) !== undefined) throw new Error(`a vtsim cluster is already running (pid file ${paths.pidFile})`);
    mkdirSync(paths.tmp, { recursive: true });
    const logFd = openSync(paths.logFile, 'a');
    const args = [fileURLToPath(new URL('./main.js', import.meta.url)), 'up', '--seed', opts.seed, '--host', opts.host,
      '--port', String(opts.webPort), '--mysql-port', String(opts.mysqlPort), '--grpc-port', String(opts.grpcPort), '--vtctld-grpc-port', String(opts.vtctldGrpcPort), ...(opts.vtgate ? [] : ['--no-vtgate']),
      ...(opts.topologyArgs ?? []), ...(opts.auth ? authFlagArgs(opts.auth) : []), ...heartbeatArgs(opts.heartbeatIntervalMs), ...binlogRetentionArgs(opts.binlogRetention),
      ...(opts.chaos ? ['--chaos-seed', opts.chaos.seed, '--chaos-every', String(opts.chaos.everyMs)] : []), ...logFlagArgs(opts.log ?? DEFAULT_LOG_SETTINGS)];
    const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    child.unref();
    if (!(await waitForControl({ host: opts.host, port: opts.webPort }, 10_000))) {
      throw new Error(`the cluster process did not come up; see ${paths.logFile}`);
    }
    log(`vtsim cluster is running (pid ${child.pid}); logs in ${paths.logFile}`);
    return;
  }

  const logger = createClusterLogger(opts.log ?? DEFAULT_LOG_SETTINGS);
  const ownLog = logger.child({ component: 'vtsim' });
  const cluster = await Cluster.start({
    seed: opts.seed,
    host: opts.host,
    mysqlPort: opts.mysqlPort,
    grpcPort: opts.grpcPort,
    vtctldGrpcPort: opts.vtctldGrpcPort,
    heartbeatIntervalMs: opts.heartbeatIntervalMs,
    binlogRetention: opts.binlogRetention,
    auth: opts.auth,
    logger,
  });
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  let stopping: Promise<void> | undefined;
  let chaos: ChaosRun | undefined;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    chaos?.stop();
    await control?.close();
    await cluster.close();
    if (runningPid(paths.pidFile) === process.pid) rmSync(paths.pidFile, { force: true });
    ownLog.info('vtsim cluster stopped');
    markStopped();
  })());
  let control: ControlServer | undefined;
  if (opts.topology) await createInitialTopology(cluster, opts.topology);
  if (opts.vtgate) await cluster.startVtgate();
  // The control endpoint answers last: a caller polling it knows the whole cluster is ready.
  control = await startControlServer(cluster, opts.host, opts.webPort, () => void stop());
  mkdirSync(paths.tmp, { recursive: true });
  writeFileSync(paths.pidFile, `${process.pid}\n`);
  ownLog.info('vtsim cluster is up', { control: `http://${opts.host}:${control.port}/debug/status`, vtctld_grpc: `${opts.host}:${opts.vtctldGrpcPort}`,
    ...(opts.vtgate ? { vtgate_mysql: `${opts.host}:${opts.mysqlPort}`, vtgate_grpc: `${opts.host}:${opts.grpcPort}` } : {}) });
  if (opts.chaos) chaos = startChaos(cluster, opts.chaos.seed, opts.chaos.everyMs, (line) => logger.info(line, { component: 'chaos' }));
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await stopped;
}
