/**
 * Finding the tables a statement names (FROM lists, joins, derived tables, subqueries anywhere)
 * and resolving them through the VSchema and its routing rules.
 */
import { TabletType } from '@vtsim/proto';
import type { Expr, Statement } from '@vtsim/sql';
import type { TableModel, VSchema } from '../vschema.js';
import { identName } from './ast.js';

/** A table named in a statement. */
export interface TableRef {
  db: string | null;
  table: string;
  /** The alias, or the table name when there is none (what column qualifiers use). */
  alias: string;
  /** Named inside a subquery or derived table rather than the statement's own FROM list. */
  nested: boolean;
}

/** Schemas that live on every tablet rather than in a keyspace. */
export const SYSTEM_SCHEMAS = new Set(['information_schema', 'mysql', 'performance_schema', 'sys']);

const STATEMENT_TYPES = new Set(['select', 'update', 'delete', 'insert', 'replace']);

/**
 * Collects the tables of a statement, its unions and all its subqueries (`dual` and the names of
 * common table expressions in scope excluded).
 */
export function collectTables(stmt: Statement): TableRef[] {
  const out: TableRef[] = [];
  const ctes: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) visit(x);
      return;
    }
    const n = node as Expr;
    if (STATEMENT_TYPES.has(n.type)) {
      visitStatement(n, true);
      return;
    }
    for (const k in n) visit(n[k]);
  };
  const addFrom = (items: unknown, nested: boolean): void => {
    if (!Array.isArray(items)) return;
    for (const item of items as Expr[]) {
      if (item.expr) visit(item.expr);
      const table = identName(item.table);
      if (table && table.toLowerCase() !== 'dual' && !(identName(item.db) === null && ctes.includes(table.toLowerCase()))) {
        out.push({ db: identName(item.db), table, alias: identName(item.as) ?? table, nested });
      }
      if (item.on) visit(item.on);
    }
  };
  const visitStatement = (s: Expr, nested: boolean): void => {
    const scope = ctes.length;
    for (const w of (Array.isArray(s.with) ? s.with : []) as Expr[]) ctes.push(String(identName(w.name)).toLowerCase());
    if (s.type === 'select') addFrom(s.from, nested);
    else if (s.type === 'update') addFrom(s.table, nested);
    else if (s.type === 'delete') addFrom(s.from, nested);
    else addFrom(s.table, nested);
    for (const k in s) {
      if (k === 'from' || k === 'table' || k === 'type') continue;
      if (k === '_next') visitStatement(s[k] as Expr, nested);
      else visit(s[k]);
    }
    ctes.length = scope;
  };
  visitStatement(stmt, false);
  return out;
}

/** A table reference with its routed table. */
export interface ResolvedTable {
  ref: TableRef;
  table: TableModel;
}

/**
 * Resolves table references through routing rules (qualifier, else the default keyspace).
 * Errors are the VSchema's SqlErrors (1049, 1146, …).
 */
export function resolveTables(refs: TableRef[], vschema: VSchema, defaultKeyspace: string, tabletType: TabletType): ResolvedTable[] {
  return refs.map((ref) => ({ ref, table: vschema.findRoutedTable(ref.db ?? defaultKeyspace, ref.table, tabletType) }));
}
