/**
 * vtgate's schema tracker: the columns of each keyspace's tables as its tablets report them, as
 * Vitess's go/vt/vtgate/schema/tracker.go keeps them (there it makes a table's column list
 * authoritative when the VSchema gives none). Here a keyspace is loaded when a plan first needs
 * it and forgotten when DDL goes through vtgate, so the next plan that needs it loads it again.
 */
import { SqlError, type Result } from '@vtsim/proto';

/** The query that reads a keyspace's columns (and which are in the primary key) from one of its tablets, in table and ordinal order. */
export const TRACKED_COLUMNS_QUERY =
  'select table_name, column_name, column_key from information_schema.columns where table_schema = database() order by table_name, ordinal_position';

/**
 * Thrown by a planner that needs a keyspace's tracked columns before they are loaded: the executor
 * loads them and plans again. `fallback` is the error the statement gets if they still do not help.
 */
export class SchemaTrackingNeeded extends SqlError {
  constructor(
    readonly keyspace: string,
    readonly fallback: SqlError,
  ) {
    super(fallback.errno, fallback.sqlState, fallback.message, fallback.code);
  }
}

/** One tracked table: its columns in order and its primary key's columns. */
interface TrackedTable {
  columns: string[];
  primaryKey: string[];
}

/** The tracked columns of the keyspaces loaded so far. */
export class SchemaTracker {
  private readonly keyspaces = new Map<string, Map<string, TrackedTable>>();

  /** True once `keyspace`'s columns are loaded (and not forgotten since). */
  loaded(keyspace: string): boolean {
    return this.keyspaces.has(keyspace);
  }

  /** The columns of `keyspace.table` in their order, or undefined when the table is not tracked. */
  columns(keyspace: string, table: string): readonly string[] | undefined {
    return this.table(keyspace, table)?.columns;
  }

  /** The primary key columns of `keyspace.table` (empty without one), or undefined when the table is not tracked. */
  primaryKey(keyspace: string, table: string): readonly string[] | undefined {
    return this.table(keyspace, table)?.primaryKey;
  }

  private table(keyspace: string, table: string): TrackedTable | undefined {
    const tables = this.keyspaces.get(keyspace);
    return tables?.get(table) ?? tables?.get(table.toLowerCase());
  }

  /** Records `keyspace`'s columns from the rows of {@link TRACKED_COLUMNS_QUERY}. */
  load(keyspace: string, result: Result): void {
    const tables = new Map<string, TrackedTable>();
    for (const row of result.rows) {
      const table = text(row[0]);
      const column = text(row[1]);
      if (table === null || column === null) continue;
      let t = tables.get(table);
      if (!t) tables.set(table, (t = { columns: [], primaryKey: [] }));
      t.columns.push(column);
      if (text(row[2]) === 'PRI') t.primaryKey.push(column);
    }
    this.keyspaces.set(keyspace, tables);
  }

  /** Drops `keyspace`'s columns (after DDL); true if they were loaded. */
  forget(keyspace: string): boolean {
    return this.keyspaces.delete(keyspace);
  }
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v);
}
