/**
 * WorkflowDelete, which `MoveTables|Reshard cancel` use (Vitess's DropTargets): before any traffic
 * is switched, the workflow's streams are deleted on every target primary and, unless data is
 * kept, what they copied goes: MoveTables drops the tables on the targets, their target VSchema
 * entries and (unless kept) their routing rules; Reshard drops the tables on the new shards,
 * which stay in the topology, empty, for another attempt.
 */
import { Code, MigrationType } from '@vtsim/proto';
import type { VtctldContext } from '../vtctld-context.js';
import { vtctldError } from '../vtctld-error.js';
import { deleteTableRules, ruleMap, toRoutingRules } from './routing-rules.js';
import { listTables } from './schema-copy.js';
import { sqlIdent } from './sql-literal.js';
import { nothingSwitched, trafficState } from './traffic-state.js';
import { buildTrafficSwitcher } from './traffic-switcher.js';
import { deleteStreams, dropTablesFromVSchema } from './workflow-complete.js';
import type { WorkflowDeleteRequest, WorkflowDeleteResponse } from './workflow-messages.js';

/** Vitess's ErrWorkflowPartiallySwitched. */
export const PARTIALLY_SWITCHED = 'cannot cancel workflow because you have already switched some or all read and write traffic';

/**
 * Deletes workflow `req.workflow` of keyspace `req.keyspace`. FAILED_PRECONDITION
 * (PARTIALLY_SWITCHED) once any read or write traffic was switched, or when a journal shows the
 * cutover passed its point of no return.
 */
export async function workflowDelete(ctx: VtctldContext, req: WorkflowDeleteRequest): Promise<WorkflowDeleteResponse> {
  const keyspace = req.keyspace ?? '';
  const workflow = req.workflow ?? '';
  if (!keyspace || !workflow) throw vtctldError(Code.INVALID_ARGUMENT, 'keyspace and workflow are required');
  const ts = await buildTrafficSwitcher(ctx, keyspace, workflow);
  if (!nothingSwitched(await trafficState(ctx, ts)) || ts.frozen) throw vtctldError(Code.FAILED_PRECONDITION, PARTIALLY_SWITCHED);
  const unlock = await ctx.topo.lockKeyspace(ts.targetKeyspace, 'DropTargets');
  try {
    await deleteStreams(ts.targetDbName, ts.workflow, ts.targets.values());
    if (!req.keep_data) {
      for (const t of ts.targets.values()) {
        const tables = ts.migrationType === MigrationType.TABLES ? ts.tables : await listTables(t.tm);
        for (const table of tables) await t.tm.executeFetchAsDba(`drop table if exists ${sqlIdent(table)}`);
      }
      if (ts.migrationType === MigrationType.TABLES) await dropTablesFromVSchema(ctx, ts.targetKeyspace, ts.tables);
    }
    if (ts.migrationType === MigrationType.TABLES && !req.keep_routing_rules) {
      await ctx.topo.saveRoutingRules(toRoutingRules(deleteTableRules(ruleMap(await ctx.topo.getRoutingRules()), [ts.sourceKeyspace, ts.targetKeyspace], ts.tables)));
    }
    await ctx.topo.rebuildSrvVSchema();
  } finally {
    await unlock();
  }
  return {
    summary: `Successfully cancelled the ${workflow} workflow in the ${keyspace} keyspace`,
    details: ts.targetShards().map((shard) => ({ tablet: ts.targets.get(shard)!.primary, deleted: true })),
  };
}
