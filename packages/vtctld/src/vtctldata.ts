/**
 * The vtctldata messages vtsim's vtctld serves, as TypeScript shapes with the proto's own field
 * names (snake_case), so they cross the gRPC edge unchanged. Request fields are optional (proto3
 * leaves any of them unset); responses are complete. Records embedded from topodata, vschema and
 * query are @vtsim/proto's types, which already use the wire names.
 */
import type {
  CellInfo,
  KeyspaceVSchema,
  Keyspace as KeyspaceRecord,
  RoutingRules,
  Shard as ShardRecord,
  SrvKeyspace,
  SrvVSchema,
  Tablet,
  TabletAlias,
  TabletType,
  VtTime,
} from '@vtsim/proto';
import type { QueryResultWire } from '@vtsim/proto';

/** vtctldata.Keyspace: a keyspace record with its name. */
export interface Keyspace {
  name: string;
  keyspace: KeyspaceRecord;
}

/** vtctldata.Shard: a shard record with its keyspace and name. */
export interface Shard {
  keyspace: string;
  name: string;
  shard: ShardRecord;
}

/** logutil.Level. */
export enum LogLevel {
  INFO = 0,
  WARNING = 1,
  ERROR = 2,
  CONSOLE = 3,
}

/** logutil.Event: one log line an RPC hands back to its caller. */
export interface LogEvent {
  time: VtTime;
  level: LogLevel;
  file: string;
  line: number;
  value: string;
}

/** vttime.Duration. */
export interface Duration {
  seconds: number | string;
  nanos: number;
}

/** replicationdata.Status (the fields vtsim fills; the rest go out as defaults). */
export interface ReplicationStatus {
  position: string;
  replication_lag_seconds: number;
  source_host: string;
  source_port: number;
  connect_retry: number;
  source_server_id: number;
  source_uuid: string;
  io_state: number;
  last_io_error: string;
  sql_state: number;
  last_sql_error: string;
  /** SQL_Delay in seconds (SOURCE_DELAY). */
  sql_delay: number;
  auto_position: boolean;
  using_gtid: boolean;
}

/** replicationdata.PrimaryStatus. */
export interface PrimaryStatus {
  position: string;
  file_position: string;
  server_uuid: string;
}

/** replicationdata.FullStatus (the fields vtsim fills). */
export interface FullStatus {
  server_id: number;
  server_uuid: string;
  replication_status: ReplicationStatus | null;
  primary_status: PrimaryStatus | null;
  gtid_purged: string;
  version: string;
  version_comment: string;
  read_only: boolean;
  gtid_mode: string;
  binlog_format: string;
  binlog_row_image: string;
  log_bin_enabled: boolean;
  log_replica_updates: boolean;
  semi_sync_primary_enabled: boolean;
  semi_sync_replica_enabled: boolean;
  semi_sync_primary_status: boolean;
  semi_sync_replica_status: boolean;
  semi_sync_primary_clients: number;
  semi_sync_primary_timeout: number | string;
  semi_sync_wait_for_replica_count: number;
  super_read_only: boolean;
}

/** tabletmanagerdata.TableDefinition (fields as query.Field wire objects). */
export interface TableDefinition {
  name: string;
  schema: string;
  columns: string[];
  primary_key_columns: string[];
  type: string;
  data_length: number;
  row_count: number;
  fields: QueryResultWire['fields'];
}

/** tabletmanagerdata.SchemaDefinition. */
export interface SchemaDefinition {
  database_schema: string;
  table_definitions: TableDefinition[];
}

/** vtctldata.AddCellInfoRequest. */
export interface AddCellInfoRequest { name?: string; cell_info?: CellInfo | null }
/** vtctldata.DeleteCellInfoRequest. */
export interface DeleteCellInfoRequest { name?: string; force?: boolean }
/** vtctldata.GetCellInfoRequest. */
export interface GetCellInfoRequest { cell?: string }
/** vtctldata.GetCellInfoResponse. */
export interface GetCellInfoResponse { cell_info: CellInfo }
/** vtctldata.GetCellInfoNamesResponse. */
export interface GetCellInfoNamesResponse { names: string[] }

