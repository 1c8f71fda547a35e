/**
 * Cluster: the composition root of a running vtsim. It owns the memory topology, the simulated
 * mysqld network, every tablet and the vtgate, all in this process, and adds or removes them on
 * request, the way the local example's scripts start and stop processes.
 */
import type { BinlogRetention, Clock, Logger } from '@vtsim/binlog';
import { SeededRandom, noopLogger, randomUuid, systemClock } from '@vtsim/binlog';
import type { TabletAlias } from '@vtsim/proto';
import { TabletType, parseTabletAlias, tabletAliasString } from '@vtsim/proto';
import { TopoError, TopoServer } from '@vtsim/topo';
import { CopyPhaseControl, LocalMysqlNetwork, Mysqld, RemoteMysqlNetwork, StaticAuthPlugin, Tablet, TabletGrpcDialer, startTabletGrpcServer, type GrpcAuthFlags, type GrpcKeepalive, type MysqldOptions, type QueryService, type TabletGrpcServer, type TabletManagerClient } from '@vtsim/vttablet';
import { Vtctld, addVtctldServices, startVtctldGrpcServer, type VtctldGrpcServer, type VtctldServices } from '@vtsim/vtctld';
import { Vtgate, startSharedGrpcServer, startVtgateHttpServer, type SharedGrpcServer, type VtgateHttpServer } from '@vtsim/vtgate';
import { Vtorc, startVtorcHttpServer, type VtorcConfig, type VtorcHttpServer } from '@vtsim/vtorc';
import type { AuthFlags } from './auth-flags.js';
import { ClusterTimeline } from './cluster-timeline.js';
import { ClusterDbDdlPlugin } from './dbddl-plugin.js';
import { FaultInjector } from './fault-injector.js';
import type { FaultCaller, FaultTimeouts } from './fault-network.js';

/** How to start a cluster. */
export interface ClusterOptions {
  /** The cell every component lives in (default `zone1`). */
  cell?: string;
  /** Seed for server UUIDs and other randomness: the same seed and inputs give the same GTIDs. */
  seed?: string;
  clock?: Clock;
  /** vtgate's MySQL port (default 15306; 0 = any free port). */
  mysqlPort?: number;
  /** vtgate's gRPC port (`vtsim up` uses 15991; 0 = any free port; omitted = no gRPC server). */
  grpcPort?: number;
  /** vtgate's web port, `/debug/status` and `/debug/vars` (the local example's 15001; 0 = any free port; omitted = none). */
  vtgateWebPort?: number;
  /** vtgate's `--enable_buffer`: writes wait out a primary's failover or a cutover (default true, as the local example's vtgate runs). */
  vtgateBuffer?: boolean;
  /** vtctld's gRPC port (`vtsim up` uses 15999; 0 = any free port; omitted = no vtctld server). */
  vtctldGrpcPort?: number;
  /**
   * vtcombo's one gRPC port (vttestserver's base+1): `vtgateservice.Vitess`, `vtctlservice.Vtctld`
   * and `vtctlservice.Vtctl` served together (0 = any free port). When set, `grpcPort` and
   * `vtctldGrpcPort` are not used.
   */
  vtcomboGrpcPort?: number;
  /** Address to bind servers to (default 127.0.0.1). */
  host?: string;
  /** Address of vtgate's MySQL port (vttestserver's `--mysql_bind_host`; default `host`). */
  mysqlHost?: string;
  /** Further cells registered in the topology next to `cell` (vttestserver's `--cells`). */
  cells?: string[];
  /** The version vtgate's MySQL handshake and `select @@version` report (`--mysql_server_version`). */
  mysqlServerVersion?: string;
  /**
   * Credentials (Vitess's static auth flags): `grpcAuth` guards vtctld's gRPC service and is
   * vtgate's default, `mysqlAuth` is vtgate's default; off when omitted.
   */
  auth?: Partial<AuthFlags>;
  /** The default of {@link TabletSpec.heartbeatIntervalMs} (`vtsim up --heartbeat_enable`). */
  heartbeatIntervalMs?: number;
  /** The default of {@link TabletSpec.binlogRetention} (`vtsim up --binlog-retention`). */
  binlogRetention?: BinlogRetention;
  /** How long vtgate, vtctld and VTOrc wait for a partitioned tablet (default Vitess's timeouts; see FaultTimeouts). */
  faultTimeouts?: Partial<FaultTimeouts>;
  /** Where the cluster logs the fault verbs applied, one line each (default: the logger's info lines, component `fault`). */
  faultLog?: (line: string) => void;
  /**
   * Where every component logs (tablet state changes, workflow steps, reparents, components up
   * and down); each gets a child with its `component` field. Default: nothing is logged.
   */
  logger?: Logger;
  /**
   * vtgate's `--vschema_ddl_authorized_users`: who may run ALTER VSCHEMA (`%` everyone, a
   * comma-separated list of users, '' or omitted nobody).
   */
  vschemaDdlAuthorizedUsers?: string;
  /**
   * The topology to run on, already holding a CellInfo for every cell (`vtsim up --topo-implementation
   * etcd2`, see topo-flags.ts); the cluster closes it. Default: a fresh memory topology.
   */
  topo?: TopoServer;
  /**
   * Mixed mode, as Vitess's tablets are reached: tablets that other processes registered in the
   * topology (`vtsim vttablet`) are reached over gRPC, at their record's hostname and
   * `port_map.grpc`, and their mysqlds replicate from this cluster's and back; each tablet this
   * cluster starts serves gRPC on a port of its own (any free one on `host`, in its record's
   * `port_map.grpc`), with its binlog dump, for the components and replicas of other processes.
   * `vtsim up` sets it with an etcd2 topology. Components of this process reach its own tablets in
   * process. Off (the default): no tablet ports, every mysqld is reached in this process only.
   */
  remoteTablets?: boolean;
  /**
   * False for a process that runs one component and no tablet (`vtsim vtctld`, `vtsim vtgate`,
   * `vtsim vtorc`): every tablet is reached over gRPC (needs `remoteTablets`), addTablet and
   * startMysqld fail, and vtgate's CREATE/DROP DATABASE fails as with Vitess's default `fail` DBDDL
   * plugin (there are no tablets here to create). Default true.
   */
  tabletsInProcess?: boolean;
  /** The keepalive of the gRPC connections to remote tablets (default Vitess's; see GrpcKeepalive). */
  grpcKeepalive?: GrpcKeepalive;
  /** What the records of the tablets this cluster starts advertise (vttablet's `--tablet_hostname`; default `localhost`). */
  tabletHostname?: string;
}

