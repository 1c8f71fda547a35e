/**
 * The wire contract: every `.proto` file under `proto/` loads, and the messages, enums and services
 * that Vitess's clients exchange with vtgate and vtctld have Vitess's field numbers, types, names and
 * labels. The facts below were checked against Vitess's own `.proto` files (see proto/README.md for
 * the versions read); a message listed here must match field for field, so a renamed, renumbered,
 * retyped, added or dropped field fails this test before any client silently reads a default.
 */
import { readdirSync } from 'node:fs';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import { PROTO_DIR } from '@vtsim/proto';
import { protoLoaderOptions } from '../src/grpc/proto-files.js';
import { ProtoSchema, type ProtoField } from '../src/grpc/proto-schema.js';

const files = readdirSync(PROTO_DIR).filter((f) => f.endsWith('.proto')).sort();
const definition: PackageDefinition = loadSync(files, protoLoaderOptions('numbers'));
const schema = ProtoSchema.fromPackageDefinition(definition);

interface RawMessage {
  name: string;
  oneofDecl: Array<{ name: string }>;
  nestedType: RawMessage[];
}

/** The descriptor of a message, nested ones included (proto-loader lists only top-level messages). */
function rawMessage(fullName: string): RawMessage {
  const parts = fullName.split('.');
  for (let i = parts.length; i > 0; i--) {
    const top = definition[parts.slice(0, i).join('.')] as unknown as { type: RawMessage } | undefined;
    if (!top) continue;
    let m = top.type;
    for (const name of parts.slice(i)) m = m.nestedType.find((n) => n.name === name)!;
    return m;
  }
  throw new Error(`no message ${fullName}`);
}

/** How a field's type reads in a `.proto` file, fully qualified: `int64`, `query.Row`, `map<string, query.BindVariable>`. */
function typeText(f: ProtoField): string {
  if (f.map) return `map<${typeText(f.map.key)}, ${typeText(f.map.value)}>`;
  return f.kind === 'message' || f.kind === 'enum' ? f.typeName : f.kind;
}

/** A message's fields as `.proto` lines without the semicolon, in declaration order. */
function fieldsOf(fullName: string): string[] {
  const synthetic = new Set(rawMessage(fullName).oneofDecl.map((o) => o.name));
  // vtsim's own additions (vtsim_*, numbered from 1000, which Vitess leaves unused) are not Vitess's contract.
  return schema.message(fullName).fields.filter((f) => !(f.name.startsWith('vtsim_') && f.number >= 1000)).map((f) => {
    const label = f.map ? '' : f.repeated ? 'repeated ' : synthetic.has(`_${f.name}`) ? 'optional ' : '';
    return `${label}${typeText(f)} ${f.name} = ${f.number}`;
  });
}

