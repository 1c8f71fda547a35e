/**
 * SemiSyncSource: the source side of MySQL's semi-synchronous replication plugin
 * (`rpl_semi_sync_source_*`). While enabled, a commit that wrote a binlog transaction returns to
 * its client only once a replica with `rpl_semi_sync_replica_enabled` has received that
 * transaction and acknowledged it. vtsim runs it as Vitess's mysqlctl configures it:
 * `rpl_semi_sync_source_timeout` = 10^18 ms (never falls back to asynchronous) and
 * `rpl_semi_sync_source_wait_no_replica` = ON (waits even with no semi-sync replica connected),
 * so a primary without acking replicas blocks its commits until one connects.
 *
 * The commit itself is applied before the wait (the data is visible on the primary meanwhile, as
 * with AFTER_COMMIT; MySQL 8's default AFTER_SYNC hides it until the ack).
 */
import type { Gtid } from '@vtsim/binlog';
import type { SqlError } from '@vtsim/proto';

interface Waiter {
  gtid: Gtid;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** The source side of semi-sync replication on one mysqld; see the module comment. */
export class SemiSyncSource {
  private enabledFlag = false;
  /** Commits waiting for an ack, in commit (and so GTID number) order. */
  private waiters: Waiter[] = [];
  private waitersHead = 0;
  /** Connected replicas that acknowledge (`Rpl_semi_sync_source_clients`). */
  private clientCount = 0;
  private yesTx = 0;
  private noTx = 0;

  /** `@@rpl_semi_sync_source_enabled`. */
  get enabled(): boolean {
    return this.enabledFlag;
  }

  /**
   * Sets `rpl_semi_sync_source_enabled`. Turning it off releases every waiting commit (they
   * return success, counted as `Rpl_semi_sync_source_no_tx`), as MySQL does.
   */
  setEnabled(on: boolean): void {
    this.enabledFlag = on;
    if (!on) this.settle((w) => w.resolve(), 'no');
  }

  /**
   * Resolves once a semi-sync replica has acknowledged the transaction `gtid` (this server's own,
   * just committed). Resolves at once when semi-sync is off, and when it is turned off meanwhile;
   * rejects with abort()'s error when the server stops before an ack arrives.
   */
  waitForAck(gtid: Gtid): Promise<void> {
    if (!this.enabledFlag) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.waiters.push({ gtid, resolve, reject }));
  }

  /**
   * A replica's acknowledgement that it has received every transaction of server `gtid.sid` up to
   * `gtid.gno` (replicas receive a source's transactions in order): releases those commits.
   */
  ack(gtid: Gtid): void {
    while (this.waitersHead < this.waiters.length) {
      const w = this.waiters[this.waitersHead]!;
      if (w.gtid.sid !== gtid.sid || w.gtid.gno > gtid.gno) break;
      this.waitersHead++;
      this.yesTx++;
      w.resolve();
    }
    this.compact();
  }

  /** `Rpl_semi_sync_source_clients`: semi-sync replicas connected now. */
  get clients(): number {
    return this.clientCount;
  }

  /** A semi-sync replica's dump thread connected (+1) or went away (-1). */
  clientConnected(delta: 1 | -1): void {
    this.clientCount += delta;
  }

  /** Fails every waiting commit with `err` (the server is going away). */
  abort(err: SqlError): void {
    this.settle((w) => w.reject(err), 'none');
  }

  /** The `Rpl_semi_sync_source_*` status variables, as `SHOW STATUS` names them. */
  statusVariables(): [string, string | number][] {
    return [
      ['Rpl_semi_sync_source_clients', this.clientCount],
      ['Rpl_semi_sync_source_no_tx', this.noTx],
      ['Rpl_semi_sync_source_status', this.enabledFlag ? 'ON' : 'OFF'],
      ['Rpl_semi_sync_source_wait_sessions', this.waiters.length - this.waitersHead],
      ['Rpl_semi_sync_source_yes_tx', this.yesTx],
    ];
  }

  private settle(each: (w: Waiter) => void, count: 'no' | 'none'): void {
    const pending = this.waiters.slice(this.waitersHead);
    this.waiters = [];
    this.waitersHead = 0;
    if (count === 'no') this.noTx += pending.length;
    for (const w of pending) each(w);
  }

  private compact(): void {
    if (this.waitersHead === this.waiters.length) {
      this.waiters.length = 0;
      this.waitersHead = 0;
    } else if (this.waitersHead > 1024) {
      this.waiters = this.waiters.slice(this.waitersHead);
      this.waitersHead = 0;
    }
  }
}
