/**
 * QueryService: the narrow interface through which vtgate and vtctld reach a tablet, as Vitess's
 * vtgate reaches vttablets only through queryservice.QueryService. In one process the
 * implementation is a direct call on the Tablet; the interface is what lets tablets move into
 * their own processes later, so every method is asynchronous and takes plain data.
 */
import type { BindVars, IncludedFields, Result, TabletAlias, TabletVStreamRequest, Target, VEvent, VStreamRowsRequest, VStreamRowsResponse } from '@vtsim/proto';

/** Options for one execute call. */
export interface ExecuteOptions {
  /** Database (keyspace's `vt_` name is implied by the target; this is for `_vt` and other dbs). */
  database?: string;
  /**
   * query.ExecuteOptions.included_fields, as vtgate passes it: the result's fields are stripped to
   * it, and with ALL a field's database `vt_<keyspace>` reads as the keyspace, as Vitess's
   * tabletserver does. Absent (vtsim's own control-plane calls), the mysqld's fields come back whole.
   */
  includedFields?: IncludedFields;
  /**
   * The vtgate session's sql_mode (canonical text), which Vitess applies to the tablet connection
   * as a setting (`set @@sql_mode = …`); omitted: the server's global sql_mode.
   */
  sqlMode?: string;
  /** The session's foreign_key_checks, as Vitess applies it to the tablet connection; omitted: on. */
  foreignKeyChecks?: boolean;
  /** query.ExecuteOptions.client_found_rows: an UPDATE's affected rows are the rows it matched, not those it changed. */
  clientFoundRows?: boolean;
}

/** query.RealtimeStats: the health figures a tablet streams to vtgate. */
export interface RealtimeStats {
  health_error: string;
  replication_lag_seconds: number;
  /** The tablet's current GTID position, `MySQL56/<set>` (vtsim addition, used by `show vitess_tablets`). */
  position: string;
}

/** query.StreamHealthResponse: one health report from a tablet. */
export interface StreamHealthResponse {
  target: Target;
  serving: boolean;
  /** Seconds since the epoch when this tablet became primary; 0 for non-primaries. */
  primary_term_start_timestamp: number;
  realtime_stats: RealtimeStats;
  tablet_alias: TabletAlias;
}

/**
 * What ReserveExecute / ReserveBeginExecute answer (query.ReserveExecuteResponse,
 * ReserveBeginExecuteResponse): the ids of the connection they reserved (and began a transaction on)
 * and the statement's result, or its error. The ids are valid even when the statement failed: the
 * connection stays reserved (and its transaction open) until Release, as in Vitess.
 */
export interface ReservedState {
  /** The reserved connection's id, to pass as `reservedId` to later calls. */
  reservedId: number;
  /** The transaction open on it (ReserveBeginExecute, or the one ReserveExecute was given); 0 for none. */
  transactionId: number;
  result?: Result;
  /** The statement's error (SqlError), when it failed after the connection was reserved. */
  error?: unknown;
}

