/**
 * startCluster: the TypeScript API for tests. A whole Vitess cluster in the caller's process —
 * keyspaces with their shards, tablets, schema and VSchema, vtgate (MySQL and gRPC), vtctld's gRPC
 * service and the control endpoint `vtsim` commands talk to — with its addresses, a mysql2-ready
 * connection config, Reshard and MoveTables in one call, VStreams as async iterables and the fault
 * verbs. `await using cluster = await startCluster({ keyspaces: [{ name: 'ks', shards: 2 }] })`.
 */
import { TabletType, defaultVStreamFlags, type VStreamFlags, type VStreamRequest, type VStreamResponse } from '@vtsim/proto';
import { generateShardRanges } from '@vtsim/topo';
import { isAlterVschema, splitStatements } from '@vtsim/sql';
import { applySchema, applyVSchema, applyVSchemaDdl } from '@vtsim/vtctld';
import { Cluster } from './cluster.js';
import { startControlServer, type ControlServer } from './control-server.js';
import type { FaultInjector } from './fault-injector.js';
import {
  DEFAULT_TABLET_LAYOUT,
  runMoveTables,
  runReshard,
  startShardTablets,
  type MoveTablesOptions,
  type ReshardOptions,
  type WorkflowResult,
} from './workflow-runner.js';

/** One keyspace to create. */
export interface KeyspaceSpec {
  name: string;
  /** A shard count (1 → shard `0`, n → n even key ranges: 2 → `-80`, `80-`) or the shard names; default 1. */
  shards?: number | string[];
  /**
   * SQL (`;`-separated) applied after the VSchema: DDL goes to every shard's primary, `alter
   * vschema …` statements change the keyspace's VSchema (vtctld's ApplyVSchema --sql), in order.
   */
  schema?: string;
  /** The keyspace's VSchema: an object or its JSON text (vschema.Keyspace). */
  vschema?: object | string;
  /** Tablets per shard that can be primary (the first one is); default 2, as vttestserver's `--replica_count`, which counts the primary. */
  replicaCount?: number;
  /** RDONLY tablets per shard; default 1. */
  rdonlyCount?: number;
}

/** How to start a cluster. */
export interface StartClusterOptions {
  keyspaces?: KeyspaceSpec[];
  /**
   * 0 (default): every server on a free port. A number P: vttestserver's base layout — the control
   * endpoint (vtctld's web port) on P, one gRPC port P+1 serving vtgate's and vtctld's services
   * (as vtcombo's), vtgate's MySQL on P+3 (P+2 is vttestserver's own mysqld, which vtsim has none of).
   */
  port?: number;
  /** Address every server binds (default 127.0.0.1). */
  host?: string;
  /** Seed of server UUIDs and other randomness (default `vtsim`): the same seed and inputs give the same GTIDs. */
  seed?: string;
  /** The cell (default `zone1`). */
  cell?: string;
  /** Where fault verbs are logged, one line each (default: nowhere). */
  faultLog?: (line: string) => void;
  /** vtgate's `--vschema_ddl_authorized_users`: who may run ALTER VSCHEMA through it (`%` everyone; default nobody). */
  vschemaDdlAuthorizedUsers?: string;
}

/** A host and port. */
export interface Address {
  host: string;
  port: number;
}

/** Options for mysql2's createConnection / createPool. */
export interface MysqlConfig {
  host: string;
  port: number;
  user: string;
  /** The first keyspace (vtgate's database name for it); absent without keyspaces. */
  database?: string;
}

/** A VStream request (vtgate.VStreamRequest) with Vitess's defaults for what is left out. */
export interface VStreamParams {
  /** Default PRIMARY. */
  tablet_type?: TabletType;
  vgtid: VStreamRequest['vgtid'];
  filter?: VStreamRequest['filter'];
  flags?: Partial<VStreamFlags>;
}

