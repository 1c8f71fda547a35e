/**
 * TabletManagerClient: the tablet-manager actions vtctld drives on a tablet (type changes,
 * read-only switches, replication control, positions, DBA queries, promotion and demotion), as
 * Vitess's vtctld reaches tablets through tmclient. Every method is asynchronous and takes and
 * returns plain data, so the tablet may later live in another process; in one process the
 * implementation is the Tablet itself.
 */
import type { Result, TabletAlias, TabletType, Tablet as TopoTablet } from '@vtsim/proto';

/** A replica's view of its replication channel (the fields of replicationdata.Status vtsim knows). */
export interface TabletReplicationStatus {
  /** The replica's executed position, `MySQL56/<gtid set>`. */
  position: string;
  /** The tablet it replicates from; null when it has no source configured. */
  source_alias: TabletAlias | null;
  source_host: string;
  source_port: number;
  /** The source mysqld's server_uuid, as the channel last saw it ('' if it never reached the source). */
  source_uuid: string;
  /** True while the IO thread is connected to the source (Replica_IO_Running: Yes). */
  io_running: boolean;
  sql_running: boolean;
  /** The IO thread's state: 'Connecting' while the source is unreachable (it retries every --replication_connect_retry). */
  io_state?: 'Running' | 'Connecting' | 'Stopped';
  /** Last_IO_Errno: 2003 (source unreachable), 2013 (source went away), 1236 (source lacks needed GTIDs); 0 if none. */
  last_io_errno?: number;
  /** Last_IO_Error, MySQL's text (`error connecting to source 'vt_repl@host:port' - retry-time: 10 retries: N message: …`). */
  last_io_error?: string;
  /** Last_SQL_Error: why the applier stopped. */
  last_sql_error?: string;
  /** The IO error while not connected, else the SQL error; '' if none. */
  last_error: string;
  replication_lag_seconds: number;
  /** SQL_Delay (SOURCE_DELAY) in seconds. */
  sql_delay_seconds?: number;
}

/** What GetFullStatus reports about one tablet's mysqld. */
export interface TabletFullStatus {
  server_id: number;
  server_uuid: string;
  /** `@@gtid_executed` as a position, `MySQL56/<set>`. */
  position: string;
  version: string;
  read_only: boolean;
  super_read_only: boolean;
  log_bin_enabled: boolean;
  /** The replica's channel; null on a tablet that has never been pointed at a source. */
  replication_status: TabletReplicationStatus | null;
  /** The primary's own binlog position; null on non-primaries. */
  primary_status: { position: string; server_uuid: string } | null;
  /** `@@rpl_semi_sync_source_enabled` (a primary whose durability policy wants acks). */
  semi_sync_primary_enabled?: boolean;
  /** `@@rpl_semi_sync_replica_enabled` (a tablet that acks under the policy). */
  semi_sync_replica_enabled?: boolean;
  /** `Rpl_semi_sync_source_clients`. */
  semi_sync_primary_clients?: number;
}

/**
 * The tablet-manager API vtctld uses. Errors are VtError/SqlError with a vtrpc code
 * (DEADLINE_EXCEEDED when a wait times out, FAILED_PRECONDITION for an action the tablet's state
 * forbids; SqlError 2002, UNAVAILABLE, for an action on the mysqld while it is stopped).
 */
export interface TabletManagerClient {
  /** The tablet's topology record as it is now. */
  tablet(): Promise<TopoTablet>;
  /** Changes the tablet's type (record and serving state); non-primary types make mysqld read-only. */
  changeType(type: TabletType): Promise<void>;
  /** Sets super_read_only on the mysqld. */
  setReadOnly(): Promise<void>;
  /** Clears super_read_only on the mysqld. */
  setReadWrite(): Promise<void>;
  /** The mysqld's executed position, `MySQL56/<set>`. */
  primaryPosition(): Promise<string>;
  /** Resolves once the mysqld has executed `position`; DEADLINE_EXCEEDED after `timeoutMs`. */
  waitForPosition(position: string, timeoutMs: number): Promise<void>;
  /**
   * Replicates from `source` (replacing any channel) and starts replication; null stops
   * replication and forgets the source. A PRIMARY pointed at a source becomes a REPLICA.
   */
  setReplicationSource(source: TabletAlias | null): Promise<void>;
  /** Stops replication, keeping the source so startReplication can resume; idempotent. */
  stopReplication(): Promise<void>;
  /** Restarts replication from the configured source; a no-op without one or when running. */
  startReplication(): Promise<void>;
  /** The replica's channel state; null when no source is configured. */
  getReplicationStatus(): Promise<TabletReplicationStatus | null>;
  /** The full status of the tablet's mysqld. */
  fullStatus(): Promise<TabletFullStatus>;
  /**
   * Runs one statement as the DBA user in `database` (default the keyspace's `vt_` database);
   * `disableForeignKeyChecks` runs it with foreign_key_checks off (ExecuteFetchAsDbaRequest's field).
   */
  executeFetchAsDba(sql: string, database?: string, opts?: { disableForeignKeyChecks?: boolean }): Promise<Result>;
  /** Re-reads the tablet's topology record and adopts its type. */
  refreshState(): Promise<void>;
  /** Makes this replica the primary: stops replication, read-write, type PRIMARY; returns its position. */
  promoteReplica(): Promise<string>;
  /** Stops the primary taking writes (super_read_only); returns the position it stopped at. */
  demotePrimary(): Promise<string>;
  /**
   * Runs one statement on the sidecar's VReplication tables (`vreplication`, `copy_state`) the way
   * Vitess's VReplicationExec does, and lets this primary's VReplication engine react: an insert
   * into `vreplication` creates a stream (started at once when its state is `Running` or `Init`),
   * an update of `state` starts or stops streams, a delete stops and forgets them; selects read
   * them. Every write lands in this tablet's binlog like any other sidecar write. FAILED_PRECONDITION
   * on a non-primary.
   */
  vreplicationExec(query: string): Promise<Result>;
  /**
   * Resolves once stream `id` has applied `position` (`MySQL56/<set>`); DEADLINE_EXCEEDED after
   * `timeoutMs`; FAILED_PRECONDITION if the stream is stopped or in error and cannot get there.
   */
  vreplicationWaitForPos(id: number, position: string, timeoutMs: number): Promise<void>;
}

/** Finds the tablet-manager API of a tablet by alias (in one process: the Tablet object itself). */
export type TabletManagerDialer = (alias: TabletAlias) => TabletManagerClient | undefined;