/** What to add when starting a tablet (the local example's vttablet-up.sh environment). */
export interface TabletSpec {
  keyspace: string;
  shard: string;
  uid: number;
  cell?: string;
  /** Defaults to the local example's rule: uid ending in 0 or 1 → REPLICA, else RDONLY. */
  type?: TabletType;
  /**
   * vttablet's `--heartbeat_enable --heartbeat_interval`: while primary, write `_vt.heartbeat`
   * every this many ms. Defaults to the cluster's option; omitted in both: no heartbeats.
   */
  heartbeatIntervalMs?: number;
  /**
   * How much binlog the tablet's mysqld keeps; defaults to the cluster's option, then the binlog's
   * default. Set when the mysqld is created: a vttablet restarted on its running mysqld keeps it.
   */
  binlogRetention?: BinlogRetention;
}

/** A running in-memory Vitess cluster. */
export class Cluster {
  readonly topo: TopoServer;
  readonly cell: string;
  readonly host: string;
  /** Where replicas find their source's mysqld: this process's, or (remoteTablets) a tablet process's over gRPC. */
  private readonly network: LocalMysqlNetwork;
  private readonly tablets = new Map<string, Tablet>();
  /**
   * The gRPC port of each kept mysqld's tablet, by alias string (ClusterOptions.remoteTablets only):
   * bound at the vttablet's first start and kept with the mysqld (its binlog dump outlives a
   * stopped vttablet, whose calls fail UNAVAILABLE meanwhile), so a restarted tablet keeps its port.
   */
  private readonly tabletGrpc = new Map<string, TabletGrpcServer>();
  /** Every tablet's mysqld, running or not, by alias string: it outlives the tablet's vttablet. */
  private readonly mysqlds = new Map<string, Mysqld>();
  /** How many mysqlds each alias has had (a deleted tablet's next one is a new server). */
  private readonly mysqldsCreated = new Map<string, number>();
  /** The spec each tablet was last started with, by alias string (restartTablet starts it again so). */
  private readonly specs = new Map<string, TabletSpec>();
  /** Mysqlds startMysqld created that no vttablet has used yet (the first `tablet up` may set their binlog retention). */
  private readonly unclaimed = new Set<string>();
  private vtgateInstance: Vtgate | undefined;
  /** vtgate's web port server (ClusterOptions.vtgateWebPort), while vtgate runs. */
  private vtgateHttp: VtgateHttpServer | undefined;
  /** The auth flags vtgate was last started with (restartVtgate keeps them). */
  private vtgateAuth: Partial<AuthFlags> = {};
  private vtctldServer: VtctldGrpcServer | undefined;
  /** vtcombo's one gRPC server (ClusterOptions.vtcomboGrpcPort), and vtctld's services on it. */
  private combined: { grpc: SharedGrpcServer; vtctld: VtctldServices } | undefined;
  private vtorcInstance: { vtorc: Vtorc; http: VtorcHttpServer | undefined } | undefined;
  private closed = false;
  /** The control plane: topology, schema and (later) workflow operations, as vtctld serves them. */
  readonly vtctld: Vtctld;
  /** The VReplication copy throttle and copy-cycle interrupts every tablet's engine follows. */
  private readonly copyPhase = new CopyPhaseControl();
  /** The fault verbs (see fault-verbs.ts); vtgate, vtctld and VReplication reach tablets through it. */
  readonly faults: FaultInjector;
  /** The logger every component of this cluster writes to (see ClusterOptions.logger); it feeds the timeline. */
  readonly logger: Logger;
  /** What happened in the cluster, one line each, recorded from the components' log lines (the live view shows it). */
  readonly timeline: ClusterTimeline;
  /** Tablets in other processes, over gRPC (ClusterOptions.remoteTablets). */
  private readonly remoteTablets: TabletGrpcDialer | undefined;

