/**
 * WatchChannel: the queue between a Conn's change notifications (pushed from its store's or its
 * server's callbacks) and the consumer iterating the Conn's watch, which ends at the first error.
 */
import type { WatchData } from './conn.js';

/** An unbounded queue of watch data with one waiting consumer; see the module comment. */
export class WatchChannel {
  private readonly queue: WatchData[];
  private wake: (() => void) | null = null;

  /** Starts with the watched file's current value. */
  constructor(first: WatchData) {
    this.queue = [first];
  }

  /** Queues a change (or the error that ends the watch) and wakes the consumer. */
  push(data: WatchData): void {
    this.queue.push(data);
    this.wake?.();
  }

  /** Yields what was pushed, in order, up to and including the first error. */
  async *drain(): AsyncGenerator<WatchData> {
    for (;;) {
      while (this.queue.length === 0) await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
      const data = this.queue.shift()!;
      yield data;
      if (data.err) return;
    }
  }
}
