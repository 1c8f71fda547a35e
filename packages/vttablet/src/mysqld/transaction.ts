/**
 * A transaction's private view of the tables it touched (repeatable read per table, from the first
 * touch), its row-change log, statement and named savepoints, and the commit that publishes its versions.
 */
import { SqlError, type SqlValue } from '@vtsim/proto';
import type { RowChange, RowsEvent } from '@vtsim/binlog';
import type { TableEntry } from './catalog.js';
import { recordShare } from './shared-versions.js';
import { rowsIdentical, type KeyConflict, type TableData } from './table-data.js';
import type { Key, Row, TableSchema } from './table-schema.js';

/** A table as one transaction sees it: the committed version it started from and its own working copy. */
export interface TxTable {
  readonly entry: TableEntry;
  readonly schema: TableSchema;
  /** The committed version `data` was cloned from. */
  readonly base: TableData;
  /** The transaction's working copy. */
  data: TableData;
  /** The working copy as of the current statement's start (set on its first write in the statement). */
  statementSave: TableData | null;
}

/** One logged row change with the row keys it was made under. */
interface ChangeRecord {
  readonly table: TxTable;
  readonly beforeKey?: Key;
  readonly before?: Row;
  readonly afterKey?: Key;
  readonly after?: Row;
  /** The start time of the statement that made the change, seconds since the epoch. */
  readonly time: number;
}

/**
 * A named savepoint (SAVEPOINT x): the working copies of the tables touched so far (O(1)
 * copy-on-write clones) and the length of the change log when it was set.
 */
interface Savepoint {
  /** The name as given (savepoint names compare case-insensitively). */
  readonly name: string;
  readonly tables: ReadonlyMap<TxTable, TableData>;
  readonly changeCount: number;
}

/** SqlError 1213 (40001), raised when a commit cannot be applied over a concurrent one. */
export function deadlockError(): SqlError {
  return new SqlError(1213, '40001', 'Deadlock found when trying to get lock; try restarting transaction');
}

/** SqlError 1305 (42000) `SAVEPOINT x does not exist`, MySQL's ER_SP_DOES_NOT_EXIST for savepoints. */
export function savepointDoesNotExist(name: string): SqlError {
  return new SqlError(1305, '42000', `SAVEPOINT ${name} does not exist`);
}

/** SqlError 1412, raised when a transaction touches a table whose definition changed since it first read it. */
function tableDefinitionChanged(): SqlError {
  return new SqlError(1412, 'HY000', 'Table definition has changed, please retry transaction');
}

/**
 * One open transaction. Writes go to per-table working copies; {@link Transaction.commit} publishes
 * them and returns the binlog row events. A transaction is used by one session only.
 */
export class Transaction {
  private readonly tables = new Map<TableEntry, TxTable>();
  private readonly changes: ChangeRecord[] = [];
  private statementChangeStart = 0;
  private readonly statementSaved: TxTable[] = [];
  /** Named savepoints, oldest first. */
  private readonly savepoints: Savepoint[] = [];
  /**
   * Start time of the running statement, seconds since the epoch: the time its row changes are
   * binlogged with. Set by the session before each write statement (a replica sets its source's).
   */
  statementTime = 0;

  /**
   * @param singleStatement true for an autocommit statement's transaction, which is discarded as a
   *   whole on failure and therefore keeps no statement savepoints.
   */
  constructor(private readonly singleStatement = false) {}

  /** True once a row change has been logged. */
  get hasChanges(): boolean {
    return this.changes.length > 0;
  }

  /** The version of a table this transaction reads. Throws 1412 if its definition changed since the first touch. */
  read(entry: TableEntry): TableData {
    return this.touch(entry).data;
  }

  /** The table's transaction state for writing; saves the statement's starting point on the first write in a statement. */
  write(entry: TableEntry): TxTable {
    const t = this.touch(entry);
    if (!this.singleStatement && t.statementSave === null) {
      t.statementSave = t.data.clone();
      this.statementSaved.push(t);
    }
    return t;
  }

  /** Marks the start of a statement (the point a failing statement rolls back to). */
  beginStatement(): void {
    for (const t of this.statementSaved) t.statementSave = null;
    this.statementSaved.length = 0;
    this.statementChangeStart = this.changes.length;
  }

  /** Undoes the current statement's changes, leaving earlier statements' changes in place. */
  rollbackStatement(): void {
    for (const t of this.statementSaved) {
      t.data = t.statementSave!;
      t.statementSave = null;
    }
    this.statementSaved.length = 0;
    this.changes.length = this.statementChangeStart;
  }

  /** SAVEPOINT name: records the transaction's current state; an older savepoint of the same name is replaced. */
  setSavepoint(name: string): void {
    const i = this.savepointIndex(name);
    if (i >= 0) this.savepoints.splice(i, 1);
    const tables = new Map<TxTable, TableData>();
    for (const t of this.tables.values()) tables.set(t, t.data.clone());
    this.savepoints.push({ name, tables, changeCount: this.changes.length });
  }

  /**
   * ROLLBACK TO SAVEPOINT name: undoes every change made after it (those rows never reach a table or
   * the binlog) and drops the savepoints set after it; the savepoint itself stays. Throws SqlError
   * 1305 if no savepoint has that name.
   */
  rollbackToSavepoint(name: string): void {
    const i = this.requireSavepoint(name);
    const sp = this.savepoints[i]!;
    this.savepoints.length = i + 1;
    for (const t of this.tables.values()) {
      const saved = sp.tables.get(t);
      t.data = saved !== undefined ? saved.clone() : t.base.clone();
    }
    this.changes.length = sp.changeCount;
    this.beginStatement();
  }

