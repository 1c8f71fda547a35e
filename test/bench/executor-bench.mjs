/**
 * Component figures of vtgate's executor, in process: SQL text → normalizer → plan cache → route
 * → tablet → mysqld, without the MySQL protocol. The cluster is the bench schema: `commerce` on one
 * shard, `customer` on two, one primary tablet per shard.
 */
import { Cluster } from '@vtsim/cli';
import { applySchema, applyVSchema } from '@vtsim/vtctld';
import { benchSchema } from './bench-schema.mjs';
import { describeCpu, timedLoopAsync } from './timed-loop.mjs';

const KEY_COUNT = 100_000;
const ROWS_PER_INSERT = 1000;

/**
 * Measures point selects/s, sharded and unsharded (one session, statements awaited one after
 * another, literals in the text as a MySQL client sends them), and rows/s of 1000-row sharded
 * inserts.
 * @param {{ warmupMs: number, durationMs: number }} time
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchExecutor(time) {
  const cluster = await Cluster.start({ seed: 'bench', mysqlPort: 0 });
  try {
    await cluster.addTablet({ keyspace: 'commerce', shard: '0', uid: 100 });
    await cluster.addTablet({ keyspace: 'customer', shard: '-80', uid: 200 });
    await cluster.addTablet({ keyspace: 'customer', shard: '80-', uid: 300 });
    const dialer = (alias) => cluster.tablet(alias.uid);
    const schema = benchSchema();
    await applySchema(cluster.topo, dialer, 'commerce', schema.commerce.sql);
    await applySchema(cluster.topo, dialer, 'customer', schema.customer.sql);
    await applyVSchema(cluster.topo, 'customer', schema.customer.vschema);
    const { executor } = await cluster.startVtgate();
    const session = executor.newSession();
    await executor.useTarget(session, 'customer');
    const commerce = executor.newSession();
    await executor.useTarget(commerce, 'commerce');
    await executor.execute(commerce, "insert into product(sku, description, price) values ('SKU-1', 'a product', 100)");

    for (let first = 1; first <= KEY_COUNT; first += ROWS_PER_INSERT) {
      const tuples = [];
      for (let id = first; id < first + ROWS_PER_INSERT; id++) tuples.push(`(${id}, 'user${id}@example.com')`);
      await executor.execute(session, `insert into customer(customer_id, email) values ${tuples.join(', ')}`);
    }

    const selects = await timedLoopAsync(time, async (i) => {
      const r = await executor.execute(session, `select email from customer where customer_id = ${1 + ((i * 7919) % KEY_COUNT)}`);
      if (r.rows.length !== 1) throw new Error('point select found no row');
      return 1;
    });

    const unsharded = await timedLoopAsync(time, async () => {
      const r = await executor.execute(commerce, "select description, price from product where sku = 'SKU-1'");
      if (r.rows.length !== 1) throw new Error('point select found no row');
      return 1;
    });

    const inserts = await timedLoopAsync(time, async (i) => {
      const tuples = new Array(ROWS_PER_INSERT);
      const first = i * ROWS_PER_INSERT;
      for (let j = 0; j < ROWS_PER_INSERT; j++) tuples[j] = `(${first + j}, ${j}, 'SKU-${j % 100}', ${j})`;
      const r = await executor.execute(session, `insert into corder(order_id, customer_id, sku, price) values ${tuples.join(', ')}`);
      return r.rowsAffected;
    });

    const detail = 'one session; customer keyspace: 2 shards, one primary tablet each';
    const plans = `${executor.cachedPlans} plans cached at the end`;
    return [
      { id: 'executor.point_selects', what: 'vtgate executor: point selects (sharded)', value: selects.ops / selects.seconds, unit: 'queries/s', detail: `${detail}; ${KEY_COUNT} rows; ${describeCpu(selects)}` },
      { id: 'executor.point_selects_unsharded', what: 'vtgate executor: point selects (unsharded)', value: unsharded.ops / unsharded.seconds, unit: 'queries/s', detail: `one session; commerce keyspace, one primary tablet; ${describeCpu(unsharded)}` },
      { id: 'executor.multi_row_insert_rows', what: 'vtgate executor: 1000-row inserts (sharded)', value: inserts.rows / inserts.seconds, unit: 'rows/s', detail: `${detail}; ${describeCpu(inserts)}; ${plans}` },
    ];
  } finally {
    await cluster.close();
  }
}
