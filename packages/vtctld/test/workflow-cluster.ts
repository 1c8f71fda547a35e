/**
 * The cluster of the workflow tests: a MiniCluster with the local example's schema, data and
 * VSchemas at hand.
 */
import { parseKeyspaceVSchema, valueToText } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { MiniCluster } from './mini-cluster.js';

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

/** Tablets, topology and vtctld of one workflow test, with the local example at hand; close() stops everything. */
export class WorkflowCluster extends MiniCluster {
  static override async start(): Promise<WorkflowCluster> {
    return new WorkflowCluster(await TopoServer.newMemory('zone1'));
  }

  /** Runs statements on a tablet's `vt_` database as the DBA. */
  async dba(uid: number, ...sql: string[]): Promise<void> {
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
    await this.dba(100, ...COMMERCE_SCHEMA, ...COMMERCE_DATA);
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

}
