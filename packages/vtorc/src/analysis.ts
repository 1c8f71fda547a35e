/**
 * Replication analysis: Vitess's GetReplicationAnalysis over one shard's instances, as a pure
 * function. Tablets are taken in Vitess's order (tablet type, then newest primary term first); the
 * first one, if its record says PRIMARY, is the shard's primary. For each tablet every problem of
 * the list below that matches is collected and the one of highest priority (ties: list order) is
 * its analysis (a tablet VTOrc never reached can only be InvalidPrimary or InvalidReplica); once a tablet gets a shard-wide problem the shard's remaining tablets are not
 * analysed (one shard-wide action at a time). A primary VTOrc never reached whose replicas all
 * stopped replicating is DeadPrimary (Vitess's postProcessAnalyses).
 */
import { TabletType, tabletAliasString, type TabletAlias } from '@vtsim/proto';
import { detectErrantGtids } from './errant-gtid.js';
import type { Instance } from './instance.js';

/** Vitess's analysis codes (the subset vtsim detects). */
export type AnalysisCode =
  | 'NoProblem'
  | 'InvalidPrimary'
  | 'InvalidReplica'
  | 'DeadPrimaryWithoutReplicas'
  | 'DeadPrimary'
  | 'DeadPrimaryAndReplicas'
  | 'DeadPrimaryAndSomeReplicas'
  | 'PrimaryHasPrimary'
  | 'PrimaryIsReadOnly'
  | 'ReplicaIsWritable'
  | 'ErrantGTIDDetected'
  | 'ClusterHasNoPrimary'
  | 'PrimaryTabletDeleted'
  | 'NotConnectedToPrimary'
  | 'ConnectedToWrongPrimary'
  | 'ReplicationStopped'
  | 'UnreachablePrimaryWithLaggingReplicas'
  | 'UnreachablePrimary'
  | 'PrimarySingleReplicaNotReplicating'
  | 'PrimarySingleReplicaDead'
  | 'AllPrimaryReplicasNotReplicating'
  | 'AllPrimaryReplicasNotReplicatingOrDead';

/** One shard as the analysis reads it. */
export interface ShardSnapshot {
  keyspace: string;
  shard: string;
  /** The shard record's primary alias ('' for none). */
  primaryAlias: string;
  /** The shard record's primary term start (seconds; 0 when unset). */
  primaryTermStartSeconds: number;
  instances: readonly Instance[];
}

/** How the analysis judges lag. */
export interface AnalysisOptions {
  /** Above this a replica counts as lagging (`--reasonable-replication-lag`). */
  reasonableReplicationLagSeconds: number;
}

/**
 * One tablet's analysis, with Vitess's ReplicationAnalysis field names (its
 * `/api/replication-analysis` JSON).
 */
export interface ReplicationAnalysis {
  AnalyzedInstanceAlias: string;
  AnalyzedKeyspace: string;
  AnalyzedShard: string;
  TabletType: string;
  /** The source the tablet replicates from ('' for none). */
  AnalyzedInstancePrimaryAlias: string;
  Analysis: AnalysisCode;
  Description: string;
  IsClusterPrimary: boolean;
  /** Replicates from nobody. */
  IsPrimary: boolean;
  LastCheckValid: boolean;
  IsReadOnly: boolean;
  ReplicationStopped: boolean;
  CountReplicas: number;
  CountValidReplicas: number;
  CountValidReplicatingReplicas: number;
  CountLaggingReplicas: number;
  ErrantGTID: string;
  /** Whether the problem is handled by one action for the whole shard (a reparent). */
  HasShardWideAction: boolean;
}

const SHARD_WIDE = 0;
const CRITICAL = 1;
const HIGH = 2;
const MEDIUM = 3;
const LOW = 4;

interface Facts {
  a: ReplicationAnalysis;
  isInvalid: boolean;
  clusterPrimaryAlias: string;
  isReplicaType: boolean;
  /** The shard record has a primary term start (its primary was deleted, not never elected). */
  termStarted: boolean;
}

interface Problem {
  code: AnalysisCode;
  description: string;
  priority: number;
  match: (f: Facts) => boolean;
}

