/**
 * Tablet: a simulated vttablet with its own mysqld. It registers itself in the topology, serves
 * `vt_<keyspace>` and the `_vt` sidecar database, becomes its shard's primary when the shard has
 * none (as VTOrc would elect it) or replicates from the primary otherwise, and answers vtgate
 * through the QueryService interface.
 */
import type { Clock, Random } from '@vtsim/binlog';
import { encodePosition } from '@vtsim/binlog';
import type { BindVars, Result, TabletAlias, TabletVStreamRequest, Target, VEvent } from '@vtsim/proto';
import { Code, ER, SqlError, TabletType, VtError, sqlError, tabletAliasString } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import { TopoError } from '@vtsim/topo';
import { LatestValue } from './latest-value.js';
import type { LocalMysqlNetwork } from './mysql-network.js';
import type { MysqlSession } from './mysqld/mysqld.js';
import { Mysqld } from './mysqld/mysqld.js';
import type { ExecuteOptions, QueryService, StreamHealthResponse } from './query-service.js';
import { Replication } from './replication.js';
import { createSidecarDatabase } from './sidecar.js';

/** What a tablet needs to start. */
export interface TabletOptions {
  alias: TabletAlias;
  keyspace: string;
  shard: string;
  /** The type the tablet starts as (REPLICA or RDONLY); a REPLICA of a shard without primary becomes PRIMARY. */
  type: TabletType;
  topo: TopoServer;
  /** Where this tablet's mysqld becomes reachable for replication, and where it finds its primary's. */
  network: LocalMysqlNetwork;
  clock: Clock;
  random: Random;
  /** The mysqld's server_uuid (from the cluster's seeded source). */
  serverUuid: string;
  hostname?: string;
  /** Sidecar database name (the keyspace's `sidecar_db_name`), default `_vt`. */
  sidecarDbName?: string;
}

/** A running tablet; close() stops it. */
export class Tablet implements QueryService {
  readonly alias: TabletAlias;
  readonly keyspace: string;
  readonly shard: string;
  readonly dbName: string;
  readonly sidecarDbName: string;
  readonly mysqld: Mysqld;
  private tabletType: TabletType;
  private serving = false;
  private closed = false;
  private primaryTermStart = 0;
  private replication: Replication | undefined;
  private readonly autocommitSession: MysqlSession;
  private readonly transactions = new Map<number, MysqlSession>();
  private nextTransactionId: number;
  private readonly health: LatestValue<StreamHealthResponse>;

