/**
 * The wire form of vtsim's binlog transactions on the `vtsimbinlog.BinlogDump` stream
 * (proto/vtsimbinlog.proto): lossless, so a replica in another process applies exactly what the
 * source committed. Values keep their JS type (null, bigint of any size, number including -0 and
 * NaN, string, bytes); table maps travel once per stream, the first time a transaction uses them,
 * and decode to one shared object per id, as the source's binlog shares them.
 */
import type { BinlogEvent, BinlogTransaction, Gtid, RowChange, TableMap } from '@vtsim/binlog';
import type { Field, SqlValue } from '@vtsim/proto';

/** vtsimbinlog.Gtid as proto-loader gives it (64-bit integers as decimal strings). */
export interface GtidWire {
  sid: string;
  gno: string;
}

/** vtsimbinlog.Value: exactly one member set. */
export interface ValueWire {
  is_null?: boolean;
  integer?: string;
  float64?: number;
  text?: string;
  binary?: Uint8Array;
}

interface RowWire {
  values: ValueWire[];
}

interface TableMapWire {
  id: string;
  database: string;
  name: string;
  fields: Field[];
  pk_columns: number[];
}

interface StatementEventWire {
  database: string;
  statement: string;
  sql_mode?: string;
}

interface EventWire {
  rows?: { table_id: string; changes: { before: RowWire | null; after: RowWire | null }[]; timestamp: string };
  ddl?: StatementEventWire;
  other?: StatementEventWire;
}

/** vtsimbinlog.Transaction as it goes on the wire. */
export interface TransactionWire {
  gtid: GtidWire;
  timestamp: string;
  table_maps: TableMapWire[];
  events: EventWire[];
}

/** A GTID on the wire. */
export function gtidToWire(gtid: Gtid): GtidWire {
  return { sid: gtid.sid, gno: String(gtid.gno) };
}

/** A GTID from the wire. */
export function gtidFromWire(w: GtidWire): Gtid {
  return { sid: w.sid, gno: Number(w.gno) };
}

/** One value on the wire. */
export function valueToWire(v: SqlValue): ValueWire {
  if (v === null) return { is_null: true };
  switch (typeof v) {
    case 'bigint':
      return { integer: v.toString() };
    case 'number':
      return { float64: v };
    case 'string':
      return { text: v };
    default:
      return { binary: v };
  }
}

/** One value from the wire; fails on a value with no member set (a sender that is not vtsim's). */
export function valueFromWire(w: ValueWire): SqlValue {
  if (w.integer !== undefined) return BigInt(w.integer);
  if (w.float64 !== undefined) return w.float64;
  if (w.text !== undefined) return w.text;
  // Bytes come back as a Buffer, as the mysqld holds them.
  if (w.binary !== undefined) return Buffer.isBuffer(w.binary) ? w.binary : Buffer.from(w.binary.buffer, w.binary.byteOffset, w.binary.byteLength);
  if (w.is_null) return null;
  throw new Error('binlog dump: a value with no type');
}

function rowToWire(row: readonly SqlValue[] | undefined): RowWire | null {
  return row ? { values: row.map(valueToWire) } : null;
}

function rowFromWire(row: RowWire | null | undefined): SqlValue[] | undefined {
  return row ? row.values.map(valueFromWire) : undefined;
}

function statementToWire(ev: { database: string; statement: string; sqlMode?: string }): StatementEventWire {
  return { database: ev.database, statement: ev.statement, ...(ev.sqlMode === undefined ? {} : { sql_mode: ev.sqlMode }) };
}

/**
 * Encodes one stream's transactions: remembers which table maps the stream has carried, so each
 * goes once. One encoder per stream.
 */
export class TransactionEncoder {
  private readonly sent = new Set<number>();

  /** The wire form of `tx`, with the table maps the stream has not carried yet. */
  encode(tx: BinlogTransaction): TransactionWire {
    const tableMaps: TableMapWire[] = [];
    const events = tx.events.map((ev): EventWire => {
      if (ev.kind === 'ddl') return { ddl: statementToWire(ev) };
      if (ev.kind === 'other') return { other: statementToWire(ev) };
      const t = ev.table;
      if (!this.sent.has(t.id)) {
        this.sent.add(t.id);
        tableMaps.push({ id: String(t.id), database: t.database, name: t.name, fields: t.fields.map((f) => ({ ...f })), pk_columns: [...t.pkColumns] });
      }
      return {
        rows: {
          table_id: String(t.id),
          changes: ev.changes.map((c) => ({ before: rowToWire(c.before), after: rowToWire(c.after) })),
          timestamp: String(ev.timestamp),
        },
      };
    });
    return { gtid: gtidToWire(tx.gtid), timestamp: String(tx.timestamp), table_maps: tableMaps, events };
  }
}

/** Decodes one stream's transactions, keeping the table maps it has carried. One decoder per stream. */
export class TransactionDecoder {
  private readonly tables = new Map<number, TableMap>();

  /** The transaction `w` stands for; fails on a rows event whose table map the stream never carried. */
  decode(w: TransactionWire): BinlogTransaction {
    for (const t of w.table_maps) {
      const id = Number(t.id);
      const fields: Field[] = t.fields.map((f) => ({
        name: f.name,
        type: f.type,
        table: f.table,
        org_table: f.org_table,
        database: f.database,
        org_name: f.org_name,
        column_length: f.column_length,
        charset: f.charset,
        decimals: f.decimals,
        flags: f.flags,
        column_type: f.column_type,
      }));
      this.tables.set(id, { id, database: t.database, name: t.name, fields, pkColumns: t.pk_columns.map(Number) });
    }
    const events = w.events.map((ev): BinlogEvent => {
      if (ev.rows) {
        const table = this.tables.get(Number(ev.rows.table_id));
        if (!table) throw new Error(`binlog dump: rows event for table map ${ev.rows.table_id}, which the stream never sent`);
        const changes = ev.rows.changes.map((c): RowChange => {
          const before = rowFromWire(c.before);
          const after = rowFromWire(c.after);
          return { ...(before ? { before } : {}), ...(after ? { after } : {}) };
        });
        return { kind: 'rows', table, changes, timestamp: Number(ev.rows.timestamp) };
      }
      const kind = ev.ddl ? 'ddl' : 'other';
      const s = ev.ddl ?? ev.other;
      if (!s) throw new Error('binlog dump: an event of no kind');
      return { kind, database: s.database, statement: s.statement, ...(s.sql_mode === undefined || s.sql_mode === null ? {} : { sqlMode: s.sql_mode }) };
    });
    return { gtid: gtidFromWire(w.gtid), timestamp: Number(w.timestamp), events };
  }
}
