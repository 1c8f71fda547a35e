/**
 * Scenario: a whole vtsim cluster in this process for end-to-end tests, read the way eliben/raft's
 * harness reads — fault verbs (`killTablet`, `startTablet`) and checks (`expectReplicasCaughtUp`,
 * `expectContiguousGtids`, `expectBinlogUnchanged`) over real components, never mocks. vtgate
 * listens on a free port, so scenarios run in parallel with every other test file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { expect } from 'vitest';
import type { BinlogTransaction, GtidSet } from '@vtsim/binlog';
import { Cluster, type ClusterOptions } from '@vtsim/cli';
import { TabletType, VTSIM_ROOT } from '@vtsim/proto';
import type { Tablet } from '@vtsim/vttablet';
import { applySchema, applyVSchema } from '@vtsim/vtctld';

/** One keyspace of a scenario. */
export interface KeyspaceSpec {
  /**
   * Shard name → tablet uids, started in order (uids ending 0/1 are REPLICA, others RDONLY; the
   * first REPLICA becomes primary). Default: shard `0` with the next free hundred, e.g. 100, 101, 102.
   */
  shards?: Record<string, readonly number[]>;
  /** SQL applied to every shard primary with vtctld's ApplySchema before vtgate starts. */
  schema?: string;
  /** The keyspace's VSchema (Vitess JSON), applied with ApplyVSchema. */
  vschema?: string | object;
  /** The keyspace's durability policy (CreateKeyspace --durability-policy, before its tablets start); default `none`. */
  durabilityPolicy?: string;
}

/** What to start. */
export interface ScenarioOptions {
  /** Keyspaces in creation order. */
  keyspaces: Record<string, KeyspaceSpec>;
  /** Seed of the cluster's server UUIDs (default `scenario`). */
  seed?: string;
  /** The cluster's fault options: the timeouts of calls to partitioned tablets, where fault verbs are logged. */
  faults?: Pick<ClusterOptions, 'faultTimeouts' | 'faultLog'>;
}

/** Where a shard's primary binlog stood at one moment (see Scenario.binlogMark). */
export interface BinlogMark {
  readonly keyspace: string;
  readonly shard: string;
  readonly primaryUid: number;
  /** Transactions the primary had appended (Binlog.appended, which purges do not lower). */
  readonly length: number;
  readonly gtids: string;
}

/** A query's rows as the text protocol sends them (`null` for NULL). */
export type TextRows = (string | null)[][];

/** The local example's file `scripts/<name>`, as text. */
export function exampleFile(name: string): string {
  return readFileSync(join(VTSIM_ROOT, 'scripts', name), 'utf8');
}

/** Runs one statement on `conn`, then ends it; the rows as text ([] for statements without rows). */
export async function textRows(conn: mysql.Connection, sql: string): Promise<TextRows> {
  try {
    const [rows] = await conn.query({ sql, rowsAsArray: true, typeCast: false });
    if (!Array.isArray(rows)) return [];
    return (rows as unknown as (Buffer | null)[][]).map((row) => row.map((v) => (v === null ? null : v.toString('utf8'))));
  } finally {
    await conn.end();
  }
}

/**
 * Starts a scenario: the keyspaces' tablets, their schemas and VSchemas, then vtgate on a free
 * port. Everything started is stopped by `close()` (or `await using`), also when starting fails.
 */
export async function startScenario(opts: ScenarioOptions): Promise<Scenario> {
  const cluster = await Cluster.start({ seed: opts.seed ?? 'scenario', mysqlPort: 0, grpcPort: 0, ...opts.faults });
  try {
    let nextBase = 100;
    for (const [keyspace, spec] of Object.entries(opts.keyspaces)) {
      if (spec.durabilityPolicy) await cluster.vtctld.createKeyspace({ name: keyspace, durability_policy: spec.durabilityPolicy });
      const shards = spec.shards ?? { '0': [nextBase, nextBase + 1, nextBase + 2] };
      for (const [shard, uids] of Object.entries(shards)) {
        for (const uid of uids) {
          await cluster.addTablet({ keyspace, shard, uid });
          nextBase = Math.max(nextBase, Math.floor(uid / 100) * 100 + 100);
        }
      }
      if (spec.schema) await applySchema(cluster.topo, (alias) => cluster.tablet(alias.uid), keyspace, spec.schema);
      if (spec.vschema) await applyVSchema(cluster.topo, keyspace, spec.vschema);
    }
    const vtgate = await cluster.startVtgate();
    return new Scenario(cluster, vtgate.mysqlAddress!.port);
  } catch (err) {
    await cluster.close();
    throw err;
  }
}

/** A running scenario; see the module comment. */
export class Scenario {
  private readonly connections = new Set<mysql.Connection>();

  /** Use startScenario. */
  constructor(
    readonly cluster: Cluster,
    /** vtgate's MySQL port on 127.0.0.1. */
    readonly port: number,
  ) {}

  /** vtgate's gRPC address (`vtgateservice.Vitess`), `127.0.0.1:<port>`. */
  get grpcAddress(): string {
    const a = this.cluster.vtgate!.grpcAddress!;
    return `${a.host}:${a.port}`;
  }

