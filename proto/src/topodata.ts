/**
 * Types of Vitess's `topodata` proto package that every layer shares: tablet types, tablet
 * aliases and key ranges. The topo package adds the records (Keyspace, Shard, Tablet, …).
 */

/** topodata.TabletType. MASTER and BATCH are the proto's aliases of PRIMARY and RDONLY. */
export enum TabletType {
  UNKNOWN = 0,
  PRIMARY = 1,
  REPLICA = 2,
  RDONLY = 3,
  SPARE = 4,
  EXPERIMENTAL = 5,
  BACKUP = 6,
  RESTORE = 7,
  DRAINED = 8,
}

/** Parses a tablet type name case-insensitively (`primary`, `MASTER`, `rdonly`, `batch`, …); undefined if unknown. */
export function parseTabletType(name: string): TabletType | undefined {
  const n = name.trim().toUpperCase();
  if (n === 'MASTER') return TabletType.PRIMARY;
  if (n === 'BATCH') return TabletType.RDONLY;
  const v = (TabletType as unknown as Record<string, TabletType>)[n];
  return typeof v === 'number' ? v : undefined;
}

/** topodata.TabletAlias: a tablet's cell and uid. */
export interface TabletAlias {
  cell: string;
  uid: number;
}

/** Formats an alias the Vitess way: `zone1-0000000100`. */
export function tabletAliasString(a: TabletAlias): string {
  return `${a.cell}-${String(a.uid).padStart(10, '0')}`;
}

/** Parses `zone1-0000000100` or `zone1-100`; throws on anything else. */
export function parseTabletAlias(s: string): TabletAlias {
  const m = /^(.+)-(\d+)$/.exec(s.trim());
  if (!m) throw new Error(`invalid tablet alias: '${s}', expecting format cell-uid`);
  return { cell: m[1]!, uid: Number(m[2]) };
}

/** topodata.KeyRange: the half-open range [start, end) of keyspace ids; empty bytes mean unbounded. */
export interface KeyRange {
  start: Uint8Array;
  end: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Topology records (owned by @vtsim/topo). A null key range means the full range, as Vitess
// stores it for shards named `0` or `-`.
// ---------------------------------------------------------------------------------------------

/** vttime.Time: seconds and nanoseconds since the epoch. */
export interface VtTime {
  seconds: number;
  nanoseconds: number;
}

/** topodata.KeyspaceType: NORMAL, or SNAPSHOT for a keyspace restored from a backup. */
export enum KeyspaceType {
  NORMAL = 0,
  SNAPSHOT = 1,
}

/** topodata.Keyspace: a keyspace's global record (`keyspaces/<ks>/Keyspace`). */
export interface Keyspace {
  keyspace_type: KeyspaceType;
  base_keyspace: string;
  snapshot_time: VtTime | null;
  durability_policy: string;
  sidecar_db_name: string;
}

/** topodata.Shard.SourceShard: a shard this one is filled from by a VReplication stream. */
export interface SourceShard {
  uid: number;
  keyspace: string;
  shard: string;
  key_range: KeyRange | null;
  tables: string[];
}

/** topodata.Shard.TabletControl: per tablet type query-serving controls of one shard. */
export interface TabletControl {
  tablet_type: TabletType;
  cells: string[];
  denied_tables: string[];
  frozen: boolean;
}

/** topodata.Shard: a shard's global record (`keyspaces/<ks>/shards/<shard>/Shard`). */
export interface Shard {
  primary_alias: TabletAlias | null;
  primary_term_start_time: VtTime | null;
  key_range: KeyRange | null;
  source_shards: SourceShard[];
  tablet_controls: TabletControl[];
  is_primary_serving: boolean;
}

/** topodata.Tablet: a tablet's cell-local record (`tablets/<alias>/Tablet`). */
export interface Tablet {
  alias: TabletAlias;
  hostname: string;
  port_map: Record<string, number>;
  keyspace: string;
  shard: string;
  key_range: KeyRange | null;
  type: TabletType;
  db_name_override: string;
  mysql_hostname: string;
  mysql_port: number;
  primary_term_start_time: VtTime | null;
  default_conn_collation: number;
}

/** topodata.ShardReference: a shard named in a serving partition. */
export interface ShardReference {
  name: string;
  key_range: KeyRange | null;
}

/** topodata.ShardTabletControl: a shard whose query service is disabled for a served type. */
export interface ShardTabletControl {
  name: string;
  key_range: KeyRange | null;
  query_service_disabled: boolean;
}

/** topodata.SrvKeyspace.KeyspacePartition: the shards serving one tablet type. */
export interface KeyspacePartition {
  served_type: TabletType;
  shard_references: ShardReference[];
  shard_tablet_controls: ShardTabletControl[];
}

/** topodata.SrvKeyspace: a keyspace's cell-local serving graph (`keyspaces/<ks>/SrvKeyspace`). */
export interface SrvKeyspace {
  partitions: KeyspacePartition[];
}

/** topodata.CellInfo: where a cell's topology lives (`cells/<cell>/CellInfo`). */
export interface CellInfo {
  server_address: string;
  root: string;
}
