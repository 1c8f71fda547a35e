/**
 * MergedVGtid: the positions of every shard of one VStream, as vtgate keeps them (`vs.vgtid`). A
 * tablet's GTID and LASTPK events update their shard's entry and are replaced by a VGTID event
 * carrying a copy of the whole merged VGtid, so a client resuming from the last VGTID it received
 * resumes every shard. Shards that have not reported yet keep their request value.
 */
import { VEventType, type LastPKEvent, type ShardGtid, type VEvent, type VGtid } from '@vtsim/proto';

/** The merged VGtid of one VStream. Its ShardGtid objects are owned by it and updated in place. */
export class MergedVGtid {
  /** The shards in stream order (request order; shards a journal adds go last, replacing its participants). */
  readonly shardGtids: ShardGtid[];

  /** Takes ownership of the ShardGtids (resolution made them fresh objects). */
  constructor(vgtid: VGtid) {
    this.shardGtids = vgtid.shard_gtids;
  }

  /** A copy for a VGTID event: new ShardGtid objects and arrays; TableLastPK objects are shared (never mutated). */
  snapshot(): VGtid {
    const shard_gtids = new Array<ShardGtid>(this.shardGtids.length);
    for (let i = 0; i < this.shardGtids.length; i++) {
      const s = this.shardGtids[i]!;
      shard_gtids[i] = { keyspace: s.keyspace, shard: s.shard, gtid: s.gtid, table_p_ks: s.table_p_ks.slice() };
    }
    return { shard_gtids };
  }

  /**
   * Applies a reshard's journal: removes the participants' entries and appends one fresh entry
   * per journal target (its position, no TablePKs), in journal order. Returns the new entries,
   * which the caller must start streaming.
   */
  migrate(participants: ReadonlySet<ShardGtid>, targets: readonly ShardGtid[]): ShardGtid[] {
    let kept = 0;
    for (const s of this.shardGtids) if (!participants.has(s)) this.shardGtids[kept++] = s;
    this.shardGtids.length = kept;
    const added = targets.map((t) => ({ keyspace: t.keyspace, shard: t.shard, gtid: t.gtid, table_p_ks: [] }));
    this.shardGtids.push(...added);
    return added;
  }

  /**
   * Replaces, in place, each GTID and LASTPK event of `events` (which must belong to `sgtid`'s
   * shard) by a VGTID event: a GTID sets the shard's position; a LASTPK adds, replaces or (when
   * completed) removes the table's entry in the shard's TablePKs. Each VGTID carries the merged
   * state as of its own event.
   */
  convert(sgtid: ShardGtid, events: VEvent[]): void {
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (event.type === VEventType.GTID) {
        sgtid.gtid = event.gtid ?? '';
      } else if (event.type === VEventType.LASTPK) {
        if (event.last_p_k_event) applyLastPK(sgtid, event.last_p_k_event);
      } else {
        continue;
      }
      events[i] = { type: VEventType.VGTID, vgtid: this.snapshot(), keyspace: event.keyspace ?? '', shard: event.shard ?? '' };
    }
  }
}

/** Updates a shard's TablePKs from a LASTPK event: append if new and not completed, replace if present, remove if completed. */
export function applyLastPK(sgtid: ShardGtid, event: LastPKEvent): void {
  const pk = event.table_last_p_k;
  if (!pk) return;
  const index = sgtid.table_p_ks.findIndex((t) => t.table_name === pk.table_name);
  if (index < 0) {
    if (!event.completed) sgtid.table_p_ks.push(pk);
  } else if (event.completed) {
    sgtid.table_p_ks[index] = sgtid.table_p_ks[sgtid.table_p_ks.length - 1]!;
    sgtid.table_p_ks.pop();
  } else {
    sgtid.table_p_ks[index] = pk;
  }
}
