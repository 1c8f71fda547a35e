/**
 * TopoServer: typed topology operations on top of a global {@link Conn} and one Conn per cell
 * (Vitess's topo.Server). Records are JSON; paths follow Vitess's layout (see paths.ts).
 * Every missing record is a TopoError NoNode (`node doesn't exist: keyspaces/x/Keyspace`).
 */
import {
  KeyspaceType,
  type TabletType,
  emptyKeyspaceVSchema,
  parseTabletAlias,
  tabletAliasString,
  type CellInfo,
  type Keyspace,
  type KeyspaceVSchema,
  type RoutingRules,
  type Shard,
  type ShardReference,
  type SrvKeyspace,
  type SrvVSchema,
  type Tablet,
  type TabletAlias,
} from '@vtsim/proto';
import type { Conn, Version } from './conn.js';
import { isTopoError } from './errors.js';
import { keyRangeFromShardName, keyRangeIntersect, keyRangeIsComplete } from './key-range.js';
import { MemoryTopoStore } from './memory-conn.js';
import * as paths from './paths.js';
import { decodeRecord, encodeRecord } from './record-codec.js';
import { buildSrvKeyspace, migrateServedTypeInSrvKeyspace } from './srv-keyspace.js';

/** A keyspace record with its name and version. */
export interface KeyspaceInfo {
  name: string;
  keyspace: Keyspace;
  version: Version;
}

/** A shard record with its keyspace, name and version. */
export interface ShardInfo {
  keyspace: string;
  shardName: string;
  shard: Shard;
  version: Version;
}

/** A tablet record with its version. */
export interface TabletInfo {
  tablet: Tablet;
  version: Version;
}

/** Releases a lock taken by lockKeyspace or lockShard; idempotent. */
export type Unlock = () => Promise<void>;

/** Options of lockKeyspace and lockShard. */
export interface LockOptions {
  /** Aborting gives up waiting for the lock (TopoError Interrupted). */
  signal?: AbortSignal;
  /** Milliseconds to wait for the lock before a TopoError Timeout; default 45 000, like Vitess's --lock-timeout. */
  timeoutMs?: number;
}

/** Options of a TopoServer. */
export interface TopoServerOptions {
  /** Opens the Conn of a cell from its CellInfo; without it only the global topology is usable. */
  cellConn?: (cell: string, info: CellInfo) => Conn;
  /** How long a watch of a missing record waits before looking again, in ms (default 50). */
  watchRetryMs?: number;
}

const DEFAULT_LOCK_TIMEOUT_MS = 45_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function byUid(a: TabletAlias, b: TabletAlias): number {
  return a.uid - b.uid || (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0);
}

/** Typed access to the global and cell topologies. Close it with {@link TopoServer.close}. */
export class TopoServer {
  private readonly cellConns = new Map<string, Conn>();
  private readonly watchRetryMs: number;
  private closed = false;

  /** Wraps a global Conn; cells are opened on demand through `options.cellConn`. The server owns the Conns. */
  constructor(
    readonly global: Conn,
    private readonly options: TopoServerOptions = {},
  ) {
    this.watchRetryMs = options.watchRetryMs ?? 50;
  }

  /**
   * A TopoServer on a fresh in-memory store, with the global topology under `/vitess/global`
   * and a CellInfo (root `/vitess/<cell>`) created for each of `cells`.
   */
  static async newMemory(...cells: string[]): Promise<TopoServer> {
    const store = new MemoryTopoStore();
    const ts = new TopoServer(store.conn('/vitess/global'), { cellConn: (_cell, info) => store.conn(info.root) });
    for (const cell of cells) await ts.createCellInfo(cell, { server_address: 'memory', root: `/vitess/${cell}` });
    return ts;
  }

