/**
 * Executor: runs one client statement for a session (Vitess's vtgate Executor). DML and SELECT
 * are normalized, planned once per (normalized SQL, keyspace, tablet type) and executed through
 * the plan; USE, SET, SHOW, transactions and DDL are handled here; a session targeting one shard
 * sends its queries to that shard unchanged. A statement outside a transaction that meets a
 * primary's planned failover waits in the buffer (when enabled) and runs again once the serving
 * graph changed, planned anew.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock, Random } from '@vtsim/binlog';
import { Code, ER, IncludedFields, SqlError, TabletType, Type, emptyResult, sqlError, type BindVars, type Field, type KeyRange, type Result, type SqlValue, type SrvVSchema, type TabletAlias, type Target } from '@vtsim/proto';
import { applyAlterVschema, compileExpr, firstKeyword, isAlterVschema, NamedLocks, parseAlterVschema, type Expr, normalizeSqlMode, parseStatement, resultField, type SessionContext, setUserVariable, SqlLexer, sqlLiteral, stripLeadingComments, Tok, toBigInt, unquoteIdent } from '@vtsim/sql';
import { compareKeyRangeStarts, compareKeyspaceIds, isTopoError, keyRangeIntersect, keyRangeString, type TopoServer } from '@vtsim/topo';
import type { ExecuteOptions } from '@vtsim/vttablet';
import { Buffer, type BufferedRequest } from './buffer/buffer.js';
import { inTransactionFailoverError, isFailoverError } from './buffer/failover-error.js';
import type { QueryAccess, ShardQueries, ShardQuery, VCursor } from './engine/primitive.js';
import { concatResults } from './engine/route.js';
import { FAIL_DB_DDL_PLUGIN, parseDbDdl, type DbDdl, type DbDdlPlugin } from './db-ddl.js';
import type { HealthCheck } from './health-check.js';
import { normalize } from './normalizer.js';
import { NO_COLUMNS } from './planner/ast.js';
import type { Plan, PlanContext } from './planner/plan.js';
import { buildPlan } from './planner/planner.js';
import { stripQualifiers } from './planner/query-text.js';
import { noDatabase } from './planner/select-planner.js';
import { collectTables } from './planner/table-refs.js';
import { SchemaTracker, SchemaTrackingNeeded, TRACKED_COLUMNS_QUERY } from './schema-tracker.js';
import { deniedKey, type Resolver, type ServingShard } from './resolver.js';
import { expandListBindVariables } from './list-bind-variables.js';
import { appliedToReservedConnections, checkSettable, setReservesConnection, systemVariable } from './system-variables.js';
import { executeShow, type ShowBackend } from './show.js';
import { formatBindVars, wrapTabletError, type TabletGateway } from './tablet-gateway.js';
import { VSchemaAcl } from './vschema-acl.js';
import { checkKeyspaceVSchema, VSchema, type TableModel } from './vschema.js';
import { beginAccessMode, hasShardDestination, parseTarget, unknownDatabase, VtgateSession, type SessionTarget, type ShardSession } from './vtgate-session.js';

/** What an executor is built from. */
export interface ExecutorOptions {
  topo: TopoServer;
  cell: string;
  healthCheck: HealthCheck;
  gateway: TabletGateway;
  resolver: Resolver;
  clock: Clock;
  random: Random;
  /** `@@version`, e.g. `8.0.30-Vitess`. */
  serverVersion: string;
  /** Loads the serving graph of a keyspace the resolver does not know yet; resolves to false if there is none. */
  ensureKeyspace(keyspace: string): Promise<boolean>;
  /** Maximum cached plans (default 10000). */
  planCacheSize?: number;
  /** Holds statements during failovers; default a disabled one. */
  buffer?: Buffer;
  /** Who may run ALTER VSCHEMA (`--vschema_ddl_authorized_users`: `%`, a comma list, or '' = nobody, the default). */
  vschemaDdlAuthorizedUsers?: string;
  /** Creates and drops keyspaces for CREATE/DROP DATABASE; default Vitess's failDBDDL, which refuses both. */
  dbDdlPlugin?: DbDdlPlugin;
}

const DML_KEYWORDS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'WITH']);
const DDL_KEYWORDS = new Set(['CREATE', 'ALTER', 'DROP', 'TRUNCATE', 'RENAME']);
const NO_OP_KEYWORDS = new Set(['LOCK', 'UNLOCK', 'FLUSH', 'ANALYZE', 'OPTIMIZE', 'REPAIR', 'CHECK', 'GRANT', 'REVOKE', 'DO']);
/** Statements Prepare answers without fields and without running them (Vitess's statement types other than SELECT and SHOW). */
const PREPARE_NO_FIELDS = new Set([
  ...DDL_KEYWORDS, ...NO_OP_KEYWORDS, 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'BEGIN', 'START', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE',
  'SET', 'USE', 'DESCRIBE', 'DESC', 'EXPLAIN', 'KILL', 'CALL', 'LOAD', 'PREPARE', 'EXECUTE', 'DEALLOCATE', 'XA',
]);
const SELECT_NEXT = /^\s*select\s+next\s/i;
/** How long CREATE/DROP DATABASE wait for vtgate to serve (forget) the keyspace, and how often they look. */
/** CREATE / DROP TEMPORARY TABLE. */
const TEMPORARY_TABLE_DDL = /^\s*(?:\/\*.*?\*\/\s*)*(?:create|drop)\s+temporary\s/is;
const DB_DDL_TIMEOUT_MS = 30_000;
const DB_DDL_POLL_MS = 2;
const NOT_SERVING = 'operation not allowed in state NOT_SERVING';
const DENIED = 'disallowed due to rule: enforce denied tables';

/** Runs statements for sessions; one per vtgate, shared by every connection. */
export class Executor {
  private vschema: VSchema = VSchema.build(null);
  private readonly planCache = new Map<string, Plan>();
  private readonly planCacheSize: number;
  private deniedTables = new Map<string, Set<string>>();
  private readonly contexts = new WeakMap<VtgateSession, SessionContext>();
  /**
   * GET_LOCK and friends in the tableless SELECTs vtgate answers itself. Vitess holds them on a
   * reserved tablet connection; with one vtgate per cluster the locks behave the same for its clients.
   */
  private readonly namedLocks = new NamedLocks();
  /** The tables' columns as the tablets report them (Vitess's schema tracking). */
  private readonly schema = new SchemaTracker();
  private nextConnectionId = 1;
  private readonly showBackend: ShowBackend;
  private readonly vschemaAcl: VSchemaAcl;
  /** The failover buffer statements wait in. */
  readonly buffer: Buffer;

  constructor(readonly opts: ExecutorOptions) {
    this.planCacheSize = opts.planCacheSize ?? 10_000;
    this.buffer = opts.buffer ?? new Buffer();
    this.vschemaAcl = new VSchemaAcl(opts.vschemaDdlAuthorizedUsers);
    this.showBackend = {
      vschema: () => this.vschema,
      resolver: opts.resolver,
      healthCheck: opts.healthCheck,
      srvKeyspaceNames: () => opts.topo.getSrvKeyspaceNames(opts.cell),
      keyspaceNames: () => this.keyspaceNames(),
      keyspaceExists: (keyspace) => this.keyspaceExists(keyspace),
      srvVSchema: () => this.srvVSchema(),
      sendToTargetShard: (session, sql, bindVars) => this.executeOnTargetShard(session, sql, bindVars, false),
      sendToAnyShard: (session, sql, bindVars) => this.executeOnAnyShard(session, sql, bindVars),
      sendToShard: (session, shard, sql, bindVars) => new ExecutorVCursor(this, session).executeShard({ shard, sql, bindVars }, { tables: [], write: false }),
    };
  }

  /** The current routing model. */
  get currentVSchema(): VSchema {
    return this.vschema;
  }

  /** Installs a new routing model (after a SrvVSchema change) and drops every cached plan. */
  setVSchema(vschema: VSchema): void {
    this.vschema = vschema;
    this.planCache.clear();
  }

  /** Installs the denied tables per `keyspace/shard/tabletType` (from the shards' tablet controls). */
  setDeniedTables(denied: Map<string, Set<string>>): void {
    this.deniedTables = denied;
  }

