/**
 * The server's committed schema and data: databases, their tables, and the schema version that
 * invalidates cached plans. Table names are case-sensitive (lower_case_table_names=0, as on Linux).
 */
import { ER, sqlError } from '@vtsim/proto';
import type { Statement } from '@vtsim/sql';
import type { TableData } from './table-data.js';
import type { TableSchema } from './table-schema.js';

/**
 * One table's committed state. `data` is swapped at each commit (never written in place); `schema`
 * and `data` are replaced together by DDL. `dropped` is set when the table leaves the catalog.
 */
export class TableEntry {
  dropped = false;
  constructor(
    public schema: TableSchema,
    public data: TableData,
    /** A session's TEMPORARY table (temporary-tables.ts): its changes never reach the binlog. */
    readonly temporary = false,
  ) {}
}

/** A view: its database, name, defining query and optional column names (views.ts). */
export interface ViewDefinition {
  readonly database: string;
  readonly name: string;
  /** The parsed defining SELECT (shared, never mutated). */
  readonly select: Statement;
  readonly columns: readonly string[] | null;
  /** The CREATE VIEW statement as received (what a datadir keeps). */
  readonly statement: string;
}

/** A database: its tables and views by name. */
export class Database {
  readonly tables = new Map<string, TableEntry>();
  readonly views = new Map<string, ViewDefinition>();
  constructor(readonly name: string) {}
}

/** All databases; see the module comment. */
export class Catalog {
  readonly databases = new Map<string, Database>();
  /** Bumped by every schema change; plans compiled at another version are stale. */
  schemaVersion = 0;
  private lastTableMapId = 0;

  /** A fresh table map id (one per table schema version, unique on this server). */
  newTableMapId(): number {
    return ++this.lastTableMapId;
  }

  /** The named database; throws SqlError 1049 `Unknown database 'x'`. */
  database(name: string): Database {
    const db = this.databases.get(name);
    if (!db) throw sqlError(ER.BAD_DB_ERROR, `Unknown database '${name}'`);
    return db;
  }

  /** The named table, or undefined. */
  findTable(database: string, table: string): TableEntry | undefined {
    return this.databases.get(database)?.tables.get(table);
  }

  /** The named view, or undefined. */
  findView(database: string, view: string): ViewDefinition | undefined {
    return this.databases.get(database)?.views.get(view);
  }

  /** The named table; throws SqlError 1146 `Table 'db.t' doesn't exist`. */
  table(database: string, table: string): TableEntry {
    const entry = this.findTable(database, table);
    if (!entry) throw sqlError(ER.NO_SUCH_TABLE, `Table '${database}.${table}' doesn't exist`);
    return entry;
  }
}
