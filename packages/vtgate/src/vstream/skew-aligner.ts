/**
 * SkewAligner: VStreamFlags.minimize_skew. Each shard stream reports the time of its latest event
 * (the binlog timestamp, corrected by how far the tablet's clock is from vtgate's); when the
 * newest and the oldest stream are more than {@link MAX_SKEW_SECONDS} apart, the oldest becomes
 * the laggard and streams that are ahead wait before sending their next transaction until the
 * laggard catches up. Events without a timestamp (copy phase) are ignored; heartbeats update a
 * stream's time but never wait.
 */
import type { Clock } from '@vtsim/binlog';
import { Code, VEventType, VtError, type VEvent } from '@vtsim/proto';
import { deadline, type Deadline } from './sleep.js';
import { canceledError } from './vstream-error.js';

/** The skew (seconds) beyond which streams are held back: two round-offs of second-precision timestamps. */
export const MAX_SKEW_SECONDS = 2;

/** Aligns the shard streams of one VStream. */
export class SkewAligner {
  private readonly times = new Map<string, number>();
  private laggard = '';
  private caughtUp: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;

  /** `timeoutMs`: how long a stream may wait for the laggard (Vitess: 600 s). */
  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs = 600_000,
  ) {}

  /**
   * Records `event` for stream `streamId` (`<keyspace>/<shard>`) and resolves once the stream may
   * send. Rejects with CANCELED `timed out while waiting for skew to reduce for stream …` after the
   * timeout, or `context canceled` when the signal aborts.
   */
  async align(streamId: string, event: VEvent, signal: AbortSignal): Promise<void> {
    if (!event.timestamp) return;
    let limit: Deadline | undefined;
    try {
      while (this.record(streamId, event) && event.type !== VEventType.HEARTBEAT) {
        limit ??= deadline(signal, this.timeoutMs);
        await waitFor(this.caughtUp, limit.signal);
        if (signal.aborted) throw canceledError();
        if (limit.expired) throw new VtError(Code.CANCELED, `timed out while waiting for skew to reduce for stream ${streamId}`);
      }
    } finally {
      limit?.dispose();
    }
  }

  /** Updates the stream's time and the laggard; true if this stream must wait. */
  private record(streamId: string, event: VEvent): boolean {
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const sentSeconds = event.current_time ? Number(BigInt(event.current_time) / 1_000_000_000n) : nowSeconds;
    this.times.set(streamId, nowSeconds - (sentSeconds - event.timestamp!));
    if (this.times.size <= 1) return false;
    let min = Infinity;
    let max = -Infinity;
    let slowest = '';
    for (const [id, t] of this.times) {
      if (t < min) {
        min = t;
        slowest = id;
      }
      if (t > max) max = t;
    }
    if (this.laggard !== '') {
      if (max - min <= MAX_SKEW_SECONDS) {
        this.laggard = '';
        this.release();
      }
    } else if (max - min > MAX_SKEW_SECONDS) {
      this.laggard = slowest;
      this.caughtUp = new Promise((resolve) => (this.release = resolve));
    }
    if (this.laggard === '' || this.laggard === streamId) return false;
    return this.times.get(streamId)! - min > MAX_SKEW_SECONDS;
  }
}

/** Resolves when `promise` settles or `signal` aborts. */
function waitFor(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', done, { once: true });
    void promise.then(done);
  });
}
