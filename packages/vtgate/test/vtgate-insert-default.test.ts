import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleFile, sqlStatements, TestCluster } from './vtgate-fixture.js';

describe('vtgate: DEFAULT as a value on a sharded keyspace (-80, 80-, hash)', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100]);
    await c.addShard('customer', '-80', [300]);
    await c.addShard('customer', '80-', [400]);
    await c.startVtgate();
    const commerce = await c.session('commerce');
    for (const stmt of sqlStatements(exampleFile('create_commerce_seq.sql'))) await c.exec(commerce, stmt);
    await c.applyVSchema('commerce', exampleFile('vschema_commerce_seq.json'));
    await c.applyVSchema('customer', exampleFile('vschema_customer_sharded.json'));
    const customer = await c.session('customer');
    await c.exec(customer, "create table customer(customer_id bigint not null, email varbinary(128) default 'none', primary key(customer_id))");
  });
  afterAll(async () => {
    await c.close();
  });

  it('fills DEFAULT in the auto-increment column from the sequence and stores other columns’ defaults on the shard', async () => {
    const s = await c.session('customer');
    const r = await c.exec(s, "insert into customer(customer_id, email) values (default, 'a@x'), (default, default)");
    expect(r.rowsAffected).toBe(2);
    expect(r.insertId).toBe(1000n);
    expect(await c.rows(s, 'select customer_id, email from customer order by customer_id')).toEqual([
      ['1000', 'a@x'],
      ['1001', 'none'],
    ]);
    await c.exec(s, 'insert into customer(customer_id, email) values (7, default)');
    expect(await c.rows(s, 'select email from customer where customer_id = 7')).toEqual([['none']]);
  });
});