  /** Number of cached plans. */
  get cachedPlans(): number {
    return this.planCache.size;
  }

  /**
   * The result fields of a statement, as Vitess's Prepare answers them: a SELECT (or WITH, or a
   * parenthesized SELECT) or SHOW is run through the session for its fields and its rows are
   * dropped (the session's FOUND_ROWS is left as it was); `SELECT NEXT n VALUES FROM seq` is only
   * planned (its one `nextval` field is known, and running it would use up sequence values);
   * every other statement Vitess recognizes returns no fields and is not run, so a write changes
   * nothing. A statement that starts with no known keyword is INVALID_ARGUMENT
   * `unrecognized statement: <sql>`.
   */
  async prepare(session: VtgateSession, sql: string, bindVars: BindVars = {}): Promise<Field[]> {
    if (session.closed) throw sqlError(ER.UNKNOWN_ERROR, 'session is closed');
    const kw = firstKeyword(sql);
    const select = kw === 'SELECT' || kw === 'WITH' || kw === 'SHOW' || (kw === '' && /^\s*\(/.test(stripLeadingComments(sql)));
    if (!select) {
      if (kw === '' || !PREPARE_NO_FIELDS.has(kw)) throw sqlError(ER.UNKNOWN_ERROR, `unrecognized statement: ${sql}`, Code.INVALID_ARGUMENT);
      return [];
    }
    if (SELECT_NEXT.test(stripLeadingComments(sql)) && !session.target.shard) {
      buildPlan(sql, this.planContext(session));
      return [resultField('nextval', Type.INT64)];
    }
    const foundRows = session.foundRows;
    try {
      return (await this.execute(session, sql, bindVars)).fields;
    } finally {
      session.foundRows = foundRows;
    }
  }

  /** Creates a session with no target (or the given one, unchecked), autocommit on. */
  newSession(opts: { user?: string; connectionId?: number } = {}): VtgateSession {
    return new VtgateSession(opts.connectionId ?? this.nextConnectionId++, opts.user ?? 'vt_app');
  }

  /**
   * Runs one statement; `::name` list bind variables are expanded first (see
   * list-bind-variables.ts). Errors are SqlErrors with MySQL's errno and SQLSTATE.
   */
  async execute(session: VtgateSession, query: string, queryBindVars: BindVars = {}): Promise<Result> {
    if (session.closed) throw sqlError(ER.UNKNOWN_ERROR, 'session is closed');
    const { sql, bindVars } = expandListBindVariables(query, queryBindVars);
    const kw = firstKeyword(sql);
    if (DML_KEYWORDS.has(kw) || (kw === '' && /^\s*\(/.test(stripLeadingComments(sql)))) {
      return hasShardDestination(session.target) ? this.executeOnTargetShard(session, sql, bindVars, kw !== 'SELECT' && kw !== 'WITH' && kw !== '') : this.executePlan(session, sql, bindVars);
    }
    switch (kw) {
      case '':
        if (stripLeadingComments(sql).replace(/;/g, '').trim() === '') throw sqlError(ER.EMPTY_QUERY, 'Query was empty');
        parseStatement(sql);
        throw sqlError(ER.PARSE_ERROR, `syntax error at position 1`);
      case 'USE':
        await this.useTarget(session, useArgument(sql));
        return emptyResult();
      case 'SET':
        return this.executeSet(session, sql);
      case 'SHOW':
        return executeShow(this.showBackend, session, sql, bindVars);
      case 'BEGIN':
      case 'START':
        await this.begin(session, beginAccessMode(sql));
        return emptyResult();
      case 'COMMIT':
        await this.commit(session);
        return emptyResult();
      case 'ROLLBACK':
        if (/^\s*rollback\s+(work\s+)?to\b/i.test(stripLeadingComments(sql))) return this.executeSavepoint(session, sql, false);
        await this.rollback(session);
        return emptyResult();
      case 'SAVEPOINT':
      case 'RELEASE':
        return this.executeSavepoint(session, sql, kw === 'SAVEPOINT');
      case 'VEXPLAIN':
        return this.vexplain(session, sql, bindVars);
      case 'DESCRIBE':
      case 'DESC':
      case 'EXPLAIN':
        if (EXPLAIN_VITESS.test(stripLeadingComments(sql))) return this.vexplain(session, sql, bindVars);
        return hasShardDestination(session.target) ? this.executeOnTargetShard(session, sql, bindVars, false) : this.executeOnAnyShard(session, sql, bindVars);
    }
    if (DDL_KEYWORDS.has(kw)) {
      if (kw === 'ALTER' && isAlterVschema(sql)) return this.executeAlterVschema(session, sql);
      const dbDdl = !hasShardDestination(session.target) && (kw === 'CREATE' || kw === 'DROP') ? parseDbDdl(sql) : null;
      if (dbDdl) return this.executeDbDdl(session, dbDdl);
      return this.executeDdl(session, sql);
    }
    if (NO_OP_KEYWORDS.has(kw)) return emptyResult();
    parseStatement(sql);
    throw sqlError(ER.UNKNOWN_ERROR, `unsupported: statement ${kw.toLowerCase()}`);
  }

  /**
   * Changes the session's target (`USE`, COM_INIT_DB, a gRPC session's `target_string`) as Vitess's
   * SetTarget does: any form {@link parseTarget} accepts, optionally backquoted as a whole.
   * Throws SqlError 1049 for an unknown keyspace, 1192 for a non-primary type inside a transaction
   * and FAILED_PRECONDITION for a tablet alias inside one.
   */
  async useTarget(session: VtgateSession, raw: string): Promise<void> {
    let text = raw.trim().replace(/;+$/, '').trim();
    if (text.startsWith('`')) text = unquoteIdent(text);
    const target = parseTarget(text);
    if (target.tabletAlias && session.inTransaction) {
      throw new SqlError(ER.UNKNOWN_ERROR[0], ER.UNKNOWN_ERROR[1], 'cannot set tablet target while in a transaction', Code.FAILED_PRECONDITION);
    }
    if (target.keyspace && !(await this.keyspaceExists(target.keyspace))) throw unknownDatabase(target.keyspace);
    if (session.inTransaction && target.tabletType !== TabletType.PRIMARY) {
      throw new SqlError(1192, 'HY000', "can't execute the given command because you have an active transaction", Code.INVALID_ARGUMENT);
    }
    session.setTarget(text, target);
  }

  /**
   * Ends a session (the client quit or its connection closed): rolls back its open transaction and
   * releases its reserved connections, dropping their temporary tables (Vitess's CloseSession);
   * errors are ignored. Marks it closed. Idempotent.
   */
  async closeSession(session: VtgateSession): Promise<void> {
    if (session.closed) return;
    await this.rollback(session).catch(() => undefined);
    const reserved = session.shardSessions;
    session.shardSessions = [];
    session.inReservedConn = false;
    for (const ss of reserved) await this.opts.gateway.release(ss.target, 0, ss.reservedId, ss.tabletAlias).catch(() => undefined);
    this.namedLocks.releaseAll(session.connectionId);
    session.closed = true;
  }

  /** The session as expressions see it. */
  sessionContext(session: VtgateSession): SessionContext {
    let ctx = this.contexts.get(session);
    if (!ctx) {
      const { clock, random, serverVersion } = this.opts;
      ctx = {
        get database() {
          return session.target.keyspace;
        },
        get user() {
          return session.user;
        },
        connectionId: session.connectionId,
        get lastInsertId() {
          return session.lastInsertId;
        },
        get rowCount() {
          return session.rowCount;
        },
        get foundRows() {
          return session.foundRows;
        },
        namedLocks: this.namedLocks.forSession(session.connectionId),
        now: () => clock.now(),
        random: () => random.next(),
        userVariables: session.userVariables,
        userVariableTypes: session.userVariableTypes,
        systemVariable: (name) => systemVariable(session, name, serverVersion),
      };
      this.contexts.set(session, ctx);
    }
    return ctx;
  }

  private async executePlan(session: VtgateSession, sql: string, bindVars: BindVars): Promise<Result> {
    const t = session.target;
    const n = normalize(sql, bindVars);
    const key = `${t.tabletType}|${t.keyspace}|${n.sql}`;
    let type = 'select' as Plan['type'];
    const result = await this.runStatement(
      session,
      async (vc) => {
        const tracked = this.trackedPlan(session, key, n.sql);
        const plan = tracked instanceof Promise ? await tracked : tracked;
        type = plan.type;
        const values = n.values;
        const primitive = plan.primitive;
        return values && primitive.executeValues ? primitive.executeValues(vc, values, () => n.bindVars) : primitive.execute(vc, n.bindVars);
      },
      true,
    );
    if (type === 'insert' && result.insertId > 0n) session.lastInsertId = result.insertId;
    else if (type === 'select') session.foundRows = BigInt(result.rows.length);
    session.rowCount = type === 'select' ? -1n : BigInt(result.rowsAffected);
    return result;
  }

  /**
   * `VEXPLAIN [PLAN] <statement>` and `EXPLAIN FORMAT=VITESS <statement>`: the statement's plan as
   * one `JSON` column holding Vitess's PrimitiveDescription, tab-indented as Vitess marshals it.
   * The statement is planned, not run. VEXPLAIN QUERIES/ALL/KEYS/TRACE are refused (VT12001).
   */
  private vexplain(session: VtgateSession, sql: string, bindVars: BindVars): Result {
    const text = stripLeadingComments(sql).replace(/;\s*$/, '');
    const m = /^\s*vexplain(?:\s+(plan|queries|all|keys|trace)\b)?\s+/i.exec(text) ?? EXPLAIN_VITESS.exec(text);
    if (!m) throw sqlError(ER.PARSE_ERROR, 'syntax error at position 9');
    const kind = (m[1] ?? 'plan').toLowerCase();
    if (kind !== 'plan') throw sqlError(ER.NOT_SUPPORTED_YET, `VT12001: unsupported: vexplain ${kind}`, Code.UNIMPLEMENTED);
    const n = normalize(text.slice(m[0].length), bindVars);
    const plan = buildPlan(n.sql, this.planContext(session));
    return { fields: [resultField('JSON', Type.VARCHAR)], rows: [[JSON.stringify(plan.primitive.describe(), null, '\t')]], rowsAffected: 0, insertId: 0n };
  }

  /**
   * {@link cachedPlan}, after loading the tracked columns of a keyspace whose planning needs them
   * (from one of its primaries, as Vitess's schema tracker reads them). Synchronous when no
   * loading is needed (the common case costs no promise).
   */
  private trackedPlan(session: VtgateSession, key: string, sql: string): Plan | Promise<Plan> {
    try {
      return this.cachedPlan(session, key, sql);
    } catch (err) {
      if (!(err instanceof SchemaTrackingNeeded)) throw err;
      return this.planAfterTracking(session, key, sql, err);
    }
  }

  /** Loads the tracked columns `err` asks for, then plans. */
  private async planAfterTracking(session: VtgateSession, key: string, sql: string, err: SchemaTrackingNeeded): Promise<Plan> {
    const shard = this.opts.resolver.shards(err.keyspace, TabletType.PRIMARY)[0];
    if (!shard) throw err.fallback;
    const vc = new ExecutorVCursor(this, session, TabletType.PRIMARY);
    this.schema.load(err.keyspace, await vc.executeShard({ shard, sql: TRACKED_COLUMNS_QUERY, bindVars: {} }, { tables: [], write: false }));
    return this.cachedPlan(session, key, sql);
  }

  /** The plan of a normalized statement, from the cache or built now (the cache is emptied by VSchema changes). */
  private cachedPlan(session: VtgateSession, key: string, sql: string): Plan {
    let plan = this.planCache.get(key);
    if (!plan) {
      plan = buildPlan(sql, this.planContext(session));
      if (this.planCache.size >= this.planCacheSize) this.planCache.delete(this.planCache.keys().next().value!);
      this.planCache.set(key, plan);
    }
    if (plan.write && session.target.tabletType !== TabletType.PRIMARY) {
      throw sqlError(ER.UNKNOWN_ERROR, `VT09002: ${plan.type} statement with a replica target`);
    }
    return plan;
  }

  /**
   * Runs one statement, attempt by attempt. An attempt that meets a primary's failover before any
   * of its writes could apply waits in the buffer, then the statement runs again (re-planned, so
   * it follows new partitions and routing rules); this only outside transactions. Inside one, a
   * failover fails the statement with the clear in-transaction error. With `atomicWrites`, an
   * autocommit write that reaches several shards runs in a transaction on each, committed only
   * once every shard succeeded and rolled back everywhere otherwise (Vitess's transaction_mode
   * MULTI: the executor's insideTransaction for a plan that needs one).
   */
  private async runStatement(session: VtgateSession, attempt: (vc: ExecutorVCursor) => Promise<Result>, atomicWrites = false): Promise<Result> {
    const transactional = session.inTransaction || !session.autocommit;
    let req: BufferedRequest | undefined;
    try {
      for (;;) {
        const epoch = this.buffer.epoch;
        const vc = new ExecutorVCursor(this, session, undefined, () => (req ??= this.buffer.newRequest()), atomicWrites && !transactional);
        try {
          const result = await attempt(vc);
          if (vc.hasImplicit) await vc.commitImplicit();
          return result;
        } catch (err) {
          await vc.rollbackImplicit();
          const failover = vc.failover;
          if (!failover || !isFailoverError(err)) throw err;
          if (transactional) throw inTransactionFailoverError(err);
          if (vc.applied) throw err;
          req ??= this.buffer.newRequest();
          await this.buffer.wait(failover.keyspace, failover.name, err, req, epoch);
        }
      }
    } finally {
      req?.dispose();
    }
  }

  private planContext(session: VtgateSession): PlanContext {
    const names = new Set(this.vschema.keyspaceNames());
    for (const k of this.opts.resolver.keyspaceNames()) names.add(k);
    return { vschema: this.vschema, keyspace: session.target.keyspace, tabletType: session.target.tabletType, keyspaceNames: names, schema: this.schema };
  }

  /**
   * Sends a statement unchanged to the session's destination (Vitess's bypass plan): its shard, the
   * shard holding its keyspace id or the shards exactly covering its key range; buffered like a
   * planned statement. The results of several shards are concatenated, their row counts summed.
   */
  private executeOnTargetShard(session: VtgateSession, sql: string, bindVars: BindVars, write: boolean): Promise<Result> {
    return this.runStatement(session, async (vc) => {
      const t = session.target;
      if (!t.keyspace) throw noDatabase();
      const queries = this.destinationShards(t).map((name): ShardQuery => {
        let disabled = false;
        try {
          disabled = this.opts.resolver.shardByName(t.keyspace, t.tabletType, name)?.queryServiceDisabled ?? false;
        } catch {
          disabled = false;
        }
        return { shard: { keyspace: t.keyspace, name, keyRange: null, queryServiceDisabled: disabled }, sql, bindVars };
      });
      const denied = queries.some((q) => this.deniedTables.has(deniedKey(t.keyspace, q.shard.name, t.tabletType)));
      const access: QueryAccess = { tables: denied ? tablesOf(sql) : [], write };
      if (queries.length === 1) return vc.executeShard(queries[0]!, access);
      const results = await vc.executeShards(queries, access);
      let rowsAffected = 0;
      for (const r of results) rowsAffected += r.rowsAffected;
      return { ...concatResults(results), rowsAffected, insertId: results.find((r) => r.insertId !== 0n)?.insertId ?? 0n };
    });
  }

  /**
   * The shard names a target's destination resolves to now (Vitess's ResolveDestinations): the
   * named shard as is, the serving shard holding the keyspace id, or the serving shards from the one
   * starting where the key range starts to the one ending where it ends (INVALID_ARGUMENT
   * `keyrange … does not exactly match shards` when the bounds fall inside shards).
   */
  private destinationShards(t: SessionTarget): string[] {
    if (t.shard) return [t.shard];
    if (t.keyspaceId) return [this.opts.resolver.shardForKeyspaceId(t.keyspace, t.tabletType, t.keyspaceId).name];
    const kr = t.keyRange!;
    const shards = this.opts.resolver.shards(t.keyspace, t.tabletType);
    const names: string[] = [];
    let i = shards.findIndex((s) => compareKeyRangeStarts(s.keyRange, kr) === 0);
    for (; i >= 0 && i < shards.length && keyRangeIntersect(kr, shards[i]!.keyRange); i++) {
      names.push(shards[i]!.name);
      if (keyRangeEndsEqual(kr, shards[i]!.keyRange)) return names;
    }
    throw new SqlError(ER.UNKNOWN_ERROR[0], ER.UNKNOWN_ERROR[1], `keyrange ${keyRangeString(kr)} does not exactly match shards`, Code.INVALID_ARGUMENT);
  }

  /** Sends a statement (qualifiers stripped) to one shard of the session's keyspace. */
  private async executeOnAnyShard(session: VtgateSession, sql: string, bindVars: BindVars): Promise<Result> {
    const names = this.planContext(session).keyspaceNames;
    const keyspace = qualifyingKeyspace(sql, names) || session.target.keyspace;
    if (!keyspace) throw noDatabase();
    await this.keyspaceExists(keyspace);
    const shard = this.opts.resolver.shards(keyspace, session.target.tabletType)[0];
    if (!shard) throw sqlError(ER.UNKNOWN_ERROR, `keyspace ${keyspace} has no shards`);
    const text = stripQualifiers(sql, names);
    return new ExecutorVCursor(this, session).executeShard({ shard, sql: text, bindVars }, { tables: [], write: false });
  }

  private async executeDdl(session: VtgateSession, sql: string): Promise<Result> {
    if (session.inTransaction) await this.commit(session);
    const t = session.target;
    // A temporary table is its client's own: it lives on the session's reserved connection.
    const temporary = TEMPORARY_TABLE_DDL.test(sql);
    if (hasShardDestination(t)) {
      if (temporary) session.inReservedConn = true;
      return this.executeOnTargetShard(session, sql, {}, true);
    }
    const names = this.planContext(session).keyspaceNames;
    const keyspace = qualifyingKeyspace(sql, names) || t.keyspace;
    if (!keyspace) throw noDatabase();
    if (!(await this.keyspaceExists(keyspace))) throw unknownDatabase(keyspace);
    if (temporary) {
      // As Vitess's DDL planner: temporary tables live on unsharded keyspaces only.
      if (this.vschema.keyspace(keyspace)?.sharded) throw sqlError(ER.NOT_SUPPORTED_YET, `Temporary table not supported in sharded database ${keyspace}`);
      session.inReservedConn = true;
    }
    const text = stripQualifiers(sql, names);
    const shards = this.opts.resolver.shards(keyspace, TabletType.PRIMARY);
    const vc = new ExecutorVCursor(this, session, TabletType.PRIMARY);
    const results = await vc.executeShards(
      shards.map((shard) => ({ shard, sql: text, bindVars: {} })),
      { tables: [], write: true },
    );
    // The tracked columns are stale now: plans built on them go, and the next that needs them reloads.
    if (this.schema.forget(keyspace)) this.planCache.clear();
    return results[0] ?? emptyResult();
  }

  /**
   * ALTER VSCHEMA, as Vitess's AlterVSchema primitive and vtgate's VSchema manager run it: the
   * keyspace is the statement's qualifier or the session's (1046 without one, 1049 for an unknown
   * one), the user must be authorized (1045), then the change is applied to the keyspace's VSchema
   * in the topology, validated as vtgate builds it (an invalid result is refused and nothing is
   * saved), saved, the SrvVSchema rebuilt, and installed here at once so the next statement sees it.
   * Nothing is sent to the tablets.
   */
  private async executeAlterVschema(session: VtgateSession, sql: string): Promise<Result> {
    const ddl = parseAlterVschema(sql);
    const keyspace = ddl.table.qualifier || session.target.keyspace;
    if (!keyspace) throw noDatabase();
    if (!(await this.keyspaceExists(keyspace))) throw sqlError(ER.BAD_DB_ERROR, `VT05003: unknown database '${keyspace}' in vschema`, Code.NOT_FOUND);
    this.vschemaAcl.check(session.user);
    if (session.inTransaction) await this.commit(session);
    const topo = this.opts.topo;
    // Read, change and save under the keyspace lock: concurrent changes never lose one another.
    const unlock = await topo.lockKeyspace(keyspace, 'ApplyVSchemaDDL');
    try {
      const current = await topo.getVSchema(keyspace).catch((err: unknown) => {
        if (isTopoError(err, 'NoNode')) return null;
        throw err;
      });
      const next = applyAlterVschema(keyspace, current, ddl);
      try {
        checkKeyspaceVSchema(keyspace, next);
      } catch (err) {
        throw sqlError(ER.UNKNOWN_ERROR, (err as Error).message, Code.INVALID_ARGUMENT);
      }
      await topo.saveVSchema(keyspace, next);
      await topo.rebuildSrvVSchema();
    } finally {
      await unlock();
    }
    this.setVSchema(VSchema.build(await this.srvVSchema(), this.opts.resolver.keyspaceNames()));
    return emptyResult();
  }

  /**
   * CREATE/DROP DATABASE, as Vitess's planner and DBDDL primitive run them: IF [NOT] EXISTS makes an
   * existing (missing) database a no-op, otherwise 1007 `VT06001: cannot create database 'x';
   * database exists` / 1008 `VT05001: cannot drop database 'x'; database does not exists`; then the
   * plugin creates (drops) the keyspace and the statement returns once vtgate serves it (a query
   * reaches every shard's primary) or no longer knows it. 1 row affected for CREATE.
   */
  private async executeDbDdl(session: VtgateSession, ddl: DbDdl): Promise<Result> {
    if (session.inTransaction) await this.commit(session);
    const exists = await this.keyspaceExists(ddl.name);
    if (ddl.create && exists) {
      if (ddl.ifExists) return emptyResult();
      throw sqlError(ER.DB_CREATE_EXISTS, `VT06001: cannot create database '${ddl.name}'; database exists`, Code.ALREADY_EXISTS);
    }
    if (!ddl.create && !exists) {
      if (ddl.ifExists) return emptyResult();
      throw sqlError(ER.DB_DROP_EXISTS, `VT05001: cannot drop database '${ddl.name}'; database does not exists`, Code.NOT_FOUND);
    }
    const plugin = this.opts.dbDdlPlugin ?? FAIL_DB_DDL_PLUGIN;
    const deadline = this.opts.clock.now() + DB_DDL_TIMEOUT_MS;
    if (ddl.create) {
      await plugin.createDatabase(ddl.name);
      await this.waitUntil(() => this.serves(ddl.name), deadline, 'could not validate create database: tablets not healthy');
      return { ...emptyResult(), rowsAffected: 1 };
    }
    await plugin.dropDatabase(ddl.name);
    await this.waitUntil(async () => {
      this.setVSchema(VSchema.build(await this.srvVSchema(), this.opts.resolver.keyspaceNames()));
      return !this.vschema.keyspace(ddl.name) && !this.opts.resolver.hasKeyspace(ddl.name);
    }, deadline, 'could not validate drop database: keyspace still available in vschema');
    return emptyResult();
  }

  /** The SrvVSchema of vtgate's cell from the topology; null when it was never built. */
  private srvVSchema(): Promise<SrvVSchema | null> {
    return this.opts.topo.getSrvVSchema(this.opts.cell).catch((err: unknown) => {
      if (isTopoError(err, 'NoNode')) return null;
      throw err;
    });
  }

  /** True once `keyspace` resolves to shards whose primaries all answer `select 42 from dual where null`. */
  private async serves(keyspace: string): Promise<boolean> {
    await this.opts.healthCheck.refresh();
    if (!(await this.opts.ensureKeyspace(keyspace))) return false;
    const shards = this.opts.resolver.shards(keyspace, TabletType.PRIMARY);
    if (shards.length === 0) return false;
    // Its own autocommit session: the client's may have autocommit off, which would open a transaction.
    const vc = new ExecutorVCursor(this, new VtgateSession(0, ''), TabletType.PRIMARY);
    try {
      await vc.executeShards(shards.map((shard) => ({ shard, sql: 'select 42 from dual where null', bindVars: {} })), { tables: [], write: false });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Polls `done` every few milliseconds until it holds; past `deadline` (clock ms) fails with
   * DEADLINE_EXCEEDED `message`, which the MySQL protocol shows as 1317 (70100), as Vitess maps it.
   */
  private async waitUntil(done: () => Promise<boolean>, deadline: number, message: string): Promise<void> {
    while (!(await done())) {
      if (this.opts.clock.now() >= deadline) throw sqlError(ER.QUERY_INTERRUPTED, message, Code.DEADLINE_EXCEEDED);
      await delay(DB_DDL_POLL_MS);
    }
  }

  /**
   * SAVEPOINT, ROLLBACK TO SAVEPOINT and RELEASE SAVEPOINT, as Vitess's handleSavepoint: with no
   * shard transaction open yet, a statement inside a transaction is only recorded (and replayed on
   * each shard as it begins), while outside one SAVEPOINT is a no-op and the others fail with 1305
   * (NOT_FOUND) `SAVEPOINT does not exist: <statement>`. Otherwise it runs on every open shard
   * transaction (the first error is returned) and is recorded.
   */
  private async executeSavepoint(session: VtgateSession, sql: string, isSavepoint: boolean): Promise<Result> {
    const open = session.transactionShardSessions();
    if (open.length === 0) {
      if (session.inTransaction) {
        session.savepoints.push(sql);
        return emptyResult();
      }
      if (isSavepoint) return emptyResult();
      throw new SqlError(ER.SP_DOES_NOT_EXIST[0], ER.SP_DOES_NOT_EXIST[1], `SAVEPOINT does not exist: ${sql}`, Code.NOT_FOUND);
    }
    for (const ss of open) {
      await this.opts.gateway.execute(ss.target, sql, {}, ss.transactionId, ss.tabletAlias, undefined, ss.reservedId);
    }
    session.savepoints.push(sql);
    return emptyResult();
  }

  /**
   * BEGIN / START TRANSACTION: commits an open transaction first, as MySQL does. Shard
   * transactions begin lazily, with the access mode given here (`readOnly`).
   */
  private async begin(session: VtgateSession, readOnly: boolean | undefined): Promise<void> {
    if (session.inTransaction) await this.commit(session);
    session.inTransaction = true;
    session.transactionReadOnly = readOnly;
  }

  /**
   * COMMIT: commits every shard transaction in the order they began (reserved connections stay, as
   * the tablets keep them; best effort, like Vitess's
   * MULTI mode). If a shard's primary stopped serving meanwhile (a cutover disabled its query
   * service or moved its partition), everything is rolled back and the in-transaction failover
   * error is raised: committing there would write behind the cutover's back.
   */
  private async commit(session: VtgateSession): Promise<void> {
    const shards = session.transactionShardSessions();
    session.endTransaction();
    const stopped = shards.find((ss) => this.stoppedServing(ss.target));
    if (stopped) {
      for (const ss of shards) await this.opts.gateway.rollback(ss.target, ss.transactionId, ss.tabletAlias).catch(() => undefined);
      const cause = wrapTabletError(stopped.target, new SqlError(1105, 'HY000', NOT_SERVING, Code.FAILED_PRECONDITION), '');
      throw inTransactionFailoverError(cause);
    }
    for (let i = 0; i < shards.length; i++) {
      const ss = shards[i]!;
      try {
        await this.opts.gateway.commit(ss.target, ss.transactionId, ss.tabletAlias);
      } catch (err) {
        for (const rest of shards.slice(i + 1)) await this.opts.gateway.rollback(rest.target, rest.transactionId, rest.tabletAlias).catch(() => undefined);
        throw err;
      }
    }
  }

  /** ROLLBACK: rolls back every shard transaction (reserved connections stay); errors are ignored (the transactions are gone either way). */
  private async rollback(session: VtgateSession): Promise<void> {
    const shards = session.transactionShardSessions();
    session.endTransaction();
    for (const ss of shards) await this.opts.gateway.rollback(ss.target, ss.transactionId, ss.tabletAlias).catch(() => undefined);
  }

  /** True if the serving graph disables the query service of a PRIMARY target's shard (whether or not the partition still lists it). */
  private stoppedServing(target: Target): boolean {
    return target.tablet_type === TabletType.PRIMARY && this.opts.resolver.queryServiceDisabled(target.keyspace, TabletType.PRIMARY, target.shard);
  }

  private async keyspaceExists(keyspace: string): Promise<boolean> {
    if (this.vschema.keyspace(keyspace) || this.opts.resolver.hasKeyspace(keyspace)) return true;
    return this.opts.ensureKeyspace(keyspace);
  }

  /** Checks denied tables and disabled query service before a query reaches a shard. */
  checkShard(target: Target, shard: ServingShard, access: QueryAccess, q: ShardQuery): void {
    if (shard.queryServiceDisabled) {
      throw wrapTabletError(target, new SqlError(1105, 'HY000', NOT_SERVING, Code.FAILED_PRECONDITION), '');
    }
    if (access.tables.length === 0) return;
    const denied = this.deniedTables.get(deniedKey(shard.keyspace, shard.name, target.tablet_type));
    if (denied && access.tables.some((t) => denied.has(t))) {
      throw wrapTabletError(
        target,
        new SqlError(1105, 'HY000', DENIED, Code.FAILED_PRECONDITION),
        `: Sql: "${q.sql}", BindVars: {${formatBindVars(q.bindVars)}}`,
      );
    }
  }

  private async executeSet(session: VtgateSession, sql: string): Promise<Result> {
    const assignments = parseSetAssignments(sql);
    // Vitess plans the whole statement first: one unknown or read-only variable sets nothing.
    for (const a of assignments) if (a.kind === 'system' && a.scope === 'session') checkSettable(a.name);
    for (const a of assignments) {
      if (a.kind === 'ignored') continue;
      const { value, type } = await this.evaluateSetValue(session, a.valueText, a.kind === 'user');
      if (a.kind === 'user') {
        setUserVariable(this.sessionContext(session), a.name.toLowerCase(), value, type);
        continue;
      }
      const name = a.name.toLowerCase();
      if (a.scope === 'global') continue;
      if (name === 'autocommit') {
        const on = onOff(name, value);
        if (on && !session.autocommit && session.inTransaction) await this.commit(session);
        session.autocommit = on;
      } else if (name === 'sql_mode') {
        // Validated as MySQL would; the tablets then run this session's queries under it.
        if (typeof value === 'string' && value.toUpperCase() === 'DEFAULT') throw sqlError(ER.UNKNOWN_ERROR, 'VT12001: unsupported: DEFAULT for @@sql_mode', Code.UNIMPLEMENTED);
        session.systemVariables.set(name, normalizeSqlMode(value));
      } else if (name === 'foreign_key_checks') {
        // A setting Vitess applies to the tablet connections of this session (UseReservedConn).
        session.systemVariables.set(name, onOff(name, value) ? 1n : 0n);
      } else {
        session.systemVariables.set(name, value);
        if (appliedToReservedConnections(name)) await this.applyReservedSetting(session, name, value);
      }
    }
    return emptyResult();
  }

  /**
   * A SET of a variable Vitess applies through reserved connections (SysVarReservedConn): a value
   * other than the tablets' puts the session in reserved connections (each new one is set up with
   * the session's settings, see setPreQueries), and the connections already reserved get it now.
   */
  private async applyReservedSetting(session: VtgateSession, name: string, value: SqlValue): Promise<void> {
    if (setReservesConnection(name, value)) session.inReservedConn = true;
    const sql = `set @@${name} = ${sqlLiteral(value)}`;
    for (const ss of session.shardSessions) {
      if (ss.reservedId) await this.opts.gateway.execute(ss.target, sql, {}, ss.transactionId, ss.tabletAlias, undefined, ss.reservedId);
    }
  }

  /**
   * The value of one SET assignment. A bare word names a system variable's value (`set autocommit =
   * on`, `set sql_mode = traditional`) unless it is NULL, TRUE or FALSE; a user variable's value is
   * always an expression, evaluated in vtgate or, when vtgate cannot evaluate it (a subquery), sent
   * as `select <value> from dual` to one shard of the session's keyspace, as Vitess's
   * expressionConverter does with the expressions its evalengine does not support.
   */
  private async evaluateSetValue(session: VtgateSession, text: string, userVariable: boolean): Promise<{ value: SqlValue; type: Type }> {
    if (!userVariable && /^[A-Za-z_][\w$]*$/.test(text) && !/^(?:null|true|false)$/i.test(text)) return { value: text, type: Type.VARCHAR };
    const ast = parseStatement(`select ${text}`);
    let expr;
    try {
      expr = compileExpr((ast.columns as Expr[])[0]!.expr as Expr, NO_COLUMNS);
    } catch (err) {
      if (!(err instanceof SqlError) || err.errno !== ER.NOT_SUPPORTED_YET[0]) throw err;
      const r = await this.executeOnAnyShard(session, `select ${text} from dual`, {});
      return { value: r.rows[0]?.[0] ?? null, type: r.fields[0]?.type ?? Type.NULL_TYPE };
    }
    const env = { row: [], bindVars: {}, session: this.sessionContext(session) };
    const value = expr(env);
    return { value, type: expr.valueType?.(env) ?? expr.type };
  }

  private async keyspaceNames(): Promise<string[]> {
    const names = new Set([...this.vschema.keyspaceNames(), ...this.opts.resolver.keyspaceNames()]);
    for (const k of await this.opts.topo.getKeyspaces()) names.add(k);
    return [...names].sort();
  }
}

/**
 * The VCursor of one attempt at a statement: routes shard queries through the gateway inside the
 * session's transaction, and records what the attempt did for the buffer: the first primary
 * failover it met and whether any write may have applied.
 */
class ExecutorVCursor implements VCursor {
  readonly tabletType: TabletType;
  /** The shard of the first PRIMARY failover error this attempt met. */
  failover: ServingShard | undefined;
  /** A write of this attempt reached a tablet and was not refused for a failover: running it again could apply it twice. */
  applied = false;

  /** The shard transactions this attempt opened for a multi-shard autocommit write, in the order they began. */
  private readonly implicit: ShardSession[] = [];

  /**
   * `bufferRequest` gives the statement's buffering budget when its shard queries may wait out a
   * failover on their own (see {@link dispatch}); without it they never wait. With
   * `atomicWrites`, writes sent to several shards at once run in transactions of this attempt,
   * which {@link commitImplicit} or {@link rollbackImplicit} end.
   */
  constructor(
    private readonly ex: Executor,
    private readonly session: VtgateSession,
    tabletType?: TabletType,
    private readonly bufferRequest?: () => BufferedRequest,
    private readonly atomicWrites = false,
  ) {
    this.tabletType = tabletType ?? session.target.tabletType;
  }

  /** True when writes to several shards must run in this attempt's own transactions. */
  private implicitFor(access: QueryAccess, shards: number): boolean {
    return this.atomicWrites && access.write && shards > 1 && this.tabletType === TabletType.PRIMARY;
  }

  /** True while the attempt has shard transactions of its own open (see {@link commitImplicit}). */
  get hasImplicit(): boolean {
    return this.implicit.length > 0;
  }

  /**
   * Commits the attempt's shard transactions in the order they began; if one fails, the ones not
   * yet committed are rolled back and its error is raised (Vitess's MULTI commit: best effort, the
   * shards committed before stay committed).
   */
  async commitImplicit(): Promise<void> {
    const shards = this.implicit.splice(0);
    const gateway = this.ex.opts.gateway;
    for (let i = 0; i < shards.length; i++) {
      const ss = shards[i]!;
      try {
        await gateway.commit(ss.target, ss.transactionId, ss.tabletAlias);
      } catch (err) {
        for (const rest of shards.slice(i + 1)) await gateway.rollback(rest.target, rest.transactionId, rest.tabletAlias).catch(() => undefined);
        // Shards committed before this one keep the write: running the statement again could apply it twice.
        if (i > 0) this.applied = true;
        throw err;
      }
    }
  }

  /** Rolls back the attempt's shard transactions (errors ignored: the transactions end either way). */
  async rollbackImplicit(): Promise<void> {
    const shards = this.implicit.splice(0);
    const gateway = this.ex.opts.gateway;
    for (const ss of shards) await gateway.rollback(ss.target, ss.transactionId, ss.tabletAlias).catch(() => undefined);
  }

  /** Runs a write in this attempt's transaction on the query's shard, beginning it first if needed. */
  private async dispatchImplicit(target: Target, q: ShardQuery): Promise<Result> {
    const gateway = this.ex.opts.gateway;
    try {
      const ss = this.implicit.find((s) => s.target.keyspace === target.keyspace && s.target.shard === target.shard);
      if (!ss) return await this.beginImplicit(target, q, (opened) => this.implicit.push(opened));
      return await gateway.execute(target, q.sql, q.bindVars, ss.transactionId, ss.tabletAlias, this.executeOptions, ss.reservedId);
    } catch (err) {
      this.noteError(q.shard, err, false);
      throw err;
    }
  }

  /**
   * Begins a transaction of this attempt's own on a shard and runs its first query in it; `opened`
   * receives the transaction (before the query's error, if any, is thrown). In a session in reserved
   * connections it runs on the session's reserved connection there (reserved now, with the
   * session's settings, when there is none yet), which stays after the transaction ends.
   */
  private async beginImplicit(target: Target, q: ShardQuery, opened: (ss: ShardSession) => void): Promise<Result> {
    const gateway = this.ex.opts.gateway;
    const session = this.session;
    const reserved = session.inReservedConn ? session.shardSession(target) : undefined;
    if (session.inReservedConn && !reserved) {
      const state = await gateway.reserveExecute(target, session.target.tabletAlias, setPreQueries(session), q.sql, q.bindVars, 0, this.executeOptions, { savepoints: [] });
      session.shardSessions.push({ target, transactionId: 0, reservedId: state.reservedId, tabletAlias: state.alias });
      opened({ target, transactionId: state.transactionId, reservedId: state.reservedId, tabletAlias: state.alias });
      if (state.error !== undefined) throw state.error;
      return state.result!;
    }
    const reservedId = reserved?.reservedId ?? 0;
    const { transactionId, alias } = await gateway.begin(target, reserved?.tabletAlias ?? session.target.tabletAlias, undefined, reservedId);
    opened({ target, transactionId, reservedId, tabletAlias: alias });
    return gateway.execute(target, q.sql, q.bindVars, transactionId, alias, this.executeOptions, reservedId);
  }

  get resolver(): Resolver {
    return this.ex.opts.resolver;
  }

  /**
   * The session's execute options for the tablets: all field metadata (a gRPC session's own
   * included_fields applies at the gRPC edge, see included-fields.ts), and the system settings the
   * tablets apply to its queries (Vitess's settings connections): sql_mode and foreign_key_checks;
   * and client_found_rows.
   */
  private get executeOptions(): ExecuteOptions {
    const sqlMode = this.session.systemVariables.get('sql_mode');
    const foreignKeyChecks = this.session.systemVariables.get('foreign_key_checks');
    const options: ExecuteOptions = { includedFields: IncludedFields.ALL };
    if (typeof sqlMode === 'string') options.sqlMode = sqlMode;
    if (foreignKeyChecks === 0n) options.foreignKeyChecks = false;
    if (this.session.clientFoundRows) options.clientFoundRows = true;
    return options;
  }

  get sessionContext(): SessionContext {
    return this.ex.sessionContext(this.session);
  }

  executeShard(q: ShardQuery, access: QueryAccess): Promise<Result> {
    const target = this.check(q.shard, access, q);
    return this.dispatch(target, q, access);
  }

  /** Checks every shard before sending anything, so a failover on one shard leaves the others untouched; then waits for all. */
  executeShards(queries: ShardQuery[], access: QueryAccess): Promise<Result[]> {
    const targets = queries.map((q) => this.check(q.shard, access, q));
    if (this.implicitFor(access, queries.length)) return settleAll(queries.map((q, i) => this.dispatchImplicit(targets[i]!, q)));
    return settleAll(queries.map((q, i) => this.dispatch(targets[i]!, q, access)));
  }

  /** Checks every shard of every group first, then runs each group as one unit; waits for all. */
  executeShardsAtomically(groups: ShardQueries[], access: QueryAccess): Promise<Result[][]> {
    const targets = groups.map((g) => {
      let target: Target | undefined;
      for (const q of g.queries) target = this.check(g.shard, access, q);
      return target!;
    });
    if (this.implicitFor(access, groups.length)) {
      return settleAll(
        groups.map(async (g, i) => {
          const results: Result[] = [];
          for (const q of g.queries) results.push(await this.dispatchImplicit(targets[i]!, q));
          return results;
        }),
      );
    }
    return settleAll(groups.map((g, i) => this.runAtomically(targets[i]!, g.queries, access)));
  }

  /** The target of a shard query after vtgate's checks (disabled query service, denied tables); a failover error is recorded. */
  private check(shard: ServingShard, access: QueryAccess, q: ShardQuery): Target {
    const target: Target = { keyspace: shard.keyspace, shard: shard.name, tablet_type: this.tabletType, cell: this.ex.opts.cell };
    try {
      this.ex.checkShard(target, shard, access, q);
    } catch (err) {
      this.noteError(shard, err, false);
      throw err;
    }
    return target;
  }

  private async dispatch(target: Target, q: ShardQuery, access: QueryAccess): Promise<Result> {
    const session = this.session;
    try {
      let r: Result;
      const transactional = this.tabletType === TabletType.PRIMARY && (session.inTransaction || !session.autocommit);
      if (transactional || session.inReservedConn) {
        r = await this.executeInShardSession(target, q, transactional);
      } else {
        r = await this.executeBuffered(target, q);
      }
      if (access.write) this.applied = true;
      return r;
    } catch (err) {
      this.noteError(q.shard, err, access.write);
      throw err;
    }
  }

  /**
   * Sends a shard query in the session's shard session on that shard, as Vitess's scatter conn does
   * (actionInfo): beginning the transaction there first when `transactional` and none is open,
   * reserving a connection first when the session is in reserved connections and has none there
   * (both at once on a new connection, or the transaction on the reserved one). A reserved
   * connection outside a transaction that was lost (the tablet restarted or went away) is forgotten
   * (released where it may still live) and reserved anew on a serving tablet, and the query runs
   * there (checkAndResetShardSession): what lived on the lost connection, such as temporary tables,
   * is gone.
   */
  private async executeInShardSession(target: Target, q: ShardQuery, transactional: boolean): Promise<Result> {
    const session = this.session;
    const ss = session.shardSession(target);
    const begin = transactional && !ss?.transactionId;
    if (session.inReservedConn && !ss?.reservedId) return this.reserveExecute(target, q, ss, begin);
    try {
      return await (begin ? this.beginExecute(target, q, ss) : this.ex.opts.gateway.execute(target, q.sql, q.bindVars, ss!.transactionId, ss!.tabletAlias, this.executeOptions, ss!.reservedId));
    } catch (err) {
      if (!ss?.reservedId || ss.transactionId || !reservedConnectionLost(err)) throw err;
      session.resetShard(ss);
      // A tablet that only changed type still holds the connection: end it there.
      await this.ex.opts.gateway.release(target, 0, ss.reservedId, ss.tabletAlias).catch(() => undefined);
      return this.reserveExecute(target, q, undefined, begin);
    }
  }

  /** Begins the session's transaction on a shard (on its reserved connection there, if any), replays the savepoints and runs the query in it. */
  private async beginExecute(target: Target, q: ShardQuery, ss: ShardSession | undefined): Promise<Result> {
    const session = this.session;
    const gateway = this.ex.opts.gateway;
    const reservedId = ss?.reservedId ?? 0;
    const { transactionId, alias } = await gateway.begin(target, ss?.tabletAlias ?? session.target.tabletAlias, session.transactionReadOnly, reservedId);
    session.inTransaction = true;
    this.recordShardSession(target, ss, transactionId, reservedId, alias);
    for (const sp of session.savepoints) await gateway.execute(target, sp, {}, transactionId, alias, undefined, reservedId);
    return gateway.execute(target, q.sql, q.bindVars, transactionId, alias, this.executeOptions, reservedId);
  }

  /** Reserves a connection on the target's shard (on the tablet of an open transaction there), beginning a transaction on a new one when `begin`, and runs the query on it. */
  private async reserveExecute(target: Target, q: ShardQuery, ss: ShardSession | undefined, begin: boolean): Promise<Result> {
    const session = this.session;
    const alias = ss?.tabletAlias ?? session.target.tabletAlias;
    const state = await this.ex.opts.gateway.reserveExecute(
      target,
      alias,
      setPreQueries(session),
      q.sql,
      q.bindVars,
      ss?.transactionId ?? 0,
      this.executeOptions,
      begin ? { readOnly: session.transactionReadOnly, savepoints: session.savepoints } : undefined,
    );
    if (begin) session.inTransaction = true;
    this.recordShardSession(target, ss, state.transactionId, state.reservedId, state.alias);
    if (state.error !== undefined) throw state.error;
    return state.result!;
  }

  /** Records the ids of the session's transaction / reserved connection on a target (updating its shard session or adding one). */
  private recordShardSession(target: Target, ss: ShardSession | undefined, transactionId: number, reservedId: number, alias: TabletAlias): void {
    if (!ss) {
      this.session.shardSessions.push({ target, transactionId, reservedId, tabletAlias: alias });
      return;
    }
    ss.transactionId = transactionId;
    ss.reservedId = reservedId;
  }

  /**
   * Sends an autocommit shard query. When it reaches no tablet because its shard has no serving
   * primary (the primary died and a new one is not elected yet), it waits in the buffer for that
   * shard and is sent again, as Vitess's tablet gateway buffers each shard query on its own: a
   * scatter write's other shards are not held back or run twice.
   */
  private async executeBuffered(target: Target, q: ShardQuery): Promise<Result> {
    const gateway = this.ex.opts.gateway;
    for (;;) {
      const epoch = this.ex.buffer.epoch;
      try {
        return await gateway.execute(target, q.sql, q.bindVars, 0, this.session.target.tabletAlias, this.executeOptions);
      } catch (err) {
        if (!this.bufferRequest || this.tabletType !== TabletType.PRIMARY || !reachedNoPrimary(err)) throw err;
        await this.ex.buffer.wait(target.keyspace, target.shard, err, this.bufferRequest(), epoch);
      }
    }
  }

  private async runAtomically(target: Target, queries: ShardQuery[], access: QueryAccess): Promise<Result[]> {
    const session = this.session;
    const results: Result[] = [];
    if (queries.length === 1 || this.tabletType !== TabletType.PRIMARY || session.inTransaction || !session.autocommit) {
      for (const q of queries) results.push(await this.dispatch(target, q, access));
      return results;
    }
    const gateway = this.ex.opts.gateway;
    const shard = queries[0]!.shard;
    let committing = false;
    let tx: ShardSession | undefined;
    try {
      try {
        results.push(await this.beginImplicit(target, queries[0]!, (opened) => (tx = opened)));
        const { transactionId, tabletAlias, reservedId } = tx!;
        for (const q of queries.slice(1)) results.push(await gateway.execute(target, q.sql, q.bindVars, transactionId, tabletAlias, this.executeOptions, reservedId));
        committing = true;
        await gateway.commit(target, transactionId, tabletAlias);
      } catch (err) {
        if (!committing && tx) await gateway.rollback(target, tx.transactionId, tx.tabletAlias).catch(() => undefined);
        throw err;
      }
    } catch (err) {
      this.noteError(shard, err, committing && access.write);
      throw err;
    }
    if (access.write) this.applied = true;
    return results;
  }

  /** Records a failed shard query: a PRIMARY failover error names the shard to buffer on; any other failure of a write may have applied. */
  private noteError(shard: ServingShard, err: unknown, mayHaveApplied: boolean): void {
    if (this.tabletType === TabletType.PRIMARY && isFailoverError(err)) this.failover ??= shard;
    else if (mayHaveApplied) this.applied = true;
  }

  async nextSequenceIds(sequence: TableModel, count: number): Promise<bigint> {
    const shard = this.resolver.shards(sequence.keyspace.name, TabletType.PRIMARY)[0];
    if (!shard) throw sqlError(ER.UNKNOWN_ERROR, `keyspace ${sequence.keyspace.name} has no shards`);
    const target: Target = { keyspace: shard.keyspace, shard: shard.name, tablet_type: TabletType.PRIMARY, cell: this.ex.opts.cell };
    const r = await this.ex.opts.gateway.execute(target, `select next :n values from ${sequence.name}`, { n: BigInt(count) }, 0);
    const first = toBigInt(r.rows[0]?.[0] ?? null);
    if (first === null) throw sqlError(ER.UNKNOWN_ERROR, `sequence ${sequence.name} returned no value`);
    return first;
  }
}

/** `EXPLAIN FORMAT=VITESS` (the older spelling of VEXPLAIN PLAN). */
const EXPLAIN_VITESS = /^\s*explain\s+format\s*=\s*vitess\s+/i;

/**
 * True when a reserved connection's query failed because the connection is gone (Vitess's
 * wasConnectionClosed and requireNewQS): the tablet no longer knows it (`transaction <id>: not
 * found`, as after a restart), is unavailable or gone, or serves another tablet type now.
 */
function reservedConnectionLost(err: unknown): boolean {
  if (!(err instanceof SqlError)) return false;
  if (err.code === Code.UNAVAILABLE) return true;
  if (err.code === Code.ABORTED) return /transaction \S+ (?:ended|not found)/.test(err.message);
  return err.code === Code.FAILED_PRECONDITION && /wrong tablet type/.test(err.message);
}

/** The statement that sets up a new reserved connection with the session's settings (Vitess's SetPreQueries); none without settings. */
function setPreQueries(session: VtgateSession): string[] {
  const assignments: string[] = [];
  for (const [name, value] of session.systemVariables) {
    if (appliedToReservedConnections(name)) assignments.push(`@@${name} = ${sqlLiteral(value)}`);
  }
  return assignments.length === 0 ? [] : [`set ${assignments.join(', ')}`];
}

/** True when a shard query failed before reaching any tablet because its shard has no serving primary. */
function reachedNoPrimary(err: unknown): err is SqlError {
  return isFailoverError(err) && err.message.includes('no healthy tablet available');
}

/** Waits for every promise; rejects with the first rejection in list order once all settled, else resolves to the values in order. */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  if (promises.length === 1) return [await promises[0]!];
  const settled = await Promise.allSettled(promises);
  const out: T[] = [];
  for (const s of settled) {
    if (s.status === 'rejected') throw s.reason;
    out.push(s.value);
  }
  return out;
}

/** The target a USE statement names: `use ks@replica`, ``use `ks:-80`@primary``, `use customer/-80`; '' for a bare USE. */
function useArgument(sql: string): string {
  const arg = stripLeadingComments(sql).replace(/^use\b/i, '').trim().replace(/;+$/, '').trim();
  const quoted = /^(`(?:[^`]|``)*`)(.*)$/s.exec(arg);
  return quoted ? unquoteIdent(quoted[1]!) + quoted[2]!.trim() : arg;
}

/** True when two key ranges end at the same keyspace id (an empty end is the unbounded one). */
function keyRangeEndsEqual(a: KeyRange, b: KeyRange | null): boolean {
  const other = b?.end ?? new Uint8Array(0);
  if (a.end.length === 0 || other.length === 0) return a.end.length === other.length;
  return compareKeyspaceIds(a.end, other) === 0;
}

/** The table names a statement reads or writes (unqualified); [] if it does not parse. */
function tablesOf(sql: string): string[] {
  try {
    return collectTables(parseStatement(sql)).map((r) => r.table);
  } catch {
    return [];
  }
}

/** The first keyspace the statement qualifies a name with (`create table ks.t`, `show create table ks.t`), or ''. */
function qualifyingKeyspace(sql: string, keyspaces: ReadonlySet<string>): string {
  const lx = new SqlLexer(sql);
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (k !== Tok.WORD && k !== Tok.QUOTED_IDENT) continue;
    const name = k === Tok.WORD ? lx.text() : unquoteIdent(lx.text());
    if (keyspaces.has(name) && sql.charCodeAt(lx.end) === 46) return name;
  }
  return '';
}

/** One assignment of a SET statement. */
type SetAssignment =
  | { kind: 'user'; name: string; valueText: string }
  | { kind: 'system'; name: string; scope: 'session' | 'global'; valueText: string }
  | { kind: 'ignored' };

/** Splits `SET a = 1, @b := 'x', NAMES utf8mb4, SESSION c = …` into assignments. Throws 1064 on a malformed one. */
function parseSetAssignments(sql: string): SetAssignment[] {
  const lx = new SqlLexer(sql);
  lx.next();
  const out: SetAssignment[] = [];
  const skipToComma = (): void => {
    let depth = 0;
    for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
      if (k === Tok.PUNCT && lx.isPunct('(')) depth++;
      else if (k === Tok.PUNCT && lx.isPunct(')')) depth--;
      else if (depth === 0 && k === Tok.PUNCT && (lx.isPunct(',') || lx.isPunct(';'))) return;
    }
  };
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    let scope: 'session' | 'global' = 'session';
    let scoped = false;
    if (k === Tok.WORD && /^(GLOBAL|SESSION|LOCAL|PERSIST|PERSIST_ONLY)$/.test(lx.upper())) {
      scope = lx.upper() === 'GLOBAL' || lx.upper().startsWith('PERSIST') ? 'global' : 'session';
      scoped = true;
      k = lx.next();
    }
    // SET SESSION TRANSACTION ISOLATION LEVEL x is @@session.transaction_isolation (as Vitess's parser rewrites it).
    const isolation = scoped && k === Tok.WORD && lx.isWord('TRANSACTION') ? /^\s*isolation\s+level\s+(read\s+uncommitted|read\s+committed|repeatable\s+read|serializable)\s*(?:$|[,;])/i.exec(sql.slice(lx.end)) : null;
    if (isolation) {
      out.push({ kind: 'system', name: 'transaction_isolation', scope, valueText: `'${isolation[1]!.toUpperCase().replace(/\s+/, '-')}'` });
    }
    if (k === Tok.WORD && /^(NAMES|CHARSET|CHARACTER|TRANSACTION)$/.test(lx.upper())) {
      if (!isolation) out.push({ kind: 'ignored' });
      skipToComma();
      if (lx.kind === Tok.EOF) break;
      continue;
    }
    let user = false;
    let name: string;
    if (k === Tok.VARIABLE) {
      const v = lx.text();
      if (v.startsWith('@@')) {
        const m = /^@@(?:(global|session|local)\.)?(.+)$/i.exec(v)!;
        if (m[1]?.toLowerCase() === 'global') scope = 'global';
        name = m[2]!;
      } else {
        user = true;
        name = v.slice(1).replace(/^[`'"](.*)[`'"]$/, '$1');
      }
    } else if (k === Tok.WORD || k === Tok.QUOTED_IDENT) {
      name = k === Tok.WORD ? lx.text() : unquoteIdent(lx.text());
    } else {
      throw sqlError(ER.PARSE_ERROR, `syntax error at position ${lx.end + 1} near '${lx.text()}'`);
    }
    const eq = lx.next();
    if (!(eq === Tok.PUNCT && (lx.isPunct('=') || lx.isPunct(':=')))) {
      throw sqlError(ER.PARSE_ERROR, `syntax error at position ${lx.end + 1} near '${lx.text()}'`);
    }
    const start = lx.end;
    skipToComma();
    const end = lx.kind === Tok.EOF ? sql.length : lx.start;
    const valueText = sql.slice(start, end).trim();
    if (valueText === '') throw sqlError(ER.PARSE_ERROR, `syntax error at position ${end + 1}`);
    out.push(user ? { kind: 'user', name, valueText } : { kind: 'system', name, scope, valueText });
    if (lx.kind === Tok.EOF) break;
  }
  return out;
}

function onOff(name: string, v: SqlValue): boolean {
  const s = typeof v === 'string' ? v.toUpperCase() : typeof v === 'bigint' ? v.toString() : String(v);
  if (s === '1' || s === 'ON' || s === 'TRUE') return true;
  if (s === '0' || s === 'OFF' || s === 'FALSE') return false;
  throw sqlError(ER.WRONG_VALUE_FOR_VAR, `Variable '${name}' can't be set to the value of '${s}'`);
}
