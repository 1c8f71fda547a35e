/**
 * Picks the source tablet a VReplication stream reads from (Vitess's discovery.TabletPicker for
 * streaming): a serving tablet of the source shard whose type is the first of the stream's
 * `tablet_types` that has one.
 */
import { Code, TabletType, VtError, parseTabletType, tabletAliasString, type TabletAlias } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import type { QueryService, TabletDialer } from '../query-service.js';

/** The tablet types a stream reads from when `tablet_types` is empty (Vitess's `in_order:REPLICA,PRIMARY`). */
export const DEFAULT_TABLET_TYPES: readonly TabletType[] = [TabletType.REPLICA, TabletType.PRIMARY];

/** A tablet chosen to stream from. */
export interface SourceTablet {
  alias: TabletAlias;
  type: TabletType;
  service: QueryService;
}

/**
 * Parses a `tablet_types` value (`in_order:REPLICA,PRIMARY`, `replica,primary`, …) into types in
 * preference order; empty text gives {@link DEFAULT_TABLET_TYPES}. Throws VtError INVALID_ARGUMENT
 * for an unknown type name.
 */
export function parseTabletTypes(text: string): TabletType[] {
  const list = text.trim().replace(/^in_order:/i, '');
  if (list === '') return [...DEFAULT_TABLET_TYPES];
  return list.split(',').map((name) => {
    const t = parseTabletType(name.trim());
    if (t === undefined) throw new VtError(Code.INVALID_ARGUMENT, `failed to parse list of tablet types: ${text}`);
    return t;
  });
}

/**
 * Finds a serving tablet of `keyspace/shard` in `cells` (every cell when empty) of the first type in
 * `types` that has one, preferring tablets not in `avoid` (aliases that failed recently), then the
 * lowest uid. Health is read from each candidate's own health stream. Throws VtError UNAVAILABLE
 * when none qualifies.
 */
export async function pickSourceTablet(
  topo: TopoServer,
  dialer: TabletDialer,
  keyspace: string,
  shard: string,
  cells: readonly string[],
  types: readonly TabletType[],
  avoid: ReadonlySet<string>,
): Promise<SourceTablet> {
  const infos = await topo.getTabletsByShard(keyspace, shard);
  const records = infos
    .map((i) => i.tablet)
    .filter((t) => cells.length === 0 || cells.includes(t.alias.cell))
    .sort((a, b) => Number(avoid.has(tabletAliasString(a.alias))) - Number(avoid.has(tabletAliasString(b.alias))) || a.alias.uid - b.alias.uid);
  for (const type of types) {
    for (const record of records) {
      if (record.type !== type) continue;
      const service = dialer(record.alias);
      if (!service) continue;
      if (await isServingAs(service, type)) return { alias: record.alias, type, service };
    }
  }
  const names = types.map((t) => TabletType[t]).join(',');
  throw new VtError(Code.UNAVAILABLE, `no healthy tablet of types [${names}] found for ${keyspace}/${shard} in cells [${cells.join(',')}]`);
}

async function isServingAs(service: QueryService, type: TabletType): Promise<boolean> {
  const ac = new AbortController();
  try {
    for await (const h of service.streamHealth(ac.signal)) return h.serving && h.target.tablet_type === type;
    return false;
  } finally {
    ac.abort();
  }
}
