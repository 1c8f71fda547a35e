/**
 * ShardStream: one shard of a VStream (Vitess's `streamFromTablet`). It picks a tablet, asks it for
 * a tablet VStream from the shard's last position, and turns the tablet's batches into client
 * responses: table names qualified with the keyspace, a transaction held until its COMMIT, DDL,
 * OTHER or COPY_COMPLETED arrives and then sent as consecutive responses (one per tablet batch),
 * tablet heartbeats dropped. When the tablet dies, stops serving or changes type, the stream moves
 * to another tablet from the last position it sent (the shard's entry of the merged VGtid, with its
 * TablePKs), so nothing is lost and nothing sent is sent again (except what Vitess itself repeats
 * when a copy resumes from a last PK). A SHARDS journal (a reshard's cut-over) ends the shard
 * stream normally once every participant has reached it (see {@link ShardStreamHost.joinJournal}).
 */
import {
  Code,
  MigrationType,
  TabletType,
  VEventType,
  VtError,
  type Filter,
  type Journal,
  type ShardGtid,
  type TabletVStreamRequest,
  type VEvent,
  type VStreamFlags,
} from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import type { StreamHealthResponse } from '@vtsim/vttablet';
import { keyspaceHasBeenResharded, type ShardRecord } from './keyspace-resharded.js';
import type { MergedVGtid } from './merged-vgtid.js';
import type { JournalEvent } from './journal-event.js';
import { MAX_CONSECUTIVE_FAILURES, shouldRetry } from './retry-policy.js';
import { sleep } from './sleep.js';
import { AllTabletsIgnoredError, type PickRequest, type PickedTablet, type TabletPicker } from './tablet-picker.js';
import { wrapVtError } from './vstream-error.js';

/** The sidecar table streamed to clients that ask for keyspace heartbeats. */
const HEARTBEAT_TABLE = 'heartbeat';

/** With stop_on_reshard, the least time between a participant reaching the journal and its stream ending (so the client can read the journal). */
export const STOP_ON_RESHARD_DELAY_MS = 500;

/** What a shard stream needs from the VStream it belongs to. */
export interface ShardStreamHost {
  readonly tabletType: TabletType;
  readonly filter: Filter;
  readonly flags: VStreamFlags;
  /** vtgate's cell (the cell of the target sent to tablets). */
  readonly cell: string;
  readonly topo: TopoServer;
  readonly picker: TabletPicker;
  readonly vgtid: MergedVGtid;
  /** Waits, under minimize_skew, until this stream may send the transaction `event` ends (or records a heartbeat). */
  align(sgtid: ShardGtid, event: VEvent, signal: AbortSignal): Promise<void>;
  /** Records a shard's COPY_COMPLETED; returns the final keyspace-less COPY_COMPLETED once every shard has reported one. */
  copyCompleted(event: VEvent): VEvent | undefined;
  /**
   * Joins a SHARDS journal this shard's tablet stream reached: undefined if the stream ignores it
   * (TABLES, or not about this stream's shards), else the journal whose `done` the shard must
   * wait for before ending. Throws INTERNAL when only some participants are in the stream.
   */
  joinJournal(sgtid: ShardGtid, journal: Journal): JournalEvent | undefined;
  /** Converts GTID/LASTPK events to VGTIDs and queues the batches for the client; resolves once the client took them all. */
  send(sgtid: ShardGtid, batches: VEvent[][]): Promise<void>;
}

const ABORTED = Symbol('aborted');

/** Streams one shard of a VStream until its signal aborts or it fails. */
export class ShardStream {
  /** Batches of the open transaction already closed (each becomes one response). */
  private held: VEvent[][] = [];
  /** Events of the tablet batch being read. */
  private current: VEvent[] = [];

  /** `sgtid` is the shard's live entry of the host's merged VGtid. */
  constructor(
    private readonly host: ShardStreamHost,
    readonly sgtid: ShardGtid,
  ) {}