  /** The Conn of a cell, opened once from its CellInfo; NoNode if the cell does not exist. */
  async connForCell(cell: string): Promise<Conn> {
    const cached = this.cellConns.get(cell);
    if (cached) return cached;
    const info = await this.getCellInfo(cell);
    if (!this.options.cellConn) throw new Error(`topo server has no way to open cell ${cell}`);
    const again = this.cellConns.get(cell);
    if (again) return again;
    const conn = this.options.cellConn(cell, info);
    this.cellConns.set(cell, conn);
    return conn;
  }

  /** Closes the global Conn and every cell Conn (ending their watches); idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.cellConns.values()) c.close();
    this.cellConns.clear();
    this.global.close();
  }

  // --- generic record helpers ------------------------------------------------------------

  private async read<T>(conn: Conn, path: string): Promise<{ value: T; version: Version }> {
    const { contents, version } = await conn.get(path);
    return { value: decodeRecord<T>(contents), version };
  }

  private async listOrEmpty(conn: Conn, dir: string): Promise<string[]> {
    try {
      return await conn.list(dir);
    } catch (err) {
      if (isTopoError(err, 'NoNode')) return [];
      throw err;
    }
  }

  /**
   * Watches one record: yields it now and on every change, null while it does not exist (once per
   * absence, looking again every watchRetryMs), and ends when `signal` aborts or the Conn closes.
   * A watch the server ends otherwise (etcd unreachable, a canceled or compacted etcd watch) is
   * started again every watchRetryMs, as Vitess's resilient watchers do; a value already yielded
   * is not yielded again.
   */
  private async *watchRecord<T>(conn: Conn, path: string, signal: AbortSignal): AsyncIterable<T | null> {
    let lastWasNull = false;
    let lastVersion: Version | undefined;
    while (!signal.aborted) {
      let missing = false;
      let failed = false;
      for await (const d of conn.watch(path, signal)) {
        if (d.err) {
          if (d.err.code === 'NoNode') missing = true;
          else failed = true;
          break;
        }
        if (d.version === lastVersion) continue;
        lastWasNull = false;
        lastVersion = d.version;
        yield decodeRecord<T>(d.contents);
      }
      if (failed && (this.closed || !this.owns(conn))) return;
      if (!missing && !failed) return;
      if (missing && !lastWasNull) {
        lastWasNull = true;
        lastVersion = undefined;
        yield null;
      }
      await sleep(this.watchRetryMs, signal);
    }
  }

  /** True while `conn` is one of this server's open Conns (a deleted cell's is closed). */
  private owns(conn: Conn): boolean {
    return conn === this.global || [...this.cellConns.values()].includes(conn);
  }

  // --- cells ------------------------------------------------------------------------------

  /** Creates a cell's CellInfo; NodeExists if the cell exists. */
  async createCellInfo(cell: string, info: CellInfo): Promise<void> {
    await this.global.create(paths.cellInfoPath(cell), encodeRecord(info));
  }

  /** Reads a cell's CellInfo; NoNode if the cell does not exist. */
  async getCellInfo(cell: string): Promise<CellInfo> {
    return (await this.read<CellInfo>(this.global, paths.cellInfoPath(cell))).value;
  }

  /** The names of all cells, sorted. */
  async getCellInfoNames(): Promise<string[]> {
    return this.listOrEmpty(this.global, 'cells');
  }

  /** Deletes a cell's CellInfo and closes its Conn; NoNode if the cell does not exist. */
  async deleteCellInfo(cell: string): Promise<void> {
    await this.global.delete(paths.cellInfoPath(cell), null);
    this.cellConns.get(cell)?.close();
    this.cellConns.delete(cell);
  }

  private async cellsOrAll(cells?: readonly string[]): Promise<string[]> {
    return cells && cells.length > 0 ? [...cells] : this.getCellInfoNames();
  }

  // --- keyspaces --------------------------------------------------------------------------