  private constructor(private readonly opts: ClusterOptions, readonly clock: Clock, topo: TopoServer, cell: string) {
    this.cell = cell;
    this.host = opts.host ?? '127.0.0.1';
    this.topo = topo;
    this.timeline = new ClusterTimeline(clock);
    this.logger = this.timeline.logger(opts.logger ?? noopLogger);
    const faultLogger = this.logger.child({ component: 'fault' });
    this.faults = new FaultInjector(this, this.copyPhase, { timeouts: opts.faultTimeouts, log: opts.faultLog ?? ((line) => faultLogger.info(line)) });
    this.remoteTablets = opts.remoteTablets ? new TabletGrpcDialer(topo, opts.grpcKeepalive) : undefined;
    this.network = opts.remoteTablets ? new RemoteMysqlNetwork(topo) : new LocalMysqlNetwork();
    const dial = (alias: TabletAlias) => this.dialTablet(alias, 'vtctld');
    this.vtctld = new Vtctld({ topo, tabletDialer: dial, tabletManagerDialer: dial, clock, logger: this.logger.child({ component: 'vtctld' }) });
  }

  /**
   * How vtgate, vtctld, VTOrc and VReplication reach tablet `alias`: a tablet of this process
   * through the fault network (undefined while it is down), any other over gRPC when
   * ClusterOptions.remoteTablets is set (undefined otherwise).
   */
  private dialTablet(alias: TabletAlias, caller: FaultCaller, from?: string): (QueryService & TabletManagerClient) | undefined {
    const key = tabletAliasString(alias);
    const local = this.tablets.get(key);
    if (local || this.mysqlds.has(key) || !this.remoteTablets) return this.faults.network.reach(local, caller, from);
    return this.remoteTablets.dial(alias);
  }

  /**
   * Starts an empty cluster: a memory topology with the cell registered (or `opts.topo`) and
   * vtctld's gRPC service (when a port is given); no tablets, no vtgate.
   */
  static async start(opts: ClusterOptions = {}): Promise<Cluster> {
    const cell = opts.cell ?? 'zone1';
    const cells = [cell, ...(opts.cells ?? []).filter((c) => c !== cell)];
    if (opts.tabletsInProcess === false && !opts.remoteTablets) {
      opts.topo?.close();
      throw new Error('a cluster without tablets in process reaches them over gRPC: set remoteTablets');
    }
    const cluster = new Cluster(opts, opts.clock ?? systemClock, opts.topo ?? (await TopoServer.newMemory(...cells)), cell);
    try {
      if (opts.vtcomboGrpcPort !== undefined) {
        const grpc = await startSharedGrpcServer(cluster.host, opts.vtcomboGrpcPort);
        cluster.combined = { grpc, vtctld: cluster.addVtctldServices(grpc, opts.auth?.grpcAuth) };
      } else if (opts.vtctldGrpcPort !== undefined) await cluster.startVtctldGrpc(opts.vtctldGrpcPort, opts.auth?.grpcAuth);
    } catch (err) {
      await cluster.close();
      throw err;
    }
    return cluster;
  }

  private addVtctldServices(grpc: SharedGrpcServer, grpcAuth: GrpcAuthFlags | undefined): VtctldServices {
    return addVtctldServices(grpc.server, { vtctld: this.vtctld, auth: StaticAuthPlugin.fromFlags(grpcAuth ?? {}) });
  }

