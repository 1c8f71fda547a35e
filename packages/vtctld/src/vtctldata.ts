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

export interface AddCellInfoRequest { name?: string; cell_info?: CellInfo | null }
export interface DeleteCellInfoRequest { name?: string; force?: boolean }
export interface GetCellInfoRequest { cell?: string }
export interface GetCellInfoResponse { cell_info: CellInfo }
export interface GetCellInfoNamesResponse { names: string[] }

export interface ApplyRoutingRulesRequest { routing_rules?: RoutingRules | null; skip_rebuild?: boolean; rebuild_cells?: string[] }
export interface GetRoutingRulesResponse { routing_rules: RoutingRules }
export interface ApplySchemaRequest { keyspace?: string; sql?: string[]; ddl_strategy?: string; uuid_list?: string[] }
export interface ApplySchemaResponse { uuid_list: string[]; rows_affected_by_shard: Record<string, number> }
export interface ApplyVSchemaRequest { keyspace?: string; skip_rebuild?: boolean; dry_run?: boolean; cells?: string[]; v_schema?: unknown; sql?: string; strict?: boolean }
export interface ApplyVSchemaResponse { v_schema: KeyspaceVSchema; unknown_vindex_params: Record<string, { params: string[] }> }
export interface GetSchemaRequest {
  tablet_alias?: TabletAlias | null;
  tables?: string[];
  exclude_tables?: string[];
  include_views?: boolean;
  table_names_only?: boolean;
  table_sizes_only?: boolean;
  table_schema_only?: boolean;
}
export interface GetSchemaResponse { schema: SchemaDefinition }
export interface GetVSchemaRequest { keyspace?: string }
export interface GetVSchemaResponse { v_schema: KeyspaceVSchema }
export interface GetSrvVSchemaRequest { cell?: string }
export interface GetSrvVSchemaResponse { srv_v_schema: SrvVSchema }
export interface GetSrvVSchemasRequest { cells?: string[] }
export interface GetSrvVSchemasResponse { srv_v_schemas: Record<string, SrvVSchema> }
export interface RebuildVSchemaGraphRequest { cells?: string[] }

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
export interface CreateKeyspaceResponse { keyspace: Keyspace }
export interface GetKeyspaceRequest { keyspace?: string }
export interface GetKeyspaceResponse { keyspace: Keyspace }
export interface GetKeyspacesResponse { keyspaces: Keyspace[] }
export interface DeleteKeyspaceRequest { keyspace?: string; recursive?: boolean; force?: boolean }
export interface SetKeyspaceDurabilityPolicyRequest { keyspace?: string; durability_policy?: string }
export interface SetKeyspaceDurabilityPolicyResponse { keyspace: KeyspaceRecord }
export interface CreateShardRequest { keyspace?: string; shard_name?: string; force?: boolean; include_parent?: boolean }
export interface CreateShardResponse { keyspace: Keyspace | null; shard: Shard; shard_already_exists: boolean }
export interface GetShardRequest { keyspace?: string; shard_name?: string }
export interface GetShardResponse { shard: Shard }
export interface FindAllShardsInKeyspaceRequest { keyspace?: string }
export interface FindAllShardsInKeyspaceResponse { shards: Record<string, Shard> }
export interface DeleteShardsRequest { shards?: Array<{ keyspace?: string; name?: string }>; recursive?: boolean; even_if_serving?: boolean; force?: boolean }
export interface GetSrvKeyspaceNamesRequest { cells?: string[] }
export interface GetSrvKeyspaceNamesResponse { names: Record<string, { names: string[] }> }
export interface GetSrvKeyspacesRequest { keyspace?: string; cells?: string[] }
export interface GetSrvKeyspacesResponse { srv_keyspaces: Record<string, SrvKeyspace> }
export interface RebuildKeyspaceGraphRequest { keyspace?: string; cells?: string[]; allow_partial?: boolean }

export interface TabletAliasRequest { tablet_alias?: TabletAlias | null }
export interface GetTabletResponse { tablet: Tablet }
export interface GetTabletsRequest {
  keyspace?: string;
  shard?: string;
  cells?: string[];
  strict?: boolean;
  tablet_aliases?: TabletAlias[];
  tablet_type?: TabletType;
}
export interface GetTabletsResponse { tablets: Tablet[] }
export interface DeleteTabletsRequest { tablet_aliases?: TabletAlias[]; allow_primary?: boolean }
export interface ChangeTabletTypeRequest { tablet_alias?: TabletAlias | null; db_type?: TabletType; dry_run?: boolean }
export interface ChangeTabletTypeResponse { before_tablet: Tablet; after_tablet: Tablet; was_dry_run: boolean }
export interface GetFullStatusResponse { status: FullStatus }
export interface ExecuteFetchAsDBARequest {
  tablet_alias?: TabletAlias | null;
  query?: string;
  max_rows?: number | string;
  disable_binlogs?: boolean;
  reload_schema?: boolean;
}
export interface ExecuteFetchAsDBAResponse { result: QueryResultWire }
export interface RefreshStateByShardRequest { keyspace?: string; shard?: string; cells?: string[] }
export interface RefreshStateByShardResponse { is_partial_refresh: boolean; partial_refresh_details: string }
export interface SetWritableRequest { tablet_alias?: TabletAlias | null; writable?: boolean }
export interface ShardReplicationPositionsRequest { keyspace?: string; shard?: string }
export interface ShardReplicationPositionsResponse { replication_statuses: Record<string, ReplicationStatus>; tablet_map: Record<string, Tablet> }

export interface InitShardPrimaryRequest {
  keyspace?: string;
  shard?: string;
  primary_elect_tablet_alias?: TabletAlias | null;
  force?: boolean;
  wait_replicas_timeout?: Duration | null;
}
export interface InitShardPrimaryResponse { events: LogEvent[] }
export interface PlannedReparentShardRequest {
  keyspace?: string;
  shard?: string;
  new_primary?: TabletAlias | null;
  avoid_primary?: TabletAlias | null;
  wait_replicas_timeout?: Duration | null;
  expected_primary?: TabletAlias | null;
}
export interface PlannedReparentShardResponse { keyspace: string; shard: string; promoted_primary: TabletAlias; events: LogEvent[] }

/** An RPC with no response fields. */
export type Empty = Record<string, never>;
