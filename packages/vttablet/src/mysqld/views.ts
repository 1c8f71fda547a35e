/**
 * Views: CREATE [OR REPLACE] VIEW and DROP VIEW keep a view's defining SELECT in its database's
 * catalog entry; a FROM item naming a view reads it as a derived table (select-plan.ts), compiled in
 * the view's database.
 */
import { ER, sqlError } from '@vtsim/proto';
import type { Statement } from '@vtsim/sql';
import { identName, tableNameOf } from './ast-names.js';
import { renameColumns } from './cte.js';
import type { ViewDefinition } from './catalog.js';
import type { MysqlSession } from './mysql-session.js';
import { compileSelect, type PlanContext, type SelectPlan } from './select-plan.js';

/**
 * CREATE [OR REPLACE] VIEW: checks the query compiles in the current database (1146 for a missing
 * table, 1353 when the column list does not match it) and stores it. Throws 1050 when a table or
 * (without OR REPLACE) a view has the name, 1347 for OR REPLACE over a table.
 */
export function createView(session: MysqlSession, ast: Statement, statement: string): void {
  const definition = viewDefinition(ast, session.database, statement);
  const { database, name } = definition;
  const catalog = session.mysqld.catalog;
  const db = catalog.database(database);
  const replace = /replace/i.test(String(ast.replace ?? ''));
  if (db.tables.has(name)) {
    if (replace) throw sqlError([1347, 'HY000'], `'${database}.${name}' is not VIEW`);
    throw sqlError(ER.TABLE_EXISTS_ERROR, `Table '${name}' already exists`);
  }
  if (db.views.has(name) && !replace) throw sqlError(ER.TABLE_EXISTS_ERROR, `Table '${name}' already exists`);
  compileView(definition, { catalog, database });
  db.views.set(name, definition);
}

/** The view a parsed CREATE VIEW statement defines (`database`: the session's current one). */
export function viewDefinition(ast: Statement, database: string, statement: string): ViewDefinition {
  const view = ast.view as { db?: unknown; view?: unknown };
  const name = tableNameOf({ db: view.db, table: view.view }, database);
  const columns = Array.isArray(ast.columns) ? (ast.columns as unknown[]).map((c) => identName(c)) : null;
  return { database: name.database, name: name.table, select: ast.select as Statement, columns, statement };
}

/** DROP VIEW [IF EXISTS]: 1051 for a missing view (unless IF EXISTS), 1347 for a table. */
export function dropViews(session: MysqlSession, ast: Statement): void {
  const catalog = session.mysqld.catalog;
  const names = (ast.name as { db?: unknown; table?: unknown }[]).map((n) => tableNameOf(n, session.database));
  for (const n of names) {
    if (catalog.findTable(n.database, n.table)) throw sqlError([1347, 'HY000'], `'${n.database}.${n.table}' is not VIEW`);
  }
  const missing = names.filter((n) => !catalog.findView(n.database, n.table));
  if (missing.length > 0 && !/if exists/i.test(String(ast.prefix ?? ''))) {
    throw sqlError(ER.BAD_TABLE_ERROR, `Unknown table '${missing.map((n) => `${n.database}.${n.table}`).join(',')}'`);
  }
  for (const n of names) catalog.databases.get(n.database)?.views.delete(n.table);
}

/**
 * Compiles a view's query in its own database. A view whose tables or columns went away is SqlError
 * 1356 as in MySQL.
 */
export function compileView(view: ViewDefinition, ctx: PlanContext): SelectPlan {
  try {
    return renameColumns(compileSelect(view.select, { catalog: ctx.catalog, database: view.database }), view.columns);
  } catch (e) {
    const errno = (e as { errno?: number }).errno;
    if (errno === ER.NO_SUCH_TABLE[0] || errno === ER.BAD_FIELD_ERROR[0]) {
      // While CREATE VIEW checks its query, the view is not stored yet: the missing table is the error.
      if (!ctx.catalog.findView(view.database, view.name)) throw e;
      throw sqlError([1356, 'HY000'], `View '${view.database}.${view.name}' references invalid table(s) or column(s) or function(s) or definer/invoker of view lack rights to use them`);
    }
    throw e;
  }
}
