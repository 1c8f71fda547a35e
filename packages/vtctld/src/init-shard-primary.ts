/**
 * InitShardPrimary: makes one tablet the primary of a shard and every other tablet of the shard
 * replicate from it, as Vitess's InitShardPrimary does for a fresh shard. vtsim keeps the tablets'
 * data (it does not reset replication), so it is also safe on a shard that already has data.
 */
import { Code, TabletType, tabletAliasString } from '@vtsim/proto';
import { EventLog } from './event-log.js';
import { promoteAndRepoint } from './reparent-steps.js';
import { dialTabletManager, durationMs, sameAlias, type VtctldContext } from './vtctld-context.js';
import type { InitShardPrimaryRequest, InitShardPrimaryResponse } from './vtctldata.js';
import { vtctldError } from './vtctld-error.js';

const DEFAULT_WAIT_REPLICAS_MS = 30_000;

/**
 * Runs InitShardPrimary under the shard lock. Errors: INVALID_ARGUMENT for a missing keyspace,
 * shard or alias, or an elect outside the shard; FAILED_PRECONDITION when the elect is not the
 * shard's primary and `force` is not set; UNAVAILABLE for an unreachable tablet; NOT_FOUND for a
 * missing shard; DEADLINE_EXCEEDED when a replica does not catch up in time.
 */
export async function initShardPrimary(ctx: VtctldContext, req: InitShardPrimaryRequest): Promise<InitShardPrimaryResponse> {
  const keyspace = req.keyspace ?? '';
  const shard = req.shard ?? '';
  const elect = req.primary_elect_tablet_alias;
  if (!keyspace || !shard) throw vtctldError(Code.INVALID_ARGUMENT, 'keyspace and shard are required');
  if (!elect) throw vtctldError(Code.INVALID_ARGUMENT, 'primary_elect_tablet_alias is required');
  const electName = tabletAliasString(elect);
  const log = new EventLog(ctx.clock, 'init-shard-primary.ts');
  const unlock = await ctx.topo.lockShard(keyspace, shard, `InitShardPrimary(${electName})`);
  try {
    const si = await ctx.topo.getShard(keyspace, shard);
    const tablets = await ctx.topo.getTabletsByShard(keyspace, shard);
    const electInfo = tablets.find((t) => sameAlias(t.tablet.alias, elect));
    if (!electInfo) throw vtctldError(Code.INVALID_ARGUMENT, `primary-elect tablet ${electName} is not in the shard`);
    if (!sameAlias(si.shard.primary_alias, elect)) {
      if (!req.force) throw vtctldError(Code.FAILED_PRECONDITION, `primary-elect tablet ${electName} is not the shard primary, use --force to proceed anyway`);
      log.warning(`primary-elect tablet ${electName} is not the shard primary, proceeding anyway as --force was used`);
    }
    if (electInfo.tablet.type !== TabletType.PRIMARY) {
      if (!req.force) throw vtctldError(Code.FAILED_PRECONDITION, `primary-elect tablet ${electName} is not a primary in the shard, use --force to proceed anyway`);
      log.warning(`primary-elect tablet ${electName} is not a primary in the shard, proceeding anyway as --force was used`);
    }
    // Fails with UNAVAILABLE before anything changes when the elect cannot be reached.
    dialTabletManager(ctx, elect);
    for (const other of tablets) {
      if (sameAlias(other.tablet.alias, elect) || other.tablet.type !== TabletType.PRIMARY) continue;
      log.info(`demoting tablet ${tabletAliasString(other.tablet.alias)}, which also claims to be primary`);
      await ctx.tabletManagerDialer(other.tablet.alias)?.demotePrimary();
    }
    await promoteAndRepoint(ctx, keyspace, shard, tablets, elect, log, { waitReplicasMs: durationMs(req.wait_replicas_timeout, DEFAULT_WAIT_REPLICAS_MS) });
    return { events: log.events };
  } finally {
    await unlock();
  }
}