  /** Opens a mysql2 connection to vtgate as `root` (closed by close() if the test does not). */
  async connect(database?: string): Promise<mysql.Connection> {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: this.port, user: 'root', database });
    this.connections.add(conn);
    conn.on('end', () => this.connections.delete(conn));
    return conn;
  }

  /** Runs one statement on a fresh connection and returns its rows as text ([] for statements without rows). */
  async mysql(sql: string, database?: string): Promise<TextRows> {
    return textRows(await this.connect(database), sql);
  }

  /** The running tablet `uid`; throws if it is not running. */
  tablet(uid: number): Tablet {
    const tablet = this.cluster.tablet(uid);
    if (!tablet) throw new Error(`tablet ${uid} is not running`);
    return tablet;
  }

  /** The running tablets of a shard, in start order. */
  shardTablets(keyspace: string, shard: string): Tablet[] {
    return [...this.cluster.tabletMap().values()].filter((t) => t.keyspace === keyspace && t.shard === shard);
  }

  /** The running primary of a shard; throws if there is none. */
  primary(keyspace: string, shard: string): Tablet {
    const primary = this.shardTablets(keyspace, shard).find((t) => t.type === TabletType.PRIMARY);
    if (!primary) throw new Error(`shard ${keyspace}/${shard} has no running primary`);
    return primary;
  }

  /**
   * Fault: kills a tablet's vttablet and mysqld, as `kill -9` of both (Cluster.killTablet): open
   * transactions are lost, committed data stays in the stopped mysqld, the topology record stays.
   */
  async killTablet(uid: number): Promise<void> {
    await this.cluster.killTablet(uid);
  }

  /**
   * Starts a tablet (again) in a shard: its mysqld (a new, empty one that catches up from the
   * primary's binlog, or a killed one on its data), then its vttablet.
   */
  async startTablet(keyspace: string, shard: string, uid: number): Promise<Tablet> {
    await this.cluster.startMysqld(uid);
    return this.cluster.addTablet({ keyspace, shard, uid });
  }

  /** Remembers where a shard primary's binlog stands now. */
  binlogMark(keyspace: string, shard: string): BinlogMark {
    const primary = this.primary(keyspace, shard);
    return { keyspace, shard, primaryUid: primary.alias.uid, length: primary.mysqld.binlog.appended, gtids: primary.mysqld.gtidExecutedText() };
  }

  /** The transactions the shard primary committed since `mark`, in binlog order (RangeError if some were purged). */
  transactionsSince(mark: BinlogMark): BinlogTransaction[] {
    const binlog = this.tablet(mark.primaryUid).mysqld.binlog;
    const oldestKept = binlog.appended - binlog.length;
    const out: BinlogTransaction[] = [];
    for (let i = mark.length; i < binlog.appended; i++) out.push(binlog.transactionAt(i - oldestKept));
    return out;
  }

  /** Check: the shard primary committed nothing since `mark` (same binlog length, same GTID set). */
  expectBinlogUnchanged(mark: BinlogMark): void {
    expect(this.transactionsSince(mark).map((tx) => tx.events), `binlog of ${mark.keyspace}/${mark.shard} since the mark`).toEqual([]);
    expect(this.tablet(mark.primaryUid).mysqld.gtidExecutedText()).toBe(mark.gtids);
  }

  /**
   * Check: every running non-primary tablet has applied exactly its shard primary's GTID set,
   * waiting up to `timeoutMs` for replication; fails with the differing sets after that.
   */
  async expectReplicasCaughtUp(timeoutMs = 5000): Promise<void> {
    const pairs = () => [...this.cluster.tabletMap().values()]
      .filter((t) => t.type !== TabletType.PRIMARY)
      .map((t) => ({ alias: t.alias.uid, replica: t.mysqld.gtidExecutedText(), primary: this.primary(t.keyspace, t.shard).mysqld.gtidExecutedText() }));
    const deadline = Date.now() + timeoutMs;
    while (pairs().some((p) => p.replica !== p.primary) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    for (const p of pairs()) expect(p.replica, `GTID set of replica ${p.alias}`).toBe(p.primary);
  }

  /**
   * Check: the shard primary's GTID set is contiguous — one interval per server UUID, starting at
   * 1 — and, when `transactions` is given, holds exactly that many GTIDs. Returns the set.
   */
  expectContiguousGtids(keyspace: string, shard: string, transactions?: number): GtidSet {
    const gtids = this.primary(keyspace, shard).mysqld.gtidExecuted();
    const text = gtids.toString();
    const elements = text === '' ? [] : text.split(',');
    for (const element of elements) expect(element, `GTID set ${text}`).toMatch(/^[0-9a-f-]{36}:1(-\d+)?$/);
    if (transactions !== undefined) {
      const count = elements.reduce((n, e) => n + Number(/:1(?:-(\d+))?$/.exec(e)![1] ?? 1), 0);
      expect(count, `GTIDs in ${text}`).toBe(transactions);
    }
    return gtids;
  }

  /** Closes the test's connections, then stops vtgate and every tablet. Idempotent. */
  async close(): Promise<void> {
    await Promise.all([...this.connections].map((c) => c.end().catch(() => c.destroy())));
    this.connections.clear();
    await this.cluster.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
