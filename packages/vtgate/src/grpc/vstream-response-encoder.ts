/**
 * The wire bytes of a vtgate.VStreamResponse, written by hand into one buffer for the events that
 * carry rows (the VStream hot path): BEGIN, ROW, GTID, COMMIT, DDL, OTHER, HEARTBEAT… — every
 * VEvent whose only message-typed field, if any, is `row_event`. Other events (FIELD, VGTID,
 * JOURNAL, LASTPK) go through the generic encoder. The bytes are protobufjs's exactly: fields in
 * field-number order, a field written whenever it is set (not null or undefined) even at its
 * default, `repeated sint64` packed, `bytes` as given; so a client cannot tell the two apart
 * (test/e2e/vstream-response-encoding.test.ts compares them on real streams). It writes no
 * intermediate objects: a size pass, then one buffer filled in a second pass.
 */
import type { VEvent, VStreamResponse } from '@vtsim/proto';

/** Encodes one whole VStreamResponse (the generic path for the events this file does not write). */
export type ResponseEncoder = (response: { events: readonly VEvent[] }) => Buffer;

/** A VEvent as it may arrive: vtgate's own objects, or decoded ones (64-bit integers as strings). */
type EventLike = Record<string, unknown>;

/** Field tags (field number << 3 | wire type) as varint bytes. */
const TAG = {
  responseEvents: 0x0a,
  type: 0x08,
  timestamp: 0x10,
  gtid: 0x1a,
  statement: 0x22,
  rowEvent: 0x2a,
  dml: 0x4a,
  currentTime: [0xa0, 0x01],
  keyspace: [0xb2, 0x01],
  shard: [0xba, 0x01],
  throttled: [0xc0, 0x01],
  throttledReason: [0xca, 0x01],
} as const;

/** RowChange's two images and their tags (1 and 2, length-delimited), hoisted out of the per-row loops. */
const IMAGES = [['before', 0x0a], ['after', 0x12]] as const;

/** VEvent's message-typed fields other than row_event: an event with one set goes the generic way. */
const OTHER_MESSAGES = ['field_event', 'vgtid', 'journal', 'last_p_k_event'] as const;

/**
 * A VStreamResponse serializer: rows events written directly, the rest with `generic` (whose bytes
 * for a one-event response, less the `events` tag and length, are that event's). Throws what
 * `generic` throws for a value it refuses.
 */
export function vstreamResponseEncoder(generic: ResponseEncoder): (response: VStreamResponse) => Buffer {
  return (response) => {
    const events = response.events as unknown as readonly EventLike[] | undefined;
    if (!Array.isArray(events)) return generic(response);
    const parts: (Buffer | undefined)[] = [];
    let total = 0;
    const sizes: number[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const slot = sizes.length;
      sizes.push(0);
      let size: number | undefined;
      if (e !== null && typeof e === 'object' && OTHER_MESSAGES.every((f) => e[f] == null)) size = eventSize(e, sizes);
      if (size === undefined) {
        const whole = generic({ events: [e as unknown as VEvent] });
        const body = whole.subarray(1 + lengthPrefixSize(whole));
        parts[i] = body;
        size = body.length;
      }
      total += 1 + varintSize(size) + size;
      sizes[slot] = size;
    }
    const out = Buffer.allocUnsafe(total);
    const w = { buf: out, pos: 0, sizes, next: 0 };
    for (let i = 0; i < events.length; i++) {
      out[w.pos++] = TAG.responseEvents;
      const size = sizes[w.next++]!;
      writeVarint(w, size);
      const part = parts[i];
      if (part) {
        out.set(part, w.pos);
        w.pos += part.length;
      } else {
        writeEvent(w, events[i]!);
      }
    }
    return out;
  };
}

/** How many bytes the length of a one-event response's `events` field takes (after its tag byte). */
function lengthPrefixSize(whole: Buffer): number {
  let n = 1;
  while (whole[n]! & 0x80) n++;
  return n;
}

/** Writer state: the buffer, where to write, and the sizes recorded by the size pass, in order. */
interface Writer {
  buf: Buffer;
  pos: number;
  sizes: number[];
  next: number;
}

/**
 * The encoded size of a rows-carrying VEvent, recording nested message sizes in `sizes` in the
 * order the write pass needs them (its own size is pushed by the caller); undefined when a value
 * is not of a type this encoder writes (the event then goes the generic way).
 */
