/**
 * TabletGateway: sends queries to a healthy tablet of a target (keyspace, shard, tablet type) and
 * wraps tablet errors the way Vitess's vtgate reports them (`target: ks.shard.type: vttablet: rpc
 * error: code = … desc = …`), keeping the tablet's errno and SQLSTATE.
 */
import { Code, ER, SqlError, TabletType, Type, sqlError, type BindVars, type Result, type SqlValue, type TabletAlias, type Target } from '@vtsim/proto';
import type { ExecuteOptions, QueryService, ReservedState } from '@vtsim/vttablet';
import type { HealthCheck, TabletHealth } from './health-check.js';
import { markTabletFields } from './included-fields.js';

/** The caller id vtgate forwards to tablets (Vitess's default for unauthenticated MySQL clients). */
export const CALLER_ID = 'userData1';

/** Picks tablets through the health check and runs queries on them. */
export class TabletGateway {
  private roundRobin = 0;

  constructor(private readonly healthCheck: HealthCheck) {}

  /**
   * A serving tablet for the target: the primary for PRIMARY, else the replicas/rdonlys in turn.
   * Throws SqlError 1105 (UNAVAILABLE) `no healthy tablet available for …` if there is none.
   */
  pick(target: Target): TabletHealth {
    const tablets = this.healthCheck.healthyTablets(target.keyspace, target.shard, target.tablet_type);
    if (tablets.length === 0) {
      throw new SqlError(
        ER.UNKNOWN_ERROR[0],
        ER.UNKNOWN_ERROR[1],
        `target: ${targetString(target)}: no healthy tablet available for 'keyspace:"${target.keyspace}" shard:"${target.shard}" tablet_type:${TabletType[target.tablet_type]}'`,
        Code.UNAVAILABLE,
      );
    }
    if (tablets.length === 1) return tablets[0]!;
    return tablets[this.roundRobin++ % tablets.length]!;
  }

  /**
   * Runs one statement on a tablet of the target (on `alias` when a transaction or the session's target names one;
   * on the reserved connection `reservedId` when given),
   * with the session's execute `options` (which fields come back, its settings). The result's
   * fields are marked as a tablet's (see included-fields.ts).
   * Errors are SqlErrors wrapped with the target, the tablet's message, errno and SQLSTATE, and the
   * query with its bind variables.
   */
  async execute(target: Target, sql: string, bindVars: BindVars, transactionId: number, alias?: TabletAlias, options?: ExecuteOptions, reservedId = 0): Promise<Result> {
    let qs: QueryService;
    if (alias) qs = this.queryService(target, alias);
    else {
      const picked = this.pickOrRefresh(target);
      qs = (picked instanceof Promise ? await picked : picked).queryService;
    }
    try {
      const result = await qs.execute(target, sql, bindVars, transactionId, options, reservedId);
      markTabletFields(result.fields);
      return result;
    } catch (err) {
      throw wrapTabletError(target, err, `: Sql: "${sql}", BindVars: {${formatBindVars(bindVars)}}`);
    }
  }

  /**
   * Begins a transaction on the target's tablet (the one `alias` names, if given), READ ONLY or READ
   * WRITE when `readOnly` says so (Vitess's ExecuteOptions.transaction_access_mode); returns its id
   * and the tablet it is pinned to.
   */
  async begin(target: Target, alias?: TabletAlias, readOnly?: boolean, reservedId = 0): Promise<{ transactionId: number; alias: TabletAlias }> {
    const tablet = alias ? { alias, queryService: this.queryService(target, alias) } : await this.pickOrRefresh(target);
    const options = { ...(readOnly === undefined ? {} : { readOnly }), ...(reservedId ? { reservedId } : {}) };
    try {
      return { transactionId: await tablet.queryService.begin(target, options), alias: tablet.alias };
    } catch (err) {
      throw wrapTabletError(target, err, '');
    }
  }

  /** Commits a transaction on the tablet it is pinned to; returns the reserved connection it ran on (which stays), or 0. */
  async commit(target: Target, transactionId: number, alias: TabletAlias): Promise<number> {
    try {
      return await this.queryService(target, alias).commit(target, transactionId);
    } catch (err) {
      throw wrapTabletError(target, err, '');
    }
  }

  /** Rolls a transaction back on the tablet it is pinned to; a vanished tablet is ignored. */
  async rollback(target: Target, transactionId: number, alias: TabletAlias): Promise<void> {
    const tablet = this.healthCheck.tablet(alias);
    if (!tablet) return;
    try {
      await tablet.queryService.rollback(target, transactionId);
    } catch (err) {
      throw wrapTabletError(target, err, '');
    }
  }

  /**
   * Reserves a connection on the target's tablet (the one `alias` names, else a healthy one), sets
   * it up with `preQueries` (the session's settings) and runs `sql` on it (QueryService's
   * reserveExecute; reserveBeginExecute when `begin` is given: the transaction begins there with its
   * access mode and savepoints). Returns the ids and the tablet even when the statement failed
   * (`error`, wrapped as {@link execute} wraps it): the reservation stays for the session to record.
   * A failure before anything was reserved throws.
   */
  async reserveExecute(
    target: Target,
    alias: TabletAlias | undefined,
    preQueries: string[],
    sql: string,
    bindVars: BindVars,
    transactionId: number,
    options: ExecuteOptions,
    begin?: { readOnly?: boolean; savepoints: string[] },
  ): Promise<ReservedState & { alias: TabletAlias }> {
    const tablet = alias ? { alias, queryService: this.queryService(target, alias) } : await this.pickOrRefresh(target);
    const suffix = `: Sql: "${sql}", BindVars: {${formatBindVars(bindVars)}}`;
    let state: ReservedState;
    try {
      state = begin
        ? await tablet.queryService.reserveBeginExecute(target, preQueries, begin.savepoints, sql, bindVars, { ...options, ...(begin.readOnly === undefined ? {} : { readOnly: begin.readOnly }) })
        : await tablet.queryService.reserveExecute(target, preQueries, sql, bindVars, transactionId, options);
    } catch (err) {
      throw wrapTabletError(target, err, suffix);
    }
    if (state.result) markTabletFields(state.result.fields);
    return { ...state, alias: tablet.alias, ...(state.error === undefined ? {} : { error: wrapTabletError(target, state.error, suffix) }) };
  }

