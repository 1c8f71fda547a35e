/**
 * Topology recovery: which recovery Vitess's VTOrc runs for each analysis code
 * (getCheckAndRecoverFunctionCode), and the recoveries themselves: EmergencyReparentShard for a
 * dead or deleted primary, PlannedReparentShard to elect a primary in a shard that has none, and
 * the tablet-manager calls that fix one tablet (UndoDemotePrimary → read-write, SetReadOnly +
 * SetReplicationSource for a replica, ResetReplicationParameters for a primary that replicates,
 * ChangeTabletType DRAINED for errant GTIDs).
 */
import { TabletType, parseTabletAlias, tabletAliasString, type TabletAlias } from '@vtsim/proto';
import type { Vtctld } from '@vtsim/vtctld';
import type { TabletManagerClient } from '@vtsim/vttablet';
import type { AnalysisCode, ReplicationAnalysis } from './analysis.js';
import type { VtorcConfig } from './config.js';

/** Vitess's recovery names (its recoveriesCounter labels). */
export type RecoveryName =
  | 'RecoverDeadPrimary'
  | 'RecoverPrimaryTabletDeleted'
  | 'RecoverPrimaryHasPrimary'
  | 'ElectNewPrimary'
  | 'FixPrimary'
  | 'FixReplica'
  | 'RecoverErrantGTIDDetected'
  | 'CheckAndRecoverGenericProblem';

/** The recoveries that act (CheckAndRecoverGenericProblem only logs). */
export type ActionableRecoveryName = Exclude<RecoveryName, 'CheckAndRecoverGenericProblem'>;

/**
 * The recovery for an analysis code under `config`, or undefined when there is none (NoProblem,
 * detection-only codes; DeadPrimary without `--allow-emergency-reparent`; ErrantGTIDDetected
 * without `--change-tablets-with-errant-gtid-to-drained`). CheckAndRecoverGenericProblem is not
 * actionable: it only logs.
 */
export function recoveryFor(code: AnalysisCode, config: Pick<VtorcConfig, 'allowEmergencyReparent' | 'changeTabletsWithErrantGtidToDrained'>): RecoveryName | undefined {
  switch (code) {
    case 'DeadPrimary':
    case 'DeadPrimaryAndSomeReplicas':
      return config.allowEmergencyReparent ? 'RecoverDeadPrimary' : undefined;
    case 'PrimaryTabletDeleted':
      return config.allowEmergencyReparent ? 'RecoverPrimaryTabletDeleted' : undefined;
    case 'ErrantGTIDDetected':
      return config.changeTabletsWithErrantGtidToDrained ? 'RecoverErrantGTIDDetected' : undefined;
    case 'PrimaryHasPrimary':
      return 'RecoverPrimaryHasPrimary';
    case 'ClusterHasNoPrimary':
      return 'ElectNewPrimary';
    case 'PrimaryIsReadOnly':
      return 'FixPrimary';
    case 'NotConnectedToPrimary':
    case 'ConnectedToWrongPrimary':
    case 'ReplicationStopped':
    case 'ReplicaIsWritable':
      return 'FixReplica';
    case 'DeadPrimaryAndReplicas':
    case 'UnreachablePrimary':
    case 'UnreachablePrimaryWithLaggingReplicas':
    case 'AllPrimaryReplicasNotReplicating':
    case 'AllPrimaryReplicasNotReplicatingOrDead':
      return 'CheckAndRecoverGenericProblem';
    default:
      return undefined;
  }
}

/** Whether a recovery changes the whole shard (a reparent) rather than one tablet. */
export function isClusterWideRecovery(name: RecoveryName): boolean {
  return name === 'RecoverDeadPrimary' || name === 'RecoverPrimaryTabletDeleted' || name === 'ElectNewPrimary';
}