  /**
   * Creates a keyspace record; absent fields get Vitess's defaults (NORMAL, durability `none`,
   * sidecar database `_vt`). NodeExists if the keyspace exists.
   */
  async createKeyspace(name: string, ks: Partial<Keyspace> = {}): Promise<void> {
    const record: Keyspace = {
      keyspace_type: ks.keyspace_type ?? KeyspaceType.NORMAL,
      base_keyspace: ks.base_keyspace ?? '',
      snapshot_time: ks.snapshot_time ?? null,
      durability_policy: ks.durability_policy ?? 'none',
      sidecar_db_name: ks.sidecar_db_name ?? '_vt',
    };
    await this.global.create(paths.keyspacePath(name), encodeRecord(record));
  }

  /** Reads a keyspace; NoNode if it does not exist. */
  async getKeyspace(name: string): Promise<KeyspaceInfo> {
    const { value, version } = await this.read<Keyspace>(this.global, paths.keyspacePath(name));
    return { name, keyspace: value, version };
  }

  /** The names of all keyspaces (those with a Keyspace record), sorted. */
  async getKeyspaces(): Promise<string[]> {
    const out: string[] = [];
    for (const name of await this.listOrEmpty(this.global, 'keyspaces')) {
      if ((await this.listOrEmpty(this.global, paths.keyspaceDir(name))).includes('Keyspace')) out.push(name);
    }
    return out;
  }

  /** Writes a keyspace back if it is still at `info.version` (BadVersion otherwise); updates `info.version`. */
  async updateKeyspace(info: KeyspaceInfo): Promise<void> {
    info.version = await this.global.update(paths.keyspacePath(info.name), encodeRecord(info.keyspace), info.version);
  }

  /** Deletes a keyspace record and its VSchema (shards are not touched); NoNode if the keyspace does not exist. */
  async deleteKeyspace(name: string): Promise<void> {
    await this.global.delete(paths.keyspacePath(name), null);
    try {
      await this.deleteVSchema(name);
    } catch (err) {
      if (!isTopoError(err, 'NoNode')) throw err;
    }
  }

  // --- shards -----------------------------------------------------------------------------

  /**
   * Creates a shard; its key range comes from the name (`0` and `-` are the full range, stored as
   * null). It is primary-serving only if no existing shard of the keyspace overlaps it.
   * NodeExists if the shard exists; an Error for a malformed name.
   */
  async createShard(ks: string, shard: string): Promise<ShardInfo> {
    if (shard === '' || shard.includes('/')) throw new Error(`invalid shard name: '${shard}'`);
    const kr = keyRangeFromShardName(shard);
    const key_range = keyRangeIsComplete(kr) ? null : kr;
    let serving = true;
    for (const si of (await this.findAllShardsInKeyspace(ks)).values()) {
      if (keyRangeIntersect(si.shard.key_range, key_range)) {
        serving = false;
        break;
      }
    }
    const record: Shard = {
      primary_alias: null,
      primary_term_start_time: null,
      key_range,
      source_shards: [],
      tablet_controls: [],
      is_primary_serving: serving,
    };
    const version = await this.global.create(paths.shardPath(ks, shard), encodeRecord(record));
    return { keyspace: ks, shardName: shard, shard: record, version };
  }

  /** Reads a shard; NoNode if it does not exist. */
  async getShard(ks: string, shard: string): Promise<ShardInfo> {
    const { value, version } = await this.read<Shard>(this.global, paths.shardPath(ks, shard));
    return { keyspace: ks, shardName: shard, shard: value, version };
  }

  /**
   * Reads a shard, applies `update` to it and writes it back, retrying from a fresh read when
   * someone else wrote it in between. If `update` returns false nothing is written. Errors thrown
   * by `update` propagate; NoNode if the shard does not exist.
   */
  async updateShardFields(ks: string, shard: string, update: (s: Shard) => void | boolean): Promise<ShardInfo> {
    for (;;) {
      const si = await this.getShard(ks, shard);
      if (update(si.shard) === false) return si;
      try {
        si.version = await this.global.update(paths.shardPath(ks, shard), encodeRecord(si.shard), si.version);
        return si;
      } catch (err) {
        if (!isTopoError(err, 'BadVersion')) throw err;
      }
    }
  }

