/**
 * What MoveTables and Reshard create share: the target primaries, the check that the workflow
 * does not exist yet, and the streams themselves: one `_vt.vreplication` row per target shard per
 * overlapping source shard, inserted Stopped and then started (Vitess's auto-start).
 */
import { Code, tabletAliasString, type BinlogSource, type KeyRange, type TabletAlias } from '@vtsim/proto';
import { keyRangeIntersect, type ShardInfo } from '@vtsim/topo';
import type { TabletManagerClient } from '@vtsim/vttablet';
import type { VtctldContext } from '../vtctld-context.js';
import { vtctldError } from '../vtctld-error.js';
import { shardPrimary } from './traffic-switcher.js';
import { insertStreamSql, readStreams, updateStateSql } from './vreplication-stream.js';
import type { VReplicationWorkflowType } from './workflow-messages.js';

/** A shard taking part in a new workflow, with its primary. */
export interface ParticipantShard {
  name: string;
  keyRange: KeyRange | null;
  si: ShardInfo;
  primary: TabletAlias;
  tm: TabletManagerClient;
}

/** Loads shards of a keyspace with their primaries; NOT_FOUND for a missing shard, FAILED_PRECONDITION without primary. */
export async function participantShards(ctx: VtctldContext, keyspace: string, names: readonly string[]): Promise<ParticipantShard[]> {
  const out: ParticipantShard[] = [];
  for (const name of names) {
    const si = await ctx.topo.getShard(keyspace, name);
    const { primary, tm } = await shardPrimary(ctx, si);
    out.push({ name, keyRange: si.shard.key_range, si, primary, tm });
  }
  return out;
}

/** ALREADY_EXISTS when a target primary already runs streams of `workflow`. */
export async function checkWorkflowAbsent(targets: readonly ParticipantShard[], keyspace: string, workflow: string): Promise<void> {
  for (const t of targets) {
    if ((await readStreams(t.tm, `vt_${keyspace}`, workflow)).length > 0) {
      throw vtctldError(Code.ALREADY_EXISTS, `workflow ${workflow} already exists in keyspace ${keyspace} on tablet ${tabletAliasString(t.primary)}`);
    }
  }
}

/** What the streams of a new workflow read and how they are tagged. */
export interface StreamPlan {
  workflow: string;
  targetKeyspace: string;
  workflowType: VReplicationWorkflowType;
  targets: readonly ParticipantShard[];
  sources: readonly ParticipantShard[];
  /** The BinlogSource of the stream from `source` into `target`. */
  sourceFor(target: ParticipantShard, source: ParticipantShard): BinlogSource;
  cells: readonly string[];
  tabletTypes: string;
  deferSecondaryKeys: boolean;
  /** Start the streams once created (Vitess's `--auto-start`). */
  autoStart: boolean;
}

/**
 * Inserts the streams of a new workflow on every target primary (one per overlapping source
 * shard), then starts them unless `autoStart` is false. Returns the number of streams.
 */
export async function createStreams(ctx: VtctldContext, plan: StreamPlan): Promise<number> {
  const now = Math.floor(ctx.clock.now() / 1000);
  let count = 0;
  for (const target of plan.targets) {
    for (const source of plan.sources) {
      if (!keyRangeIntersect(target.keyRange, source.keyRange)) continue;
      await target.tm.vreplicationExec(
        insertStreamSql({
          workflow: plan.workflow,
          source: plan.sourceFor(target, source),
          pos: '',
          state: 'Stopped',
          dbName: `vt_${plan.targetKeyspace}`,
          workflowType: plan.workflowType,
          cell: plan.cells.join(','),
          tabletTypes: plan.tabletTypes,
          deferSecondaryKeys: plan.deferSecondaryKeys,
          now,
        }),
      );
      count++;
    }
  }
  if (plan.autoStart) {
    for (const target of plan.targets) await target.tm.vreplicationExec(updateStateSql(`vt_${plan.targetKeyspace}`, plan.workflow, 'Running', ''));
  }
  return count;
}
