/**
 * HeartbeatWriter: what vttablet's `--heartbeat_enable` runs on a primary (Vitess's repltracker
 * heartbeatWriter): every `--heartbeat_interval` it upserts the shard's row of the sidecar
 * `heartbeat` table with the current time in nanoseconds, as an ordinary binlogged transaction with
 * the primary's GTID. Replicas receive the writes through replication (their lag is measurable
 * from them), and VStreams that ask for `internal_tables: ["heartbeat"]` see them as ROW events.
 */
import type { Clock } from '@vtsim/binlog';
import type { Mysqld, MysqlSession } from './mysqld/mysqld.js';

/** Vitess's default `--heartbeat_interval`. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1000;

/** What a writer needs. */
export interface HeartbeatWriterOptions {
  mysqld: Mysqld;
  sidecarDbName: string;
  keyspace: string;
  shard: string;
  tabletUid: number;
  clock: Clock;
  /** Time between writes in milliseconds (> 0). */
  intervalMs: number;
}

/**
 * Writes heartbeats while open. `open()` starts the ticks (the first write comes one interval
 * later, as Vitess's timer does), `close()` stops them; both are idempotent and may alternate as
 * the tablet gains and loses the primary role. A write that fails (e.g. the server turned
 * read-only) is skipped, as Vitess logs and counts it; the next tick tries again.
 */
export class HeartbeatWriter {
  private timer: ReturnType<typeof setInterval> | undefined;
  private session: MysqlSession | undefined;
  private readonly upsert: string;
  private readonly keyspaceShard: string;
  /** Heartbeats written since the writer was created. */
  writes = 0;
  /** Heartbeat writes that failed since the writer was created. */
  writeErrors = 0;

  constructor(private readonly opts: HeartbeatWriterOptions) {
    if (!(opts.intervalMs > 0)) throw new RangeError(`heartbeat interval must be positive, got ${opts.intervalMs} ms`);
    this.keyspaceShard = `${opts.keyspace}:${opts.shard}`;
    const table = `\`${opts.sidecarDbName.replace(/`/g, '``')}\`.heartbeat`;
    this.upsert = `insert into ${table} (ts, tabletUid, keyspaceShard) values (:ts, :uid, :ks) on duplicate key update ts = values(ts), tabletUid = values(tabletUid)`;
  }

  /** True while heartbeats are being written. */
  get isOpen(): boolean {
    return this.timer !== undefined;
  }

  /** Starts writing a heartbeat every interval. */
  open(): void {
    if (this.timer !== undefined) return;
    this.session = this.opts.mysqld.createSession({ database: this.opts.sidecarDbName });
    this.timer = setInterval(() => this.write(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** Stops writing; no write runs after it returns. */
  close(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.session?.close();
    this.session = undefined;
  }

  /** Writes one heartbeat now (what each tick does); a no-op while closed. */
  write(): void {
    const session = this.session;
    if (session === undefined) return;
    try {
      session.execute(this.upsert, { ts: this.opts.clock.nowNanos(), uid: BigInt(this.opts.tabletUid), ks: this.keyspaceShard });
      this.writes++;
    } catch {
      this.writeErrors++;
    }
  }
}
