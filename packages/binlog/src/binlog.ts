/**
 * One simulated mysqld's binary log: the ordered list of committed transactions with their GTIDs,
 * the executed GTID set, and the readers (replicas, vstreamers) that catch up and follow it live.
 */
import type { BinlogEvent, BinlogTransaction } from './binlog-event.js';
import type { Clock } from './clock.js';
import type { Gtid } from './gtid.js';
import { formatGtid, parseSid } from './gtid.js';
import { GtidSet } from './gtid-set.js';
import type { Position } from './position.js';
import { positionFromGtidSet } from './position.js';

/** How a Binlog is built. */
export interface BinlogOptions {
  /** This server's `server_uuid`: the sid of the GTIDs it assigns (normalized to lowercase). */
  serverUuid: string;
  /** Source of commit timestamps. */
  clock: Clock;
}

/** Overrides for one appended transaction. */
export interface AppendOptions {
  /** The transaction's original GTID (a replica applying its source's log); default: this server's next. */
  gtid?: Gtid;
  /** Commit time in seconds since the epoch; default: the clock's time, rounded down. */
  timestamp?: number;
}

/** Every this many transactions the executed set is remembered, so readers find their start quickly. */
const CHECKPOINT_INTERVAL = 256;

/**
 * A server's binlog. Appends are synchronous and O(1) amortized; transactions are never removed.
 * Readers hold only an index into the log, so slow readers cost no memory beyond the log itself.
 */
export class Binlog {
  /** This server's UUID, lowercase. */
  readonly serverUuid: string;
  private readonly clock: Clock;
  private readonly log: BinlogTransaction[] = [];
  private executedSet: GtidSet = GtidSet.empty;
  /** `checkpoints[c]` is the executed set after the first `c * CHECKPOINT_INTERVAL` transactions. */
  private readonly checkpoints: GtidSet[] = [GtidSet.empty];
  /** Followers waiting for the next append; each is called once, then dropped. */
  private readonly waiters = new Set<() => void>();

  /** Creates an empty binlog. Throws GtidParseError if `serverUuid` is not a UUID. */
  constructor(options: BinlogOptions) {
    this.serverUuid = parseSid(options.serverUuid);
    this.clock = options.clock;
  }

  /**
   * Commits one transaction and wakes every follower. Without `opts.gtid` the GTID is this
   * server's UUID with the number after the highest one it has executed. Throws Error if
   * `opts.gtid` is already in the executed set, RangeError if it is malformed; nothing is
   * appended then. `events` is stored as given and must not be mutated afterwards.
   */
  append(events: readonly BinlogEvent[], opts?: AppendOptions): BinlogTransaction {
    let gtid = opts?.gtid;
    if (gtid === undefined) {
      gtid = { sid: this.serverUuid, gno: this.executedSet.lastGno(this.serverUuid) + 1 };
    } else if (this.executedSet.containsGtid(gtid)) {
      throw new Error(`GTID ${formatGtid(gtid)} is already in the binlog of server ${this.serverUuid}`);
    }
    const executed = this.executedSet.add(gtid);
    const tx: BinlogTransaction = {
      gtid,
      timestamp: opts?.timestamp ?? Math.floor(this.clock.now() / 1000),
      events,
    };
    this.log.push(tx);
    this.executedSet = executed;
    if (this.log.length % CHECKPOINT_INTERVAL === 0) this.checkpoints.push(executed);
    if (this.waiters.size > 0) {
      for (const wake of this.waiters) wake();
      this.waiters.clear();
    }
    return tx;
  }

  /** The set of GTIDs of every transaction in the log (MySQL's `gtid_executed`). */
  executed(): GtidSet {
    return this.executedSet;
  }

  /** The executed set as a MySQL56 position. */
  position(): Position {
    return positionFromGtidSet(this.executedSet);
  }

  /** Number of transactions in the log. */
  get length(): number {
    return this.log.length;
  }

  /** The `i`-th transaction in log order (0-based). Throws RangeError when out of range. */
  transactionAt(i: number): BinlogTransaction {
    const tx = this.log[i];
    if (tx === undefined) throw new RangeError(`binlog has ${this.log.length} transactions, no index ${i}`);
    return tx;
  }

  /**
   * The transactions whose GTID is not in `pos`, in log order, as the log is at this call
   * (transactions appended later are not included). Finding where to start costs a binary search
   * when `pos` covers a prefix of the log; any other `pos` is handled correctly, scanning more.
   */
  readFrom(pos: GtidSet): Iterable<BinlogTransaction> {
    return this.scan(pos, this.startIndex(pos), this.log.length);
  }

  /**
   * Like readFrom, then yields each transaction appended later as it is appended (skipping any
   * whose GTID is in `pos`), forever. Returns normally once `signal` aborts, at the latest when the
   * consumer next asks for a transaction; waiting costs nothing until the next append. Breaking out
   * of the loop releases everything; any number of followers may run at once.
   */
  async *follow(pos: GtidSet, signal: AbortSignal): AsyncGenerator<BinlogTransaction, void, undefined> {
    if (signal.aborted) return;
    let wake: (() => void) | undefined;
    const onAbort = (): void => {
      if (wake === undefined) return;
      this.waiters.delete(wake);
      wake();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      let i = this.startIndex(pos);
      for (;;) {
        while (i < this.log.length) {
          const tx = this.log[i++]!;
          if (pos.containsGtid(tx.gtid)) continue;
          yield tx;
          if (signal.aborted) return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          this.waiters.add(resolve);
        });
        wake = undefined;
        if (signal.aborted) return;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (wake !== undefined) this.waiters.delete(wake);
    }
  }

  private *scan(pos: GtidSet, start: number, end: number): Generator<BinlogTransaction, void, undefined> {
    for (let i = start; i < end; i++) {
      const tx = this.log[i]!;
      if (!pos.containsGtid(tx.gtid)) yield tx;
    }
  }

  /** An index such that every transaction before it has its GTID in `pos`. */
  private startIndex(pos: GtidSet): number {
    if (pos.contains(this.executedSet)) return this.log.length;
    let lo = 0;
    let hi = this.checkpoints.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (pos.contains(this.checkpoints[mid]!)) lo = mid;
      else hi = mid - 1;
    }
    return lo * CHECKPOINT_INTERVAL;
  }
}
