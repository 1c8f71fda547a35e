/**
 * Table versions shared between the servers of one process. Every committed table version
 * ({@link TableData}) is immutable and carries a content token; a rows event logged by a commit is
 * linked here to the token of the version its changes were made on and to the version they produced.
 * A replica whose version of the table holds the same token (or which, like its source before the
 * change, holds an empty table of the same layout) would reach exactly that version by applying the
 * event row by row, so it adopts it instead: O(1) per table, sharing the B+ tree nodes, under its own
 * schema and counters. Its data stays its own: every later write (its own, after a failover) works on
 * a copy-on-write clone with a fresh token, and a token that no longer matches (a schema change or a
 * write on either side) sends the replica back to applying row by row.
 */
import type { RowsEvent } from '@vtsim/binlog';
import type { TableEntry } from './catalog.js';
import type { TableData } from './table-data.js';
import type { TableSchema } from './table-schema.js';

/** What one commit did to one table, as a replica needs it to adopt the result. */
export interface VersionShare {
  /** Content token of the version the commit's changes were made on. */
  readonly before: object;
  /** Whether that version held no row. */
  readonly beforeEmpty: boolean;
  /** Content token of the version the commit published. */
  readonly after: object;
  /** The schema the commit wrote under. */
  readonly schema: TableSchema;
  /**
   * The published version while it is its server's newest of the table; cleared when the next
   * commit replaces it, so that the binlog keeps no superseded table versions alive.
   */
  data: TableData | undefined;
}

/**
 * The key of a rows event's share: a non-enumerable property of the event itself (a WeakMap of every
 * event the binlogs hold cost more than the rest of a single-row commit), invisible to the event's
 * readers, copies and comparisons.
 */
const SHARE = Symbol('versionShare');
/** Each table's newest share, whose `data` the next commit of the table clears. */
const newest = new WeakMap<TableEntry, VersionShare>();
/** A signature of what the rows and their trees depend on, per schema (see {@link sameLayout}). */
const layouts = new WeakMap<TableSchema, string>();

/**
 * Records that `events` (the rows events one commit logged for `entry`) turned the version
 * `before` into `after`. Tables without a primary key (whose row keys are per-server hidden row
 * ids) and temporary tables get no share.
 */
export function recordShare(entry: TableEntry, before: TableData, after: TableData, events: readonly RowsEvent[]): void {
  const previous = newest.get(entry);
  if (previous) previous.data = undefined;
  if (entry.temporary || !after.schema.primaryKey || events.length === 0) {
    newest.delete(entry);
    return;
  }
  const share: VersionShare = { before: before.content, beforeEmpty: before.size === 0, after: after.content, schema: after.schema, data: after };
  newest.set(entry, share);
  for (const ev of events) Object.defineProperty(ev, SHARE, { value: share });
}

/** The share of a rows event, if its commit recorded one. */
export function shareOf(ev: RowsEvent): VersionShare | undefined {
  return (ev as unknown as { [SHARE]?: VersionShare })[SHARE];
}

/**
 * True when `entry`'s committed version is what `share`'s commit started from: the same content
 * token, or both empty; in both cases under a schema of the same layout.
 */
export function continuesFrom(entry: TableEntry, share: VersionShare): boolean {
  const data = entry.data;
  if (data.content !== share.before && !(share.beforeEmpty && data.size === 0)) return false;
  return data.schema === entry.schema && sameLayout(entry.schema, share.schema);
}

/**
 * True when rows of schema `a` and `b` are stored alike: the same column types (collations
 * included) in the same order, and the same primary key and secondary indexes, so that the same
 * rows make equal trees. Names and other attributes do not matter.
 */
export function sameLayout(a: TableSchema, b: TableSchema): boolean {
  return a === b || layoutOf(a) === layoutOf(b);
}

function layoutOf(schema: TableSchema): string {
  let layout = layouts.get(schema);
  if (layout === undefined) {
    layout = JSON.stringify([
      schema.columns.map((c) => c.columnType),
      schema.indexes.map((ix) => [ix.columns, ix.unique, ix.primary]),
    ]);
    layouts.set(schema, layout);
  }
  return layout;
}
