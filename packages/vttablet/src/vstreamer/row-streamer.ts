/**
 * The copy phase's row streamer (Vitess's rowstreamer): reads one table from a consistent
 * snapshot in primary-key order, after a last primary key if resuming, keeps the rows that pass
 * the plan, and hands them out in packets of about the packet size, each with the primary key of
 * the last row read.
 */
import type { TableMap } from '@vtsim/binlog';
import { encodeRow, type Field, type RowWire, type SqlValue } from '@vtsim/proto';
import type { MysqldSnapshot } from '../mysqld/snapshot.js';
import type { TablePlan } from './plan-builder.js';

/** One packet of copied rows. An empty `rows` is only a pause after many filtered-out rows. */
export interface RowPacket {
  rows: RowWire[];
  /** Primary-key values of the last row read (which may itself be filtered out). */
  lastpk: SqlValue[];
}

/** Rows read without a packet to show for them, after which the streamer pauses (an empty packet). */
const SCAN_PAUSE = 10_000;

/**
 * The primary-key columns used for last-pk bookkeeping: the table's primary key, or every column
 * for a table without one (as Vitess does when no unique key stands in).
 */
export function pkColumnsOf(table: TableMap): readonly number[] {
  return table.pkColumns.length > 0 ? table.pkColumns : table.fields.map((_, i) => i);
}

/** The fields of {@link pkColumnsOf}, for LASTPK results. */
export function pkFieldsOf(table: TableMap): Field[] {
  return pkColumnsOf(table).map((i) => table.fields[i]!);
}

/**
 * Streams a table's rows (lazily: the scan advances only as packets are consumed). `afterPk`
 * resumes after that primary key (throws SqlError for a table without a primary key). The snapshot
 * must be the one `table` was taken from.
 */
export function* streamRows(
  snapshot: MysqldSnapshot,
  table: TableMap,
  plan: TablePlan,
  afterPk: readonly SqlValue[] | null,
  packetSize: number,
): Generator<RowPacket, void, undefined> {
  const pkCols = pkColumnsOf(table);
  let rows: RowWire[] = [];
  let size = 0;
  let last: readonly SqlValue[] | undefined;
  let unsent = 0;
  const scan = afterPk ? snapshot.scan(table.database, table.name, afterPk) : snapshot.scan(table.database, table.name);
  for (const row of scan) {
    last = row;
    if (!plan.matches(row)) {
      if (++unsent >= SCAN_PAUSE) {
        unsent = 0;
        yield { rows: [], lastpk: pkCols.map((i) => row[i]!) };
      }
      continue;
    }
    unsent = 0;
    const wire = encodeRow(plan.project(row), plan.copyEncoders);
    rows.push(wire);
    size += wire.values.length;
    if (size >= packetSize) {
      yield { rows, lastpk: pkCols.map((i) => row[i]!) };
      rows = [];
      size = 0;
    }
  }
  if (rows.length > 0) yield { rows, lastpk: pkCols.map((i) => last![i]!) };
}
