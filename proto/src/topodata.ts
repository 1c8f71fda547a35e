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