/** vtctldata.ApplyRoutingRulesRequest. */
export interface ApplyRoutingRulesRequest { routing_rules?: RoutingRules | null; skip_rebuild?: boolean; rebuild_cells?: string[] }
/** vtctldata.GetRoutingRulesResponse. */
export interface GetRoutingRulesResponse { routing_rules: RoutingRules }
/** vtctldata.ApplySchemaRequest. */
export interface ApplySchemaRequest { keyspace?: string; sql?: string[]; ddl_strategy?: string; uuid_list?: string[] }
/** vtctldata.ApplySchemaResponse. */
export interface ApplySchemaResponse { uuid_list: string[]; rows_affected_by_shard: Record<string, number> }
/** vtctldata.ApplyVSchemaRequest. */
export interface ApplyVSchemaRequest { keyspace?: string; skip_rebuild?: boolean; dry_run?: boolean; cells?: string[]; v_schema?: unknown; sql?: string; strict?: boolean }
/** vtctldata.ApplyVSchemaResponse. */
export interface ApplyVSchemaResponse { v_schema: KeyspaceVSchema; unknown_vindex_params: Record<string, { params: string[] }> }
/** vtctldata.GetSchemaRequest. */
export interface GetSchemaRequest {
  tablet_alias?: TabletAlias | null;
  tables?: string[];
  exclude_tables?: string[];
  include_views?: boolean;
  table_names_only?: boolean;
  table_sizes_only?: boolean;
  table_schema_only?: boolean;
}
/** vtctldata.GetSchemaResponse. */
export interface GetSchemaResponse { schema: SchemaDefinition }
/** vtctldata.GetVSchemaRequest. */
export interface GetVSchemaRequest { keyspace?: string }
/** vtctldata.GetVSchemaResponse. */
export interface GetVSchemaResponse { v_schema: KeyspaceVSchema }
/** vtctldata.GetSrvVSchemaRequest. */
export interface GetSrvVSchemaRequest { cell?: string }
/** vtctldata.GetSrvVSchemaResponse. */
export interface GetSrvVSchemaResponse { srv_v_schema: SrvVSchema }
/** vtctldata.GetSrvVSchemasRequest. */
export interface GetSrvVSchemasRequest { cells?: string[] }
/** vtctldata.GetSrvVSchemasResponse. */
export interface GetSrvVSchemasResponse { srv_v_schemas: Record<string, SrvVSchema> }
/** vtctldata.RebuildVSchemaGraphRequest. */
export interface RebuildVSchemaGraphRequest { cells?: string[] }

/** vtctldata.CreateKeyspaceRequest. */
export interface CreateKeyspaceRequest {
  name?: string;
  force?: boolean;
  allow_empty_v_schema?: boolean;
  type?: number;
  base_keyspace?: string;
  snapshot_time?: VtTime | null;
  durability_policy?: string;
  sidecar_db_name?: string;
}
/** vtctldata.CreateKeyspaceResponse. */
export interface CreateKeyspaceResponse { keyspace: Keyspace }
/** vtctldata.GetKeyspaceRequest. */
export interface GetKeyspaceRequest { keyspace?: string }
/** vtctldata.GetKeyspaceResponse. */
export interface GetKeyspaceResponse { keyspace: Keyspace }
/** vtctldata.GetKeyspacesResponse. */
export interface GetKeyspacesResponse { keyspaces: Keyspace[] }
/** vtctldata.DeleteKeyspaceRequest. */
export interface DeleteKeyspaceRequest { keyspace?: string; recursive?: boolean; force?: boolean }
/** vtctldata.SetKeyspaceDurabilityPolicyRequest. */
export interface SetKeyspaceDurabilityPolicyRequest { keyspace?: string; durability_policy?: string }
/** vtctldata.SetKeyspaceDurabilityPolicyResponse. */
export interface SetKeyspaceDurabilityPolicyResponse { keyspace: KeyspaceRecord }
/** vtctldata.CreateShardRequest. */
export interface CreateShardRequest { keyspace?: string; shard_name?: string; force?: boolean; include_parent?: boolean }
/** vtctldata.CreateShardResponse. */
export interface CreateShardResponse { keyspace: Keyspace | null; shard: Shard; shard_already_exists: boolean }
/** vtctldata.GetShardRequest. */
export interface GetShardRequest { keyspace?: string; shard_name?: string }
/** vtctldata.GetShardResponse. */
export interface GetShardResponse { shard: Shard }
/** vtctldata.FindAllShardsInKeyspaceRequest. */
export interface FindAllShardsInKeyspaceRequest { keyspace?: string }
/** vtctldata.FindAllShardsInKeyspaceResponse. */
export interface FindAllShardsInKeyspaceResponse { shards: Record<string, Shard> }
/** vtctldata.DeleteShardsRequest. */
export interface DeleteShardsRequest { shards?: Array<{ keyspace?: string; name?: string }>; recursive?: boolean; even_if_serving?: boolean; force?: boolean }
/** vtctldata.GetSrvKeyspaceNamesRequest. */
export interface GetSrvKeyspaceNamesRequest { cells?: string[] }
/** vtctldata.GetSrvKeyspaceNamesResponse. */
export interface GetSrvKeyspaceNamesResponse { names: Record<string, { names: string[] }> }
/** vtctldata.GetSrvKeyspacesRequest. */
export interface GetSrvKeyspacesRequest { keyspace?: string; cells?: string[] }
/** vtctldata.GetSrvKeyspacesResponse. */
export interface GetSrvKeyspacesResponse { srv_keyspaces: Record<string, SrvKeyspace> }
/** vtctldata.RebuildKeyspaceGraphRequest. */
export interface RebuildKeyspaceGraphRequest { keyspace?: string; cells?: string[]; allow_partial?: boolean }

