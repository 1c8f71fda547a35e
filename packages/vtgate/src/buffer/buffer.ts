/**
 * Buffer: holds statements for a shard whose primary stopped serving for a planned cutover
 * (Vitess's vtgate `--enable-buffer`), until the serving graph changes (a new SrvKeyspace
 * partition, routing rules, denied tables, a new primary); the executor then plans them again and
 * sends them where the graph now says. Each statement waits at most the buffer window in total;
 * a shard buffers for at most the maximum failover duration; at most `size` statements wait at
 * once across all shards.
 */
import type { SqlError } from '@vtsim/proto';
import {
  bufferFullError,
  bufferShutDownError,
  entryEvictedError,
  failoverTooLongError,
  windowExpiredError,
} from './failover-error.js';

/** The buffer's settings (Vitess's `--enable-buffer`, `--buffer-window`, `--buffer-max-failover-duration`, `--buffer-size`, `--buffer-min-time-between-failovers`). */
export interface BufferConfig {
  enabled: boolean;
  /** Longest a statement waits in total, over all its failovers, in ms. */
  windowMs: number;
  /** Longest a shard buffers without the serving graph changing, in ms; then its waiting statements fail. */
  maxFailoverDurationMs: number;
  /** Most statements waiting at once, all shards together. */
  size: number;
  /** After buffering stopped for a too-long failover, how long the shard does not buffer again (unless the graph changes), in ms. */
  minTimeBetweenFailoversMs: number;
}

/** Vitess's defaults, buffering off (as `vtgate` without `--enable-buffer`). */
export const DEFAULT_BUFFER_CONFIG: Readonly<BufferConfig> = {
  enabled: false,
  windowMs: 10_000,
  maxFailoverDurationMs: 20_000,
  size: 1000,
  minTimeBetweenFailoversMs: 60_000,
};

/** What a shard's buffer is doing. */
export type ShardBufferState = 'idle' | 'buffering' | 'stopped';

interface Entry {
  shard: ShardBuffer;
  cause: SqlError;
  resolve(): void;
  reject(err: SqlError): void;
}

interface ShardBuffer {
  keyspace: string;
  shard: string;
  state: ShardBufferState;
  queue: Entry[];
  timer: NodeJS.Timeout | undefined;
}

/**
 * One statement's buffering budget: its window starts at its first wait and spans all its
 * retries. The executor makes one per statement that meets a failover and disposes it when the
 * statement ends.
 */
export class BufferedRequest {
  /** The window ran out: the next failover fails the statement. */
  expired = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onExpire: (req: BufferedRequest) => void) {}

  /** Starts the window on the first wait; later calls do nothing. */
  startWindow(ms: number): void {
    if (this.timer || this.expired) return;
    this.timer = setTimeout(() => {
      this.expired = true;
      this.onExpire(this);
    }, ms);
    this.timer.unref();
  }

  /** Stops the window's timer. Idempotent. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

/** The buffers of every shard of one vtgate. */
export class Buffer {
  readonly config: Readonly<BufferConfig>;
  private readonly shards = new Map<string, ShardBuffer>();
  /** The entry of each statement waiting now. */
  private readonly waiting = new Map<BufferedRequest, Entry>();
  private epochValue = 0;
  private queued = 0;
  private buffered = 0;
  private closed = false;

  constructor(config: Partial<BufferConfig> = {}) {
    this.config = { ...DEFAULT_BUFFER_CONFIG, ...config };
  }

  /** True if statements are buffered at all. */
  get enabled(): boolean {
    return this.config.enabled && !this.closed;
  }

  /**
   * The serving graph's epoch: it changes on every {@link servingGraphChanged}. A statement notes
   * it before an attempt, so that a change between its failure and its wait is not missed.
   */
  get epoch(): number {
    return this.epochValue;
  }

  /** Statements waiting now, all shards together. */
  get bufferedCount(): number {
    return this.queued;
  }

  /** Waits started so far, all shards together (Vitess's BufferRequestsBuffered). */
  get requestsBuffered(): number {
    return this.buffered;
  }

  /** What the buffer of a shard is doing. */
  shardState(keyspace: string, shard: string): ShardBufferState {
    return this.shards.get(`${keyspace}/${shard}`)?.state ?? 'idle';
  }

  /** Starts the buffering of one statement; dispose it when the statement ends. */
  newRequest(): BufferedRequest {
    return new BufferedRequest((req) => this.expire(req));
  }

