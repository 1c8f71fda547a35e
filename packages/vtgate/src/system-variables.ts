/**
 * System variables as vtgate answers them (`select @@version`, `@@autocommit`, …): the session's
 * own values, vtgate's identity, and MySQL 8 defaults for what clients commonly read at connect.
 */
import { ER, sqlError, TabletType, type SqlValue } from '@vtsim/proto';
import { mysqlSystemVariableDefaults } from '@vtsim/sql';
import type { VtgateSession } from './vtgate-session.js';

/** The version comment vtgate reports (`@@version_comment`). */
export const VERSION_COMMENT = 'vtsim (Vitess simulator)';

/** What vtgate itself adds to a MySQL server's variables. */
const VTGATE_DEFAULTS: Record<string, SqlValue> = {
  workload: 'OLTP',
  transaction_mode: 'MULTI',
  ddl_strategy: 'direct',
  read_after_write_gtid: '',
  read_after_write_timeout: 30,
  session_uuid: '',
  enable_system_settings: 1n,
  performance_schema: 0n,
  query_cache_size: 0n,
  query_cache_type: 'OFF',
};

/**
 * Reads a system variable for a session: values SET in the session first, then vtgate's own
 * (`version`, `version_comment`, `autocommit`, `last_insert_id`, `read_only` of the targeted tablet
 * type), then defaults. Throws SqlError 1193 `Unknown system variable 'x'` otherwise.
 */
export function systemVariable(session: VtgateSession, name: string, serverVersion: string): SqlValue {
  const n = name.toLowerCase();
  switch (n) {
    case 'version':
      return serverVersion;
    case 'version_comment':
      return VERSION_COMMENT;
    case 'autocommit':
      return session.autocommit ? 1n : 0n;
    case 'last_insert_id':
    case 'identity':
      return session.lastInsertId;
    case 'read_only':
    case 'super_read_only':
      // As the targeted tablets' mysqld reports it: writable on a primary, read-only on replicas.
      return session.target.tabletType === TabletType.PRIMARY ? 0n : 1n;
  }
  const set = session.systemVariables.get(n);
  if (set !== undefined) return set;
  const d = VTGATE_DEFAULTS[n] ?? mysqlSystemVariableDefaults.get(n);
  if (d !== undefined) return d;
  throw sqlError(ER.UNKNOWN_SYSTEM_VARIABLE, `Unknown system variable '${name}'`);
}

/**
 * The system variables Vitess lets a session SET (go/vt/sysvars: the ones vtgate handles, the ones
 * it applies to the tablets' connections, checks, ignores or refuses as unsupported); any other
 * name is VT05006.
 */
