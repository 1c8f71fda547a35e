/**
 * FaultNetwork: the links between a cluster's callers (vtgate, vtctld, VTOrc, VReplication) and its
 * tablets, and the faults on them: a stalled shard's tablets answer nothing and send nothing until
 * the stall ends; a partitioned tablet is unreachable from vtgate, vtctld and VTOrc, whose calls fail as
 * over a dead network once Vitess's timeouts expire. Callers get each tablet through
 * {@link FaultNetwork.reach}, the way Vitess's vtgate and vtctld get a tablet's connection from a
 * dialer; without faults in force, calls go straight through.
 */
import { Code, ER, SqlError, VtError, tabletAliasString } from '@vtsim/proto';
import type { QueryService, Tablet, TabletManagerClient } from '@vtsim/vttablet';

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

/**
 * Who reaches a tablet through {@link FaultNetwork.reach}: partitions cut vtgate, vtctld and VTOrc
 * off (VTOrc's tablet-manager calls time out as vtctld's do), not other tablets.
 */
export type FaultCaller = 'vtgate' | 'vtctld' | 'vtorc' | 'vreplication';

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
  execute: 'call', begin: 'call', commit: 'call', rollback: 'call', streamHealth: 'stream', vstream: 'stream', vstreamRows: 'stream',
  reserveExecute: 'call', reserveBeginExecute: 'call', release: 'call',
  tablet: 'call', changeType: 'call', setReadOnly: 'call', setReadWrite: 'call', primaryPosition: 'call',
  waitForPosition: 'call', setReplicationSource: 'call', stopReplication: 'call', startReplication: 'call',
  getReplicationStatus: 'call', fullStatus: 'call', executeFetchAsDba: 'call', refreshState: 'call',
  promoteReplica: 'call', demotePrimary: 'call', vreplicationExec: 'call', vreplicationWaitForPos: 'call',
};

/** See the module comment. Faults are added by the fault injector's verbs (fault-injector.ts). */
export class FaultNetwork {
  /** The timeouts callers apply to unreachable tablets. */
  readonly timeouts: FaultTimeouts;
  private readonly stalls = new Map<string, Hold>();
  private readonly partitions = new Map<string, Hold>();
  private readonly views = new WeakMap<Tablet, Map<string, Tablet>>();
  /** Called at the next change of stalls or partitions (streams waiting on a tablet re-check then). */
  private readonly changeWaiters = new Set<() => void>();

  /** `onSelfHeal` runs when a fault with a duration heals itself. */
  constructor(
    timeouts: Partial<FaultTimeouts>,
    private readonly onSelfHeal: (fault: ActiveFault) => void,
  ) {
    this.timeouts = { ...DEFAULT_FAULT_TIMEOUTS, ...timeouts };
  }

  /** Stalls the shard `shardKey` (`keyspace/shard`; replacing a stall in force there) for `ms` ms. */
  stall(shardKey: string, fault: ActiveFault, ms: number): void {
    this.stalls.get(shardKey)?.heal();
    this.hold(this.stalls, shardKey, fault, ms);
  }

  /** Partitions the tablet with alias string `aliasKey` (replacing a partition in force) until healed, or for `ms` ms. */
  partition(aliasKey: string, fault: ActiveFault, ms: number | undefined): void {
    this.partitions.get(aliasKey)?.heal();
    this.hold(this.partitions, aliasKey, fault, ms);
  }

  /** Heals every stall and partition; calls waiting on them go through. */
  healAll(): void {
    for (const h of [...this.stalls.values(), ...this.partitions.values()]) h.heal();
  }

  /** The stalls and partitions in force. */
  faults(): ActiveFault[] {
    return [...this.stalls.values(), ...this.partitions.values()].map((h) => h.fault);
  }

  /**
   * The tablet as `caller` reaches it: the same object's methods, each call first waiting out a
   * stall of its shard and (for vtgate, vtctld and VTOrc) a partition of the tablet, failing as Vitess's
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
    return caller === 'vtctld' || caller === 'vtorc' ? this.timeouts.remoteOperationTimeoutMs : this.timeouts.keepaliveMs;
  }

  /** The error a caller sees when a partitioned tablet never answers. */
  private unreachable(caller: FaultCaller): Error {
    // What Vitess's tmclient returns when its RPC context expires; vtctld wraps it with its context.
    if (caller === 'vtctld' || caller === 'vtorc') return new VtError(Code.DEADLINE_EXCEEDED, 'rpc error: code = DeadlineExceeded desc = context deadline exceeded');
    return new SqlError(ER.UNKNOWN_ERROR[0], ER.UNKNOWN_ERROR[1], 'keepalive ping failed to receive ACK within timeout', Code.UNAVAILABLE);
  }

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
        hold.heal();
        this.onSelfHeal(fault);
      }, ms);
      hold.timer.unref();
    }
    map.set(key, hold);
    this.notify();
  }

  private notify(): void {
    for (const wake of [...this.changeWaiters]) wake();
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