/** A running cluster (see {@link startCluster}); `close()` or `await using` stops it. */
export interface VtsimCluster extends AsyncDisposable {
  /** vtgate's MySQL protocol server. */
  readonly mysql: Address;
  /** mysql2-ready connection options (user `root`, no password, the first keyspace). */
  readonly mysqlConfig: MysqlConfig;
  /** vtgate's gRPC server (vtgateservice.Vitess: Execute, StreamExecute, VStream …). */
  readonly grpc: Address;
  /** vtctld's gRPC server (vtctlservice.Vtctld, what vtctldclient talks to). */
  readonly vtctld: Address;
  /** The control endpoint (vtctld's web port): `/debug/status`, and what `vtsim status|fault|reshard … --port <port>` reach. */
  readonly web: Address;
  /** The fault verbs (kill-tablet, stall-shard, drop-vstreams, copy-rate, heal, …). */
  readonly fault: FaultInjector;
  /** The cluster itself: topology, tablets, vtgate, vtctld's operations. */
  readonly cluster: Cluster;
  /**
   * Reshards `keyspace` into `targetShards` (`['-80', '80-']` or `'-80,80-'`): starts the new
   * shards' tablets, runs the Reshard workflow until its copy is done, then switches traffic and
   * completes as asked.
   */
  reshard(keyspace: string, targetShards: string[] | string, opts?: ReshardOptions): Promise<WorkflowResult>;
  /** Moves tables between keyspaces (MoveTables), creating the target keyspace's tablets if missing. */
  moveTables(opts: MoveTablesOptions): Promise<WorkflowResult>;
  /**
   * Streams changes through vtgate's VStream (as its gRPC VStream would): each item one
   * VStreamResponse. Ends when `signal` aborts, when the loop breaks, or at close(); throws the
   * VtError vtgate ends the stream with.
   */
  vstream(request: VStreamParams, signal?: AbortSignal): AsyncIterable<VStreamResponse>;
  /** Stops every server and tablet; idempotent. */
  close(): Promise<void>;
}

/** The shard names a spec asks for. */
function shardNames(spec: KeyspaceSpec): string[] {
  const shards = spec.shards ?? 1;
  if (Array.isArray(shards)) {
    if (shards.length === 0) throw new Error(`keyspace ${spec.name}: shards must name at least one shard`);
    return shards;
  }
  if (!Number.isInteger(shards) || shards < 1 || shards > 256) throw new Error(`keyspace ${spec.name}: invalid shard count ${shards}`);
  return shards === 1 ? ['0'] : generateShardRanges(shards);
}

/** The ports each server listens on for a `port` option. */
function portsFor(port: number): { web: number; grpc?: number; vtctld?: number; vtcombo?: number; mysql: number } {
  if (!Number.isInteger(port) || port < 0 || port > 65532) throw new Error(`invalid port ${port}: a base port from 0 to 65532`);
  if (port === 0) return { web: 0, grpc: 0, vtctld: 0, mysql: 0 };
  return { web: port, vtcombo: port + 1, mysql: port + 3 };
}

/** Creates one keyspace: its shards' tablets, then (as vttest orders them) its VSchema and its schema. */
async function createKeyspace(cluster: Cluster, spec: KeyspaceSpec): Promise<void> {
  const layout = { replicaCount: spec.replicaCount ?? DEFAULT_TABLET_LAYOUT.replicaCount, rdonlyCount: spec.rdonlyCount ?? DEFAULT_TABLET_LAYOUT.rdonlyCount };
  await cluster.vtctld.createKeyspace({ name: spec.name });
  for (const shard of shardNames(spec)) await startShardTablets(cluster, spec.name, shard, layout);
  if (spec.vschema !== undefined) await applyVSchema(cluster.topo, spec.name, spec.vschema);
  let ddl: string[] = [];
  const flush = async () => {
    if (ddl.length > 0) await applySchema(cluster.topo, (alias) => cluster.tablet(alias.uid), spec.name, ddl.join(';\n'));
    ddl = [];
  };
  for (const statement of splitStatements(spec.schema ?? '')) {
    if (!isAlterVschema(statement)) {
      ddl.push(statement);
      continue;
    }
    await flush();
    await applyVSchemaDdl(cluster.topo, spec.name, statement);
  }
  await flush();
}