  /** The names of a keyspace's shards, sorted (as strings). */
  async getShardNames(ks: string): Promise<string[]> {
    return this.listOrEmpty(this.global, `${paths.keyspaceDir(ks)}/shards`);
  }

  /** Every shard of a keyspace by name, in the order of getShardNames. */
  async findAllShardsInKeyspace(ks: string): Promise<Map<string, ShardInfo>> {
    const out = new Map<string, ShardInfo>();
    for (const name of await this.getShardNames(ks)) {
      try {
        out.set(name, await this.getShard(ks, name));
      } catch (err) {
        if (!isTopoError(err, 'NoNode')) throw err;
      }
    }
    return out;
  }

  /** Deletes a shard record (not its tablets); NoNode if it does not exist. */
  async deleteShard(ks: string, shard: string): Promise<void> {
    await this.global.delete(paths.shardPath(ks, shard), null);
  }

  // --- tablets ----------------------------------------------------------------------------

  /** Creates a tablet record in its alias's cell; NodeExists if it exists, NoNode if the cell does not. */
  async createTablet(t: Tablet): Promise<void> {
    const conn = await this.connForCell(t.alias.cell);
    await conn.create(paths.tabletPath(tabletAliasString(t.alias)), encodeRecord(t));
  }

  /** Reads a tablet; NoNode if it (or its cell) does not exist. */
  async getTablet(alias: TabletAlias): Promise<TabletInfo> {
    const conn = await this.connForCell(alias.cell);
    const { value, version } = await this.read<Tablet>(conn, paths.tabletPath(tabletAliasString(alias)));
    return { tablet: value, version };
  }

  /**
   * Reads a tablet, applies `update` and writes it back, retrying on concurrent writes; if
   * `update` returns false nothing is written. NoNode if the tablet does not exist.
   */
  async updateTabletFields(alias: TabletAlias, update: (t: Tablet) => void | boolean): Promise<TabletInfo> {
    const conn = await this.connForCell(alias.cell);
    const path = paths.tabletPath(tabletAliasString(alias));
    for (;;) {
      const ti = await this.getTablet(alias);
      if (update(ti.tablet) === false) return ti;
      try {
        ti.version = await conn.update(path, encodeRecord(ti.tablet), ti.version);
        return ti;
      } catch (err) {
        if (!isTopoError(err, 'BadVersion')) throw err;
      }
    }
  }

  /** Deletes a tablet record; NoNode if it does not exist. */
  async deleteTablet(alias: TabletAlias): Promise<void> {
    const conn = await this.connForCell(alias.cell);
    await conn.delete(paths.tabletPath(tabletAliasString(alias)), null);
  }

  /** The aliases of a cell's tablets, sorted by uid. */
  async getTabletAliasesByCell(cell: string): Promise<TabletAlias[]> {
    const conn = await this.connForCell(cell);
    return (await this.listOrEmpty(conn, 'tablets')).map(parseTabletAlias).sort(byUid);
  }

  /** A cell's tablets, sorted by uid. */
  async getTabletsByCell(cell: string): Promise<TabletInfo[]> {
    const out: TabletInfo[] = [];
    for (const alias of await this.getTabletAliasesByCell(cell)) {
      try {
        out.push(await this.getTablet(alias));
      } catch (err) {
        if (!isTopoError(err, 'NoNode')) throw err;
      }
    }
    return out;
  }

  /** The tablets of one shard across every cell, sorted by uid. */
  async getTabletsByShard(ks: string, shard: string): Promise<TabletInfo[]> {
    const out: TabletInfo[] = [];
    for (const cell of await this.getCellInfoNames()) {
      for (const ti of await this.getTabletsByCell(cell)) {
        if (ti.tablet.keyspace === ks && ti.tablet.shard === shard) out.push(ti);
      }
    }
    return out.sort((a, b) => byUid(a.tablet.alias, b.tablet.alias));
  }