  private constructor(private readonly opts: TabletOptions) {
    this.alias = opts.alias;
    this.keyspace = opts.keyspace;
    this.shard = opts.shard;
    this.dbName = `vt_${opts.keyspace}`;
    this.sidecarDbName = opts.sidecarDbName ?? '_vt';
    this.tabletType = opts.type;
    this.mysqld = new Mysqld({ serverUuid: opts.serverUuid, clock: opts.clock, random: opts.random });
    this.mysqld.createDatabase(this.dbName, { logBin: false });
    createSidecarDatabase(this.mysqld, this.sidecarDbName);
    this.autocommitSession = this.mysqld.createSession({ database: this.dbName });
    this.nextTransactionId = opts.clock.now() * 1000;
    this.health = new LatestValue(this.healthReport());
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

  /** The mysqld's current position, `MySQL56/<gtid set>`. */
  position(): string {
    return encodePosition({ flavor: 'MySQL56', gtidSet: this.mysqld.gtidExecuted() });
  }

  async execute(target: Target, sql: string, bindVars: BindVars, transactionId: number, options?: ExecuteOptions): Promise<Result> {
    this.checkTarget(target);
    if (transactionId) {
      const session = this.transaction(transactionId);
      session.database = options?.database ?? this.dbName;
      return session.execute(sql, bindVars);
    }
    const session = this.autocommitSession;
    session.database = options?.database ?? this.dbName;
    try {
      return session.execute(sql, bindVars);
    } finally {
      if (session.inTransaction) {
        session.execute('rollback');
        throw sqlError(ER.UNKNOWN_ERROR, 'transaction statements must go through begin/commit/rollback', Code.INVALID_ARGUMENT);
      }
    }
  }

  async begin(target: Target): Promise<number> {
    this.checkTarget(target);
    const session = this.mysqld.createSession({ database: this.dbName });
    session.execute('begin');
    const id = ++this.nextTransactionId;
    this.transactions.set(id, session);
    return id;
  }

  async commit(target: Target, transactionId: number): Promise<void> {
    this.checkTarget(target);
    const session = this.transaction(transactionId);
    this.transactions.delete(transactionId);
    try {
      session.execute('commit');
    } finally {
      session.close();
    }
  }

  async rollback(_target: Target, transactionId: number): Promise<void> {
    const session = this.transactions.get(transactionId);
    if (!session) return;
    this.transactions.delete(transactionId);
    session.close();
  }

  streamHealth(signal: AbortSignal): AsyncIterable<StreamHealthResponse> {
    return this.health.watch(signal);
  }

  async *vstream(_request: TabletVStreamRequest, _signal: AbortSignal): AsyncIterable<VEvent[]> {
    throw new VtError(Code.UNIMPLEMENTED, 'vstream is not implemented yet');
  }

  /** Stops serving, rolls back open transactions and stops replication. The topo record stays. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.serving = false;
    this.publishHealth();
    this.health.close();
    await this.replication?.stop();
    for (const session of this.transactions.values()) session.close();
    this.transactions.clear();
    this.autocommitSession.close();
    this.opts.network.unregister(this.alias);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async init(): Promise<void> {
    const { topo, keyspace, shard } = this.opts;
    await ignoreExists(() => topo.createKeyspace(keyspace, { sidecar_db_name: this.sidecarDbName }));
    await ignoreExists(() => topo.createShard(keyspace, shard));
    const si = await topo.getShard(keyspace, shard);
    await topo.createTablet({
      alias: this.alias,
      hostname: this.opts.hostname ?? 'localhost',
      port_map: { vt: 15000 + this.alias.uid, grpc: 16000 + this.alias.uid },
      keyspace,
      shard,
      key_range: si.shard.key_range,
      type: this.tabletType,
      db_name_override: '',
      mysql_hostname: this.opts.hostname ?? 'localhost',
      mysql_port: 17000 + this.alias.uid,
      primary_term_start_time: null,
      default_conn_collation: 255,
    }).catch(async (err: unknown) => {
      if (!(err instanceof TopoError) || err.code !== 'NodeExists') throw err;
      await topo.updateTabletFields(this.alias, (t) => {
        t.type = this.tabletType;
        t.keyspace = keyspace;
        t.shard = shard;
      });
    });
    this.opts.network.register(this.alias, this.mysqld);

    let electedPrimary = false;
    if (this.tabletType === TabletType.REPLICA) {
      const nowSeconds = Math.floor(this.opts.clock.now() / 1000);
      const updated = await topo.updateShardFields(keyspace, shard, (s) => {
        if (s.primary_alias && tabletAliasString(s.primary_alias) !== tabletAliasString(this.alias)) return false;
        s.primary_alias = { ...this.alias };
        s.primary_term_start_time = { seconds: nowSeconds, nanoseconds: 0 };
      });
      electedPrimary = !!updated.shard.primary_alias && tabletAliasString(updated.shard.primary_alias) === tabletAliasString(this.alias);
      if (electedPrimary) this.primaryTermStart = nowSeconds;
    }
    if (electedPrimary) {
      this.tabletType = TabletType.PRIMARY;
      this.mysqld.superReadOnly = false;
      await topo.updateTabletFields(this.alias, (t) => {
        t.type = TabletType.PRIMARY;
      });
    } else {
      this.mysqld.superReadOnly = true;
      const primary = (await topo.getShard(keyspace, shard)).shard.primary_alias;
      if (primary) this.replicateFrom(primary);
    }
    await topo.rebuildKeyspaceGraph(keyspace);
    this.serving = true;
    this.publishHealth();
  }

  /** Points this (non-primary) tablet's replication at another tablet's mysqld, replacing any channel. */
  replicateFrom(source: TabletAlias): void {
    void this.replication?.stop();
    const mysqld = this.opts.network.resolve(source);
    if (!mysqld) {
      this.replication = undefined;
      return;
    }
    this.replication = new Replication(mysqld, this.mysqld, this.opts.clock, () => this.publishHealth());
  }

  /** Replication status of a non-primary tablet (undefined on a primary). */
  replicationStatus() {
    return this.replication?.status();
  }

  private checkTarget(target: Target): void {
    if (!this.serving) throw new SqlError(1105, 'HY000', `operation not allowed in state ${this.closed ? 'SHUTTING_DOWN' : 'NOT_SERVING'}`, Code.UNAVAILABLE);
    if (target.keyspace !== this.keyspace) throw new SqlError(1105, 'HY000', `invalid keyspace ${target.keyspace} does not match expected ${this.keyspace}`, Code.FAILED_PRECONDITION);
    if (target.shard !== this.shard) throw new SqlError(1105, 'HY000', `invalid shard ${target.shard} does not match expected ${this.shard}`, Code.FAILED_PRECONDITION);
    if (target.tablet_type !== this.tabletType) {
      throw new SqlError(1105, 'HY000', `wrong tablet type: ${TabletType[target.tablet_type]}, want: ${TabletType[this.tabletType]} or []`, Code.FAILED_PRECONDITION);
    }
  }

  private transaction(id: number): MysqlSession {
    const session = this.transactions.get(id);
    if (!session) throw new SqlError(1105, 'HY000', `transaction ${id}: not found`, Code.ABORTED);
    return session;
  }

  private publishHealth(): void {
    this.health.set(this.healthReport());
  }

  private healthReport(): StreamHealthResponse {
    const status = this.replication?.status();
    return {
      target: { keyspace: this.keyspace, shard: this.shard, tablet_type: this.tabletType, cell: this.alias.cell },
      serving: this.serving,
      primary_term_start_timestamp: this.tabletType === TabletType.PRIMARY ? this.primaryTermStart : 0,
      realtime_stats: {
        health_error: status?.lastError ? `replication stopped: ${status.lastError}` : '',
        replication_lag_seconds: status?.lagSeconds ?? 0,
        position: this.position(),
      },
      tablet_alias: this.alias,
    };
  }
}

async function ignoreExists(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (!(err instanceof TopoError) || err.code !== 'NodeExists') throw err;
  }
}
