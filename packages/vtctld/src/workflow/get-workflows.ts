/**
 * GetWorkflows: every VReplication workflow whose streams run on the primaries of a keyspace (the
 * keyspace is the workflows' target), with each stream's row, copy state and logs, as Vitess's
 * workflow.Server.GetWorkflows reports them.
 */
import { Code, tabletAliasString, valueToText, type Result } from '@vtsim/proto';
import type { TabletManagerClient } from '@vtsim/vttablet';
import type { VtctldContext } from '../vtctld-context.js';
import { vtctldError } from '../vtctld-error.js';
import { sidecarDbName } from './traffic-switcher.js';
import { readCopyStates, readStreams, type VReplicationStream } from './vreplication-stream.js';
import {
  VReplicationWorkflowSubType,
  VReplicationWorkflowType,
  type GetWorkflowsRequest,
  type GetWorkflowsResponse,
  type StreamLog,
  type Workflow,
  type WorkflowStream,
} from './workflow-messages.js';

/** The log type Vitess records when a stream's copy phase ends. */
const LOG_COPY_END = 'LogCopyEnd';

function vtTime(seconds: number) {
  return seconds > 0 ? { seconds, nanoseconds: 0 } : null;
}

/**
 * A stream's logs: the rows of `<sidecar>.vreplication_log` when the tablet keeps that table;
 * otherwise the one log vtsim can infer, Vitess's `Copy phase completed at gtid <pos>` once the
 * copy phase is over (a position and no table left to copy).
 */
async function streamLogs(tm: TabletManagerClient, sidecar: string, s: VReplicationStream, copying: boolean): Promise<StreamLog[]> {
  let result: Result | undefined;
  try {
    result = await tm.executeFetchAsDba(`select id, vrepl_id, type, state, message, count from vreplication_log where vrepl_id = ${s.id} order by id`, sidecar);
  } catch {
    result = undefined;
  }
  if (result) {
    return result.rows.map((r) => ({
      id: Number(valueToText(r[0] ?? null) ?? 0),
      stream_id: s.id,
      type: valueToText(r[2] ?? null) ?? '',
      state: valueToText(r[3] ?? null) ?? '',
      created_at: null,
      updated_at: null,
      message: valueToText(r[4] ?? null) ?? '',
      count: Number(valueToText(r[5] ?? null) ?? 1),
    }));
  }
  if (copying || s.pos === '' || s.state === 'Init' || s.state === 'Error') return [];
  return [{ id: 1, stream_id: s.id, type: LOG_COPY_END, state: s.state, created_at: vtTime(s.timeUpdated), updated_at: vtTime(s.timeUpdated), message: `Copy phase completed at gtid ${s.pos}`, count: 1 }];
}

/**
 * The workflows of `req.keyspace` (only `req.workflow` when set; only those with a stream not
 * Stopped with `active_only`; names only with `name_only`; logs unless `include_logs` is false),
 * sorted by name. NOT_FOUND when the keyspace does not exist.
 */
export async function getWorkflows(ctx: VtctldContext, req: GetWorkflowsRequest): Promise<GetWorkflowsResponse> {
  const keyspace = req.keyspace ?? '';
  if (!keyspace) throw vtctldError(Code.INVALID_ARGUMENT, 'keyspace is required');
  await ctx.topo.getKeyspace(keyspace);
  const sidecar = await sidecarDbName(ctx, keyspace);
  const nowSeconds = Math.floor(ctx.clock.now() / 1000);
  const byName = new Map<string, Workflow>();
  const sourceShards = new Map<string, Set<string>>();
  const active = new Set<string>();
  for (const [shard, si] of await ctx.topo.findAllShardsInKeyspace(keyspace)) {
    if (req.shards?.length && !req.shards.includes(shard)) continue;
    const primary = si.shard.primary_alias;
    const tm = primary ? ctx.tabletManagerDialer(primary) : undefined;
    if (!primary || !tm) continue;
    const streams = await readStreams(tm, `vt_${keyspace}`, req.workflow || undefined);
    const copyStates = req.name_only ? new Map() : await readCopyStates(tm, streams.map((s) => s.id));
    for (const s of streams) {
      let wf = byName.get(s.workflow);
      if (!wf) {
        wf = {
          name: s.workflow,
          source: { keyspace: s.source.keyspace, shards: [] },
          target: { keyspace, shards: [] },
          max_v_replication_lag: 0,
          shard_streams: {},
          workflow_type: VReplicationWorkflowType[s.workflowType] ?? String(s.workflowType),
          workflow_sub_type: VReplicationWorkflowSubType[s.workflowSubType] ?? String(s.workflowSubType),
          max_v_replication_transaction_lag: 0,
          defer_secondary_keys: s.deferSecondaryKeys,
          options: null,
        };
        byName.set(s.workflow, wf);
        sourceShards.set(s.workflow, new Set());
      }
      sourceShards.get(s.workflow)!.add(s.source.shard);
      if (s.state !== 'Stopped') active.add(s.workflow);
      if (!wf.target.shards.includes(shard)) wf.target.shards.push(shard);
      const key = `${shard}/${tabletAliasString(primary)}`;
      const ss = (wf.shard_streams[key] ??= { streams: [], tablet_controls: si.shard.tablet_controls ?? [], is_primary_serving: si.shard.is_primary_serving });
      if (req.name_only) continue;
      const copies = (copyStates.get(s.id) ?? []) as Array<{ table: string; lastPk: string }>;
      const stream: WorkflowStream = {
        id: s.id,
        shard,
        tablet: primary,
        binlog_source: s.source,
        position: s.pos,
        stop_position: s.stopPos,
        state: copies.length > 0 && s.state === 'Running' ? 'Copying' : s.state,
        db_name: s.dbName,
        transaction_timestamp: vtTime(s.transactionTimestamp),
        time_updated: vtTime(s.timeUpdated),
        message: s.message,
        copy_states: copies.map((c) => ({ table: c.table, last_pk: c.lastPk, stream_id: s.id })),
        logs: req.include_logs === false ? [] : await streamLogs(tm, sidecar, s, copies.length > 0),
        log_fetch_error: '',
        tags: s.tags ? s.tags.split(',') : [],
        rows_copied: s.rowsCopied,
        throttler_status: null,
        tablet_types: [],
        tablet_selection_preference: 0,
        cells: s.cell ? s.cell.split(',') : [],
      };
      ss.streams.push(stream);
      wf.max_v_replication_lag = Math.max(wf.max_v_replication_lag, s.timeUpdated > 0 ? Math.max(0, nowSeconds - s.timeUpdated) : 0);
      wf.max_v_replication_transaction_lag = Math.max(wf.max_v_replication_transaction_lag, s.transactionTimestamp > 0 ? Math.max(0, nowSeconds - s.transactionTimestamp) : 0);
    }
  }
  const workflows = [...byName.values()]
    .filter((wf) => !req.active_only || active.has(wf.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const wf of workflows) {
    wf.source.shards = [...sourceShards.get(wf.name)!].sort();
    wf.target.shards.sort();
  }
  return { workflows };
}
