/**
 * MoveTablesComplete, which Reshard complete reuses (Vitess's dropSources): once every read and
 * the writes are switched, the sources are cleaned up. MoveTables drops the moved tables on the
 * sources, their denied tables, their source VSchema entries and (unless kept) their routing
 * rules; Reshard deletes the source shards with their tablet records. Both delete the
 * `_reverse` streams on the sources and the workflow's streams on the targets.
 */
import { Code, MigrationType, TabletType } from '@vtsim/proto';
import { isTopoError } from '@vtsim/topo';
import { deleteShard } from '../delete-shard.js';
import type { VtctldContext } from '../vtctld-context.js';
import { vtctldError } from '../vtctld-error.js';
import { deleteTableRules, ruleMap, toRoutingRules } from './routing-rules.js';
import { updateDeniedTables, updateDisableQueryService } from './serving-controls.js';
import { sqlIdent } from './sql-literal.js';
import { everythingSwitched, trafficState } from './traffic-state.js';
import { buildTrafficSwitcher, type TrafficSwitcher } from './traffic-switcher.js';
import { deleteWorkflowSql } from './vreplication-stream.js';
import type { MoveTablesCompleteRequest, MoveTablesCompleteResponse } from './workflow-messages.js';

/** Vitess's ErrWorkflowNotFullySwitched. */
export const NOT_FULLY_SWITCHED = 'cannot complete workflow because you have not yet switched all read and write traffic';

/** Removes moved tables from a keyspace's VSchema, if it lists them. */
export async function dropTablesFromVSchema(ctx: VtctldContext, keyspace: string, tables: readonly string[]): Promise<void> {
  let vschema;
  try {
    vschema = await ctx.topo.getVSchema(keyspace);
  } catch (err) {
    if (isTopoError(err, 'NoNode')) return;
    throw err;
  }
  let changed = false;
  for (const t of tables) {
    if (!vschema.tables[t]) continue;
    delete vschema.tables[t];
    changed = true;
  }
  if (changed) await ctx.topo.saveVSchema(keyspace, vschema);
}

/** Deletes a workflow's streams on every primary of `shards`. */
export async function deleteStreams(dbName: string, workflow: string, shards: Iterable<{ tm: { vreplicationExec(q: string): Promise<unknown> } }>): Promise<void> {
  for (const s of shards) await s.tm.vreplicationExec(deleteWorkflowSql(dbName, workflow));
}

async function dropSources(ctx: VtctldContext, ts: TrafficSwitcher, req: MoveTablesCompleteRequest): Promise<void> {
  await deleteStreams(ts.sourceDbName, ts.reverseWorkflow, ts.sources.values());
  if (ts.migrationType === MigrationType.TABLES) {
    if (!req.keep_data) {
      for (const s of ts.sources.values()) {
        for (const t of ts.tables) await s.tm.executeFetchAsDba(`drop table if exists ${sqlIdent(t)}`);
      }
    }
    for (const type of [TabletType.PRIMARY, TabletType.REPLICA, TabletType.RDONLY]) {
      await updateDeniedTables(ctx.topo, ts.sourceKeyspace, ts.sourceShards(), ts.tables, true, type);
    }
    await dropTablesFromVSchema(ctx, ts.sourceKeyspace, ts.tables);
    if (!req.keep_routing_rules) {
      await ctx.topo.saveRoutingRules(toRoutingRules(deleteTableRules(ruleMap(await ctx.topo.getRoutingRules()), [ts.sourceKeyspace, ts.targetKeyspace], ts.tables)));
    }
  } else if (!req.keep_data) {
    const refs = [...ts.sources.values()].map((s) => ({ name: s.shard, keyRange: s.si.shard.key_range }));
    await updateDisableQueryService(ctx.topo, ts.sourceKeyspace, refs, false);
    for (const shard of ts.sourceShards()) await deleteShard(ctx, ts.sourceKeyspace, shard, { recursive: true, evenIfServing: false });
  }
  await deleteStreams(ts.targetDbName, ts.workflow, ts.targets.values());
  await ctx.topo.rebuildSrvVSchema();
}

/**
 * Completes workflow `req.workflow` of keyspace `req.target_keyspace`. FAILED_PRECONDITION
 * (NOT_FULLY_SWITCHED) unless all traffic was switched; with `dry_run` only lists what it would do.
 */
export async function workflowComplete(ctx: VtctldContext, req: MoveTablesCompleteRequest): Promise<MoveTablesCompleteResponse> {
  const keyspace = req.target_keyspace ?? '';
  const workflow = req.workflow ?? '';
  if (!keyspace || !workflow) throw vtctldError(Code.INVALID_ARGUMENT, 'workflow and target keyspace are required');
  const ts = await buildTrafficSwitcher(ctx, keyspace, workflow);
  if (!everythingSwitched(await trafficState(ctx, ts))) throw vtctldError(Code.FAILED_PRECONDITION, NOT_FULLY_SWITCHED);
  if (req.dry_run) {
    const results = [`Lock keyspace ${ts.sourceKeyspace}`, `Delete reverse streams of ${ts.reverseWorkflow} on ${ts.sourceKeyspace} shards ${ts.sourceShards()}`];
    if (ts.migrationType === MigrationType.TABLES) results.push(`Drop tables ${ts.tables.join(',')} in keyspace ${ts.sourceKeyspace}`, 'Delete routing rules');
    else results.push(`Delete shards ${ts.sourceShards().map((s) => `${ts.sourceKeyspace}/${s}`).join(',')}`);
    results.push(`Delete streams of ${ts.workflow} on ${ts.targetKeyspace} shards ${ts.targetShards()}`, `Unlock keyspace ${ts.sourceKeyspace}`);
    return { summary: `Complete dry run results for workflow ${keyspace}.${workflow}`, dry_run_results: results };
  }
  const unlock = await ctx.topo.lockKeyspace(ts.sourceKeyspace, 'DropSources');
  try {
    await dropSources(ctx, ts, req);
  } finally {
    await unlock();
  }
  return { summary: `Successfully completed the ${workflow} workflow in the ${keyspace} keyspace`, dry_run_results: [] };
}
