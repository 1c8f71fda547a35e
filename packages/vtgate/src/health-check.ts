/**
 * HealthCheck: discovers the tablets of vtgate's cell from the topology, follows each tablet's
 * health stream, and keeps the serving tablets per (keyspace, shard, tablet type), as Vitess's
 * discovery.HealthCheck does.
 */
import { TabletType, tabletAliasString, type Tablet, type TabletAlias, type Target } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import type { QueryService, RealtimeStats, TabletDialer } from '@vtsim/vttablet';

/** What the health check knows about one tablet. */
export interface TabletHealth {
  alias: TabletAlias;
  /** `zone1-0000000100`. */
  aliasString: string;
  /** The tablet's topology record as last read. */
  tablet: Tablet;
  /** Keyspace, shard and type from the latest health report (the topo record's until the first report). */
  target: Target;
  serving: boolean;
  /** Seconds since the epoch when the tablet became primary; 0 for non-primaries. */
  primaryTermStartTime: number;
  stats: RealtimeStats | null;
  /** The last health-stream failure, '' if none. */
  lastError: string;
  queryService: QueryService;
}

interface Follower {
  health: TabletHealth;
  abort: AbortController;
  ended: boolean;
  firstReport: Promise<void>;
}

/**
 * Follows the health of every tablet of one cell. {@link refresh} re-reads the tablet list from the
 * topology (new tablets are followed, vanished ones dropped, ended streams re-dialed); the owner
 * calls it periodically. Listeners registered with {@link onChange} run after every change.
 */
export class HealthCheck {
  private readonly followers = new Map<string, Follower>();
  private byTarget = new Map<string, TabletHealth[]>();
  private readonly listeners = new Set<() => void>();
  private closed = false;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly topo: TopoServer,
    readonly cell: string,
    private readonly dialer: TabletDialer,
  ) {}

  /**
   * Re-reads the cell's tablets and resolves once every newly followed tablet has sent its first
   * health report (or its stream failed). Calls are serialized. Topology errors propagate.
   */
  refresh(): Promise<void> {
    const run = this.refreshing.then(() => this.refreshNow());
    this.refreshing = run.catch(() => undefined);
    return run;
  }

  private async refreshNow(): Promise<void> {
    if (this.closed) return;
    const infos = await this.topo.getTabletsByCell(this.cell);
    const seen = new Set<string>();
    const waits: Promise<void>[] = [];
    for (const info of infos) {
      const tablet = info.tablet;
      const key = tabletAliasString(tablet.alias);
      seen.add(key);
      const qs = this.dialer(tablet.alias);
      const existing = this.followers.get(key);
      if (existing && !existing.ended && existing.health.queryService === qs) {
        existing.health.tablet = tablet;
        continue;
      }
      existing?.abort.abort();
      if (!qs) {
        this.followers.delete(key);
        continue;
      }
      const f = this.follow(tablet, key, qs);
      this.followers.set(key, f);
      waits.push(f.firstReport);
    }
    for (const [key, f] of this.followers) {
      if (seen.has(key)) continue;
      f.abort.abort();
      this.followers.delete(key);
    }
    this.reindex();
    await Promise.all(waits);
  }

  /** Serving tablets of a target, best first: for PRIMARY only the one with the latest term start. */
  healthyTablets(keyspace: string, shard: string, tabletType: TabletType): TabletHealth[] {
    return this.byTarget.get(targetKey(keyspace, shard, tabletType)) ?? [];
  }

  /** Every followed tablet (serving or not), sorted by keyspace, shard and alias. */
  allTablets(): TabletHealth[] {
    return [...this.followers.values()]
      .map((f) => f.health)
      .sort(
        (a, b) =>
          cmp(a.target.keyspace, b.target.keyspace) || cmp(a.target.shard, b.target.shard) || cmp(a.aliasString, b.aliasString),
      );
  }

  /** The followed tablet with this alias, if any. */
  tablet(alias: TabletAlias): TabletHealth | undefined {
    return this.followers.get(tabletAliasString(alias))?.health;
  }

  /** Registers a listener called after every health change; returns its remover. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops following every tablet. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const f of this.followers.values()) f.abort.abort();
    this.followers.clear();
    this.byTarget = new Map();
    this.listeners.clear();
  }

  private follow(tablet: Tablet, key: string, qs: QueryService): Follower {
    const abort = new AbortController();
    const health: TabletHealth = {
      alias: tablet.alias,
      aliasString: key,
      tablet,
      target: { keyspace: tablet.keyspace, shard: tablet.shard, tablet_type: tablet.type, cell: tablet.alias.cell },
      serving: false,
      primaryTermStartTime: 0,
      stats: null,
      lastError: '',
      queryService: qs,
    };
    let reported!: () => void;
    const f: Follower = { health, abort, ended: false, firstReport: new Promise<void>((r) => (reported = r)) };
    void (async () => {
      try {
        for await (const h of qs.streamHealth(abort.signal)) {
          health.target = h.target;
          health.serving = h.serving;
          health.primaryTermStartTime = h.primary_term_start_timestamp;
          health.stats = h.realtime_stats;
          health.lastError = h.realtime_stats?.health_error ?? '';
          reported();
          this.changed();
        }
      } catch (err) {
        health.lastError = (err as Error).message;
      } finally {
        f.ended = true;
        health.serving = false;
        reported();
        if (!abort.signal.aborted) this.changed();
      }
    })();
    return f;
  }

  private changed(): void {
    if (this.closed) return;
    this.reindex();
    for (const l of this.listeners) l();
  }

  private reindex(): void {
    const index = new Map<string, TabletHealth[]>();
    for (const f of this.followers.values()) {
      const h = f.health;
      if (!h.serving || f.ended) continue;
      const key = targetKey(h.target.keyspace, h.target.shard, h.target.tablet_type);
      const list = index.get(key);
      if (list) list.push(h);
      else index.set(key, [h]);
    }
    for (const [key, list] of index) {
      if (list[0]!.target.tablet_type === TabletType.PRIMARY) {
        list.sort((a, b) => b.primaryTermStartTime - a.primaryTermStartTime);
        index.set(key, [list[0]!]);
      } else {
        list.sort((a, b) => cmp(a.aliasString, b.aliasString));
      }
    }
    this.byTarget = index;
  }
}

function targetKey(keyspace: string, shard: string, type: TabletType): string {
  return `${keyspace}/${shard}/${type}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
