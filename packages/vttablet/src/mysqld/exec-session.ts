/** What compiled plans need from the session running them. */
import type { SessionContext, SqlMode } from '@vtsim/sql';
import type { TableEntry } from './catalog.js';
import type { TableData } from './table-data.js';

/**
 * The session a plan runs in: the expression SessionContext plus transaction-aware table reads.
 * `statementId` changes with every statement, so per-statement caches can key on it.
 */
export interface ExecSession extends SessionContext {
  /** The version of a table this session sees now (its transaction's copy, or the committed one). */
  readTable(entry: TableEntry): TableData;
  readonly statementId: number;
  /** The session's sql_mode (ONLY_FULL_GROUP_BY is checked when a plan runs, since plans are shared). */
  readonly mode: SqlMode;
}
