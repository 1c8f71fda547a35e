/**
 * Mysqld: one simulated MySQL 8.0 server: databases and tables in memory, sessions, transactions with
 * repeatable-read snapshots, and a GTID binlog that receives every committed write transaction and DDL.
 * Everything is synchronous; a statement runs start to end without interleaving.
 */
import { sqlError, type SqlValue } from '@vtsim/proto';
import { DEFAULT_SQL_MODE, NamedLocks } from '@vtsim/sql';
import { Binlog, type BinlogRetention, type BinlogTransaction, type Clock, type Gtid, type GtidSet, type Random, type RowsEvent, type TableMap } from '@vtsim/binlog';
import { Catalog, Database, type TableEntry } from './catalog.js';
import { MysqlSession, type SessionOptions } from './mysql-session.js';
import { PlanCache } from './plan.js';
import { SequenceCache } from './sequence-cache.js';
import { takeSnapshot, type MysqldSnapshot } from './snapshot.js';
import { continuesFrom, recordShare, shareOf, type VersionShare } from './shared-versions.js';
import { raiseAutoIncrement, TableData } from './table-data.js';
import type { Row } from './table-schema.js';
import { Transaction, type TxTable } from './transaction.js';
import { serverLostError } from './client-errors.js';
import { SemiSyncSource } from './semi-sync.js';
import type { Replication } from '../replication.js';

export { MysqlSession, type SessionOptions } from './mysql-session.js';
export type { MysqldSnapshot } from './snapshot.js';
export { SemiSyncSource } from './semi-sync.js';
export { connHostError, connectionError, serverLostError } from './client-errors.js';

/** What a server is made of: its identity and its injected time and randomness. */
export interface MysqldOptions {
  serverUuid: string;
  clock: Clock;
  random: Random;
  /** How much of the binlog the server keeps; default the binlog's DEFAULT_BINLOG_RETENTION. */
  binlogRetention?: BinlogRetention;
}

/** One simulated server; see the module comment. */
export class Mysqld {
  /** Every committed write transaction and every DDL, in commit order. */
  readonly binlog: Binlog;
  readonly serverUuid: string;
  readonly clock: Clock;
  readonly random: Random;
  /** When true (replicas), writes from sessions without `bypassReadOnly` fail with SqlError 1290. */
  superReadOnly = false;
  /** @internal The committed schema and data. */
  readonly catalog = new Catalog();
  /** @internal Compiled plans shared by all sessions. */
  readonly plans = new PlanCache();
  /** @internal Tablet-side caches of sequence tables. */
  readonly sequences = new SequenceCache();
  /** User-level named locks (GET_LOCK …), held by connections. */
  readonly namedLocks = new NamedLocks();
  /** GLOBAL variables set with `SET GLOBAL`. */
  readonly globalVariables = new Map<string, SqlValue>();
  /** The semi-sync source plugin (`rpl_semi_sync_source_*`): commits wait for a replica's ack while enabled. */
  readonly semiSync = new SemiSyncSource();
  /** `rpl_semi_sync_replica_enabled`: this server's replication channel acknowledges what it receives. */
  semiSyncReplicaEnabled = false;
  /**
   * The replication channel configured on this server (CHANGE REPLICATION SOURCE), running or
   * stopped; undefined when none is configured (RESET REPLICA ALL). It lives with the server, so
   * a replica keeps replicating while its vttablet is down.
   */
  replicationChannel: Replication | undefined;
  private lastConnectionId = 0;
  private runningFlag = true;
  /** Aborted when the server stops: ends its binlog dumps. */
  private stopController = new AbortController();
  private readonly runningListeners = new Set<(running: boolean) => void>();

  constructor(opts: MysqldOptions) {
    this.serverUuid = opts.serverUuid;
    this.clock = opts.clock;
    this.random = opts.random;
    this.binlog = new Binlog({ serverUuid: opts.serverUuid, clock: opts.clock, retention: opts.binlogRetention });
  }

  /** True while the server runs (a new server starts running); a stopped one keeps its data. */
  get running(): boolean {
    return this.runningFlag;
  }

  /**
   * Stops the server, as `mysqlctl shutdown` or a crash does: its data, GTID state, binlog and
   * server_uuid stay (a datadir), every binlog dump ends with CR_SERVER_LOST (2013), commits
   * waiting for a semi-sync ack fail with it, and statements on its sessions fail with it until it
   * starts again. Listeners run synchronously. A no-op when stopped.
   */
  stop(): void {
    if (!this.runningFlag) return;
    this.runningFlag = false;
    this.stopController.abort();
    void this.replicationChannel?.stop();
    this.semiSync.abort(serverLostError());
    for (const listener of [...this.runningListeners]) listener(false);
  }

