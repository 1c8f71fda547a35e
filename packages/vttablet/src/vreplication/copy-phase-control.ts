/**
 * CopyPhaseControl: the two knobs of VReplication's copy phase that vtsim's faults turn, shared by
 * the VReplication engines of every tablet of a cluster: a copy throttle (each copying stream
 * copies at most N rows per second) and the end of a workflow's copy cycle, as Vitess's
 * `vreplication_copy_phase_duration` expiring ends it: the stream stops copying, keeps the rows and
 * last PKs it committed, and copies on from those last PKs (after catching up with the source).
 */

/** See the module comment. One per cluster; engines read it on every copy batch. */
export class CopyPhaseControl {
  private limit: number | undefined;
  /** Interrupt callbacks of the streams copying now, by workflow. */
  private readonly copying = new Map<string, Set<() => void>>();

  /** The copy throttle in rows per second per stream; undefined when copies are not throttled. */
  get rowsPerSecond(): number | undefined {
    return this.limit;
  }

  /** Sets (a positive number) or lifts (undefined) the copy throttle. Throws RangeError for a non-positive or non-finite rate. */
  setRowsPerSecond(rows: number | undefined): void {
    if (rows !== undefined && !(Number.isFinite(rows) && rows > 0)) throw new RangeError(`rows per second must be a positive number, not ${rows}`);
    this.limit = rows;
  }

  /**
   * Waits as long as copying `rows` rows takes under the throttle (at once when there is none or
   * `rows` is 0); returns early when the signal aborts.
   */
  async throttle(rows: number, signal: AbortSignal): Promise<void> {
    const limit = this.limit;
    if (limit === undefined || rows <= 0 || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, (rows / limit) * 1000);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
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
