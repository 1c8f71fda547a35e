/**
 * Tablet: a simulated vttablet with its own mysqld. It registers itself in the topology, serves
 * `vt_<keyspace>` and the `_vt` sidecar database, becomes its shard's primary when the shard has
 * none (as VTOrc would elect it) or replicates from the primary otherwise, and answers vtgate
 * through the QueryService interface.
 */
import type { BinlogRetention, Clock, Logger, Random } from '@vtsim/binlog';
import { encodePosition, noopLogger } from '@vtsim/binlog';
import type { BindVars, Result, Shard, TabletAlias, TabletVStreamRequest, Target, Tablet as TopoTablet, VEvent, VStreamRowsRequest, VStreamRowsResponse } from '@vtsim/proto';
import { Code, ER, IncludedFields, SqlError, TabletType, VtError, sqlError, stripFieldMetadata, tabletAliasString } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import { TopoError } from '@vtsim/topo';
import { decodePosition } from '@vtsim/binlog';
import { LatestValue } from './latest-value.js';
import type { TabletFullStatus, TabletReplicationStatus } from './tablet-manager.js';
import type { LocalMysqlNetwork } from './mysql-network.js';
import type { MysqlSession } from './mysqld/mysqld.js';
import { Mysqld } from './mysqld/mysqld.js';
import type { ExecuteOptions, QueryService, ReservedState, StreamHealthResponse, TabletDialer } from './query-service.js';
import { HeartbeatWriter } from './heartbeat-writer.js';
import { Replication } from './replication.js';
import { primaryUsesSemiSync, replicaSendsSemiSyncAcks } from './durability-policy.js';
import { connectionError } from './mysqld/client-errors.js';
import { createSidecarDatabase } from './sidecar.js';
import { streamTableRows, streamVEvents, watchLocalVSchema, type VStreamerEnv } from './vstreamer/index.js';
import { VReplicationEngine, type CopyPhaseControl } from './vreplication/index.js';

/** What every tablet needs to start, whichever way it gets its mysqld. */
export interface TabletCommonOptions {
  alias: TabletAlias;
  keyspace: string;
  shard: string;
  /**
   * The type the tablet starts as (vttablet's `--init_tablet_type`: REPLICA or RDONLY); it starts
   * as PRIMARY instead when the shard record names it primary (a restarted primary), when its own
   * record says PRIMARY with a newer term than the shard's, or when it is a REPLICA of a shard
   * without primary (vtsim elects it at once, as VTOrc would).
   */
  type: TabletType;
  topo: TopoServer;
  /** Where this tablet's mysqld becomes reachable for replication, and where it finds its primary's. */
  network: LocalMysqlNetwork;
  clock: Clock;
  /** The hostname the tablet record advertises (vttablet's `--tablet_hostname`; default `localhost`). */
  hostname?: string;
  /**
   * The ports the tablet record advertises: `vt` (web), `grpc` (where its gRPC server listens, see
   * grpc/tablet-grpc-server.ts) and `mysql`; default the local example's 15000/16000/17000 + uid.
   */
  ports?: { vt?: number; grpc?: number; mysql?: number };
  /** Sidecar database name (the keyspace's `sidecar_db_name`), default `_vt`. */
  sidecarDbName?: string;
  /** How this tablet's VReplication streams reach their source tablets (without one they cannot run). */
  dialer?: TabletDialer;
  /**
   * `--heartbeat_enable --heartbeat_interval`: while PRIMARY, write the sidecar `heartbeat` row
   * every this many milliseconds (see heartbeat-writer.ts). Omitted: no heartbeats (Vitess's default).
   */
  heartbeatIntervalMs?: number;
  /** The cluster's VReplication copy throttle and copy-cycle interrupts (vtsim's fault hooks). */
  copyPhase?: CopyPhaseControl;
  /** `--replication_connect_retry` in ms (default 10 s, Vitess's). */
  replicationConnectRetryMs?: number;
  /** Where the tablet logs its state changes and its VReplication streams' steps (default: nowhere). */
  logger?: Logger;
}

/**
 * How often a tablet re-reads its keyspace's durability policy and fixes its semi-sync settings
 * (in Vitess, VTOrc finds a primary or replica with the wrong semi-sync setting and fixes it; its
 * instance poll runs every second).
 */
const DURABILITY_CHECK_INTERVAL_MS = 1000;

/** A tablet that creates its own, empty mysqld, reachable on the network exactly while the tablet runs. */
export interface TabletOwnMysqldOptions {
  /** The new mysqld's server_uuid (from the cluster's seeded source). */
  serverUuid: string;
  /** The new mysqld's randomness. */
  random: Random;
  /** `--binlog-retention`: how much of its binlog the new mysqld keeps (default: the binlog's). */
  binlogRetention?: BinlogRetention;
  mysqld?: undefined;
}

/**
 * A tablet in front of a mysqld that outlives it (a vttablet process restarted next to its running
 * mysqld): the tablet serves the mysqld's data, GTID state and server_uuid as they are, and leaves
 * the mysqld running and reachable on the network when it closes.
 */
export interface TabletAttachedMysqldOptions {
  mysqld: Mysqld;
}

/** What a tablet needs to start. */
export type TabletOptions = TabletCommonOptions & (TabletOwnMysqldOptions | TabletAttachedMysqldOptions);

/**
 * One of a tablet's own MySQL connections (Vitess's StatefulConnection): a transaction's, a
 * reserved one, or a reserved one with a transaction open (then the transaction id is the reserved
 * id). A reserved connection keeps its session state (temporary tables, variables) until released.
 */
interface StatefulConnection {
  session: MysqlSession;
  reserved: boolean;
  inTransaction: boolean;
}