  /**
   * Starts a stopped server on its data (`mysqlctl start`) as Vitess's my.cnf configures it:
   * read-only, semi-sync off on both sides, and replication not started (skip_replica_start; the
   * channel's configuration stays for vttablet to start it). A no-op when running.
   */
  start(): void {
    if (this.runningFlag) return;
    this.runningFlag = true;
    this.superReadOnly = true;
    this.stopController = new AbortController();
    this.semiSync.setEnabled(false);
    this.semiSyncReplicaEnabled = false;
    for (const listener of [...this.runningListeners]) listener(true);
  }

  /** Calls `listener` on every stop (false) and start (true); returns the unsubscribe function. */
  onRunningChange(listener: (running: boolean) => void): () => void {
    this.runningListeners.add(listener);
    return () => this.runningListeners.delete(listener);
  }

  /**
   * A binlog dump (what a replica's IO thread or a binlog client reads): the binlog from `pos`,
   * then live, as Binlog.follow. Returns when `signal` aborts; throws CR_SERVER_LOST (2013) when
   * the server stops (at once if it is not running), SqlError 1236 as Binlog.follow does.
   */
  async *dumpBinlog(pos: GtidSet, signal: AbortSignal): AsyncGenerator<BinlogTransaction, void, undefined> {
    if (!this.runningFlag) throw serverLostError();
    const stopped = this.stopController.signal;
    const both = AbortSignal.any([signal, stopped]);
    for await (const tx of this.binlog.follow(pos, both)) {
      if (stopped.aborted) break;
      yield tx;
    }
    if (stopped.aborted && !signal.aborted) throw serverLostError();
  }

  /** `@@global.sql_mode`: the mode new sessions start with (canonical text). */
  globalSqlMode(): string {
    const mode = this.globalVariables.get('sql_mode');
    return typeof mode === 'string' ? mode : DEFAULT_SQL_MODE;
  }

  /** The executed GTID set (`@@gtid_executed`), i.e. `binlog.executed()`. */
  gtidExecuted(): GtidSet {
    return this.binlog.executed();
  }

  /** `@@gtid_executed` as text. */
  gtidExecutedText(): string {
    return this.binlog.executed().toString();
  }

  /** `@@gtid_purged` as text: the GTIDs of the transactions purged from the binlog. */
  gtidPurgedText(): string {
    return this.binlog.purged().toString();
  }

  /** Opens a session (connection). Connection ids count up from 1 unless given. */
  createSession(opts: SessionOptions = {}): MysqlSession {
    const connectionId = opts.connectionId ?? ++this.lastConnectionId;
    return new MysqlSession(this, { ...opts, connectionId });
  }

  /** Names of all databases, sorted. */
  databases(): string[] {
    return [...this.catalog.databases.keys()].sort();
  }

  /**
   * Creates a database if it does not exist (no error if it does). Binlogged as an 'other' event
   * `CREATE DATABASE IF NOT EXISTS \`name\`` unless `logBin` is false or it already existed.
   */
  createDatabase(name: string, opts: { logBin?: boolean } = {}): void {
    if (this.catalog.databases.has(name)) return;
    this.catalog.databases.set(name, new Database(name));
    this.catalog.schemaVersion++;
    if (opts.logBin !== false) {
      this.binlog.append([{ kind: 'other', database: '', statement: `CREATE DATABASE IF NOT EXISTS \`${name}\`` }]);
    }
  }

  /** The current schema of a table as a binlog TableMap (the same object until the table's schema changes). */
  tableMap(database: string, table: string): TableMap | undefined {
    return this.catalog.findTable(database, table)?.schema.tableMap;
  }

  /** Names of a database's tables, sorted; empty for an unknown database. */
  tableNames(database: string): string[] {
    const db = this.catalog.databases.get(database);
    return db ? [...db.tables.keys()].sort() : [];
  }

