/**
 * One Vitess component in its own process (`vtsim vtctld`, `vtsim vtgate`, `vtsim vtorc`), the way
 * the local example's vtctld-up.sh, vtgate-up.sh and vtorc-up.sh start them: the flags every such
 * process takes (the topology's, `--bind-address`, logging), and the run itself — every port it
 * will bind checked before anything starts, the etcd topology opened (a clear error when it does not
 * answer), a Cluster holding no tablet (every tablet reached over gRPC, TabletGrpcDialer) built, the
 * component started on it, then served until SIGINT/SIGTERM; whatever a failing start opened is
 * closed again, and so is everything at the end.
 */
import type { Logger } from '@vtsim/binlog';
import { parseFlags, type FlagSpec, type FlagValues } from '@vtsim/vtctld';
import { Cluster, type ClusterOptions } from './cluster.js';
import { createClusterLogger } from './cluster-logger.js';
import { grpcKeepaliveFrom } from './grpc-client-flags.js';
import { logSettingsFrom } from './log-flags.js';
import { checkPortFree } from './port-probe.js';
import { openTopoServer, topoFlagsFrom } from './topo-flags.js';

/** The flags of every component process (Vitess's names; `_` and `-` alike, as vtctld's flag parser reads them). */
export const COMPONENT_FLAGS: Record<string, FlagSpec> = {
  'topo-implementation': { type: 'string' },
  'topo-global-server-address': { type: 'string' },
  'topo-global-root': { type: 'string' },
  'topo-etcd-lease-ttl': { type: 'string' },
  'bind-address': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  // Vitess's grpcclient flags, for the connections to the tablets (see grpc-client-flags.ts).
  'grpc-keepalive-time': { type: 'string' },
  'grpc-keepalive-timeout': { type: 'string' },
  // Vitess's glog switches: vtsim's components always log to stderr, so both are accepted as given.
  logtostderr: { type: 'bool' },
  alsologtostderr: { type: 'bool' },
  help: { type: 'bool' },
};

/** The usage lines of {@link COMPONENT_FLAGS}, for each command's usage text. */
export const COMPONENT_FLAGS_USAGE = `  --topo_implementation etcd2 --topo_global_server_address HOST:PORT --topo_global_root /vitess/global
  [--topo_etcd_lease_ttl 30]   the topology (required: only etcd is shared between processes)
  [--bind-address 127.0.0.1]   the address every port listens on
  [--grpc_keepalive_time 10s --grpc_keepalive_timeout 10s]   pings on the connections to tablets
  [--log-level info] [--log-format text|json]   log lines on stderr (--logtostderr, --alsologtostderr accepted)`;

/**
 * Parses a component's command line against its own `specs` and {@link COMPONENT_FLAGS}; throws
 * `unknown flag: --x`, a value error, or for a positional argument.
 */
export function parseComponentFlags(args: readonly string[], specs: Record<string, FlagSpec>): FlagValues {
  const { flags, positionals } = parseFlags(args, { ...COMPONENT_FLAGS, ...specs });
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  return flags;
}

/**
 * Splits `args` into the {@link COMPONENT_FLAGS} (parsed) and everything else, in order, for a
 * component whose own flags another parser reads (vtorc's). A component flag's value is taken
 * from `--name=value` or the next argument.
 */
export function extractComponentFlags(args: readonly string[]): { flags: FlagValues; rest: string[] } {
  const mine: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const m = /^--?([^=]+)(=.*)?$/s.exec(arg);
    const spec = m ? COMPONENT_FLAGS[m[1]!.replace(/_/g, '-')] : undefined;
    if (!spec) {
      rest.push(arg);
      continue;
    }
    mine.push(arg);
    if (spec.type !== 'bool' && m![2] === undefined && i + 1 < args.length) mine.push(args[++i]!);
  }
  return { flags: parseComponentFlags(mine, {}), rest };
}

/** Reads a port flag: 1-65535, or `fallback` when not given. */
export function portFlag(flags: FlagValues, name: string, fallback: number): number {
  const value = flags[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`invalid --${name.replace(/-/g, '_')} ${String(value)}: a port is 1-65535`);
  }
  return value;
}

/** Checks a component's `--service_map` against the services it serves (`required` among them). */
export function checkServiceMap(given: string[] | undefined, known: readonly string[], required: string, component: string): void {
  if (given === undefined) return;
  const unknown = given.find((s) => !known.includes(s));
  if (unknown !== undefined) throw new Error(`--service_map: vtsim's ${component} has no service ${unknown} (it serves ${known.join(', ')})`);
  if (!given.includes(required)) throw new Error(`--service_map must name ${required}: it is what vtsim's ${component} serves`);
}

/** What a component started on the cluster: the line printed once it serves, and what to close besides the cluster. */
export interface StartedComponent {
  ready: string;
  close?: () => Promise<void>;
}

/** How {@link runComponent} runs one component. */
export interface ComponentRun {
  /** The command's name (`vtctld`, `vtgate`, `vtorc`), for errors. */
  name: string;
  /** The parsed flags (COMPONENT_FLAGS among them). */
  flags: FlagValues;
  /** The cell the component lives in (its CellInfo is added when the topology lacks it); none for VTOrc, which serves every cell. */
  cell?: string;
  /** Every port the process will bind (on `host`, default `--bind-address`), with what it is for: each is checked before anything starts. */
  ports: { port: number; what: string; host?: string }[];
  /** Cluster options besides the topology, host, cell and logger (vtctld's gRPC port, vtgate's ports). */
  cluster?: Omit<ClusterOptions, 'topo' | 'host' | 'cell' | 'logger' | 'remoteTablets' | 'tabletsInProcess'>;
  /** Starts the component on the cluster; a throw stops everything already started. */
  start: (cluster: Cluster, host: string, logger: Logger) => Promise<StartedComponent>;
}

/**
 * Runs one component until SIGINT/SIGTERM (see the module comment) and resolves with exit code 0;
 * prints its ready line on `out` once it serves. Throws (nothing left running) when a flag is
 * invalid, the topology is not etcd2 or does not answer, a port is taken, or the start fails.
 */
export async function runComponent(run: ComponentRun, out: (line: string) => void): Promise<number> {
  const topoFlags = topoFlagsFrom(run.flags);
  if (topoFlags.implementation !== 'etcd2') {
    throw new Error(`vtsim ${run.name} needs --topo_implementation etcd2: a memory topology lives in one process, where no other component would find this one`);
  }
  const grpcKeepalive = grpcKeepaliveFrom(run.flags);
  const logger = createClusterLogger(logSettingsFrom(run.flags as Record<string, string | undefined>));
  const host = (run.flags['bind-address'] as string | undefined) ?? '127.0.0.1';
  const seen = new Map<number, string>();
  for (const { port, what, host: portHost } of run.ports) {
    const other = seen.get(port);
    if (other) throw new Error(`port ${port} is given twice: for ${other} and for ${what}`);
    seen.set(port, what);
    await checkPortFree(portHost ?? host, port, what);
  }
  const topo = await openTopoServer(topoFlags, run.cell === undefined ? [] : [run.cell]);
  // Cluster.start closes the topology when it fails.
  const cluster = await Cluster.start({ ...run.cluster, topo, host, cell: run.cell, logger, remoteTablets: true, tabletsInProcess: false, grpcKeepalive });
  let started: StartedComponent;
  try {
    started = await run.start(cluster, host, logger);
  } catch (err) {
    await cluster.close();
    throw err;
  }
  out(started.ready);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await started.close?.();
  await cluster.close();
  logger.info(`${run.name} stopped`, { component: run.name });
  return 0;
}