/** The tablet-side query API used by vtgate. Errors are SqlError (with errno, SQLSTATE and vtrpc code). */
export interface QueryService {
  /**
   * Runs one SQL statement (with `:name` bind variables) in the target's database. A
   * transactionId of 0 runs it in autocommit mode, on the reserved connection `reservedId` when
   * that is given (query.ExecuteRequest.reserved_id), else on the tablet's shared connection. Fails
   * with FAILED_PRECONDITION if the target does not match the tablet's keyspace, shard or type, or
   * the tablet is not serving; with ABORTED `transaction <id>: not found` for an id the tablet
   * does not have (ended, or lost when the tablet restarted).
   */
  execute(target: Target, sql: string, bindVars: BindVars, transactionId: number, options?: ExecuteOptions, reservedId?: number): Promise<Result>;
  /**
   * Starts a transaction and returns its id (never 0); `options.readOnly` starts it READ ONLY (true)
   * or READ WRITE (false), as ExecuteOptions.transaction_access_mode does. With
   * `options.reservedId` (BeginExecuteRequest.reserved_id) it begins on that reserved connection,
   * and the transaction's id is the reserved id.
   */
  begin(target: Target, options?: { readOnly?: boolean; reservedId?: number }): Promise<number>;
  /**
   * Commits a transaction started with begin; the transaction id is invalid afterwards. Returns the
   * id of the reserved connection the transaction ran on, which stays reserved, or 0
   * (query.CommitResponse.reserved_id).
   */
  commit(target: Target, transactionId: number): Promise<number>;
  /**
   * Rolls a transaction back; unknown ids are ignored (a client may roll back twice). Returns the
   * reserved connection's id as commit does.
   */
  rollback(target: Target, transactionId: number): Promise<number>;
  /**
   * query.ReserveExecute: reserves a connection of its own for one client (its own MySQL session,
   * with its own temporary tables and session variables), runs `preQueries` (the client's
   * settings, `set @@x = …`) and then `sql` on it. With a `transactionId` it reserves that
   * transaction's connection instead (the reserved id is then the transaction id). A failure of
   * `preQueries` or of the target check throws and reserves nothing.
   */
  reserveExecute(target: Target, preQueries: string[], sql: string, bindVars: BindVars, transactionId: number, options?: ExecuteOptions): Promise<ReservedState>;
  /**
   * query.ReserveBeginExecute: reserves a new connection as reserveExecute does, begins a transaction
   * on it (`options.readOnly` as for begin), runs `postBeginQueries` (the client's savepoints) and
   * then `sql` in it; transaction id and reserved id are the same.
   */
  reserveBeginExecute(target: Target, preQueries: string[], postBeginQueries: string[], sql: string, bindVars: BindVars, options?: ExecuteOptions & { readOnly?: boolean }): Promise<ReservedState>;
  /**
   * query.Release: ends the connection `reservedId` (or, when that is 0, the transaction
   * `transactionId`'s): its transaction, if any, is rolled back and its temporary tables dropped.
   * Unknown ids are ignored (the tablet may already have dropped the connection).
   */
  release(target: Target, transactionId: number, reservedId: number): Promise<void>;
  /**
   * Streams the tablet's health: one report at once, then one on every change (type, serving
   * state, position) until the signal aborts. Ends when the tablet shuts down.
   */
  streamHealth(signal: AbortSignal): AsyncIterable<StreamHealthResponse>;
  /**
   * Streams the tablet's changes as Vitess's tablet VStream does (binlogdata.VStreamRequest):
   * a copy phase when `position` is `""` (or `table_last_p_ks` are set), `[GTID, OTHER]` at once for
   * `"current"`, else the binlog from that position, filtered by `filter`. Each yielded array is one
   * tablet batch (one binlogdata.VStreamResponse); every event carries the tablet's keyspace and
   * shard. Pull-based: the tablet produces the next batch only when the consumer asks, so a slow
   * consumer slows its own stream. Ends when the signal aborts (normal return); fails with a
   * VtError/SqlError (INVALID_ARGUMENT for a bad filter or a position the server doesn't have —
   * "GTIDSet Mismatch", UNAVAILABLE when the tablet stops serving or changes type).
   */
  vstream(request: TabletVStreamRequest, signal: AbortSignal): AsyncIterable<VEvent[]>;
  /**
   * Streams one table's rows from a consistent snapshot (binlogdata.VStreamRowsRequest, Vitess's
   * rowstreamer): first the fields, primary-key fields and the snapshot's GTID position, then packets
   * of rows with the last primary key read. `request.query` is a filter select (`select * from t`,
   * optionally `where in_keyrange(…)`); `lastpk` resumes after that key. Fails as vstream does.
   */
  vstreamRows(request: VStreamRowsRequest, signal: AbortSignal): AsyncIterable<VStreamRowsResponse>;
}

/** Finds the QueryService of a tablet by alias (in one process: the Tablet object itself). */
export type TabletDialer = (alias: TabletAlias) => QueryService | undefined;

