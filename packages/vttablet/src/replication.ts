/**
 * Replication: a replica mysqld's replication channel, as MySQL's GTID auto-position replication
 * runs it with two threads. The IO thread connects to the source named in CHANGE REPLICATION
 * SOURCE (a tablet alias, resolved through the network on every connect), asks for everything the
 * replica has neither executed nor already received, and queues what it receives (the relay log),
 * acknowledging it to a semi-sync source when the replica has `rpl_semi_sync_replica_enabled`.
 * When the source cannot be reached or goes away, or falls silent for the replica's
 * `replica_net_timeout` (an idle source sends heartbeats every SOURCE_HEARTBEAT_PERIOD, half of it),
 * the IO thread reports MySQL's error (2003 / 2013) and state Connecting, and retries every
 * `connectRetryMs`. The SQL thread applies the queue in
 * order, each transaction no earlier than its commit time plus SOURCE_DELAY; applied transactions
 * keep their GTID and land in the replica's own binlog too (log_replica_updates).
 */
import type { BinlogTransaction, Clock, GtidSet } from '@vtsim/binlog';
import type { TabletAlias } from '@vtsim/proto';
import { ER, SqlError } from '@vtsim/proto';
import type { MysqlNetwork } from './mysql-network.js';
import { connHostError } from './mysqld/client-errors.js';
import type { Mysqld } from './mysqld/mysqld.js';
import { DEFAULT_REPLICA_NET_TIMEOUT_MS, type SourceConnection } from './replication-source.js';

/**
 * vttablet's `--replication_connect_retry` default (10s), which it passes to CHANGE REPLICATION
 * SOURCE as SOURCE_CONNECT_RETRY; VTOrc does not change it.
 */
export const DEFAULT_REPLICATION_CONNECT_RETRY_MS = 10_000;

/**
 * The replica's `replica_net_timeout` (`SET GLOBAL replica_net_timeout`, seconds) in ms, read at
 * each connect as MySQL's IO thread does; the source's heartbeat period defaults to half of it.
 */
export function replicaNetTimeoutMs(replica: Mysqld): number {
  const seconds = Number(replica.globalVariables.get('replica_net_timeout') ?? DEFAULT_REPLICA_NET_TIMEOUT_MS / 1000);
  return seconds * 1000;
}

/** The IO thread's state, as SHOW REPLICA STATUS's Replica_IO_Running says it. */
export type ReplicationIoState = 'Running' | 'Connecting' | 'Stopped';

/** The state of one replication channel (the SHOW REPLICA STATUS fields vtsim keeps). */
export interface ReplicationStatus {
  /** True while both threads run and the IO thread is connected. */
  running: boolean;
  ioState: ReplicationIoState;
  sqlRunning: boolean;
  /** Last_IO_Errno / Last_IO_Error: 2003 while the source is unreachable, 2013 when it went away, 1236 when it lacks what the replica needs. */
  lastIoErrno: number;
  lastIoError: string;
  /** Last_SQL_Error: why the SQL thread stopped (a transaction that does not apply). */
  lastSqlError: string;
  /** The IO error while not connected, else the SQL error ('' when healthy). */
  lastError: string;
  /** The error that stopped a thread for good (an apply error, or 1236 from the source); '' if none. */
  stopError: string;
  /** Seconds between the source's newest commit and the newest commit applied here. */
  lagSeconds: number;
  /** SQL_Delay, in milliseconds. */
  delayMs: number;
  /**
   * Source_UUID: the server_uuid of the source last connected to ('' before the first connection),
   * kept after the source goes away, as SHOW REPLICA STATUS keeps it.
   */
  sourceUuid: string;
}

