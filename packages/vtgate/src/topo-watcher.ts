/**
 * TopoWatcher: keeps vtgate's view of the serving topology current (Vitess's srvtopo watchers):
 * the cell's SrvVSchema (rebuilt into a VSchema on every change), one SrvKeyspace watch per
 * keyspace (fed to the resolver), and the shards' denied tables.
 */
import type { SrvVSchema, TabletType } from '@vtsim/proto';
import { isTopoError, type TopoServer } from '@vtsim/topo';
import { deniedKey, type Resolver } from './resolver.js';
import { VSchema } from './vschema.js';

/** What the watcher updates. */
export interface TopoWatcherOptions {
  topo: TopoServer;
  cell: string;
  resolver: Resolver;
  /** Called with the new routing model on every SrvVSchema change (and once at start). */
  onVSchema(vschema: VSchema): void;
  /** Called with denied tables per `keyspace/shard/tabletType` whenever they are re-read. */
  onDeniedTables(denied: Map<string, Set<string>>): void;
}

/** Watches the serving graph of one cell until closed. */
export class TopoWatcher {
  private readonly abort = new AbortController();
  private readonly watched = new Map<string, Promise<void>>();
  private deniedRefresh: Promise<void> = Promise.resolve();
  private srvVSchema: SrvVSchema | null = null;

  constructor(private readonly opts: TopoWatcherOptions) {}

  /** Starts the watches; resolves once the first SrvVSchema (possibly absent) and every existing SrvKeyspace are in. */
  async start(): Promise<void> {
    let first!: () => void;
    const firstVSchema = new Promise<void>((r) => (first = r));
    void (async () => {
      try {
        for await (const srv of this.opts.topo.watchSrvVSchema(this.opts.cell, this.abort.signal)) {
          this.srvVSchema = srv;
          this.publishVSchema();
          first();
          for (const ks of Object.keys(srv?.keyspaces ?? {})) void this.watchKeyspace(ks);
          void this.refreshDeniedTables();
        }
      } catch {
        // The topology closed or the watch was aborted: vtgate keeps serving with what it has.
      } finally {
        first();
      }
    })();
    await firstVSchema;
    await this.refresh();
  }

  /** Starts watching keyspaces that gained a SrvKeyspace and re-reads denied tables. */
  async refresh(): Promise<void> {
    if (this.abort.signal.aborted) return;
    const names = await this.opts.topo.getSrvKeyspaceNames(this.opts.cell);
    await Promise.all(names.map((ks) => this.watchKeyspace(ks)));
    await this.refreshDeniedTables();
  }

  /** Makes sure a keyspace's SrvKeyspace is watched; resolves to whether it exists. */
  async ensureKeyspace(keyspace: string): Promise<boolean> {
    if (!this.watched.has(keyspace)) {
      try {
        await this.opts.topo.getSrvKeyspace(this.opts.cell, keyspace);
      } catch (err) {
        if (isTopoError(err, 'NoNode')) return false;
        throw err;
      }
    }
    await this.watchKeyspace(keyspace);
    return this.opts.resolver.hasKeyspace(keyspace);
  }

  /** Stops every watch. Idempotent. */
  close(): void {
    this.abort.abort();
  }

  private watchKeyspace(keyspace: string): Promise<void> {
    let started = this.watched.get(keyspace);
    if (started) return started;
    let first!: () => void;
    started = new Promise<void>((r) => (first = r));
    this.watched.set(keyspace, started);
    void (async () => {
      try {
        for await (const srv of this.opts.topo.watchSrvKeyspace(this.opts.cell, keyspace, this.abort.signal)) {
          const known = this.opts.resolver.hasKeyspace(keyspace);
          this.opts.resolver.setSrvKeyspace(keyspace, srv);
          if (known !== !!srv && !this.srvVSchema?.keyspaces[keyspace]) this.publishVSchema();
          first();
          void this.refreshDeniedTables();
        }
      } catch {
        // See start(): a closed topology ends the watch.
      } finally {
        first();
      }
    })();
    return started;
  }

  /** Rebuilds the routing model from the last SrvVSchema plus the keyspaces it lacks that have a serving graph. */
  private publishVSchema(): void {
    this.opts.onVSchema(VSchema.build(this.srvVSchema, this.opts.resolver.keyspaceNames()));
  }

  /** Re-reads every shard's tablet controls; calls are serialized so the last one wins. */
  private refreshDeniedTables(): Promise<void> {
    this.deniedRefresh = this.deniedRefresh.then(async () => {
      if (this.abort.signal.aborted) return;
      const denied = new Map<string, Set<string>>();
      try {
        for (const ks of await this.opts.topo.getKeyspaces()) {
          for (const [shard, info] of await this.opts.topo.findAllShardsInKeyspace(ks)) {
            for (const tc of info.shard.tablet_controls ?? []) {
              if (tc.cells?.length && !tc.cells.includes(this.opts.cell)) continue;
              if (!tc.denied_tables?.length) continue;
              denied.set(deniedKey(ks, shard, tc.tablet_type as TabletType), new Set(tc.denied_tables));
            }
          }
        }
      } catch {
        return;
      }
      this.opts.onDeniedTables(denied);
    });
    return this.deniedRefresh;
  }
}
