/**
 * MoveTablesCreate: starts moving tables from one keyspace to another (Vitess's
 * workflow.Server.MoveTablesCreate): the tables' schema is copied to every target primary, the
 * target VSchema gains the tables (unsharded targets), routing rules keep every query on the
 * source, and each target primary gets one stream per overlapping source shard whose filter
 * selects the moved tables (within the target shard's key range for a sharded target).
 */
import { Code, emptyKeyspaceVSchema, type BinlogSource, type KeyspaceVSchema } from '@vtsim/proto';
import { isTopoError, keyRangeIsComplete, keyRangeString } from '@vtsim/topo';
import type { VtctldContext } from '../vtctld-context.js';
import { vtctldError } from '../vtctld-error.js';
import { addCreateRules, ruleMap, toRoutingRules } from './routing-rules.js';
import { copySchema, listTables } from './schema-copy.js';
import { checkWorkflowAbsent, createStreams, participantShards, type ParticipantShard } from './workflow-create.js';
import { onDdlAction } from './on-ddl.js';
import { VReplicationWorkflowType, type MoveTablesCreateRequest, type WorkflowStatusResponse } from './workflow-messages.js';
import { workflowStatus } from './workflow-status.js';

/** The filter query of one moved table for one target shard. */
function tableFilter(table: string, target: ParticipantShard, vschema: KeyspaceVSchema, targetKeyspace: string): string {
  const query = `select * from ${table}`;
  if (!vschema.sharded || keyRangeIsComplete(target.keyRange)) return query;
  const cv = vschema.tables[table]?.column_vindexes[0];
  if (!cv) throw vtctldError(Code.FAILED_PRECONDITION, `table ${table} has no primary vindex in the ${targetKeyspace} keyspace's vschema`);
  const column = cv.column || cv.columns[0] || '';
  return `${query} where in_keyrange(${column}, '${targetKeyspace}.${cv.name}', '${keyRangeString(target.keyRange)}')`;
}

/**
 * Creates a MoveTables workflow and returns its status. INVALID_ARGUMENT for missing names or no
 * table; NOT_FOUND for a missing keyspace or a table the source lacks; ALREADY_EXISTS when the
 * workflow exists; FAILED_PRECONDITION when a sharded target's VSchema lacks a moved table.
 */
export async function moveTablesCreate(ctx: VtctldContext, req: MoveTablesCreateRequest): Promise<WorkflowStatusResponse> {
  const workflow = req.workflow ?? '';
  const sourceKeyspace = req.source_keyspace ?? '';
  const targetKeyspace = req.target_keyspace ?? '';
  if (!workflow || !sourceKeyspace || !targetKeyspace) throw vtctldError(Code.INVALID_ARGUMENT, 'workflow, source keyspace and target keyspace are required');
  if (sourceKeyspace === targetKeyspace) throw vtctldError(Code.INVALID_ARGUMENT, 'source and target keyspace must be different for MoveTables');
  await ctx.topo.getKeyspace(sourceKeyspace);
  await ctx.topo.getKeyspace(targetKeyspace);
  const sourceNames = req.source_shards?.length ? req.source_shards : await servingShards(ctx, sourceKeyspace);
  const sources = await participantShards(ctx, sourceKeyspace, sourceNames);
  const targets = await participantShards(ctx, targetKeyspace, await servingShards(ctx, targetKeyspace));
  if (sources.length === 0) throw vtctldError(Code.FAILED_PRECONDITION, `no shards found in keyspace ${sourceKeyspace}`);
  if (targets.length === 0) throw vtctldError(Code.FAILED_PRECONDITION, `no shards found in keyspace ${targetKeyspace}`);

  const sourceTables = await listTables(sources[0]!.tm);
  let tables: string[];
  if (req.all_tables) {
    const excluded = new Set(req.exclude_tables ?? []);
    tables = sourceTables.filter((t) => !excluded.has(t));
  } else {
    tables = (req.include_tables ?? []).map((t) => t.trim()).filter((t) => t !== '');
    const missing = tables.filter((t) => !sourceTables.includes(t));
    if (missing.length > 0) throw vtctldError(Code.NOT_FOUND, `table(s) not found in source keyspace ${sourceKeyspace}: ${missing.join(',')}`);
  }
  if (tables.length === 0) throw vtctldError(Code.INVALID_ARGUMENT, `no tables to move`);
  await checkWorkflowAbsent(targets, targetKeyspace, workflow);

  const vschema = await ctx.topo.getVSchema(targetKeyspace).catch((err: unknown) => {
    if (isTopoError(err, 'NoNode')) return emptyKeyspaceVSchema();
    throw err;
  });
  if (vschema.sharded) {
    const missing = tables.filter((t) => !vschema.tables[t]);
    if (missing.length > 0) throw vtctldError(Code.FAILED_PRECONDITION, `table(s) ${missing.join(',')} not found in vschema for keyspace ${targetKeyspace}`);
  } else {
    let changed = false;
    for (const t of tables) {
      if (vschema.tables[t]) continue;
      vschema.tables[t] = { type: '', column_vindexes: [], auto_increment: null, columns: [], pinned: '', column_list_authoritative: false, source: '' };
      changed = true;
    }
    if (changed) await ctx.topo.saveVSchema(targetKeyspace, vschema);
  }

  await copySchema(sources[0]!.tm, targets.map((t) => t.tm), tables);
  if (!req.no_routing_rules) {
    await ctx.topo.saveRoutingRules(toRoutingRules(addCreateRules(ruleMap(await ctx.topo.getRoutingRules()), sourceKeyspace, targetKeyspace, tables)));
  }
  const onDdl = onDdlAction(req.on_ddl);
  await createStreams(ctx, {
    workflow,
    targetKeyspace,
    workflowType: VReplicationWorkflowType.MoveTables,
    targets,
    sources,
    sourceFor: (target, source): BinlogSource => ({
      keyspace: sourceKeyspace,
      shard: source.name,
      tablet_type: 0,
      key_range: null,
      tables: [],
      filter: { rules: tables.map((t) => ({ match: t, filter: tableFilter(t, target, vschema, targetKeyspace) })) },
      on_ddl: onDdl,
      stop_after_copy: !!req.stop_after_copy,
    }),
    cells: req.cells ?? [],
    tabletTypes: '',
    deferSecondaryKeys: !!req.defer_secondary_keys,
    autoStart: req.auto_start !== false,
  });
  await ctx.topo.rebuildSrvVSchema();
  return workflowStatus(ctx, targetKeyspace, workflow);
}

/** The primary-serving shards of a keyspace, by name. */
export async function servingShards(ctx: VtctldContext, keyspace: string): Promise<string[]> {
  const out: string[] = [];
  for (const [name, si] of await ctx.topo.findAllShardsInKeyspace(keyspace)) if (si.shard.is_primary_serving) out.push(name);
  return out;
}
