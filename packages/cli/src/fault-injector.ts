/**
 * FaultInjector: the fault vocabulary's verbs over a cluster (the TS API, `cluster.faults`),
 * composed over the hooks each layer owns, the way Vitess's memorytopo is both a topology and a
 * fault injector: stalls and partitions on the {@link FaultNetwork} through which vtgate, vtctld and
 * VReplication reach tablets, vtgate's VStreamManager for dropped VStreams, the cluster's
 * CopyPhaseControl for VReplication's copy, the tablet's mysqld for binlog purges and its
 * replication for delays, the cluster's process lifecycle for killed tablets. Every verb is
 * checked (FaultInputError for bad input), logged as one line, `fault <verb> --flag value …`, and
 * recorded with its arguments.
 */
import type { Clock } from '@vtsim/binlog';
import { Code, tabletAliasString } from '@vtsim/proto';
import { TopoError, type TopoServer } from '@vtsim/topo';
import type { CopyPhaseControl, Tablet } from '@vtsim/vttablet';
import type { Vtgate } from '@vtsim/vtgate';
import { FaultNetwork, type ActiveFault, type FaultTimeouts } from './fault-network.js';

/** A verb applied, as recorded in the history (and logged as `line`). */
export interface FaultRecord {
  at: number;
  verb: string;
  args: Record<string, string | number>;
  line: string;
}

/** Bad input to a fault verb (unknown verb, flag, tablet, shard or workflow; bad number or code): the caller's mistake. */
export class FaultInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultInputError';
  }
}

/** What the injector needs from the cluster it is part of. */
export interface FaultHost {
  readonly cell: string;
  readonly topo: TopoServer;
  readonly clock: Clock;
  readonly vtgate: Vtgate | undefined;
  tablet(uid: number): Tablet | undefined;
  /** Stops vtgate and starts it again on the same ports with the same flags. */
  restartVtgate(): Promise<void>;
  /** Kills the tablet's vttablet and mysqld at once (Cluster.killTablet). */
  killTablet(uid: number): Promise<void>;
  /** Starts a killed tablet's mysqld and vttablet again (Cluster.restartTablet). */
  restartTablet(uid: number): Promise<unknown>;
}

/** How many applied verbs {@link FaultInjector.history} keeps. */
export const HISTORY_LIMIT = 1000;

/** See the module comment. */
export class FaultInjector {
  /** How vtgate, vtctld and VReplication reach tablets (the cluster's dialers hand out its views). */
  readonly network: FaultNetwork;
  /** The verbs applied, oldest first: the last {@link HISTORY_LIMIT} (a long chaos run forgets the oldest). */
  readonly history: FaultRecord[] = [];
  private copyRateFault: ActiveFault | undefined;
  /** replication-delay faults in force, by tablet uid. */
  private readonly replicationDelays = new Map<number, ActiveFault>();
  private readonly log: (line: string) => void;

  constructor(
    private readonly host: FaultHost,
    private readonly copyPhase: CopyPhaseControl,
    opts: { timeouts?: Partial<FaultTimeouts>; log?: (line: string) => void } = {},
  ) {
    this.log = opts.log ?? (() => undefined);
    this.network = new FaultNetwork(opts.timeouts ?? {}, (fault) => this.log(`fault healed ${fault.verb}${flagText(fault.args)}`));
  }

  // --- the verbs (the TS API) ---

  /**
   * kill-tablet: the tablet's vttablet and mysqld die at once, as `kill -9` of both processes: open
   * transactions are lost, committed ones stay in its data; replicas lose their source, and with
   * VTOrc running a dead primary is replaced. Undone by restart-tablet (not by heal: a killed process
   * stays dead). Throws FaultInputError for a tablet the cluster does not know.
   */
  async killTablet(args: { uid: number }): Promise<string> {
    nonNegative('uid', args.uid);
    await this.host.killTablet(args.uid).catch((err: unknown) => {
      throw new FaultInputError(err instanceof Error ? err.message : String(err));
    });
    return this.record('kill-tablet', { uid: args.uid });
  }

