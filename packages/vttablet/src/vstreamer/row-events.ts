/**
 * The objects a stream makes per row: row changes, row events and ROW VEvents, in both phases.
 *
 * Classes, never object or array literals, for the reason given at encodeRow's EncodedRow in
 * @vtsim/proto: V8 may decide at a stream's first young-generation collection, which finds the
 * first transaction's (or copy packet's) events all alive, to allocate a literal's objects in the
 * old generation from then on. A pretenured container that dies still holds its young rows alive
 * through every young-generation collection until a full one: those rows are promoted, and full
 * collections, which mark every row the tablet holds, come often. A class's constructor call is
 * no allocation site (`new Array` is one).
 */
import { VEventType, type RowChange, type RowEvent, type RowWire, type VEvent } from '@vtsim/proto';

/** binlogdata.RowChange as a stream sends it. */
export class StreamedRowChange implements RowChange {
  constructor(
    public before: RowWire | null,
    public after: RowWire | null,
  ) {}
}

/** binlogdata.RowEvent as a stream sends it. */
export class StreamedRowEvent implements RowEvent {
  constructor(
    public table_name: string,
    public row_changes: RowChange[],
    public keyspace: string,
    public shard: string,
    public flags: number,
    public is_internal_table: boolean,
  ) {}
}

/** A ROW VEvent of the streaming phase: with its rows event's timestamp and the time it was built. */
export class RowVEvent implements VEvent {
  type = VEventType.ROW;
  constructor(
    public timestamp: number,
    public current_time: string,
    public keyspace: string,
    public shard: string,
    public row_event: RowEvent,
  ) {}
}

/** A ROW VEvent of the copy phase: one copied row, no timestamp and no current_time. */
export class CopiedRowVEvent implements VEvent {
  type = VEventType.ROW;
  row_event: RowEvent;
  constructor(
    public keyspace: string,
    public shard: string,
    tableName: string,
    row: RowWire,
  ) {
    // Array.of, not a literal nor `new Array`: a builtin call is no allocation site.
    this.row_event = new StreamedRowEvent(tableName, Array.of<RowChange>(new StreamedRowChange(null, row)), keyspace, shard, 0, false);
  }
}