const SETTABLE_VARIABLES = new Set([
  // vtgate's own
  'autocommit', 'client_found_rows', 'skip_query_plan_cache', 'tx_read_only', 'transaction_read_only', 'sql_select_limit',
  'transaction_mode', 'ddl_strategy', 'workload', 'charset', 'names', 'session_uuid', 'migration_context', 'enable_system_settings',
  'read_after_write_gtid', 'read_after_write_timeout', 'session_track_gtids', 'query_timeout', 'transaction_timeout',
  // ignored
  'big_tables', 'bulk_insert_buffer_size', 'debug', 'default_storage_engine', 'default_tmp_storage_engine', 'innodb_strict_mode',
  'innodb_support_xa', 'innodb_table_locks', 'innodb_tmpdir', 'join_buffer_size', 'keep_files_on_create', 'lc_messages',
  'long_query_time', 'low_priority_updates', 'max_delayed_threads', 'max_insert_delayed_threads', 'multi_range_count',
  'net_buffer_length', 'new', 'query_cache_type', 'query_cache_wlock_invalidate', 'query_prealloc_size', 'sql_buffer_result',
  'transaction_alloc_block_size', 'wait_timeout',
  // unsupported
  'audit_log_read_buffer_size', 'auto_increment_increment', 'auto_increment_offset', 'binlog_direct_non_transactional_updates',
  'binlog_row_image', 'binlog_rows_query_log_events', 'innodb_ft_enable_stopword', 'innodb_ft_user_stopword_table',
  'max_points_in_geometry', 'max_sp_recursion_depth', 'myisam_repair_threads', 'myisam_sort_buffer_size', 'myisam_stats_method',
  'ndb_allow_copying_alter_table', 'ndb_autoincrement_prefetch_sz', 'ndb_blob_read_batch_bytes', 'ndb_blob_write_batch_bytes',
  'ndb_deferred_constraints', 'ndb_force_send', 'ndb_fully_replicated', 'ndb_index_stat_enable', 'ndb_index_stat_option',
  'ndb_join_pushdown', 'ndb_log_bin', 'ndb_log_exclusive_reads', 'ndb_row_checksum', 'ndb_use_exact_count', 'ndb_use_transactions',
  'ndbinfo_max_bytes', 'ndbinfo_max_rows', 'ndbinfo_show_hidden', 'ndbinfo_table_prefix', 'old_alter_table', 'preload_buffer_size',
  'rbr_exec_mode', 'sql_log_off', 'thread_pool_high_priority_connection', 'thread_pool_prio_kickup_timer', 'transaction_write_set_extraction',
  // applied to the tablets' connections
  'default_week_format', 'end_markers_in_json', 'eq_range_index_dive_limit', 'explicit_defaults_for_timestamp', 'foreign_key_checks',
  'group_concat_max_len', 'information_schema_stats_expiry', 'innodb_lock_wait_timeout', 'max_heap_table_size', 'max_seeks_for_key',
  'max_tmp_tables', 'min_examined_row_limit', 'old_passwords', 'optimizer_prune_level', 'optimizer_search_depth', 'optimizer_switch',
  'optimizer_trace', 'optimizer_trace_features', 'optimizer_trace_limit', 'optimizer_trace_max_mem_size', 'optimizer_trace_offset',
  'parser_max_mem_size', 'profiling', 'profiling_history_size', 'query_alloc_block_size', 'range_alloc_block_size',
  'range_optimizer_max_mem_size', 'read_buffer_size', 'read_rnd_buffer_size', 'show_create_table_verbosity', 'show_old_temporals',
  'sort_buffer_size', 'sql_big_selects', 'sql_mode', 'sql_notes', 'sql_quote_show_create', 'sql_safe_updates', 'sql_warnings',
  'time_zone', 'tmp_table_size', 'transaction_isolation', 'transaction_prealloc_size', 'tx_isolation', 'unique_checks',
  'updatable_views_with_limit',
  // accepted when they match the tablets' value
  'binlog_format', 'block_encryption_mode', 'character_set_client', 'character_set_connection', 'character_set_database',
  'character_set_filesystem', 'character_set_results', 'character_set_server', 'collation_connection', 'collation_database',
  'collation_server', 'completion_type', 'div_precision_increment', 'interactive_timeout', 'lc_time_names', 'lock_wait_timeout',
  'max_allowed_packet', 'max_error_count', 'max_execution_time', 'max_join_size', 'max_length_for_sort_data', 'max_sort_length',
  'max_user_connections', 'net_read_timeout', 'net_retry_count', 'net_write_timeout', 'session_track_schema',
  'session_track_state_change', 'session_track_system_variables', 'session_track_transaction_info', 'sql_auto_is_null',
  'version_tokens_session',
]);

/**
 * Vitess's go/vt/sysvars UseReservedConn variables that have no SET_VAR hint: a session that sets
 * one of them to a value other than the tablets' gets reserved connections, each set up with it.
 */
const RESERVED_CONN_VARIABLES = new Set([
  'default_week_format', 'explicit_defaults_for_timestamp', 'information_schema_stats_expiry', 'innodb_lock_wait_timeout',
  'max_tmp_tables', 'min_examined_row_limit', 'old_passwords', 'optimizer_trace', 'optimizer_trace_features', 'optimizer_trace_limit',
  'optimizer_trace_max_mem_size', 'optimizer_trace_offset', 'parser_max_mem_size', 'profiling', 'profiling_history_size',
  'query_alloc_block_size', 'show_create_table_verbosity', 'show_old_temporals', 'sql_notes', 'sql_quote_show_create', 'sql_warnings',
  'time_zone', 'transaction_prealloc_size',
]);

/**
 * True when SETting this session variable (lower-case name) to `value` makes vtgate reserve the
 * session's tablet connections, as Vitess's SysVarReservedConn does for a variable it cannot pass as
 * a SET_VAR hint and whose value differs from the tablets' (here: their mysqld's default). Only the
 * variables the tablets' mysqld knows qualify (the others are kept by vtgate alone, as before).
 */
export function setReservesConnection(name: string, value: SqlValue): boolean {
  return appliedToReservedConnections(name) && String(value).toLowerCase() !== String(mysqlSystemVariableDefaults.get(name)).toLowerCase();
}

/** True for a session variable vtgate applies to the session's reserved connections (`set @@x = …` when each is reserved). */
export function appliedToReservedConnections(name: string): boolean {
  return RESERVED_CONN_VARIABLES.has(name) && mysqlSystemVariableDefaults.has(name);
}

/** The variables Vitess reports but refuses to SET. */
const READ_ONLY_VARIABLES = new Set(['socket', 'version', 'version_comment']);

/**
 * Checks that a session may SET this system variable through vtgate, as Vitess's SET planning does:
 * SqlError 1238 for a read-only one, 1193 `VT05006: unknown system variable` for a name Vitess does
 * not know.
 */
export function checkSettable(name: string): void {
  const n = name.toLowerCase();
  if (READ_ONLY_VARIABLES.has(n)) throw sqlError([1238, 'HY000'], `VT03010: variable '${n}' is a read only variable`);
  if (!SETTABLE_VARIABLES.has(n)) throw sqlError(ER.UNKNOWN_SYSTEM_VARIABLE, `VT05006: unknown system variable '@@${n}'`);
}
