/**
 * Replication: a replica mysqld applying its source's binlog asynchronously, as MySQL's
 * GTID-based replication does (the replica asks for everything its executed set lacks, then
 * follows live). Each applied transaction keeps its original GTID and lands in the replica's own
 * binlog too, so replicas can be streamed from and promoted.
 */
import type { Clock } from '@vtsim/binlog';
import { ER, SqlError } from '@vtsim/proto';
import type { Mysqld } from './mysqld/mysqld.js';

/** The state of one replication channel, for health reports. */
export interface ReplicationStatus {
  running: boolean;
  /**
   * The error that stopped the channel, if any: like Last_SQL_Error for an apply failure, like
   * Last_IO_Error (`Got fatal error 1236 from source when reading data from binary log: '…'`)
   * when the source no longer has transactions the replica needs.
   */
  lastError: string;
  /** Seconds between the source's newest commit and the newest commit applied here. */
  lagSeconds: number;
}

/** One replication channel from a source mysqld into a replica mysqld. */
export class Replication {
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;
  private lastError = '';
  private appliedTimestamp = 0;
  private stopped = false;

  /** Starts applying at once; `onStop` runs when the channel stops (by stop() or on an apply error). */
  constructor(
    private readonly source: Mysqld,
    private readonly replica: Mysqld,
    private readonly clock: Clock,
    private readonly onStop: () => void = () => {},
  ) {
    this.done = this.run();
  }

  /** Stops applying; resolves once the applier has returned. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.done;
  }

  /** The channel's current state. */
  status(): ReplicationStatus {
    const running = !this.stopped && this.lastError === '';
    const behind = this.source.gtidExecuted().contains(this.replica.gtidExecuted()) &&
      !this.replica.gtidExecuted().contains(this.source.gtidExecuted());
    const lagSeconds = behind && this.appliedTimestamp > 0
      ? Math.max(0, Math.floor(this.clock.now() / 1000) - this.appliedTimestamp)
      : 0;
    return { running, lastError: this.lastError, lagSeconds };
  }

  private async run(): Promise<void> {
    try {
      for await (const tx of this.source.binlog.follow(this.replica.gtidExecuted(), this.abort.signal)) {
        if (this.replica.gtidExecuted().containsGtid(tx.gtid)) continue;
        this.replica.applyTransaction(tx);
        this.appliedTimestamp = tx.timestamp;
      }
    } catch (err) {
      if (err instanceof SqlError && err.errno === ER.MASTER_FATAL_ERROR_READING_BINLOG[0]) {
        this.lastError = `Got fatal error ${err.errno} from source when reading data from binary log: '${err.message}'`;
      } else {
        this.lastError = err instanceof Error ? err.message : String(err);
      }
    }
    this.onStop();
  }
}
