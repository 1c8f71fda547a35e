/** GetFullStatus: a tablet's mysqld status in replicationdata.FullStatus form. */
import { TabletType } from '@vtsim/proto';
import type { TabletFullStatus, TabletReplicationStatus } from '@vtsim/vttablet';
import { primaryUsesSemiSync, replicaSendsSemiSyncAcks } from './durability-policy.js';
import type { FullStatus, ReplicationStatus } from './vtctldata.js';

/** MySQL's replication thread states as Vitess reports them (io_state, sql_state). */
const ReplicationState = { STOPPED: 1, CONNECTING: 2, RUNNING: 3 } as const;

/** Converts a tablet's replication channel into replicationdata.Status. */
export function replicationStatusToProto(s: TabletReplicationStatus): ReplicationStatus {
  return {
    position: s.position,
    replication_lag_seconds: s.replication_lag_seconds,
    source_host: s.source_host,
    source_port: s.source_port,
    connect_retry: 10,
    source_server_id: s.source_alias?.uid ?? 0,
    source_uuid: s.source_uuid,
    io_state: s.io_state === 'Connecting' ? ReplicationState.CONNECTING : s.io_running ? ReplicationState.RUNNING : ReplicationState.STOPPED,
    last_io_error: s.last_io_error ?? '',
    sql_state: s.sql_running ? ReplicationState.RUNNING : ReplicationState.STOPPED,
    last_sql_error: s.last_sql_error ?? s.last_error,
    sql_delay: s.sql_delay_seconds ?? 0,
    auto_position: true,
    using_gtid: true,
  };
}

/**
 * Builds replicationdata.FullStatus from a tablet's status, its type and its keyspace's
 * durability policy (which decides the semi-sync settings, as vttablet applies them).
 */
export function fullStatusToProto(s: TabletFullStatus, type: TabletType, durabilityPolicy: string): FullStatus {
  const isPrimary = type === TabletType.PRIMARY;
  // The mysqld's own settings when the tablet reports them, else what the policy makes them.
  const primarySemiSync = s.semi_sync_primary_enabled ?? (isPrimary && primaryUsesSemiSync(durabilityPolicy));
  const replicaSemiSync = s.semi_sync_replica_enabled ?? (!isPrimary && replicaSendsSemiSyncAcks(durabilityPolicy, type));
  return {
    server_id: s.server_id,
    server_uuid: s.server_uuid,
    replication_status: s.replication_status ? replicationStatusToProto(s.replication_status) : null,
    primary_status: s.primary_status ? { position: s.primary_status.position, file_position: '', server_uuid: s.primary_status.server_uuid } : null,
    gtid_purged: 'MySQL56/',
    version: s.version,
    version_comment: 'vtsim simulated mysqld',
    read_only: s.read_only,
    gtid_mode: 'ON',
    binlog_format: 'ROW',
    binlog_row_image: 'FULL',
    log_bin_enabled: s.log_bin_enabled,
    log_replica_updates: true,
    semi_sync_primary_enabled: primarySemiSync,
    semi_sync_replica_enabled: replicaSemiSync,
    semi_sync_primary_status: primarySemiSync,
    semi_sync_replica_status: replicaSemiSync,
    semi_sync_primary_clients: s.semi_sync_primary_clients ?? 0,
    semi_sync_primary_timeout: primarySemiSync ? '1000000000000000000' : '0',
    semi_sync_wait_for_replica_count: primarySemiSync ? 1 : 0,
    super_read_only: s.super_read_only,
  };
}
