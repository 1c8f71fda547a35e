/**
 * Vtorc: Vitess's orchestrator in one process. Three loops, as VTOrc's: the tablet list is re-read
 * from the topology every `topo-information-refresh-duration`; every tablet's mysqld is polled
 * through the tablet manager (FullStatus) every `instance-poll-time`, a call that fails or outlasts
 * `remote-operation-timeout` making the tablet unreachable; every `recovery-poll-duration` each
 * shard is analysed (analysis.ts) and the recoveries of topology-recovery.ts run, at most one per
 * shard at a time. Before acting, the shard's tablets are read again and re-polled and the analysis
 * is repeated, so a problem another agent fixed meanwhile is left alone; after acting, the tablets
 * the recovery changed are polled again.
 */
import { noopLogger, type Clock, type Logger } from '@vtsim/binlog';
import { TabletType, tabletAliasString, type TabletAlias } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import type { Vtctld } from '@vtsim/vtctld';
import type { TabletManagerClient, TabletManagerDialer } from '@vtsim/vttablet';
import { analyzeShard, type ReplicationAnalysis } from './analysis.js';
import { DEFAULT_VTORC_CONFIG, type VtorcConfig } from './config.js';
import { instanceStatusOf, type Instance } from './instance.js';
import { isClusterWideRecovery, recoveryFor, runRecovery, type ActionableRecoveryName, type RecoveryName, type TopologyRecovery } from './topology-recovery.js';

/** What VTOrc watches and acts through. */
export interface VtorcOptions {
  topo: TopoServer;
  /** Reaches a tablet's tablet manager; undefined for a tablet that is down. */
  tabletManagerDialer: TabletManagerDialer;
  /** Runs the reparents (EmergencyReparentShard, PlannedReparentShard). */
  vtctld: Vtctld;
  clock: Clock;
  config?: Partial<VtorcConfig>;
  /**
   * Where VTOrc logs, in Vitess's words: detections and recoveries with their steps (info), skipped
   * recoveries (warn), failed ones and failing polls (error). Default: nowhere.
   */
  logger?: Logger;
}

/** What the status call returns. */
export interface VtorcStatus {
  /** The latest analysis of every shard, problems and NoProblem alike. */
  analysis: ReplicationAnalysis[];
  /** The most recent recoveries, oldest first (at most {@link RECENT_RECOVERIES}). */
  recoveries: TopologyRecovery[];
}

/** How many recoveries the status keeps. */
export const RECENT_RECOVERIES = 100;

interface ShardState {
  keyspace: string;
  shard: string;
  primaryAlias: string;
  primaryTermStartSeconds: number;
}

/** A running VTOrc; close() stops its loops (a recovery in flight finishes). */
export class Vtorc {
  readonly config: VtorcConfig;
  private readonly instances = new Map<string, Instance>();
  private readonly shards = new Map<string, ShardState>();
  private readonly recovering = new Set<string>();
  /** The poll under way of each tablet, by alias. */
  private readonly polling = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly recoveries: TopologyRecovery[] = [];
  private readonly detected = new Map<string, string>();
  private latestAnalysis: ReplicationAnalysis[] = [];
  private nextRecoveryId = 1;
  private lastTopoRefresh = -Infinity;
  private readonly timers: Array<ReturnType<typeof setTimeout> | undefined> = [];
  private closed = false;
  private readonly log: Logger;

  private constructor(private readonly opts: VtorcOptions) {
    this.config = { ...DEFAULT_VTORC_CONFIG, ...opts.config };
    this.log = opts.logger ?? noopLogger;
  }

  /** Reads the topology, polls every tablet once, then starts the loops. */
  static async start(opts: VtorcOptions): Promise<Vtorc> {
    const vtorc = new Vtorc(opts);
    await vtorc.refreshTablets();
    await vtorc.pollAll();
    vtorc.loop(vtorc.config.instancePollTimeMs, () => vtorc.pollTick());
    vtorc.loop(vtorc.config.recoveryPollDurationMs, async () => vtorc.checkAndRecover());
    return vtorc;
  }

  /** The latest analysis and the recent recoveries. */
  status(): VtorcStatus {
    return { analysis: this.latestAnalysis.map((a) => ({ ...a })), recoveries: this.recoveries.map((r) => ({ ...r, AllErrors: [...r.AllErrors] })) };
  }