  /**
   * Streams until the signal aborts or the shard's stream reaches a journal that every participant
   * has reached (then resolves; with stop_on_reshard no sooner than
   * {@link STOP_ON_RESHARD_DELAY_MS} after reaching it). Rejects with the error that ends the whole
   * VStream: a missing shard (FAILED_PRECONDITION), no tablet found, a tablet error that is not
   * retried (`error in vstream for <ks>/<shard> on tablet <alias>: …`), or a third consecutive
   * retried one (`persistent error in vstream … giving up: …`).
   */
  async run(signal: AbortSignal): Promise<void> {
    const { keyspace, shard } = this.sgtid;
    const ignore = new Set<string>();
    let failures = 0;
    let lastFailure: { error: unknown; tablet: string } | undefined;
    while (!signal.aborted) {
      const includeNonServing = await this.resharded();
      const tablet = await this.pickTablet(
        {
          keyspace,
          shard,
          tabletType: this.host.tabletType,
          cells: splitCells(this.host.flags.cells),
          cellPreference: this.host.flags.cell_preference,
          tabletOrder: this.host.flags.tablet_order,
          includeNonServing,
          ignore,
        },
        lastFailure,
        signal,
      );
      const { error, received, journal } = await this.streamFromTablet(tablet, signal);
      if (journal) return this.endAtJournal(journal, signal);
      if (signal.aborted) return;
      const decision = shouldRetry(error);
      if (!decision.retry) throw wrapVtError(error, `error in vstream for ${keyspace}/${shard} on tablet ${tablet.aliasString}`);
      if (decision.ignoreTablet) ignore.add(tablet.aliasString);
      lastFailure = { error, tablet: tablet.aliasString };
      failures = received ? 1 : failures + 1;
      if (failures >= MAX_CONSECUTIVE_FAILURES) {
        throw wrapVtError(error, `persistent error in vstream for ${keyspace}/${shard} on tablet ${tablet.aliasString}; giving up`);
      }
    }
  }

  /** Waits until every participant of the journal has joined (or the signal aborts), then for the stop_on_reshard delay. */
  private async endAtJournal(journal: { event: JournalEvent; delay: Promise<void> | undefined }, signal: AbortSignal): Promise<void> {
    await untilAborted(journal.event.done, signal);
    await journal.delay;
  }

  /**
   * Picks the next tablet. When every candidate has been ignored (each lacked the position), the
   * stream ends with the failure that got the last one ignored (e.g. INVALID_ARGUMENT `GTIDSet
   * Mismatch`) instead of waiting for a tablet that cannot come.
   */
  private async pickTablet(
    req: PickRequest,
    lastFailure: { error: unknown; tablet: string } | undefined,
    signal: AbortSignal,
  ): Promise<PickedTablet> {
    try {
      return await this.host.picker.pick(req, signal);
    } catch (err) {
      if (err instanceof AllTabletsIgnoredError && lastFailure) {
        throw wrapVtError(lastFailure.error, `error in vstream for ${req.keyspace}/${req.shard} on tablet ${lastFailure.tablet}`);
      }
      throw err;
    }
  }

  /** Whether the shard's keyspace was resharded (non-serving tablets allowed); FAILED_PRECONDITION if the shard is unknown. */
  private async resharded(): Promise<boolean> {
    const { keyspace } = this.sgtid;
    try {
      const shards = new Map<string, ShardRecord>();
      for (const [name, info] of await this.host.topo.findAllShardsInKeyspace(keyspace)) shards.set(name, info.shard);
      return keyspaceHasBeenResharded(keyspace, shards, this.host.vgtid.shardGtids);
    } catch (err) {
      throw wrapVtError(err, `failed to determine if keyspace ${keyspace} has been resharded`);
    }
  }

