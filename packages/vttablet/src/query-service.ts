/**
 * QueryService: the narrow interface through which vtgate and vtctld reach a tablet, as Vitess's
 * vtgate reaches vttablets only through queryservice.QueryService. In one process the
 * implementation is a direct call on the Tablet; the interface is what lets tablets move into
 * their own processes later, so every method is asynchronous and takes plain data.
 */
import type { BindVars, IncludedFields, Result, TabletAlias, TabletVStreamRequest, Target, VEvent } from '@vtsim/proto';

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

/** The tablet-side query API used by vtgate. Errors are SqlError (with errno, SQLSTATE and vtrpc code). */
export interface QueryService {
  /**
   * Runs one SQL statement (with `:name` bind variables) in the target's database. A
   * transactionId of 0 runs it in autocommit mode. Fails with FAILED_PRECONDITION if the target
   * does not match the tablet's keyspace, shard or type, or the tablet is not serving.
   */
  execute(target: Target, sql: string, bindVars: BindVars, transactionId: number, options?: ExecuteOptions): Promise<Result>;
  /**
   * Starts a transaction and returns its id (never 0); `options.readOnly` starts it READ ONLY (true)
   * or READ WRITE (false), as ExecuteOptions.transaction_access_mode does.
   */
  begin(target: Target, options?: { readOnly?: boolean }): Promise<number>;
  /** Commits a transaction started with begin; the id is invalid afterwards. */
  commit(target: Target, transactionId: number): Promise<void>;
  /** Rolls a transaction back; unknown ids are ignored (a client may roll back twice). */
  rollback(target: Target, transactionId: number): Promise<void>;
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
}

/** Finds the QueryService of a tablet by alias (in one process: the Tablet object itself). */
export type TabletDialer = (alias: TabletAlias) => QueryService | undefined;

