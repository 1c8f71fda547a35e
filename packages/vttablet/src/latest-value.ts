/**
 * LatestValue: a value that changes over time and can be watched as an async iterable. A watcher
 * gets the current value at once, then the newest value after each change; a slow watcher skips
 * intermediate values instead of queueing them, so watchers never hold memory for the writer.
 */
export class LatestValue<T> {
  private version = 0;
  private wake: (() => void) | undefined;
  private wakeup: Promise<void>;
  private closed = false;

  constructor(private current: T) {
    this.wakeup = new Promise((resolve) => (this.wake = resolve));
  }

  /** The current value. */
  get(): T {
    return this.current;
  }

  /** Replaces the value and wakes every watcher. Ignored after close(). */
  set(value: T): void {
    if (this.closed) return;
    this.current = value;
    this.version++;
    this.signal();
  }

  /** Ends every watch (each returns after delivering nothing more). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signal();
  }

  /** Yields the current value, then the latest value after each change, until the signal aborts or close(). */
  async *watch(signal: AbortSignal): AsyncGenerator<T> {
    let seen = -1;
    const aborted = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    while (!signal.aborted) {
      if (seen !== this.version) {
        seen = this.version;
        yield this.current;
        continue;
      }
      if (this.closed) return;
      await Promise.race([this.wakeup, aborted]);
    }
  }

  private signal(): void {
    const wake = this.wake!;
    this.wakeup = new Promise((resolve) => (this.wake = resolve));
    wake();
  }
}