/** What a channel is configured with (CHANGE REPLICATION SOURCE TO …). */
export interface ReplicationOptions {
  /** The source tablet, resolved through `network` on every connect. */
  source: TabletAlias;
  /** SOURCE_HOST and SOURCE_PORT, for error texts. */
  sourceHost: string;
  sourcePort: number;
  network: MysqlNetwork;
  replica: Mysqld;
  clock: Clock;
  /** SOURCE_CONNECT_RETRY in ms (default {@link DEFAULT_REPLICATION_CONNECT_RETRY_MS}). */
  connectRetryMs?: number;
  /** SOURCE_DELAY in ms (0 = off). */
  delayMs?: number;
  /** Runs whenever the channel's status changes (connect, disconnect, error, stop); see {@link Replication.onChange}. */
  onChange?: () => void;
  /**
   * The relay log a stopped channel from the same source left unapplied ({@link Replication.relayLog}):
   * START REPLICA continues it. CHANGE REPLICATION SOURCE to another source starts without it.
   */
  relayLog?: readonly RelayedTransaction[];
}

/** One relay log entry: a transaction the IO thread received. */
export interface RelayedTransaction {
  tx: BinlogTransaction;
  /** When the IO thread received it (ms): the commit time's upper bound. */
  receivedAt: number;
}

/** One replication channel from a source mysqld into a replica mysqld; see the module comment. */
export class Replication {
  private readonly abort = new AbortController();
  private readonly io: Promise<void>;
  private readonly sql: Promise<void>;
  private stopped = false;
  private ioState: ReplicationIoState = 'Connecting';
  private sqlRunning = true;
  private lastIoErrno = 0;
  private lastIoError = '';
  private lastSqlError = '';
  private appliedTimestamp = 0;
  /** Failed attempts since the last successful connect (the loss of a connection counts as one). */
  private connectRetries = 0;
  private wasConnected = false;
  /** The IO thread stopped on an error it does not retry (1236). */
  private ioFatal = false;
  private delayMs: number;
  private readonly connectRetryMs: number;
  /** The relay log: received, not yet applied; `relay[relayHead]` is next. */
  private relay: RelayedTransaction[] = [];
  private relayHead = 0;
  /** The current connection to the source. */
  private connected: SourceConnection | undefined;
  /** Source_UUID (see ReplicationStatus.sourceUuid). */
  private sourceUuid = '';
  /** Wakes the SQL thread (new relay entry, delay change, stop). */
  private wakeSql: (() => void) | undefined;
  /** Wakes the IO thread's retry sleep (stop). */
  private wakeIo: (() => void) | undefined;
  /**
   * Runs whenever the channel's status changes; the vttablet in front of the replica sets it (a
   * channel outlives the vttablet that configured it, and the next one takes it over).
   */
  onChange: (() => void) | undefined;

  /** Starts both threads at once (START REPLICA). */
  constructor(private readonly opts: ReplicationOptions) {
    this.delayMs = opts.delayMs ?? 0;
    this.connectRetryMs = opts.connectRetryMs ?? DEFAULT_REPLICATION_CONNECT_RETRY_MS;
    this.onChange = opts.onChange;
    if (opts.relayLog) this.relay = [...opts.relayLog];
    this.io = this.runIo();
    this.sql = this.runSql();
  }

  /** The source tablet this channel is configured with. */
  get source(): TabletAlias {
    return this.opts.source;
  }

