/**
 * VStreamCounters: vtgate's VStream variables as Vitess exports them on `/debug/vars`
 * (`VStreamsCreated`, `VStreamsCount`, `VStreamsEndedWithErrors`), one count per shard stream,
 * keyed `<keyspace>.<shard>.<TABLET_TYPE>` as Vitess's multi-label counters are.
 */
import { TabletType, type ShardGtid } from '@vtsim/proto';

/** The counters of every VStream of one vtgate. */
export class VStreamCounters {
  /** Shard streams started. */
  readonly created = new Map<string, number>();
  /** Shard streams running now. */
  readonly count = new Map<string, number>();
  /** Shard streams that ended with an error the client did not cause by cancelling. */
  readonly endedWithErrors = new Map<string, number>();

  /** Counts a shard stream starting; returns its key for {@link ended}. */
  started(sgtid: ShardGtid, tabletType: TabletType): string {
    const key = `${sgtid.keyspace}.${sgtid.shard}.${TabletType[tabletType] ?? tabletType}`;
    add(this.created, key, 1);
    add(this.count, key, 1);
    add(this.endedWithErrors, key, 0);
    return key;
  }

  /** Counts a shard stream ending, with an error or not. */
  ended(key: string, withError: boolean): void {
    add(this.count, key, -1);
    if (withError) add(this.endedWithErrors, key, 1);
  }
}

function add(counts: Map<string, number>, key: string, n: number): void {
  counts.set(key, (counts.get(key) ?? 0) + n);
}