/** Field facts per message, as Vitess declares them (declaration order may differ; numbers decide). */
const MESSAGES: Record<string, string[]> = {
  // vtrpc / vttime / logutil
  'vtrpc.CallerID': ['string principal = 1', 'string component = 2', 'string subcomponent = 3', 'repeated string groups = 4'],
  'vtrpc.RPCError': ['string message = 2', 'vtrpc.Code code = 3'],
  'vttime.Time': ['int64 seconds = 1', 'int32 nanoseconds = 2'],
  'vttime.Duration': ['int64 seconds = 1', 'int32 nanos = 2'],
  'logutil.Event': ['vttime.Time time = 1', 'logutil.Level level = 2', 'string file = 3', 'int64 line = 4', 'string value = 5'],

  // query: what every result and every VStream row is made of
  'query.Target': ['string keyspace = 1', 'string shard = 2', 'topodata.TabletType tablet_type = 3', 'string cell = 4'],
  'query.Value': ['query.Type type = 1', 'bytes value = 2'],
  'query.BindVariable': ['query.Type type = 1', 'bytes value = 2', 'repeated query.Value values = 3'],
  'query.BoundQuery': ['string sql = 1', 'map<string, query.BindVariable> bind_variables = 2'],
  'query.Field': [
    'string name = 1', 'query.Type type = 2', 'string table = 3', 'string org_table = 4', 'string database = 5', 'string org_name = 6',
    'uint32 column_length = 7', 'uint32 charset = 8', 'uint32 decimals = 9', 'uint32 flags = 10', 'string column_type = 11',
  ],
  'query.Row': ['repeated sint64 lengths = 1', 'bytes values = 2'],
  'query.QueryResult': [
    'repeated query.Field fields = 1', 'uint64 rows_affected = 2', 'uint64 insert_id = 3', 'repeated query.Row rows = 4',
    'string info = 6', 'string session_state_changes = 7', 'bool insert_id_changed = 8',
  ],
  'query.BeginRequest': ['vtrpc.CallerID effective_caller_id = 1', 'query.VTGateCallerID immediate_caller_id = 2', 'query.Target target = 3', 'query.ExecuteOptions options = 4'],
  'query.BeginResponse': ['int64 transaction_id = 1', 'topodata.TabletAlias tablet_alias = 2', 'string session_state_changes = 3'],
  'query.CommitRequest': ['vtrpc.CallerID effective_caller_id = 1', 'query.VTGateCallerID immediate_caller_id = 2', 'query.Target target = 3', 'int64 transaction_id = 4'],
  'query.CommitResponse': ['int64 reserved_id = 1'],
  'query.RollbackResponse': ['int64 reserved_id = 1'],
  'query.ExecuteRequest': [
    'vtrpc.CallerID effective_caller_id = 1', 'query.VTGateCallerID immediate_caller_id = 2', 'query.Target target = 3', 'query.BoundQuery query = 4',
    'int64 transaction_id = 5', 'query.ExecuteOptions options = 6', 'int64 reserved_id = 7',
  ],
  'query.ReserveExecuteRequest': [
    'vtrpc.CallerID effective_caller_id = 1', 'query.VTGateCallerID immediate_caller_id = 2', 'query.Target target = 3', 'query.BoundQuery query = 4',
    'int64 transaction_id = 5', 'query.ExecuteOptions options = 6', 'repeated string pre_queries = 7',
  ],
  'query.ReserveExecuteResponse': ['vtrpc.RPCError error = 1', 'query.QueryResult result = 2', 'int64 reserved_id = 3', 'topodata.TabletAlias tablet_alias = 4'],
  'query.ReserveBeginExecuteRequest': [
    'vtrpc.CallerID effective_caller_id = 1', 'query.VTGateCallerID immediate_caller_id = 2', 'query.Target target = 3', 'query.BoundQuery query = 4',
    'query.ExecuteOptions options = 5', 'repeated string pre_queries = 6', 'repeated string post_begin_queries = 7',
  ],
  'query.ReserveBeginExecuteResponse': [
    'vtrpc.RPCError error = 1', 'query.QueryResult result = 2', 'int64 transaction_id = 3', 'int64 reserved_id = 4', 'topodata.TabletAlias tablet_alias = 5',
    'string session_state_changes = 6',
  ],
  'query.ReleaseRequest': ['vtrpc.CallerID effective_caller_id = 1', 'query.VTGateCallerID immediate_caller_id = 2', 'query.Target target = 3', 'int64 transaction_id = 4', 'int64 reserved_id = 5'],
  'query.StreamHealthResponse': [
    'query.Target target = 1', 'bool serving = 2', 'int64 primary_term_start_timestamp = 3', 'query.RealtimeStats realtime_stats = 4', 'topodata.TabletAlias tablet_alias = 5',
  ],
  'tabletmanagerdata.ExecuteFetchAsDbaRequest': [
    'bytes query = 1', 'string db_name = 2', 'uint64 max_rows = 3', 'bool disable_binlogs = 4', 'bool reload_schema = 5', 'bool disable_foreign_key_checks = 6',
  ],
  'tabletmanagerdata.SetReplicationSourceRequest': [
    'topodata.TabletAlias parent = 1', 'int64 time_created_ns = 2', 'bool force_start_replication = 3', 'string wait_position = 4', 'bool semiSync = 5', 'double heartbeat_interval = 6',
  ],
  'tabletmanagerdata.VReplicationWaitForPosRequest': ['int32 id = 1', 'string position = 2'],
  'query.QueryWarning': ['uint32 code = 1', 'string message = 2'],
  'query.ResultWithError': ['vtrpc.RPCError error = 1', 'query.QueryResult result = 2'],
  'query.ExecuteOptions': [
    'query.ExecuteOptions.IncludedFields included_fields = 4', 'bool client_found_rows = 5', 'query.ExecuteOptions.Workload workload = 6',
    'int64 sql_select_limit = 8', 'query.ExecuteOptions.TransactionIsolation transaction_isolation = 9', 'bool skip_query_plan_cache = 10',
    'query.ExecuteOptions.PlannerVersion planner_version = 11', 'bool has_created_temp_tables = 12', 'query.ExecuteOptions.Consolidator consolidator = 13',
    'repeated query.ExecuteOptions.TransactionAccessMode transaction_access_mode = 14', 'string WorkloadName = 15', 'string priority = 16',
    'int64 authoritative_timeout = 17', 'bool fetch_last_insert_id = 18', 'bool in_dml_execution = 19', 'optional int64 transaction_timeout = 20',
  ],

  // vtgate: sessions and the Execute family
  'vtgate.Session': [
    'bool in_transaction = 1', 'repeated vtgate.Session.ShardSession shard_sessions = 2', 'bool autocommit = 4', 'string target_string = 5',
    'query.ExecuteOptions options = 6', 'vtgate.TransactionMode transaction_mode = 7', 'repeated query.QueryWarning warnings = 8',
    'repeated vtgate.Session.ShardSession pre_sessions = 9', 'repeated vtgate.Session.ShardSession post_sessions = 10', 'uint64 last_insert_id = 11',
    'uint64 found_rows = 12', 'map<string, query.BindVariable> user_defined_variables = 13', 'map<string, string> system_variables = 14',
    'int64 row_count = 15', 'repeated string savepoints = 16', 'bool in_reserved_conn = 17', 'vtgate.Session.ShardSession lock_session = 18',
    'int64 last_lock_heartbeat = 19', 'vtgate.ReadAfterWrite read_after_write = 20', 'string DDLStrategy = 21', 'string SessionUUID = 22',
    'bool enable_system_settings = 23', 'map<string, int64> advisory_lock = 24', 'int64 query_timeout = 25',
    'map<string, vtgate.PrepareData> prepare_statement = 26', 'string migration_context = 27', 'bool error_until_rollback = 28',
  ],
  // Field 5 is read_only in Vitess main (vindex_only in releases up to v22): same number, same type.
  'vtgate.Session.ShardSession': [
    'query.Target target = 1', 'int64 transaction_id = 2', 'topodata.TabletAlias tablet_alias = 3', 'int64 reserved_id = 4', 'bool read_only = 5', 'bool rows_affected = 6',
  ],
  'vtgate.PrepareData': ['string prepare_statement = 1', 'int32 params_count = 2'],
  'vtgate.ReadAfterWrite': ['string read_after_write_gtid = 1', 'double read_after_write_timeout = 2', 'bool session_track_gtids = 3'],
  'vtgate.ExecuteRequest': ['vtrpc.CallerID caller_id = 1', 'vtgate.Session session = 2', 'query.BoundQuery query = 3', 'bool prepared = 8'],
  'vtgate.ExecuteResponse': ['vtrpc.RPCError error = 1', 'vtgate.Session session = 2', 'query.QueryResult result = 3'],
  'vtgate.ExecuteBatchRequest': ['vtrpc.CallerID caller_id = 1', 'vtgate.Session session = 2', 'repeated query.BoundQuery queries = 3'],
  'vtgate.ExecuteBatchResponse': ['vtrpc.RPCError error = 1', 'vtgate.Session session = 2', 'repeated query.ResultWithError results = 3'],
  'vtgate.StreamExecuteRequest': ['vtrpc.CallerID caller_id = 1', 'query.BoundQuery query = 2', 'vtgate.Session session = 6'],
  'vtgate.StreamExecuteResponse': ['query.QueryResult result = 1', 'vtgate.Session session = 2'],
  'vtgate.PrepareRequest': ['vtrpc.CallerID caller_id = 1', 'vtgate.Session session = 2', 'query.BoundQuery query = 3'],
  'vtgate.PrepareResponse': ['vtrpc.RPCError error = 1', 'vtgate.Session session = 2', 'repeated query.Field fields = 3'],
  'vtgate.CloseSessionRequest': ['vtrpc.CallerID caller_id = 1', 'vtgate.Session session = 2'],
  'vtgate.CloseSessionResponse': ['vtrpc.RPCError error = 1'],

  // vtgate: VStream
  'vtgate.VStreamRequest': [
    'vtrpc.CallerID caller_id = 1', 'topodata.TabletType tablet_type = 2', 'binlogdata.VGtid vgtid = 3', 'binlogdata.Filter filter = 4', 'vtgate.VStreamFlags flags = 5',
  ],
  'vtgate.VStreamResponse': ['repeated binlogdata.VEvent events = 1'],
  'vtgate.VStreamFlags': [
    'bool minimize_skew = 1', 'uint32 heartbeat_interval = 2', 'bool stop_on_reshard = 3', 'string cells = 4', 'string cell_preference = 5',
    'string tablet_order = 6', 'bool stream_keyspace_heartbeats = 7', 'bool include_reshard_journal_events = 8', 'repeated string tables_to_copy = 9',
    'bool exclude_keyspace_from_table_name = 10',
  ],

  // binlogdata: the events, positions and filters of a VStream
  'binlogdata.VEvent': [
    'binlogdata.VEventType type = 1', 'int64 timestamp = 2', 'string gtid = 3', 'string statement = 4', 'binlogdata.RowEvent row_event = 5',
    'binlogdata.FieldEvent field_event = 6', 'binlogdata.VGtid vgtid = 7', 'binlogdata.Journal journal = 8', 'string dml = 9', 'int64 current_time = 20',
    'binlogdata.LastPKEvent last_p_k_event = 21', 'string keyspace = 22', 'string shard = 23', 'bool throttled = 24', 'string throttled_reason = 25',
  ],
  'binlogdata.RowEvent': [
    'string table_name = 1', 'repeated binlogdata.RowChange row_changes = 2', 'string keyspace = 3', 'string shard = 4', 'uint32 flags = 5', 'bool is_internal_table = 6',
  ],
  'binlogdata.RowChange': [
    'query.Row before = 1', 'query.Row after = 2', 'binlogdata.RowChange.Bitmap data_columns = 3', 'binlogdata.RowChange.Bitmap json_partial_values = 4',
  ],
  'binlogdata.RowChange.Bitmap': ['int64 count = 1', 'bytes cols = 2'],
  'binlogdata.FieldEvent': [
    'string table_name = 1', 'repeated query.Field fields = 2', 'string keyspace = 3', 'string shard = 4', 'bool enum_set_string_values = 25', 'bool is_internal_table = 26',
  ],
  'binlogdata.ShardGtid': ['string keyspace = 1', 'string shard = 2', 'string gtid = 3', 'repeated binlogdata.TableLastPK table_p_ks = 4'],
  'binlogdata.VGtid': ['repeated binlogdata.ShardGtid shard_gtids = 1'],
  'binlogdata.TableLastPK': ['string table_name = 1', 'query.QueryResult lastpk = 3'],
  'binlogdata.LastPKEvent': ['binlogdata.TableLastPK table_last_p_k = 1', 'bool completed = 2'],
  'binlogdata.KeyspaceShard': ['string keyspace = 1', 'string shard = 2'],
  'binlogdata.Journal': [
    'int64 id = 1', 'binlogdata.MigrationType migration_type = 2', 'repeated string tables = 3', 'string local_position = 4',
    'repeated binlogdata.ShardGtid shard_gtids = 5', 'repeated binlogdata.KeyspaceShard participants = 6', 'repeated string source_workflows = 7',
  ],
  'binlogdata.Rule': [
    'string match = 1', 'string filter = 2', 'map<string, string> convert_enum_to_text = 3', 'map<string, binlogdata.CharsetConversion> convert_charset = 4',
    'string source_unique_key_columns = 5', 'string target_unique_key_columns = 6', 'string source_unique_key_target_columns = 7',
    'map<string, bool> convert_int_to_enum = 8', 'string force_unique_key = 9',
  ],
  // Field 2 was fieldEventMode in old releases; Vitess renamed it, keeping number and type.
  'binlogdata.Filter': [
    'repeated binlogdata.Rule rules = 1', 'binlogdata.Filter.FieldEventMode field_event_mode = 2', 'int64 workflow_type = 3', 'string workflow_name = 4',
  ],
  'binlogdata.BinlogSource': [
    'string keyspace = 1', 'string shard = 2', 'topodata.TabletType tablet_type = 3', 'topodata.KeyRange key_range = 4', 'repeated string tables = 5',
    'binlogdata.Filter filter = 6', 'binlogdata.OnDDLAction on_ddl = 7', 'string external_mysql = 8', 'bool stop_after_copy = 9',
    'string external_cluster = 10', 'string source_time_zone = 11', 'string target_time_zone = 12',
  ],

  // topodata: the records vtctldclient prints and vtgate routes by
  'topodata.KeyRange': ['bytes start = 1', 'bytes end = 2'],
  'topodata.TabletAlias': ['string cell = 1', 'uint32 uid = 2'],
  'topodata.Tablet': [
    'topodata.TabletAlias alias = 1', 'string hostname = 2', 'map<string, int32> port_map = 4', 'string keyspace = 5', 'string shard = 6',
    'topodata.KeyRange key_range = 7', 'topodata.TabletType type = 8', 'string db_name_override = 9', 'map<string, string> tags = 10',
    'string mysql_hostname = 12', 'int32 mysql_port = 13', 'vttime.Time primary_term_start_time = 14', 'uint32 default_conn_collation = 16',
  ],
  'topodata.Shard': [
    'topodata.TabletAlias primary_alias = 1', 'topodata.KeyRange key_range = 2', 'repeated topodata.Shard.SourceShard source_shards = 4',
    'repeated topodata.Shard.TabletControl tablet_controls = 6', 'bool is_primary_serving = 7', 'vttime.Time primary_term_start_time = 8',
  ],
  'topodata.Shard.SourceShard': ['int32 uid = 1', 'string keyspace = 2', 'string shard = 3', 'topodata.KeyRange key_range = 4', 'repeated string tables = 5'],
  'topodata.Shard.TabletControl': ['topodata.TabletType tablet_type = 1', 'repeated string cells = 2', 'repeated string denied_tables = 4', 'bool frozen = 5'],
  'topodata.Keyspace': [
    'topodata.KeyspaceType keyspace_type = 5', 'string base_keyspace = 6', 'vttime.Time snapshot_time = 7', 'string durability_policy = 8',
    'topodata.ThrottlerConfig throttler_config = 9', 'string sidecar_db_name = 10',
  ],
  'topodata.SrvKeyspace': ['repeated topodata.SrvKeyspace.KeyspacePartition partitions = 1', 'topodata.ThrottlerConfig throttler_config = 6'],
  'topodata.SrvKeyspace.KeyspacePartition': [
    'topodata.TabletType served_type = 1', 'repeated topodata.ShardReference shard_references = 2', 'repeated topodata.ShardTabletControl shard_tablet_controls = 3',
  ],
  'topodata.ShardReference': ['string name = 1', 'topodata.KeyRange key_range = 2'],
  'topodata.ShardTabletControl': ['string name = 1', 'topodata.KeyRange key_range = 2', 'bool query_service_disabled = 3'],
  'topodata.CellInfo': ['string server_address = 1', 'string root = 2'],

  // vtctldata: what vtctldclient sends and prints in the local example and the reshard scripts
  'vtctldata.Keyspace': ['string name = 1', 'topodata.Keyspace keyspace = 2'],
  'vtctldata.Shard': ['string keyspace = 1', 'string name = 2', 'topodata.Shard shard = 3'],
  'vtctldata.GetKeyspacesResponse': ['repeated vtctldata.Keyspace keyspaces = 1'],
  'vtctldata.GetTabletsRequest': [
    'string keyspace = 1', 'string shard = 2', 'repeated string cells = 3', 'bool strict = 4', 'repeated topodata.TabletAlias tablet_aliases = 5',
    'topodata.TabletType tablet_type = 6',
  ],
  'vtctldata.GetTabletsResponse': ['repeated topodata.Tablet tablets = 1'],
  'vtctldata.FindAllShardsInKeyspaceResponse': ['map<string, vtctldata.Shard> shards = 1'],
  'vtctldata.ApplySchemaRequest': [
    'string keyspace = 1', 'repeated string sql = 3', 'string ddl_strategy = 4', 'repeated string uuid_list = 5', 'string migration_context = 6',
    'vttime.Duration wait_replicas_timeout = 7', 'vtrpc.CallerID caller_id = 9', 'int64 batch_size = 10',
  ],
  'vtctldata.ApplyVSchemaRequest': [
    'string keyspace = 1', 'bool skip_rebuild = 2', 'bool dry_run = 3', 'repeated string cells = 4', 'vschema.Keyspace v_schema = 5', 'string sql = 6', 'bool strict = 7',
  ],
  'vtctldata.GetSchemaRequest': [
    'topodata.TabletAlias tablet_alias = 1', 'repeated string tables = 2', 'repeated string exclude_tables = 3', 'bool include_views = 4',
    'bool table_names_only = 5', 'bool table_sizes_only = 6', 'bool table_schema_only = 7',
  ],
  'vtctldata.ShardReplicationPositionsResponse': [
    'map<string, replicationdata.Status> replication_statuses = 1', 'map<string, topodata.Tablet> tablet_map = 2',
  ],
  'vtctldata.PlannedReparentShardRequest': [
    'string keyspace = 1', 'string shard = 2', 'topodata.TabletAlias new_primary = 3', 'topodata.TabletAlias avoid_primary = 4',
    'vttime.Duration wait_replicas_timeout = 5', 'vttime.Duration tolerable_replication_lag = 6', 'bool allow_cross_cell_promotion = 7',
    'topodata.TabletAlias expected_primary = 8',
  ],
  'vtctldata.MoveTablesCreateRequest': [
    'string workflow = 1', 'string source_keyspace = 2', 'string target_keyspace = 3', 'repeated string cells = 4', 'repeated topodata.TabletType tablet_types = 5',
    'tabletmanagerdata.TabletSelectionPreference tablet_selection_preference = 6', 'repeated string source_shards = 7', 'bool all_tables = 8',
    'repeated string include_tables = 9', 'repeated string exclude_tables = 10', 'string external_cluster_name = 11', 'string source_time_zone = 12',
    'string on_ddl = 13', 'bool stop_after_copy = 14', 'bool drop_foreign_keys = 15', 'bool defer_secondary_keys = 16', 'bool auto_start = 17',
    'bool no_routing_rules = 18', 'bool atomic_copy = 19', 'vtctldata.WorkflowOptions workflow_options = 20',
  ],
  'vtctldata.ReshardCreateRequest': [
    'string workflow = 1', 'string keyspace = 2', 'repeated string source_shards = 3', 'repeated string target_shards = 4', 'repeated string cells = 5',
    'repeated topodata.TabletType tablet_types = 6', 'tabletmanagerdata.TabletSelectionPreference tablet_selection_preference = 7', 'bool skip_schema_copy = 8',
    'string on_ddl = 9', 'bool stop_after_copy = 10', 'bool defer_secondary_keys = 11', 'bool auto_start = 12', 'vtctldata.WorkflowOptions workflow_options = 13',
  ],
  'vtctldata.WorkflowSwitchTrafficRequest': [
    'string keyspace = 1', 'string workflow = 2', 'repeated string cells = 3', 'repeated topodata.TabletType tablet_types = 4',
    'vttime.Duration max_replication_lag_allowed = 5', 'bool enable_reverse_replication = 6', 'int32 direction = 7', 'vttime.Duration timeout = 8',
    'bool dry_run = 9', 'bool initialize_target_sequences = 10', 'repeated string shards = 11', 'bool force = 12',
  ],
  'vtctldata.WorkflowStatusResponse': [
    'map<string, vtctldata.WorkflowStatusResponse.TableCopyState> table_copy_state = 1',
    'map<string, vtctldata.WorkflowStatusResponse.ShardStreams> shard_streams = 2', 'string traffic_state = 3',
  ],
  'vtctldata.WorkflowStatusResponse.ShardStreamState': [
    'int32 id = 1', 'topodata.TabletAlias tablet = 2', 'string source_shard = 3', 'string position = 4', 'string status = 5', 'string info = 6',
  ],
  'vtctldata.WorkflowDeleteRequest': [
    'string keyspace = 1', 'string workflow = 2', 'bool keep_data = 3', 'bool keep_routing_rules = 4', 'repeated string shards = 5',
    'int64 delete_batch_size = 6', 'bool ignore_source_keyspace = 7',
  ],
  'vtctldata.VDiffCreateResponse': ['string UUID = 1'],
};