function eventSize(e: EventLike, sizes: number[]): number | undefined {
  const mark = sizes.length;
  let n = 0;
  if (e.type != null) {
    if (typeof e.type !== 'number') return undefined;
    n += 1 + int32Size(e.type);
  }
  if (e.timestamp != null) {
    const s = int64Size(e.timestamp);
    if (s === undefined) return restore(sizes, mark);
    n += 1 + s;
  }
  for (const field of ['gtid', 'statement'] as const) {
    const v = e[field];
    if (v == null) continue;
    if (typeof v !== 'string') return restore(sizes, mark);
    n += 1 + stringSize(v);
  }
  if (e.row_event != null) {
    const slot = sizes.length;
    sizes.push(0);
    const s = rowEventSize(e.row_event as EventLike, sizes);
    if (s === undefined) return restore(sizes, mark);
    sizes[slot] = s;
    n += 1 + varintSize(s) + s;
  }
  if (e.dml != null) {
    if (typeof e.dml !== 'string') return restore(sizes, mark);
    n += 1 + stringSize(e.dml);
  }
  if (e.current_time != null) {
    const s = int64Size(e.current_time);
    if (s === undefined) return restore(sizes, mark);
    n += 2 + s;
  }
  for (const field of ['keyspace', 'shard'] as const) {
    const v = e[field];
    if (v == null) continue;
    if (typeof v !== 'string') return restore(sizes, mark);
    n += 2 + stringSize(v);
  }
  if (e.throttled != null) n += 3;
  if (e.throttled_reason != null) {
    if (typeof e.throttled_reason !== 'string') return restore(sizes, mark);
    n += 2 + stringSize(e.throttled_reason);
  }
  return n;
}

/** Drops what a failed size pass recorded; undefined, for `return restore(…)`. */
function restore(sizes: number[], mark: number): undefined {
  sizes.length = mark;
  return undefined;
}

function rowEventSize(r: EventLike, sizes: number[]): number | undefined {
  if (typeof r !== 'object') return undefined;
  let n = 0;
  if (r.table_name != null) {
    if (typeof r.table_name !== 'string') return undefined;
    n += 1 + stringSize(r.table_name);
  }
  const changes = r.row_changes;
  if (changes != null) {
    if (!Array.isArray(changes)) return undefined;
    for (const ch of changes as EventLike[]) {
      const slot = sizes.length;
      sizes.push(0);
      const s = rowChangeSize(ch, sizes);
      if (s === undefined) return undefined;
      sizes[slot] = s;
      n += 1 + varintSize(s) + s;
    }
  }
  for (const field of ['keyspace', 'shard'] as const) {
    const v = r[field];
    if (v == null) continue;
    if (typeof v !== 'string') return undefined;
    n += 1 + stringSize(v);
  }
  if (r.flags != null) {
    if (typeof r.flags !== 'number') return undefined;
    n += 1 + varintSize(r.flags >>> 0);
  }
  if (r.is_internal_table != null) n += 2;
  return n;
}

function rowChangeSize(ch: EventLike, sizes: number[]): number | undefined {
  if (ch === null || typeof ch !== 'object' || ch.data_columns != null || ch.json_partial_values != null) return undefined;
  let n = 0;
  for (const [field] of IMAGES) {
    const row = ch[field] as EventLike | null | undefined;
    if (row == null) continue;
    const slot = sizes.length;
    sizes.push(0, 0);
    const s = rowSize(row, sizes, slot);
    if (s === undefined) return undefined;
    n += 1 + varintSize(s) + s;
  }
  return n;
}

/** A query.Row's size; sizes[slot] gets the size, sizes[slot + 1] its packed lengths' size. */
function rowSize(row: EventLike, sizes: number[], slot: number): number | undefined {
  if (typeof row !== 'object') return undefined;
  let n = 0;
  const lengths = row.lengths;
  if (lengths != null) {
    if (!Array.isArray(lengths)) return undefined;
    if (lengths.length > 0) {
      let packed = 0;
      for (const l of lengths) {
        const v = typeof l === 'number' ? l : typeof l === 'string' ? Number(l) : NaN;
        if (!Number.isInteger(v) || Math.abs(v) >= 2 ** 52) return undefined;
        packed += varintSize(zigzag(v));
      }
      sizes[slot + 1] = packed;
      n += 1 + varintSize(packed) + packed;
    }
  }
  const values = row.values;
  if (values != null) {
    if (!(values instanceof Uint8Array)) return undefined;
    n += 1 + varintSize(values.length) + values.length;
  }
  sizes[slot] = n;
  return n;
}