/** A running tablet; close() stops it. */
export class Tablet implements QueryService {
  readonly alias: TabletAlias;
  readonly keyspace: string;
  readonly shard: string;
  readonly dbName: string;
  readonly sidecarDbName: string;
  readonly mysqld: Mysqld;
  /** False when the mysqld was attached (it outlives this tablet). */
  private readonly ownsMysqld: boolean;
  private tabletType: TabletType;
  private serving = false;
  private closed = false;
  private primaryTermStart = 0;
  private readonly autocommitSession: MysqlSession;
  /** SOURCE_DELAY for channels this tablet configures (setReplicationDelay). */
  private replicationDelayMs = 0;
  private unsubscribeMysqld: (() => void) | undefined;
  private durabilityTimer: ReturnType<typeof setInterval> | undefined;
  /** The sidecar and `vt_` databases exist on the mysqld (created on the first connect). */
  private databasesCreated = false;
  /** Transactions and reserved connections by id (Vitess's stateful connections). */
  private readonly connections = new Map<number, StatefulConnection>();
  private nextTransactionId: number;
  private readonly health: LatestValue<StreamHealthResponse>;
  private readonly heartbeatWriter: HeartbeatWriter | undefined;
  /** The tablet's logger: every line names the component, the tablet and its keyspace/shard. */
  private readonly log: Logger;

  private constructor(private readonly opts: TabletOptions) {
    this.alias = opts.alias;
    this.log = (opts.logger ?? noopLogger).child({ component: 'vttablet', tablet: tabletAliasString(opts.alias), keyspace: opts.keyspace, shard: opts.shard });
    this.keyspace = opts.keyspace;
    this.shard = opts.shard;
    this.dbName = `vt_${opts.keyspace}`;
    this.sidecarDbName = opts.sidecarDbName ?? '_vt';
    this.tabletType = opts.type;
    this.ownsMysqld = opts.mysqld === undefined;
    this.mysqld = opts.mysqld ?? new Mysqld({ serverUuid: opts.serverUuid, clock: opts.clock, random: opts.random, binlogRetention: opts.binlogRetention });
    // The sequence cache is the vttablet's, not the mysqld's: a restarted tablet starts without it.
    this.mysqld.sequences.reset();
    this.replicationDelayMs = this.mysqld.replicationChannel?.status().delayMs ?? 0;
    this.autocommitSession = this.mysqld.createSession({ database: this.dbName });
    this.nextTransactionId = opts.clock.now() * 1000;
    this.health = new LatestValue(this.healthReport());
    if (opts.heartbeatIntervalMs !== undefined) {
      this.heartbeatWriter = new HeartbeatWriter({
        mysqld: this.mysqld,
        sidecarDbName: this.sidecarDbName,
        keyspace: opts.keyspace,
        shard: opts.shard,
        tabletUid: opts.alias.uid,
        clock: opts.clock,
        intervalMs: opts.heartbeatIntervalMs,
      });
    }
  }

  /**
   * Starts a tablet: creates its keyspace and shard records if missing, registers the tablet,
   * takes the primary role if the shard has no primary (REPLICA tablets only), else starts
   * replicating from the primary, and begins serving.
   */
  static async start(opts: TabletOptions): Promise<Tablet> {
    const tablet = new Tablet(opts);
    await tablet.init();
    return tablet;
  }

  /** The tablet's current type. */
  get type(): TabletType {
    return this.tabletType;
  }

  /** True while the tablet accepts queries. */
  get isServing(): boolean {
    return this.serving;
  }

  /**
   * How many of the tablet's own connections are open (vttablet's transaction pool figures): those
   * with a transaction, and those reserved for a client (with or without one).
   */
  statefulConnections(): { transactions: number; reserved: number } {
    let transactions = 0;
    let reserved = 0;
    for (const conn of this.connections.values()) {
      if (conn.inTransaction) transactions++;
      if (conn.reserved) reserved++;
    }
    return { transactions, reserved };
  }

  /** The mysqld's current position, `MySQL56/<gtid set>`. */
  position(): string {
    return encodePosition({ flavor: 'MySQL56', gtidSet: this.mysqld.gtidExecuted() });
  }

  async execute(target: Target, sql: string, bindVars: BindVars, transactionId: number, options?: ExecuteOptions, reservedId = 0): Promise<Result> {
    this.checkTarget(target);
    const appended = this.mysqld.binlog.appended;
    // vtgate's information_schema routing asks for this tablet's database in `:__vtschemaname` (Vitess's BvReplaceSchemaName).
    if (bindVars.__replacevtschemaname !== undefined) bindVars = { ...bindVars, __vtschemaname: this.dbName };
    const id = transactionId || reservedId;
    const result = this.executeInSession(id ? this.connection(id) : undefined, sql, bindVars, options ?? {});
    if (!transactionId && this.mysqld.semiSync.enabled) await this.waitForSemiSyncAck(appended);
    return this.tabletResult(result, options);
  }

  /** A result as vtgate gets it: fields stripped to `included_fields`, `vt_<keyspace>` read as the keyspace with ALL. */
  private tabletResult(result: Result, options: ExecuteOptions | undefined): Result {
    const included = options?.includedFields;
    if (included === undefined || result.fields.length === 0) return result;
    const fields = stripFieldMetadata(result.fields, included);
    if (included === IncludedFields.ALL) {
      for (const f of fields) if (f.database === this.dbName) f.database = this.keyspace;
    }
    return { ...result, fields };
  }

