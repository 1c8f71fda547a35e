/**
 * GetSchema: a tablet's table definitions (CREATE statements, columns, primary keys, fields and
 * row counts), read from its mysqld as the DBA user, as tabletmanagerdata.SchemaDefinition.
 */
import { resultToWire, valueToText, type Result } from '@vtsim/proto';
import type { TabletManagerClient } from '@vtsim/vttablet';
import type { GetSchemaRequest, SchemaDefinition, TableDefinition } from './vtctldata.js';

/** Matches a table name against exact names and `/regexp/` patterns. */
function matcher(patterns: readonly string[]): (name: string) => boolean {
  const tests = patterns.map((p) => (p.length > 1 && p.startsWith('/') && p.endsWith('/') ? new RegExp(p.slice(1, -1)) : p));
  return (name) => tests.some((t) => (typeof t === 'string' ? t === name : t.test(name)));
}

function text(result: Result, row: number, col: number): string {
  return valueToText(result.rows[row]?.[col] ?? null) ?? '';
}

function quote(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/**
 * Reads the schema of the tablet's `vt_` database: tables filtered by `tables` and
 * `exclude_tables` (exact names or `/regexp/`), views only with `include_views`, names only with
 * `table_names_only`, no fields with `table_schema_only`. Errors from the tablet propagate.
 */
export async function getSchema(tm: TabletManagerClient, req: GetSchemaRequest): Promise<SchemaDefinition> {
  const include = req.tables && req.tables.length > 0 ? matcher(req.tables) : () => true;
  const exclude = matcher(req.exclude_tables ?? []);
  const listing = await tm.executeFetchAsDba('show full tables');
  const definitions: TableDefinition[] = [];
  for (let i = 0; i < listing.rows.length; i++) {
    const name = text(listing, i, 0);
    const type = text(listing, i, 1) === 'VIEW' ? 'VIEW' : 'BASE TABLE';
    if (!include(name) || exclude(name) || (type === 'VIEW' && !req.include_views)) continue;
    const def: TableDefinition = { name, schema: '', columns: [], primary_key_columns: [], type, data_length: 0, row_count: 0, fields: [] };
    definitions.push(def);
    if (req.table_names_only) continue;
    def.schema = text(await tm.executeFetchAsDba(`show create table ${quote(name)}`), 0, 1);
    const columns = await tm.executeFetchAsDba(`show columns from ${quote(name)}`);
    def.columns = columns.rows.map((_, r) => text(columns, r, 0));
    const index = await tm.executeFetchAsDba(`show index from ${quote(name)}`);
    const keyName = index.fields.findIndex((f) => f.name === 'Key_name');
    const columnName = index.fields.findIndex((f) => f.name === 'Column_name');
    def.primary_key_columns = index.rows.filter((_, r) => text(index, r, keyName) === 'PRIMARY').map((_, r, rows) => valueToText(rows[r]![columnName] ?? null) ?? '');
    def.row_count = Number(text(await tm.executeFetchAsDba(`select count(*) from ${quote(name)}`), 0, 0));
    if (!req.table_schema_only) def.fields = resultToWire(await tm.executeFetchAsDba(`select * from ${quote(name)} where 1 != 1`)).fields;
  }
  definitions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { database_schema: 'CREATE DATABASE /*!32312 IF NOT EXISTS*/ {{.DatabaseName}} /*!40100 DEFAULT CHARACTER SET utf8mb4 */', table_definitions: definitions };
}