/** What a recovery needs to act. */
export interface RecoveryContext {
  vtctld: Vtctld;
  /** The tablet-manager API of a tablet; throws when it cannot be reached. */
  tabletManager(alias: TabletAlias): TabletManagerClient;
  /** The alias of the shard's primary tablet (type PRIMARY, newest term), undefined if none. */
  shardPrimary(): TabletAlias | undefined;
  config: VtorcConfig;
  log: (line: string) => void;
}

/** The record of one recovery, as Vitess's TopologyRecovery (the status page lists them). */
export interface TopologyRecovery {
  ID: number;
  RecoveryName: ActionableRecoveryName;
  AnalysisEntry: ReplicationAnalysis;
  /** The promoted tablet of a reparent ('' otherwise). */
  SuccessorAlias: string;
  IsSuccessful: boolean;
  AllErrors: string[];
  /** Milliseconds since the epoch (injected clock). */
  RecoveryStartTimestamp: number;
  RecoveryEndTimestamp: number;
}

function timeout(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

/**
 * Runs recovery `name` for `entry`; resolves with the promoted tablet's alias for a reparent ('' for
 * the others) and rejects with the error of the call that failed.
 */
export async function runRecovery(name: ActionableRecoveryName, entry: ReplicationAnalysis, ctx: RecoveryContext): Promise<string> {
  const keyspace = entry.AnalyzedKeyspace;
  const shard = entry.AnalyzedShard;
  const alias = entry.AnalyzedInstanceAlias;
  const tabletAlias = (): TabletAlias => parseTabletAlias(alias);
  switch (name) {
    case 'RecoverDeadPrimary':
    case 'RecoverPrimaryTabletDeleted': {
      ctx.log(`Analysis: ${entry.Analysis}, ${name === 'RecoverDeadPrimary' ? 'RecoverDeadPrimary' : 'PrimaryTabletDeleted'} ${alias}`);
      const res = await ctx.vtctld.emergencyReparentShard({
        keyspace,
        shard,
        ignore_replicas: [],
        wait_replicas_timeout: timeout(ctx.config.waitReplicasTimeoutMs),
        prevent_cross_cell_promotion: ctx.config.preventCrossCellFailover,
      });
      for (const e of res.events) ctx.log(`ERS - ${e.value}`);
      const promoted = tabletAliasString(res.promoted_primary);
      ctx.log(`${name}: successfully promoted ${promoted}`);
      return promoted;
    }
    case 'ElectNewPrimary': {
      ctx.log(`Analysis: ${entry.Analysis}, will elect a new primary for ${keyspace}:${shard}`);
      const res = await ctx.vtctld.plannedReparentShard({ keyspace, shard, wait_replicas_timeout: timeout(ctx.config.waitReplicasTimeoutMs) });
      for (const e of res.events) ctx.log(`PRS - ${e.value}`);
      const promoted = tabletAliasString(res.promoted_primary);
      ctx.log(`${entry.Analysis}: successfully promoted ${promoted}`);
      return promoted;
    }
    case 'RecoverPrimaryHasPrimary':
      ctx.log(`Analysis: ${entry.Analysis}, will fix incorrect primaryship on ${alias}`);
      await ctx.tabletManager(tabletAlias()).setReplicationSource(null);
      return '';
    case 'FixPrimary':
      ctx.log(`Analysis: ${entry.Analysis}, will fix primary to read-write ${alias}`);
      await ctx.tabletManager(tabletAlias()).setReadWrite();
      return '';
    case 'FixReplica': {
      ctx.log(`Analysis: ${entry.Analysis}, will fix replica ${alias}`);
      const primary = ctx.shardPrimary();
      if (!primary) throw new Error(`Could not compute primary for ${keyspace}/${shard}`);
      const tm = ctx.tabletManager(tabletAlias());
      await tm.setReadOnly();
      await tm.setReplicationSource(primary);
      return '';
    }
    case 'RecoverErrantGTIDDetected':
      ctx.log(`Analysis: ${entry.Analysis}, will fix tablet ${alias}`);
      await ctx.tabletManager(tabletAlias()).changeType(TabletType.DRAINED);
      return '';
  }
}
