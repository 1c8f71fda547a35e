/**
 * VStream: one client's change stream across shards (Vitess's `vstream` struct). It runs one
 * ShardStream per ShardGtid, owns the merged VGtid they update, hands complete transactions to the
 * client one response at a time, adds vtgate heartbeats when nothing was sent for
 * `heartbeat_interval` seconds, and ends with the first shard stream's error. When a reshard's
 * journal reaches it, it moves from the old shards to the new ones (see {@link VStream.joinJournal}).
 */
import type { Clock, Logger } from '@vtsim/binlog';
import {
  MigrationType,
  VEventType,
  type Filter,
  type Journal,
  type ShardGtid,
  type TabletType,
  type VEvent,
  type VStreamFlags,
  type VStreamResponse,
} from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import { JournalEvent, journalParticipants } from './journal-event.js';
import { MergedVGtid } from './merged-vgtid.js';
import type { ResolvedVStreamParams } from './resolve-params.js';
import { ResponseQueue } from './response-queue.js';
import { ShardStream, type ShardStreamHost } from './shard-stream.js';
import { SkewAligner } from './skew-aligner.js';
import type { TabletPicker } from './tablet-picker.js';
import { shardGtidText, wrapVtError } from './vstream-error.js';
import type { VStreamCounters } from './vstream-counters.js';
import type { VStreamStatus } from './vstream-status.js';

/** The shared machinery a VStream uses. */
export interface VStreamDeps {
  /** vtgate's number for the stream (VStreamStatus.id). */
  id: number;
  /** Where the stream logs its move to new shards at a reshard's journal. */
  logger: Logger;
  /** vtgate's VStream counters, which each shard stream adds to. */
  counters: VStreamCounters;
  topo: TopoServer;
  cell: string;
  picker: TabletPicker;
  clock: Clock;
  /** How long minimize_skew lets a stream wait for the laggard; default 600 000 ms. */
  skewTimeoutMs?: number;
}

/** One running VStream request. */
export class VStream implements ShardStreamHost {
  readonly tabletType: TabletType;
  readonly filter: Filter;
  readonly flags: VStreamFlags;
  readonly cell: string;
  readonly topo: TopoServer;
  readonly picker: TabletPicker;
  readonly vgtid: MergedVGtid;
  private readonly clock: Clock;
  private readonly skew: SkewAligner | undefined;
  private readonly queue = new ResponseQueue();
  private readonly stop = new AbortController();
  private readonly copyCompletedShards = new Set<string>();
  /** SHARDS journals some but not all participants have reached, by journal id. */
  private readonly journals = new Map<string, JournalEvent>();
  private running = 0;
  private failure: Error | undefined;
  private readonly id: number;
  private readonly log: Logger;
  private readonly counters: VStreamCounters;
  private readonly startedAtMs: number;
  private eventsSent = 0;
  private lastEvent: { atMs: number; type: VEventType } | undefined;

  constructor(params: ResolvedVStreamParams, deps: VStreamDeps) {
    this.tabletType = params.tabletType;
    this.filter = params.filter;
    this.flags = params.flags;
    this.vgtid = new MergedVGtid(params.vgtid);
    this.cell = deps.cell;
    this.topo = deps.topo;
    this.picker = deps.picker;
    this.clock = deps.clock;
    this.skew = params.flags.minimize_skew ? new SkewAligner(deps.clock, deps.skewTimeoutMs) : undefined;
    this.id = deps.id;
    this.log = deps.logger;
    this.counters = deps.counters;
    this.startedAtMs = deps.clock.now();
  }

  /** The stream as a snapshot: its request, its VGtid now and its counters. */
  status(): VStreamStatus {
    return {
      id: this.id,
      tabletType: this.tabletType,
      filter: this.filter,
      shards: this.vgtid.shardGtids.map((s) => ({ keyspace: s.keyspace, shard: s.shard, gtid: s.gtid, copying: s.table_p_ks.map((t) => t.table_name) })),
      startedAtMs: this.startedAtMs,
      eventsSent: this.eventsSent,
      lastEventAtMs: this.lastEvent?.atMs,
      lastEventType: this.lastEvent?.type,
    };
  }