/** The problems, in Vitess's order, with its descriptions and priorities. */
const PROBLEMS: readonly Problem[] = [
  { code: 'InvalidPrimary', priority: CRITICAL, description: "VTOrc hasn't been able to reach the primary even once since restart/shutdown", match: (f) => f.a.IsClusterPrimary && f.isInvalid },
  { code: 'InvalidReplica', priority: LOW, description: "VTOrc hasn't been able to reach the replica even once since restart/shutdown", match: (f) => f.isInvalid },
  { code: 'DeadPrimaryWithoutReplicas', priority: SHARD_WIDE, description: 'Primary cannot be reached by vtorc and has no replica', match: ({ a }) => a.IsClusterPrimary && !a.LastCheckValid && a.CountReplicas === 0 },
  {
    code: 'DeadPrimary',
    priority: SHARD_WIDE,
    description: 'Primary cannot be reached by vtorc and none of its replicas is replicating',
    match: ({ a }) => a.IsClusterPrimary && !a.LastCheckValid && a.CountReplicas > 0 && a.CountValidReplicas === a.CountReplicas && a.CountValidReplicatingReplicas === 0,
  },
  {
    code: 'DeadPrimaryAndReplicas',
    priority: SHARD_WIDE,
    description: 'Primary cannot be reached by vtorc and none of its replicas is replicating',
    match: ({ a }) => a.IsClusterPrimary && !a.LastCheckValid && a.CountReplicas > 0 && a.CountValidReplicas === 0 && a.CountValidReplicatingReplicas === 0,
  },
  {
    code: 'DeadPrimaryAndSomeReplicas',
    priority: SHARD_WIDE,
    description: 'Primary cannot be reached by vtorc; some of its replicas are unreachable and none of its reachable replicas is replicating',
    match: ({ a }) => a.IsClusterPrimary && !a.LastCheckValid && a.CountValidReplicas < a.CountReplicas && a.CountValidReplicas > 0 && a.CountValidReplicatingReplicas === 0,
  },
  { code: 'PrimaryHasPrimary', priority: SHARD_WIDE, description: 'Primary is replicating from somewhere else', match: ({ a }) => a.IsClusterPrimary && !a.IsPrimary },
  { code: 'PrimaryIsReadOnly', priority: HIGH, description: 'Primary is read-only', match: ({ a }) => a.IsClusterPrimary && a.IsReadOnly },
  { code: 'ReplicaIsWritable', priority: MEDIUM, description: 'Replica is writable', match: (f) => f.isReplicaType && !f.a.IsReadOnly },
  { code: 'ErrantGTIDDetected', priority: MEDIUM, description: 'Tablet has errant GTIDs', match: (f) => f.isReplicaType && f.a.ErrantGTID !== '' },
  { code: 'ClusterHasNoPrimary', priority: SHARD_WIDE, description: 'Cluster has no primary', match: (f) => f.isReplicaType && f.clusterPrimaryAlias === '' && !f.termStarted },
  { code: 'PrimaryTabletDeleted', priority: SHARD_WIDE, description: 'Primary tablet has been deleted', match: (f) => f.isReplicaType && f.clusterPrimaryAlias === '' && f.termStarted },
  { code: 'NotConnectedToPrimary', priority: MEDIUM, description: 'Not connected to the primary', match: (f) => f.isReplicaType && f.a.IsPrimary },
  {
    code: 'ConnectedToWrongPrimary',
    priority: MEDIUM,
    description: 'Connected to wrong primary',
    match: (f) => f.isReplicaType && !f.a.IsPrimary && f.clusterPrimaryAlias !== '' && f.a.AnalyzedInstancePrimaryAlias !== f.clusterPrimaryAlias,
  },
  { code: 'ReplicationStopped', priority: MEDIUM, description: 'Replication is stopped', match: (f) => f.isReplicaType && !f.a.IsPrimary && f.a.ReplicationStopped },
  {
    code: 'UnreachablePrimaryWithLaggingReplicas',
    priority: MEDIUM,
    description: 'Primary cannot be reached by vtorc and all of its replicas are lagging',
    match: ({ a }) => a.IsPrimary && !a.LastCheckValid && a.CountLaggingReplicas === a.CountReplicas && a.CountValidReplicatingReplicas > 0,
  },
  {
    code: 'UnreachablePrimary',
    priority: MEDIUM,
    description: 'Primary cannot be reached by vtorc but all of its replicas seem to be replicating; possibly a network/host issue',
    match: ({ a }) => a.IsPrimary && !a.LastCheckValid && a.CountValidReplicas > 0 && a.CountValidReplicatingReplicas > 0,
  },
  {
    code: 'PrimarySingleReplicaNotReplicating',
    priority: LOW,
    description: 'Primary is reachable but its single replica is not replicating',
    match: ({ a }) => a.IsPrimary && a.LastCheckValid && a.CountReplicas === 1 && a.CountValidReplicas === a.CountReplicas && a.CountValidReplicatingReplicas === 0,
  },
  { code: 'PrimarySingleReplicaDead', priority: LOW, description: 'Primary is reachable but its single replica is dead', match: ({ a }) => a.IsPrimary && a.LastCheckValid && a.CountReplicas === 1 && a.CountValidReplicas === 0 },
  {
    code: 'AllPrimaryReplicasNotReplicating',
    priority: LOW,
    description: 'Primary is reachable but none of its replicas is replicating',
    match: ({ a }) => a.IsPrimary && a.LastCheckValid && a.CountReplicas > 1 && a.CountValidReplicas === a.CountReplicas && a.CountValidReplicatingReplicas === 0,
  },
  {
    code: 'AllPrimaryReplicasNotReplicatingOrDead',
    priority: LOW,
    description: 'Primary is reachable but none of its replicas is replicating',
    match: ({ a }) => a.IsPrimary && a.LastCheckValid && a.CountReplicas > 1 && a.CountValidReplicas < a.CountReplicas && a.CountValidReplicas > 0 && a.CountValidReplicatingReplicas === 0,
  },
];