  /**
   * Runs a statement on a transaction's or reserved connection (`conn`), else on the shared
   * autocommit connection, with the execute options' database and settings applied first. Outside
   * a transaction, a statement that opens one is rolled back and refused.
   */
  private executeInSession(conn: StatefulConnection | undefined, sql: string, bindVars: BindVars, options: ExecuteOptions): Result {
    const session = conn?.session ?? this.autocommitSession;
    session.database = options.database ?? this.dbName;
    session.setSqlMode(options.sqlMode ?? this.mysqld.globalSqlMode());
    session.clientFoundRows = options.clientFoundRows ?? false;
    if (options.foreignKeyChecks === false) session.sessionVariables.set('foreign_key_checks', 0n);
    else session.sessionVariables.delete('foreign_key_checks');
    if (conn?.inTransaction) return session.execute(sql, bindVars);
    try {
      return session.execute(sql, bindVars);
    } finally {
      if (session.inTransaction) {
        session.execute('rollback');
        throw sqlError(ER.UNKNOWN_ERROR, 'transaction statements must go through begin/commit/rollback', Code.INVALID_ARGUMENT);
      }
    }
  }

  async begin(target: Target, options?: { readOnly?: boolean; reservedId?: number }): Promise<number> {
    this.checkTarget(target);
    if (options?.reservedId) {
      const conn = this.connection(options.reservedId);
      if (conn.inTransaction) throw new SqlError(1105, 'HY000', `transaction ${options.reservedId}: already in a transaction`, Code.FAILED_PRECONDITION);
      this.beginOn(conn, options.readOnly);
      return options.reservedId;
    }
    const { id, conn } = this.newConnection(false);
    try {
      this.beginOn(conn, options?.readOnly);
    } catch (err) {
      this.releaseConnection(id);
      throw err;
    }
    return id;
  }

  /** Opens a transaction on a connection, READ ONLY / READ WRITE as asked. */
  private beginOn(conn: StatefulConnection, readOnly: boolean | undefined): void {
    conn.session.execute(readOnly === undefined ? 'begin' : `start transaction ${readOnly ? 'read only' : 'read write'}`);
    conn.inTransaction = true;
  }

  /** A new connection of the tablet's own (a transaction's or a reserved one) under a new id. */
  private newConnection(reserved: boolean): { id: number; conn: StatefulConnection } {
    const conn: StatefulConnection = { session: this.mysqld.createSession({ database: this.dbName }), reserved, inTransaction: false };
    const id = ++this.nextTransactionId;
    this.connections.set(id, conn);
    return { id, conn };
  }

  async commit(target: Target, transactionId: number): Promise<number> {
    this.checkTarget(target);
    const conn = this.transaction(transactionId);
    const appended = this.mysqld.binlog.appended;
    try {
      conn.session.execute('commit');
    } finally {
      this.endTransaction(transactionId, conn);
    }
    if (this.mysqld.semiSync.enabled) await this.waitForSemiSyncAck(appended);
    return conn.reserved ? transactionId : 0;
  }

  /** Marks a connection's transaction ended: a reserved connection stays, any other one is closed and forgotten. */
  private endTransaction(id: number, conn: StatefulConnection): void {
    conn.inTransaction = false;
    if (conn.reserved) return;
    this.connections.delete(id);
    conn.session.close();
  }

  async reserveExecute(target: Target, preQueries: string[], sql: string, bindVars: BindVars, transactionId: number, options?: ExecuteOptions): Promise<ReservedState> {
    this.checkTarget(target);
    let id = transactionId;
    if (id) {
      this.transaction(id).reserved = true;
    } else {
      const fresh = this.newConnection(true);
      id = fresh.id;
      this.runPreQueries(id, fresh.conn, preQueries);
    }
    return this.executeReserved(target, { reservedId: id, transactionId }, sql, bindVars, options);
  }

  async reserveBeginExecute(target: Target, preQueries: string[], postBeginQueries: string[], sql: string, bindVars: BindVars, options?: ExecuteOptions & { readOnly?: boolean }): Promise<ReservedState> {
    this.checkTarget(target);
    const { id, conn } = this.newConnection(true);
    this.runPreQueries(id, conn, preQueries);
    try {
      this.beginOn(conn, options?.readOnly);
      for (const q of postBeginQueries) conn.session.execute(q);
    } catch (err) {
      this.releaseConnection(id);
      throw err;
    }
    return this.executeReserved(target, { reservedId: id, transactionId: id }, sql, bindVars, options);
  }

  /** Runs a reserved connection's settings; on failure the connection is released and the error thrown. */
  private runPreQueries(id: number, conn: StatefulConnection, preQueries: string[]): void {
    try {
      for (const q of preQueries) conn.session.execute(q);
    } catch (err) {
      this.releaseConnection(id);
      throw err;
    }
  }

  /** Runs the first statement of a reserve call; its error is answered in the state, the reservation stays. */
  private async executeReserved(target: Target, ids: { reservedId: number; transactionId: number }, sql: string, bindVars: BindVars, options: ExecuteOptions | undefined): Promise<ReservedState> {
    try {
      return { ...ids, result: await this.execute(target, sql, bindVars, ids.transactionId, options, ids.reservedId) };
    } catch (error) {
      return { ...ids, error };
    }
  }

  async release(_target: Target, transactionId: number, reservedId: number): Promise<void> {
    this.releaseConnection(reservedId || transactionId);
  }

  /** Closes a connection (rolling back its transaction, dropping its temporary tables) and forgets it. */
  private releaseConnection(id: number): void {
    this.connections.get(id)?.session.close();
    this.connections.delete(id);
  }

  /**
   * With semi-sync on (a primary under a semi-sync durability policy), waits until a replica has
   * acknowledged the binlog transaction a statement just committed (`appended`: the binlog's count
   * before it); returns at once when it wrote none. Callers check `semiSync.enabled` first, so the
   * `none` policy's write path stays synchronous.
   */
  private async waitForSemiSyncAck(appended: number): Promise<void> {
    const { semiSync, binlog } = this.mysqld;
    if (binlog.appended === appended) return;
    await semiSync.waitForAck(binlog.transactionAt(binlog.length - 1).gtid);
  }