  // --- serving graph ----------------------------------------------------------------------

  /** Reads a keyspace's SrvKeyspace in a cell; NoNode if it does not exist. */
  async getSrvKeyspace(cell: string, ks: string): Promise<SrvKeyspace> {
    return (await this.read<SrvKeyspace>(await this.connForCell(cell), paths.srvKeyspacePath(ks))).value;
  }

  /** Writes a keyspace's SrvKeyspace in a cell (unconditionally). */
  async updateSrvKeyspace(cell: string, ks: string, srv: SrvKeyspace): Promise<void> {
    await (await this.connForCell(cell)).update(paths.srvKeyspacePath(ks), encodeRecord(srv), null);
  }

  /** Deletes a keyspace's SrvKeyspace in a cell; NoNode if it does not exist. */
  async deleteSrvKeyspace(cell: string, ks: string): Promise<void> {
    await (await this.connForCell(cell)).delete(paths.srvKeyspacePath(ks), null);
  }

  /** The keyspaces that have a SrvKeyspace in a cell, sorted. */
  async getSrvKeyspaceNames(cell: string): Promise<string[]> {
    const conn = await this.connForCell(cell);
    const out: string[] = [];
    for (const ks of await this.listOrEmpty(conn, 'keyspaces')) {
      if ((await this.listOrEmpty(conn, paths.keyspaceDir(ks))).includes('SrvKeyspace')) out.push(ks);
    }
    return out;
  }

  /**
   * Watches a keyspace's SrvKeyspace in a cell: the current value first, then every change; null
   * while it does not exist. Ends when `signal` aborts or the server closes.
   */
  async *watchSrvKeyspace(cell: string, ks: string, signal: AbortSignal): AsyncIterable<SrvKeyspace | null> {
    yield* this.watchRecord<SrvKeyspace>(await this.connForCell(cell), paths.srvKeyspacePath(ks), signal);
  }

  /**
   * Rebuilds a keyspace's SrvKeyspace in the given cells (all cells by default): partitions for
   * PRIMARY, REPLICA and RDONLY, each referencing the primary-serving shards sorted by key range.
   */
  async rebuildKeyspaceGraph(ks: string, cells?: readonly string[]): Promise<void> {
    await this.getKeyspace(ks);
    const shards = [...(await this.findAllShardsInKeyspace(ks)).values()].map((si) => ({
      name: si.shardName,
      key_range: si.shard.key_range,
      is_primary_serving: si.shard.is_primary_serving,
    }));
    for (const cell of await this.cellsOrAll(cells)) await this.updateSrvKeyspace(cell, ks, buildSrvKeyspace(shards));
  }

  /**
   * Moves the partition of one served type in every given cell (all cells by default) from
   * `shardsToRemove` to `shardsToAdd` (shard names or ShardInfos), keeping the references sorted
   * by key range. Cells without a SrvKeyspace for the keyspace are skipped. NoNode if a named
   * shard to add does not exist.
   */
  async migrateServedType(
    ks: string,
    shardsToAdd: ReadonlyArray<ShardInfo | string>,
    shardsToRemove: ReadonlyArray<ShardInfo | string>,
    tabletType: TabletType,
    cells?: readonly string[],
  ): Promise<void> {
    const adds: ShardReference[] = [];
    for (const s of shardsToAdd) {
      const si = typeof s === 'string' ? await this.getShard(ks, s) : s;
      adds.push({ name: si.shardName, key_range: si.shard.key_range });
    }
    const removes = shardsToRemove.map((s) => (typeof s === 'string' ? s : s.shardName));
    for (const cell of await this.cellsOrAll(cells)) {
      let srv: SrvKeyspace;
      try {
        srv = await this.getSrvKeyspace(cell, ks);
      } catch (err) {
        if (isTopoError(err, 'NoNode')) continue;
        throw err;
      }
      await this.updateSrvKeyspace(cell, ks, migrateServedTypeInSrvKeyspace(srv, adds, removes, tabletType));
    }
  }

