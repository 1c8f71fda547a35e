/**
 * Session-level throughput of the simulated mysqld (opt-in: VTSIM_BENCH=1). Prints point selects/s,
 * single-row autocommit inserts/s and rows/s of 1000-row multi-row inserts, with bind variables and
 * warmed plan caches.
 */
import { describe, expect, it } from 'vitest';
import type { SqlValue } from '@vtsim/proto';
import { newServer, run } from './mysqld-fixture.js';

function rate(n: number, ms: number): number {
  return Math.round((n / ms) * 1000);
}

describe.skipIf(!process.env.VTSIM_BENCH)('mysqld: throughput', () => {
  it('measures point selects, single-row inserts and multi-row inserts', () => {
    const { session } = newServer();
    run(session, 'create table customer (customer_id bigint not null auto_increment, email varbinary(128), primary key (customer_id))');
    const N = 100_000;
    let t0 = performance.now();
    for (let i = 0; i < N; i++) session.execute('insert into customer(email) values (:email)', { email: `user${i}@domain.com` });
    const insertMs = performance.now() - t0;

    const select = 'select customer_id, email from customer where customer_id = :id';
    for (let i = 0; i < 10_000; i++) session.execute(select, { id: BigInt(1 + (i % N)) });
    t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const r = session.execute(select, { id: BigInt(1 + ((i * 7919) % N)) });
      if (r.rows.length !== 1) throw new Error('missing row');
    }
    const selectMs = performance.now() - t0;

    run(session, 'create table corder (order_id bigint not null auto_increment, customer_id bigint, sku varbinary(128), price bigint, primary key (order_id))');
    const tuples = Array.from({ length: 1000 }, (_, i) => `(:c${i}, :s${i}, :p${i})`).join(', ');
    const sql = `insert into corder(customer_id, sku, price) values ${tuples}`;
    const batches = 100;
    const bindSets = Array.from({ length: batches }, (_, b) => {
      const bv: Record<string, SqlValue> = {};
      for (let i = 0; i < 1000; i++) {
        bv[`c${i}`] = BigInt(b * 1000 + i);
        bv[`s${i}`] = `SKU-${i}`;
        bv[`p${i}`] = BigInt(i);
      }
      return bv;
    });
    session.execute(sql, bindSets[0]);
    t0 = performance.now();
    for (let b = 1; b < batches; b++) session.execute(sql, bindSets[b]);
    const multiMs = performance.now() - t0;

    console.log(
      `point selects/s: ${rate(N, selectMs)}; single-row autocommit inserts/s: ${rate(N, insertMs)}; ` +
        `rows/s in 1000-row inserts: ${rate((batches - 1) * 1000, multiMs)}`,
    );
    expect(session.execute('select count(*) from corder').rows).toEqual([[BigInt(batches * 1000)]]);
  });
});
