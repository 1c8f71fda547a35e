/**
 * One simulated mysqld's binary log: the ordered list of committed transactions with their GTIDs,
 * the executed GTID set, and the readers (replicas, vstreamers) that catch up and follow it live.
 */
import { ER, sqlError, type SqlError } from '@vtsim/proto';
import type { BinlogEvent, BinlogTransaction, RowChange } from './binlog-event.js';
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
  /** How much of the log is kept; default {@link DEFAULT_BINLOG_RETENTION}. */
  retention?: BinlogRetention;
}

/**
 * How much of its binlog a server keeps, like MySQL's `binlog_expire_logs_seconds` counted in
 * transactions and bytes instead of seconds: after each append the oldest transactions are purged
 * while the log holds more than `maxTransactions` or more than `maxBytes` (a transaction's size is
 * estimated from its row images and statements, see {@link estimateTransactionBytes}). A limit left
 * out does not apply; the newest transaction is always kept. A reader that falls behind the window
 * gets error 1236 (see {@link Binlog.follow}).
 */
export interface BinlogRetention {
  maxTransactions?: number;
  maxBytes?: number;
}

/**
 * The retention of a server given none: the last 20,000 transactions, and at most 64 MB of them
 * by estimate. A small transaction held in a binlog costs 700 to 1,000 bytes of heap (measured:
 * the estimate counts less), so the count bounds a tablet's log near 20 MB; `vtsim up`'s nine
 * tablets then hold under 200 MB of binlog. The window matters for more than its size: the heap
 * churns through it (every commit allocates, every purge frees the oldest), and V8 keeps the
 * fragmented old space it leaves; with 50,000 transactions a two-shard keyspace's process grew
 * from 330 MB RSS after 100,000 writes to 560 MB after 200,000 and stayed there, 1.7 times, while
 * with 20,000 it holds its size from the first 100,000 on (test/bench/memory-soak.mjs). A replica
 * or VStream may still be 20,000 transactions behind and resume. The size cap bounds logs of bulk
 * transactions (thousands of rows each), which the count alone would let grow a thousand times larger.
 */
export const DEFAULT_BINLOG_RETENTION: BinlogRetention = { maxTransactions: 20_000, maxBytes: 64 * 1024 * 1024 };

/** Overrides for one appended transaction. */
export interface AppendOptions {
  /** The transaction's original GTID (a replica applying its source's log); default: this server's next. */
  gtid?: Gtid;
  /** Commit time in seconds since the epoch; default: the clock's time, rounded down. */
  timestamp?: number;
}

/** Every this many transactions the executed set is remembered, so readers find their start quickly. */
const CHECKPOINT_INTERVAL = 256;

/** Purged slots at the front of the log array are dropped once there are this many (and half of it). */
const COMPACT_THRESHOLD = 1024;

/** Estimated bytes of one stored value: its payload plus a fixed slot cost. */
function valueBytes(v: unknown): number {
  if (typeof v === 'string') return 16 + v.length;
  if (v instanceof Uint8Array) return 16 + v.byteLength;
  return 8;
}

/**
 * An estimate of the bytes a transaction holds: its row images and statements plus a fixed cost
 * per transaction, event and row. Table maps are shared between transactions and not counted.
 */
export function estimateTransactionBytes(events: readonly BinlogEvent[]): number {
  let bytes = 64;
  for (const e of events) {
    bytes += 48;
    if (e.kind !== 'rows') {
      bytes += e.statement.length;
      continue;
    }
    bytes += changesBytes(e.changes);
  }
  return bytes;
}

/**
 * The row images' share of the estimate, remembered per changes array of at least
 * {@link CACHED_CHANGES} changes: a replica that adopts its source's transaction logs the source's
 * changes arrays again (under its own table maps), and counts them for free. Smaller arrays are
 * counted again: that costs less than a weak map's entry (which also costs the GC).
 */
const changesBytesCache = new WeakMap<readonly RowChange[], number>();

/** Changes arrays from this length on have their estimate remembered. */
const CACHED_CHANGES = 32;

function changesBytes(changes: readonly RowChange[]): number {
  const cached = changes.length >= CACHED_CHANGES;
  let bytes = cached ? changesBytesCache.get(changes) : undefined;
  if (bytes !== undefined) return bytes;
  bytes = 0;
  for (const change of changes) {
    bytes += 32;
    if (change.before) for (const v of change.before) bytes += valueBytes(v);
    if (change.after) for (const v of change.after) bytes += valueBytes(v);
  }
  if (cached) changesBytesCache.set(changes, bytes);
  return bytes;
}