  private async startVtctldGrpc(port: number, grpcAuth: GrpcAuthFlags | undefined): Promise<void> {
    const auth = StaticAuthPlugin.fromFlags(grpcAuth ?? {});
    this.vtctldServer = await startVtctldGrpcServer({ host: this.host, port, vtctld: this.vtctld, auth });
    this.logger.info('vtctld gRPC up', { component: 'vtctld', grpc_port: this.vtctldServer.port });
  }

  /**
   * Restarts vtctld's gRPC service on its port with other gRPC auth flags (as restarting the
   * vtctld process with them would). Throws for invalid flags (the running service is kept) or
   * when vtctld's gRPC service was not started.
   */
  async restartVtctldGrpc(grpcAuth: GrpcAuthFlags): Promise<void> {
    if (this.combined) {
      StaticAuthPlugin.fromFlags(grpcAuth);
      this.combined.vtctld.detach();
      this.combined.vtctld = this.addVtctldServices(this.combined.grpc, grpcAuth);
      return;
    }
    const running = this.vtctldServer;
    if (!running) throw new Error('vtctld serves no gRPC in this cluster');
    StaticAuthPlugin.fromFlags(grpcAuth);
    await running.close();
    this.logger.info('vtctld gRPC down', { component: 'vtctld' });
    await this.startVtctldGrpc(running.port, grpcAuth);
  }

  /** Where vtctld's gRPC service listens, if started. */
  get vtctldAddress(): { host: string; port: number } | undefined {
    if (this.combined) return { host: this.host, port: this.combined.grpc.port };
    return this.vtctldServer ? { host: this.host, port: this.vtctldServer.port } : undefined;
  }

  /** The vtgate, if started. */
  get vtgate(): Vtgate | undefined {
    return this.vtgateInstance;
  }

  /** The running tablets, by alias string. */
  tabletMap(): ReadonlyMap<string, Tablet> {
    return this.tablets;
  }

  /** Looks up a running tablet by uid in this cluster's cell. */
  tablet(uid: number): Tablet | undefined {
    return this.tablets.get(tabletAliasString({ cell: this.cell, uid }));
  }

  /**
   * Starts a tablet's vttablet and waits until it serves (when its mysqld runs); fails if the uid
   * is already running. The vttablet fronts the tablet's mysqld, which outlives it: a tablet
   * stopped with removeTablet comes back with its mysqld's data, GTID state, server_uuid and
   * replication, and reads its type from the topology (a primary nobody replaced is PRIMARY again).
   * A tablet never started, or whose record was deleted (deleteTablet, vtctld's DeleteTablets or
   * DeleteShards), starts from an empty mysqld (or the one `startMysqld` created for it). On a stopped mysqld (stopMysqld, killTablet)
   * the vttablet starts without serving, as vttablet waits for its mysqld, and serves once
   * startMysqld brings it back.
   */
  async addTablet(spec: TabletSpec): Promise<Tablet> {
    const alias: TabletAlias = { cell: spec.cell ?? this.cell, uid: spec.uid };
    const key = tabletAliasString(alias);
    this.checkTabletsInProcess();
    if (this.tablets.has(key)) throw new Error(`tablet ${key} is already running`);
    await this.forgetDeletedMysqlds();
    let mysqld = this.mysqlds.get(key);
    if (mysqld && spec.binlogRetention && this.unclaimed.has(key) && mysqld.running && mysqld.binlog.appended === 0) {
      // `mysqlctl up` then `tablet up --binlog-retention`: the empty datadir is set up as asked.
      mysqld = this.createMysqld(alias, spec.binlogRetention, this.mysqldsCreated.get(key)! - 1);
      this.mysqlds.set(key, mysqld);
    }
    const created = !mysqld;
    mysqld ??= this.createMysqld(alias, spec.binlogRetention);
    let tablet: Tablet;
    let grpc: TabletGrpcServer | undefined;
    try {
      grpc = await this.tabletGrpcServer(alias, mysqld);
      tablet = await Tablet.start({
        alias,
        keyspace: spec.keyspace,
        shard: spec.shard,
        type: spec.type ?? (spec.uid % 10 <= 1 ? TabletType.REPLICA : TabletType.RDONLY),
        topo: this.topo,
        network: this.network,
        clock: this.clock,
        mysqld,
        hostname: this.opts.tabletHostname,
        ...(grpc ? { ports: { grpc: grpc.port } } : {}),
        dialer: (a) => this.dialTablet(a, 'vreplication', `${spec.keyspace}/${spec.shard}`),
        copyPhase: this.copyPhase,
        heartbeatIntervalMs: spec.heartbeatIntervalMs ?? this.opts.heartbeatIntervalMs,
        logger: this.logger,
      });
    } catch (err) {
      if (created) {
        this.network.unregister(alias);
        this.tabletGrpc.delete(key);
        await grpc?.close();
      }
      throw err;
    }
    this.mysqlds.set(key, mysqld);
    this.unclaimed.delete(key);
    this.tablets.set(key, tablet);
    this.specs.set(key, { ...spec, cell: alias.cell });
    return tablet;
  }

