/**
 * LatestValue: a value that changes over time and can be watched as an async iterable. A watcher
 * gets the current value at once, then the newest value after each change; a slow watcher skips
 * intermediate values instead of queueing them, so watchers never hold memory for the writer.
 */
export class LatestValue<T> {
  private version = 0;
  /** The watchers waiting for a change; each removes itself when woken or aborted. */
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(private current: T) {}

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
    while (!signal.aborted) {
      if (seen !== this.version) {
        seen = this.version;
        yield this.current;
        continue;
      }
      if (this.closed) return;
      await this.changeOrAbort(signal);
    }
  }

  /**
   * Resolves at the next change or close, or when `signal` aborts, whichever comes first, and
   * leaves nothing registered behind: a watcher that ends between changes releases everything at
   * once (racing a long-lived promise would leave a reaction on it per ended watcher, and one on
   * the abort promise per change for a watcher that lives on).
   */
  private changeOrAbort(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private signal(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
