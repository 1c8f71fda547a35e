/**
 * EmergencyReparentShard: gives a shard whose primary is dead (or unreachable) a new primary, as
 * Vitess's emergency reparenter does: the current primary is not waited for; replication stops on
 * every reachable tablet (a replica stops with everything it received applied), the most
 * advanced promotable tablet by GTID set (or the requested one, if nothing is ahead of it) is
 * promoted (never a replica with errant GTIDs, see findErrantGtids), the shard record names it, and
 * every other reachable tablet replicates from it. The old primary, when it comes back, finds
 * another primary in the shard record and starts as a REPLICA.
 */
import { Code, TabletType, tabletAliasString, type TabletAlias } from '@vtsim/proto';
import { canEstablishSemiSync, isPromotable } from './durability-policy.js';
import { EventLog } from './event-log.js';
import { candidateAt, findErrantGtids, mostAdvanced, promoteAndRepoint, type ReparentCandidate } from './reparent-steps.js';
import { sameAlias, type VtctldContext } from './vtctld-context.js';
import type { EmergencyReparentShardRequest, EmergencyReparentShardResponse } from './vtctldata.js';
import { vtctldError } from './vtctld-error.js';

/**
 * Runs EmergencyReparentShard under the shard lock. Tablets in `ignore_replicas` are neither
 * stopped nor considered for promotion (they are still pointed at the new primary). Errors:
 * INVALID_ARGUMENT (missing names, elect outside the shard), FAILED_PRECONDITION (elect not
 * promotable, ignored, unreachable or behind another candidate; no candidate at all; elect in
 * another cell with `prevent_cross_cell_promotion`), ABORTED (the elect could not commit under
 * the keyspace's semi-sync durability: no acknowledging tablet reached), NOT_FOUND (missing shard).
 * A tablet whose calls fail is left out; candidates that could not commit under the durability
 * policy with the tablets reached are dropped, as Vitess's filterValidCandidates does.
 * `wait_replicas_timeout` bounds nothing here: a vtsim replica applies what it received as it
 * stops, so there are no relay logs to wait for.
 */
