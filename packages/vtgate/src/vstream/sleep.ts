/** Timed waits for the VStream machinery (tablet-picker retries, heartbeats, skew timeouts). */

/** Resolves after `ms` milliseconds, or as soon as the signal aborts (never rejects). The timer never keeps the process alive. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
  });
}
