/**
 * One version of a table's rows: a B+ tree of rows by row key plus one B+ tree per secondary index.
 * A committed TableData is never written again; writers work on an O(1) copy-on-write {@link TableData.clone}.
 */
import { ER, sqlError, type SqlValue } from '@vtsim/proto';
import { toText } from '@vtsim/sql';
import { BTree } from './btree.js';
import type { IndexDef, Key, Row, TableSchema } from './table-schema.js';

/**
 * Per-table counters that are not transactional, as in InnoDB: the AUTO_INCREMENT counter and the
 * hidden row id of tables without a primary key. Shared by every version and clone of a table.
 */
export interface TableCounters {
  /** The next value AUTO_INCREMENT hands out. */
  autoIncrement: bigint;
  /** The next hidden row id (tables without a primary key). */
  nextRowId: bigint;
}

/** A row that blocks an insert or update: the index it collides in and the existing row's key. */
export interface KeyConflict {
  readonly index: IndexDef;
  readonly key: Key;
}

/** The rows of one table version; see the module comment for the ownership rule. */
export class TableData {
  /**
   * Content token: two committed versions with the same token hold the same rows (see
   * shared-versions.ts). Every new version gets a fresh one; only a replica that reaches its
   * source's version takes over its token.
   */
  content: object = {};

  private constructor(
    readonly schema: TableSchema,
    private readonly rows: BTree<Key, Row>,
    private readonly indexes: readonly BTree<Key, undefined>[],
    readonly counters: TableCounters,
  ) {}

  /**
   * The committed version `source` (another server's, of a table of the same layout) as a version
   * of this server's table under `schema` and `counters`: an O(1) copy sharing every node, with
   * `source`'s content token.
   */
  static adopt(source: TableData, schema: TableSchema, counters: TableCounters): TableData {
    const data = new TableData(schema, source.rows.clone(), source.indexes.map((ix) => ix.clone()), counters);
    data.content = source.content;
    return data;
  }

  /** An empty table. */
  static create(schema: TableSchema, counters: TableCounters): TableData {
    return new TableData(
      schema,
      new BTree<Key, Row>(undefined, schema.compareKeys),
      schema.compareIndexKeys.map((cmp) => new BTree<Key, undefined>(undefined, cmp)),
      counters,
    );
  }

  /**
   * A table holding `rows` (a loaded datadir's), best given in row-key order: the rows tree is
   * filled in that order and each secondary index from its entries sorted once, far cheaper than
   * inserting row by row. Rows of tables without a primary key get fresh hidden row ids in the
   * order given. Throws SqlError 1062 for a primary or unique key that two rows share.
   */
  static build(schema: TableSchema, counters: TableCounters, rows: readonly Row[]): TableData {
    const data = TableData.create(schema, counters);
    const keys = new Array<Key>(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const key = (keys[r] = data.newRowKey(row));
      if (!data.rows.set(key, row, false)) throw data.duplicateError(row, { index: schema.primaryKey!, key });
    }
    const secondary = schema.secondaryIndexes;
    for (let i = 0; i < secondary.length; i++) {
      const ix = secondary[i]!;
      const cmp = schema.compareIndexKeys[i]!;
      const entries = rows.map((row, r) => indexEntry(ix, row, keys[r]!)).sort(cmp);
      const width = ix.columns.length;
      for (let e = 0; e < entries.length; e++) {
        const entry = entries[e]!;
        if (ix.unique && e > 0) {
          const prefix = entry.slice(0, width);
          if (!prefix.includes(null) && cmp(entries[e - 1]!.slice(0, width), prefix) === 0) {
            const row = data.rows.get(entry.slice(width))!;
            throw data.duplicateError(row, { index: ix, key: entries[e - 1]!.slice(width) });
          }
        }
        data.indexes[i]!.set(entry, undefined);
      }
    }
    return data;
  }

  /** A writable O(1) copy sharing all unchanged nodes with this version. */
  clone(): TableData {
    return new TableData(this.schema, this.rows.clone(), this.indexes.map((ix) => ix.clone()), this.counters);
  }

