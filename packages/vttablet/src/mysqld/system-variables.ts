/**
 * The system variables a simulated MySQL 8.0.30 server reports (`@@version`, `SHOW VARIABLES`, …):
 * a small realistic set of static defaults, plus the ones computed from server and session state.
 */
import { ER, sqlError, type SqlValue } from '@vtsim/proto';

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

/** The server state that computed variables read. */
export interface VariableServer {
  readonly serverUuid: string;
  superReadOnly: boolean;
  /** GLOBAL values set with `SET GLOBAL`. */
  readonly globalVariables: Map<string, SqlValue>;
  /** The executed GTID set as text. */
  gtidExecutedText(): string;
}

/** The session state that computed variables read. */
export interface VariableSession {
  readonly autocommit: boolean;
  readonly logBin: boolean;
  readonly lastInsertId: bigint;
  /** SESSION values set with `SET`. */
  readonly sessionVariables: Map<string, SqlValue>;
}

const defaults = new Map<string, SqlValue>(STATIC_DEFAULTS);

/** True if `name` (lower-case) is a system variable this server knows. */
export function isKnownVariable(name: string): boolean {
  return defaults.has(name) || COMPUTED.has(name);
}

const COMPUTED = new Set([
  'server_uuid', 'gtid_executed', 'read_only', 'super_read_only', 'autocommit', 'sql_log_bin',
  'last_insert_id', 'identity', 'hostname',
]);

/**
 * A system variable's value in a scope. Session scope falls back to the global value. Throws
 * SqlError 1193 `Unknown system variable 'x'` for names this server does not know.
 */
export function systemVariableValue(
  name: string,
  scope: 'session' | 'global',
  server: VariableServer,
  session: VariableSession,
): SqlValue {
  const n = name.toLowerCase();
  switch (n) {
    case 'server_uuid':
      return server.serverUuid;
    case 'gtid_executed':
      return server.gtidExecutedText();
    case 'read_only':
    case 'super_read_only':
      return server.superReadOnly ? 1n : 0n;
    case 'hostname':
      return 'localhost';
  }
  if (scope === 'session') {
    switch (n) {
      case 'autocommit':
        return session.autocommit ? 1n : 0n;
      case 'sql_log_bin':
        return session.logBin ? 1n : 0n;
      case 'last_insert_id':
      case 'identity':
        return session.lastInsertId;
    }
    const v = session.sessionVariables.get(n);
    if (v !== undefined) return v;
  } else if (n === 'autocommit' || n === 'sql_log_bin') {
    return 1n;
  }
  const g = server.globalVariables.get(n);
  if (g !== undefined) return g;
  const d = defaults.get(n);
  if (d !== undefined) return d;
  if (COMPUTED.has(n)) return 0n;
  throw sqlError(ER.UNKNOWN_SYSTEM_VARIABLE, `Unknown system variable '${name}'`);
}

/** Every variable name this server reports in `SHOW VARIABLES`, sorted. */
export function variableNames(): string[] {
  return [...new Set([...defaults.keys(), ...COMPUTED])].filter((n) => n !== 'identity' && n !== 'last_insert_id').sort();
}
