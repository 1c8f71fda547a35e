/**
 * A VStream client (a gRPC client built from the .proto files) that replays ROW events into a
 * picture of the workload's tables (customer-workload.ts), strictly: an insert of a present row,
 * a change whose before image differs from the row, or a row version going backwards is a problem,
 * except where Vitess allows duplicates (after resuming a copy from a last PK, until the copy
 * completes). It can disconnect at random moments and resume from its last VGTID, and resume after
 * errors a real client would retry (vtgate ending the stream with UNAVAILABLE, say).
 */
import type { Random } from '@vtsim/binlog';
import { decodeRowBytes } from '@vtsim/proto';
import { VtgateClient, type DecodedMessage } from '@vtsim/vtgate';
import { KEYSPACE, emptyPicture, versionOf, type TableName } from './customer-workload.js';

/** How the client starts and what it survives. */
export interface PictureStreamOptions {
  /** vtgate's gRPC address. */
  address: string;
  /** The shards to start from (from the beginning, with a copy); default `['0']`. */
  shards?: string[];
  /** When given, the client breaks off after a random number of responses and resumes. */
  disconnects?: Random;
  /** Errors the client resumes from its last VGTID after (recorded in `errors`); others stop it as a problem. */
  resumable?: (err: Error) => boolean;
}

/** The VStream client; see the module comment. */
export class PictureStream {
  readonly picture = emptyPicture();
  readonly problems: string[] = [];
  /** Errors the stream ended with and was resumed after. */
  readonly errors: string[] = [];
  /** The shards of the last VGTID received. */
  shards: string[] = [];
  responses = 0;
  resumes = 0;
  /** ROW changes applied. */
  changes = 0;
  private lastVgtid: DecodedMessage;
  private copyCompleted = false;
  private resumedCopy = false;
  private readonly versions = { customer: new Map<string, number>(), corder: new Map<string, number>() };
  private readonly stop = new AbortController();
  private readonly done: Promise<void>;

  constructor(private readonly opts: PictureStreamOptions) {
    this.lastVgtid = { shard_gtids: (opts.shards ?? ['0']).map((shard) => ({ keyspace: KEYSPACE, shard, gtid: '' })) };
    this.done = this.run();
  }

  private async run(): Promise<void> {
    const client = VtgateClient.connect(this.opts.address);
    try {
      while (!this.stop.signal.aborted) {
        const call = new AbortController();
        const onStop = () => call.abort();
        this.stop.signal.addEventListener('abort', onStop, { once: true });
        let budget = this.opts.disconnects ? 1 + Math.floor(this.opts.disconnects.next() * 40) : Infinity;
        try {
          const request = { tablet_type: 'PRIMARY', vgtid: this.lastVgtid, filter: { rules: [{ match: '/.*' }] } };
          for await (const response of client.vstream(request, call.signal)) {
            this.apply(response.events as DecodedMessage[]);
            if (--budget === 0) break;
          }
        } catch (err) {
          if (this.stop.signal.aborted) return;
          if (!this.opts.resumable?.(err as Error)) {
            this.problems.push(`stream failed: ${(err as Error).message}`);
            return;
          }
          this.errors.push((err as Error).message);
          budget = 0;
          await new Promise((r) => setTimeout(r, 50));
        } finally {
          call.abort();
          this.stop.signal.removeEventListener('abort', onStop);
        }
        if (budget !== 0) return;
        this.resumes++;
        if (!this.copyCompleted) this.resumedCopy = true;
      }
    } finally {
      client.close();
    }
  }

  private apply(events: DecodedMessage[]): void {
    this.responses++;
    for (const e of events) {
      if (e.type === 'VGTID') {
        this.lastVgtid = e.vgtid;
        this.shards = (e.vgtid.shard_gtids as DecodedMessage[]).map((s) => s.shard as string);
      } else if (e.type === 'COPY_COMPLETED' && !e.keyspace) {
        this.copyCompleted = true;
      } else if (e.type === 'ROW') {
        const table = (e.row_event.table_name as string).replace(`${KEYSPACE}.`, '') as TableName;
        for (const change of e.row_event.row_changes as DecodedMessage[]) this.change(table, change);
      }
    }
  }

  private change(table: TableName, change: DecodedMessage): void {
    this.changes++;
    const text = (row: DecodedMessage) => decodeRowBytes(row as { lengths: string[]; values: Buffer }).map((b) => b?.toString('utf8') ?? null);
    const rows = this.picture[table];
    const lenient = this.resumedCopy && !this.copyCompleted;
    const before = change.before ? text(change.before) : null;
    const after = change.after ? text(change.after) : null;
    if (before) {
      const current = rows.get(before[0]!);
      if (!lenient && current === undefined) this.problems.push(`${table} ${before[0]}: change to a missing row (lost or out of order)`);
      else if (!lenient && current!.join('|') !== before.join('|')) {
        this.problems.push(`${table} ${before[0]}: before image ${before.join('|')} but the row is ${current!.join('|')} (a change was lost)`);
      }
      rows.delete(before[0]!);
    }
    if (after) {
      const key = after[0]!;
      if (rows.has(key) && !lenient) this.problems.push(`${table} ${key}: inserted twice`);
      const version = versionOf(table, after);
      const last = this.versions[table].get(key) ?? -1;
      if (!lenient && version <= last) {
        this.problems.push(`${table} ${key}: version ${version} after ${last} (out of commit order, or received twice)`);
      }
      this.versions[table].set(key, Math.max(last, version));
      rows.set(key, after);
    }
  }

  /** Stops the client and waits for it. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.done;
  }
}
