/**
 * Component figures of vtgate's executor, in process: SQL text → normalizer → plan cache → route
 * → tablet → mysqld, without the MySQL protocol. The cluster is the bench schema's `customer`
 * keyspace on two shards with one primary tablet each.
 */
import { Cluster } from '@vtsim/cli';
import { applySchema, applyVSchema } from '@vtsim/vtctld';
import { benchSchema } from './bench-schema.mjs';
import { describeCpu, timedLoopAsync } from './timed-loop.mjs';

const KEY_COUNT = 100_000;
const ROWS_PER_INSERT = 1000;

/**
 * Measures sharded point selects/s (one session, statements awaited one after another, literals
 * in the text as a MySQL client sends them) and rows/s of 1000-row sharded inserts.
 * @param {{ warmupMs: number, durationMs: number }} time
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchExecutor(time) {
  const cluster = await Cluster.start({ seed: 'bench', mysqlPort: 0 });
  try {
    await cluster.addTablet({ keyspace: 'customer', shard: '-80', uid: 200 });
    await cluster.addTablet({ keyspace: 'customer', shard: '80-', uid: 300 });
    const { sql, vschema } = benchSchema().customer;
    await applySchema(cluster.topo, (alias) => cluster.tablet(alias.uid), 'customer', sql);
    await applyVSchema(cluster.topo, 'customer', vschema);
    const { executor } = await cluster.startVtgate();
    const session = executor.newSession();
    await executor.useTarget(session, 'customer');

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

    const inserts = await timedLoopAsync(time, async (i) => {
      const tuples = new Array(ROWS_PER_INSERT);
      const first = i * ROWS_PER_INSERT;
      for (let j = 0; j < ROWS_PER_INSERT; j++) tuples[j] = `(${first + j}, ${j}, 'SKU-${j % 100}', ${j})`;
      const r = await executor.execute(session, `insert into corder(order_id, customer_id, sku, price) values ${tuples.join(', ')}`);
      return r.rowsAffected;
    });

    const detail = 'one session; customer keyspace, 2 shards, one primary tablet each';
    return [
      { id: 'executor.point_selects', what: 'vtgate executor: point selects (sharded)', value: selects.ops / selects.seconds, unit: 'queries/s', detail: `${detail}; ${KEY_COUNT} rows; ${describeCpu(selects)}` },
      { id: 'executor.multi_row_insert_rows', what: 'vtgate executor: 1000-row inserts (sharded)', value: inserts.rows / inserts.seconds, unit: 'rows/s', detail: `${detail}; ${describeCpu(inserts)}` },
    ];
  } finally {
    await cluster.close();
  }
}