  /**
   * restart-tablet: starts a killed tablet's mysqld and vttablet again on its data; a primary that
   * was replaced meanwhile comes back as a REPLICA of the new one. Throws FaultInputError for a
   * tablet the cluster never started.
   */
  async restartTablet(args: { uid: number }): Promise<string> {
    nonNegative('uid', args.uid);
    await this.host.restartTablet(args.uid).catch((err: unknown) => {
      throw new FaultInputError(err instanceof Error ? err.message : String(err));
    });
    return this.record('restart-tablet', { uid: args.uid });
  }

  /**
   * replication-delay: the replica applies each transaction only `ms` ms after its commit on the
   * source (MySQL's SOURCE_DELAY), so it lags by that much; 0 or heal ends it. Throws
   * FaultInputError for a tablet that is not running.
   */
  async replicationDelay(args: { uid: number; ms: number }): Promise<string> {
    nonNegative('ms', args.ms);
    const tablet = this.runningTablet(args.uid);
    tablet.setReplicationDelay(args.ms);
    if (args.ms === 0) this.replicationDelays.delete(args.uid);
    else this.replicationDelays.set(args.uid, { verb: 'replication-delay', args: { uid: args.uid, ms: args.ms }, since: this.host.clock.now() });
    return this.record('replication-delay', { uid: args.uid, ms: args.ms });
  }

  /**
   * stall-shard: the shard's tablets accept nothing and send nothing for `ms` ms: calls wait, and
   * stream events (VStreams, health) are held until the stall ends. A new stall of a stalled shard
   * replaces the old one. Throws FaultInputError for an unknown shard or a bad duration.
   */
  async stallShard(args: { keyspace: string; shard: string; ms: number }): Promise<string> {
    positive('ms', args.ms);
    await this.checkShard(args.keyspace, args.shard);
    this.network.stall(`${args.keyspace}/${args.shard}`, { verb: 'stall-shard', args: { keyspace: args.keyspace, shard: args.shard, ms: args.ms }, since: this.host.clock.now() }, args.ms);
    return this.record('stall-shard', { keyspace: args.keyspace, shard: args.shard, ms: args.ms });
  }

  /**
   * partition-tablet: vtgate, vtctld and VTOrc cannot reach the tablet (other tablets, and its
   * replication, still can) until `heal`, or for `ms` ms when given. Their calls wait and fail
   * after {@link FaultTimeouts}; calls still waiting when it heals go through. Throws
   * FaultInputError for a tablet that is not running or a bad duration.
   */
  async partitionTablet(args: { uid: number; ms?: number }): Promise<string> {
    if (args.ms !== undefined) positive('ms', args.ms);
    const tablet = this.runningTablet(args.uid);
    const flags: Record<string, number> = args.ms === undefined ? { uid: args.uid } : { uid: args.uid, ms: args.ms };
    this.network.partition(tabletAliasString(tablet.alias), { verb: 'partition-tablet', args: flags, since: this.host.clock.now() }, args.ms);
    return this.record('partition-tablet', flags);
  }

  /**
   * drop-vstreams: vtgate ends every open VStream with `code` (default UNAVAILABLE). Throws
   * FaultInputError when vtgate is not running or the code is OK or unknown.
   */
  async dropVStreams(args: { code?: string } = {}): Promise<string> {
    const name = (args.code ?? 'UNAVAILABLE').toUpperCase();
    const code = (Code as unknown as Record<string, Code | undefined>)[name];
    if (code === undefined || typeof code !== 'number' || code === Code.OK) {
      throw new FaultInputError(`--code must be a vtrpc code other than OK (UNAVAILABLE, CANCELED, DEADLINE_EXCEEDED, …), not '${args.code}'`);
    }
    const vtgate = this.host.vtgate;
    if (!vtgate) throw new FaultInputError('vtgate is not running');
    const dropped = vtgate.vstreamManager.dropAll(code, `vstream dropped by vtgate (fault drop-vstreams): ${name}`);
    return this.record('drop-vstreams', { code: name }, `(${dropped} VStreams)`);
  }

  /** restart-vtgate: stops vtgate and starts it on the same ports: connections and streams end, clients reconnect. */
  async restartVtgate(): Promise<string> {
    if (!this.host.vtgate) throw new FaultInputError('vtgate is not running');
    const line = this.record('restart-vtgate', {});
    await this.host.restartVtgate();
    return line;
  }

