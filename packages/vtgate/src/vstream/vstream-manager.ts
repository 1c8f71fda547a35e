/**
 * VStreamManager: vtgate's VStream API (Vitess's `vstreamManager`). Each call resolves the request
 * against the cell's serving graph and runs a {@link VStream} over the shards' tablets, reached only
 * through their QueryService.
 */
import { SeededRandom, noopLogger, type Clock, type Logger, type Random } from '@vtsim/binlog';
import { Code, VtError, type VStreamRequest, type VStreamResponse } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import type { TabletDialer } from '@vtsim/vttablet';
import { resolveVStreamParams } from './resolve-params.js';
import { TabletPicker, type TabletPickerTiming } from './tablet-picker.js';
import { VStream } from './vstream.js';
import { VStreamCounters } from './vstream-counters.js';
import type { VStreamStatus } from './vstream-status.js';

/** What the manager is built from. */
export interface VStreamManagerDeps {
  topo: TopoServer;
  /** vtgate's cell: the default cell for tablets, and where the serving graph is read. */
  cell: string;
  dialer: TabletDialer;
  /** Time of vtgate heartbeats and of minimize_skew. */
  clock: Clock;
  /** Order among equally good tablets; default a SeededRandom seeded with `vstream`. */
  random?: Random;
  /** Tablet-picker retry interval and timeout (defaults 1 s and 90 s). */
  tabletPicker?: TabletPickerTiming;
  /** How long minimize_skew lets a stream wait for the laggard; default 600 000 ms. */
  skewTimeoutMs?: number;
  /** Where a stream logs its move to new shards at a reshard's journal; default nothing. */
  logger?: Logger;
}

/** Serves VStream requests; any number of streams run at once. */
export class VStreamManager {
  private readonly picker: TabletPicker;
  /** The streams running now. */
  private readonly streams = new Set<VStream>();
  /** How many VStreams were started: the last one's id. */
  private started = 0;
  /** The VStream variables of `/debug/vars` (VStreamsCreated, VStreamsCount, VStreamsEndedWithErrors). */
  readonly counters = new VStreamCounters();

  constructor(private readonly deps: VStreamManagerDeps) {
    this.picker = new TabletPicker(deps.topo, deps.cell, deps.dialer, deps.random ?? new SeededRandom('vstream'), deps.tabletPicker);
  }

  /**
   * Streams the changes the request asks for (vtgate.VStreamRequest → vtgate.VStreamResponse),
   * pulling from tablets only as the caller pulls. Ends normally when the signal aborts; otherwise
   * throws a VtError with Vitess's code and message: INVALID_ARGUMENT/UNAVAILABLE/INTERNAL from
   * request resolution (`failed to resolve vstream parameters: …`), or the first shard stream's
   * error (`error starting stream from shard GTID …: …`, e.g. FAILED_PRECONDITION for an unknown
   * shard, the tablet's code for a bad filter or position). To stop a stream, abort the signal: like
   * any async generator, an early `return()` only takes effect between two pulls.
   */
  async *vstream(request: VStreamRequest, signal: AbortSignal): AsyncGenerator<VStreamResponse> {
    const params = await resolveVStreamParams(request, this.deps);
    const id = ++this.started;
    const stream = new VStream(params, {
      id,
      logger: this.deps.logger ?? noopLogger,
      counters: this.counters,
      topo: this.deps.topo,
      cell: this.deps.cell,
      picker: this.picker,
      clock: this.deps.clock,
      skewTimeoutMs: this.deps.skewTimeoutMs,
    });
    this.streams.add(stream);
    try {
      yield* stream.run(signal);
    } finally {
      this.streams.delete(stream);
    }
  }

  /** How many VStreams are running now. */
  get openStreams(): number {
    return this.streams.size;
  }

  /** Every running VStream as a snapshot (request, VGtid now, counters), oldest first. */
  streamStatus(): VStreamStatus[] {
    return [...this.streams].map((stream) => stream.status());
  }

  /**
   * Ends every running VStream with a VtError of `code` and `message` (the fault `drop-vstreams`:
   * each client's call ends with that status, as when vtgate loses its streams). Returns how many
   * streams were ended. Throws INVALID_ARGUMENT for code OK, which ends no stream with an error.
   */
  dropAll(code: Code, message: string): number {
    if (code === Code.OK) throw new VtError(Code.INVALID_ARGUMENT, 'a VStream cannot be dropped with code OK');
    const streams = [...this.streams];
    for (const s of streams) s.drop(new VtError(code, message));
    return streams.length;
  }
}