  async rollback(_target: Target, transactionId: number): Promise<number> {
    const conn = this.connections.get(transactionId);
    if (!conn?.inTransaction) return conn?.reserved ? transactionId : 0;
    if (conn.reserved) conn.session.execute('rollback');
    this.endTransaction(transactionId, conn);
    return conn.reserved ? transactionId : 0;
  }

  streamHealth(signal: AbortSignal): AsyncIterable<StreamHealthResponse> {
    return this.health.watch(signal);
  }

  // --- VStream (the vstreamer lives in ./vstreamer) ----------------------------------------

  /**
   * Streams changes as vstreamer/uvstreamer.ts describes, with the keyspace's primary vindexes
   * watched from the cell's SrvVSchema. Fails at once for a target this tablet does not serve, and
   * with UNAVAILABLE when the tablet stops serving, changes type or shuts down mid-stream.
   */
  vstream(request: TabletVStreamRequest, signal: AbortSignal): AsyncIterable<VEvent[]> {
    return this.streamer(request.target, signal, (env, local) => streamVEvents(env, request, local));
  }

  /**
   * Streams a table's rows from a consistent snapshot as vstreamer/vstream-rows.ts describes; fails
   * as {@link vstream} does for the target and when the tablet stops serving or changes type.
   */
  vstreamRows(request: VStreamRowsRequest, signal: AbortSignal): AsyncIterable<VStreamRowsResponse> {
    return this.streamer(request.target, signal, (env, local) => streamTableRows(env, request, local));
  }

  /** Runs one vstreamer stream, ending it with UNAVAILABLE when the tablet stops serving, changes type or shuts down. */
  private async *streamer<T>(target: Target, signal: AbortSignal, produce: (env: VStreamerEnv, signal: AbortSignal) => AsyncIterable<T>): AsyncIterable<T> {
    this.checkTarget(target);
    const startType = this.tabletType;
    const local = new AbortController();
    const onAbort = (): void => local.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let ended: VtError | undefined;
    const end = (why: string): void => {
      ended ??= new VtError(Code.UNAVAILABLE, `vstream ended: tablet ${tabletAliasString(this.alias)} ${why}`);
      local.abort();
    };
    void (async () => {
      for await (const h of this.health.watch(local.signal)) {
        if (!h.serving) return end('is not serving');
        if (h.target.tablet_type !== startType) return end(`changed type from ${TabletType[startType]} to ${TabletType[h.target.tablet_type]}`);
      }
      if (!local.signal.aborted) end('is shutting down');
    })();
    try {
      const vschema = await watchLocalVSchema(this.opts.topo, this.alias.cell, this.keyspace, local.signal);
      const env: VStreamerEnv = {
        mysqld: this.mysqld,
        keyspace: this.keyspace,
        shard: this.shard,
        dbName: this.dbName,
        sidecarDbName: this.sidecarDbName,
        clock: this.opts.clock,
        vschema,
      };
      for await (const item of produce(env, local.signal)) {
        if (ended) break;
        yield item;
      }
      if (ended) throw ended;
    } finally {
      signal.removeEventListener('abort', onAbort);
      local.abort();
    }
  }

  /**
   * Stops serving and rolls back open transactions. The topo record stays. An own mysqld stops
   * replicating and leaves the network; an attached one keeps running as it is, replication
   * included (its data, GTID state and channel stay for the next tablet attached to it). Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.serving = false;
    this.unsubscribeMysqld?.();
    if (this.durabilityTimer !== undefined) clearInterval(this.durabilityTimer);
    this.heartbeatWriter?.close();
    this.publishHealth();
    this.health.close();
    await this.vreplicationEngine?.close();
    this.dropConnections();
    this.autocommitSession.close();
    if (this.ownsMysqld) {
      await this.replication?.stop();
      this.opts.network.unregister(this.alias);
    } else if (this.replication) {
      this.replication.onChange = undefined;
    }
  }

  /** The mysqld's replication channel (configured by this or an earlier tablet), if any. */
  private get replication(): Replication | undefined {
    return this.mysqld.replicationChannel;
  }

