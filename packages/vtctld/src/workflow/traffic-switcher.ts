/**
 * TrafficSwitcher: one workflow as the traffic-switching operations see it (Vitess's
 * workflow.trafficSwitcher): its target shards with their streams, its source shards, the
 * migration type (SHARDS when source and target keyspace are the same, TABLES otherwise), the
 * tables it moves and the journal id every source shard records at the cutover.
 */
import { Code, MigrationType, type TabletAlias } from '@vtsim/proto';
import { isTopoError, type ShardInfo } from '@vtsim/topo';
import type { TabletManagerClient } from '@vtsim/vttablet';
import { dialTabletManager, type VtctldContext } from '../vtctld-context.js';
import { vtctldError } from '../vtctld-error.js';
import { readStreams, type VReplicationStream } from './vreplication-stream.js';

/** One source shard of a workflow. */
export interface WorkflowSource {
  shard: string;
  si: ShardInfo;
  primary: TabletAlias;
  tm: TabletManagerClient;
  /** The primary's position once source writes stopped (set by SwitchWrites). */
  position: string;
}

/** One target shard of a workflow with its streams (on the shard's primary). */
export interface WorkflowTarget {
  shard: string;
  si: ShardInfo;
  primary: TabletAlias;
  tm: TabletManagerClient;
  streams: VReplicationStream[];
  /** The primary's position once its streams stopped for the cutover (set by SwitchWrites). */
  position: string;
}

/** The suffix of a workflow's reverse twin. */
const REVERSE_SUFFIX = '_reverse';

/** The name of a workflow's reverse: `wf` → `wf_reverse`, `wf_reverse` → `wf`. */
export function reverseWorkflowName(workflow: string): string {
  return workflow.endsWith(REVERSE_SUFFIX) ? workflow.slice(0, -REVERSE_SUFFIX.length) : `${workflow}${REVERSE_SUFFIX}`;
}

/** A 63-bit FNV-1a hash of `text`, as a decimal string (journal ids are positive int64s). */
function hash63(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return (h & 0x7fffffffffffffffn).toString();
}

/** A workflow loaded from the topology and its target primaries. */
export class TrafficSwitcher {
  constructor(
    readonly workflow: string,
    readonly sourceKeyspace: string,
    readonly targetKeyspace: string,
    readonly sources: ReadonlyMap<string, WorkflowSource>,
    readonly targets: ReadonlyMap<string, WorkflowTarget>,
    readonly tables: readonly string[],
    readonly workflowType: number,
    readonly sourceSidecarDb: string,
  ) {}

  /** SHARDS for a Reshard (one keyspace), TABLES for a MoveTables. */
  get migrationType(): MigrationType {
    return this.sourceKeyspace === this.targetKeyspace ? MigrationType.SHARDS : MigrationType.TABLES;
  }

  get reverseWorkflow(): string {
    return reverseWorkflowName(this.workflow);
  }

  get sourceDbName(): string {
    return `vt_${this.sourceKeyspace}`;
  }

  get targetDbName(): string {
    return `vt_${this.targetKeyspace}`;
  }

  /** True once SwitchWrites froze the workflow (its streams carry message FROZEN). */
  get frozen(): boolean {
    for (const t of this.targets.values()) if (t.streams.some((s) => s.message === 'FROZEN')) return true;
    return false;
  }

  /**
   * The journal id: a hash of the target keyspace and every target stream (shard and id), the
   * same on every source shard and stable across retries of one cutover, as Vitess's hashStreams.
   */
  get journalId(): string {
    const parts: string[] = [];
    for (const t of [...this.targets.values()].sort((a, b) => (a.shard < b.shard ? -1 : 1))) {
      for (const s of t.streams) parts.push(`${t.shard}:${s.id}`);
    }
    return hash63(`${this.targetKeyspace}/${parts.join(',')}`);
  }

  /** Source shard names, sorted. */
  sourceShards(): string[] {
    return [...this.sources.keys()].sort();
  }

  /** Target shard names, sorted. */
  targetShards(): string[] {
    return [...this.targets.keys()].sort();
  }
}

/** The primary of a shard and its tablet-manager API; FAILED_PRECONDITION when it has none. */
export async function shardPrimary(ctx: VtctldContext, si: ShardInfo): Promise<{ primary: TabletAlias; tm: TabletManagerClient }> {
  const primary = si.shard.primary_alias;
  if (!primary) throw vtctldError(Code.FAILED_PRECONDITION, `shard ${si.keyspace}/${si.shardName} has no primary`);
  return { primary, tm: dialTabletManager(ctx, primary) };
}

/** The sidecar database name of a keyspace (`_vt` unless the keyspace says otherwise). */
export async function sidecarDbName(ctx: VtctldContext, keyspace: string): Promise<string> {
  try {
    return (await ctx.topo.getKeyspace(keyspace)).keyspace.sidecar_db_name || '_vt';
  } catch (err) {
    if (isTopoError(err, 'NoNode')) return '_vt';
    throw err;
  }
}

/**
 * Loads workflow `workflow` of `targetKeyspace`: every shard whose primary has streams of it is a
 * target; the shards those streams read from are the sources. NOT_FOUND when no primary of the
 * keyspace has the workflow; FAILED_PRECONDITION when a shard involved has no primary or the
 * streams read from more than one keyspace.
 */
export async function buildTrafficSwitcher(ctx: VtctldContext, targetKeyspace: string, workflow: string): Promise<TrafficSwitcher> {
  await ctx.topo.getKeyspace(targetKeyspace);
  const targets = new Map<string, WorkflowTarget>();
  for (const [shard, si] of await ctx.topo.findAllShardsInKeyspace(targetKeyspace)) {
    if (!si.shard.primary_alias) continue;
    const tm = ctx.tabletManagerDialer(si.shard.primary_alias);
    if (!tm) continue;
    const streams = await readStreams(tm, `vt_${targetKeyspace}`, workflow);
    if (streams.length > 0) targets.set(shard, { shard, si, primary: si.shard.primary_alias, tm, streams, position: '' });
  }
  if (targets.size === 0) throw vtctldError(Code.NOT_FOUND, `workflow ${workflow} not found in keyspace ${targetKeyspace}`);
  let sourceKeyspace = '';
  const sourceShards = new Set<string>();
  const tables = new Set<string>();
  let workflowType = 0;
  for (const t of targets.values()) {
    for (const s of t.streams) {
      if (sourceKeyspace && s.source.keyspace !== sourceKeyspace) {
        throw vtctldError(Code.FAILED_PRECONDITION, `source keyspaces are mismatched across streams: ${sourceKeyspace} vs ${s.source.keyspace}`);
      }
      sourceKeyspace = s.source.keyspace;
      sourceShards.add(s.source.shard);
      for (const rule of s.source.filter?.rules ?? []) tables.add(rule.match);
      workflowType = s.workflowType;
    }
  }
  const sources = new Map<string, WorkflowSource>();
  for (const shard of [...sourceShards].sort()) {
    const si = await ctx.topo.getShard(sourceKeyspace, shard);
    const { primary, tm } = await shardPrimary(ctx, si);
    sources.set(shard, { shard, si, primary, tm, position: '' });
  }
  return new TrafficSwitcher(
    workflow, sourceKeyspace, targetKeyspace, sources, targets, [...tables].sort(), workflowType, await sidecarDbName(ctx, sourceKeyspace),
  );
}
