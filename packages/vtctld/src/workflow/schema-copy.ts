/**
 * Schema copy for workflows: a source primary's CREATE TABLE statements replayed on target
 * primaries before their streams start (Vitess copies the schema from one source primary). The
 * DDL runs as the DBA user, so it lands in the target's binlog and reaches its replicas.
 */
import { valueToText } from '@vtsim/proto';
import type { TabletManagerClient } from '@vtsim/vttablet';
import { sqlIdent } from './sql-literal.js';

/** The base tables of a primary's `vt_` database, sorted. */
export async function listTables(tm: TabletManagerClient): Promise<string[]> {
  const result = await tm.executeFetchAsDba('show full tables');
  return result.rows
    .filter((r) => (valueToText(r[1] ?? null) ?? 'BASE TABLE') !== 'VIEW')
    .map((r) => valueToText(r[0] ?? null) ?? '')
    .sort();
}

/** A table's CREATE TABLE statement on a primary. */
export async function showCreateTable(tm: TabletManagerClient, table: string): Promise<string> {
  const result = await tm.executeFetchAsDba(`show create table ${sqlIdent(table)}`);
  return valueToText(result.rows[0]?.[1] ?? null) ?? '';
}

/**
 * Creates each of `tables` on every target primary that lacks it, with the source's definition and
 * foreign_key_checks off (as Vitess's materializer applies the schema, so a child table may come
 * before its parent); tables a target already has are left alone. Errors from either side propagate.
 */
export async function copySchema(source: TabletManagerClient, targets: readonly TabletManagerClient[], tables: readonly string[]): Promise<void> {
  const ddl = new Map<string, string>();
  for (const t of tables) ddl.set(t, await showCreateTable(source, t));
  for (const target of targets) {
    const existing = new Set(await listTables(target));
    for (const [table, create] of ddl) {
      if (!existing.has(table)) await target.executeFetchAsDba(create, undefined, { disableForeignKeyChecks: true });
    }
  }
}