  /**
   * Streams responses until `signal` aborts (normal return) or a shard stream fails (the error is
   * thrown, after which nothing more is sent). Pulls from tablets only as the caller pulls; the
   * caller ending the iteration early stops every shard stream. Call once.
   */
  async *run(signal: AbortSignal): AsyncGenerator<VStreamResponse> {
    const onAbort = (): void => this.stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) this.stop.abort();
    const heartbeatMs = this.flags.heartbeat_interval * 1000;
    try {
      for (const sgtid of [...this.vgtid.shardGtids]) this.startShardStream(sgtid);
      for (;;) {
        if (this.failure) throw this.failure;
        const batch = this.queue.shift();
        if (batch) {
          this.eventsSent += batch.length;
          this.lastEvent = { atMs: this.clock.now(), type: batch[batch.length - 1]!.type };
          yield { events: batch };
          continue;
        }
        if (this.stop.signal.aborted || this.running === 0) return;
        if ((await this.queue.wait(this.stop.signal, heartbeatMs)) === 'idle') {
          this.eventsSent++;
          yield { events: [this.heartbeat()] };
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.stop.abort();
      this.queue.close();
    }
  }

  /** Starts streaming one shard (its ShardGtid must be an entry of the merged VGtid). */
  private startShardStream(sgtid: ShardGtid): void {
    this.running++;
    const counted = this.counters.started(sgtid, this.tabletType);
    new ShardStream(this, sgtid)
      .run(this.stop.signal)
      .then(
        () => this.counters.ended(counted, false),
        (err: unknown) => {
          this.counters.ended(counted, !this.stop.signal.aborted);
          this.fail(wrapVtError(err, `error starting stream from shard GTID ${shardGtidText(sgtid)}`));
        },
      )
      .finally(() => {
        this.running--;
        this.queue.notify();
      });
  }

  /**
   * Ends the VStream with `err` as if a shard stream had failed with it: the client's call ends with
   * its code after the responses already queued. A no-op once the stream has ended.
   */
  drop(err: Error): void {
    this.fail(err);
  }

  /** Ends the VStream with its first error (errors after the end, e.g. from cancellation, are dropped). */
  private fail(err: Error): void {
    if (this.failure || this.stop.signal.aborted) return;
    this.failure = err;
    this.stop.abort();
    this.queue.notify();
  }

  align(sgtid: ShardGtid, event: VEvent, signal: AbortSignal): Promise<void> {
    return this.skew ? this.skew.align(`${sgtid.keyspace}/${sgtid.shard}`, event, signal) : Promise.resolve();
  }

  copyCompleted(event: VEvent): VEvent | undefined {
    this.copyCompletedShards.add(`${event.keyspace ?? ''}/${event.shard ?? ''}`);
    for (const s of this.vgtid.shardGtids) {
      if (!this.copyCompletedShards.has(`${s.keyspace}/${s.shard}`)) return undefined;
    }
    return { type: VEventType.COPY_COMPLETED };
  }

  /**
   * A shard stream reached `journal` (Vitess's `getJournalEvent`). TABLES journals, and journals
   * none of whose participants this stream follows, are ignored (undefined: the shard streams on).
   * Otherwise the shard joins the journal and must stop streaming; the returned event's `done`
   * resolves once every participant has joined. The last join moves the stream, synchronously:
   * unless `stop_on_reshard` is set, the participants leave the merged VGtid, the journal's shards
   * are appended in journal order and start streaming at the journal's positions. Throws INTERNAL
   * (not retried) when only some participants are in the stream.
   */
  joinJournal(sgtid: ShardGtid, journal: Journal): JournalEvent | undefined {
    if (journal.migration_type !== MigrationType.SHARDS) return undefined;
    let je = this.journals.get(journal.id);
    if (!je) {
      const participants = journalParticipants(journal, this.vgtid.shardGtids);
      if (!participants) return undefined;
      je = new JournalEvent(journal, participants);
      this.journals.set(journal.id, je);
    }
    if (!je.participants.has(sgtid)) return undefined;
    if (je.join(sgtid)) {
      // Forgotten once done: a later reshard may reuse the id (it hashes the target streams).
      this.journals.delete(journal.id);
      if (!this.flags.stop_on_reshard) {
        const from = [...je.participants].map((s) => `${s.keyspace}/${s.shard}`);
        const added = this.vgtid.migrate(je.participants, journal.shard_gtids);
        for (const s of added) this.startShardStream(s);
        this.log.info('vstream moved to new shards at the journal', { vstream: this.id, journal_id: journal.id, from, to: added.map((s) => `${s.keyspace}/${s.shard}`) });
      }
      je.finish();
    }
    return je;
  }

  send(sgtid: ShardGtid, batches: VEvent[][]): Promise<void> {
    if (this.stop.signal.aborted) return Promise.resolve();
    for (const batch of batches) this.vgtid.convert(sgtid, batch);
    return this.queue.push(batches);
  }

  /** A vtgate heartbeat: now, with no keyspace or shard. */
  private heartbeat(): VEvent {
    const nanos = this.clock.nowNanos();
    return { type: VEventType.HEARTBEAT, timestamp: Number(nanos / 1_000_000_000n), current_time: nanos.toString() };
  }
}
