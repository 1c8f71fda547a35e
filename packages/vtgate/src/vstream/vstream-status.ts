/**
 * VStreamStatus: what vtgate shows of one running VStream (its request and where it is now), read
 * by status pages and the live cluster view. A plain copy: holding it keeps nothing alive.
 */
import type { Filter, TabletType, VEventType } from '@vtsim/proto';

/** One shard of a VStream's VGtid now: where the client would resume it. */
export interface VStreamShardPosition {
  keyspace: string;
  shard: string;
  /** The shard's position (`MySQL56/…`), '' or `current` before its first GTID. */
  gtid: string;
  /** Tables of the shard still being copied (their TablePKs). */
  copying: string[];
}

/** A running VStream, as a snapshot. */
export interface VStreamStatus {
  /** vtgate's number for the stream, in the order streams started (1, 2, …). */
  id: number;
  tabletType: TabletType;
  filter: Filter;
  /** The merged VGtid now: its shards in stream order (a reshard's journal replaces the old ones). */
  shards: VStreamShardPosition[];
  /** When the stream started, in ms since the epoch (vtgate's clock). */
  startedAtMs: number;
  /** Events sent to the client (heartbeats included). */
  eventsSent: number;
  /** When the last event other than a heartbeat was sent, ms since the epoch; undefined before any. */
  lastEventAtMs: number | undefined;
  /** The type of that event. */
  lastEventType: VEventType | undefined;
}