  /**
   * Mixed mode (ClusterOptions.remoteTablets): the gRPC server of the tablet `alias` on `mysqld`,
   * started on a free port of `host` at its first start (Query and TabletManager answer from the
   * running vttablet, the binlog dump from the mysqld). Undefined in memory mode.
   */
  private async tabletGrpcServer(alias: TabletAlias, mysqld: Mysqld): Promise<TabletGrpcServer | undefined> {
    if (!this.remoteTablets) return undefined;
    const key = tabletAliasString(alias);
    let grpc = this.tabletGrpc.get(key);
    if (!grpc) {
      grpc = await startTabletGrpcServer({ tablet: () => this.tablets.get(key), host: this.host, port: 0, mysqld });
      this.tabletGrpc.set(key, grpc);
    }
    return grpc;
  }

  /** Throws when this process runs no tablets (ClusterOptions.tabletsInProcess false). */
  private checkTabletsInProcess(): void {
    if (this.opts.tabletsInProcess === false) throw new Error('this process runs no tablets: start one with vtsim vttablet');
  }

  /**
   * A new, running mysqld for `alias` (a new datadir), reachable on the network. A new datadir gets
   * a new server_uuid (MySQL writes a fresh auto.cnf), so the GTIDs of a re-created mysqld never
   * collide with those its forgotten predecessor left on replicas.
   */
  private createMysqld(alias: TabletAlias, retention: BinlogRetention | undefined, sameAs?: number): Mysqld {
    const key = tabletAliasString(alias);
    const seed = this.opts.seed ?? 'vtsim';
    // `sameAs`: re-create that incarnation (same server_uuid) of a datadir nothing has written to.
    const incarnation = sameAs ?? this.mysqldsCreated.get(key) ?? 0;
    this.mysqldsCreated.set(key, incarnation + 1);
    const suffix = incarnation === 0 ? '' : `/${incarnation}`;
    const mysqld = new Mysqld({
      serverUuid: randomUuid(new SeededRandom(`${seed}/server_uuid/${key}${suffix}`)),
      clock: this.clock,
      random: new SeededRandom(`${seed}/tablet/${key}${suffix}`),
      binlogRetention: retention ?? this.opts.binlogRetention,
    });
    this.network.register(alias, mysqld);
    return mysqld;
  }

  /**
   * Every mysqld the cluster keeps (running or stopped), with the spec its vttablet last ran with
   * (undefined when none did) and whether that vttablet runs: what persistent mode saves.
   */
  keptMysqlds(): { alias: TabletAlias; mysqld: Mysqld; spec: TabletSpec | undefined; tabletRunning: boolean }[] {
    return [...this.mysqlds].map(([key, mysqld]) => ({ alias: parseTabletAlias(key), mysqld, spec: this.specs.get(key), tabletRunning: this.tablets.has(key) }));
  }

  /**
   * How many datadirs each alias has had, kept or forgotten, by alias string: a re-created datadir
   * gets a new server_uuid from this count, so persistent mode saves and restores it.
   */
  datadirIncarnations(): Record<string, number> {
    return Object.fromEntries(this.mysqldsCreated);
  }

  /** Raises the datadir counts of aliases to at least `counts` (a restored cluster's; see datadirIncarnations). */
  restoreDatadirIncarnations(counts: Record<string, number>): void {
    for (const [key, n] of Object.entries(counts)) this.mysqldsCreated.set(key, Math.max(n, this.mysqldsCreated.get(key) ?? 0));
  }

