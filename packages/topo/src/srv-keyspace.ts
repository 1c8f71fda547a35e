/**
 * The serving graph of a keyspace as pure functions: building a SrvKeyspace from the shards
 * and moving the partition of one tablet type from old shards to new ones.
 */
import { TabletType, type KeyRange, type KeyspacePartition, type ShardReference, type SrvKeyspace } from '@vtsim/proto';
import { compareKeyRangeStarts } from './key-range.js';

/** The tablet types a rebuilt SrvKeyspace has partitions for, in Vitess's order. */
export const SERVED_TYPES: readonly TabletType[] = [TabletType.PRIMARY, TabletType.REPLICA, TabletType.RDONLY];

/** What the serving graph needs to know of a shard. */
export interface ServingShard {
  name: string;
  key_range: KeyRange | null;
  is_primary_serving: boolean;
}

/** Sorts shard references in place by key range start (unbounded start first), then by name. */
export function sortShardReferences(refs: ShardReference[]): ShardReference[] {
  return refs.sort((a, b) => compareKeyRangeStarts(a.key_range, b.key_range) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Builds a SrvKeyspace with one partition per served type (PRIMARY, REPLICA, RDONLY), each
 * referencing the shards whose `is_primary_serving` is true, sorted by key range.
 */
export function buildSrvKeyspace(shards: Iterable<ServingShard>): SrvKeyspace {
  const serving = [...shards].filter((s) => s.is_primary_serving);
  return {
    partitions: SERVED_TYPES.map((served_type) => ({
      served_type,
      shard_references: sortShardReferences(serving.map((s) => ({ name: s.name, key_range: s.key_range }))),
      shard_tablet_controls: [],
    })),
  };
}

/**
 * Moves the partition of one served type: drops the references named in `shardsToRemove`, adds
 * `shardsToAdd` (skipping names already present) and re-sorts. The partition is created if the
 * SrvKeyspace has none for that type. Other partitions are left alone. Mutates and returns `srv`.
 */
export function migrateServedTypeInSrvKeyspace(
  srv: SrvKeyspace,
  shardsToAdd: readonly ShardReference[],
  shardsToRemove: readonly string[],
  tabletType: TabletType,
): SrvKeyspace {
  let partition: KeyspacePartition | undefined = srv.partitions.find((p) => p.served_type === tabletType);
  if (!partition) {
    partition = { served_type: tabletType, shard_references: [], shard_tablet_controls: [] };
    srv.partitions.push(partition);
  }
  const removed = new Set(shardsToRemove);
  const refs = partition.shard_references.filter((r) => !removed.has(r.name));
  for (const add of shardsToAdd) {
    if (!refs.some((r) => r.name === add.name)) refs.push({ name: add.name, key_range: add.key_range });
  }
  partition.shard_references = sortShardReferences(refs);
  return srv;
}