  // --- vschema ----------------------------------------------------------------------------

  /** Writes a keyspace's VSchema (unconditionally; callers validate it first). */
  async saveVSchema(ks: string, vschema: KeyspaceVSchema): Promise<void> {
    await this.global.update(paths.vschemaPath(ks), encodeRecord(vschema), null);
  }

  /** Reads a keyspace's VSchema; NoNode if it has none. */
  async getVSchema(ks: string): Promise<KeyspaceVSchema> {
    return (await this.read<KeyspaceVSchema>(this.global, paths.vschemaPath(ks))).value;
  }

  /** Deletes a keyspace's VSchema; NoNode if it has none. */
  async deleteVSchema(ks: string): Promise<void> {
    await this.global.delete(paths.vschemaPath(ks), null);
  }

  /** Reads a cell's SrvVSchema; NoNode if it was never built. */
  async getSrvVSchema(cell: string): Promise<SrvVSchema> {
    return (await this.read<SrvVSchema>(await this.connForCell(cell), paths.srvVSchemaPath)).value;
  }

  /**
   * Rebuilds the SrvVSchema of the given cells (all cells by default) from every keyspace's
   * VSchema (an empty one for a keyspace without) and the routing rules.
   */
  async rebuildSrvVSchema(cells?: readonly string[]): Promise<void> {
    const srv: SrvVSchema = { keyspaces: {}, routing_rules: await this.getRoutingRules() };
    for (const ks of await this.getKeyspaces()) {
      try {
        srv.keyspaces[ks] = await this.getVSchema(ks);
      } catch (err) {
        if (!isTopoError(err, 'NoNode')) throw err;
        srv.keyspaces[ks] = emptyKeyspaceVSchema();
      }
    }
    for (const cell of await this.cellsOrAll(cells)) {
      await (await this.connForCell(cell)).update(paths.srvVSchemaPath, encodeRecord(srv), null);
    }
  }

  /**
   * Watches a cell's SrvVSchema: the current value first, then every change; null while it does
   * not exist. Ends when `signal` aborts or the server closes.
   */
  async *watchSrvVSchema(cell: string, signal: AbortSignal): AsyncIterable<SrvVSchema | null> {
    yield* this.watchRecord<SrvVSchema>(await this.connForCell(cell), paths.srvVSchemaPath, signal);
  }

  // --- routing rules ----------------------------------------------------------------------

  /** The routing rules; `{rules: []}` when none were saved. */
  async getRoutingRules(): Promise<RoutingRules> {
    try {
      return (await this.read<RoutingRules>(this.global, paths.routingRulesPath)).value;
    } catch (err) {
      if (isTopoError(err, 'NoNode')) return { rules: [] };
      throw err;
    }
  }

  /** Replaces the routing rules. */
  async saveRoutingRules(rules: RoutingRules): Promise<void> {
    await this.global.update(paths.routingRulesPath, encodeRecord(rules), null);
  }

  // --- locks ------------------------------------------------------------------------------

  private async lockDir(dir: string, action: string, opts: LockOptions): Promise<Unlock> {
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const ld = await this.global.lock(dir, JSON.stringify({ Action: action }), signal);
    return () => ld.unlock();
  }

  /**
   * Takes the keyspace's exclusive lock for `action`, waiting for a current holder. NoNode if the
   * keyspace does not exist; Timeout after `timeoutMs`; Interrupted if `signal` aborts.
   */
  async lockKeyspace(ks: string, action: string, opts: LockOptions = {}): Promise<Unlock> {
    return this.lockDir(paths.keyspaceDir(ks), action, opts);
  }

  /** Takes a shard's exclusive lock for `action`; errors as {@link lockKeyspace}. */
  async lockShard(ks: string, shard: string, action: string, opts: LockOptions = {}): Promise<Unlock> {
    return this.lockDir(paths.shardDir(ks, shard), action, opts);
  }
}

