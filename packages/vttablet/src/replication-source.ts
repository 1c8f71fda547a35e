/**
 * ReplicationSource: what a replica's IO thread needs of the server it replicates from, as MySQL's
 * replication protocol gives it to the replica: a connection (refused with CR_CONN_HOST_ERROR 2003
 * when the server cannot be reached), the source's server_uuid, a binlog dump from the replica's
 * GTID set (ending with CR_SERVER_LOST 2013 when the source goes away, or
 * ER_SOURCE_FATAL_ERROR_READING_BINLOG 1236 when it lacks transactions the replica needs), and the
 * semi-sync side channel (a semi-sync replica is counted in `Rpl_semi_sync_source_clients` while
 * connected and acknowledges what it receives).
 *
 * {@link LocalReplicationSource} is the source in the same process (a {@link Mysqld}); the remote
 * one (grpc/remote-replication-source.ts) reaches a tablet process over gRPC.
 */
import type { BinlogTransaction, Gtid, GtidSet } from '@vtsim/binlog';
import type { Mysqld } from './mysqld/mysqld.js';

/** How a replica connects. */
export interface ConnectOptions {
  /** The replica acknowledges what it receives (rpl_semi_sync_replica_enabled). */
  semiSyncReplica: boolean;
  /** Aborts a connect in progress (STOP REPLICA). */
  signal?: AbortSignal;
  /**
   * The replica's `replica_net_timeout` in ms: how long a connect waits for the source's handshake,
   * and a dump for the source's next event or heartbeat, before it counts the source as lost
   * (2013); a source asked over a wire for heartbeats every half of it (SOURCE_HEARTBEAT_PERIOD's
   * default, which vtsim's CHANGE REPLICATION SOURCE does not set). Default
   * {@link DEFAULT_REPLICA_NET_TIMEOUT_MS}.
   */
  netTimeoutMs?: number;
}

/** MySQL's default `replica_net_timeout` (60 s), which Vitess's default.cnf also sets (`slave_net_timeout = 60`). */
export const DEFAULT_REPLICA_NET_TIMEOUT_MS = 60_000;

/** A source server a replica can connect to; see the module comment. */
export interface ReplicationSource {
  /**
   * Connects as a replica's IO thread does; `semiSyncReplica` says whether this replica
   * acknowledges (rpl_semi_sync_replica_enabled), which counts it as a semi-sync client while
   * connected. Fails with SqlError 2003 when the source cannot be reached, or does not answer
   * before `signal` aborts (the channel stops). An in-process source answers synchronously (no
   * event-loop turn between resolving and connecting, as before sources could be remote).
   */
  connect(opts: ConnectOptions): SourceConnection | Promise<SourceConnection>;
}

/** One open connection of a replica to its source. */
export interface SourceConnection {
  /** The source's server_uuid (SHOW REPLICA STATUS's Source_UUID). */
  readonly serverUuid: string;
  /** The source's `@@gtid_executed` as far as this connection knows it (for the replica's lag). */
  gtidExecuted(): GtidSet;
  /**
   * The binlog dump: every transaction the source has that `from` lacks, then live ones as they
   * commit, until `signal` aborts (the generator then returns). Throws SqlError 2013 when the
   * connection is lost and 1236 when the source purged transactions the replica needs. Called at
   * most once per connection.
   */
  dump(from: GtidSet, signal: AbortSignal): AsyncIterable<BinlogTransaction>;
  /** A semi-sync acknowledgement: this replica received every transaction of `gtid.sid` up to `gtid.gno`. */
  ack(gtid: Gtid): void;
  /** Ends the connection (a semi-sync replica stops counting as a client). Idempotent. */
  close(): void;
}

/** The source in this process: a {@link Mysqld}, reached without a wire. */
export class LocalReplicationSource implements ReplicationSource {
  constructor(private readonly mysqld: Mysqld) {}

  connect(opts: ConnectOptions): SourceConnection {
    const mysqld = this.mysqld;
    if (opts.semiSyncReplica) mysqld.semiSync.clientConnected(1);
    let open = true;
    return {
      serverUuid: mysqld.serverUuid,
      gtidExecuted: () => mysqld.gtidExecuted(),
      dump: (from, signal) => mysqld.dumpBinlog(from, signal),
      ack: (gtid) => {
        if (open && mysqld.semiSync.enabled) mysqld.semiSync.ack(gtid);
      },
      close: () => {
        if (open && opts.semiSyncReplica) mysqld.semiSync.clientConnected(-1);
        open = false;
      },
    };
  }
}