  /**
   * Streams from one tablet until it fails, its health turns bad, the signal aborts, or the shard
   * joins a journal. Never rejects: the outcome is the error that ended the tablet stream, whether
   * any batch arrived, and the journal joined (with the stop_on_reshard delay, started when the
   * journal was reached).
   */
  private async streamFromTablet(
    tablet: PickedTablet,
    signal: AbortSignal,
  ): Promise<{ error: unknown; received: boolean; journal?: { event: JournalEvent; delay: Promise<void> | undefined } }> {
    const { keyspace, shard } = this.sgtid;
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let healthError: string | undefined;
    void this.watchHealth(tablet, stop.signal).then((problem) => {
      if (problem === undefined || stop.signal.aborted) return;
      healthError = problem;
      stop.abort();
    });
    this.held = [];
    this.current = [];
    let received = false;
    let error: unknown;
    const iterator = tablet.queryService.vstream(this.tabletRequest(), stop.signal)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await untilAborted(iterator.next(), stop.signal);
        if (next === ABORTED || next.done) break;
        received = true;
        const joined = await this.handleBatch(next.value, signal);
        if (joined) {
          const delay = this.host.flags.stop_on_reshard ? sleep(STOP_ON_RESHARD_DELAY_MS, signal) : undefined;
          return { error: undefined, received, journal: { event: joined, delay } };
        }
      }
    } catch (err) {
      error = err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      stop.abort();
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
    }
    if (healthError !== undefined) {
      error = new VtError(
        Code.UNAVAILABLE,
        `error streaming from tablet ${tablet.aliasString} in ${keyspace}/${shard}: error streaming tablet health from ${tablet.aliasString}: ${healthError}`,
      );
    } else if (error === undefined) {
      error = new VtError(Code.UNKNOWN, `vstream ended unexpectedly on tablet ${tablet.aliasString} in ${keyspace}/${shard}`);
    }
    return { error, received };
  }

  /** The tablet request: the shard's last position and TablePKs, the filter, and the options of the flags. */
  private tabletRequest(): TabletVStreamRequest {
    const { flags } = this.host;
    return {
      target: { keyspace: this.sgtid.keyspace, shard: this.sgtid.shard, tablet_type: this.host.tabletType, cell: this.host.cell },
      position: this.sgtid.gtid,
      filter: this.host.filter,
      table_last_p_ks: this.sgtid.table_p_ks.slice(),
      options: {
        internal_tables: flags.stream_keyspace_heartbeats ? [HEARTBEAT_TABLE] : [],
        config_overrides: {},
        tables_to_copy: flags.tables_to_copy,
      },
    };
  }

  /**
   * Follows the tablet's health until the signal aborts; resolves with the first problem (type
   * changed, health error, or the health stream ended), or undefined once aborted. A tablet that
   * stops serving queries is no problem: its binlog still streams (a reshard's source primary
   * keeps streaming up to its journal after its query service is disabled).
   */
  private async watchHealth(tablet: PickedTablet, signal: AbortSignal): Promise<string | undefined> {
    try {
      for await (const h of tablet.queryService.streamHealth(signal)) {
        const problem = healthProblem(h, this.host.tabletType, tablet.aliasString);
        if (problem !== undefined) return problem;
      }
    } catch (err) {
      return signal.aborted ? undefined : `health check failed on ${tablet.aliasString}: ${(err as Error).message}`;
    }
    return signal.aborted ? undefined : `health check failed on ${tablet.aliasString}`;
  }

  /**
   * Sorts one tablet batch into the open transaction, sending the transaction when it ends.
   * Returns the journal the shard joined, if one ends the shard's stream (the rest of the batch
   * and the open transaction are then dropped).
   */
  private async handleBatch(events: VEvent[], signal: AbortSignal): Promise<JournalEvent | undefined> {
    const qualify = !this.host.flags.exclude_keyspace_from_table_name;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      switch (event.type) {
        case VEventType.FIELD:
          this.current.push(qualify ? qualifyFieldEvent(event, this.sgtid.keyspace) : event);
          break;
        case VEventType.ROW:
          this.current.push(qualify ? qualifyRowEvent(event, this.sgtid.keyspace) : event);
          break;
        case VEventType.COMMIT:
        case VEventType.DDL:
        case VEventType.OTHER:
          this.current.push(event);
          await this.sendTransaction(event, signal);
          break;
        case VEventType.COPY_COMPLETED: {
          this.current.push(event);
          const fullyCopied = this.host.copyCompleted(event);
          if (fullyCopied) this.current.push(fullyCopied);
          await this.sendTransaction(event, signal);
          break;
        }
        case VEventType.HEARTBEAT:
          await this.host.align(this.sgtid, event, signal);
          break;
        case VEventType.JOURNAL: {
          const { joined, next } = await this.handleJournal(events, i, signal);
          if (joined) {
            this.held = [];
            this.current = [];
            return joined;
          }
          i = next - 1;
          break;
        }
        default:
          this.current.push(event);
      }
    }
    if (this.current.length > 0) {
      this.held.push(this.current);
      this.current = [];
    }
    return undefined;
  }

  /**
   * The JOURNAL at `events[index]`. A SHARDS journal goes to the client only with
   * include_reshard_journal_events or stop_on_reshard: then it and the rest of its transaction in
   * this batch (normally GTID, COMMIT) are sent at once, as `[BEGIN, JOURNAL, VGTID, COMMIT]`.
   * Otherwise the JOURNAL is dropped. Then the shard joins the journal. Returns the journal joined
   * (undefined if the stream ignores it) and the index of the next event to handle.
   */
  private async handleJournal(events: VEvent[], index: number, signal: AbortSignal): Promise<{ joined: JournalEvent | undefined; next: number }> {
    const event = events[index]!;
    const journal = event.journal!;
    const { flags } = this.host;
    let next = index + 1;
    if ((flags.include_reshard_journal_events || flags.stop_on_reshard) && journal.migration_type === MigrationType.SHARDS) {
      this.current.push(event);
      while (next < events.length) {
        const e = events[next++]!;
        this.current.push(e);
        if (e.type === VEventType.COMMIT) break;
      }
      await this.sendTransaction(this.current.at(-1)!, signal);
    }
    return { joined: this.host.joinJournal(this.sgtid, journal), next };
  }

  /** Closes the open transaction with `last` and hands all its batches to the host. */
  private async sendTransaction(last: VEvent, signal: AbortSignal): Promise<void> {
    this.held.push(this.current);
    const batches = this.held;
    this.held = [];
    this.current = [];
    await this.host.align(this.sgtid, last, signal);
    await this.host.send(this.sgtid, batches);
  }
}

