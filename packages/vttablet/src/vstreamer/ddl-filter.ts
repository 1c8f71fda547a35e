/**
 * Whether a binlogged DDL concerns a stream (Vitess's mustSendDDL): a DDL is sent as a DDL event
 * when it runs in the stream's database and names a table the filter matches; every other DDL
 * reaches the stream as OTHER.
 */
import type { DdlEvent } from '@vtsim/binlog';
import type { Filter } from '@vtsim/proto';
import type { Statement } from '@vtsim/sql';
import { parseTableDdl } from '../mysqld/partition-clause.js';
import { findRule } from './plan-builder.js';

/**
 * True when the DDL must be streamed as a DDL event. Statements that do not parse are sent (the
 * receiver may know better); database-level DDL never is.
 */
export function mustSendDdl(ev: DdlEvent, dbName: string, filter: Filter, regexes: readonly (RegExp | null)[]): boolean {
  if (ev.database !== '' && ev.database !== dbName) return false;
  let ast: Statement;
  try {
    ast = parseTableDdl(ev.statement).ast;
  } catch {
    return true;
  }
  const kind = String(ast.keyword ?? '').toLowerCase();
  if (kind === 'database' || kind === 'schema') return false;
  const names: { db?: unknown; table?: unknown }[] = [];
  collectTableNames(ast.table, names);
  collectTableNames(ast.name, names);
  return names.some((n) => (n.db == null || n.db === dbName) && findRule(String(n.table), filter, regexes) !== undefined);
}

/** Appends every `{db, table}` node found in a (possibly nested) array of table references. */
function collectTableNames(node: unknown, out: { db?: unknown; table?: unknown }[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectTableNames(n, out);
  } else if (node && typeof node === 'object' && typeof (node as { table?: unknown }).table === 'string') {
    out.push(node as { db?: unknown; table?: unknown });
  }
}
