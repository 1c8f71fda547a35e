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
