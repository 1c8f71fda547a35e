/**
 * What a simulated mysqld writes to its binlog: one BinlogTransaction per committed write
 * transaction or DDL, each with its GTID. This is the row-based binlog the vstreamer and the
 * replicas read; it is the contract between vttablet (writer) and every reader.
 */
import type { Field, SqlValue } from '@vtsim/proto';
import type { Gtid } from './gtid.js';

/**
 * A table's shape as the binlog's table-map event describes it. A new TableMap (new `id`) is
 * made whenever the table's schema changes, so readers can send a fresh FIELD event after DDL.
 * Objects are shared between transactions and must not be mutated.
 */
export interface TableMap {
  /** Unique per server and per schema version of the table. */
  readonly id: number;
  readonly database: string;
  readonly name: string;
  /** Column metadata in column order, with `database`, `table`, `org_table`, `org_name` filled. */
  readonly fields: readonly Field[];
  /** Indexes into `fields` of the primary key columns, in key order (empty if none). */
  readonly pkColumns: readonly number[];
}

/** One row's change: only `after` is an insert, only `before` a delete, both an update. */
export interface RowChange {
  readonly before?: readonly SqlValue[];
  readonly after?: readonly SqlValue[];
}

/**
 * Row changes to one table (full before/after images, in `table.fields` order) made by one
 * statement, or by consecutive statements that started in the same second.
 */
export interface RowsEvent {
  readonly kind: 'rows';
  readonly table: TableMap;
  readonly changes: readonly RowChange[];
  /**
   * Start time of the statement that made the changes, seconds since the epoch (the timestamp
   * MySQL gives the rows event and its table-map event). The first rows event's time is also the
   * time of the transaction's BEGIN, which MySQL writes when the first statement logs rows.
   */
  readonly timestamp: number;
}

/** A DDL statement, executed in `database` (which may be '' for none). */
export interface DdlEvent {
  readonly kind: 'ddl';
  readonly database: string;
  readonly statement: string;
  /**
   * The sql_mode the statement ran under when it is not MySQL 8's default (a Query event's status
   * variable): a replica runs the statement under the same mode.
   */
  readonly sqlMode?: string;
}

/** Any other statement that reaches the binlog (e.g. CREATE DATABASE, GRANT, FLUSH). */
export interface OtherEvent {
  readonly kind: 'other';
  readonly database: string;
  readonly statement: string;
  /** As {@link DdlEvent.sqlMode}. */
  readonly sqlMode?: string;
}

/** One event inside a binlog transaction. */
export type BinlogEvent = RowsEvent | DdlEvent | OtherEvent;

/**
 * One committed transaction. A DDL transaction holds exactly one DdlEvent; a write transaction
 * holds one or more RowsEvents (several per table are allowed, in execution order).
 */
export interface BinlogTransaction {
  readonly gtid: Gtid;
  /**
   * Commit time, seconds since the epoch: the timestamp of the transaction's GTID and XID (commit)
   * events, and of a DDL or other statement. Row events carry their own statement times.
   */
  readonly timestamp: number;
  readonly events: readonly BinlogEvent[];
}
