/**
 * Switching reads (Vitess's switchReads): replica and rdonly queries move to the target, or back
 * to the source. MoveTables rewrites the tables' `@replica`/`@rdonly` routing rules; Reshard moves
 * the REPLICA and RDONLY partitions of every cell's SrvKeyspace from the source shards to the
 * target shards. Nothing is written on any tablet, so a PRIMARY VStream sees nothing.
 */
import { MigrationType, TabletType } from '@vtsim/proto';
import type { VtctldContext } from '../vtctld-context.js';
import { ruleMap, switchReadRules, toRoutingRules, type ReadType } from './routing-rules.js';
import type { TrafficSwitcher } from './traffic-switcher.js';

/** The read tablet types vtsim switches, with their routing-rule suffix. */
const READ_TABLET_TYPES: ReadonlyArray<[TabletType, ReadType]> = [
  [TabletType.REPLICA, 'replica'],
  [TabletType.RDONLY, 'rdonly'],
];

/**
 * Switches `types` (REPLICA and/or RDONLY) forward (to the target) or, with `backward`, to the
 * source, under the source keyspace's lock. Idempotent.
 */
export async function switchReads(ctx: VtctldContext, ts: TrafficSwitcher, types: readonly TabletType[], backward: boolean): Promise<void> {
  const selected = READ_TABLET_TYPES.filter(([t]) => types.includes(t));
  if (selected.length === 0) return;
  const unlock = await ctx.topo.lockKeyspace(ts.sourceKeyspace, 'SwitchReads');
  try {
    if (ts.migrationType === MigrationType.TABLES) {
      const to = backward ? ts.sourceKeyspace : ts.targetKeyspace;
      const rules = switchReadRules(ruleMap(await ctx.topo.getRoutingRules()), ts.sourceKeyspace, ts.targetKeyspace, ts.tables, selected.map(([, rt]) => rt), to);
      await ctx.topo.saveRoutingRules(toRoutingRules(rules));
      await ctx.topo.rebuildSrvVSchema();
      return;
    }
    const [add, remove] = backward ? [ts.sourceShards(), ts.targetShards()] : [ts.targetShards(), ts.sourceShards()];
    for (const [type] of selected) await ctx.topo.migrateServedType(ts.sourceKeyspace, add, remove, type);
  } finally {
    await unlock();
  }
}
