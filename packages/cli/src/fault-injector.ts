/**
 * FaultInjector: the cluster's faults, composed over the hooks each layer owns, the way Vitess's
 * memorytopo is both a topology and a fault injector. It hands vtgate, vtctld and VReplication
 * their view of each tablet (see {@link FaultInjector.reach}): a stalled shard's tablets answer
 * nothing and send nothing until the stall ends; a partitioned tablet is unreachable from vtgate
 * and vtctld, whose calls fail as over a dead network once Vitess's timeouts expire. vtgate's
 * VStreams are dropped through its VStreamManager, VReplication's copy is throttled and interrupted
 * through the cluster's CopyPhaseControl, binlogs are purged on the tablet's mysqld. Every verb is
 * logged as one line, `fault <verb> --flag value …`, and recorded with its arguments.
 */
import type { Clock } from '@vtsim/binlog';
import { Code, ER, SqlError, VtError, tabletAliasString } from '@vtsim/proto';
import { TopoError, type TopoServer } from '@vtsim/topo';
import type { CopyPhaseControl, QueryService, Tablet, TabletManagerClient } from '@vtsim/vttablet';
import type { Vtgate } from '@vtsim/vtgate';

/**
 * How long callers wait for an unreachable tablet before giving up, as Vitess's flags set it.
 * Vitess's defaults; tests shorten them.
 */
export interface FaultTimeouts {
  /**
   * vtgate's gRPC keepalive (`--grpc_keepalive_time` 10 s + `--grpc_keepalive_timeout` 10 s): a
   * vtgate call or stream to a partitioned tablet fails with UNAVAILABLE `keepalive ping failed to
   * receive ACK within timeout` after this long (vtgate sets no query timeout by default).
   */
  keepaliveMs: number;
  /**
   * vtctld's tablet-manager RPC timeout (`--remote_operation_timeout`, 15 s): a vtctld call to a
   * partitioned tablet fails with DEADLINE_EXCEEDED `context deadline exceeded` after this long.
   */
  remoteOperationTimeoutMs: number;
}

/** Vitess's defaults of {@link FaultTimeouts}. */
export const DEFAULT_FAULT_TIMEOUTS: FaultTimeouts = { keepaliveMs: 20_000, remoteOperationTimeoutMs: 15_000 };

/** Who reaches a tablet through {@link FaultInjector.reach}: partitions cut vtgate and vtctld off, not other tablets. */
export type FaultCaller = 'vtgate' | 'vtctld' | 'vreplication';

/** One fault in force. */
export interface ActiveFault {
  verb: string;
  /** The verb's flags as given, by flag name. */
  args: Record<string, string | number>;
  /** When it started (the cluster clock's ms). */
  since: number;
  /** When it heals itself, if it does. */
  until?: number;
}

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
}

/** Who reaches a tablet: the caller, and for VReplication the `keyspace/shard` it runs in. */
interface Link {
  caller: FaultCaller;
  from?: string;
}

interface Hold {
  readonly fault: ActiveFault;
  /** Date.now() when it started: timeouts run on real time, as the timers do. */
  readonly startedAt: number;
  /** Settles when the fault is healed. */
  readonly healed: Promise<void>;
  heal(): void;
  timer?: NodeJS.Timeout;
}

/**
 * How each method of the interfaces vtgate, vtctld and VReplication reach tablets through goes
 * through the faults: `call`s answer once, `stream`s yield until they end. (A record, so that a
 * method added to either interface must be classified here.) Other members pass through untouched.
 */
const REMOTE_METHODS: Record<keyof QueryService | keyof TabletManagerClient, 'call' | 'stream'> = {
  execute: 'call', begin: 'call', commit: 'call', rollback: 'call', streamHealth: 'stream', vstream: 'stream',
  tablet: 'call', changeType: 'call', setReadOnly: 'call', setReadWrite: 'call', primaryPosition: 'call',
  waitForPosition: 'call', setReplicationSource: 'call', stopReplication: 'call', startReplication: 'call',
  getReplicationStatus: 'call', fullStatus: 'call', executeFetchAsDba: 'call', refreshState: 'call',
  promoteReplica: 'call', demotePrimary: 'call', vreplicationExec: 'call', vreplicationWaitForPos: 'call',
};

/** See the module comment. */
export class FaultInjector {
  /** The timeouts callers apply to unreachable tablets. */
  readonly timeouts: FaultTimeouts;
  /** Every verb applied, oldest first. */
  readonly history: FaultRecord[] = [];
  private readonly stalls = new Map<string, Hold>();
  private readonly partitions = new Map<string, Hold>();
  private copyRateFault: ActiveFault | undefined;
  private readonly views = new WeakMap<Tablet, Map<string, Tablet>>();
  /** Called at the next change of stalls or partitions (streams waiting on a tablet re-check then). */
  private readonly changeWaiters = new Set<() => void>();
  private readonly log: (line: string) => void;