export async function emergencyReparentShard(ctx: VtctldContext, req: EmergencyReparentShardRequest): Promise<EmergencyReparentShardResponse> {
  const keyspace = req.keyspace ?? '';
  const shard = req.shard ?? '';
  if (!keyspace || !shard) throw vtctldError(Code.INVALID_ARGUMENT, 'keyspace and shard are required');
  const ignored = req.ignore_replicas ?? [];
  const isIgnored = (a: TabletAlias): boolean => ignored.some((i) => sameAlias(i, a));
  const log = new EventLog(ctx.clock, 'emergency-reparent-shard.ts');
  const unlock = await ctx.topo.lockShard(keyspace, shard, 'EmergencyReparentShard');
  try {
    const si = await ctx.topo.getShard(keyspace, shard);
    const previous = si.shard.primary_alias;
    log.info(`will initiate emergency reparent shard in keyspace - ${keyspace}, shard - ${shard}`);
    const tablets = await ctx.topo.getTabletsByShard(keyspace, shard);
    if (req.new_primary && !tablets.some((t) => sameAlias(t.tablet.alias, req.new_primary))) {
      throw vtctldError(Code.INVALID_ARGUMENT, `primary-elect tablet ${tabletAliasString(req.new_primary)} is not in the shard`);
    }
    const candidates: ReparentCandidate[] = [];
    /** The tablets that answered (what a new primary could get semi-sync acknowledgements from). */
    const reached: Array<{ alias: TabletAlias; type: TabletType; cell: string }> = [];
    const replicas: Array<ReparentCandidate & { sourceUuid: string }> = [];
    for (const t of tablets) {
      const alias = t.tablet.alias;
      if (isIgnored(alias)) continue;
      const tm = ctx.tabletManagerDialer(alias);
      if (!tm) {
        log.warning(`tablet ${tabletAliasString(alias)} is not reachable; it is left out of the reparent`);
        continue;
      }
      // As stopReplicationAndBuildStatusMaps: a tablet whose calls fail (its mysqld down, the
      // network cut) is left out, not fatal; the reparent needs a candidate, not every tablet.
      try {
        if (t.tablet.type === TabletType.PRIMARY) {
          log.info(`demoting tablet ${tabletAliasString(alias)}, which still claims to be primary`);
          const position = await tm.demotePrimary();
          reached.push({ alias, type: t.tablet.type, cell: alias.cell });
          if (isPromotable(t.tablet.type)) candidates.push(candidateAt(alias, position));
          continue;
        }
        log.info(`stopping replication on tablet ${tabletAliasString(alias)}`);
        await tm.stopReplication();
        const status = await tm.getReplicationStatus();
        const candidate = { ...candidateAt(alias, await tm.primaryPosition()), sourceUuid: status?.source_uuid ?? '' };
        replicas.push(candidate);
        reached.push({ alias, type: t.tablet.type, cell: alias.cell });
        if (isPromotable(t.tablet.type)) candidates.push(candidate);
      } catch (err) {
        log.warning(`failed to stop replication on tablet ${tabletAliasString(alias)}, it is left out of the reparent: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    // As FindPositionsOfAllCandidates: a replica with errant GTIDs is no candidate.
    for (const c of replicas) {
      const others = replicas.filter((o) => o !== c).map((o) => o.executed);
      const errant = findErrantGtids(c.executed, c.sourceUuid, others);
      if (errant.isEmpty()) continue;
      log.warning(`skipping ${tabletAliasString(c.alias)} with GTIDSet:${c.executed.toString()} because we detected errant GTIDs - ${errant.toString()}`);
      const at = candidates.indexOf(c);
      if (at >= 0) candidates.splice(at, 1);
    }
    // As filterValidCandidates: a candidate that could not commit with the tablets reached (no
    // semi-sync acker among them) is no candidate.
    const durability = (await ctx.topo.getKeyspace(keyspace)).keyspace.durability_policy ?? '';
    for (const c of [...candidates]) {
      const others = reached.filter((r) => !sameAlias(r.alias, c.alias));
      if (canEstablishSemiSync(durability, c.alias.cell, others)) continue;
      const name = tabletAliasString(c.alias);
      log.info(`Removing ${name} from list of valid candidates for promotion because it will not be able to make forward progress on promotion with the tablets currently reachable`);
      if (req.new_primary && sameAlias(req.new_primary, c.alias)) {
        throw vtctldError(Code.ABORTED, `proposed primary ${name} will not be able to make forward progress on being promoted`);
      }
      candidates.splice(candidates.indexOf(c), 1);
    }
    const winner = mostAdvanced(candidates);
    if (!winner) throw vtctldError(Code.FAILED_PRECONDITION, 'no valid candidates for emergency reparent');
    let elect = winner.alias;
    if (req.new_primary) {
      const name = tabletAliasString(req.new_primary);
      const requested = candidates.find((c) => sameAlias(c.alias, req.new_primary));
      if (!requested) throw vtctldError(Code.FAILED_PRECONDITION, `primary-elect tablet ${name} is not a reachable, promotable tablet of the shard`);
      if (!requested.executed.contains(winner.executed)) {
        throw vtctldError(Code.FAILED_PRECONDITION, `primary elect ${name} at position ${requested.executed.toString()} is not fully caught up. Winning position: ${winner.executed.toString()}`);
      }
      elect = requested.alias;
    }
    if (req.prevent_cross_cell_promotion && previous && previous.cell !== elect.cell) {
      throw vtctldError(Code.FAILED_PRECONDITION, `elected primary ${tabletAliasString(elect)} is in cell ${elect.cell}, not the previous primary's cell ${previous.cell}`);
    }
    await promoteAndRepoint(ctx, keyspace, shard, tablets, elect, log, { tolerateReplicaErrors: true });
    return { keyspace, shard, promoted_primary: elect, events: log.events };
  } finally {
    await unlock();
  }
}
