/**
 * The resolver: turns keyspace ids into shards through each keyspace's SrvKeyspace partition for
 * the query's tablet type (Vitess's srvtopo.Resolver). Pure: it holds the latest SrvKeyspaces it
 * was given and answers synchronously.
 */
import { ER, SqlError, TabletType, sqlError, type KeyRange, type SrvKeyspace } from '@vtsim/proto';
import { bytesToHex, keyRangeContains } from '@vtsim/topo';

/** A shard serving one tablet type, as a partition lists it. */
export interface ServingShard {
  keyspace: string;
  name: string;
  keyRange: KeyRange | null;
  /** The partition's shard_tablet_controls disable this shard's query service for the type. */
  queryServiceDisabled: boolean;
}

/** Keyspace ids → shards, from the SrvKeyspaces of the vtgate's cell. */
export class Resolver {
  private readonly keyspaces = new Map<string, Map<TabletType, ServingShard[]>>();
  /** Shards whose query service a partition disables, listed or not, by `keyspace/tabletType`. */
  private readonly disabled = new Map<string, Set<string>>();

  /** Replaces a keyspace's serving graph; null forgets the keyspace. */
  setSrvKeyspace(keyspace: string, srv: SrvKeyspace | null): void {
    for (const key of this.disabled.keys()) if (key.startsWith(`${keyspace}/`)) this.disabled.delete(key);
    if (!srv) {
      this.keyspaces.delete(keyspace);
      return;
    }
    const byType = new Map<TabletType, ServingShard[]>();
    for (const p of srv.partitions) {
      const disabled = new Set(p.shard_tablet_controls.filter((c) => c.query_service_disabled).map((c) => c.name));
      if (disabled.size > 0) this.disabled.set(`${keyspace}/${p.served_type}`, disabled);
      byType.set(
        p.served_type,
        p.shard_references.map((r) => ({ keyspace, name: r.name, keyRange: r.key_range, queryServiceDisabled: disabled.has(r.name) })),
      );
    }
    this.keyspaces.set(keyspace, byType);
  }

  /** True if the keyspace's partition for the type disables the shard's query service (even a shard the partition no longer lists). */
  queryServiceDisabled(keyspace: string, tabletType: TabletType, shard: string): boolean {
    return this.disabled.get(`${keyspace}/${tabletType}`)?.has(shard) ?? false;
  }

  /** True if a SrvKeyspace is known for the keyspace. */
  hasKeyspace(keyspace: string): boolean {
    return this.keyspaces.has(keyspace);
  }

  /** Names of the keyspaces with a serving graph, sorted. */
  keyspaceNames(): string[] {
    return [...this.keyspaces.keys()].sort();
  }

  /**
   * The shards serving a tablet type, in key-range order. Throws SqlError 1105 (UNAVAILABLE) if
   * the keyspace has no serving graph or no partition for the type.
   */
  shards(keyspace: string, tabletType: TabletType): ServingShard[] {
    const byType = this.keyspaces.get(keyspace);
    if (!byType) throw sqlError(ER.UNKNOWN_ERROR, `keyspace ${keyspace} fetch error: node doesn't exist: keyspaces/${keyspace}/SrvKeyspace`);
    const shards = byType.get(tabletType);
    if (!shards) throw sqlError(ER.UNKNOWN_ERROR, `No partition found for tabletType ${(TabletType[tabletType] ?? 'unknown').toLowerCase()} in keyspace ${keyspace}`);
    return shards;
  }

  /** The shard whose key range holds the keyspace id. Throws SqlError 1105 if none does (a gap in the partition). */
  shardForKeyspaceId(keyspace: string, tabletType: TabletType, ksid: Uint8Array): ServingShard {
    const shards = this.shards(keyspace, tabletType);
    for (let i = 0; i < shards.length; i++) {
      const s = shards[i]!;
      if (keyRangeContains(s.keyRange, ksid)) return s;
    }
    throw keyspaceIdError(ksid);
  }

  /** The named shard of a keyspace, if it serves the tablet type. */
  shardByName(keyspace: string, tabletType: TabletType, name: string): ServingShard | undefined {
    return this.shards(keyspace, tabletType).find((s) => s.name === name);
  }
}

function keyspaceIdError(ksid: Uint8Array): SqlError {
  return sqlError(ER.UNKNOWN_ERROR, `keyspace id ${bytesToHex(ksid)} didn't match any shards`);
}

/** The key of a shard's denied tables for one tablet type: `keyspace/shard/type`. */
export function deniedKey(keyspace: string, shard: string, tabletType: TabletType): string {
  return `${keyspace}/${shard}/${tabletType}`;
}
