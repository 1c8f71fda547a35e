/**
 * The vtctldata messages of the workflow RPCs (GetWorkflows, WorkflowStatus, MoveTablesCreate,
 * MoveTablesComplete, ReshardCreate, WorkflowSwitchTraffic, WorkflowDelete, VDiffCreate,
 * VDiffShow) with the proto's field names, as vtctldata.ts does for the other RPCs. Requests
 * arrive decoded by proto-loader (enums as numbers, 64-bit integers as strings), so every request
 * field is optional; responses are complete.
 */
import type { BinlogSource, QueryResultWire, TabletAlias, TabletControl, TabletType, VtTime } from '@vtsim/proto';
import type { Duration } from '../vtctldata.js';

/** binlogdata.VReplicationWorkflowType. */
export enum VReplicationWorkflowType {
  Materialize = 0,
  MoveTables = 1,
  CreateLookupIndex = 2,
  Migrate = 3,
  Reshard = 4,
  OnlineDDL = 5,
}

/** binlogdata.VReplicationWorkflowSubType. */
export enum VReplicationWorkflowSubType {
  None = 0,
  Partial = 1,
  AtomicCopy = 2,
}

/** The direction of a WorkflowSwitchTraffic: SwitchTraffic is forward, ReverseTraffic backward. */
export enum TrafficSwitchDirection {
  Forward = 0,
  Backward = 1,
}

/** vtctldata.Workflow.ReplicationLocation. */
export interface ReplicationLocation {
  keyspace: string;
  shards: string[];
}

/** vtctldata.Workflow.Stream.CopyState. */
export interface StreamCopyState {
  table: string;
  last_pk: string;
  stream_id: number;
}

/** vtctldata.Workflow.Stream.Log. */
export interface StreamLog {
  id: number;
  stream_id: number;
  type: string;
  state: string;
  created_at: VtTime | null;
  updated_at: VtTime | null;
  message: string;
  count: number;
}

/** vtctldata.Workflow.Stream: one `_vt.vreplication` row of a target primary. */
export interface WorkflowStream {
  id: number;
  shard: string;
  tablet: TabletAlias;
  binlog_source: BinlogSource;
  position: string;
  stop_position: string;
  state: string;
  db_name: string;
  transaction_timestamp: VtTime | null;
  time_updated: VtTime | null;
  message: string;
  copy_states: StreamCopyState[];
  logs: StreamLog[];
  log_fetch_error: string;
  tags: string[];
  rows_copied: number;
  throttler_status: null;
  tablet_types: TabletType[];
  tablet_selection_preference: number;
  cells: string[];
}

/** vtctldata.Workflow.ShardStream: one target shard primary's streams and serving controls. */
export interface WorkflowShardStream {
  streams: WorkflowStream[];
  tablet_controls: TabletControl[];
  is_primary_serving: boolean;
}

/** vtctldata.Workflow. */
export interface Workflow {
  name: string;
  source: ReplicationLocation;
  target: ReplicationLocation;
  max_v_replication_lag: number;
  /** Keyed by `<shard>/<tablet alias>`. */
  shard_streams: Record<string, WorkflowShardStream>;
  workflow_type: string;
  workflow_sub_type: string;
  max_v_replication_transaction_lag: number;
  defer_secondary_keys: boolean;
  options: null;
}

export interface GetWorkflowsRequest {
  keyspace?: string;
  active_only?: boolean;
  name_only?: boolean;
  workflow?: string;
  include_logs?: boolean;
  shards?: string[];
}
export interface GetWorkflowsResponse { workflows: Workflow[] }

export interface WorkflowStatusRequest { keyspace?: string; workflow?: string; shards?: string[] }

/** vtctldata.TableCopyPhase. */
export enum TableCopyPhase {
  UNKNOWN = 0,
  NOT_STARTED = 1,
  IN_PROGRESS = 2,
  COMPLETE = 3,
}

/** vtctldata.WorkflowStatusResponse.TableCopyState. */
export interface TableCopyState {
  rows_copied: number;
  rows_total: number;
  rows_percentage: number;
  bytes_copied: number;
  bytes_total: number;
  bytes_percentage: number;
  phase: TableCopyPhase;
}

/** vtctldata.WorkflowStatusResponse.ShardStreamState. */
export interface ShardStreamState {
  id: number;
  tablet: TabletAlias;
  source_shard: string;
  position: string;
  status: string;
  info: string;
}

export interface WorkflowStatusResponse {
  table_copy_state: Record<string, TableCopyState>;
  /** Keyed by `<keyspace>/<shard>` of the target shard. */
  shard_streams: Record<string, { streams: ShardStreamState[] }>;
  traffic_state: string;
}

export interface MoveTablesCreateRequest {
  workflow?: string;
  source_keyspace?: string;
  target_keyspace?: string;
  cells?: string[];
  tablet_types?: TabletType[];
  source_shards?: string[];
  all_tables?: boolean;
  include_tables?: string[];
  exclude_tables?: string[];
  on_ddl?: string;
  stop_after_copy?: boolean;
  defer_secondary_keys?: boolean;
  auto_start?: boolean;
  no_routing_rules?: boolean;
}

export interface ReshardCreateRequest {
  workflow?: string;
  keyspace?: string;
  source_shards?: string[];
  target_shards?: string[];
  cells?: string[];
  tablet_types?: TabletType[];
  skip_schema_copy?: boolean;
  on_ddl?: string;
  stop_after_copy?: boolean;
  defer_secondary_keys?: boolean;
  auto_start?: boolean;
}

export interface MoveTablesCompleteRequest {
  workflow?: string;
  target_keyspace?: string;
  keep_data?: boolean;
  keep_routing_rules?: boolean;
  rename_tables?: boolean;
  dry_run?: boolean;
  shards?: string[];
}
export interface MoveTablesCompleteResponse { summary: string; dry_run_results: string[] }

export interface WorkflowDeleteRequest {
  keyspace?: string;
  workflow?: string;
  keep_data?: boolean;
  keep_routing_rules?: boolean;
  shards?: string[];
}
export interface WorkflowDeleteResponse { summary: string; details: Array<{ tablet: TabletAlias; deleted: boolean }> }

export interface WorkflowSwitchTrafficRequest {
  keyspace?: string;
  workflow?: string;
  cells?: string[];
  tablet_types?: TabletType[];
  max_replication_lag_allowed?: Duration | null;
  enable_reverse_replication?: boolean;
  direction?: number;
  timeout?: Duration | null;
  dry_run?: boolean;
  initialize_target_sequences?: boolean;
  shards?: string[];
  force?: boolean;
}
export interface WorkflowSwitchTrafficResponse { summary: string; start_state: string; current_state: string; dry_run_results: string[] }

export interface VDiffCreateRequest {
  workflow?: string;
  target_keyspace?: string;
  uuid?: string;
  tables?: string[];
  filtered_replication_wait_time?: Duration | null;
  /** Answer only once the diff has finished. */
  wait?: boolean;
  auto_start?: boolean;
}
export interface VDiffCreateResponse { UUID: string }
export interface VDiffShowRequest { workflow?: string; target_keyspace?: string; arg?: string }
/** tabletmanagerdata.VDiffResponse: one target shard's answer. */
export interface VDiffTabletResponse { id: number; output: QueryResultWire | null; vdiff_uuid: string }
export interface VDiffShowResponse { tablet_responses: Record<string, VDiffTabletResponse> }