  /**
   * Starts the mysqld of `alias` on a kept datadir (persistent mode): `load` builds it from the
   * datadir with the cluster's clock, a seeded random source and the binlog retention of `spec`
   * (else the cluster's). It is reachable on the network; `spec`, the one its vttablet last ran
   * with, is what restartTablet starts it with, and the next addTablet of the alias serves it.
   * Fails, keeping nothing, when the alias already has a mysqld or `load` fails.
   */
  async adoptMysqld(alias: TabletAlias, spec: TabletSpec | undefined, load: (opts: Omit<MysqldOptions, 'serverUuid'>) => Promise<Mysqld>): Promise<Mysqld> {
    const key = tabletAliasString(alias);
    if (this.mysqlds.has(key)) throw new Error(`tablet ${key} already has a mysqld`);
    const incarnations = Math.max(1, this.mysqldsCreated.get(key) ?? 0);
    const mysqld = await load({
      clock: this.clock,
      random: new SeededRandom(`${this.opts.seed ?? 'vtsim'}/tablet/${key}/datadir/${incarnations}`),
      binlogRetention: spec?.binlogRetention ?? this.opts.binlogRetention,
    });
    if (this.mysqlds.has(key)) throw new Error(`tablet ${key} already has a mysqld`);
    this.mysqlds.set(key, mysqld);
    this.mysqldsCreated.set(key, incarnations);
    if (spec) this.specs.set(key, { ...spec, cell: alias.cell });
    this.network.register(alias, mysqld);
    return mysqld;
  }

  /**
   * Starts a tablet's mysqld, as `mysqlctl start` / `mysqlctl-up.sh` does: creates it (an empty
   * datadir) when the alias has none, or starts its stopped one on its data, GTID state and
   * server_uuid, read-only and with replication not started (Vitess's my.cnf); a vttablet running
   * on it connects again and serves. A no-op on a running mysqld.
   */
  async startMysqld(uid: number, cell = this.cell): Promise<void> {
    const alias: TabletAlias = { cell, uid };
    const key = tabletAliasString(alias);
    this.checkTabletsInProcess();
    await this.forgetDeletedMysqlds();
    const mysqld = this.mysqlds.get(key);
    if (mysqld) mysqld.start();
    else {
      this.mysqlds.set(key, this.createMysqld(alias, undefined));
      this.unclaimed.add(key);
    }
  }

  /**
   * Stops a tablet's mysqld, as `mysqlctl shutdown` / `mysqlctl-down.sh` does: it keeps its data
   * and becomes unreachable; replicas' channels and binlog streams from it end with error 2013 and
   * retry; its vttablet, if running, stops serving until the mysqld is back. A no-op when the
   * alias has no running mysqld (as mysqlctl shutdown of a server that is not running; a deleted
   * tablet's mysqld is already gone).
   */
  async stopMysqld(uid: number, cell = this.cell): Promise<void> {
    this.mysqlds.get(tabletAliasString({ cell, uid }))?.stop();
  }

  /**
   * The fault `kill-tablet`: kills the tablet's vttablet and mysqld at once, as `kill -9` of both
   * processes. Open transactions are lost (never committed), commits waiting for a semi-sync ack
   * fail with error 2013 (the transaction stays committed in the mysqld's data, as after a crash),
   * committed data, GTID state and server_uuid stay in the stopped mysqld, and the topology record
   * stays (the shard still names a killed primary until something reparents it). Replicas'
   * channels retry the dead source every `--replication_connect_retry`. Fails when the alias has
   * neither a vttablet nor a mysqld. Undo with {@link restartTablet}.
   */
  async killTablet(uid: number, cell = this.cell): Promise<void> {
    const key = tabletAliasString({ cell, uid });
    const tablet = this.tablets.get(key);
    const mysqld = this.mysqlds.get(key);
    if (!tablet && !mysqld) throw new Error(`tablet ${key} does not exist`);
    mysqld?.stop();
    this.tablets.delete(key);
    await tablet?.close();
  }

  /**
   * The fault `restart-tablet`: starts a killed (or stopped) tablet again, its mysqld first and
   * then its vttablet with the spec it was last started with (keyspace, shard, type, heartbeat,
   * binlog retention). The vttablet reads its type from the topology as at any start: a primary
   * nobody replaced is PRIMARY again, one that was replaced comes back as a REPLICA of the new
   * primary. Whatever already runs is left running. Fails for a tablet this cluster never started.
   */
  async restartTablet(uid: number, cell = this.cell): Promise<Tablet> {
    const key = tabletAliasString({ cell, uid });
    const spec = this.specs.get(key);
    if (!spec) throw new Error(`tablet ${key} was never started in this cluster`);
    await this.startMysqld(uid, cell);
    return this.tablets.get(key) ?? this.addTablet(spec);
  }

