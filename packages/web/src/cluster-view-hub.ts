/**
 * ClusterViewHub: keeps the browsers watching the live view up to date. Each new watcher gets the
 * whole view (`snapshot`); while any watches, the hub reads the cluster's sections every
 * `intervalMs` (and soon after each timeline entry) and sends only the sections that changed
 * (`section`), and each timeline entry as it is recorded (`timeline`). Nothing is read while
 * nobody watches, and the browsers never poll.
 */
import type { ClusterView, SampledSection } from './cluster-view.js';
import { ClusterViewReader, SAMPLED_SECTIONS } from './cluster-view.js';
import type { ClusterViewSource, TimelineEntry } from './view-source.js';

/** A message to one watcher: the whole view, one changed section, or a new timeline entry. */
export type ViewMessage =
  | { event: 'snapshot'; data: ClusterView }
  | { event: 'section'; data: { name: SampledSection; value: unknown } }
  | { event: 'timeline'; data: TimelineEntry };

/** How often the hub reads the cluster. */
export interface ClusterViewHubOptions {
  /** Between two reads of the sections while someone watches; default 1000 ms. */
  intervalMs?: number;
  /** After a timeline entry, the sections are read again this soon; default 100 ms. */
  settleMs?: number;
  /** The time, ms since the epoch (events per second); default Date.now. */
  now?: () => number;
}

/** Pushes a cluster's view to its watchers. */
export class ClusterViewHub {
  private readonly reader: ClusterViewReader;
  private readonly watchers = new Set<(message: ViewMessage) => void>();
  /** The JSON of each section as last sent. */
  private readonly sent = new Map<SampledSection, string>();
  private readonly intervalMs: number;
  private readonly settleMs: number;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(private readonly source: ClusterViewSource, opts: ClusterViewHubOptions = {}) {
    this.reader = new ClusterViewReader(source, opts.now ?? Date.now);
    this.intervalMs = opts.intervalMs ?? 1000;
    this.settleMs = opts.settleMs ?? 100;
  }

  /** How many watch now. */
  get watching(): number {
    return this.watchers.size;
  }

  /**
   * Adds a watcher: `send` gets the whole view first, then the changes, until the returned function
   * is called. Rejects (adding nothing) when the view cannot be read.
   */
  async watch(send: (message: ViewMessage) => void): Promise<() => void> {
    const view = await this.reader.read();
    send({ event: 'snapshot', data: view });
    this.watchers.add(send);
    // The first watcher's snapshot is what was last sent: the next read sends only changes.
    if (this.watchers.size === 1) {
      for (const name of SAMPLED_SECTIONS) this.sent.set(name, JSON.stringify(view[name]));
      this.start();
    }
    return () => {
      if (this.watchers.delete(send) && this.watchers.size === 0) this.stop();
    };
  }

  /** Stops reading and forgets every watcher. */
  close(): void {
    this.watchers.clear();
    this.stop();
  }

  private start(): void {
    this.unsubscribe = this.source.timeline.subscribe((entry) => {
      this.broadcast({ event: 'timeline', data: entry });
      setTimeout(() => this.refresh(), this.settleMs).unref();
    });
    this.timer = setInterval(() => this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.sent.clear();
  }

  /** Reads the sections and sends those that changed; a read asked for during one runs after it. */
  private refresh(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readSections().finally(() => {
      this.reading = undefined;
      if (this.again && this.watchers.size > 0) {
        this.again = false;
        this.refresh();
      }
    });
  }

  private async readSections(): Promise<void> {
    for (const name of SAMPLED_SECTIONS) {
      if (this.watchers.size === 0) return;
      // A section that cannot be read now (a shard being deleted, say) is read again next time.
      const value = await this.reader.section(name).catch(() => undefined);
      if (value === undefined) continue;
      const json = JSON.stringify(value);
      if (this.sent.get(name) === json) continue;
      this.sent.set(name, json);
      this.broadcast({ event: 'section', data: { name, value } });
    }
  }

  private broadcast(message: ViewMessage): void {
    for (const send of this.watchers) send(message);
  }
}