  /** Ends a reserved connection (and its transaction) on the tablet it is pinned to; a vanished tablet is ignored. */
  async release(target: Target, transactionId: number, reservedId: number, alias: TabletAlias): Promise<void> {
    const tablet = this.healthCheck.tablet(alias);
    if (!tablet) return;
    try {
      await tablet.queryService.release(target, transactionId, reservedId);
    } catch (err) {
      throw wrapTabletError(target, err, '');
    }
  }

  /**
   * Picks a tablet; when none serves the target, re-reads the topology once first (a tablet may
   * have just started). Synchronous when a tablet serves (the common case costs no promise).
   */
  private pickOrRefresh(target: Target): TabletHealth | Promise<TabletHealth> {
    if (this.healthCheck.healthyTablets(target.keyspace, target.shard, target.tablet_type).length > 0) return this.pick(target);
    return this.healthCheck.refresh().then(
      () => this.pick(target),
      () => this.pick(target),
    );
  }

  private queryService(target: Target, alias: TabletAlias): QueryService {
    const tablet = this.healthCheck.tablet(alias);
    if (!tablet) {
      throw new SqlError(ER.UNKNOWN_ERROR[0], ER.UNKNOWN_ERROR[1], `target: ${targetString(target)}: tablet ${alias.cell}-${alias.uid} is gone`, Code.UNAVAILABLE);
    }
    return tablet.queryService;
  }
}

/** `commerce.0.primary`: a target as Vitess prints it in errors. */
export function targetString(t: Target): string {
  return `${t.keyspace}.${t.shard}.${(TabletType[t.tablet_type] ?? 'unknown').toLowerCase()}`;
}

const CODE_NAMES: Record<number, string> = {
  [Code.OK]: 'OK',
  [Code.CANCELED]: 'Canceled',
  [Code.UNKNOWN]: 'Unknown',
  [Code.INVALID_ARGUMENT]: 'InvalidArgument',
  [Code.DEADLINE_EXCEEDED]: 'DeadlineExceeded',
  [Code.NOT_FOUND]: 'NotFound',
  [Code.ALREADY_EXISTS]: 'AlreadyExists',
  [Code.PERMISSION_DENIED]: 'PermissionDenied',
  [Code.RESOURCE_EXHAUSTED]: 'ResourceExhausted',
  [Code.FAILED_PRECONDITION]: 'FailedPrecondition',
  [Code.ABORTED]: 'Aborted',
  [Code.OUT_OF_RANGE]: 'OutOfRange',
  [Code.UNIMPLEMENTED]: 'Unimplemented',
  [Code.INTERNAL]: 'Internal',
  [Code.UNAVAILABLE]: 'Unavailable',
  [Code.DATA_LOSS]: 'DataLoss',
  [Code.UNAUTHENTICATED]: 'Unauthenticated',
  [Code.CLUSTER_EVENT]: 'ClusterEvent',
  [Code.READ_ONLY]: 'ReadOnly',
};

/**
 * Wraps an error raised by a tablet as vtgate reports it; `querySuffix` (`: Sql: "…", BindVars: {…}`)
 * follows the caller id. MySQL errors (errno other than 1105) carry `(errno N) (sqlstate S)`.
 */
export function wrapTabletError(target: Target, err: unknown, querySuffix: string): SqlError {
  const e = err instanceof SqlError ? err : sqlError(ER.UNKNOWN_ERROR, err instanceof Error ? err.message : String(err), Code.INTERNAL);
  const mysqlPart = e.errno !== ER.UNKNOWN_ERROR[0] && !e.message.includes('(errno ') ? ` (errno ${e.errno}) (sqlstate ${e.sqlState})` : '';
  const desc = `${e.message}${mysqlPart} (CallerID: ${CALLER_ID})${querySuffix}`;
  return new SqlError(e.errno, e.sqlState, `target: ${targetString(target)}: vttablet: rpc error: code = ${CODE_NAMES[e.code] ?? 'Unknown'} desc = ${desc}`, e.code);
}

/** Renders bind variables as Vitess prints them in errors: `vtg1: "type:INT64 value:\"1\""`, sorted by name. */
export function formatBindVars(bindVars: BindVars): string {
  const names = Object.keys(bindVars).sort();
  return names.map((n) => `${n}: ${JSON.stringify(formatBindVar(bindVars[n]!))}`).join(', ');
}

function formatBindVar(v: SqlValue | SqlValue[]): string {
  if (Array.isArray(v)) return `type:TUPLE ${v.map((x) => `values:{${formatBindVar(x)}}`).join(' ')}`;
  const [type, text] = describeValue(v);
  return text === null ? `type:${type}` : `type:${type} value:${JSON.stringify(text)}`;
}

function describeValue(v: SqlValue): [string, string | null] {
  if (v === null) return [Type[Type.NULL_TYPE], null];
  if (typeof v === 'bigint') return [v > 0x7fffffffffffffffn ? 'UINT64' : 'INT64', v.toString()];
  if (typeof v === 'number') return ['FLOAT64', String(v)];
  if (typeof v === 'string') return ['VARCHAR', v];
  return ['VARBINARY', Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1')];
}