  /**
   * Applies a transaction from this server's replication source, keeping its GTID and its commit and
   * row-event timestamps (as MySQL's applier runs each event at the source's time), and appends it to
   * this server's binlog (log_replica_updates). Row changes are applied by primary key
   * with full before-image checks; DDL and 'other' statements are executed. Bypasses super_read_only.
   * Throws if the GTID is already executed, or SqlError when the change does not apply (the replica
   * stops, as MySQL's SQL thread does); nothing is applied then.
   */
  applyTransaction(tx: BinlogTransaction): void {
    if (this.binlog.executed().containsGtid(tx.gtid)) {
      throw new Error(`GTID ${tx.gtid.sid}:${tx.gtid.gno} is already executed on ${this.serverUuid}`);
    }
    const stamp = { gtid: tx.gtid, timestamp: tx.timestamp };
    const statements = tx.events.filter((e) => e.kind !== 'rows');
    if (statements.length > 0) {
      for (const ev of statements) {
        const session = this.createSession({ database: ev.database, bypassReadOnly: true, logBin: false });
        session.setSqlMode(ev.sqlMode ?? DEFAULT_SQL_MODE);
        // The source checked its foreign keys; the replica applies what it accepted (its binlog events
        // carry no foreign_key_checks flag here, so a table created with checks off must apply too).
        session.sessionVariables.set('foreign_key_checks', 0n);
        try {
          session.execute(ev.statement);
        } finally {
          session.close();
        }
      }
      this.binlog.append(tx.events, stamp);
      return;
    }
    if (this.adoptTransaction(tx, stamp)) return;
    const local = new Transaction(true);
    // Per table, the share it continues from (null: none): such a table ends at the source's version and takes its token.
    const continuing = new Map<TxTable, VersionShare | null>();
    for (const ev of tx.events) {
      if (ev.kind !== 'rows') continue;
      const entry = this.catalog.table(ev.table.database, ev.table.name);
      const t = local.write(entry);
      const share = shareOf(ev) ?? null;
      const seen = continuing.get(t);
      if (seen === undefined) continuing.set(t, share !== null && continuesFrom(entry, share) ? share : null);
      else if (seen !== share) continuing.set(t, null);
      local.statementTime = ev.timestamp;
      const schema = entry.schema;
      for (const ch of ev.changes) {
        if (ch.before) {
          const key = t.data.keyOfStoredRow(ch.before as Row);
          const current = key && t.data.get(key);
          if (!key || current === undefined) {
            // MySQL's applier: ER_KEY_NOT_FOUND (HA_ERR_KEY_NOT_FOUND).
            throw sqlError([1032, 'HY000'], `Can't find record in '${schema.name}'`);
          }
          if (ch.after) {
            local.update(t, key, current, ch.after as Row);
            raiseAutoIncrement(entry.data.counters, schema.autoIncrementColumn, ch.after);
          } else local.delete(t, key);
        } else if (ch.after) {
          local.insert(t, ch.after as Row, t.data.newRowKey(ch.after as Row));
          raiseAutoIncrement(entry.data.counters, schema.autoIncrementColumn, ch.after);
        }
      }
    }
    for (const [t, share] of continuing) if (share) t.data.content = share.after;
    this.commitTransaction(local, true, stamp);
  }

  /**
   * Applies a transaction of rows events by adopting its source's table versions (see
   * shared-versions.ts) when every table it changed starts here from the version its source started
   * from and that source's result is still at hand; returns false, having changed nothing, otherwise.
   */
  private adoptTransaction(tx: BinlogTransaction, stamp: { gtid: Gtid; timestamp: number }): boolean {
    const adopted = new Map<TableEntry, VersionShare>();
    const entries: TableEntry[] = [];
    for (const ev of tx.events) {
      if (ev.kind !== 'rows') return false;
      const share = shareOf(ev);
      if (share?.data === undefined) return false;
      const entry = this.catalog.findTable(ev.table.database, ev.table.name);
      if (entry === undefined || entry.temporary) return false;
      const seen = adopted.get(entry);
      if (seen === undefined) {
        if (!continuesFrom(entry, share)) return false;
        adopted.set(entry, share);
      } else if (seen !== share) {
        return false;
      }
      entries.push(entry);
    }
    // The replica's own events: the same changes under its own table maps.
    const events = tx.events.map((ev, i): RowsEvent => {
      const rows = ev as RowsEvent;
      return { kind: 'rows', table: entries[i]!.schema.tableMap, changes: rows.changes, timestamp: rows.timestamp };
    });
    for (let i = 0; i < events.length; i++) {
      const schema = entries[i]!.schema;
      if (schema.autoIncrementColumn < 0) continue;
      for (const ch of events[i]!.changes) if (ch.after) raiseAutoIncrement(entries[i]!.data.counters, schema.autoIncrementColumn, ch.after);
    }
    for (const [entry, share] of adopted) {
      const before = entry.data;
      const data = TableData.adopt(share.data!, entry.schema, before.counters);
      entry.data = data;
      recordShare(entry, before, data, events.filter((e) => e.table === entry.schema.tableMap));
    }
    this.binlog.append(events, stamp);
    return true;
  }

  /** An O(1)-per-table consistent snapshot of all committed data and the executed GTID set. */
  snapshot(): MysqldSnapshot {
    return takeSnapshot(this.catalog, this.binlog.executed());
  }

  /**
   * @internal Publishes a transaction and, if it changed rows and `logBin` is set, appends one binlog
   * transaction with its row events. Throws SqlError 1213 on a conflict (nothing published).
   */
  commitTransaction(tx: Transaction, logBin: boolean, stamp?: { gtid: Gtid; timestamp: number }): void {
    const events = tx.commit();
    if (events.length > 0 && logBin) this.binlog.append(events, stamp);
  }
}
