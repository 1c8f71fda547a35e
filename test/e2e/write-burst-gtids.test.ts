// Issue 2's replication criterion: after a burst of writes from several concurrent clients through
// vtgate (autocommit inserts, updates and deletes, multi-row inserts, explicit transactions that
// commit, roll back or only read), during which a replica per keyspace is killed and restarted,
// every replica's GTID set equals its primary's, and each primary's set is contiguous: `uuid:1-N`,
// N = the DDLs plus the transactions that changed rows on that shard.
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVindex } from '@vtsim/vindexes';
import { exampleFile, startScenario, type Scenario } from '../harness/scenario.js';

const hash = createVindex('hash', 'hash');

/** The customer shard (-80 or 80-) of a customer_id under the hash vindex. */
function customerShard(id: number): string {
  return hash.mapOne(BigInt(id))![0]! < 0x80 ? '-80' : '80-';
}

/** GTIDs each shard is expected to have logged, by "keyspace/shard". */
class Tally {
  readonly counts = new Map<string, number>();
  constructor(private readonly keyspace: string, private readonly shardOf: (id: number) => string) {}
  /** One committed transaction that changed the rows `ids`: one GTID on each shard it touched. */
  committed(ids: readonly number[]): void {
    for (const shard of new Set(ids.map(this.shardOf))) this.add(shard, 1);
  }
  add(shard: string, n: number): void {
    const key = `${this.keyspace}/${shard}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }
}

/** One client's share of the burst on ids base+1…base+50; returns how many rows it leaves behind. */
async function burst(conn: Connection, base: number, tally: Tally): Promise<number> {
  const email = (id: number, v: string) => `'${v}-${id}@burst.test'`;
  for (let i = 1; i <= 24; i++) {
    await conn.query(`insert into customer(customer_id, email) values (${base + i}, ${email(base + i, 'a')})`);
    tally.committed([base + i]);
  }
  const multi = [25, 26, 27, 28].map((i) => base + i);
  await conn.query(`insert into customer(customer_id, email) values ${multi.map((id) => `(${id}, ${email(id, 'm')})`).join(', ')}`);
  tally.committed(multi);
  for (let i = 1; i <= 8; i++) {
    await conn.query(`update customer set email = ${email(base + i, 'u')} where customer_id = ${base + i}`);
    tally.committed([base + i]);
  }
  for (let i = 9; i <= 12; i++) {
    await conn.query(`delete from customer where customer_id = ${base + i}`);
    tally.committed([base + i]);
  }
  // Statements that change nothing log nothing.
  await conn.query(`update customer set email = 'nobody' where customer_id = ${base + 99}`);
  await conn.query(`delete from customer where customer_id = ${base + 98}`);
  for (let j = 0; j < 4; j++) {
    const [a, b] = [base + 30 + 2 * j, base + 31 + 2 * j];
    await conn.beginTransaction();
    await conn.query(`insert into customer(customer_id, email) values (${a}, ${email(a, 't')})`);
    await conn.query(`insert into customer(customer_id, email) values (${b}, ${email(b, 't')})`);
    await conn.query(`update customer set email = ${email(a, 'tu')} where customer_id = ${a}`);
    await conn.commit();
    tally.committed([a, b]);
  }
  for (let j = 0; j < 2; j++) {
    await conn.beginTransaction();
    await conn.query(`insert into customer(customer_id, email) values (${base + 40 + j}, 'rolled back')`);
    await conn.query(`update customer set email = 'rolled back' where customer_id = ${base + 1}`);
    await conn.rollback();
  }
  await conn.beginTransaction();
  await conn.query(`select count(*) from customer where customer_id > ${base}`);
  await conn.commit();
  return 24 + 4 - 4 + 8;
}

const CUSTOMER_TABLE = 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id))';

describe('a burst of concurrent writes through vtgate', () => {
  let s: Scenario;
  const commerce = new Tally('commerce', () => '0');
  const customer = new Tally('customer', customerShard);
  let rowsLeft: number[] = [];

  beforeAll(async () => {
    s = await startScenario({
      keyspaces: {
        commerce: { shards: { '0': [100, 101, 102] }, schema: exampleFile('create_commerce_schema.sql') },
        customer: {
          shards: { '-80': [300, 301, 302], '80-': [400, 401, 402] },
          schema: CUSTOMER_TABLE,
          vschema: { sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] } } },
        },
      },
    });
    commerce.add('0', 3);
    customer.add('-80', 1);
    customer.add('80-', 1);
    const clients = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((k) => s.connect(k < 4 ? 'commerce' : 'customer')));
    const work = Promise.all(clients.map((conn, k) => burst(conn, k * 1000, k < 4 ? commerce : customer)));
    // Mid-burst, a replica of each keyspace dies and comes back with an empty mysqld: it must catch up from the binlog.
    await new Promise((r) => setTimeout(r, 20));
    await s.killTablet(101);
    await s.killTablet(401);
    await new Promise((r) => setTimeout(r, 20));
    await s.startTablet('commerce', '0', 101);
    await s.startTablet('customer', '80-', 401);
    rowsLeft = await work;
    await Promise.all(clients.map((c) => c.end()));
  });
  afterAll(async () => {
    await s?.close();
  });

  it('keeps every primary GTID set contiguous, one GTID per committed write transaction or DDL', () => {
    expect(commerce.counts.get('commerce/0')).toBe(3 + 4 * (24 + 1 + 8 + 4 + 4));
    s.expectContiguousGtids('commerce', '0', commerce.counts.get('commerce/0'));
    const low = customer.counts.get('customer/-80')!;
    const high = customer.counts.get('customer/80-')!;
    expect(low > 1 && high > 1).toBe(true);
    s.expectContiguousGtids('customer', '-80', low);
    s.expectContiguousGtids('customer', '80-', high);
  });

  it('brings every replica and rdonly tablet to its primary\'s GTID set and rows', async () => {
    await s.expectReplicasCaughtUp();
    const expected = rowsLeft.slice(0, 4).reduce((a, b) => a + b, 0);
    for (const uid of [100, 101, 102]) {
      const session = s.tablet(uid).mysqld.createSession({ database: 'vt_commerce' });
      expect(session.execute('select count(*) from customer').rows, `rows on tablet ${uid}`).toEqual([[BigInt(expected)]]);
      session.close();
    }
  });

  it('serves the surviving rows through vtgate, rolled-back writes absent', async () => {
    const total = rowsLeft.slice(4).reduce((a, b) => a + b, 0);
    expect(await s.mysql('select count(*) from customer', 'customer')).toEqual([[String(total)]]);
    expect(await s.mysql("select count(*) from customer where email = 'rolled back'", 'customer')).toEqual([['0']]);
    expect(await s.mysql("select count(*) from customer where email = 'rolled back'", 'commerce')).toEqual([['0']]);
    expect(await s.mysql('select email from customer where customer_id = 3030', 'commerce')).toEqual([['tu-3030@burst.test']]);
  });
});