  /** Ends every transaction and reserved connection (the tablet closes, or its mysqld went away). */
  private dropConnections(): void {
    for (const conn of this.connections.values()) conn.session.close();
    this.connections.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async init(): Promise<void> {
    const { topo, keyspace, shard } = this.opts;
    await ignoreExists(() => topo.createKeyspace(keyspace, { sidecar_db_name: this.sidecarDbName }));
    await ignoreExists(() => topo.createShard(keyspace, shard));
    const si = await topo.getShard(keyspace, shard);
    const existing = await topo.getTablet(this.alias).then(
      (info) => info.tablet,
      (err: unknown) => {
        if (err instanceof TopoError && err.code === 'NoNode') return undefined;
        throw err;
      },
    );
    if (existing && (existing.keyspace !== keyspace || existing.shard !== shard)) {
      throw new VtError(
        Code.FAILED_PRECONDITION,
        `initTablet failed because existing tablet keyspace and shard ${existing.keyspace}/${existing.shard} differ from the provided ones ${keyspace}/${shard}`,
      );
    }
    const primaryTerm = checkPrimaryShip(this.alias, si.shard, existing, this.opts.clock);
    if (primaryTerm !== undefined) {
      this.tabletType = TabletType.PRIMARY;
      this.primaryTermStart = primaryTerm;
      if (!sameAlias(si.shard.primary_alias, this.alias)) {
        // Its own term is newer than the shard's: claim the shard record, as vttablet's shard sync does.
        await topo.updateShardFields(keyspace, shard, (s) => {
          s.primary_alias = { ...this.alias };
          s.primary_term_start_time = { seconds: primaryTerm, nanoseconds: 0 };
        });
      }
    }
    const record = {
      alias: this.alias,
      hostname: this.opts.hostname ?? 'localhost',
      port_map: { vt: this.opts.ports?.vt ?? 15000 + this.alias.uid, grpc: this.opts.ports?.grpc ?? 16000 + this.alias.uid },
      keyspace,
      shard,
      key_range: si.shard.key_range,
      type: this.tabletType,
      db_name_override: '',
      mysql_hostname: this.opts.hostname ?? 'localhost',
      mysql_port: this.opts.ports?.mysql ?? 17000 + this.alias.uid,
      primary_term_start_time: primaryTerm === undefined ? null : { seconds: primaryTerm, nanoseconds: 0 },
      default_conn_collation: 255,
    };
    if (existing) await topo.updateTabletFields(this.alias, (t) => void Object.assign(t, record));
    else await topo.createTablet(record);
    this.opts.network.register(this.alias, this.mysqld);

    if (this.tabletType === TabletType.REPLICA && !si.shard.primary_alias) {
      // No primary yet: the first REPLICA takes the role (what VTOrc does for a new shard).
      const nowSeconds = Math.floor(this.opts.clock.now() / 1000);
      const updated = await topo.updateShardFields(keyspace, shard, (s) => {
        if (s.primary_alias) return false;
        s.primary_alias = { ...this.alias };
        s.primary_term_start_time = { seconds: nowSeconds, nanoseconds: 0 };
      });
      if (sameAlias(updated.shard.primary_alias, this.alias)) {
        this.tabletType = TabletType.PRIMARY;
        this.primaryTermStart = nowSeconds;
        await topo.updateTabletFields(this.alias, (t) => {
          t.type = TabletType.PRIMARY;
          t.primary_term_start_time = { seconds: nowSeconds, nanoseconds: 0 };
        });
      }
    }
    await this.ensureServingGraph();
    this.unsubscribeMysqld = this.mysqld.onRunningChange((running) => {
      if (running) void this.connectMysqld().catch(() => {});
      else this.mysqldLost();
    });
    if (this.mysqld.running) await this.connectMysqld();
    else this.publishHealth();
    this.startVReplicationEngine();
    this.durabilityTimer = setInterval(() => void this.fixSemiSync().catch(() => {}), DURABILITY_CHECK_INTERVAL_MS);
    this.durabilityTimer.unref?.();
  }

  /**
   * Connects to the running mysqld and serves, as vttablet's state manager does at start and when
   * its mysqld comes back: creates the databases if missing, sets read-only per type, fixes
   * semi-sync for the keyspace's durability policy and (non-primaries) replicates from the shard's
   * primary, keeping a channel the mysqld already runs from it.
   */
  private async connectMysqld(): Promise<void> {
    if (this.closed || !this.mysqld.running) return;
    const { topo, keyspace, shard } = this.opts;
    if (!this.databasesCreated) {
      this.mysqld.createDatabase(this.dbName, { logBin: false });
      createSidecarDatabase(this.mysqld, this.sidecarDbName);
      this.databasesCreated = true;
    }
    this.mysqld.superReadOnly = this.tabletType !== TabletType.PRIMARY;
    if (this.replication) this.replication.onChange = () => this.publishHealth();
    await this.fixSemiSync();
    if (this.tabletType !== TabletType.PRIMARY) {
      // As initializeReplication / the replication manager: replicate from the shard's primary,
      // resuming from this mysqld's own position.
      const primary = (await topo.getShard(keyspace, shard)).shard.primary_alias;
      const channel = this.replication;
      if (primary && !sameAlias(primary, this.alias)) {
        if (!channel || channel.isStopped || !sameAlias(channel.source, primary)) this.replicateFrom(primary);
      } else if (channel?.isStopped) {
        this.replicateFrom(channel.source);
      }
    }
    if (this.closed || !this.mysqld.running) return;
    this.serving = true;
    this.publishHealth();
  }

  /** The mysqld stopped under this tablet: stop serving; open transactions are lost. */
  private mysqldLost(): void {
    this.serving = false;
    this.dropConnections();
    this.publishHealth();
  }

  /**
   * Applies the keyspace's durability policy to the mysqld's semi-sync settings, as vttablet's
   * fixSemiSync does: the source side on a PRIMARY whose policy wants acks, the replica side on
   * tablets that send acks under it.
   */
  private async fixSemiSync(): Promise<void> {
    if (this.closed || !this.mysqld.running) return;
    const policy = (await this.opts.topo.getKeyspace(this.keyspace)).keyspace.durability_policy;
    if (this.closed || !this.mysqld.running) return;
    this.mysqld.semiSync.setEnabled(this.tabletType === TabletType.PRIMARY && primaryUsesSemiSync(policy));
    const acks = replicaSendsSemiSyncAcks(policy, this.tabletType);
    if (acks === this.mysqld.semiSyncReplicaEnabled) return;
    this.mysqld.semiSyncReplicaEnabled = acks;
    // vttablet restarts replication for the change to take effect; the reconnected IO thread
    // acknowledges what it has received.
    if (acks) this.replication?.acknowledgeReceived();
  }

  /**
   * Builds the cell's SrvKeyspace when it does not exist yet, or when this shard serves primary
   * traffic but no partition lists it (a new keyspace's shards arriving one by one). Otherwise the
   * serving graph is left alone: it may hold switched reads or disabled query service of a
   * workflow in progress, which a rebuild would undo.
   */
  private async ensureServingGraph(): Promise<void> {
    const { topo, keyspace, shard } = this.opts;
    const cell = this.alias.cell;
    const srv = await topo.getSrvKeyspace(cell, keyspace).catch((err: unknown) => {
      if (err instanceof TopoError && err.code === 'NoNode') return undefined;
      throw err;
    });
    const listed = srv?.partitions.some((p) => p.shard_references.some((r) => r.name === shard)) ?? false;
    if (!srv || (!listed && (await topo.getShard(keyspace, shard)).shard.is_primary_serving)) {
      await topo.rebuildKeyspaceGraph(keyspace, [cell]);
    }
  }

  /**
   * Points this (non-primary) tablet's mysqld at another tablet's (CHANGE REPLICATION SOURCE, then
   * START REPLICA), replacing any channel (whose unapplied relay log it continues when the source
   * is the same). The channel connects through the network and keeps retrying while the source is
   * unreachable.
   */
  replicateFrom(source: TabletAlias): void {
    this.log.debug('replicating from', { source: tabletAliasString(source) });
    const previous = this.replication;
    void previous?.stop();
    this.mysqld.replicationChannel = new Replication({
      relayLog: previous && sameAlias(previous.source, source) ? previous.relayLog() : undefined,
      source: { ...source },
      sourceHost: this.opts.hostname ?? 'localhost',
      sourcePort: 17000 + source.uid,
      network: this.opts.network,
      replica: this.mysqld,
      clock: this.opts.clock,
      connectRetryMs: this.opts.replicationConnectRetryMs,
      delayMs: this.replicationDelayMs,
      onChange: () => this.publishHealth(),
    });
  }

  /** Replication status of the mysqld's channel (undefined when none is configured). */
  replicationStatus() {
    return this.replication?.status();
  }

  /**
   * Sets the replica's SOURCE_DELAY in ms (0 = off): each transaction is applied no earlier than
   * its commit time plus the delay, so the tablet lags by about that much. Applies to the current
   * channel and to channels configured later.
   */
  setReplicationDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new VtError(Code.INVALID_ARGUMENT, `invalid replication delay ${ms}`);
    this.replicationDelayMs = ms;
    this.replication?.setDelay(ms);
  }