  /**
   * Stops a tablet's vttablet, as when the vttablet process exits: its topology record stays, and
   * its mysqld keeps running with its data and its own replication (replicas keep replicating from
   * it) for the next addTablet of the same alias.
   */
  async removeTablet(uid: number, cell = this.cell): Promise<void> {
    const key = tabletAliasString({ cell, uid });
    const tablet = this.tablets.get(key);
    if (!tablet) throw new Error(`tablet ${key} is not running`);
    this.tablets.delete(key);
    await tablet.close();
    await this.forgetDeletedMysqlds();
  }

  /**
   * Deletes a tablet as vtctld's DeleteTablets does (a PRIMARY only with `allowPrimary`, and its
   * shard then has no primary), stops its vttablet if running, and forgets its mysqld with the data:
   * the next addTablet of this alias starts from an empty mysqld. Fails, changing nothing, when the
   * tablet has no record or is a primary without `allowPrimary`.
   */
  async deleteTablet(uid: number, opts: { cell?: string; allowPrimary?: boolean } = {}): Promise<void> {
    const alias: TabletAlias = { cell: opts.cell ?? this.cell, uid };
    await this.vtctld.deleteTablets({ tablet_aliases: [alias], allow_primary: !!opts.allowPrimary });
    const key = tabletAliasString(alias);
    const tablet = this.tablets.get(key);
    this.tablets.delete(key);
    await tablet?.close();
    this.forgetMysqld(alias);
  }

  /** Forgets the mysqlds of stopped tablets whose topology record was deleted (DeleteTablets, DeleteShards). */
  private async forgetDeletedMysqlds(): Promise<void> {
    for (const key of [...this.mysqlds.keys()]) {
      // A mysqld whose vttablet never started (mysqlctl up only) has no record to lose.
      if (this.tablets.has(key) || !this.specs.has(key)) continue;
      const alias = parseTabletAlias(key);
      const exists = await this.topo.getTablet(alias).then(
        () => true,
        (err: unknown) => {
          if (err instanceof TopoError && err.code === 'NoNode') return false;
          throw err;
        },
      );
      if (!exists) this.forgetMysqld(alias);
    }
  }

  private forgetMysqld(alias: TabletAlias): void {
    const key = tabletAliasString(alias);
    const mysqld = this.mysqlds.get(key);
    mysqld?.stop();
    this.mysqlds.delete(key);
    this.specs.delete(key);
    this.unclaimed.delete(key);
    this.network.unregister(alias);
    const grpc = this.tabletGrpc.get(key);
    this.tabletGrpc.delete(key);
    void grpc?.close();
  }

  /**
   * Starts vtgate on the MySQL port; `auth` overrides the cluster's credential flags;
   * `beforeServing` is awaited before its ports open (the vtgate process's initial WaitForTablets).
   * Fails if it is already running or an auth flag is invalid.
   */
  async startVtgate(auth: Partial<AuthFlags> = {}, beforeServing?: (vtgate: Vtgate) => Promise<void>): Promise<Vtgate> {
    return this.launchVtgate(auth, this.opts.mysqlPort ?? 15306, this.opts.grpcPort, this.opts.vtgateWebPort, beforeServing);
  }

  /**
   * Stops vtgate and starts it again on the ports it listened on, with the flags it was started
   * with (the fault `restart-vtgate`): client connections and VStreams end. Fails when vtgate is
   * not running.
   */
  async restartVtgate(): Promise<void> {
    const running = this.vtgateInstance;
    if (!running) throw new Error('vtgate is not running');
    const mysqlPort = running.mysqlAddress?.port ?? this.opts.mysqlPort ?? 15306;
    const grpcPort = running.grpcAddress?.port ?? this.opts.grpcPort;
    const webPort = this.vtgateHttp?.port ?? this.opts.vtgateWebPort;
    await this.stopVtgate();
    await this.launchVtgate(this.vtgateAuth, mysqlPort, grpcPort, webPort);
  }

  /** Where vtgate's web port (`/debug/status`, `/debug/vars`) listens, while vtgate runs with one. */
  get vtgateWebAddress(): { host: string; port: number } | undefined {
    return this.vtgateHttp ? { host: this.host, port: this.vtgateHttp.port } : undefined;
  }

