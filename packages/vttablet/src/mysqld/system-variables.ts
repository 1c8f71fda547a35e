/**
 * The system variables a simulated MySQL 8.0.30 server reports (`@@version`, `SHOW VARIABLES`, …):
 * a small realistic set of static defaults, plus the ones computed from server and session state.
 */
import { ER, sqlError, type SqlValue } from '@vtsim/proto';
import { mysqlSystemVariableDefaults as defaults } from '@vtsim/sql';

/** The server state that computed variables read. */
export interface VariableServer {
  readonly serverUuid: string;
  superReadOnly: boolean;
  /** GLOBAL values set with `SET GLOBAL`. */
  readonly globalVariables: Map<string, SqlValue>;
  /** The executed GTID set as text. */
  gtidExecutedText(): string;
  /** The purged GTID set as text. */
  gtidPurgedText(): string;
  /** The semi-sync source plugin (`rpl_semi_sync_source_enabled`). */
  readonly semiSync: { readonly enabled: boolean };
  /** `rpl_semi_sync_replica_enabled`. */
  semiSyncReplicaEnabled: boolean;
}

/** The session state that computed variables read. */
export interface VariableSession {
  readonly autocommit: boolean;
  readonly logBin: boolean;
  readonly lastInsertId: bigint;
  /** SESSION values set with `SET`. */
  readonly sessionVariables: Map<string, SqlValue>;
  /** The last statement's warnings (`@@warning_count`). */
  readonly warnings: readonly unknown[];
  /** `@@transaction_read_only`: the open or next transaction's access mode. */
  readonly transactionReadOnly: boolean;
}

/** True if `name` (lower-case) is a system variable this server knows. */
export function isKnownVariable(name: string): boolean {
  return defaults.has(name) || COMPUTED.has(name);
}

/**
 * The semi-sync plugins' variables, as Vitess's my.cnf sets them (timeout 10^18 ms: never fall back
 * to asynchronous; wait with no replica). The wait point is AFTER_COMMIT: a commit is visible on
 * the source while it waits for the ack (MySQL's default AFTER_SYNC hides it; vtsim does not).
 */
const SEMI_SYNC_VARIABLES = [
  'rpl_semi_sync_source_enabled', 'rpl_semi_sync_source_timeout', 'rpl_semi_sync_source_wait_for_replica_count',
  'rpl_semi_sync_source_wait_no_replica', 'rpl_semi_sync_source_wait_point', 'rpl_semi_sync_replica_enabled',
];

/**
 * The replica's network timeout in seconds (MySQL 8's `replica_net_timeout`, `slave_net_timeout`
 * its old name; default 60, GLOBAL only), kept under `replica_net_timeout` in the global values.
 */
const NET_TIMEOUT_VARIABLES = ['replica_net_timeout', 'slave_net_timeout'];

/** The range MySQL clamps `replica_net_timeout` to. */
export const REPLICA_NET_TIMEOUT_RANGE = { min: 1, max: 31_536_000 } as const;

const COMPUTED = new Set([
  ...NET_TIMEOUT_VARIABLES,
  'server_uuid', 'gtid_executed', 'gtid_purged', 'read_only', 'super_read_only', 'autocommit', 'sql_log_bin',
  'last_insert_id', 'identity', 'hostname', 'warning_count', 'error_count',
  ...SEMI_SYNC_VARIABLES,
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
    case 'gtid_purged':
      return server.gtidPurgedText();
    case 'read_only':
    case 'super_read_only':
      return server.superReadOnly ? 1n : 0n;
    case 'hostname':
      return 'localhost';
    case 'rpl_semi_sync_source_enabled':
      return server.semiSync.enabled ? 1n : 0n;
    case 'rpl_semi_sync_replica_enabled':
      return server.semiSyncReplicaEnabled ? 1n : 0n;
    case 'rpl_semi_sync_source_timeout':
      return 1_000_000_000_000_000_000n;
    case 'rpl_semi_sync_source_wait_for_replica_count':
    case 'rpl_semi_sync_source_wait_no_replica':
      return 1n;
    case 'rpl_semi_sync_source_wait_point':
      return 'AFTER_COMMIT';
    case 'replica_net_timeout':
    case 'slave_net_timeout':
      return server.globalVariables.get('replica_net_timeout') ?? 60n;
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
      case 'warning_count':
        return BigInt(session.warnings.length);
      case 'transaction_read_only':
      case 'tx_read_only':
        return session.transactionReadOnly ? 1n : 0n;
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
