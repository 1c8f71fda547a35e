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

  it('plans INSERT … SET as the VALUES form it means: routed by the vindex, the sequence filling a missing id, ON DUPLICATE KEY UPDATE kept', async () => {
    const s = await c.session('customer');
    // hash(4) = d2fd8867d50d2dfe lies in 80-; hash(1) = 166b40b44aba4bd6 in -80.
    await c.exec(s, "insert into customer set customer_id = 4, email = concat('d', '@x')");
    await c.exec(s, "insert into customer set email = 'seq@x'");
    await c.exec(s, "insert into customer set customer_id = 4, email = 'dup' on duplicate key update email = 'updated'");
    const high = await c.session('customer:80-');
    expect(await c.rows(high, 'select customer_id, email from customer where customer_id = 4')).toEqual([['4', 'updated']]);
    expect(await c.rows(s, "select count(*) from customer where email = 'seq@x'")).toEqual([['1']]);
  });
});