/** vtctldata.TabletAliasRequest. */
export interface TabletAliasRequest { tablet_alias?: TabletAlias | null }
/** vtctldata.GetTabletResponse. */
export interface GetTabletResponse { tablet: Tablet }
/** vtctldata.GetTabletsRequest. */
export interface GetTabletsRequest {
  keyspace?: string;
  shard?: string;
  cells?: string[];
  strict?: boolean;
  tablet_aliases?: TabletAlias[];
  tablet_type?: TabletType;
}
/** vtctldata.GetTabletsResponse. */
export interface GetTabletsResponse { tablets: Tablet[] }
/** vtctldata.DeleteTabletsRequest. */
export interface DeleteTabletsRequest { tablet_aliases?: TabletAlias[]; allow_primary?: boolean }
/** vtctldata.ChangeTabletTypeRequest. */
export interface ChangeTabletTypeRequest { tablet_alias?: TabletAlias | null; db_type?: TabletType; dry_run?: boolean }
/** vtctldata.ChangeTabletTypeResponse. */
export interface ChangeTabletTypeResponse { before_tablet: Tablet; after_tablet: Tablet; was_dry_run: boolean }
/** vtctldata.GetFullStatusResponse. */
export interface GetFullStatusResponse { status: FullStatus }
/** vtctldata.ExecuteFetchAsDBARequest. */
export interface ExecuteFetchAsDBARequest {
  tablet_alias?: TabletAlias | null;
  query?: string;
  max_rows?: number | string;
  disable_binlogs?: boolean;
  reload_schema?: boolean;
}
/** vtctldata.ExecuteFetchAsDBAResponse. */
export interface ExecuteFetchAsDBAResponse { result: QueryResultWire }
/** vtctldata.RefreshStateByShardRequest. */
export interface RefreshStateByShardRequest { keyspace?: string; shard?: string; cells?: string[] }
/** vtctldata.RefreshStateByShardResponse. */
export interface RefreshStateByShardResponse { is_partial_refresh: boolean; partial_refresh_details: string }
/** vtctldata.SetWritableRequest. */
export interface SetWritableRequest { tablet_alias?: TabletAlias | null; writable?: boolean }
/** vtctldata.ShardReplicationPositionsRequest. */
export interface ShardReplicationPositionsRequest { keyspace?: string; shard?: string }
/** vtctldata.ShardReplicationPositionsResponse. */
export interface ShardReplicationPositionsResponse { replication_statuses: Record<string, ReplicationStatus>; tablet_map: Record<string, Tablet> }

/** vtctldata.InitShardPrimaryRequest. */
export interface InitShardPrimaryRequest {
  keyspace?: string;
  shard?: string;
  primary_elect_tablet_alias?: TabletAlias | null;
  force?: boolean;
  wait_replicas_timeout?: Duration | null;
}
/** vtctldata.InitShardPrimaryResponse. */
export interface InitShardPrimaryResponse { events: LogEvent[] }
/** vtctldata.EmergencyReparentShardRequest. */
export interface EmergencyReparentShardRequest {
  keyspace?: string;
  shard?: string;
  new_primary?: TabletAlias | null;
  ignore_replicas?: TabletAlias[];
  wait_replicas_timeout?: Duration | null;
  prevent_cross_cell_promotion?: boolean;
}
/** vtctldata.EmergencyReparentShardResponse. */
export interface EmergencyReparentShardResponse { keyspace: string; shard: string; promoted_primary: TabletAlias; events: LogEvent[] }
/** vtctldata.PlannedReparentShardRequest. */
export interface PlannedReparentShardRequest {
  keyspace?: string;
  shard?: string;
  new_primary?: TabletAlias | null;
  avoid_primary?: TabletAlias | null;
  wait_replicas_timeout?: Duration | null;
  expected_primary?: TabletAlias | null;
}
/** vtctldata.PlannedReparentShardResponse. */
export interface PlannedReparentShardResponse { keyspace: string; shard: string; promoted_primary: TabletAlias; events: LogEvent[] }

/** An RPC with no response fields. */
export type Empty = Record<string, never>;
