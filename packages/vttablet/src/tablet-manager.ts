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
  io_running: boolean;
  sql_running: boolean;
  /** The error that stopped the applier, '' if none. */
  last_error: string;
  replication_lag_seconds: number;
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
}

/**
 * The tablet-manager API vtctld uses. Errors are VtError/SqlError with a vtrpc code
 * (DEADLINE_EXCEEDED when a wait times out, FAILED_PRECONDITION for an action the tablet's state
 * forbids).
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
  /** Runs one statement as the DBA user in `database` (default the keyspace's `vt_` database). */
  executeFetchAsDba(sql: string, database?: string): Promise<Result>;
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
