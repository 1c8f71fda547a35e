/**
 * A small in-process cluster for vtgate tests: an in-memory topology, real Tablets (with their
 * simulated mysqld) and a Vtgate, plus helpers to apply VSchemas and run SQL through a session.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ManualClock, SeededRandom } from '@vtsim/binlog';
import { TabletType, decodeRowBytes, parseKeyspaceVSchema, tabletAliasString, type Result, type SqlValue } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { LocalMysqlNetwork, Tablet, type TabletDialer } from '@vtsim/vttablet';
import { Vtgate, type VtgateSession } from '../src/index.js';

/** The local example's files, as shipped in `scripts/`. */
/** The rows of a decoded query.QueryResult as text (NULL as null). */
export function rowsText(result: { [field: string]: any }): (string | null)[][] {
  return (result.rows as Array<{ lengths: string[]; values: Buffer }>).map((r) => decodeRowBytes(r).map((b) => (b === null ? null : b.toString('utf8'))));
}

export function exampleFile(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../scripts/${name}`, import.meta.url)), 'utf8');
}

/** Splits a SQL file into statements (one per `;`, ignoring `\!` client commands and blank lines). */
export function sqlStatements(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('\\!'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Waits until `check` returns true (polling every 5 ms), failing after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A test cluster; close() stops everything. */
export class TestCluster {
  readonly tablets = new Map<string, Tablet>();
  readonly network = new LocalMysqlNetwork();
  readonly clock = new ManualClock(Date.UTC(2024, 0, 1));
  vtgate!: Vtgate;
  readonly dialer: TabletDialer = (alias) => this.tablets.get(tabletAliasString(alias));

  private constructor(readonly topo: TopoServer) {}

  static async create(): Promise<TestCluster> {
    return new TestCluster(await TopoServer.newMemory('zone1'));
  }

  /** Starts the tablets of a shard (uids ending 0/1 are replicas, 2 rdonly; the first replica becomes primary), named `localhost` unless `hostname` names them. */
  async addShard(keyspace: string, shard: string, uids: number[], opts: { refreshVtgate?: boolean; hostname?: (uid: number) => string; heartbeatIntervalMs?: number } = {}): Promise<void> {
    for (const uid of uids) {
      const alias = { cell: 'zone1', uid };
      const tablet = await Tablet.start({
        alias,
        keyspace,
        shard,
        type: uid % 10 >= 2 ? TabletType.RDONLY : TabletType.REPLICA,
        topo: this.topo,
        network: this.network,
        clock: this.clock,
        random: new SeededRandom(`tablet-${uid}`),
        serverUuid: `00000000-0000-0000-0000-${String(uid).padStart(12, '0')}`,
        hostname: opts.hostname?.(uid),
        heartbeatIntervalMs: opts.heartbeatIntervalMs,
      });
      this.tablets.set(tabletAliasString(alias), tablet);
    }
    if (this.vtgate && opts.refreshVtgate !== false) await this.vtgate.refresh();
  }

  /** Saves a keyspace VSchema, rebuilds the SrvVSchema and waits until vtgate routes with it. */
  async applyVSchema(keyspace: string, json: string | object): Promise<void> {
    const vschema = parseKeyspaceVSchema(typeof json === 'string' ? JSON.parse(json) : json);
    await this.topo.saveVSchema(keyspace, vschema);
    await this.topo.rebuildSrvVSchema();
    if (this.vtgate) {
      await waitFor(() => {
        const ks = this.vtgate.executor.currentVSchema.keyspace(keyspace);
        return !!ks && ks.sharded === vschema.sharded && ks.tables.size === Object.keys(vschema.tables).length;
      });
    }
  }

  /** Starts the vtgate, serving the MySQL protocol and gRPC on the given ports if any (0: a free one). */
  async startVtgate(mysqlPort?: number, refreshIntervalMs = 50, grpcPort?: number): Promise<Vtgate> {
    this.vtgate = await Vtgate.start({ topo: this.topo, cell: 'zone1', dialer: this.dialer, clock: this.clock, mysqlPort, grpcPort, refreshIntervalMs });
    return this.vtgate;
  }

  /** A new vtgate session (optionally with a target). */
  async session(target?: string): Promise<VtgateSession> {
    const s = this.vtgate.executor.newSession();
    if (target) await this.vtgate.executor.useTarget(s, target);
    return s;
  }

  exec(session: VtgateSession, sql: string): Promise<Result> {
    return this.vtgate.executor.execute(session, sql);
  }

  /** Runs a query and returns its rows with values as text (NULL as null). */
  async rows(session: VtgateSession, sql: string): Promise<(string | null)[][]> {
    const r = await this.exec(session, sql);
    return r.rows.map((row) => row.map(text));
  }

  async close(): Promise<void> {
    await this.vtgate?.close();
    for (const t of this.tablets.values()) await t.close();
    this.topo.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function text(v: SqlValue): string | null {
  if (v === null) return null;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return String(v);
}
