/**
 * A tablet's replication state on the wire: vtsim's TabletReplicationStatus and TabletFullStatus
 * as Vitess's replicationdata.Status and replicationdata.FullStatus, and back. The source tablet
 * travels as `source_server_id` (a vtsim mysqld's server_id is its tablet uid) and is read back in
 * the replica's own cell; `io_state` and `sql_state` use Vitess's ReplicationState numbers.
 */
import type { TabletAlias } from '@vtsim/proto';
import type { TabletFullStatus, TabletReplicationStatus } from '../tablet-manager.js';

/** Vitess's replication.ReplicationState. */
const enum ReplicationState {
  UNKNOWN = 0,
  STOPPED = 1,
  CONNECTING = 2,
  RUNNING = 3,
}

/** replicationdata.Status as proto-loader decodes it (the fields vtsim fills). */
export interface ReplicationStatusWire {
  position: string;
  replication_lag_seconds: number;
  source_host: string;
  source_port: number;
  source_server_id: number;
  source_uuid: string;
  io_state: number;
  last_io_error: string;
  sql_state: number;
  last_sql_error: string;
  sql_delay: number;
  auto_position: boolean;
  using_gtid: boolean;
}

/** replicationdata.FullStatus as proto-loader decodes it (the fields vtsim fills). */
export interface FullStatusWire {
  server_id: number;
  server_uuid: string;
  replication_status: ReplicationStatusWire | null;
  primary_status: { position: string; file_position: string; server_uuid: string } | null;
  version: string;
  read_only: boolean;
  super_read_only: boolean;
  log_bin_enabled: boolean;
  semi_sync_primary_enabled: boolean;
  semi_sync_replica_enabled: boolean;
  semi_sync_primary_clients: number;
}

const IO_STATES: Record<NonNullable<TabletReplicationStatus['io_state']>, ReplicationState> = {
  Running: ReplicationState.RUNNING,
  Connecting: ReplicationState.CONNECTING,
  Stopped: ReplicationState.STOPPED,
};

/** A replica's channel as replicationdata.Status. */
export function replicationStatusToWire(s: TabletReplicationStatus): ReplicationStatusWire {
  return {
    position: s.position,
    replication_lag_seconds: s.replication_lag_seconds,
    source_host: s.source_host,
    source_port: s.source_port,
    source_server_id: s.source_alias?.uid ?? 0,
    source_uuid: s.source_uuid,
    io_state: s.io_state ? IO_STATES[s.io_state] : s.io_running ? ReplicationState.RUNNING : ReplicationState.STOPPED,
    last_io_error: s.last_io_error ?? (s.io_running ? '' : s.last_error),
    sql_state: s.sql_running ? ReplicationState.RUNNING : ReplicationState.STOPPED,
    last_sql_error: s.last_sql_error ?? '',
    sql_delay: s.sql_delay_seconds ?? 0,
    auto_position: true,
    using_gtid: true,
  };
}

/**
 * replicationdata.Status back as a TabletReplicationStatus; the source is `cell`-`source_server_id`,
 * `lastIoErrno` the Last_IO_Errno sent beside it (vtsim's addition to the response).
 */
export function replicationStatusFromWire(w: ReplicationStatusWire, cell: string, lastIoErrno: number): TabletReplicationStatus {
  const ioState = w.io_state === ReplicationState.RUNNING ? 'Running' : w.io_state === ReplicationState.CONNECTING ? 'Connecting' : 'Stopped';
  const sourceAlias: TabletAlias | null = w.source_server_id ? { cell, uid: w.source_server_id } : null;
  return {
    position: w.position,
    source_alias: sourceAlias,
    source_host: w.source_host,
    source_port: w.source_port,
    source_uuid: w.source_uuid,
    io_running: ioState === 'Running',
    sql_running: w.sql_state === ReplicationState.RUNNING,
    io_state: ioState,
    last_io_errno: lastIoErrno,
    last_io_error: w.last_io_error,
    last_sql_error: w.last_sql_error,
    last_error: ioState === 'Running' ? w.last_sql_error : w.last_io_error || w.last_sql_error,
    replication_lag_seconds: w.replication_lag_seconds,
    sql_delay_seconds: w.sql_delay,
  };
}

/** A mysqld's full status as replicationdata.FullStatus (the executed position travels beside it, see FullStatusResponse). */
export function fullStatusToWire(s: TabletFullStatus): FullStatusWire {
  return {
    server_id: s.server_id,
    server_uuid: s.server_uuid,
    replication_status: s.replication_status && replicationStatusToWire(s.replication_status),
    primary_status: s.primary_status && { ...s.primary_status, file_position: '' },
    version: s.version,
    read_only: s.read_only,
    super_read_only: s.super_read_only,
    log_bin_enabled: s.log_bin_enabled,
    semi_sync_primary_enabled: s.semi_sync_primary_enabled ?? false,
    semi_sync_replica_enabled: s.semi_sync_replica_enabled ?? false,
    semi_sync_primary_clients: s.semi_sync_primary_clients ?? 0,
  };
}

/** replicationdata.FullStatus back as a TabletFullStatus, with the executed `position` and Last_IO_Errno sent beside it. */
export function fullStatusFromWire(w: FullStatusWire, position: string, cell: string, lastIoErrno: number): TabletFullStatus {
  return {
    server_id: w.server_id,
    server_uuid: w.server_uuid,
    position,
    version: w.version,
    read_only: w.read_only,
    super_read_only: w.super_read_only,
    log_bin_enabled: w.log_bin_enabled,
    replication_status: w.replication_status && replicationStatusFromWire(w.replication_status, cell, lastIoErrno),
    primary_status: w.primary_status && { position: w.primary_status.position, server_uuid: w.primary_status.server_uuid },
    semi_sync_primary_enabled: w.semi_sync_primary_enabled,
    semi_sync_replica_enabled: w.semi_sync_replica_enabled,
    semi_sync_primary_clients: w.semi_sync_primary_clients,
  };
}