  constructor(
    private readonly host: FaultHost,
    private readonly copyPhase: CopyPhaseControl,
    opts: { timeouts?: Partial<FaultTimeouts>; log?: (line: string) => void } = {},
  ) {
    this.timeouts = { ...DEFAULT_FAULT_TIMEOUTS, ...opts.timeouts };
    this.log = opts.log ?? (() => undefined);
  }

  // --- the verbs (the TS API) ---

  /**
   * stall-shard: the shard's tablets accept nothing and send nothing for `ms` ms: calls wait, and
   * stream events (VStreams, health) are held until the stall ends. A new stall of a stalled shard
   * replaces the old one. Throws FaultInputError for an unknown shard or a bad duration.
   */
  async stallShard(args: { keyspace: string; shard: string; ms: number }): Promise<string> {
    positive('ms', args.ms);
    await this.checkShard(args.keyspace, args.shard);
    const key = `${args.keyspace}/${args.shard}`;
    this.stalls.get(key)?.heal();
    this.hold(this.stalls, key, { verb: 'stall-shard', args: { keyspace: args.keyspace, shard: args.shard, ms: args.ms }, since: this.host.clock.now() }, args.ms);
    return this.record('stall-shard', { keyspace: args.keyspace, shard: args.shard, ms: args.ms });
  }

