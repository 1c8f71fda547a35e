/**
 * TopoWatcher: keeps vtgate's view of the serving topology current (Vitess's srvtopo watchers):
 * the cell's SrvVSchema (rebuilt into a VSchema on every change), one SrvKeyspace watch per
 * keyspace (fed to the resolver), and one watch per shard record (its tablet controls' denied
 * tables). Every change is applied as soon as the topology reports it, then announced, so that
 * statements held during a cutover go on within milliseconds.
 */
import { setMaxListeners } from 'node:events';
import type { Shard, SrvVSchema, TabletType } from '@vtsim/proto';
import { decodeRecord, isTopoError, type TopoServer } from '@vtsim/topo';
import { deniedKey, type Resolver } from './resolver.js';
import { VSchema } from './vschema.js';

/** What the watcher updates. */
export interface TopoWatcherOptions {
  topo: TopoServer;
  cell: string;
  resolver: Resolver;
  /** Called with the new routing model on every SrvVSchema change (and once at start). */
  onVSchema(vschema: VSchema): void;
  /** Called with denied tables per `keyspace/shard/tabletType` whenever a shard's tablet controls change. */
  onDeniedTables(denied: Map<string, Set<string>>): void;
  /**
   * Called after a change was applied (resolver, VSchema or denied tables updated): with the
   * keyspace whose SrvKeyspace or shards changed, or undefined when the SrvVSchema did.
   */
  onServingGraphChange?(keyspace: string | undefined): void;
}

/** Watches the serving graph of one cell until closed. */
export class TopoWatcher {
  private readonly abort = new AbortController();
  private readonly watched = new Map<string, Promise<void>>();
  /** Shard watches by `keyspace/shard`, resolved once the first record (or its absence) is in. */
  private readonly shardWatches = new Map<string, Promise<void>>();
  /** The denied tables of each watched shard's tablet controls in this cell, by `keyspace/shard`. */
  private readonly shardDenied = new Map<string, Map<string, Set<string>>>();
  private srvVSchema: SrvVSchema | null = null;

  constructor(private readonly opts: TopoWatcherOptions) {
    // One listener per watched keyspace and shard: as many as the topology has, not a leak.
    setMaxListeners(0, this.abort.signal);
  }

  /** Starts the watches; resolves once the first SrvVSchema (possibly absent), every existing SrvKeyspace and every shard record are in. */
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
          this.opts.onServingGraphChange?.(undefined);
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

  /** Starts watching keyspaces that gained a SrvKeyspace and shards that appeared. */
  async refresh(): Promise<void> {
    if (this.abort.signal.aborted) return;
    const names = await this.opts.topo.getSrvKeyspaceNames(this.opts.cell);
    await Promise.all(names.map((ks) => this.watchKeyspace(ks)));
    await this.watchNewShards();
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
          this.opts.onServingGraphChange?.(keyspace);
          // A deleted keyspace (DROP DATABASE, DeleteKeyspace) is no longer watched: its name may be
          // created again later, which starts a new watch (refresh, ensureKeyspace).
          if (!srv && !(await this.keyspaceRecordExists(keyspace))) break;
          void this.watchNewShards(keyspace).catch(() => undefined);
        }
      } catch {
        // See start(): a closed topology ends the watch.
      } finally {
        if (this.watched.get(keyspace) === started) this.watched.delete(keyspace);
        first();
      }
    })();
    return started;
  }

  private async keyspaceRecordExists(keyspace: string): Promise<boolean> {
    try {
      await this.opts.topo.getKeyspace(keyspace);
      return true;
    } catch (err) {
      if (isTopoError(err, 'NoNode')) return false;
      throw err;
    }
  }

  /** Rebuilds the routing model from the last SrvVSchema plus the keyspaces it lacks that have a serving graph. */
  private publishVSchema(): void {
    this.opts.onVSchema(VSchema.build(this.srvVSchema, this.opts.resolver.keyspaceNames()));
  }

  /** Starts a watch on every shard record of the keyspace (of every keyspace if omitted) not yet watched. */
  private async watchNewShards(keyspace?: string): Promise<void> {
    if (this.abort.signal.aborted) return;
    const keyspaces = keyspace === undefined ? await this.opts.topo.getKeyspaces() : [keyspace];
    const starts: Promise<void>[] = [];
    for (const ks of keyspaces) {
      for (const shard of await this.opts.topo.getShardNames(ks)) starts.push(this.watchShard(ks, shard));
    }
    await Promise.all(starts);
  }

  /** Watches one shard record's tablet controls until it is deleted or the watcher closes. */
  private watchShard(keyspace: string, shard: string): Promise<void> {
    const key = `${keyspace}/${shard}`;
    let started = this.shardWatches.get(key);
    if (started) return started;
    let first!: () => void;
    started = new Promise<void>((r) => (first = r));
    this.shardWatches.set(key, started);
    void (async () => {
      try {
        for await (const d of this.opts.topo.global.watch(`keyspaces/${keyspace}/shards/${shard}/Shard`, this.abort.signal)) {
          if (d.err) break;
          this.setShardDenied(key, keyspace, deniedOf(keyspace, shard, decodeRecord<Shard>(d.contents), this.opts.cell));
          first();
        }
      } catch {
        // A record that does not decode is treated as gone; a closed topology ends the watch.
      } finally {
        this.shardWatches.delete(key);
        if (!this.abort.signal.aborted) this.setShardDenied(key, keyspace, undefined);
        first();
      }
    })();
    return started;
  }

  /** Records one shard's denied tables and, if they changed, publishes the whole map. */
  private setShardDenied(key: string, keyspace: string, denied: Map<string, Set<string>> | undefined): void {
    const before = this.shardDenied.get(key);
    if (sameDenied(before, denied)) return;
    if (denied) this.shardDenied.set(key, denied);
    else this.shardDenied.delete(key);
    const all = new Map<string, Set<string>>();
    for (const m of this.shardDenied.values()) for (const [k, v] of m) all.set(k, v);
    this.opts.onDeniedTables(all);
    this.opts.onServingGraphChange?.(keyspace);
  }
}

/** A shard's denied tables per `keyspace/shard/tabletType`, from the tablet controls that apply to the cell. */
function deniedOf(keyspace: string, shard: string, record: Shard, cell: string): Map<string, Set<string>> {
  const denied = new Map<string, Set<string>>();
  for (const tc of record.tablet_controls ?? []) {
    if (tc.cells?.length && !tc.cells.includes(cell)) continue;
    if (!tc.denied_tables?.length) continue;
    denied.set(deniedKey(keyspace, shard, tc.tablet_type as TabletType), new Set(tc.denied_tables));
  }
  return denied;
}

function sameDenied(a: Map<string, Set<string>> | undefined, b: Map<string, Set<string>> | undefined): boolean {
  if ((a?.size ?? 0) !== (b?.size ?? 0)) return false;
  for (const [k, set] of a ?? []) {
    const other = b!.get(k);
    if (!other || other.size !== set.size) return false;
    for (const t of set) if (!other.has(t)) return false;
  }
  return true;
}
