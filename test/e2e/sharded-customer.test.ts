// Issue 2's sharded acceptance criterion, end to end over a socket: a `customer` keyspace with
// shards -80 and 80- and the `hash` vindex (vschema_customer_sharded.json) places customers
// 1, 2, 3, 5 on -80 and 4 on 80-, as the local example's 302–305 steps show; a client reads each
// shard with `use customer/-80` / `use customer/80-`, and a scatter select merges all five.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleFile, startScenario, type Scenario } from '../harness/scenario.js';

const CUSTOMERS: [number, string][] = [[1, 'alice'], [2, 'bob'], [3, 'charlie'], [4, 'dan'], [5, 'eve']];

/** create_commerce_schema.sql's customer tables, made sharded by create_customer_sharded.sql. */
const CUSTOMER_SCHEMA = `${exampleFile('create_commerce_schema.sql').replace(/create table product\([^;]*;/s, '')}\n${exampleFile('create_customer_sharded.sql')}`;

describe('the sharded customer keyspace (-80, 80-, hash vindex)', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await startScenario({
      keyspaces: {
        commerce: { shards: { '0': [100, 101, 102] }, schema: exampleFile('create_commerce_seq.sql'), vschema: exampleFile('vschema_commerce_seq.json') },
        customer: {
          shards: { '-80': [300, 301, 302], '80-': [400, 401, 402] },
          schema: CUSTOMER_SCHEMA,
          vschema: exampleFile('vschema_customer_sharded.json'),
        },
      },
    });
    const conn = await s.connect('customer');
    for (const [id, name] of CUSTOMERS) {
      await conn.query(`insert into customer(customer_id, email) values (${id}, '${name}@domain.com')`);
      await conn.query(`insert into corder(order_id, customer_id, sku, price) values (${id}, ${id}, 'SKU-100${id === 1 ? 1 : 2}', ${id === 1 ? 100 : 30})`);
    }
    await conn.end();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('puts customers 1, 2, 3, 5 on -80 and 4 on 80-', async () => {
    const conn = await s.connect();
    await conn.query('use customer/-80');
    const [low] = await conn.query({ sql: 'select customer_id, email from customer', rowsAsArray: true });
    expect(low).toEqual([[1, 'alice@domain.com'], [2, 'bob@domain.com'], [3, 'charlie@domain.com'], [5, 'eve@domain.com']].map(([i, e]) => [i, Buffer.from(e as string)]));
    const [lowOrders] = await conn.query({ sql: 'select order_id from corder', rowsAsArray: true });
    expect(lowOrders).toEqual([[1], [2], [3], [5]]);
    await conn.query('use customer/80-');
    const [high] = await conn.query({ sql: 'select customer_id, email from customer', rowsAsArray: true });
    expect(high).toEqual([[4, Buffer.from('dan@domain.com')]]);
    const [highOrders] = await conn.query({ sql: 'select order_id from corder', rowsAsArray: true });
    expect(highOrders).toEqual([[4]]);
  });

  it('merges a scatter select over both shards, in order', async () => {
    expect(await s.mysql('select customer_id, email from customer order by customer_id', 'customer')).toEqual(
      CUSTOMERS.map(([id, name]) => [String(id), `${name}@domain.com`]),
    );
    expect(await s.mysql('select count(*), sum(price) from corder', 'customer')).toEqual([['5', '220']]);
  });

  it('logged each shard its own writes only: two CREATEs, two ALTERs and two inserts per customer, contiguously', async () => {
    s.expectContiguousGtids('customer', '-80', 4 + 4 * 2);
    s.expectContiguousGtids('customer', '80-', 4 + 1 * 2);
    s.expectContiguousGtids('commerce', '0', 4);
    await s.expectReplicasCaughtUp();
  });
});