function writeEvent(w: Writer, e: EventLike): void {
  if (e.type != null) {
    w.buf[w.pos++] = TAG.type;
    writeInt32(w, e.type as number);
  }
  if (e.timestamp != null) {
    w.buf[w.pos++] = TAG.timestamp;
    writeInt64(w, e.timestamp);
  }
  if (e.gtid != null) writeString(w, TAG.gtid, e.gtid as string);
  if (e.statement != null) writeString(w, TAG.statement, e.statement as string);
  if (e.row_event != null) {
    w.buf[w.pos++] = TAG.rowEvent;
    writeVarint(w, w.sizes[w.next++]!);
    writeRowEvent(w, e.row_event as EventLike);
  }
  if (e.dml != null) writeString(w, TAG.dml, e.dml as string);
  if (e.current_time != null) {
    writeTag2(w, TAG.currentTime);
    writeInt64(w, e.current_time);
  }
  if (e.keyspace != null) writeString2(w, TAG.keyspace, e.keyspace as string);
  if (e.shard != null) writeString2(w, TAG.shard, e.shard as string);
  if (e.throttled != null) {
    writeTag2(w, TAG.throttled);
    w.buf[w.pos++] = e.throttled ? 1 : 0;
  }
  if (e.throttled_reason != null) writeString2(w, TAG.throttledReason, e.throttled_reason as string);
}

function writeRowEvent(w: Writer, r: EventLike): void {
  if (r.table_name != null) writeString(w, 0x0a, r.table_name as string);
  if (r.row_changes != null) {
    for (const ch of r.row_changes as EventLike[]) {
      w.buf[w.pos++] = 0x12;
      writeVarint(w, w.sizes[w.next++]!);
      for (const [field, tag] of IMAGES) {
        const row = ch[field] as EventLike | null | undefined;
        if (row == null) continue;
        const size = w.sizes[w.next]!;
        const packed = w.sizes[w.next + 1]!;
        w.next += 2;
        w.buf[w.pos++] = tag;
        writeVarint(w, size);
        const lengths = row.lengths as (number | string)[] | null | undefined;
        if (lengths != null && lengths.length > 0) {
          w.buf[w.pos++] = 0x0a;
          writeVarint(w, packed);
          for (const l of lengths) writeVarint(w, zigzag(typeof l === 'number' ? l : Number(l)));
        }
        const values = row.values as Uint8Array | null | undefined;
        if (values != null) {
          w.buf[w.pos++] = 0x12;
          writeVarint(w, values.length);
          w.buf.set(values, w.pos);
          w.pos += values.length;
        }
      }
    }
  }
  if (r.keyspace != null) writeString(w, 0x1a, r.keyspace as string);
  if (r.shard != null) writeString(w, 0x22, r.shard as string);
  if (r.flags != null) {
    w.buf[w.pos++] = 0x28;
    writeVarint(w, (r.flags as number) >>> 0);
  }
  if (r.is_internal_table != null) {
    w.buf[w.pos++] = 0x30;
    w.buf[w.pos++] = r.is_internal_table ? 1 : 0;
  }
}

/** ZigZag of an integer below 2^52 in magnitude (sint64): non-negative and exact. */
function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** int32 on the wire: a negative value is sign-extended to 10 bytes. */
function int32Size(v: number): number {
  return v < 0 ? 10 : varintSize(v);
}

/** The varint size of an int64 given as a number or a decimal string; undefined for anything else. */
function int64Size(v: unknown): number | undefined {
  const b = int64Bits(v);
  return b === undefined ? undefined : bigVarintSize(b);
}

function int64Bits(v: unknown): bigint | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt.asUintN(64, BigInt(v)) : undefined;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt.asUintN(64, BigInt(v));
  return undefined;
}

function bigVarintSize(b: bigint): number {
  let n = 1;
  while (b >= 128n) {
    b >>= 7n;
    n++;
  }
  return n;
}

function stringSize(s: string): number {
  const len = Buffer.byteLength(s, 'utf8');
  return varintSize(len) + len;
}

function writeVarint(w: Writer, v: number): void {
  while (v >= 128) {
    w.buf[w.pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  w.buf[w.pos++] = v;
}

function writeInt32(w: Writer, v: number): void {
  if (v >= 0) writeVarint(w, v);
  else writeBigVarint(w, BigInt.asUintN(64, BigInt(v)));
}

function writeInt64(w: Writer, v: unknown): void {
  writeBigVarint(w, int64Bits(v)!);
}

function writeBigVarint(w: Writer, b: bigint): void {
  while (b >= 128n) {
    w.buf[w.pos++] = Number(b & 127n) | 0x80;
    b >>= 7n;
  }
  w.buf[w.pos++] = Number(b);
}

function writeTag2(w: Writer, tag: readonly [number, number]): void {
  w.buf[w.pos++] = tag[0];
  w.buf[w.pos++] = tag[1];
}

function writeString(w: Writer, tag: number, s: string): void {
  w.buf[w.pos++] = tag;
  writeStringBody(w, s);
}

function writeString2(w: Writer, tag: readonly [number, number], s: string): void {
  writeTag2(w, tag);
  writeStringBody(w, s);
}

function writeStringBody(w: Writer, s: string): void {
  const len = Buffer.byteLength(s, 'utf8');
  writeVarint(w, len);
  w.pos += w.buf.write(s, w.pos, 'utf8');
}
