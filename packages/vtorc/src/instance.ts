/**
 * Instance: what VTOrc knows about one tablet, as Vitess's vitess_tablet and database_instance
 * rows hold it: the tablet's topology record, and what the last successful poll of its mysqld
 * (FullStatus) returned, kept when later polls fail so the analysis can reason about a tablet
 * that went away.
 */
import { GtidSet, decodePosition } from '@vtsim/binlog';
import type { TabletAlias, Tablet as TopoTablet } from '@vtsim/proto';
import type { TabletFullStatus } from '@vtsim/vttablet';

/** The mysqld state one successful poll read. */
export interface InstanceStatus {
  serverUuid: string;
  /** `@@gtid_executed`. */
  executed: GtidSet;
  readOnly: boolean;
  /** The tablet its replication channel points at; null when it replicates from nobody (VTOrc's "IsPrimary"). */
  source: TabletAlias | null;
  /** The source's server_uuid as the channel last saw it ('' if never connected). */
  sourceUuid: string;
  ioRunning: boolean;
  sqlRunning: boolean;
  lastIoError: string;
  replicationLagSeconds: number;
}

/** One tablet as VTOrc sees it. */
export interface Instance {
  tablet: TopoTablet;
  /** The last successful poll; undefined when VTOrc never reached the tablet (an "invalid" instance). */
  status: InstanceStatus | undefined;
  /** Whether the latest poll succeeded (Vitess's is_last_check_valid). */
  lastCheckValid: boolean;
}

/** The InstanceStatus a FullStatus answer describes. */
export function instanceStatusOf(full: TabletFullStatus): InstanceStatus {
  const repl = full.replication_status;
  return {
    serverUuid: full.server_uuid,
    executed: decodePosition(full.position).gtidSet,
    readOnly: full.read_only,
    source: repl?.source_alias ?? null,
    sourceUuid: repl?.source_uuid ?? '',
    ioRunning: repl?.io_running ?? false,
    sqlRunning: repl?.sql_running ?? false,
    lastIoError: repl?.last_error ?? '',
    replicationLagSeconds: repl?.replication_lag_seconds ?? 0,
  };
}