  private async launchVtgate(auth: Partial<AuthFlags>, mysqlPort: number, grpcPort: number | undefined, webPort = this.opts.vtgateWebPort, beforeServing?: (vtgate: Vtgate) => Promise<void>): Promise<Vtgate> {
    if (this.vtgateInstance) throw new Error('vtgate is already running');
    this.vtgateAuth = auth;
    const vtgateLogger = this.logger.child({ component: 'vtgate' });
    this.vtgateInstance = await Vtgate.start({
      topo: this.topo,
      cell: this.cell,
      clock: this.clock,
      dialer: (alias) => this.dialTablet(alias, 'vtgate'),
      mysqlPort,
      mysqlHost: this.opts.mysqlHost ?? this.host,
      grpcPort,
      grpcServer: this.combined?.grpc,
      serverVersion: this.opts.mysqlServerVersion,
      // By default as the local example's vtgate runs, with --enable_buffer: writes wait out a cutover.
      buffer: { enabled: this.opts.vtgateBuffer ?? true },
      mysqlAuth: auth.mysqlAuth ?? this.opts.auth?.mysqlAuth,
      grpcAuth: auth.grpcAuth ?? this.opts.auth?.grpcAuth,
      log: (line) => vtgateLogger.warn(line),
      logger: vtgateLogger,
      vschemaDdlAuthorizedUsers: this.opts.vschemaDdlAuthorizedUsers,
      // As vtcombo: CREATE/DROP DATABASE create and remove keyspaces with their tablets (a vtgate
      // process has Vitess's default `fail` plugin instead).
      dbDdlPlugin: this.opts.tabletsInProcess === false ? undefined : new ClusterDbDdlPlugin(this),
      beforeServing,
    });
    if (webPort !== undefined) {
      try {
        this.vtgateHttp = await startVtgateHttpServer(this.vtgateInstance, this.host, webPort);
      } catch (err) {
        const vtgate = this.vtgateInstance;
        this.vtgateInstance = undefined;
        await vtgate.close();
        throw err;
      }
    }
    vtgateLogger.info('vtgate up', { mysql_port: this.vtgateInstance.mysqlAddress?.port, grpc_port: this.vtgateInstance.grpcAddress?.port, web_port: this.vtgateHttp?.port });
    return this.vtgateInstance;
  }

  /** Stops vtgate; a no-op when it is not running. */
  async stopVtgate(): Promise<void> {
    const vtgate = this.vtgateInstance;
    const http = this.vtgateHttp;
    this.vtgateInstance = undefined;
    this.vtgateHttp = undefined;
    await http?.close();
    await vtgate?.close();
    if (vtgate) this.logger.info('vtgate down', { component: 'vtgate' });
  }

  /** The VTOrc, if started. */
  get vtorc(): Vtorc | undefined {
    return this.vtorcInstance?.vtorc;
  }

  /**
   * Starts VTOrc (`config` over the local example's defaults) watching every shard of the cluster,
   * and its HTTP pages on `config.port` unless `http` is false. Returns the HTTP port (undefined
   * without pages). Fails if VTOrc is already running or the port is taken.
   */
  async startVtorc(config: Partial<VtorcConfig> = {}, http = true): Promise<number | undefined> {
    if (this.vtorcInstance) throw new Error('vtorc is already running');
    const vtorcLogger = this.logger.child({ component: 'vtorc' });
    const vtorc = await Vtorc.start({
      topo: this.topo,
      tabletManagerDialer: (alias) => this.dialTablet(alias, 'vtorc'),
      vtctld: this.vtctld,
      clock: this.clock,
      config,
      logger: vtorcLogger,
    });
    let server: VtorcHttpServer | undefined;
    try {
      if (http) server = await startVtorcHttpServer(vtorc, this.host, vtorc.config.port);
    } catch (err) {
      await vtorc.close();
      throw err;
    }
    this.vtorcInstance = { vtorc, http: server };
    vtorcLogger.info('vtorc up', { http_port: server?.port });
    return server?.port;
  }

  /** Stops VTOrc and its pages; a no-op when it is not running. */
  async stopVtorc(): Promise<void> {
    const running = this.vtorcInstance;
    this.vtorcInstance = undefined;
    await running?.http?.close();
    await running?.vtorc.close();
    if (running) this.logger.info('vtorc down', { component: 'vtorc' });
  }

  /** Stops everything. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopVtorc();
    this.faults.close();
    await this.stopVtgate();
    await this.vtctldServer?.close();
    if (this.vtctldServer) this.logger.info('vtctld gRPC down', { component: 'vtctld' });
    this.combined?.vtctld.detach();
    await this.combined?.grpc.close();
    await Promise.all([...this.tablets.values()].map((t) => t.close()));
    this.tablets.clear();
    // Every mysqld stops too (ending replication channels and their retry timers).
    for (const mysqld of this.mysqlds.values()) mysqld.stop();
    await Promise.all([...this.tabletGrpc.values()].map((grpc) => grpc.close()));
    this.tabletGrpc.clear();
    this.remoteTablets?.close();
    // Last, the topology (an etcd one holds connections open).
    this.topo.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
