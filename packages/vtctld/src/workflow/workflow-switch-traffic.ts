/**
 * WorkflowSwitchTraffic: SwitchTraffic and ReverseTraffic of MoveTables and Reshard (Vitess's
 * workflow.Server.WorkflowSwitchTraffic). Forward, the requested read types switch first, then
 * writes. Backward, once writes were switched, the `_reverse` workflow is switched forward (so its
 * journal lands on the new shards, pointing back); before that, only reads go back.
 */
import { Code, TabletType } from '@vtsim/proto';
import { durationMs, type VtctldContext } from '../vtctld-context.js';
import { vtctldError } from '../vtctld-error.js';
import { switchReads } from './switch-reads.js';
import { switchWrites } from './switch-writes.js';
import { trafficState, trafficStateString } from './traffic-state.js';
import { buildTrafficSwitcher } from './traffic-switcher.js';
import { TrafficSwitchDirection, type WorkflowSwitchTrafficRequest, type WorkflowSwitchTrafficResponse } from './workflow-messages.js';

/** SwitchTraffic's default `--timeout` (the targets' catch-up budget). */
const DEFAULT_TIMEOUT_MS = 30_000;

/** The tablet types switched when none are given. */
const ALL_TYPES: readonly TabletType[] = [TabletType.PRIMARY, TabletType.REPLICA, TabletType.RDONLY];

/**
 * Switches (or reverses) the traffic of workflow `req.workflow` of target keyspace `req.keyspace`
 * for `req.tablet_types` (default all); returns the summary and the traffic state before and
 * after, both of the named workflow. With `dry_run` nothing changes and the steps are listed.
 * Errors as buildTrafficSwitcher and switchWrites; INVALID_ARGUMENT for a type that is not
 * PRIMARY, REPLICA or RDONLY.
 */
export async function workflowSwitchTraffic(ctx: VtctldContext, req: WorkflowSwitchTrafficRequest): Promise<WorkflowSwitchTrafficResponse> {
  const keyspace = req.keyspace ?? '';
  const workflow = req.workflow ?? '';
  if (!keyspace || !workflow) throw vtctldError(Code.INVALID_ARGUMENT, 'keyspace and workflow are required');
  const types = req.tablet_types?.length ? [...req.tablet_types] : [...ALL_TYPES];
  for (const t of types) {
    if (!ALL_TYPES.includes(t)) throw vtctldError(Code.INVALID_ARGUMENT, `invalid tablet type ${TabletType[t] ?? t}: only PRIMARY, REPLICA and RDONLY traffic can be switched`);
  }
  const backward = req.direction === TrafficSwitchDirection.Backward;
  const command = backward ? 'ReverseTraffic' : 'SwitchTraffic';
  const ts = await buildTrafficSwitcher(ctx, keyspace, workflow);
  const start = await trafficState(ctx, ts);
  const reads = types.filter((t) => t !== TabletType.PRIMARY);
  const writes = types.includes(TabletType.PRIMARY);
  const switchOpts = { timeoutMs: durationMs(req.timeout, DEFAULT_TIMEOUT_MS), enableReverseReplication: req.enable_reverse_replication !== false };
  const subject = backward && start.writesSwitched ? await buildTrafficSwitcher(ctx, ts.sourceKeyspace, ts.reverseWorkflow) : ts;
  const readsBack = backward && !start.writesSwitched;
  if (req.dry_run) {
    const lines: string[] = [`Lock keyspace ${subject.sourceKeyspace}`];
    const to = readsBack ? subject.sourceKeyspace : subject.targetKeyspace;
    if (reads.length > 0) lines.push(`Switch reads for ${reads.map((t) => TabletType[t]).join(',')} traffic to keyspace ${to} (shards ${readsBack ? subject.sourceShards() : subject.targetShards()})`);
    if (writes && !readsBack) {
      lines.push(`Stop writes on keyspace ${subject.sourceKeyspace} (shards ${subject.sourceShards()})`);
      lines.push(`Wait for streams of workflow ${subject.workflow} to catch up and create journals on the source shards`);
      lines.push(`Switch writes to keyspace ${subject.targetKeyspace} (shards ${subject.targetShards()})`);
    }
    lines.push(`Unlock keyspace ${subject.sourceKeyspace}`);
    return { summary: `${command} dry run results for workflow ${keyspace}.${workflow}`, start_state: trafficStateString(start), current_state: trafficStateString(start), dry_run_results: lines };
  }
  if (reads.length > 0) await switchReads(ctx, subject, reads, readsBack);
  if (writes && !readsBack) await switchWrites(ctx, subject, switchOpts);
  const current = await trafficState(ctx, ts);
  return {
    summary: `${command} was successful for workflow ${keyspace}.${workflow}`,
    start_state: trafficStateString(start),
    current_state: trafficStateString(current),
    dry_run_results: [],
  };
}