/**
 * Starts a cluster in this process: the keyspaces (each shard with `replicaCount` + `rdonlyCount`
 * tablets, uids 100, 200, … per shard), their schema and VSchema, vtgate, vtctld's gRPC service
 * and the control endpoint. If anything fails, whatever was started is stopped and the error thrown.
 */
export async function startCluster(opts: StartClusterOptions = {}): Promise<VtsimCluster> {
  const ports = portsFor(opts.port ?? 0);
  const names = new Set<string>();
  for (const ks of opts.keyspaces ?? []) {
    if (!ks.name) throw new Error('every keyspace needs a name');
    if (names.has(ks.name)) throw new Error(`keyspace ${ks.name} is given twice`);
    names.add(ks.name);
    shardNames(ks);
  }
  const host = opts.host ?? '127.0.0.1';
  const cluster = await Cluster.start({
    seed: opts.seed,
    cell: opts.cell,
    host,
    mysqlPort: ports.mysql,
    grpcPort: ports.grpc,
    vtctldGrpcPort: ports.vtctld,
    vtcomboGrpcPort: ports.vtcombo,
    faultLog: opts.faultLog ?? (() => undefined),
    vschemaDdlAuthorizedUsers: opts.vschemaDdlAuthorizedUsers,
  });
  let control: ControlServer | undefined;
  let started: StartedCluster | undefined;
  try {
    for (const ks of opts.keyspaces ?? []) await createKeyspace(cluster, ks);
    const vtgate = await cluster.startVtgate();
    // `POST /api/shutdown` (vtsim down's call) closes the cluster as close() does.
    control = await startControlServer(cluster, host, ports.web, () => void (started ?? cluster).close());
    started = new StartedCluster(cluster, control, vtgate.mysqlAddress!, vtgate.grpcAddress!, opts.keyspaces?.[0]?.name);
    return started;
  } catch (err) {
    await control?.close();
    await cluster.close();
    throw err;
  }
}

/** The {@link VtsimCluster} startCluster returns. */
class StartedCluster implements VtsimCluster {
  readonly mysqlConfig: MysqlConfig;
  readonly vtctld: Address;
  readonly web: Address;
  private readonly streams = new Set<AbortController>();
  private closing: Promise<void> | undefined;

  constructor(readonly cluster: Cluster, private readonly control: ControlServer, readonly mysql: Address, readonly grpc: Address, database: string | undefined) {
    this.mysqlConfig = { host: mysql.host, port: mysql.port, user: 'root', ...(database ? { database } : {}) };
    this.vtctld = cluster.vtctldAddress!;
    this.web = { host: cluster.host, port: control.port };
  }

  get fault(): FaultInjector {
    return this.cluster.faults;
  }

  reshard(keyspace: string, targetShards: string[] | string, opts: ReshardOptions = {}): Promise<WorkflowResult> {
    const shards = typeof targetShards === 'string' ? targetShards.split(',').map((s) => s.trim()).filter(Boolean) : targetShards;
    return runReshard(this.cluster, keyspace, shards, opts);
  }

  moveTables(opts: MoveTablesOptions): Promise<WorkflowResult> {
    return runMoveTables(this.cluster, opts);
  }

  vstream(request: VStreamParams, signal?: AbortSignal): AsyncIterable<VStreamResponse> {
    const full: VStreamRequest = {
      tablet_type: request.tablet_type ?? TabletType.PRIMARY,
      vgtid: request.vgtid,
      filter: request.filter ?? null,
      flags: { ...defaultVStreamFlags(), ...request.flags },
    };
    const streams = this.streams;
    const cluster = this.cluster;
    return {
      async *[Symbol.asyncIterator]() {
        const vtgate = cluster.vtgate;
        if (!vtgate) throw new Error('vtgate is not running');
        const abort = new AbortController();
        const onAbort = () => abort.abort();
        signal?.addEventListener('abort', onAbort);
        if (signal?.aborted) abort.abort();
        streams.add(abort);
        try {
          yield* vtgate.vstreamManager.vstream(full, abort.signal);
        } finally {
          abort.abort();
          streams.delete(abort);
          signal?.removeEventListener('abort', onAbort);
        }
      },
    };
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      for (const s of this.streams) s.abort();
      await this.control.close();
      await this.cluster.close();
    })());
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