/** Vitess's topo.IsReplicaType: every type but PRIMARY, BACKUP, RESTORE and DRAINED should replicate. */
export function isReplicaType(type: TabletType): boolean {
  return type !== TabletType.PRIMARY && type !== TabletType.BACKUP && type !== TabletType.RESTORE && type !== TabletType.DRAINED;
}

function aliasOf(a: TabletAlias | null | undefined): string {
  return a ? tabletAliasString(a) : '';
}

function termSeconds(i: Instance): number {
  return Number(i.tablet.primary_term_start_time?.seconds ?? 0);
}

/**
 * Analyses one shard: one entry per analysed tablet (NoProblem included), in the order they were
 * analysed. Pure: the same snapshot gives the same analysis.
 */
export function analyzeShard(snapshot: ShardSnapshot, opts: AnalysisOptions): ReplicationAnalysis[] {
  // Ties on the term (two elections in one second) go to the tablet the shard record names.
  const named = (i: Instance): number => (aliasOf(i.tablet.alias) === snapshot.primaryAlias ? 0 : 1);
  const ordered = [...snapshot.instances].sort((x, y) => x.tablet.type - y.tablet.type || termSeconds(y) - termSeconds(x) || named(x) - named(y));
  const first = ordered[0];
  const clusterPrimaryAlias = first && first.tablet.type === TabletType.PRIMARY ? aliasOf(first.tablet.alias) : '';
  const termStarted = snapshot.primaryTermStartSeconds > 0;
  const result: ReplicationAnalysis[] = [];
  let shardWideFound = false;
  for (const instance of ordered) {
    if (shardWideFound) break;
    const alias = aliasOf(instance.tablet.alias);
    const status = instance.status;
    const replicas = snapshot.instances.filter((r) => r !== instance && r.status && aliasOf(r.status.source) === alias);
    const valid = replicas.filter((r) => r.lastCheckValid);
    const a: ReplicationAnalysis = {
      AnalyzedInstanceAlias: alias,
      AnalyzedKeyspace: snapshot.keyspace,
      AnalyzedShard: snapshot.shard,
      TabletType: TabletType[instance.tablet.type] ?? 'UNKNOWN',
      AnalyzedInstancePrimaryAlias: aliasOf(status?.source),
      Analysis: 'NoProblem',
      Description: '',
      IsClusterPrimary: alias === clusterPrimaryAlias,
      IsPrimary: !status?.source,
      LastCheckValid: instance.lastCheckValid,
      IsReadOnly: status?.readOnly ?? false,
      ReplicationStopped: !!status?.source && (!status.ioRunning || !status.sqlRunning),
      CountReplicas: replicas.length,
      CountValidReplicas: valid.length,
      CountValidReplicatingReplicas: valid.filter((r) => r.status!.ioRunning && r.status!.sqlRunning).length,
      CountLaggingReplicas: replicas.filter((r) => r.status!.replicationLagSeconds > opts.reasonableReplicationLagSeconds).length,
      ErrantGTID: isReplicaType(instance.tablet.type) ? detectErrantGtids(instance, snapshot.instances, snapshot.primaryAlias) : '',
      HasShardWideAction: false,
    };
    const facts: Facts = { a, isInvalid: !status, clusterPrimaryAlias, isReplicaType: isReplicaType(instance.tablet.type), termStarted };
    let best: Problem | undefined;
    // A tablet VTOrc never reached has no data to match anything else on.
    for (const p of facts.isInvalid ? PROBLEMS.slice(0, 2) : PROBLEMS) {
      if ((!best || p.priority < best.priority) && p.match(facts)) best = p;
    }
    if (best) {
      a.Analysis = best.code;
      a.Description = best.description;
      a.HasShardWideAction = best.priority === SHARD_WIDE;
      shardWideFound = a.HasShardWideAction;
    }
    result.push(a);
  }
  return postProcess(result);
}

/** An InvalidPrimary whose replicas all fail to replicate is a DeadPrimary; their own entries go. */
function postProcess(result: ReplicationAnalysis[]): ReplicationAnalysis[] {
  const invalid = result.find((a) => a.Analysis === 'InvalidPrimary');
  if (!invalid) return result;
  const replicas = result.filter((a) => a !== invalid && isReplicaType(TabletType[a.TabletType as keyof typeof TabletType]));
  const notReplicating = replicas.filter((a) => !a.LastCheckValid || a.ReplicationStopped);
  if (replicas.length === 0 || notReplicating.length !== replicas.length) return result;
  invalid.Analysis = 'DeadPrimary';
  invalid.Description = PROBLEMS.find((p) => p.code === 'DeadPrimary')!.description;
  invalid.HasShardWideAction = true;
  return result.filter((a) => !notReplicating.includes(a));
}
