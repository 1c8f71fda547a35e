/**
 * Reading identifiers out of node-sql-parser ASTs, which spell a name as a plain string, a quoted-string
 * node (`{type: 'backticks_quote_string', value}`) or an expression wrapper (`{expr: {value}}`).
 */
import { ER, sqlError } from '@vtsim/proto';
import type { Expr } from '@vtsim/sql';

/** The text of an identifier node in any of node-sql-parser's spellings; '' for null/undefined. */
export function identName(x: unknown): string {
  if (x === null || x === undefined) return '';
  if (typeof x === 'string') return x;
  if (typeof x === 'number') return String(x);
  const o = x as { value?: unknown; expr?: unknown; column?: unknown; name?: unknown };
  if (o.expr !== undefined) return identName(o.expr);
  if (o.value !== undefined) return identName(o.value);
  if (o.column !== undefined) return identName(o.column);
  if (Array.isArray(o.name)) return o.name.map(identName).join('.');
  return '';
}

/** A table reference resolved against the session's current database. */
export interface TableName {
  database: string;
  table: string;
}

/**
 * Resolves a `{db, table}` AST node to a database and table name.
 * Throws SqlError 1046 `No database selected` when the name is unqualified and there is no current database.
 */
export function tableNameOf(node: { db?: unknown; table?: unknown }, currentDb: string): TableName {
  const db = identName(node.db) || currentDb;
  if (!db) throw sqlError(ER.NO_DB_ERROR, 'No database selected');
  return { database: db, table: identName(node.table) };
}

/** The function name of a `function` AST node, lower-cased (`values`, `now`, …). */
export function functionName(node: Expr): string {
  return identName(node.name).toLowerCase();
}

/** True if the node is a subquery wrapper (`{ast: {type: 'select', …}}`), which node-sql-parser leaves untyped. */
export function isSubqueryNode(node: unknown): node is { ast: Expr } {
  return typeof node === 'object' && node !== null && 'ast' in node && typeof (node as { ast: unknown }).ast === 'object';
}
