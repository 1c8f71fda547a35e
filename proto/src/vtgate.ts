/** Types of Vitess's `vtgate` proto package for VStream (field names and numbers as Vitess's). */
import type { Filter, VEvent, VGtid } from './binlogdata.js';
import type { TabletType } from './topodata.js';
import type { CallerID } from './vtrpc.js';

/** vtgate.VStreamFlags. */
export interface VStreamFlags {
  minimize_skew: boolean;
  /** Seconds; 0 = no vtgate heartbeats. */
  heartbeat_interval: number;
  stop_on_reshard: boolean;
  /** Comma-separated cells. */
  cells: string;
  /** `PreferLocalWithAlias` (default) or `OnlySpecified`. */
  cell_preference: string;
  /** `Any` (default) or `InOrder`. */
  tablet_order: string;
  stream_keyspace_heartbeats: boolean;
  include_reshard_journal_events: boolean;
  tables_to_copy: string[];
  exclude_keyspace_from_table_name: boolean;
}

/** vtgate.VStreamRequest. */
export interface VStreamRequest {
  caller_id?: CallerID | null;
  tablet_type: TabletType;
  vgtid: VGtid | null;
  filter: Filter | null;
  flags: VStreamFlags | null;
}

/** vtgate.VStreamResponse: one batch of events. */
export interface VStreamResponse {
  events: VEvent[];
}

/** Flags with every field at its proto default. */
export function defaultVStreamFlags(): VStreamFlags {
  return {
    minimize_skew: false,
    heartbeat_interval: 0,
    stop_on_reshard: false,
    cells: '',
    cell_preference: '',
    tablet_order: '',
    stream_keyspace_heartbeats: false,
    include_reshard_journal_events: false,
    tables_to_copy: [],
    exclude_keyspace_from_table_name: false,
  };
}
