/**
 * CopyPhaseControl: the two knobs of VReplication's copy phase that vtsim's faults turn, shared by
 * the VReplication engines of every tablet of a cluster: a copy throttle (each copying stream
 * copies at most N rows per second) and the end of a workflow's copy cycle, as Vitess's
 * `vreplication_copy_phase_duration` expiring ends it: the stream stops copying, keeps the rows and
 * last PKs it committed, and copies on from those last PKs (after catching up with the source).
 */

/** The time the copy throttle reads and waits on: real timers by default, a manual clock in tests. */
export interface CopyTimers {
  /** Milliseconds, on any fixed origin. */
  now(): number;
  /** Resolves after `ms` milliseconds, or as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** How much of the time between two takes a pacer credits to the rows of the second (their applying). */
const CREDIT_MS = 100;

/**
 * Resolves after `ms`, or at once when `signal` aborts (never rejects): the wait between a stream's
 * retries, and the copy pacer's real sleep.
 */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** setTimeout and performance.now(). */
const realTimers: CopyTimers = {
  now: () => performance.now(),
  sleep: delay,
};

/**
 * One copying stream's share of the copy throttle: it paces the rows the stream copies so that,
 * once a take returns, the stream has copied at most `rate × the time since its first take` rows,
 * and over any stretch of takes at most `rate × (its duration + 100 ms)`. Up to 100 ms spent
 * applying rows between two takes counts towards the wait, so that the stream copies at the rate,
 * not below it; longer idle time is not saved up for a burst.
 */
export interface CopyPacer {
  /**
   * Accounts for `rows` rows just copied and waits until the rate allows them (at once when there
   * is no throttle); returns early when `signal` aborts.
   */
  take(rows: number, signal: AbortSignal): Promise<void>;
}

/** See the module comment. One per cluster; engines read it on every copy batch. */
export class CopyPhaseControl {
  private limit: number | undefined;
  /** Interrupt callbacks of the streams copying now, by workflow. */
  private readonly copying = new Map<string, Set<() => void>>();

  /** `timers`: what the throttle waits with (real timers by default). */
  constructor(private readonly timers: CopyTimers = realTimers) {}

  /** The copy throttle in rows per second per stream; undefined when copies are not throttled. */
  get rowsPerSecond(): number | undefined {
    return this.limit;
  }

  /** Sets (a positive number) or lifts (undefined) the copy throttle. Throws RangeError for a non-positive or non-finite rate. */
  setRowsPerSecond(rows: number | undefined): void {
    if (rows !== undefined && !(Number.isFinite(rows) && rows > 0)) throw new RangeError(`rows per second must be a positive number, not ${rows}`);
    this.limit = rows;
  }

  /** A pacer for one copying stream (see {@link CopyPacer}); the throttle's rate is read at each take. */
  pacer(): CopyPacer {
    // When the stream may next copy: rows taken push it on by rows/rate. Up to CREDIT_MS of the
    // time since the last take counts (the rows were being applied then); longer idle time is not
    // saved up for a burst.
    let due: number | undefined;
    return {
      take: async (rows, signal) => {
        const limit = this.limit;
        if (limit === undefined || rows <= 0 || signal.aborted) {
          due = undefined;
          return;
        }
        const now = this.timers.now();
        due = Math.max(due ?? now, now - CREDIT_MS) + (rows / limit) * 1000;
        if (due > now) await this.timers.sleep(due - now, signal);
      },
    };
  }

  /** Registers a stream of `workflow` that is copying; `interrupt` ends its copy cycle. Returns the unregister function. */
  copyStarted(workflow: string, interrupt: () => void): () => void {
    let set = this.copying.get(workflow);
    if (!set) this.copying.set(workflow, (set = new Set()));
    set.add(interrupt);
    return () => {
      set.delete(interrupt);
      if (set.size === 0 && this.copying.get(workflow) === set) this.copying.delete(workflow);
    };
  }

  /** Ends the copy cycle of every stream of `workflow` copying now; returns how many there were. */
  interrupt(workflow: string): number {
    const callbacks = [...(this.copying.get(workflow) ?? [])];
    for (const cb of callbacks) cb();
    return callbacks.length;
  }

  /** The workflows with a stream copying now, sorted. */
  copyingWorkflows(): string[] {
    return [...this.copying.keys()].sort();
  }
}