  /** The latest analysis entries that report a problem (Vitess's `/api/replication-analysis`). */
  replicationAnalysis(): ReplicationAnalysis[] {
    return this.latestAnalysis.filter((a) => a.Analysis !== 'NoProblem').map((a) => ({ ...a }));
  }

  /** Stops the loops and waits for running recoveries (not for polls under way). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled([...this.inFlight]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Runs `tick` every `ms` (measured from the end of the previous run) until close(). */
  private loop(ms: number, tick: () => Promise<void>): void {
    const slot = this.timers.push(undefined) - 1;
    const schedule = (): void => {
      if (this.closed) return;
      this.timers[slot] = setTimeout(() => {
        tick().catch((err: unknown) => this.log.error(err instanceof Error ? err.message : String(err))).finally(schedule);
      }, ms);
    };
    schedule();
  }

  /** Refreshes the tablet list when due and starts a poll of every tablet not being polled already (a slow one delays no other). */
  private async pollTick(): Promise<void> {
    if (this.opts.clock.now() - this.lastTopoRefresh >= this.config.topoInformationRefreshDurationMs) await this.refreshTablets();
    for (const instance of this.instances.values()) void this.poll(instance);
  }

  // --- the topology and the instances --------------------------------------------------------

  /** Re-reads every keyspace's shards and tablets (only `keyspace/shard` when given). */
  private async refreshTablets(only?: { keyspace: string; shard: string }): Promise<void> {
    const { topo } = this.opts;
    const keyspaces = only ? [only.keyspace] : await topo.getKeyspaces();
    const seen = new Set<string>();
    for (const keyspace of keyspaces) {
      const shards = only ? [only.shard] : await topo.getShardNames(keyspace).catch(() => []);
      for (const shard of shards) {
        const key = `${keyspace}/${shard}`;
        const si = await topo.getShard(keyspace, shard).catch(() => undefined);
        if (!si) {
          this.shards.delete(key);
          continue;
        }
        this.shards.set(key, {
          keyspace,
          shard,
          primaryAlias: si.shard.primary_alias ? tabletAliasString(si.shard.primary_alias) : '',
          primaryTermStartSeconds: Number(si.shard.primary_term_start_time?.seconds ?? 0),
        });
        for (const info of await topo.getTabletsByShard(keyspace, shard)) {
          const alias = tabletAliasString(info.tablet.alias);
          seen.add(alias);
          const known = this.instances.get(alias);
          if (known) known.tablet = info.tablet;
          else this.instances.set(alias, { tablet: info.tablet, status: undefined, lastCheckValid: false });
        }
      }
    }
    for (const [alias, instance] of this.instances) {
      const inScope = !only || (instance.tablet.keyspace === only.keyspace && instance.tablet.shard === only.shard);
      if (inScope && !seen.has(alias)) {
        this.instances.delete(alias);
        this.detected.delete(alias);
      }
    }
    if (!only) this.lastTopoRefresh = this.opts.clock.now();
  }

  /** Polls the tablets `filter` selects afresh and waits for the answers. */
  private async pollAll(filter: (i: Instance) => boolean = () => true): Promise<void> {
    await Promise.all([...this.instances.values()].filter(filter).map((i) => this.poll(i, true)));
  }

  /**
   * Polls one tablet (see pollNow), one poll at a time per tablet: joins the poll under way, or with
   * `fresh` polls again once it is done (a recovery needs what the tablet says now).
   */
  private poll(instance: Instance, fresh = false): Promise<void> {
    const alias = tabletAliasString(instance.tablet.alias);
    const running = this.polling.get(alias);
    if (running && !fresh) return running;
    const next: Promise<void> = (running ?? Promise.resolve()).then(() => this.pollNow(instance)).finally(() => {
      if (this.polling.get(alias) === next) this.polling.delete(alias);
    });
    this.polling.set(alias, next);
    return next;
  }

