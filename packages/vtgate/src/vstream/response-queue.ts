/**
 * ResponseQueue: the hand-off between a VStream's shard streams and its one consumer (Vitess's
 * unbuffered `eventCh` plus the lock held by `sendAll`). A shard stream pushes the batches of one
 * complete transaction; the consumer takes them one batch at a time, so one shard's transaction
 * goes out as consecutive responses, never interleaved with another's. The push resolves only when
 * the consumer has taken the last batch, so each shard stream holds at most one transaction and
 * pulls from its tablet only as fast as the consumer pulls: memory stays bounded by the number of
 * shards.
 */
import type { VEvent } from '@vtsim/proto';

interface Entry {
  batches: VEvent[][];
  next: number;
  taken: () => void;
}

/** How a wait for work ended. */
export type WaitResult = 'work' | 'idle';

/** Batches waiting for the consumer, in push order. */
export class ResponseQueue {
  private readonly entries: Entry[] = [];
  private waiter: (() => void) | undefined;
  private closed = false;

  /**
   * Queues one transaction's batches (each becomes one response, in order). Resolves once the
   * consumer has taken the last one, or at once (dropping them) when the queue is closed.
   */
  push(batches: VEvent[][]): Promise<void> {
    if (this.closed || batches.length === 0) return Promise.resolve();
    return new Promise((taken) => {
      this.entries.push({ batches, next: 0, taken });
      this.notify();
    });
  }

  /** The next batch for the consumer, or undefined when none is waiting. */
  shift(): VEvent[] | undefined {
    const entry = this.entries[0];
    if (!entry) return undefined;
    const batch = entry.batches[entry.next++]!;
    if (entry.next === entry.batches.length) {
      this.entries.shift();
      entry.taken();
    }
    return batch;
  }

  /**
   * Resolves `'work'` when a batch is waiting, {@link notify} is called or the signal aborts, and
   * `'idle'` when `idleMs` (if positive) passes first. One waiter at a time (the consumer).
   */
  wait(signal: AbortSignal, idleMs: number): Promise<WaitResult> {
    if (this.entries.length > 0 || this.closed || signal.aborted) return Promise.resolve('work');
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (result: WaitResult): void => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiter = undefined;
        resolve(result);
      };
      const onAbort = (): void => finish('work');
      this.waiter = onAbort;
      if (idleMs > 0) timer = setTimeout(() => finish('idle'), idleMs);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Wakes the consumer's wait (a push, an error, the end of a shard stream). */
  notify(): void {
    this.waiter?.();
  }

  /** Drops every queued batch, resolves every pending push and refuses new ones. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.entries.splice(0)) entry.taken();
    this.notify();
  }
}