  /** The local example's mysqld socket path of this tablet. */
  private mysqlSocket(): string {
    return `/vt/vtdataroot/vt_${String(this.alias.uid).padStart(10, '0')}/mysql.sock`;
  }

  private checkTarget(target: Target): void {
    if (!this.serving) throw new SqlError(1105, 'HY000', `operation not allowed in state ${this.closed ? 'SHUTTING_DOWN' : 'NOT_SERVING'}`, Code.UNAVAILABLE);
    if (target.keyspace !== this.keyspace) throw new SqlError(1105, 'HY000', `invalid keyspace ${target.keyspace} does not match expected ${this.keyspace}`, Code.FAILED_PRECONDITION);
    if (target.shard !== this.shard) throw new SqlError(1105, 'HY000', `invalid shard ${target.shard} does not match expected ${this.shard}`, Code.FAILED_PRECONDITION);
    if (target.tablet_type !== this.tabletType) {
      throw new SqlError(1105, 'HY000', `wrong tablet type: ${TabletType[target.tablet_type]}, want: ${TabletType[this.tabletType]} or []`, Code.FAILED_PRECONDITION);
    }
  }

  /** The transaction or reserved connection `id`; ABORTED `transaction <id>: not found` when the tablet has none. */
  private connection(id: number): StatefulConnection {
    const conn = this.connections.get(id);
    if (!conn) throw new SqlError(1105, 'HY000', `transaction ${id}: not found`, Code.ABORTED);
    return conn;
  }

  /** The connection of the open transaction `id`; ABORTED `transaction <id>: not found` when none is open under it. */
  private transaction(id: number): StatefulConnection {
    const conn = this.connection(id);
    if (!conn.inTransaction) throw new SqlError(1105, 'HY000', `transaction ${id}: not found`, Code.ABORTED);
    return conn;
  }

  /**
   * Publishes the tablet's health to its watchers, logging a line when its type or serving state
   * changed (`tablet state changed`) or else its health error did (`tablet health changed`).
   */
  private publishHealth(): void {
    const before = this.health.get();
    const now = this.healthReport();
    this.health.set(now);
    const error = now.realtime_stats.health_error;
    const type = TabletType[now.target.tablet_type];
    if (before.target.tablet_type !== now.target.tablet_type || before.serving !== now.serving) {
      this.log.info('tablet state changed', { transition: `${stateString(before)} -> ${stateString(now)}`, type, serving: now.serving, ...(error ? { health_error: error } : {}) });
    } else if (before.realtime_stats.health_error !== error) {
      this.log.info('tablet health changed', { type, serving: now.serving, health_error: error });
    }
  }

  private healthReport(): StreamHealthResponse {
    const status = this.tabletType === TabletType.PRIMARY ? undefined : this.replication?.status();
    // A channel stopped by an error is a health error; one retrying an unreachable source is not
    // (vttablet reports its growing lag instead, and vtgate keeps the tablet).
    let healthError = status?.stopError ? `replication stopped: ${status.stopError}` : '';
    if (!this.mysqld.running) healthError = `Cannot connect to MySQL: ${connectionError(this.mysqlSocket()).message}`;
    return {
      target: { keyspace: this.keyspace, shard: this.shard, tablet_type: this.tabletType, cell: this.alias.cell },
      serving: this.serving,
      primary_term_start_timestamp: this.tabletType === TabletType.PRIMARY ? this.primaryTermStart : 0,
      realtime_stats: {
        health_error: healthError,
        replication_lag_seconds: status?.lagSeconds ?? 0,
        position: this.position(),
      },
      tablet_alias: this.alias,
    };
  }
  // --- tablet manager (TabletManagerClient, see tablet-manager.ts) ---------------------------

