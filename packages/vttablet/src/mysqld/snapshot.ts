/**
 * Consistent snapshots of a server's committed data, as a vstreamer's copy phase takes them (a
 * consistent-snapshot transaction plus the GTID set it corresponds to).
 */
import { ER, sqlError, type SqlValue } from '@vtsim/proto';
import type { GtidSet, TableMap } from '@vtsim/binlog';
import type { Catalog } from './catalog.js';
import type { TableData } from './table-data.js';

/**
 * The committed state at one instant: later commits and DDL do not change what it shows. Rows are
 * shared with the server and must not be mutated.
 */
export interface MysqldSnapshot {
  /** The executed GTID set the snapshot corresponds to. */
  readonly gtidSet: GtidSet;
  /** The table's schema at snapshot time, or undefined if it did not exist. */
  tableMap(database: string, table: string): TableMap | undefined;
  /**
   * The table's rows in primary-key order (insertion order for tables without a primary key),
   * starting after the row whose primary-key values are `afterPk` when given (primary-key tables only).
   * Throws SqlError 1146 for an unknown table.
   */
  scan(database: string, table: string, afterPk?: readonly SqlValue[]): Iterable<readonly SqlValue[]>;
}

/** Captures every table's committed version: O(number of tables), no row is copied. */
export function takeSnapshot(catalog: Catalog, gtidSet: GtidSet): MysqldSnapshot {
  const tables = new Map<string, Map<string, TableData>>();
  for (const [dbName, db] of catalog.databases) {
    const m = new Map<string, TableData>();
    for (const [name, entry] of db.tables) m.set(name, entry.data);
    tables.set(dbName, m);
  }
  const find = (database: string, table: string): TableData => {
    const data = tables.get(database)?.get(table);
    if (!data) throw sqlError(ER.NO_SUCH_TABLE, `Table '${database}.${table}' doesn't exist`);
    return data;
  };
  return {
    gtidSet,
    tableMap: (database, table) => tables.get(database)?.get(table)?.schema.tableMap,
    *scan(database, table, afterPk) {
      const data = find(database, table);
      if (afterPk === undefined) {
        for (const [, row] of data.entries()) yield row;
        return;
      }
      if (!data.schema.primaryKey) throw sqlError(ER.UNKNOWN_ERROR, `table '${database}.${table}' has no primary key to resume after`);
      const cmp = data.schema.compareKeys;
      for (const [key, row] of data.entries(afterPk)) {
        if (cmp(key, afterPk) <= 0) continue;
        yield row;
      }
    },
  };
}