  /** RELEASE SAVEPOINT name: drops it and every savepoint set after it, keeping their changes. Throws SqlError 1305 if unknown. */
  releaseSavepoint(name: string): void {
    this.savepoints.length = this.requireSavepoint(name);
  }

  private savepointIndex(name: string): number {
    const lower = name.toLowerCase();
    return this.savepoints.findIndex((sp) => sp.name.toLowerCase() === lower);
  }

  private requireSavepoint(name: string): number {
    const i = this.savepointIndex(name);
    if (i < 0) throw savepointDoesNotExist(name);
    return i;
  }

  /** Inserts a row (throws 1062 on a key collision) and logs it. */
  insert(t: TxTable, row: Row, rowKey: Key): void {
    t.data.insert(row, rowKey);
    this.changes.push({ table: t, afterKey: rowKey, after: row, time: this.statementTime });
  }

  /** Inserts a row and logs it, unless it collides on a key: then nothing changes and the conflict is returned. */
  tryInsert(t: TxTable, row: Row, rowKey: Key): KeyConflict | undefined {
    const conflict = t.data.tryInsert(row, rowKey);
    if (!conflict) this.changes.push({ table: t, afterKey: rowKey, after: row, time: this.statementTime });
    return conflict;
  }

  /** Deletes the row under `rowKey` and logs it; returns it (undefined if absent, nothing logged). */
  delete(t: TxTable, rowKey: Key): Row | undefined {
    const before = t.data.delete(rowKey);
    if (before !== undefined) this.changes.push({ table: t, beforeKey: rowKey, before, time: this.statementTime });
    return before;
  }

  /** Replaces a row (throws 1062 on a collision) and logs it; returns the new row key. Callers skip no-op updates. */
  update(t: TxTable, rowKey: Key, before: Row, after: Row): Key {
    const afterKey = t.data.update(rowKey, before, after);
    this.changes.push({ table: t, beforeKey: rowKey, before, afterKey, after, time: this.statementTime });
    return afterKey;
  }

  /**
   * Publishes every changed table and returns the binlog row events (consecutive changes to one table
   * made in the same second merged into one event, stamped with that statement time; empty when
   * nothing changed). A table whose committed version moved on since
   * this transaction cloned it gets this transaction's changes re-applied onto the newer version,
   * checking before-images and keys; any mismatch, a dropped table or a changed definition aborts the
   * whole commit with SqlError 1213, publishing nothing. Each table's events are linked to the
   * version they replaced and the one published (shared-versions.ts), for in-process replicas.
   */
  commit(): RowsEvent[] {
    if (this.changes.length === 0) return [];
    const changed = new Set<TxTable>();
    for (const c of this.changes) changed.add(c.table);
    const publish: [TableEntry, TableData][] = [];
    for (const t of changed) {
      const entry = t.entry;
      // A temporary table dropped meanwhile (DROP TEMPORARY TABLE commits nothing) takes its changes with it.
      if (entry.temporary && entry.dropped) continue;
      if (entry.dropped || entry.schema !== t.schema) throw deadlockError();
      publish.push([entry, entry.data === t.base ? t.data : this.rebase(t)]);
    }
    const replaced = publish.map(([entry]) => entry.data);
    for (const [entry, data] of publish) entry.data = data;
    const events = this.rowsEvents();
    for (let i = 0; i < publish.length; i++) {
      const [entry, data] = publish[i]!;
      const tableMap = entry.schema.tableMap;
      recordShare(entry, replaced[i]!, data, events.filter((e) => e.table === tableMap));
    }
    return events;
  }

  private touch(entry: TableEntry): TxTable {
    let t = this.tables.get(entry);
    if (t === undefined) {
      t = { entry, schema: entry.schema, base: entry.data, data: entry.data.clone(), statementSave: null };
      this.tables.set(entry, t);
    } else if (t.schema !== entry.schema || entry.dropped) {
      throw tableDefinitionChanged();
    }
    return t;
  }

  private rebase(t: TxTable): TableData {
    const data = t.entry.data.clone();
    for (const c of this.changes) {
      if (c.table !== t) continue;
      if (c.before) {
        const current = data.get(c.beforeKey!);
        if (current === undefined || !rowsIdentical(current, c.before)) throw deadlockError();
      }
      try {
        if (c.before && c.after) data.update(c.beforeKey!, c.before, c.after);
        else if (c.before) data.delete(c.beforeKey!);
        else data.insert(c.after!, c.afterKey!);
      } catch (err) {
        if (err instanceof SqlError && err.errno === 1062) throw deadlockError();
        throw err;
      }
    }
    return data;
  }

  private rowsEvents(): RowsEvent[] {
    const events: RowsEvent[] = [];
    let current: RowChange[] = [];
    let currentTable: TxTable | undefined;
    let currentTime = 0;
    for (const c of this.changes) {
      if (c.table.entry.temporary) continue;
      if (c.table !== currentTable || c.time !== currentTime) {
        currentTable = c.table;
        currentTime = c.time;
        current = [];
        events.push({ kind: 'rows', table: c.table.schema.tableMap, changes: current, timestamp: c.time });
      }
      current.push(c.before ? (c.after ? { before: c.before, after: c.after } : { before: c.before }) : { after: c.after as readonly SqlValue[] });
    }
    return events;
  }
}
