/**
 * PlannedReparentShard: moves a shard's primary to another tablet with no lost write, as Vitess
 * does: the current primary stops taking writes, the new one catches up to its position and is
 * promoted, the shard record names it, and every other tablet (the old primary included, now a
 * REPLICA) replicates from it.
 */
import { Code, TabletType, tabletAliasString, type TabletAlias } from '@vtsim/proto';
import type { TabletInfo } from '@vtsim/topo';
import { isPromotable } from './durability-policy.js';
import { EventLog } from './event-log.js';
import { candidateAt, mostAdvanced, promoteAndRepoint, type ReparentCandidate } from './reparent-steps.js';
import { dialTabletManager, durationMs, sameAlias, type VtctldContext } from './vtctld-context.js';
import type { PlannedReparentShardRequest, PlannedReparentShardResponse } from './vtctldata.js';
import { vtctldError } from './vtctld-error.js';

const DEFAULT_WAIT_REPLICAS_MS = 15_000;

/**
 * Runs PlannedReparentShard under the shard lock. Without `new_primary` it promotes the most
 * advanced REPLICA other than `avoid_primary` (by default the current primary); with
 * `avoid_primary` naming a tablet that is not the primary it does nothing. Errors:
 * INVALID_ARGUMENT (missing names, elect outside the shard or equal to the avoided tablet),
 * FAILED_PRECONDITION (elect not promotable, `expected_primary` mismatch, no candidate),
 * DEADLINE_EXCEEDED (the elect did not catch up; the old primary is made writable again),
 * UNAVAILABLE (an unreachable tablet), NOT_FOUND (missing shard).
 */
export async function plannedReparentShard(ctx: VtctldContext, req: PlannedReparentShardRequest): Promise<PlannedReparentShardResponse> {
  const keyspace = req.keyspace ?? '';
  const shard = req.shard ?? '';
  if (!keyspace || !shard) throw vtctldError(Code.INVALID_ARGUMENT, 'keyspace and shard are required');
  if (req.new_primary && sameAlias(req.new_primary, req.avoid_primary)) {
    throw vtctldError(Code.INVALID_ARGUMENT, `primary-elect tablet ${tabletAliasString(req.new_primary)} is the same as the tablet to avoid`);
  }
  const log = new EventLog(ctx.clock, 'planned-reparent-shard.ts');
  const unlock = await ctx.topo.lockShard(keyspace, shard, 'PlannedReparentShard');
  try {
    const si = await ctx.topo.getShard(keyspace, shard);
    const current = si.shard.primary_alias;
    if (req.expected_primary && !sameAlias(req.expected_primary, current)) {
      throw vtctldError(Code.FAILED_PRECONDITION, `primary ${current ? tabletAliasString(current) : '<none>'} is not equal to expected alias ${tabletAliasString(req.expected_primary)}`);
    }
    const tablets = await ctx.topo.getTabletsByShard(keyspace, shard);
    let elect: TabletAlias;
    if (req.new_primary) {
      const info = tablets.find((t) => sameAlias(t.tablet.alias, req.new_primary));
      if (!info) throw vtctldError(Code.INVALID_ARGUMENT, `primary-elect tablet ${tabletAliasString(req.new_primary)} is not in the shard`);
      if (!isPromotable(info.tablet.type)) {
        throw vtctldError(Code.FAILED_PRECONDITION, `primary-elect tablet ${tabletAliasString(req.new_primary)} is of type ${TabletType[info.tablet.type]} and cannot be promoted`);
      }
      elect = req.new_primary;
    } else {
      const avoid = req.avoid_primary ?? current;
      if (req.avoid_primary && current && !sameAlias(current, req.avoid_primary)) {
        log.info(`tablet ${tabletAliasString(req.avoid_primary)} is not the primary; nothing to do`);
        return { keyspace, shard, promoted_primary: current, events: log.events };
      }
      elect = await bestCandidate(ctx, tablets, avoid);
    }
    const electName = tabletAliasString(elect);
    const electTm = dialTabletManager(ctx, elect);
    if (current && sameAlias(current, elect)) {
      log.info(`tablet ${electName} is already the primary`);
      await electTm.setReadWrite();
      return { keyspace, shard, promoted_primary: elect, events: log.events };
    }
    const waitMs = durationMs(req.wait_replicas_timeout, DEFAULT_WAIT_REPLICAS_MS);
    if (current) {
      const oldTm = ctx.tabletManagerDialer(current);
      log.info(`demoting current primary: ${tabletAliasString(current)}`);
      if (!oldTm) throw vtctldError(Code.UNAVAILABLE, `failed to DemotePrimary on current primary ${tabletAliasString(current)}: tablet ${tabletAliasString(current)} is not reachable`);
      const position = await oldTm.demotePrimary();
      try {
        log.info(`waiting for primary-elect ${electName} to catch up to ${position}`);
        await electTm.waitForPosition(position, waitMs);
      } catch (err) {
        log.warning(`primary-elect ${electName} did not catch up; making ${tabletAliasString(current)} writable again`);
        await oldTm.setReadWrite();
        throw vtctldError(Code.DEADLINE_EXCEEDED, `primary-elect tablet ${electName} failed to catch up with replication: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await promoteAndRepoint(ctx, keyspace, shard, tablets, elect, log);
    return { keyspace, shard, promoted_primary: elect, events: log.events };
  } finally {
    await unlock();
  }
}

/**
 * The reachable REPLICA (other than `avoid`) that has executed at least what every other
 * candidate has (see mostAdvanced); FAILED_PRECONDITION if there is no candidate.
 */
async function bestCandidate(ctx: VtctldContext, tablets: readonly TabletInfo[], avoid: TabletAlias | null | undefined): Promise<TabletAlias> {
  const candidates: ReparentCandidate[] = [];
  for (const t of tablets) {
    if (sameAlias(t.tablet.alias, avoid) || t.tablet.type !== TabletType.REPLICA) continue;
    const tm = ctx.tabletManagerDialer(t.tablet.alias);
    if (tm) candidates.push(candidateAt(t.tablet.alias, await tm.primaryPosition()));
  }
  const best = mostAdvanced(candidates);
  if (!best) throw vtctldError(Code.FAILED_PRECONDITION, 'no valid candidate for the new primary');
  return best.alias;
}