  /** The same rows under a schema that differs only in its name or table map (RENAME TABLE). */
  withSchema(schema: TableSchema): TableData {
    return new TableData(schema, this.rows.clone(), this.indexes.map((ix) => ix.clone()), this.counters);
  }

  /** Number of rows. */
  get size(): number {
    return this.rows.size;
  }

  /** The row stored under a row key. */
  get(key: Key): Row | undefined {
    return this.rows.get(key);
  }

  /** The key a new row is stored under: its primary key, or a fresh hidden row id. */
  newRowKey(row: Row): Key {
    if (this.schema.primaryKey) return this.schema.primaryKeyOf(row);
    return [this.counters.nextRowId++];
  }

  /** The key of a stored row: its primary key; for tables without one, found by scanning for an identical row. */
  keyOfStoredRow(row: Row): Key | undefined {
    if (this.schema.primaryKey) return this.schema.primaryKeyOf(row);
    for (const [k, r] of this.rows.entries()) if (rowsIdentical(r, row)) return k;
    return undefined;
  }

  /** Rows in key order from `fromKey` (inclusive; a key prefix is allowed) or from the start. */
  entries(fromKey?: Key): IterableIterator<[Key, Row]> {
    return this.rows.entries(fromKey);
  }

  /** Rows in descending key order from `fromKey` (inclusive) or from the end. */
  entriesReversed(fromKey?: Key): IterableIterator<[Key, Row]> {
    return this.rows.entriesReversed(fromKey);
  }

  /**
   * Row keys of rows whose secondary index `ix` (position in `schema.secondaryIndexes`) starts with
   * `prefix`, in index order.
   */
  *indexLookup(ix: number, prefix: Key): Generator<Key> {
    const n = prefix.length;
    const cmp = this.schema.compareIndexKeys[ix]!;
    const width = this.schema.secondaryIndexes[ix]!.columns.length;
    for (const [k] of this.indexes[ix]!.entries(prefix)) {
      if (cmp(k.slice(0, n), prefix) !== 0) return;
      yield k.slice(width);
    }
  }

  /**
   * The first existing row (other than the one under `self`) that `row`, stored under `rowKey`, would
   * collide with in the primary key or a unique index. NULLs never collide in unique indexes.
   */
  findConflict(row: Row, rowKey: Key, self?: Key): KeyConflict | undefined {
    const schema = this.schema;
    if (schema.primaryKey && (!self || schema.compareKeys(self, rowKey) !== 0) && this.rows.get(rowKey) !== undefined) {
      return { index: schema.primaryKey, key: rowKey };
    }
    return this.findUniqueConflict(row, self);
  }

  /** The first existing row (other than the one under `self`) that `row` collides with in a unique secondary index. */
  private findUniqueConflict(row: Row, self?: Key): KeyConflict | undefined {
    const schema = this.schema;
    const secondary = schema.secondaryIndexes;
    for (let i = 0; i < secondary.length; i++) {
      const ix = secondary[i]!;
      if (!ix.unique) continue;
      const prefix = indexValues(ix, row);
      if (prefix.includes(null)) continue;
      for (const key of this.indexLookup(i, prefix)) {
        if (!self || schema.compareKeys(self, key) !== 0) return { index: ix, key };
      }
    }
    return undefined;
  }

  /** The MySQL 1062 error for a conflict of `row`: `Duplicate entry '<values>' for key '<table>.<index>'`. */
  duplicateError(row: Row, conflict: KeyConflict): Error {
    const values = indexValues(conflict.index, row).map((v) => toText(v) ?? 'NULL').join('-');
    return sqlError(ER.DUP_ENTRY, `Duplicate entry '${values}' for key '${this.schema.name}.${conflict.index.name}'`);
  }

  /** Stores a new row under `rowKey`. Throws SqlError 1062 on a primary or unique key collision (nothing changed then). */
  insert(row: Row, rowKey: Key): void {
    const conflict = this.tryInsert(row, rowKey);
    if (conflict) throw this.duplicateError(row, conflict);
  }