  /**
   * Waits until the serving graph changes after a statement attempted in `attemptEpoch` failed on
   * `keyspace/shard` with the failover error `cause`. Resolves when the statement should be
   * planned and sent again (at once if the graph already changed since the attempt, unless its
   * window is spent). Rejects with
   * `cause` if buffering is off, and with a retriable UNAVAILABLE error (errno 1105) when the
   * statement's window is spent, the shard's failover lasted too long, the buffer is full (the
   * shard's oldest waiting statement is evicted to make room, or this one fails if the shard
   * has none waiting) or vtgate shuts down.
   */
  wait(keyspace: string, shard: string, cause: SqlError, req: BufferedRequest, attemptEpoch: number): Promise<void> {
    if (!this.enabled) return Promise.reject(cause);
    const c = this.config;
    if (req.expired) return Promise.reject(windowExpiredError(keyspace, shard, c.windowMs, cause));
    if (attemptEpoch !== this.epochValue) return Promise.resolve();
    const sb = this.shardBuffer(keyspace, shard);
    if (sb.state === 'stopped') return Promise.reject(failoverTooLongError(keyspace, shard, c.maxFailoverDurationMs, cause));
    if (sb.state === 'idle') this.startBuffering(sb);
    if (this.queued >= c.size) {
      const evicted = sb.queue.shift();
      if (!evicted) return Promise.reject(bufferFullError());
      this.queued--;
      evicted.reject(entryEvictedError());
    }
    req.startWindow(c.windowMs);
    return new Promise<void>((resolve, reject) => {
      const entry: Entry = {
        shard: sb,
        cause,
        resolve: () => {
          this.waiting.delete(req);
          resolve();
        },
        reject: (err) => {
          this.waiting.delete(req);
          reject(err);
        },
      };
      this.waiting.set(req, entry);
      sb.queue.push(entry);
      this.queued++;
      this.buffered++;
    });
  }

  /**
   * The serving graph changed for a keyspace (all keyspaces if omitted): every statement waiting
   * on its shards is released to be planned again, and those shards leave their failover state.
   */
  servingGraphChanged(keyspace?: string): void {
    this.epochValue++;
    for (const sb of this.shards.values()) {
      if (keyspace !== undefined && sb.keyspace !== keyspace) continue;
      if (sb.state === 'idle') continue;
      this.setIdle(sb);
      const waiting = sb.queue;
      sb.queue = [];
      this.queued -= waiting.length;
      for (const e of waiting) e.resolve();
    }
  }

  /** Fails every waiting statement and stops buffering. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const sb of this.shards.values()) {
      this.setIdle(sb);
      const waiting = sb.queue;
      sb.queue = [];
      for (const e of waiting) e.reject(bufferShutDownError(e.cause));
    }
    this.queued = 0;
  }

  private shardBuffer(keyspace: string, shard: string): ShardBuffer {
    const key = `${keyspace}/${shard}`;
    let sb = this.shards.get(key);
    if (!sb) {
      sb = { keyspace, shard, state: 'idle', queue: [], timer: undefined };
      this.shards.set(key, sb);
    }
    return sb;
  }

  private startBuffering(sb: ShardBuffer): void {
    sb.state = 'buffering';
    sb.timer = setTimeout(() => this.failoverTooLong(sb), this.config.maxFailoverDurationMs);
    sb.timer.unref();
  }

  /** The maximum failover duration passed with no change to the graph: fail the waiting statements and pause buffering. */
  private failoverTooLong(sb: ShardBuffer): void {
    sb.timer = undefined;
    if (sb.queue.length === 0) {
      sb.state = 'idle';
      return;
    }
    sb.state = 'stopped';
    const waiting = sb.queue;
    sb.queue = [];
    this.queued -= waiting.length;
    for (const e of waiting) e.reject(failoverTooLongError(sb.keyspace, sb.shard, this.config.maxFailoverDurationMs, e.cause));
    sb.timer = setTimeout(() => this.setIdle(sb), this.config.minTimeBetweenFailoversMs);
    sb.timer.unref();
  }

  private setIdle(sb: ShardBuffer): void {
    if (sb.timer) clearTimeout(sb.timer);
    sb.timer = undefined;
    sb.state = 'idle';
  }

  /** A statement's window ran out: if it is waiting, it fails now. */
  private expire(req: BufferedRequest): void {
    const e = this.waiting.get(req);
    if (!e) return;
    const i = e.shard.queue.indexOf(e);
    if (i < 0) return;
    e.shard.queue.splice(i, 1);
    this.queued--;
    e.reject(windowExpiredError(e.shard.keyspace, e.shard.shard, this.config.windowMs, e.cause));
  }
}