/**
 * MySQL's error for a reader whose position lacks purged transactions: errno 1236
 * (ER_MASTER_FATAL_ERROR_READING_BINLOG) carrying MySQL 8's ER_SOURCE_HAS_PURGED_REQUIRED_GTIDS text.
 */
export function purgedGtidsError(requested: GtidSet, missing: GtidSet): SqlError {
  return sqlError(
    ER.MASTER_FATAL_ERROR_READING_BINLOG,
    'Cannot replicate because the source purged required binary logs. Replicate the missing transactions ' +
      'from elsewhere, or provision a new replica from backup. Consider increasing the source\'s binary log ' +
      `expiration period. The GTID set sent by the replica is '${requested.toString()}', and the missing ` +
      `transactions are '${missing.toString()}'.`,
  );
}

/**
 * A server's binlog. Appends are synchronous and O(1) amortized; the oldest transactions are
 * purged as its {@link BinlogRetention} says, and their GTIDs move to the purged set. Readers hold
 * only an index into the log, so slow readers cost no memory beyond the log itself.
 */
export class Binlog {
  /** This server's UUID, lowercase. */
  readonly serverUuid: string;
  private readonly clock: Clock;
  private readonly retention: BinlogRetention;
  /** `log[i - offset]` is the transaction with absolute index i; slots before `start` are purged. */
  private log: (BinlogTransaction | undefined)[] = [];
  /** Estimated bytes of each transaction, parallel to `log`. */
  private sizes: number[] = [];
  private offset = 0;
  /** Absolute index of the oldest transaction kept. */
  private start = 0;
  private keptBytes = 0;
  private executedSet: GtidSet = GtidSet.empty;
  private purgedSet: GtidSet = GtidSet.empty;
  /** `checkpoints[c - checkpointBase]` is the executed set after the first `c * CHECKPOINT_INTERVAL` transactions. */
  private checkpoints: GtidSet[] = [GtidSet.empty];
  private checkpointBase = 0;
  /** Followers waiting for the next append; each is called once, then dropped. */
  private readonly waiters = new Set<() => void>();

  /** Creates an empty binlog. Throws GtidParseError if `serverUuid` is not a UUID. */
  constructor(options: BinlogOptions) {
    this.serverUuid = parseSid(options.serverUuid);
    this.clock = options.clock;
    this.retention = options.retention ?? DEFAULT_BINLOG_RETENTION;
  }

