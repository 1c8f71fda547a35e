/**
 * The steps PlannedReparentShard and EmergencyReparentShard share: choosing the most advanced
 * candidate by GTID set, and promoting the elect (tablet, shard record) then pointing every other
 * reachable tablet of the shard at it.
 */
import { GtidSet, decodePosition } from '@vtsim/binlog';
import { errorCode, tabletAliasString, type TabletAlias } from '@vtsim/proto';
import type { TabletInfo } from '@vtsim/topo';
import type { EventLog } from './event-log.js';
import { dialTabletManager, sameAlias, type VtctldContext } from './vtctld-context.js';
import { vtctldError } from './vtctld-error.js';

/** A tablet that may be promoted, with the GTID set its mysqld has executed. */
export interface ReparentCandidate {
  alias: TabletAlias;
  executed: GtidSet;
}

/** The candidate holding `MySQL56/<set>` `position`. */
export function candidateAt(alias: TabletAlias, position: string): ReparentCandidate {
  return { alias, executed: decodePosition(position).gtidSet };
}

/**
 * The errant GTIDs of a replica that stopped replicating from the server `sourceUuid`, as Vitess's
 * FindErrantGTIDs finds them for EmergencyReparentShard: what it executed that none of the other
 * replicas `others` did, leaving out its source's own transactions (replicas receive those at
 * different paces). Empty with no other replica to compare with.
 */
export function findErrantGtids(executed: GtidSet, sourceUuid: string, others: readonly GtidSet[]): GtidSet {
  if (others.length === 0) return GtidSet.empty;
  let diff = withoutServer(executed, sourceUuid);
  for (const other of others) diff = diff.subtract(other);
  return diff;
}

/** `set` without any GTID of server `sid` (`set` itself for '' or a server it has none of). */
export function withoutServer(set: GtidSet, sid: string): GtidSet {
  const last = sid ? set.lastGno(sid) : 0;
  return last === 0 ? set : set.subtract(GtidSet.parse(`${sid}:1-${last}`));
}

/**
 * The first candidate that has executed everything every other one has; when none does (diverged
 * sets), the first candidate; undefined for an empty list.
 */
export function mostAdvanced(candidates: readonly ReparentCandidate[]): ReparentCandidate | undefined {
  return candidates.find((c) => candidates.every((o) => c.executed.contains(o.executed))) ?? candidates[0];
}

/** How {@link promoteAndRepoint} treats the other tablets. */
export interface RepointOptions {
  /** Each repointed tablet must also reach the promotion position within this time (InitShardPrimary). */
  waitReplicasMs?: number;
  /**
   * A tablet whose calls fail is logged and left as it is (EmergencyReparentShard, whose shard is
   * damaged anyway); otherwise every tablet is tried and the reparent then fails naming the
   * failures, as Vitess's PlannedReparentShard does.
   */
  tolerateReplicaErrors?: boolean;
}

/**
 * Promotes `elect` (replication stopped, writable, type PRIMARY), records it as the shard's
 * primary with a term starting now, and makes every other reachable tablet of `tablets`
 * replicate from it; unreachable ones are logged and left as they are. See {@link RepointOptions}.
 */
export async function promoteAndRepoint(
  ctx: VtctldContext,
  keyspace: string,
  shard: string,
  tablets: readonly TabletInfo[],
  elect: TabletAlias,
  log: EventLog,
  opts: RepointOptions = {},
): Promise<void> {
  const electName = tabletAliasString(elect);
  const electTm = dialTabletManager(ctx, elect);
  log.info(`promoting tablet ${electName} to primary`);
  const position = await electTm.promoteReplica();
  const nowSeconds = Math.floor(ctx.clock.now() / 1000);
  await ctx.topo.updateShardFields(keyspace, shard, (s) => {
    s.primary_alias = { ...elect };
    s.primary_term_start_time = { seconds: nowSeconds, nanoseconds: 0 };
  });
  const failures: Array<{ message: string; err: unknown }> = [];
  for (const other of tablets) {
    if (sameAlias(other.tablet.alias, elect)) continue;
    const name = tabletAliasString(other.tablet.alias);
    const tm = ctx.tabletManagerDialer(other.tablet.alias);
    if (!tm) {
      log.warning(`tablet ${name} is not reachable; it will not replicate from ${electName}`);
      continue;
    }
    log.info(`setting replication source of tablet ${name} to ${electName}`);
    try {
      await tm.setReplicationSource(elect);
      if (opts.waitReplicasMs !== undefined) await tm.waitForPosition(position, opts.waitReplicasMs);
    } catch (err) {
      const message = `tablet ${name} SetReplicationSource failed: ${err instanceof Error ? err.message : String(err)}`;
      log.warning(message);
      failures.push({ message, err });
    }
  }
  if (failures.length > 0 && !opts.tolerateReplicaErrors) {
    const first = failures[0]!;
    throw vtctldError(errorCode(first.err), `some replicas failed to reparent; retry PlannedReparentShard with the same new primary alias to retry failed replicas: ${first.message}`);
  }
}
