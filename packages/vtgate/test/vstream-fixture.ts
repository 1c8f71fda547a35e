/**
 * Helpers for the VStream scenarios: a reader that pulls responses with timeouts, event shapes,
 * row decoding, and a replay of row events into a table image (to check that nothing was lost or
 * repeated).
 */
import {
  TabletType,
  VEventType,
  decodeRowBytes,
  defaultVStreamFlags,
  type RowWire,
  type ShardGtid,
  type VEvent,
  type VGtid,
  type VStreamFlags,
  type VStreamRequest,
  type VStreamResponse,
} from '@vtsim/proto';

/** Pulls a VStream one response at a time; never has two pulls in flight. */
export class StreamReader {
  readonly received: VStreamResponse[] = [];
  private readonly iterator: AsyncIterator<VStreamResponse>;
  private readonly abort = new AbortController();
  private pending: Promise<IteratorResult<VStreamResponse>> | undefined;

  /** Starts `vstream` with a signal that {@link close} aborts. */
  constructor(vstream: (signal: AbortSignal) => AsyncIterable<VStreamResponse>) {
    this.iterator = vstream(this.abort.signal)[Symbol.asyncIterator]();
  }

  /** The next response, or undefined if none arrives within `ms` (the pull stays pending for the next call). Throws the stream's error. */
  async next(ms = 5000): Promise<VStreamResponse | undefined> {
    this.pending ??= this.iterator.next();
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());
    const result = await Promise.race([this.pending, timeout]);
    if (result === 'timeout') return undefined;
    this.pending = undefined;
    if (result.done) throw new Error('stream ended');
    this.received.push(result.value);
    return result.value;
  }

  /** Reads responses until `done` holds for the latest one; fails if the stream stalls for `ms`. */
  async until(done: (r: VStreamResponse) => boolean, ms = 5000): Promise<VStreamResponse[]> {
    const out: VStreamResponse[] = [];
    for (;;) {
      const r = await this.next(ms);
      if (!r) throw new Error(`stream stalled after ${out.length} responses: ${out.map(shape).join(' ')}`);
      out.push(r);
      if (done(r)) return out;
    }
  }

  /** Reads `n` responses. */
  async take(n: number, ms = 5000): Promise<VStreamResponse[]> {
    let left = n;
    return this.until(() => --left === 0, ms);
  }

  /** Stops the stream as a client cancelling the call would (aborts the signal), then waits for it to end. */
  async close(): Promise<void> {
    this.abort.abort();
    if (this.pending) await this.pending.catch(() => undefined);
    await this.iterator.return?.();
  }
}

/** A VStream request on explicit ShardGtids, PRIMARY by default. */
export function vstreamRequest(
  shardGtids: Partial<ShardGtid>[],
  opts: { tabletType?: TabletType; rules?: { match: string; filter: string }[]; flags?: Partial<VStreamFlags> } = {},
): VStreamRequest {
  return {
    tablet_type: opts.tabletType ?? TabletType.PRIMARY,
    vgtid: { shard_gtids: shardGtids.map((s) => ({ keyspace: '', shard: '', gtid: '', table_p_ks: [], ...s })) },
    filter: opts.rules ? { rules: opts.rules } : null,
    flags: { ...defaultVStreamFlags(), ...opts.flags },
  };
}

/** `[BEGIN FIELD]`-style summary of a response. */
export function shape(r: VStreamResponse): string {
  return `[${r.events.map((e) => VEventType[e.type]).join(' ')}]`;
}

/** The event types of a response. */
export function types(r: VStreamResponse): string[] {
  return r.events.map((e) => VEventType[e.type]!);
}

/** The source shard of a response (`ks/shard` of its first event that has one), or '' for keyspace-less responses. */
export function sourceOf(r: VStreamResponse): string {
  const e = r.events.find((x) => x.keyspace);
  return e ? `${e.keyspace}/${e.shard}` : '';
}

/** The last VGTID carried by the responses, if any. */
export function lastVGtid(responses: readonly VStreamResponse[]): VGtid | undefined {
  for (let i = responses.length - 1; i >= 0; i--) {
    const events = responses[i]!.events;
    for (let j = events.length - 1; j >= 0; j--) if (events[j]!.type === VEventType.VGTID) return events[j]!.vgtid!;
  }
  return undefined;
}

/** A row's values as text (NULL as null). */
export function rowText(row: RowWire): (string | null)[] {
  return decodeRowBytes(row).map((b) => (b === null ? null : b.toString('utf8')));
}

/** Every ROW event of the responses. */
export function rowEvents(responses: readonly VStreamResponse[]): VEvent[] {
  return responses.flatMap((r) => r.events.filter((e) => e.type === VEventType.ROW));
}

/**
 * Checks that no shard's transaction is interleaved with another response: once a response from
 * shard X opens a transaction (BEGIN without its COMMIT), every response up to the COMMIT comes
 * from X. Returns the violations found.
 */
export function interleavings(responses: readonly VStreamResponse[]): string[] {
  const problems: string[] = [];
  let open = '';
  responses.forEach((r, i) => {
    const src = sourceOf(r);
    if (r.events.every((e) => e.type === VEventType.HEARTBEAT)) return;
    if (open && src !== open) problems.push(`response ${i} from ${src} inside a transaction of ${open}`);
    for (const e of r.events) {
      if (e.type === VEventType.BEGIN) open = src;
      if (e.type === VEventType.COMMIT || e.type === VEventType.DDL || e.type === VEventType.OTHER) open = '';
    }
  });
  return problems;
}

/**
 * Replays row events into an image of a table keyed by its first column, failing on an insert of
 * a key already present (a repeated change) or a delete/update of a missing one (a lost change).
 */
export class TableImage {
  readonly rows = new Map<string, (string | null)[]>();

  /** Applies the ROW events of `table` (qualified or not) in the responses. */
  apply(responses: readonly VStreamResponse[], table: string): this {
    for (const e of rowEvents(responses)) {
      const name = e.row_event!.table_name;
      if (name !== table && !name.endsWith(`.${table}`)) continue;
      for (const change of e.row_event!.row_changes) {
        const before = change.before ? rowText(change.before) : null;
        const after = change.after ? rowText(change.after) : null;
        if (before) {
          if (!this.rows.has(before[0]!)) throw new Error(`change to missing row ${before[0]} in ${name}`);
          this.rows.delete(before[0]!);
        }
        if (after) {
          if (this.rows.has(after[0]!)) throw new Error(`row ${after[0]} inserted twice in ${name}`);
          this.rows.set(after[0]!, after);
        }
      }
    }
    return this;
  }

  /** The rows sorted by key as a number. */
  sorted(): (string | null)[][] {
    return [...this.rows.values()].sort((a, b) => Number(a[0]) - Number(b[0]));
  }
}
