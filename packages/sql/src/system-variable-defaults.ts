/**
 * The system variables of a MySQL 8.0.30 server at their defaults: what `SHOW VARIABLES` and
 * `@@name` report unless a session or `SET GLOBAL` changed them. Shared by the simulated mysqld
 * and by vtgate, which answers the same names the way a MySQL server would.
 */
import { Type, type SqlValue } from '@vtsim/proto';

/** The server version string. */
export const MYSQL_VERSION = '8.0.30';

/** The default sql_mode of MySQL 8.0. */
export const DEFAULT_SQL_MODE =
  'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

const STATIC_DEFAULTS: ReadonlyArray<readonly [string, SqlValue]> = [
  ['auto_increment_increment', 1n],
  ['auto_increment_offset', 1n],
  ['binlog_format', 'ROW'],
  ['binlog_row_image', 'FULL'],
  ['character_set_client', 'utf8mb4'],
  ['character_set_connection', 'utf8mb4'],
  ['character_set_database', 'utf8mb4'],
  ['character_set_results', 'utf8mb4'],
  ['character_set_server', 'utf8mb4'],
  ['collation_connection', 'utf8mb4_0900_ai_ci'],
  ['collation_database', 'utf8mb4_0900_ai_ci'],
  ['collation_server', 'utf8mb4_0900_ai_ci'],
  ['cte_max_recursion_depth', 1000n],
  ['default_storage_engine', 'InnoDB'],
  ['enforce_gtid_consistency', 'ON'],
  ['foreign_key_checks', 1n],
  ['gtid_mode', 'ON'],
  ['gtid_purged', ''],
  ['innodb_lock_wait_timeout', 50n],
  ['interactive_timeout', 28800n],
  ['license', 'GPL'],
  ['lock_wait_timeout', 31536000n],
  ['log_bin', 1n],
  ['log_replica_updates', 1n],
  ['log_slave_updates', 1n],
  ['lower_case_table_names', 0n],
  ['max_allowed_packet', 67108864n],
  ['max_connections', 151n],
  ['net_buffer_length', 16384n],
  ['net_read_timeout', 30n],
  ['net_write_timeout', 60n],
  ['port', 3306n],
  ['server_id', 1n],
  ['session_track_gtids', 'OFF'],
  ['sql_auto_is_null', 0n],
  ['sql_mode', DEFAULT_SQL_MODE],
  ['sql_safe_updates', 0n],
  ['sql_select_limit', 18446744073709551615n],
  ['system_time_zone', 'UTC'],
  ['time_zone', 'SYSTEM'],
  ['transaction_isolation', 'REPEATABLE-READ'],
  ['transaction_read_only', 0n],
  ['tx_isolation', 'REPEATABLE-READ'],
  ['tx_read_only', 0n],
  ['unique_checks', 1n],
  ['version', MYSQL_VERSION],
  ['version_comment', 'MySQL Community Server - GPL'],
  ['version_compile_machine', 'x86_64'],
  ['version_compile_os', 'Linux'],
  ['wait_timeout', 28800n],
];

/** Default values by lower-case variable name. */
export const mysqlSystemVariableDefaults: ReadonlyMap<string, SqlValue> = new Map(STATIC_DEFAULTS);

/** The types of the variables a server computes from its state rather than keeps a default for. */
const COMPUTED_TYPES: ReadonlyMap<string, Type> = new Map([
  ...['warning_count', 'error_count', 'last_insert_id', 'identity', 'autocommit', 'sql_log_bin', 'read_only', 'super_read_only',
    'rpl_semi_sync_source_enabled', 'rpl_semi_sync_replica_enabled', 'rpl_semi_sync_source_timeout',
    'rpl_semi_sync_source_wait_for_replica_count', 'rpl_semi_sync_source_wait_no_replica'].map((n) => [n, Type.INT64] as const),
  ...['server_uuid', 'gtid_executed', 'hostname', 'rpl_semi_sync_source_wait_point'].map((n) => [n, Type.VARCHAR] as const),
]);

const INT64_MAX = (1n << 63n) - 1n;

/**
 * The type MySQL 8 reports for `@@name` (lower-case) in a select list, fixed by the variable whatever
 * it holds: BIGINT for integer and boolean variables (UNSIGNED past BIGINT's range), DOUBLE for
 * fractional ones, VARCHAR for the rest; EXPRESSION (typed per value) for a name it does not know.
 */
export function systemVariableType(name: string): Type {
  const d = mysqlSystemVariableDefaults.get(name);
  if (d === undefined || d === null) return COMPUTED_TYPES.get(name) ?? Type.EXPRESSION;
  switch (typeof d) {
    case 'bigint': return d > INT64_MAX ? Type.UINT64 : Type.INT64;
    case 'number': return Type.FLOAT64;
    case 'string': return Type.VARCHAR;
    default: return Type.VARBINARY;
  }
}
