/**
 * EventParser: turns binlog transactions into VEvent batches for one stream (Vitess's vstreamer
 * parseEvent). Per transaction:
 * - rows: `[BEGIN, FIELD?, ROW…, GTID, COMMIT]` (FIELD before the first ROW of each table map in
 *   this parser, so again after the table's DDL); a transaction with nothing for the stream (only
 *   `_vt` or unfiltered tables) is `[BEGIN, GTID, COMMIT]`; `<sidecar>.resharding_journal` inserts
 *   for this database are `JOURNAL` events;
 * - DDL: `[GTID, DDL]` when it concerns a filtered table of this database, else `[GTID, OTHER]`;
 * - other statements: `[GTID, OTHER]`.
 * GTID events carry the full position after the transaction. Batches are cut by PacketBuffer.
 * Timestamps are those of the MySQL binlog events each VEvent comes from (vstreamer copies
 * `ev.Timestamp()`): BEGIN the first rows event's statement time (MySQL writes BEGIN when the first
 * statement logs rows), FIELD, ROW and JOURNAL their rows event's statement time, GTID and COMMIT
 * (the XID event) the commit time; DDL and OTHER the statement's time.
 */
import type { BinlogTransaction, RowsEvent, TableMap } from '@vtsim/binlog';
import {
  Code,
  VEventType,
  VtError,
  encodeRow,
  type Filter,
  type Journal,
  type RowChange,
  type SqlValue,
  type VEvent,
} from '@vtsim/proto';
import { mustSendDdl } from './ddl-filter.js';
import { parseJournal } from './journal-text.js';
import type { LocalVSchema } from './local-vschema.js';
import { PacketBuffer } from './packet-buffer.js';
import { buildTablePlan, streamedRule, type TablePlan } from './plan-builder.js';
import { RowVEvent, StreamedRowChange, StreamedRowEvent } from './row-events.js';
import type { VStreamerEnv } from './vstreamer-env.js';

/** Row data per ROW event at most, as MySQL's binlog_row_event_max_size splits rows events. */
export const ROW_EVENT_MAX_SIZE = 8192;

/**
 * During the copy phase, what happens to a table's row changes in catch-up: `'drop'` (table not
 * copied yet: the copy will include them), a predicate (table being copied: only changes to rows
 * already copied), or undefined (table copied or not copied at all: everything).
 */
export type CatchupGate = (table: TableMap) => 'drop' | ((row: readonly SqlValue[]) => boolean) | undefined;

/** The stream-wide inputs of a parser. */
export interface ParserOptions {
  readonly filter: Filter;
  readonly regexes: readonly (RegExp | null)[];
  /** Sidecar tables streamed as internal tables (VStreamOptions.internal_tables). */
  readonly internalTables: ReadonlySet<string>;
  readonly gate?: CatchupGate;
}

/**
 * One binlog reader's parser: remembers which table maps it has planned and sent FIELD for.
 * Not shared between readers (a new catch-up or replication phase makes a new parser).
 */
export class EventParser {
  private readonly plans = new Map<number, TablePlan | null>();
  /** The row changes of the ROW event being built. */
  private readonly changes: RowChange[] = [];
  private readonly fieldSent = new Set<number>();
  private plannedWith: LocalVSchema | undefined;
  private readonly packetSize: number;

  constructor(
    private readonly env: VStreamerEnv,
    private readonly opts: ParserOptions,
    packetSize: number,
  ) {
    this.packetSize = packetSize;
  }

