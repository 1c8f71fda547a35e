/** Shared helpers of the VReplication tests: tablets that reach each other through a dialer, stream rows, waits. */
import { ManualClock, SeededRandom, randomUuid } from '@vtsim/binlog';
import { TabletType, parseKeyspaceVSchema, tabletAliasString, type BinlogSource, type Result, type SqlValue, type TabletAlias } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { LocalMysqlNetwork, Tablet, formatBinlogSource } from '../src/index.js';

/** A memory topo and the running tablets of one test; the dialer finds tablets that are still running. */
export class VrCluster {
  readonly network = new LocalMysqlNetwork();
  readonly clock = new ManualClock(1_700_000_000_000);
  readonly tablets = new Map<string, Tablet>();

  private constructor(readonly topo: TopoServer) {}

  static async start(): Promise<VrCluster> {
    return new VrCluster(await TopoServer.newMemory('zone1'));
  }

  /** Starts tablets (uid ending 0/1 → REPLICA, the first one primary; else RDONLY). */
  async addTablets(keyspace: string, shard: string, uids: number[]): Promise<Tablet[]> {
    const out: Tablet[] = [];
    for (const uid of uids) {
      const alias = { cell: 'zone1', uid };
      const t = await Tablet.start({
        alias,
        keyspace,
        shard,
        type: uid % 10 <= 1 ? TabletType.REPLICA : TabletType.RDONLY,
        topo: this.topo,
        network: this.network,
        clock: this.clock,
        random: new SeededRandom(`t/${uid}`),
        serverUuid: randomUuid(new SeededRandom(`uuid/${uid}`)),
        dialer: (a: TabletAlias) => this.tablets.get(tabletAliasString(a)),
      });
      this.tablets.set(tabletAliasString(alias), t);
      out.push(t);
    }
    return out;
  }

  /** Stops one tablet; the dialer no longer finds it. */
  async killTablet(uid: number): Promise<void> {
    const key = tabletAliasString({ cell: 'zone1', uid });
    const t = this.tablets.get(key);
    this.tablets.delete(key);
    await t?.close();
  }

  async close(): Promise<void> {
    await Promise.all([...this.tablets.values()].map((t) => t.close()));
    this.tablets.clear();
    this.topo.close();
  }
}

/** The customer keyspace's VSchema with the `hash` vindex on customer_id (and corder's customer_id). */
export const CUSTOMER_VSCHEMA = parseKeyspaceVSchema({
  sharded: true,
  vindexes: { hash: { type: 'hash' } },
  tables: {
    customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
    corder: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
  },
});

export const SCHEMA = [
  'create table customer(customer_id bigint not null auto_increment, email varbinary(128), primary key(customer_id)) ENGINE=InnoDB',
  'create table corder(order_id bigint not null auto_increment, customer_id bigint, sku varbinary(128), price bigint, primary key(order_id)) ENGINE=InnoDB',
];

/** Runs SQL on a tablet's keyspace database as the DBA. */
export function exec(t: Tablet, sql: string): Promise<Result> {
  return t.executeFetchAsDba(sql);
}

/** Creates the example's tables on every tablet given (primaries; replicas get them through replication). */
export async function createSchema(...tablets: Tablet[]): Promise<void> {
  for (const t of tablets) for (const ddl of SCHEMA) await exec(t, ddl);
}

/** Inserts a stream row through vreplicationExec, as a workflow does; returns its id. */
export async function createStream(
  target: Tablet,
  workflow: string,
  source: Partial<BinlogSource> & { keyspace: string; shard: string },
  opts: { state?: string; stopPos?: string; tabletTypes?: string } = {},
): Promise<number> {
  const full: BinlogSource = { tablet_type: 0, key_range: null, tables: [], filter: null, on_ddl: 0, stop_after_copy: false, ...source };
  const text = formatBinlogSource(full).replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const r = await target.vreplicationExec(
    `insert into _vt.vreplication (workflow, source, pos, stop_pos, max_tps, max_replication_lag, cell, tablet_types, time_updated, transaction_timestamp, state, db_name, workflow_type) ` +
      `values ('${workflow}', '${text}', '', '${opts.stopPos ?? ''}', 9999, 9999, '', '${opts.tabletTypes ?? ''}', 0, 0, '${opts.state ?? 'Running'}', '${target.dbName}', 1)`,
  );
  return Number(r.insertId);
}

/** A stream row's columns by name, as text. */
export async function streamRow(target: Tablet, id: number): Promise<Record<string, string>> {
  const r = await target.vreplicationExec(`select * from _vt.vreplication where id = ${id}`);
  const row = r.rows[0];
  if (!row) throw new Error(`no stream ${id}`);
  return Object.fromEntries(r.fields.map((f, i) => [f.name, textOf(row[i]!)]));
}

/** Polls until `check` returns true, or throws after `ms`. */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (await check()) return;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits until the stream's state is `state`. */
export async function waitForState(target: Tablet, id: number, state: string, ms = 5000): Promise<Record<string, string>> {
  let row: Record<string, string> = {};
  await eventually(async () => (row = await streamRow(target, id)).state === state, ms, `stream ${id} state ${state} (last: ${JSON.stringify(row)})`);
  return row;
}

/** Waits until the stream has finished its copy: Running, with a position and no copy_state row left. */
export async function waitForCopied(target: Tablet, id: number, ms = 10000): Promise<void> {
  await eventually(async () => {
    const row = await streamRow(target, id);
    if (row.state !== 'Running' || row.pos === '') return false;
    return (await target.vreplicationExec(`select * from _vt.copy_state where vrepl_id = ${id}`)).rows.length === 0;
  }, ms, `stream ${id} to finish its copy`);
}

/** A table's rows as sorted text lines. */
export async function rowsOf(t: Tablet, table: string): Promise<string[]> {
  const r = await exec(t, `select * from ${table}`);
  return r.rows.map((row) => row.map(textOf).join('|')).sort();
}

export function textOf(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return String(v);
}
