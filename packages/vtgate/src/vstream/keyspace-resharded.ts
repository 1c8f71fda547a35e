/**
 * Whether a keyspace was resharded under a VStream (Vitess's `keyspaceHasBeenResharded`): the
 * stream names a shard that no longer serves primaries, and two different shards of the keyspace
 * have overlapping key ranges. Streams on such a keyspace may read from non-serving tablets, so
 * an old shard can still be streamed up to its journal.
 */
import { Code, VtError, type KeyRange, type ShardGtid } from '@vtsim/proto';
import { keyRangeEqual, keyRangeIntersect } from '@vtsim/topo';

/** What the check needs of a shard record. */
export interface ShardRecord {
  key_range: KeyRange | null;
  is_primary_serving: boolean;
}

/**
 * True if `keyspace` has been resharded with respect to the stream's ShardGtids. Throws
 * FAILED_PRECONDITION `shard provided in VGTID, <shard>, not found in the <ks> keyspace` when a
 * ShardGtid of the keyspace names a shard absent from `shards` (also when the keyspace has none).
 */
export function keyspaceHasBeenResharded(
  keyspace: string,
  shards: ReadonlyMap<string, ShardRecord>,
  shardGtids: readonly ShardGtid[],
): boolean {
  let reshardPossible = false;
  for (const s of shardGtids) {
    if (s.keyspace !== keyspace) continue;
    const record = shards.get(s.shard);
    if (!record) throw new VtError(Code.FAILED_PRECONDITION, `shard provided in VGTID, ${s.shard}, not found in the ${keyspace} keyspace`);
    if (!record.is_primary_serving) {
      reshardPossible = true;
      break;
    }
  }
  if (!reshardPossible) return false;
  const all = [...shards];
  for (const [nameA, a] of all) {
    for (const [nameB, b] of all) {
      if (nameA === nameB && keyRangeEqual(a.key_range, b.key_range)) continue;
      if (keyRangeIntersect(a.key_range, b.key_range)) return true;
    }
  }
  return false;
}