  /**
   * The batches of one transaction, lazily (a consumer that stops early leaves the rest unbuilt).
   * `position` is the stream's position after the transaction (`MySQL56/<set>`). Throws VtError
   * when a table's plan cannot be built or a journal row does not parse.
   */
  *transaction(tx: BinlogTransaction, position: string): Generator<VEvent[], void, undefined> {
    const { keyspace, shard } = this.env;
    const commitTime = tx.timestamp;
    const current_time = this.env.clock.nowNanos().toString();
    const event = (type: VEventType, timestamp: number): VEvent => ({ type, timestamp, current_time, keyspace, shard });
    const gtid: VEvent = { type: VEventType.GTID, timestamp: commitTime, current_time, keyspace, shard, gtid: position };
    const first = tx.events[0];
    if (first !== undefined && first.kind !== 'rows') {
      if (first.kind === 'ddl' && mustSendDdl(first, this.env.dbName, this.opts.filter, this.opts.regexes)) {
        yield [gtid, { ...event(VEventType.DDL, commitTime), statement: first.statement }];
      } else {
        yield [gtid, event(VEventType.OTHER, commitTime)];
      }
      return;
    }
    const buffer = new PacketBuffer(this.packetSize);
    buffer.push(event(VEventType.BEGIN, first?.timestamp ?? commitTime));
    for (const ev of tx.events) {
      if (ev.kind !== 'rows') continue;
      const table = ev.table;
      const timestamp = ev.timestamp;
      if (table.database === this.env.sidecarDbName && table.name === 'resharding_journal') {
        for (const j of this.journals(ev)) buffer.push({ ...event(VEventType.JOURNAL, timestamp), journal: j });
        continue;
      }
      const plan = this.plan(table);
      if (!plan) continue;
      const gate = table.database === this.env.dbName ? this.opts.gate?.(table) : undefined;
      if (gate === 'drop') continue;
      if (!this.fieldSent.has(table.id)) {
        this.fieldSent.add(table.id);
        buffer.push({
          ...event(VEventType.FIELD, timestamp),
          field_event: {
            table_name: plan.tableName,
            fields: plan.fields,
            keyspace,
            shard,
            enum_set_string_values: plan.enumSetStringValues,
            is_internal_table: plan.isInternal,
          },
        });
      }
      const pass = gate ? (row: readonly SqlValue[]) => plan.matches(row) && gate(row) : plan.matches;
      // Filled per ROW event and copied out with slice(), no allocation site (see row-events.ts); emptied before each yield.
      const changes = this.changes;
      let size = 0;
      const emitRows = (last: boolean): VEvent[] | undefined => {
        const rowEvent = new StreamedRowEvent(plan.tableName, changes.slice(), keyspace, shard, last ? 1 : 0, plan.isInternal);
        const bytes = size;
        changes.length = 0;
        size = 0;
        return buffer.pushRow(new RowVEvent(timestamp, current_time, keyspace, shard, rowEvent), bytes);
      };
      for (const ch of ev.changes) {
        const before = ch.before !== undefined && pass(ch.before) ? encodeRow(plan.project(ch.before), plan.binlogEncoders) : null;
        const after = ch.after !== undefined && pass(ch.after) ? encodeRow(plan.project(ch.after), plan.binlogEncoders) : null;
        if (before === null && after === null) continue;
        const bytes = (before?.values.length ?? 0) + (after?.values.length ?? 0);
        if (changes.length > 0 && size + bytes > ROW_EVENT_MAX_SIZE) {
          const ready = emitRows(false);
          if (ready) yield ready;
        }
        changes.push(new StreamedRowChange(before, after));
        size += bytes;
      }
      if (changes.length > 0) {
        const ready = emitRows(true);
        if (ready) yield ready;
      }
    }
    buffer.push(gtid);
    yield buffer.end(event(VEventType.COMMIT, commitTime));
  }

  /** The plan for a table map, built on first sight and again after the VSchema changes; null = not streamed. */
  private plan(table: TableMap): TablePlan | null {
    const vschema = this.env.vschema();
    if (vschema !== this.plannedWith) {
      this.plans.clear();
      this.plannedWith = vschema;
    }
    let plan = this.plans.get(table.id);
    if (plan !== undefined) return plan;
    plan = null;
    if (table.database === this.env.dbName) {
      const rule = streamedRule(table.name, this.opts.filter, this.opts.regexes);
      if (rule) plan = buildTablePlan(table, rule, vschema);
    } else if (table.database === this.env.sidecarDbName && this.opts.internalTables.has(table.name)) {
      plan = buildTablePlan(table, { match: table.name, filter: '' }, vschema, true);
    }
    this.plans.set(table.id, plan);
    return plan;
  }

  /** The journals inserted for this database by a rows event on the journal table. */
  private journals(ev: RowsEvent): Journal[] {
    const names = ev.table.fields.map((f) => f.name.toLowerCase());
    const dbCol = names.indexOf('db_name');
    const valCol = names.indexOf('val');
    const out: Journal[] = [];
    for (const ch of ev.changes) {
      if (!ch.after) continue;
      if (text(ch.after[dbCol] ?? null) !== this.env.dbName) continue;
      try {
        out.push(parseJournal(text(ch.after[valCol] ?? null) ?? ''));
      } catch (err) {
        throw new VtError(Code.INTERNAL, `error decoding journal: ${(err as Error).message}`);
      }
    }
    return out;
  }
}

function text(v: SqlValue): string | null {
  if (v === null) return null;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  return String(v);
}