  /**
   * Commits one transaction, purges what the retention no longer keeps, and wakes every follower.
   * Without `opts.gtid` the GTID is this server's UUID with the number after the highest one it
   * has executed. Throws Error if `opts.gtid` is already in the executed set, RangeError if it is
   * malformed; nothing is appended then. `events` is stored as given and must not be mutated afterwards.
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
    const bytes = estimateTransactionBytes(events);
    this.log.push(tx);
    this.sizes.push(bytes);
    this.keptBytes += bytes;
    this.executedSet = executed;
    if (this.end % CHECKPOINT_INTERVAL === 0) this.checkpoints.push(executed);
    const { maxTransactions, maxBytes } = this.retention;
    while (
      this.end - this.start > 1 &&
      ((maxTransactions !== undefined && this.end - this.start > maxTransactions) || (maxBytes !== undefined && this.keptBytes > maxBytes))
    ) {
      this.purgeOldest();
    }
    this.compact();
    if (this.waiters.size > 0) {
      for (const wake of this.waiters) wake();
      this.waiters.clear();
    }
    return tx;
  }

  /**
   * Purges the oldest transactions until at most `keep` remain (PURGE BINARY LOGS); the purged
   * set grows by their GTIDs, the executed set is unchanged. Throws RangeError if `keep` is not a
   * non-negative integer.
   */
  purge(keep: number): void {
    if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`cannot keep ${keep} transactions`);
    while (this.end - this.start > keep) this.purgeOldest();
    this.compact();
  }

  /**
   * Sets the GTIDs of a server started on a kept datadir whose binlog files are gone, as
   * `SET GLOBAL gtid_purged` on a server with an empty `gtid_executed` does: both the executed and
   * the purged set become `set`, so readers positioned inside it get error 1236 and new
   * transactions continue its sequence. Throws Error unless nothing was ever appended or set.
   */
  setGtidPurged(set: GtidSet): void {
    if (this.end !== 0 || !this.executedSet.isEmpty()) {
      throw new Error(`binlog of ${this.serverUuid} already has GTIDs: gtid_purged can only be set on an empty one`);
    }
    this.executedSet = set;
    this.purgedSet = set;
    this.checkpoints = [set];
  }

  /** The set of GTIDs of every transaction the server has committed (MySQL's `gtid_executed`). */
  executed(): GtidSet {
    return this.executedSet;
  }

  /** The GTIDs of the transactions no longer in the log (MySQL's `gtid_purged`), a subset of executed(). */
  purged(): GtidSet {
    return this.purgedSet;
  }

  /** The executed set as a MySQL56 position. */
  position(): Position {
    return positionFromGtidSet(this.executedSet);
  }

  /** Number of transactions kept in the log. */
  get length(): number {
    return this.end - this.start;
  }

  /** Number of transactions ever appended, kept or purged: grows with every commit. */
  get appended(): number {
    return this.end;
  }

  /** Estimated bytes of the transactions kept in the log (see {@link estimateTransactionBytes}). */
  get bytes(): number {
    return this.keptBytes;
  }

  /** The `i`-th transaction kept, oldest first (0-based). Throws RangeError when out of range. */
  transactionAt(i: number): BinlogTransaction {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new RangeError(`binlog has ${this.length} transactions, no index ${i}`);
    }
    return this.log[this.start + i - this.offset]!;
  }

  /**
   * The transactions whose GTID is not in `pos`, in log order, as the log is at this call
   * (transactions appended later are not included). Finding where to start costs a binary search
   * when `pos` covers a prefix of the log; any other `pos` is handled correctly, scanning more.
   * Throws SqlError 1236 ({@link purgedGtidsError}) at once when `pos` lacks purged GTIDs, and
   * from the iteration if transactions it has not reached yet are purged meanwhile.
   */
  readFrom(pos: GtidSet): Iterable<BinlogTransaction> {
    return this.scan(pos, this.startIndex(pos), this.end);
  }

  /**
   * Like readFrom, then yields each transaction appended later as it is appended (skipping any
   * whose GTID is in `pos`), forever. Returns normally once `signal` aborts, at the latest when the
   * consumer next asks for a transaction; waiting costs nothing until the next append. Breaking out
   * of the loop releases everything; any number of followers may run at once. Throws SqlError 1236
   * when `pos` lacks purged GTIDs, or when the follower falls so far behind that transactions it
   * has not read are purged. MySQL instead keeps a binlog file while a dump thread reads it; here
   * a stalled reader must not hold memory, so it is cut off at the window's edge.
   */
  async *follow(pos: GtidSet, signal: AbortSignal): AsyncGenerator<BinlogTransaction, void, undefined> {
    if (signal.aborted) return;
    let i = this.startIndex(pos);
    let wake: (() => void) | undefined;
    const onAbort = (): void => {
      if (wake === undefined) return;
      this.waiters.delete(wake);
      wake();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        while (i < this.end) {
          if (i < this.start) throw this.fellBehind(pos);
          const tx = this.log[i++ - this.offset]!;
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

  /** Absolute index one past the newest transaction. */
  private get end(): number {
    return this.offset + this.log.length;
  }

  private *scan(pos: GtidSet, start: number, end: number): Generator<BinlogTransaction, void, undefined> {
    for (let i = start; i < end; i++) {
      if (i < this.start) throw this.fellBehind(pos);
      const tx = this.log[i - this.offset]!;
      if (!pos.containsGtid(tx.gtid)) yield tx;
    }
  }

  /** The 1236 error for a reader that started at `pos` and whose next transaction was purged. */
  private fellBehind(pos: GtidSet): SqlError {
    return purgedGtidsError(pos, this.purgedSet.subtract(pos));
  }

  /** Moves the oldest kept transaction to the purged set. */
  private purgeOldest(): void {
    const k = this.start - this.offset;
    this.purgedSet = this.purgedSet.add(this.log[k]!.gtid);
    this.log[k] = undefined;
    this.keptBytes -= this.sizes[k]!;
    this.start++;
  }

  /** Drops purged slots and checkpoints before the oldest kept transaction once there are many. */
  private compact(): void {
    const dead = this.start - this.offset;
    if (dead < COMPACT_THRESHOLD || dead < this.log.length / 2) return;
    this.log = this.log.slice(dead);
    this.sizes = this.sizes.slice(dead);
    this.offset = this.start;
    const stale = Math.floor(this.start / CHECKPOINT_INTERVAL) - this.checkpointBase;
    if (stale > 0) {
      this.checkpoints = this.checkpoints.slice(stale);
      this.checkpointBase += stale;
    }
  }

  /**
   * An index such that every transaction before it has its GTID in `pos`. Throws SqlError 1236
   * when `pos` lacks purged GTIDs.
   */
  private startIndex(pos: GtidSet): number {
    if (!pos.contains(this.purgedSet)) throw this.fellBehind(pos);
    if (pos.contains(this.executedSet)) return this.end;
    let lo = 0;
    let hi = this.checkpoints.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (pos.contains(this.checkpoints[mid]!)) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(this.start, (this.checkpointBase + lo) * CHECKPOINT_INTERVAL);
  }
}
