/**
 * The cluster of the workflow tests: a memory topology (cell zone1), tablets started the local
 * example's way whose VReplication streams reach their sources through a dialer, and a Vtctld
 * wired to them, with the local example's schema, data and VSchemas at hand.
 */
import { ManualClock, SeededRandom, randomUuid } from '@vtsim/binlog';
import { TabletType, parseKeyspaceVSchema, tabletAliasString, valueToText, type TabletAlias } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { LocalMysqlNetwork, Tablet } from '@vtsim/vttablet';
import { Vtctld } from '../src/index.js';

/** The local example's commerce schema. */
export const COMMERCE_SCHEMA = [
  'create table product(sku varbinary(128), description varbinary(128), price bigint, primary key(sku)) ENGINE=InnoDB',
  'create table customer(customer_id bigint not null auto_increment, email varbinary(128), primary key(customer_id)) ENGINE=InnoDB',
  'create table corder(order_id bigint not null auto_increment, customer_id bigint, sku varbinary(128), price bigint, primary key(order_id)) ENGINE=InnoDB',
];

/** The local example's insert_commerce_data.sql. */
export const COMMERCE_DATA = [
  "insert into customer(email) values('alice@domain.com')",
  "insert into customer(email) values('bob@domain.com')",
  "insert into customer(email) values('charlie@domain.com')",
  "insert into customer(email) values('dan@domain.com')",
  "insert into customer(email) values('eve@domain.com')",
  "insert into product(sku, description, price) values('SKU-1001', 'Monitor', 100)",
  "insert into product(sku, description, price) values('SKU-1002', 'Keyboard', 30)",
  "insert into corder(customer_id, sku, price) values(1, 'SKU-1001', 100)",
  "insert into corder(customer_id, sku, price) values(2, 'SKU-1002', 30)",
  "insert into corder(customer_id, sku, price) values(3, 'SKU-1002', 30)",
  "insert into corder(customer_id, sku, price) values(4, 'SKU-1002', 30)",
  "insert into corder(customer_id, sku, price) values(5, 'SKU-1002', 30)",
];

/** vschema_customer_sharded.json (the 2021 documents' `hash` vindex). */
export const CUSTOMER_SHARDED_VSCHEMA = parseKeyspaceVSchema({
  sharded: true,
  vindexes: { hash: { type: 'hash' } },
  tables: {
    customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
    corder: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
  },
});

/** Tablets, topology and vtctld of one test; close() stops everything. */
export class WorkflowCluster {
  readonly network = new LocalMysqlNetwork();
  readonly tablets = new Map<string, Tablet>();
  readonly clock = new ManualClock(1_700_000_000_000);
  readonly vtctld: Vtctld;

  private constructor(readonly topo: TopoServer) {
    const dial = (alias: TabletAlias) => this.tablets.get(tabletAliasString(alias));
    this.vtctld = new Vtctld({ topo, tabletDialer: dial, tabletManagerDialer: dial, clock: this.clock });
  }

  static async start(): Promise<WorkflowCluster> {
    return new WorkflowCluster(await TopoServer.newMemory('zone1'));
  }

  /** Starts tablets `uids` of keyspace/shard in order (uid ending 0/1 → REPLICA, the first one primary; else RDONLY). */
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

  /** The running tablet with this uid. */
  tablet(uid: number): Tablet {
    const t = this.tablets.get(tabletAliasString({ cell: 'zone1', uid }));
    if (!t) throw new Error(`no tablet ${uid}`);
    return t;
  }

  /** Runs statements on a tablet's `vt_` database as the DBA. */
  async exec(uid: number, ...sql: string[]): Promise<void> {
    for (const s of sql) await this.tablet(uid).executeFetchAsDba(s);
  }

  /** The rows of a query on a tablet as text, one string per row with tab-separated values. */
  async rows(uid: number, sql: string): Promise<string[]> {
    const r = await this.tablet(uid).executeFetchAsDba(sql);
    return r.rows.map((row) => row.map((v) => valueToText(v) ?? 'NULL').join('\t'));
  }

  /**
   * The local example up to 201: commerce/0 (100–102) with the schema, data and VSchema, and
   * customer/0 (200–202) with an empty database and no VSchema (its keyspace created by its tablets).
   */
  async localExample(): Promise<void> {
    await this.addTablets('commerce', '0', [100, 101, 102]);
    await this.exec(100, ...COMMERCE_SCHEMA, ...COMMERCE_DATA);
    await this.vtctld.applyVSchema({ keyspace: 'commerce', v_schema: { tables: { product: {}, customer: {}, corder: {} } } });
    await this.addTablets('customer', '0', [200, 201, 202]);
  }

  /** Polls `check` (every 10 ms) until it returns true; rejects after `ms` with `what`. */
  async waitFor(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits until every stream of `workflow` in `keyspace` has finished its copy phase and runs. */
  async waitForRunning(keyspace: string, workflow: string): Promise<void> {
    await this.waitFor(`${keyspace}.${workflow} to run`, async () => {
      const status = await this.vtctld.workflowStatus({ keyspace, workflow });
      const streams = Object.values(status.shard_streams).flatMap((s) => s.streams);
      return streams.length > 0 && streams.every((s) => s.status === 'Running');
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.tablets.values()].map((t) => t.close()));
    this.tablets.clear();
    this.topo.close();
  }
}
