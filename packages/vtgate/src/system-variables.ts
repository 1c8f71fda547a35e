/**
 * System variables as vtgate answers them (`select @@version`, `@@autocommit`, …): the session's
 * own values, vtgate's identity, and MySQL 8 defaults for what clients commonly read at connect.
 */
import { ER, sqlError, type SqlValue } from '@vtsim/proto';
import type { VtgateSession } from './vtgate-session.js';

/** The version comment vtgate reports (`@@version_comment`). */
export const VERSION_COMMENT = 'vtsim (Vitess simulator)';

const DEFAULTS: Record<string, SqlValue> = {
  sql_mode: 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION',
  character_set_client: 'utf8mb4',
  character_set_connection: 'utf8mb4',
  character_set_results: 'utf8mb4',
  character_set_server: 'utf8mb4',
  character_set_database: 'utf8mb4',
  collation_connection: 'utf8mb4_0900_ai_ci',
  collation_server: 'utf8mb4_0900_ai_ci',
  collation_database: 'utf8mb4_0900_ai_ci',
  max_allowed_packet: 67108864n,
  net_buffer_length: 16384n,
  time_zone: 'SYSTEM',
  system_time_zone: 'UTC',
  transaction_isolation: 'REPEATABLE-READ',
  tx_isolation: 'REPEATABLE-READ',
  transaction_read_only: 0n,
  tx_read_only: 0n,
  lower_case_table_names: 0n,
  wait_timeout: 28800n,
  interactive_timeout: 28800n,
  net_write_timeout: 60n,
  license: 'GPL',
  sql_safe_updates: 0n,
  sql_auto_is_null: 0n,
  sql_select_limit: 18446744073709551615n,
  foreign_key_checks: 1n,
  unique_checks: 1n,
  session_track_gtids: 'OFF',
  performance_schema: 0n,
  query_cache_size: 0n,
  query_cache_type: 'OFF',
  workload: 'OLTP',
  transaction_mode: 'MULTI',
  ddl_strategy: 'direct',
  read_after_write_gtid: '',
  read_after_write_timeout: 30,
  session_uuid: '',
  enable_system_settings: 1n,
};

/**
 * Reads a system variable for a session: values SET in the session first, then vtgate's own
 * (`version`, `version_comment`, `autocommit`, `last_insert_id`), then defaults. Throws SqlError
 * 1193 `Unknown system variable 'x'` otherwise.
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
  }
  const set = session.systemVariables.get(n);
  if (set !== undefined) return set;
  const d = DEFAULTS[n];
  if (d !== undefined) return d;
  throw sqlError(ER.UNKNOWN_SYSTEM_VARIABLE, `Unknown system variable '${name}'`);
}