/** Enum values per enum (every name, aliases included). */
const ENUMS: Record<string, Record<string, number>> = {
  'binlogdata.VEventType': {
    UNKNOWN: 0, GTID: 1, BEGIN: 2, COMMIT: 3, ROLLBACK: 4, DDL: 5, INSERT: 6, REPLACE: 7, UPDATE: 8, DELETE: 9, SET: 10, OTHER: 11, ROW: 12,
    FIELD: 13, HEARTBEAT: 14, VGTID: 15, JOURNAL: 16, VERSION: 17, LASTPK: 18, SAVEPOINT: 19, COPY_COMPLETED: 20,
  },
  'binlogdata.Filter.FieldEventMode': { ERR_ON_MISMATCH: 0, BEST_EFFORT: 1 },
  'binlogdata.MigrationType': { TABLES: 0, SHARDS: 1 },
  'binlogdata.OnDDLAction': { IGNORE: 0, STOP: 1, EXEC: 2, EXEC_IGNORE: 3 },
  'topodata.TabletType': {
    UNKNOWN: 0, PRIMARY: 1, MASTER: 1, REPLICA: 2, RDONLY: 3, BATCH: 3, SPARE: 4, EXPERIMENTAL: 5, BACKUP: 6, RESTORE: 7, DRAINED: 8,
  },
  'vtgate.TransactionMode': { UNSPECIFIED: 0, SINGLE: 1, MULTI: 2, TWOPC: 3 },
  'vtrpc.Code': {
    OK: 0, CANCELED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7,
    RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14,
    DATA_LOSS: 15, UNAUTHENTICATED: 16, CLUSTER_EVENT: 17, READ_ONLY: 18,
  },
  'query.Type': {
    NULL_TYPE: 0, INT8: 257, UINT8: 770, INT16: 259, UINT16: 772, INT24: 261, UINT24: 774, INT32: 263, UINT32: 776, INT64: 265, UINT64: 778,
    FLOAT32: 1035, FLOAT64: 1036, TIMESTAMP: 2061, DATE: 2062, TIME: 2063, DATETIME: 2064, YEAR: 785, DECIMAL: 18, TEXT: 6163, BLOB: 10260,
    VARCHAR: 6165, VARBINARY: 10262, CHAR: 6167, BINARY: 10264, BIT: 2073, ENUM: 2074, SET: 2075, TUPLE: 28, GEOMETRY: 2077, JSON: 2078,
    EXPRESSION: 31, HEXNUM: 4128, HEXVAL: 4129, BITNUM: 4130, VECTOR: 2083, RAW: 2084, ROW_TUPLE: 2085,
  },
  'logutil.Level': { INFO: 0, WARNING: 1, ERROR: 2, CONSOLE: 3 },
};

