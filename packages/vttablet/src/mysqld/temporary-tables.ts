/**
 * A session's TEMPORARY tables (CREATE TEMPORARY TABLE): visible to that session only, where they
 * shadow a base table or view of the same name; absent from the catalog (so from SHOW TABLES and
 * information_schema), never in the binlog (MySQL 8 with binlog_format=ROW logs neither their DDL nor
 * their rows), and dropped when the session ends.
 */
import { ER, sqlError } from '@vtsim/proto';
import type { Catalog, TableEntry } from './catalog.js';

/** One session's temporary tables by database and name (case-sensitive, as base tables). */
export class TemporaryTables {
  private readonly byName = new Map<string, TableEntry>();

  /** How many temporary tables the session has. */
  get size(): number {
    return this.byName.size;
  }

  /** The temporary table `database.table`, or undefined. */
  find(database: string, table: string): TableEntry | undefined {
    return this.byName.size === 0 ? undefined : this.byName.get(key(database, table));
  }

  /** Adds a temporary table (the caller has checked that the name is free). */
  add(database: string, table: string, entry: TableEntry): void {
    this.byName.set(key(database, table), entry);
  }

  /** Drops the temporary table `database.table`; false when the session has none of that name. */
  drop(database: string, table: string): boolean {
    const k = key(database, table);
    const entry = this.byName.get(k);
    if (entry === undefined) return false;
    entry.dropped = true;
    this.byName.delete(k);
    return true;
  }

  /** Drops every temporary table (the session ends). */
  dropAll(): void {
    for (const entry of this.byName.values()) entry.dropped = true;
    this.byName.clear();
  }
}

function key(database: string, table: string): string {
  return `${database}\u0000${table}`;
}

/**
 * The table a statement names: the session's temporary table of that name if it has one, else the
 * catalog's. Throws SqlError 1146 `Table 'db.t' doesn't exist` when neither has it.
 */
export function resolveTable(catalog: Catalog, temporary: TemporaryTables | undefined, database: string, table: string): TableEntry {
  const entry = temporary?.find(database, table) ?? catalog.findTable(database, table);
  if (!entry) throw sqlError(ER.NO_SUCH_TABLE, `Table '${database}.${table}' doesn't exist`);
  return entry;
}