  /**
   * partition-tablet: vtgate and vtctld cannot reach the tablet (other tablets, and its
   * replication, still can) until `heal`, or for `ms` ms when given. Their calls wait and fail
   * after {@link FaultTimeouts}; calls still waiting when it heals go through. Throws
   * FaultInputError for a tablet that is not running or a bad duration.
   */
  async partitionTablet(args: { uid: number; ms?: number }): Promise<string> {
    if (args.ms !== undefined) positive('ms', args.ms);
    const tablet = this.runningTablet(args.uid);
    const key = tabletAliasString(tablet.alias);
    this.partitions.get(key)?.heal();
    const flags: Record<string, number> = args.ms === undefined ? { uid: args.uid } : { uid: args.uid, ms: args.ms };
    this.hold(this.partitions, key, { verb: 'partition-tablet', args: flags, since: this.host.clock.now() }, args.ms);
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

  /** heal: undoes every fault in force (stalls, partitions, the copy throttle). */
  async heal(): Promise<string> {
    const healed = this.active().length;
    this.close();
    return this.record('heal', {}, `(${healed} faults)`);
  }

  /** Heals every fault without recording a verb (the cluster is closing). */
  close(): void {
    for (const h of [...this.stalls.values(), ...this.partitions.values()]) h.heal();
    this.copyPhase.setRowsPerSecond(undefined);
    this.copyRateFault = undefined;
  }

  /** The faults in force, oldest first. */
  active(): ActiveFault[] {
    const all = [...this.stalls.values(), ...this.partitions.values()].map((h) => h.fault);
    if (this.copyRateFault) all.push(this.copyRateFault);
    return all.sort((a, b) => a.since - b.since);
  }

  // --- the tablets as callers see them ---

  /**
   * The tablet as `caller` reaches it: the same object's methods, each call first waiting out a
   * stall of its shard and (for vtgate and vtctld) a partition of the tablet, failing as Vitess's
   * clients do when the partition outlasts their timeout; streams hold their events likewise and
   * fail once a partition outlasts the keepalive. A VReplication stream names the shard it runs in
   * (`from`, `keyspace/shard`): a stall of that shard holds its calls too, as a stalled vttablet
   * sends nothing. The same view is returned for the same tablet, caller and shard (vtgate's health
   * check tells tablets apart by identity).
   */
  reach(tablet: Tablet | undefined, caller: FaultCaller, from?: string): Tablet | undefined {
    if (!tablet) return undefined;
    let views = this.views.get(tablet);
    if (!views) this.views.set(tablet, (views = new Map()));
    const key = `${caller}|${from ?? ''}`;
    let view = views.get(key);
    if (!view) {
      view = this.view(tablet, { caller, from });
      views.set(key, view);
    }
    return view;
  }

  private view(tablet: Tablet, link: Link): Tablet {
    const faults = this;
    /** The guarded methods, made once per view. */
    const guarded = new Map<string, unknown>();
    return new Proxy(tablet, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        const kind = typeof prop === 'string' && Object.hasOwn(REMOTE_METHODS, prop) ? REMOTE_METHODS[prop as keyof typeof REMOTE_METHODS] : undefined;
        if (typeof value !== 'function' || !kind) return value;
        const known = guarded.get(prop as string);
        if (known) return known;
        const method = value as (...args: unknown[]) => unknown;
        const wrapper =
          kind === 'stream'
            ? (...args: unknown[]) => {
                const signal = args[args.length - 1] as AbortSignal;
                return faults.guardStream(target, link, (inner) => method.apply(target, [...args.slice(0, -1), inner]) as AsyncIterable<unknown>, signal);
              }
            : (...args: unknown[]) => {
                if (faults.idle) return method.apply(target, args);
                return faults.gate(target, link).then(() => method.apply(target, args));
              };
        guarded.set(prop as string, wrapper);
        return wrapper;
      },
    });
  }

  /** Waits until the caller may reach the tablet: a stall's end, a partition's heal; throws once a partition outlasts the caller's timeout. */
  private async gate(tablet: Tablet, link: Link): Promise<void> {
    if (this.idle) return;
    const deadline = Date.now() + this.timeoutOf(link.caller);
    for (;;) {
      const stall = this.stalls.get(`${tablet.keyspace}/${tablet.shard}`) ?? (link.from === undefined ? undefined : this.stalls.get(link.from));
      if (stall) {
        await stall.healed;
        continue;
      }
      const partition = this.partitionOf(tablet, link);
      if (!partition) return;
      if ((await raceTimeout(partition.healed, deadline - Date.now())) === TIMED_OUT) throw this.unreachable(link.caller);
    }
  }

  /** The partition cutting the caller off from the tablet, if any (VReplication, tablet to tablet, is never cut off). */
  private partitionOf(tablet: Tablet, link: Link): Hold | undefined {
    return link.caller === 'vreplication' ? undefined : this.partitions.get(tabletAliasString(tablet.alias));
  }

  /** A stream through the faults: opened through {@link gate}, each item held by stalls and partitions, cut when a partition outlasts the keepalive. */
  private async *guardStream<T>(tablet: Tablet, link: Link, open: (signal: AbortSignal) => AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
    await this.gate(tablet, link);
    const inner = new AbortController();
    const onAbort = (): void => inner.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) inner.abort();
    const it = open(inner.signal)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = it.next();
        next.catch(() => undefined);
        let result: IteratorResult<T> | undefined;
        while (!result) {
          const partition = this.partitionOf(tablet, link);
          const cutAt = partition ? partition.startedAt + this.timeouts.keepaliveMs : undefined;
          let wake!: () => void;
          const changed = new Promise<typeof CHANGED>((resolve) => (wake = () => resolve(CHANGED)));
          this.changeWaiters.add(wake);
          let outcome: IteratorResult<T> | typeof CHANGED | typeof TIMED_OUT;
          try {
            outcome = await raceTimeout(Promise.race([next, changed]), cutAt === undefined ? undefined : cutAt - Date.now());
          } finally {
            this.changeWaiters.delete(wake);
          }
          if (outcome === TIMED_OUT) throw this.unreachable(link.caller);
          if (outcome !== CHANGED) result = outcome;
        }
        if (result.done) return;
        await this.gate(tablet, link);
        if (signal.aborted) return;
        yield result.value;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      inner.abort();
      void it.return?.(undefined)?.catch(() => undefined);
    }
  }

  /** True when no stall or partition is in force (calls go straight through). */
  private get idle(): boolean {
    return this.stalls.size === 0 && this.partitions.size === 0;
  }

  private timeoutOf(caller: FaultCaller): number {
    return caller === 'vtctld' ? this.timeouts.remoteOperationTimeoutMs : this.timeouts.keepaliveMs;
  }

  /** The error a caller sees when a partitioned tablet never answers. */
  private unreachable(caller: FaultCaller): Error {
    // What Vitess's tmclient returns when its RPC context expires; vtctld wraps it with its context.
    if (caller === 'vtctld') return new VtError(Code.DEADLINE_EXCEEDED, 'rpc error: code = DeadlineExceeded desc = context deadline exceeded');
    return new SqlError(ER.UNKNOWN_ERROR[0], ER.UNKNOWN_ERROR[1], 'keepalive ping failed to receive ACK within timeout', Code.UNAVAILABLE);
  }

  // --- bookkeeping ---

  private hold(map: Map<string, Hold>, key: string, fault: ActiveFault, ms: number | undefined): void {
    let heal!: () => void;
    const healed = new Promise<void>((resolve) => (heal = resolve));
    const hold: Hold = {
      fault,
      startedAt: Date.now(),
      healed,
      heal: () => {
        if (map.get(key) !== hold) return;
        clearTimeout(hold.timer);
        map.delete(key);
        heal();
        this.notify();
      },
    };
    if (ms !== undefined) {
      fault.until = fault.since + ms;
      hold.timer = setTimeout(() => {
        if (map.get(key) !== hold) return;
        this.log(`fault healed ${fault.verb}${flagText(fault.args)}`);
        hold.heal();
      }, ms);
      hold.timer.unref();
    }
    map.set(key, hold);
    this.notify();
  }

  private notify(): void {
    for (const wake of [...this.changeWaiters]) wake();
  }

  private record(verb: string, args: Record<string, string | number>, outcome = ''): string {
    const line = `fault ${verb}${flagText(args)}${outcome ? ` ${outcome}` : ''}`;
    this.history.push({ at: this.host.clock.now(), verb, args, line });
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

const TIMED_OUT = Symbol('timed out');
const CHANGED = Symbol('changed');

/** `p`'s value, or TIMED_OUT after `ms` (never with `ms` undefined). */
async function raceTimeout<T>(p: Promise<T>, ms: number | undefined): Promise<T | typeof TIMED_OUT> {
  if (ms === undefined) return p;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms))))]);
  } finally {
    clearTimeout(timer);
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