  /**
   * Stores a new row under `rowKey` unless it collides in the primary key or a unique index: then
   * nothing changes and the conflict (as {@link findConflict} gives it) is returned.
   */
  tryInsert(row: Row, rowKey: Key): KeyConflict | undefined {
    const schema = this.schema;
    // One descent both checks the primary key and stores the row (set without overwrite leaves an
    // existing row alone and says so); a unique secondary key conflict then takes the row out again.
    if (schema.primaryKey) {
      if (!this.rows.set(rowKey, row, false)) return { index: schema.primaryKey, key: rowKey };
      const conflict = this.findUniqueConflict(row);
      if (conflict) {
        this.rows.delete(rowKey);
        return conflict;
      }
    } else {
      const conflict = this.findUniqueConflict(row);
      if (conflict) return conflict;
      this.rows.set(rowKey, row);
    }
    const secondary = schema.secondaryIndexes;
    for (let i = 0; i < secondary.length; i++) this.indexes[i]!.set(indexEntry(secondary[i]!, row, rowKey), undefined);
    return undefined;
  }

  /** Removes the row under `rowKey`; returns it, or undefined if there was none. */
  delete(rowKey: Key): Row | undefined {
    const row = this.rows.get(rowKey);
    if (row === undefined) return undefined;
    this.rows.delete(rowKey);
    const secondary = this.schema.secondaryIndexes;
    for (let i = 0; i < secondary.length; i++) this.indexes[i]!.delete(indexEntry(secondary[i]!, row, rowKey));
    return row;
  }

  /**
   * Replaces the row under `oldKey` by `newRow` and returns the new row key (which changes when the
   * primary key does). Throws SqlError 1062 on a collision with another row (nothing changed then).
   */
  update(oldKey: Key, oldRow: Row, newRow: Row): Key {
    const schema = this.schema;
    const newKey = schema.primaryKey ? schema.primaryKeyOf(newRow) : oldKey;
    const conflict = this.findConflict(newRow, newKey, oldKey);
    if (conflict) throw this.duplicateError(newRow, conflict);
    const keyChanged = schema.compareKeys(oldKey, newKey) !== 0;
    if (keyChanged) {
      this.rows.delete(oldKey);
      this.rows.set(newKey, newRow);
    } else {
      this.rows.set(oldKey, newRow, true);
    }
    const secondary = schema.secondaryIndexes;
    for (let i = 0; i < secondary.length; i++) {
      const ix = secondary[i]!;
      if (!keyChanged && ix.columns.every((c) => sameValue(oldRow[c]!, newRow[c]!))) continue;
      this.indexes[i]!.delete(indexEntry(ix, oldRow, oldKey));
      this.indexes[i]!.set(indexEntry(ix, newRow, newKey), undefined);
    }
    return newKey;
  }
}

/** The values of an index's columns in a row. */
export function indexValues(ix: IndexDef, row: Row): SqlValue[] {
  const out = new Array<SqlValue>(ix.columns.length);
  for (let i = 0; i < ix.columns.length; i++) out[i] = row[ix.columns[i]!]!;
  return out;
}

function indexEntry(ix: IndexDef, row: Row, rowKey: Key): Key {
  const out = indexValues(ix, row);
  for (const v of rowKey) out.push(v);
  return out;
}

/** True if two values are the very same value (same JS type and content, bytes compared bytewise). */
export function sameValue(a: SqlValue, b: SqlValue): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}

/** True if two rows hold the very same values (what a row image check and a no-op update test use). */
export function rowsIdentical(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i]!, b[i]!)) return false;
  return true;
}

/** Raises an AUTO_INCREMENT counter past a stored row's value of column `column` (InnoDB's max+1 rule); -1 = none. */
export function raiseAutoIncrement(counters: TableCounters, column: number, row: readonly SqlValue[]): void {
  if (column < 0) return;
  const v = row[column];
  if (typeof v === 'bigint' && v >= counters.autoIncrement) counters.autoIncrement = v + 1n;
}