  /** True once stop() was called (or the replica mysqld stopped it). */
  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Stops both threads (STOP REPLICA); resolves once they have returned. The SQL thread first
   * applies every received transaction that is due (all of them without SOURCE_DELAY), so a stopped
   * replica has executed what it acknowledged, as Vitess's reparents wait for relay logs to apply;
   * delayed ones stay in {@link relayLog}. Idempotent.
   */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.abort.abort();
      this.wakeSql?.();
      this.wakeIo?.();
      if (this.sqlRunning) this.applyDue();
    }
    await Promise.all([this.io, this.sql]);
  }

  /**
   * Acknowledges to a semi-sync source everything received so far, as a semi-sync replica's IO
   * thread reports its position when it (re)connects: called at connect and when the replica side
   * is enabled on a running channel (vttablet restarts replication then).
   */
  acknowledgeReceived(): void {
    const source = this.connected;
    if (!source || !this.opts.replica.semiSyncReplicaEnabled) return;
    const sid = source.serverUuid;
    const gno = this.requestedSet().lastGno(sid);
    if (gno > 0) source.ack({ sid, gno });
  }

  /** The received transactions not applied yet, oldest first (for the next channel from the same source). */
  relayLog(): readonly RelayedTransaction[] {
    return this.relay.slice(this.relayHead);
  }

  /** Sets SOURCE_DELAY (ms, 0 = off); applies to transactions not applied yet. */
  setDelay(ms: number): void {
    this.delayMs = ms;
    this.wakeSql?.();
  }

  /** The channel's current state. */
  status(): ReplicationStatus {
    const running = !this.stopped && this.ioState === 'Running' && this.sqlRunning;
    const replica = this.opts.replica.gtidExecuted();
    const sourceSet = this.connected?.gtidExecuted();
    let lagSeconds = 0;
    if (this.appliedTimestamp > 0) {
      const behind = this.relayHead < this.relay.length || (sourceSet !== undefined && !replica.contains(sourceSet));
      // Not connected, the lag grows from the last applied commit, as vttablet's replication
      // poller reports it (MySQL's Seconds_Behind_Source is NULL then).
      if (behind || !this.connected) lagSeconds = Math.max(0, Math.floor(this.opts.clock.now() / 1000) - this.appliedTimestamp);
    }
    const ioDown = this.ioState !== 'Running';
    return {
      running,
      ioState: this.stopped ? 'Stopped' : this.ioState,
      sqlRunning: !this.stopped && this.sqlRunning,
      lastIoErrno: this.lastIoErrno,
      lastIoError: this.lastIoError,
      lastSqlError: this.lastSqlError,
      lastError: (ioDown && this.lastIoError) || this.lastSqlError,
      stopError: this.lastSqlError || (this.ioFatal ? this.lastIoError : ''),
      lagSeconds,
      delayMs: this.delayMs,
      sourceUuid: this.sourceUuid,
    };
  }

  private changed(): void {
    this.onChange?.();
  }

  private sourceName(): string {
    return `vt_repl@${this.opts.sourceHost}:${this.opts.sourcePort}`;
  }

  /** Records Last_IO_Errno / Last_IO_Error; `retrying` errors carry MySQL's connect-retry preamble. */
  private setIoError(errno: number, message: string, retrying: boolean): void {
    this.lastIoErrno = errno;
    this.lastIoError = retrying
      ? `error ${this.wasConnected ? 'reconnecting' : 'connecting'} to source '${this.sourceName()}' - retry-time: ${Math.round(this.connectRetryMs / 1000)} retries: ${this.connectRetries} message: ${message}`
      : message;
  }

  /** The IO thread: connect, dump, queue; on loss, retry every connectRetryMs. */
  private async runIo(): Promise<void> {
    const { network, replica } = this.opts;
    while (!this.stopped && replica.running) {
      const acks = replica.semiSyncReplicaEnabled;
      let connection: SourceConnection;
      try {
        const source = network.resolve(this.opts.source);
        if (!source) throw connHostError(this.opts.sourceHost, this.opts.sourcePort);
        const pending = source.connect({ semiSyncReplica: acks, signal: this.abort.signal, netTimeoutMs: replicaNetTimeoutMs(replica) });
        connection = pending instanceof Promise ? await pending : pending;
      } catch (err) {
        if (this.stopped || !replica.running) break;
        this.ioState = 'Connecting';
        this.connectRetries++;
        const refused = err instanceof SqlError ? err : connHostError(this.opts.sourceHost, this.opts.sourcePort);
        this.setIoError(refused.errno, refused.message, true);
        this.changed();
        await this.sleepIo(this.connectRetryMs);
        continue;
      }
      if (this.stopped || !replica.running) {
        connection.close();
        break;
      }
      this.connected = connection;
      this.sourceUuid = connection.serverUuid;
      this.wasConnected = true;
      this.ioState = 'Running';
      this.lastIoErrno = 0;
      this.lastIoError = '';
      this.connectRetries = 0;
      this.acknowledgeReceived();
      this.changed();
      try {
        for await (const tx of connection.dump(this.requestedSet(), this.abort.signal)) {
          if (!replica.running) break;
          this.relay.push({ tx, receivedAt: this.opts.clock.now() });
          if (replica.semiSyncReplicaEnabled) connection.ack(tx.gtid);
          this.wakeSql?.();
        }
        if (this.stopped || !replica.running) break;
      } catch (err) {
        if (err instanceof SqlError && err.errno === ER.MASTER_FATAL_ERROR_READING_BINLOG[0]) {
          // The source lacks transactions the replica needs: the IO thread stops for good.
          this.setIoError(err.errno, `Got fatal error ${err.errno} from source when reading data from binary log: '${err.message}'`, false);
          this.ioState = 'Stopped';
          this.ioFatal = true;
          this.changed();
          return;
        }
        const errno = err instanceof SqlError ? err.errno : 2013;
        const message = err instanceof Error ? err.message : String(err);
        this.connectRetries = 1;
        this.setIoError(errno, message, true);
      } finally {
        connection.close();
        this.connected = undefined;
      }
      if (this.stopped || !replica.running) break;
      this.ioState = 'Connecting';
      this.changed();
      await this.sleepIo(this.connectRetryMs);
    }
    this.changed();
  }

  /** What the IO thread asks the source for: all but what is executed or already relayed. */
  private requestedSet(): GtidSet {
    let set = this.opts.replica.gtidExecuted();
    for (let i = this.relayHead; i < this.relay.length; i++) set = set.add(this.relay[i]!.tx.gtid);
    return set;
  }

  private async sleepIo(ms: number): Promise<void> {
    if (this.stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref?.();
      this.wakeIo = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeIo = undefined;
  }

  /** The SQL thread: apply the relay log in order, honouring SOURCE_DELAY. */
  private async runSql(): Promise<void> {
    while (!this.stopped && this.sqlRunning) {
      const wait = this.applyDue();
      if (this.stopped || !this.sqlRunning) return;
      await this.sleepSql(wait);
    }
  }

  /**
   * Applies relay log entries in order while they are due; returns how long until the next one is
   * (undefined when the relay log is empty). Stops the SQL thread on an apply error.
   */
  private applyDue(): number | undefined {
    const replica = this.opts.replica;
    while (this.relayHead < this.relay.length) {
      if (!replica.running) return undefined;
      const next = this.relay[this.relayHead]!;
      if (this.delayMs > 0) {
        // The commit happened at or before receipt, within the second of its timestamp.
        const committedAt = Math.min(next.receivedAt, next.tx.timestamp * 1000 + 999);
        const wait = committedAt + this.delayMs - this.opts.clock.now();
        if (wait > 0) {
          this.compactRelay();
          return wait;
        }
      }
      if (!replica.gtidExecuted().containsGtid(next.tx.gtid)) {
        try {
          replica.applyTransaction(next.tx);
          this.appliedTimestamp = next.tx.timestamp;
        } catch (err) {
          this.lastSqlError = err instanceof Error ? err.message : String(err);
          this.sqlRunning = false;
          this.changed();
          return undefined;
        }
      }
      this.relayHead++;
    }
    this.compactRelay();
    return undefined;
  }

  private async sleepSql(ms: number | undefined): Promise<void> {
    if (this.stopped) return;
    await new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
      timer?.unref?.();
      this.wakeSql = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
    });
    this.wakeSql = undefined;
  }

  private compactRelay(): void {
    if (this.relayHead === this.relay.length) {
      this.relay = [];
      this.relayHead = 0;
    } else if (this.relayHead > 4096 && this.relayHead * 2 > this.relay.length) {
      this.relay = this.relay.slice(this.relayHead);
      this.relayHead = 0;
    }
  }
}
