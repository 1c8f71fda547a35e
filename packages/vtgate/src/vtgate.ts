/**
 * Vtgate: the composition of vtgate's parts — topology watches, health check, tablet gateway,
 * resolver, executor, VStream manager — and its servers: the MySQL protocol and the gRPC
 * `vtgateservice.Vitess` service.
 */
import { SeededRandom, type Clock, type Logger, type Random } from '@vtsim/binlog';
import { Code } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import { StaticAuthPlugin, type GrpcAuthFlags, type TabletDialer } from '@vtsim/vttablet';
import { Buffer, type BufferConfig } from './buffer/buffer.js';
import type { DbDdlPlugin } from './db-ddl.js';
import { Executor } from './executor.js';
import { HealthCheck } from './health-check.js';
import { addVtgateServices, startVtgateGrpcServer, type VtgateGrpcServer, type SharedGrpcServer, type VtgateServices, type VStreamFunction } from './grpc/index.js';
import { AuthServerStatic, MysqlServer, type AuthServerStaticFlags } from './mysql-server/index.js';
import { Resolver } from './resolver.js';
import { TabletGateway } from './tablet-gateway.js';
import { TopoWatcher } from './topo-watcher.js';
import { VStreamManager } from './vstream/index.js';
import { VtgateHandler } from './vtgate-handler.js';

/** The server version vtgate announces and returns for `@@version`. */
export const VTGATE_SERVER_VERSION = '8.0.30-Vitess';

/** How to start a vtgate. */
export interface VtgateOptions {
  topo: TopoServer;
  cell: string;
  dialer: TabletDialer;
  clock: Clock;
  /** Source of RAND()/UUID() values; default a SeededRandom seeded with `vtgate`. */
  random?: Random;
  /** MySQL protocol port (15306 in the local example, 0 for any free port); omit to serve no MySQL protocol. */
  mysqlPort?: number;
  /** Address of both servers, default 127.0.0.1. */
  mysqlHost?: string;
  /** gRPC port of `vtgateservice.Vitess` (15991 in the local example, 0 for any free port); omit to serve no gRPC. */
  grpcPort?: number;
  /**
   * A shared gRPC server (vtcombo's one port, next to vtctld's services) to add
   * `vtgateservice.Vitess` to instead of listening on `grpcPort`; close() takes the service off it.
   */
  grpcServer?: SharedGrpcServer;
  /** The version the MySQL handshake and `select @@version` report (`--mysql_server_version`); default VTGATE_SERVER_VERSION. */
  serverVersion?: string;
  /** How often the tablet list, keyspace list and shard list are re-read from the topology; default 1000 ms. */
  refreshIntervalMs?: number;
  /**
   * Buffering of statements during a primary's planned failover (Vitess's `--enable-buffer` and
   * `--buffer-*` flags); off unless `enabled` is true. Vitess's defaults otherwise.
   */
  buffer?: Partial<BufferConfig>;
  /**
   * The MySQL port's static auth server (`--mysql_auth_server_static_file` / `_string`,
   * `--mysql_auth_static_reload_interval`); without a file or string every login is accepted.
   */
  mysqlAuth?: AuthServerStaticFlags;
  /** The gRPC port's authentication (`--grpc_auth_mode`, `--grpc_auth_static_password_file`); off by default. */
  grpcAuth?: GrpcAuthFlags;
  /** Receives the static auth server's log lines (a reload that failed); default: dropped. */
  log?: (line: string) => void;
  /** Where vtgate logs state changes (a VStream moving to new shards at a journal); default nothing. */
  logger?: Logger;
  /**
   * Who may run ALTER VSCHEMA (`--vschema_ddl_authorized_users`): `%` for every user, a
   * comma-separated list of users (MySQL logins; over gRPC the static-auth user, else
   * `unsecure_grpc_client`), or '' for nobody, the default.
   */
  vschemaDdlAuthorizedUsers?: string;
  /** Creates and drops keyspaces for CREATE/DROP DATABASE (vtcombo's plugin); default: both refused (VT12001). */
  dbDdlPlugin?: DbDdlPlugin;
  /**
   * Awaited once the health check runs and before the MySQL and gRPC ports open, as Vitess's vtgate
   * runs its gateway's initial WaitForTablets before it serves (the vtgate process's
   * `--gateway_initial_tablet_timeout`).
   */
  beforeServing?: (vtgate: Vtgate) => Promise<void>;
}