/** Service methods: `request -> response`, with `stream ` before a streamed side. */
const SERVICES: Record<string, Record<string, string>> = {
  'queryservice.Query': {
    Execute: 'query.ExecuteRequest -> query.ExecuteResponse',
    Begin: 'query.BeginRequest -> query.BeginResponse',
    Commit: 'query.CommitRequest -> query.CommitResponse',
    Rollback: 'query.RollbackRequest -> query.RollbackResponse',
    ReserveExecute: 'query.ReserveExecuteRequest -> query.ReserveExecuteResponse',
    ReserveBeginExecute: 'query.ReserveBeginExecuteRequest -> query.ReserveBeginExecuteResponse',
    Release: 'query.ReleaseRequest -> query.ReleaseResponse',
    StreamHealth: 'query.StreamHealthRequest -> stream query.StreamHealthResponse',
    VStream: 'binlogdata.VStreamRequest -> stream binlogdata.VStreamResponse',
    VStreamRows: 'binlogdata.VStreamRowsRequest -> stream binlogdata.VStreamRowsResponse',
  },
  'tabletmanagerservice.TabletManager': {
    ChangeType: 'tabletmanagerdata.ChangeTypeRequest -> tabletmanagerdata.ChangeTypeResponse',
    ExecuteFetchAsDba: 'tabletmanagerdata.ExecuteFetchAsDbaRequest -> tabletmanagerdata.ExecuteFetchAsDbaResponse',
    FullStatus: 'tabletmanagerdata.FullStatusRequest -> tabletmanagerdata.FullStatusResponse',
    SetReplicationSource: 'tabletmanagerdata.SetReplicationSourceRequest -> tabletmanagerdata.SetReplicationSourceResponse',
    PromoteReplica: 'tabletmanagerdata.PromoteReplicaRequest -> tabletmanagerdata.PromoteReplicaResponse',
    DemotePrimary: 'tabletmanagerdata.DemotePrimaryRequest -> tabletmanagerdata.DemotePrimaryResponse',
    VReplicationExec: 'tabletmanagerdata.VReplicationExecRequest -> tabletmanagerdata.VReplicationExecResponse',
    VReplicationWaitForPos: 'tabletmanagerdata.VReplicationWaitForPosRequest -> tabletmanagerdata.VReplicationWaitForPosResponse',
  },
  'vtgateservice.Vitess': {
    Execute: 'vtgate.ExecuteRequest -> vtgate.ExecuteResponse',
    ExecuteBatch: 'vtgate.ExecuteBatchRequest -> vtgate.ExecuteBatchResponse',
    StreamExecute: 'vtgate.StreamExecuteRequest -> stream vtgate.StreamExecuteResponse',
    VStream: 'vtgate.VStreamRequest -> stream vtgate.VStreamResponse',
    Prepare: 'vtgate.PrepareRequest -> vtgate.PrepareResponse',
    CloseSession: 'vtgate.CloseSessionRequest -> vtgate.CloseSessionResponse',
  },
  'vtctlservice.Vtctld': {
    GetKeyspaces: 'vtctldata.GetKeyspacesRequest -> vtctldata.GetKeyspacesResponse',
    GetTablets: 'vtctldata.GetTabletsRequest -> vtctldata.GetTabletsResponse',
    FindAllShardsInKeyspace: 'vtctldata.FindAllShardsInKeyspaceRequest -> vtctldata.FindAllShardsInKeyspaceResponse',
    ApplySchema: 'vtctldata.ApplySchemaRequest -> vtctldata.ApplySchemaResponse',
    ApplyVSchema: 'vtctldata.ApplyVSchemaRequest -> vtctldata.ApplyVSchemaResponse',
    GetSchema: 'vtctldata.GetSchemaRequest -> vtctldata.GetSchemaResponse',
    ShardReplicationPositions: 'vtctldata.ShardReplicationPositionsRequest -> vtctldata.ShardReplicationPositionsResponse',
    PlannedReparentShard: 'vtctldata.PlannedReparentShardRequest -> vtctldata.PlannedReparentShardResponse',
    MoveTablesCreate: 'vtctldata.MoveTablesCreateRequest -> vtctldata.WorkflowStatusResponse',
    ReshardCreate: 'vtctldata.ReshardCreateRequest -> vtctldata.WorkflowStatusResponse',
    WorkflowStatus: 'vtctldata.WorkflowStatusRequest -> vtctldata.WorkflowStatusResponse',
    WorkflowSwitchTraffic: 'vtctldata.WorkflowSwitchTrafficRequest -> vtctldata.WorkflowSwitchTrafficResponse',
    WorkflowDelete: 'vtctldata.WorkflowDeleteRequest -> vtctldata.WorkflowDeleteResponse',
    VDiffCreate: 'vtctldata.VDiffCreateRequest -> vtctldata.VDiffCreateResponse',
  },
};