  /** The tablet's topology record as it is now. */
  async tablet(): Promise<import('@vtsim/proto').Tablet> {
    return (await this.opts.topo.getTablet(this.alias)).tablet;
  }

  /**
   * Changes the tablet's type in its record and its serving state; only a PRIMARY is writable.
   * Semi-sync follows the new type under the keyspace's durability policy.
   */
  async changeType(type: TabletType): Promise<void> {
    const nowSeconds = Math.floor(this.opts.clock.now() / 1000);
    if (type === TabletType.PRIMARY && this.tabletType !== TabletType.PRIMARY) this.primaryTermStart = nowSeconds;
    this.tabletType = type;
    this.mysqld.superReadOnly = type !== TabletType.PRIMARY;
    await this.fixSemiSync();
    await this.opts.topo.updateTabletFields(this.alias, (t) => {
      t.type = type;
      t.primary_term_start_time = type === TabletType.PRIMARY ? { seconds: this.primaryTermStart, nanoseconds: 0 } : null;
    });
    this.publishHealth();
  }

  /** Sets super_read_only. */
  async setReadOnly(): Promise<void> {
    this.requireMysqld();
    this.mysqld.superReadOnly = true;
  }

  /** Clears super_read_only. */
  async setReadWrite(): Promise<void> {
    this.requireMysqld();
    this.mysqld.superReadOnly = false;
  }

  /** The mysqld's executed position. */
  async primaryPosition(): Promise<string> {
    this.requireMysqld();
    return this.position();
  }

  /** Resolves once the mysqld has executed `position`; DEADLINE_EXCEEDED after `timeoutMs`. */
  async waitForPosition(position: string, timeoutMs: number): Promise<void> {
    this.requireMysqld();
    const want = decodePosition(position).gtidSet;
    if (this.mysqld.gtidExecuted().contains(want)) return;
    const signal = AbortSignal.timeout(timeoutMs);
    for await (const _tx of this.mysqld.binlog.follow(this.mysqld.gtidExecuted(), signal)) {
      if (this.mysqld.gtidExecuted().contains(want)) return;
    }
    if (this.mysqld.gtidExecuted().contains(want)) return;
    throw new VtError(Code.DEADLINE_EXCEEDED, `timed out waiting for position ${position} on ${tabletAliasString(this.alias)} (at ${this.position()})`);
  }

  /**
   * Replicates from `source` (a PRIMARY becomes a REPLICA), or stops replicating and forgets the
   * source for null. Semi-sync is fixed before the channel connects, as vttablet does.
   */
  async setReplicationSource(source: TabletAlias | null): Promise<void> {
    this.requireMysqld();
    if (!source) {
      await this.replication?.stop();
      this.mysqld.replicationChannel = undefined;
      this.publishHealth();
      return;
    }
    if (this.tabletType === TabletType.PRIMARY) await this.changeType(TabletType.REPLICA);
    this.mysqld.superReadOnly = true;
    await this.fixSemiSync();
    await this.replication?.stop();
    this.replicateFrom(source);
    this.publishHealth();
  }

  /** Stops replication (STOP REPLICA), keeping the source for startReplication. */
  async stopReplication(): Promise<void> {
    this.requireMysqld();
    await this.replication?.stop();
    this.publishHealth();
  }

  /** Restarts replication from the configured source; a no-op without one or when running. */
  async startReplication(): Promise<void> {
    this.requireMysqld();
    const channel = this.replication;
    if (!channel || !channel.isStopped) return;
    await this.fixSemiSync();
    this.replicateFrom(channel.source);
    this.publishHealth();
  }

  /** The replication channel's state; null when no source is configured. */
  async getReplicationStatus(): Promise<TabletReplicationStatus | null> {
    this.requireMysqld();
    const channel = this.replication;
    if (!channel) return null;
    const status = channel.status();
    const source = channel.source;
    return {
      position: this.position(),
      source_alias: source,
      source_host: this.opts.hostname ?? 'localhost',
      source_port: 17000 + source.uid,
      source_uuid: status.sourceUuid,
      io_running: status.ioState === 'Running',
      sql_running: status.sqlRunning,
      io_state: status.ioState,
      last_io_errno: status.lastIoErrno,
      last_io_error: status.lastIoError,
      last_sql_error: status.lastSqlError,
      last_error: status.lastError,
      replication_lag_seconds: status.lagSeconds,
      sql_delay_seconds: Math.floor(status.delayMs / 1000),
    };
  }