/** A running vtgate. */
export class Vtgate {
  private timer: NodeJS.Timeout | undefined;
  private server: MysqlServer | undefined;
  private address: { host: string; port: number } | undefined;
  private grpc: VtgateGrpcServer | undefined;
  private sharedGrpc: { server: SharedGrpcServer; services: VtgateServices } | undefined;
  private mysqlAuth: AuthServerStatic | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly executor: Executor,
    readonly healthCheck: HealthCheck,
    readonly vstreamManager: VStreamManager,
    private readonly watcher: TopoWatcher,
  ) {}

  /**
   * Starts a vtgate: waits for the SrvVSchema (or its absence), the existing SrvKeyspaces and a
   * first health report from every tablet of the cell, then opens the MySQL port if asked.
   * Rejects if the port is taken or an auth flag is invalid (everything started is closed again).
   */
  static async start(opts: VtgateOptions): Promise<Vtgate> {
    const healthCheck = new HealthCheck(opts.topo, opts.cell, opts.dialer);
    const resolver = new Resolver();
    const gateway = new TabletGateway(healthCheck);
    const buffer = new Buffer(opts.buffer);
    let watcher: TopoWatcher | undefined;
    const executor = new Executor({
      topo: opts.topo,
      cell: opts.cell,
      healthCheck,
      gateway,
      resolver,
      clock: opts.clock,
      random: opts.random ?? new SeededRandom('vtgate'),
      serverVersion: opts.serverVersion ?? VTGATE_SERVER_VERSION,
      ensureKeyspace: (ks) => watcher!.ensureKeyspace(ks),
      buffer,
      vschemaDdlAuthorizedUsers: opts.vschemaDdlAuthorizedUsers,
      dbDdlPlugin: opts.dbDdlPlugin,
    });
    healthCheck.onChange(() => buffer.servingGraphChanged());
    watcher = new TopoWatcher({
      topo: opts.topo,
      cell: opts.cell,
      resolver,
      onVSchema: (v) => executor.setVSchema(v),
      onDeniedTables: (d) => executor.setDeniedTables(d),
      onServingGraphChange: (ks) => buffer.servingGraphChanged(ks),
    });
    const vstreamManager = new VStreamManager({ topo: opts.topo, cell: opts.cell, dialer: opts.dialer, clock: opts.clock, logger: opts.logger });
    const vtgate = new Vtgate(executor, healthCheck, vstreamManager, watcher);
    try {
      const grpcAuth = StaticAuthPlugin.fromFlags(opts.grpcAuth ?? {});
      vtgate.mysqlAuth = AuthServerStatic.fromFlags(opts.mysqlAuth ?? {}, opts.log);
      await watcher.start();
      // The first look at every tablet. With beforeServing (the vtgate process's initial wait,
      // bounded by its timeout) it is not awaited: a tablet that never answers (a stopped process)
      // must not hold the start past that timeout, as Vitess's healthcheck does not.
      const firstRefresh = healthCheck.refresh();
      if (opts.beforeServing) void firstRefresh.catch(() => undefined);
      else await firstRefresh;
      // The tablet list is re-read from here on, the initial wait (beforeServing) included.
      vtgate.timer = setInterval(() => void vtgate.refresh().catch(() => undefined), opts.refreshIntervalMs ?? 1000);
      vtgate.timer.unref();
      await opts.beforeServing?.(vtgate);
      if (opts.mysqlPort !== undefined) {
        vtgate.server = new MysqlServer({
          host: opts.mysqlHost ?? '127.0.0.1',
          port: opts.mysqlPort,
          serverVersion: opts.serverVersion ?? VTGATE_SERVER_VERSION,
          handlerFactory: (info) => VtgateHandler.create(executor, info),
          authServer: vtgate.mysqlAuth,
        });
        vtgate.address = await vtgate.server.listen();
      }
      const vstream: VStreamFunction = (request, signal) => vstreamManager.vstream(request, signal);
      if (opts.grpcServer) vtgate.sharedGrpc = { server: opts.grpcServer, services: addVtgateServices(opts.grpcServer.server, { executor, vstream, auth: grpcAuth }) };
      else if (opts.grpcPort !== undefined) {
        vtgate.grpc = await startVtgateGrpcServer({
          host: opts.mysqlHost ?? '127.0.0.1',
          port: opts.grpcPort,
          executor,
          vstream,
          auth: grpcAuth,
        });
      }
    } catch (err) {
      await vtgate.close();
      throw err;
    }
    return vtgate;
  }

  /** Where the MySQL protocol server listens, or undefined if it was not started. */
  get mysqlAddress(): { host: string; port: number } | undefined {
    return this.address;
  }

  /** Where the gRPC server listens, or undefined if it was not started. */
  get grpcAddress(): { host: string; port: number } | undefined {
    const grpc = this.grpc ?? this.sharedGrpc?.server;
    return grpc ? { host: grpc.host, port: grpc.port } : undefined;
  }

  /** Re-reads tablets, keyspaces and shards from the topology now (the timer does it periodically). */
  async refresh(): Promise<void> {
    if (this.closing) return;
    await Promise.all([this.healthCheck.refresh(), this.watcher.refresh()]);
  }

  /** Stops the MySQL server, the watches and the health streams. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      this.executor.buffer.close();
      // As when a vtgate process stops: its VStream clients lose the transport (UNAVAILABLE).
      this.vstreamManager.dropAll(Code.UNAVAILABLE, 'transport is closing');
      await Promise.all([this.server?.close(), this.grpc?.close(), this.sharedGrpc?.services.detach()]);
      this.mysqlAuth?.close();
      this.watcher.close();
      this.healthCheck.close();
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
