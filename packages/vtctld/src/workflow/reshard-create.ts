/**
 * ReshardCreate: starts splitting or merging a keyspace's shards (Vitess's
 * workflow.Server.ReshardCreate): the schema of one source primary is copied to every target
 * primary, then each target primary gets one stream per overlapping source shard whose filter
 * is the target's key range (`{match: "/.*", filter: "-80"}`), so each target applies only the
 * rows whose primary-vindex keyspace id falls in its range.
 */
import { Code, type BinlogSource, type KeyRange } from '@vtsim/proto';
import { compareKeyRangeStarts, keyRangeIsComplete, keyRangeString } from '@vtsim/topo';
import type { VtctldContext } from '../vtctld-context.js';
import { vtctldError } from '../vtctld-error.js';
import { onDdlAction } from './on-ddl.js';
import { copySchema, listTables } from './schema-copy.js';
import { checkWorkflowAbsent, createStreams, participantShards, type ParticipantShard } from './workflow-create.js';
import { VReplicationWorkflowType, type ReshardCreateRequest, type WorkflowStatusResponse } from './workflow-messages.js';
import { workflowStatus } from './workflow-status.js';

/** The hex bounds of the union of some shards' key ranges, or null when they leave a gap. */
function span(shards: readonly ParticipantShard[]): { start: string; end: string } | null {
  const ranges = shards.map((s) => s.keyRange).sort(compareKeyRangeStarts);
  const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? new Uint8Array()).toString('hex').replace(/(00)+$/, '');
  const bounds = (kr: KeyRange | null) => (keyRangeIsComplete(kr) ? { start: '', end: '' } : { start: hex(kr!.start), end: hex(kr!.end) });
  let out: { start: string; end: string } | null = null;
  for (const kr of ranges) {
    const b = bounds(kr);
    if (!out) out = b;
    else if (out.end === b.start && out.end !== '') out = { start: out.start, end: b.end };
    else return null;
  }
  return out;
}

/**
 * Creates a Reshard workflow and returns its status. INVALID_ARGUMENT for missing names or shard
 * lists, or source and target shards that do not cover the same key range; NOT_FOUND for a
 * missing keyspace or shard; FAILED_PRECONDITION when a source shard is not serving or a target
 * shard is; ALREADY_EXISTS when the workflow exists.
 */
export async function reshardCreate(ctx: VtctldContext, req: ReshardCreateRequest): Promise<WorkflowStatusResponse> {
  const workflow = req.workflow ?? '';
  const keyspace = req.keyspace ?? '';
  if (!workflow || !keyspace) throw vtctldError(Code.INVALID_ARGUMENT, 'workflow and keyspace are required');
  const sourceNames = (req.source_shards ?? []).map((s) => s.trim()).filter((s) => s !== '');
  const targetNames = (req.target_shards ?? []).map((s) => s.trim()).filter((s) => s !== '');
  if (sourceNames.length === 0 || targetNames.length === 0) throw vtctldError(Code.INVALID_ARGUMENT, 'source and target shards are required');
  await ctx.topo.getKeyspace(keyspace);
  const sources = await participantShards(ctx, keyspace, sourceNames);
  const targets = await participantShards(ctx, keyspace, targetNames);
  for (const s of sources) {
    if (!s.si.shard.is_primary_serving) throw vtctldError(Code.FAILED_PRECONDITION, `source shard ${keyspace}/${s.name} is not serving`);
  }
  for (const t of targets) {
    if (t.si.shard.is_primary_serving) throw vtctldError(Code.FAILED_PRECONDITION, `target shard ${keyspace}/${t.name} is already serving`);
  }
  const sourceSpan = span(sources);
  const targetSpan = span(targets);
  if (!sourceSpan || !targetSpan || sourceSpan.start !== targetSpan.start || sourceSpan.end !== targetSpan.end) {
    throw vtctldError(Code.INVALID_ARGUMENT, `source and target keyranges don't match: ${sourceNames.join(',')} vs ${targetNames.join(',')}`);
  }
  await checkWorkflowAbsent(targets, keyspace, workflow);
  if (!req.skip_schema_copy) {
    await copySchema(sources[0]!.tm, targets.map((t) => t.tm), await listTables(sources[0]!.tm));
  }
  const onDdl = onDdlAction(req.on_ddl);
  await createStreams(ctx, {
    workflow,
    targetKeyspace: keyspace,
    workflowType: VReplicationWorkflowType.Reshard,
    targets,
    sources,
    sourceFor: (target, source): BinlogSource => ({
      keyspace,
      shard: source.name,
      tablet_type: 0,
      key_range: null,
      tables: [],
      filter: { rules: [{ match: '/.*', filter: keyRangeString(target.keyRange) }] },
      on_ddl: onDdl,
      stop_after_copy: !!req.stop_after_copy,
    }),
    cells: req.cells ?? [],
    tabletTypes: '',
    deferSecondaryKeys: !!req.defer_secondary_keys,
    autoStart: req.auto_start !== false,
  });
  return workflowStatus(ctx, keyspace, workflow);
}