  /** Polls one tablet's mysqld (FullStatus); an absent tablet, an error or a timeout make its last check invalid. */
  private async pollNow(instance: Instance): Promise<void> {
    const tm = this.opts.tabletManagerDialer(instance.tablet.alias);
    if (!tm) {
      instance.lastCheckValid = false;
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const full = await Promise.race([
        tm.fullStatus(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('remote operation timed out')), this.config.remoteOperationTimeoutMs);
          timer.unref();
        }),
      ]);
      instance.status = instanceStatusOf(full);
      instance.lastCheckValid = true;
    } catch {
      instance.lastCheckValid = false;
    } finally {
      clearTimeout(timer);
    }
  }

  private shardInstances(keyspace: string, shard: string): Instance[] {
    return [...this.instances.values()].filter((i) => i.tablet.keyspace === keyspace && i.tablet.shard === shard);
  }

  private analyze(state: ShardState): ReplicationAnalysis[] {
    return analyzeShard(
      { ...state, instances: this.shardInstances(state.keyspace, state.shard) },
      { reasonableReplicationLagSeconds: this.config.reasonableReplicationLagMs / 1000 },
    );
  }

  // --- detection and recovery -----------------------------------------------------------------

  /** One recovery poll: analyses every shard and starts the recoveries of the problems found. */
  private checkAndRecover(): void {
    const all: ReplicationAnalysis[] = [];
    for (const state of this.shards.values()) {
      const entries = this.analyze(state);
      all.push(...entries);
      const key = `${state.keyspace}/${state.shard}`;
      for (const entry of entries) this.noteDetection(entry);
      if (this.recovering.has(key)) continue;
      // Shard-wide problems first, then the rest in analysis order; one recovery per shard per poll.
      const actionable = entries
        .filter((e) => isActionable(recoveryFor(e.Analysis, this.config)))
        .sort((x, y) => Number(y.HasShardWideAction) - Number(x.HasShardWideAction));
      const entry = actionable[0];
      if (!entry) continue;
      this.recovering.add(key);
      const run = this.executeCheckAndRecover(entry, state)
        .catch((err: unknown) => this.log.error(`Recovery for ${entry.Analysis} on ${key}: aborted: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          this.recovering.delete(key);
          this.inFlight.delete(run);
        });
      this.inFlight.add(run);
    }
    this.latestAnalysis = all;
  }

  /** Logs a problem when a tablet's analysis changes to it. */
  private noteDetection(entry: ReplicationAnalysis): void {
    const previous = this.detected.get(entry.AnalyzedInstanceAlias);
    this.detected.set(entry.AnalyzedInstanceAlias, entry.Analysis);
    if (entry.Analysis === 'NoProblem' || previous === entry.Analysis) return;
    const name = recoveryFor(entry.Analysis, this.config);
    if (!name) {
      if (recoveryFor(entry.Analysis, { allowEmergencyReparent: true, changeTabletsWithErrantGtidToDrained: false }) !== undefined) {
        this.log.warn(`VTOrc not configured to run ERS, skipping recovering ${entry.Analysis}`);
      } else if (entry.Analysis === 'ErrantGTIDDetected') {
        this.log.warn(`VTOrc not configured to do anything on detecting errant GTIDs, skipping recovering ${entry.Analysis} on ${entry.AnalyzedInstanceAlias}: ${entry.ErrantGTID}`);
      }
      this.log.info(`executeCheckAndRecoverFunction: ignoring analysisEntry that has no action plan: ${entry.Analysis} on tablet: ${entry.AnalyzedInstanceAlias}`);
      return;
    }
    this.log.info(`executeCheckAndRecoverFunction: proceeding with ${entry.Analysis} detection on ${entry.AnalyzedInstanceAlias}; isActionable?: ${isActionable(name)}`);
    if (!isActionable(name)) this.log.info(`Recovery for ${entry.Analysis} on ${entry.AnalyzedKeyspace}/${entry.AnalyzedShard}: No actions in checkAndRecoverGenericProblem`);
  }

  private async executeCheckAndRecover(entry: ReplicationAnalysis, state: ShardState): Promise<void> {
    const name = recoveryFor(entry.Analysis, this.config) as ActionableRecoveryName;
    const prefix = `Recovery for ${entry.Analysis} on ${entry.AnalyzedKeyspace}/${entry.AnalyzedShard}: `;
    const log = (line: string): void => this.log.info(prefix + line);
    const { keyspace, shard } = state;
    const clusterWide = isClusterWideRecovery(name);
    // Reparents take the shard lock themselves; the other recoveries hold it while they check and act.
    const unlock = clusterWide ? undefined : await this.opts.topo.lockShard(keyspace, shard, `VTOrc Recovery for ${entry.Analysis} on ${entry.AnalyzedInstanceAlias}`);
    try {
      await this.refreshTablets({ keyspace, shard });
      const fresh = this.shards.get(`${keyspace}/${shard}`);
      if (!fresh) return;
      if (clusterWide) {
        const dead = name === 'RecoverDeadPrimary' ? entry.AnalyzedInstanceAlias : '';
        await this.pollAll((i) => i.tablet.keyspace === keyspace && i.tablet.shard === shard && tabletAliasString(i.tablet.alias) !== dead);
      } else {
        const primary = this.shardPrimary(keyspace, shard);
        const primaryAlias = primary ? tabletAliasString(primary) : '';
        await this.pollAll((i) => [entry.AnalyzedInstanceAlias, primaryAlias].includes(tabletAliasString(i.tablet.alias)));
      }
      const still = this.analyze(fresh).some((e) => e.AnalyzedInstanceAlias === entry.AnalyzedInstanceAlias && recoveryFor(e.Analysis, this.config) === name);
      if (!still) {
        log(`Analysis: ${entry.Analysis} on tablet ${entry.AnalyzedInstanceAlias} - No longer valid, some other agent must have fixed the problem.`);
        return;
      }
      log(`executeCheckAndRecoverFunction: proceeding with recovery on ${entry.AnalyzedInstanceAlias}; isRecoverable?: true`);
      const recovery: TopologyRecovery = {
        ID: this.nextRecoveryId++,
        RecoveryName: name,
        AnalysisEntry: { ...entry },
        SuccessorAlias: '',
        IsSuccessful: false,
        AllErrors: [],
        RecoveryStartTimestamp: this.opts.clock.now(),
        RecoveryEndTimestamp: 0,
      };
      this.recoveries.push(recovery);
      if (this.recoveries.length > RECENT_RECOVERIES) this.recoveries.shift();
      try {
        recovery.SuccessorAlias = await runRecovery(name, entry, {
          vtctld: this.opts.vtctld,
          tabletManager: (alias) => this.dial(alias),
          shardPrimary: () => this.shardPrimary(keyspace, shard),
          config: this.config,
          log,
        });
        recovery.IsSuccessful = true;
        log('Recovery succeeded');
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        recovery.AllErrors.push(message);
        this.log.error(`${prefix}Failed to recover: ${message}`);
      } finally {
        recovery.RecoveryEndTimestamp = this.opts.clock.now();
      }
      await this.refreshTablets({ keyspace, shard });
      await this.pollAll((i) => i.tablet.keyspace === keyspace && i.tablet.shard === shard && (clusterWide || tabletAliasString(i.tablet.alias) === entry.AnalyzedInstanceAlias));
    } finally {
      await unlock?.();
    }
  }

  /** The shard's PRIMARY tablet with the newest term (ties: the one the shard record names), as VTOrc's shardPrimary reads it. */
  private shardPrimary(keyspace: string, shard: string): TabletAlias | undefined {
    const named = this.shards.get(`${keyspace}/${shard}`)?.primaryAlias;
    const rank = (i: Instance): number => Number(i.tablet.primary_term_start_time?.seconds ?? 0) * 2 + (tabletAliasString(i.tablet.alias) === named ? 1 : 0);
    let best: Instance | undefined;
    for (const i of this.shardInstances(keyspace, shard)) {
      if (i.tablet.type === TabletType.PRIMARY && (!best || rank(i) > rank(best))) best = i;
    }
    return best ? { ...best.tablet.alias } : undefined;
  }

  private dial(alias: TabletAlias): TabletManagerClient {
    const tm = this.opts.tabletManagerDialer(alias);
    if (!tm) throw new Error(`tablet ${tabletAliasString(alias)} is not reachable`);
    return tm;
  }
}

function isActionable(name: RecoveryName | undefined): name is ActionableRecoveryName {
  return name !== undefined && name !== 'CheckAndRecoverGenericProblem';
}
