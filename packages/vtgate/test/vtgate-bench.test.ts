// Throughput of the executor path (normalize → plan cache → route → tablet), in process. Opt-in:
// VTSIM_BENCH=1 npx vitest run packages/vtgate/test/vtgate-bench.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleFile, TestCluster } from './vtgate-fixture.js';

const enabled = !!process.env.VTSIM_BENCH;

describe.runIf(enabled)('vtgate executor throughput', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100]);
    await c.addShard('customer', '-80', [300]);
    await c.addShard('customer', '80-', [400]);
    await c.startVtgate();
    const commerce = await c.session('commerce');
    await c.exec(commerce, 'create table customer_seq(id int, next_id bigint, cache bigint, primary key(id)) comment \'vitess_sequence\'');
    await c.exec(commerce, 'insert into customer_seq(id, next_id, cache) values(0, 1, 100000)');
    await c.exec(commerce, 'create table product(sku varbinary(128), description varbinary(128), price bigint, primary key(sku))');
    await c.applyVSchema('commerce', { tables: { customer_seq: { type: 'sequence' }, product: {} } });
    await c.applyVSchema('customer', JSON.parse(exampleFile('vschema_customer_sharded.json')));
    const s = await c.session('customer');
    await c.exec(s, 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id))');
  });
  afterAll(async () => {
    await c.close();
  });

  it('measures sharded inserts (1000-row statements) and point selects', async () => {
    const s = await c.session('customer');
    let id = 1;
    const batches = 200;
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) {
      const rows: string[] = [];
      for (let i = 0; i < 1000; i++, id++) rows.push(`(${id}, 'user${id}@example.com')`);
      await c.exec(s, `insert into customer(customer_id, email) values ${rows.join(', ')}`);
    }
    const insertSecs = (performance.now() - t0) / 1000;
    console.log(`sharded insert: ${Math.round((batches * 1000) / insertSecs)} rows/s (1000-row statements)`);

    const n = 20_000;
    const t1 = performance.now();
    for (let i = 0; i < n; i++) {
      const r = await c.exec(s, `select email from customer where customer_id = ${1 + (i % 50_000)}`);
      if (r.rows.length !== 1) throw new Error('missing row');
    }
    const selectSecs = (performance.now() - t1) / 1000;
    console.log(`sharded point select: ${Math.round(n / selectSecs)} /s`);

    const commerce = await c.session('commerce');
    await c.exec(commerce, "insert into product(sku, description, price) values ('a', 'b', 1)");
    const t2 = performance.now();
    for (let i = 0; i < n; i++) await c.exec(commerce, "select * from product where sku = 'a'");
    console.log(`unsharded point select: ${Math.round(n / ((performance.now() - t2) / 1000))} /s`);
    expect(c.vtgate.executor.cachedPlans).toBeLessThan(10);
  });
});