  /** The full status of the tablet's mysqld; fails with CR_CONNECTION_ERROR (2002) when it is stopped. */
  async fullStatus(): Promise<TabletFullStatus> {
    this.requireMysqld();
    const session = this.mysqld.createSession({ database: this.dbName });
    let version: string;
    try {
      const v = session.execute('select @@version').rows[0]?.[0];
      version = v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v ?? '');
    } finally {
      session.close();
    }
    const isPrimary = this.tabletType === TabletType.PRIMARY;
    const semiSync = this.mysqld.semiSync;
    return {
      server_id: this.alias.uid,
      server_uuid: this.mysqld.serverUuid,
      position: this.position(),
      version,
      read_only: this.mysqld.superReadOnly,
      super_read_only: this.mysqld.superReadOnly,
      log_bin_enabled: true,
      replication_status: isPrimary ? null : await this.getReplicationStatus(),
      primary_status: isPrimary ? { position: this.position(), server_uuid: this.mysqld.serverUuid } : null,
      semi_sync_primary_enabled: semiSync.enabled,
      semi_sync_replica_enabled: this.mysqld.semiSyncReplicaEnabled,
      semi_sync_primary_clients: semiSync.clients,
    };
  }

  /** Runs one statement as the DBA user in `database` (default `vt_<keyspace>`), with foreign_key_checks off if asked. */
  async executeFetchAsDba(sql: string, database?: string, opts?: { disableForeignKeyChecks?: boolean }): Promise<Result> {
    this.requireMysqld();
    const session = this.mysqld.createSession({ database: database ?? this.dbName, user: 'vt_dba' });
    if (opts?.disableForeignKeyChecks) session.sessionVariables.set('foreign_key_checks', 0n);
    try {
      return session.execute(sql);
    } finally {
      session.close();
    }
  }

  /** Re-reads the tablet record and adopts its type. */
  async refreshState(): Promise<void> {
    const record = await this.tablet();
    if (record.type !== this.tabletType) {
      this.tabletType = record.type;
      this.mysqld.superReadOnly = record.type !== TabletType.PRIMARY;
      await this.fixSemiSync();
    }
    this.publishHealth();
  }

  /** Stops replication and makes this tablet a writable PRIMARY (semi-sync per policy); returns its position. */
  async promoteReplica(): Promise<string> {
    this.requireMysqld();
    await this.replication?.stop();
    this.mysqld.replicationChannel = undefined;
    await this.changeType(TabletType.PRIMARY);
    return this.position();
  }

  /** Makes the primary read-only (its type changes when it is pointed at the new primary); returns its position. */
  async demotePrimary(): Promise<string> {
    this.requireMysqld();
    this.mysqld.superReadOnly = true;
    this.publishHealth();
    return this.position();
  }

  /** Throws CR_CONNECTION_ERROR (2002) when the mysqld is stopped, as vttablet's mysqld calls fail. */
  private requireMysqld(): void {
    if (!this.mysqld.running) throw connectionError(this.mysqlSocket());
  }

  // --- VReplication (target side): the engine that runs `_vt.vreplication` streams on a primary ---

  private vreplicationEngine: VReplicationEngine | undefined;

  /**
   * Creates the VReplication engine and keeps it, and the heartbeat writer if enabled, open exactly
   * while this tablet is a serving PRIMARY.
   */
  private startVReplicationEngine(): void {
    const engine = new VReplicationEngine({
      mysqld: this.mysqld,
      dbName: this.dbName,
      sidecarDbName: this.sidecarDbName,
      topo: this.opts.topo,
      dialer: this.opts.dialer,
      clock: this.opts.clock,
      copyPhase: this.opts.copyPhase,
      logger: this.log,
    });
    this.vreplicationEngine = engine;
    void (async () => {
      for await (const h of this.health.watch(new AbortController().signal)) {
        if (h.serving && h.target.tablet_type === TabletType.PRIMARY) {
          if (!this.closed) this.heartbeatWriter?.open();
          engine.open();
        } else {
          this.heartbeatWriter?.close();
          await engine.close();
        }
      }
      this.heartbeatWriter?.close();
      await engine.close();
    })();
  }

  /** The engine, opened if this tablet is a serving PRIMARY; FAILED_PRECONDITION otherwise. */
  private openVReplicationEngine(): VReplicationEngine {
    const engine = this.vreplicationEngine;
    if (!engine || !this.serving || this.tabletType !== TabletType.PRIMARY) {
      throw new VtError(Code.FAILED_PRECONDITION, `vreplication engine is closed: tablet ${tabletAliasString(this.alias)} is not a serving PRIMARY`);
    }
    engine.open();
    return engine;
  }

  /** Runs a VReplicationExec statement; see TabletManagerClient.vreplicationExec. */
  async vreplicationExec(query: string): Promise<Result> {
    return this.openVReplicationEngine().exec(query);
  }

  /** Waits for a stream's position; see TabletManagerClient.vreplicationWaitForPos. */
  async vreplicationWaitForPos(id: number, position: string, timeoutMs: number): Promise<void> {
    return this.openVReplicationEngine().waitForPos(id, position, timeoutMs);
  }
}

/**
 * vttablet's checkPrimaryShip: whether a starting tablet is its shard's primary, and if so the
 * start of its primary term (seconds). It is when the shard record names it (a restarted primary
 * that nobody replaced: its own record's term if that says PRIMARY, else the shard's), or when its
 * own record says PRIMARY with a term newer than the shard's. Undefined otherwise.
 */
function checkPrimaryShip(alias: TabletAlias, shard: Shard, existing: TopoTablet | undefined, clock: Clock): number | undefined {
  if (sameAlias(shard.primary_alias, alias)) {
    if (!existing) return Math.floor(clock.now() / 1000);
    return (existing.type === TabletType.PRIMARY ? existing.primary_term_start_time : shard.primary_term_start_time)?.seconds ?? 0;
  }
  if (existing?.type !== TabletType.PRIMARY) return undefined;
  const own = existing.primary_term_start_time;
  const shardTerm = shard.primary_term_start_time;
  const newer = !!own && (!shardTerm || own.seconds > shardTerm.seconds || (own.seconds === shardTerm.seconds && own.nanoseconds > shardTerm.nanoseconds));
  return newer ? own.seconds : undefined;
}

/** A health report's type and serving state as Vitess's tablet state manager writes them: `PRIMARY: Serving`. */
function stateString(health: StreamHealthResponse): string {
  return `${TabletType[health.target.tablet_type]}: ${health.serving ? 'Serving' : 'Not Serving'}`;
}

/** True when `a` names the same tablet as `b`. */
function sameAlias(a: TabletAlias | null | undefined, b: TabletAlias): boolean {
  return !!a && tabletAliasString(a) === tabletAliasString(b);
}

async function ignoreExists(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (!(err instanceof TopoError) || err.code !== 'NodeExists') throw err;
  }
}
