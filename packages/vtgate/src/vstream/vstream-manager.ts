/**
 * VStreamManager: vtgate's VStream API (Vitess's `vstreamManager`). Each call resolves the request
 * against the cell's serving graph and runs a {@link VStream} over the shards' tablets, reached only
 * through their QueryService.
 */
import { SeededRandom, type Clock, type Random } from '@vtsim/binlog';
import type { VStreamRequest, VStreamResponse } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import type { TabletDialer } from '@vtsim/vttablet';
import { resolveVStreamParams } from './resolve-params.js';
import { TabletPicker, type TabletPickerTiming } from './tablet-picker.js';
import { VStream } from './vstream.js';

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
}

/** Serves VStream requests. Holds no per-stream state, so any number of streams run at once. */
export class VStreamManager {
  private readonly picker: TabletPicker;

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
    const stream = new VStream(params, {
      topo: this.deps.topo,
      cell: this.deps.cell,
      picker: this.picker,
      clock: this.deps.clock,
      skewTimeoutMs: this.deps.skewTimeoutMs,
    });
    yield* stream.run(signal);
  }
}