  /** copy-rate: every VReplication copy copies at most `rowsPerSec` rows per second per stream, until `heal`. */
  async copyRate(args: { rowsPerSec: number }): Promise<string> {
    positive('rows-per-sec', args.rowsPerSec);
    this.copyPhase.setRowsPerSecond(args.rowsPerSec);
    this.copyRateFault = { verb: 'copy-rate', args: { 'rows-per-sec': args.rowsPerSec }, since: this.host.clock.now() };
    return this.record('copy-rate', { 'rows-per-sec': args.rowsPerSec });
  }

  /**
   * interrupt-copy: the copy phase of workflow `workflow` ends its cycle as when
   * `vreplication_copy_phase_duration` expires; its streams copy on from their saved last PKs.
   * Throws FaultInputError when no stream of that workflow is copying.
   */
  async interruptCopy(args: { workflow: string }): Promise<string> {
    if (!args.workflow) throw new FaultInputError('--workflow is required');
    const streams = this.copyPhase.interrupt(args.workflow);
    if (streams === 0) {
      const copying = this.copyPhase.copyingWorkflows();
      throw new FaultInputError(`no stream of workflow '${args.workflow}' is copying${copying.length ? ` (copying: ${copying.join(', ')})` : ''}`);
    }
    return this.record('interrupt-copy', { workflow: args.workflow }, `(${streams} streams)`);
  }

  /**
   * purge-binlogs: the tablet's mysqld purges its oldest binlog transactions until `keep` remain
   * (default 0), as PURGE BINARY LOGS does; a replica or VStream needing them then gets error 1236.
   */
  async purgeBinlogs(args: { uid: number; keep?: number }): Promise<string> {
    if (args.keep !== undefined) nonNegative('keep', args.keep);
    const tablet = this.runningTablet(args.uid);
    tablet.mysqld.binlog.purge(args.keep ?? 0);
    return this.record('purge-binlogs', args.keep === undefined ? { uid: args.uid } : { uid: args.uid, keep: args.keep });
  }

  /** heal: undoes every fault in force (stalls, partitions, replication delays, the copy throttle). */
  async heal(): Promise<string> {
    const healed = this.active().length;
    this.close();
    return this.record('heal', {}, `(${healed} faults)`);
  }

  /** Heals every fault without recording a verb (the cluster is closing). */
  close(): void {
    this.network.healAll();
    this.copyPhase.setRowsPerSecond(undefined);
    this.copyRateFault = undefined;
    for (const uid of this.replicationDelays.keys()) this.host.tablet(uid)?.setReplicationDelay(0);
    this.replicationDelays.clear();
  }

  /** The faults in force, oldest first. */
  active(): ActiveFault[] {
    const all = this.network.faults();
    if (this.copyRateFault) all.push(this.copyRateFault);
    all.push(...this.replicationDelays.values());
    return all.sort((a, b) => a.since - b.since);
  }

  // --- bookkeeping ---

  private record(verb: string, args: Record<string, string | number>, outcome = ''): string {
    const line = `fault ${verb}${flagText(args)}${outcome ? ` ${outcome}` : ''}`;
    this.history.push({ at: this.host.clock.now(), verb, args, line });
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    this.log(line);
    return line;
  }

  private runningTablet(uid: number): Tablet {
    nonNegative('uid', uid);
    const tablet = this.host.tablet(uid);
    if (!tablet) throw new FaultInputError(`tablet ${tabletAliasString({ cell: this.host.cell, uid })} is not running`);
    return tablet;
  }

  private async checkShard(keyspace: string, shard: string): Promise<void> {
    if (!keyspace || !shard) throw new FaultInputError('--keyspace and --shard are required');
    try {
      await this.host.topo.getShard(keyspace, shard);
    } catch (err) {
      if (err instanceof TopoError && err.code === 'NoNode') throw new FaultInputError(`shard ${keyspace}/${shard} does not exist`);
      throw err;
    }
  }
}

/** ` --name value` for each flag, in the order given. */
function flagText(args: Record<string, string | number>): string {
  return Object.entries(args).map(([k, v]) => ` --${k} ${v}`).join('');
}

function positive(flag: string, n: number): void {
  if (!Number.isSafeInteger(n) || n <= 0) throw new FaultInputError(`--${flag} must be a positive integer, not ${n}`);
}

function nonNegative(flag: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new FaultInputError(`--${flag} must be a non-negative integer, not ${n}`);
}