/** Splits VStreamFlags.cells (`zone1, zone2`) into trimmed, non-empty cell names. */
export function splitCells(cells: string): string[] {
  return cells
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
}

/** What makes a streaming tablet unusable, or undefined if it is fine. */
function healthProblem(h: StreamHealthResponse, tabletType: TabletType, alias: string): string | undefined {
  if (h.target.tablet_type !== tabletType) {
    return `tablet ${alias} type has changed from ${TabletType[tabletType]} to ${TabletType[h.target.tablet_type]}, restarting vstream`;
  }
  if (h.realtime_stats?.health_error) return `tablet ${alias} is no longer healthy: ${h.realtime_stats.health_error}, restarting vstream`;
  return undefined;
}

function qualifyFieldEvent(event: VEvent, keyspace: string): VEvent {
  const fe = event.field_event!;
  return { ...event, field_event: { ...fe, table_name: `${keyspace}.${fe.table_name}` } };
}

function qualifyRowEvent(event: VEvent, keyspace: string): VEvent {
  const re = event.row_event!;
  return { ...event, row_event: { ...re, table_name: `${keyspace}.${re.table_name}` } };
}

/** The promise's value, or ABORTED as soon as the signal aborts (a later rejection of the promise is ignored). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.resolve(ABORTED);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