/** Field names that are not snake_case in Vitess's own files; any other such name is a typo of ours. */
const VITESS_CAMEL_CASE_FIELDS = new Set(['vtgate.Session.DDLStrategy', 'vtgate.Session.SessionUUID', 'query.ExecuteOptions.WorkloadName', 'vtctldata.VDiffCreateResponse.UUID',
  'tabletmanagerdata.ChangeTypeRequest.semiSync', 'tabletmanagerdata.StartReplicationRequest.semiSync', 'tabletmanagerdata.SetReplicationSourceRequest.semiSync', 'tabletmanagerdata.PromoteReplicaRequest.semiSync']);

interface MethodDef {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestType: { type: unknown };
  responseType: { type: unknown };
}

/** The full names of the messages whose descriptor is `type` (a service method names its types by descriptor only). */
function messageNamesOf(type: unknown): string[] {
  const json = JSON.stringify(type);
  return Object.entries(definition)
    .filter(([, d]) => (d as { format?: string }).format === 'Protocol Buffer 3 DescriptorProto' && JSON.stringify((d as { type: unknown }).type) === json)
    .map(([name]) => name);
}

describe('the .proto files: Vitess wire contract', () => {
  it('loads every .proto file in proto/ together', () => {
    expect(files).toEqual(expect.arrayContaining(['binlogdata.proto', 'query.proto', 'topodata.proto', 'vtctldata.proto', 'vtctlservice.proto', 'vtgate.proto', 'vtgateservice.proto', 'vtrpc.proto']));
    expect(Object.keys(definition).length).toBeGreaterThan(100);
  });

  for (const [name, expected] of Object.entries(MESSAGES)) {
    it(`${name} has Vitess's fields`, () => {
      const byNumber = (lines: string[]) => [...lines].sort((a, b) => Number(a.split(' = ')[1]) - Number(b.split(' = ')[1]));
      expect(byNumber(fieldsOf(name))).toEqual(byNumber(expected));
    });
  }

  for (const [name, values] of Object.entries(ENUMS)) {
    it(`${name} has Vitess's values`, () => {
      expect(Object.fromEntries(schema.enum(name).numberOf)).toEqual(values);
    });
  }

  for (const [service, methods] of Object.entries(SERVICES)) {
    it(`${service} has Vitess's methods, types and streaming`, () => {
      const def = definition[service] as unknown as Record<string, MethodDef>;
      for (const [method, signature] of Object.entries(methods)) {
        const m = def[method];
        expect(m, `${service}/${method}`).toBeDefined();
        expect(m!.path).toBe(`/${service}/${method}`);
        const [req, res] = signature.split(' -> ') as [string, string];
        expect(m!.requestStream, `${method} request streaming`).toBe(req.startsWith('stream '));
        expect(m!.responseStream, `${method} response streaming`).toBe(res.startsWith('stream '));
        expect(messageNamesOf(m!.requestType.type), `${method} request type`).toContain(req.replace('stream ', ''));
        expect(messageNamesOf(m!.responseType.type), `${method} response type`).toContain(res.replace('stream ', ''));
      }
    });
  }

  it('names every field in snake_case, except the few fields Vitess itself names otherwise', () => {
    const odd: string[] = [];
    for (const [name, d] of Object.entries(definition)) {
      if ((d as { format?: string }).format !== 'Protocol Buffer 3 DescriptorProto') continue;
      for (const f of schema.message(name).fields) {
        if (!/^[a-z][a-z0-9_]*$/.test(f.name) && !VITESS_CAMEL_CASE_FIELDS.has(`${name}.${f.name}`)) odd.push(`${name}.${f.name}`);
      }
    }
    expect(odd).toEqual([]);
  });
});
