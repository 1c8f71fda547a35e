import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@vtsim/binlog';
import type { SqlValue } from '@vtsim/proto';
import { keyRangeContains, keyRangeFromShardName } from '@vtsim/topo';
import { applySchema, applyVSchema } from '@vtsim/vtctld';
import { createVindex } from '@vtsim/vindexes';
import { Cluster } from '../src/cluster.js';
import { initializeWithRandomData, randomValue, type RandomDataOptions } from '../src/random-data.js';

const COMMERCE_SCHEMA = `
create table customer_seq(id int, next_id bigint, cache bigint, primary key(id)) comment 'vitess_sequence';
insert into customer_seq(id, next_id, cache) values(0, 1000, 100);
create table typed(
  id bigint not null, small tinyint unsigned, d double, dec1 decimal(8,3), s varchar(10) not null, b varbinary(4),
  bn binary(3), txt text, j json, dt datetime(2), dd date, tm time, e enum('x','y''s'), st set('p','q'), bt bit(3), yr year,
  primary key (id));
`;
const CUSTOMER_SCHEMA = 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id));';
const CUSTOMER_VSCHEMA = { sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] } } };
const OPTS: RandomDataOptions = { seed: 42, minShardSize: 20, maxShardSize: 40, nullProbability: 0.3 };

async function seededCluster(opts: RandomDataOptions): Promise<Cluster> {
  const cluster = await Cluster.start({ seed: 'random-data' });
  for (const uid of [100, 101]) await cluster.addTablet({ keyspace: 'commerce', shard: '0', uid });
  for (const [shard, uid] of [['-80', 300], ['-80', 301], ['80-', 400]] as const) await cluster.addTablet({ keyspace: 'customer', shard, uid });
  const dial = (alias: { uid: number }) => cluster.tablet(alias.uid);
  await applySchema(cluster.topo, dial, 'commerce', COMMERCE_SCHEMA);
  await applySchema(cluster.topo, dial, 'customer', CUSTOMER_SCHEMA);
  await applyVSchema(cluster.topo, 'customer', CUSTOMER_VSCHEMA);
  await initializeWithRandomData(cluster, ['commerce', 'customer'], opts);
  return cluster;
}

function rows(cluster: Cluster, uid: number, sql: string): SqlValue[][] {
  const t = cluster.tablet(uid)!;
  return t.mysqld.createSession({ database: t.dbName }).execute(sql).rows;
}

describe('initializeWithRandomData (--initialize_with_random_data)', () => {
  it('fills every table of every shard with [min, max) rows, NULLs only where allowed, keyspace ids on their shard', async () => {
    await using cluster = await seededCluster(OPTS);
    const typed = rows(cluster, 100, 'select * from typed');
    expect(typed.length).toBeGreaterThanOrEqual(20);
    expect(typed.length).toBeLessThan(40);
    // `s` is NOT NULL; every nullable column got some NULLs and some values at probability 0.3.
    expect(typed.every((r) => r[4] !== null)).toBe(true);
    for (const col of [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]) {
      const nulls = typed.filter((r) => r[col] === null).length;
      expect(nulls, `NULLs in column ${col}`).toBeGreaterThan(0);
      expect(nulls, `NULLs in column ${col}`).toBeLessThan(typed.length);
    }
    expect(typed.every((r) => r[12] === null || ['x', "y's"].includes(r[12] as string))).toBe(true);
    expect(typed.every((r) => r[6] === null || (r[6] as Uint8Array).length === 3)).toBe(true);
    expect(typed.every((r) => r[8] === null || typeof JSON.parse(r[8] as string).id === 'number')).toBe(true);
    // The sequence table is left alone.
    expect(rows(cluster, 100, 'select id, next_id from customer_seq')).toEqual([[0n, 1000n]]);

    const hash = createVindex('hash', 'hash');
    for (const [shard, uid] of [['-80', 300], ['80-', 400]] as const) {
      const customers = rows(cluster, uid, 'select customer_id from customer');
      expect(customers.length).toBeGreaterThanOrEqual(20);
      expect(customers.length).toBeLessThan(40);
      for (const [id] of customers) expect(keyRangeContains(keyRangeFromShardName(shard), hash.mapOne(id!)!), `customer ${String(id)} on ${shard}`).toBe(true);
    }
    // Replicas get the rows through replication.
    const deadline = Date.now() + 5000;
    while (rows(cluster, 301, 'select count(*) from customer')[0]![0] !== BigInt(rows(cluster, 300, 'select customer_id from customer').length)) {
      if (Date.now() > deadline) throw new Error('replica 301 did not catch up');
      await new Promise((r) => setTimeout(r, 10));
    }
  });

  it('gives the same rows for the same seed and other rows for another', async () => {
    const dump = (c: Cluster) => [rows(c, 100, 'select * from typed order by id'), rows(c, 300, 'select * from customer order by customer_id'), rows(c, 400, 'select * from customer order by customer_id')];
    let first: SqlValue[][][];
    {
      await using a = await seededCluster(OPTS);
      first = dump(a);
    }
    {
      await using b = await seededCluster(OPTS);
      expect(dump(b)).toEqual(first);
    }
    await using c = await seededCluster({ ...OPTS, seed: 43 });
    expect(dump(c)).not.toEqual(first);
  });

  it('refuses bad sizes, a bad probability and column types it cannot draw', async () => {
    await using cluster = await Cluster.start({ seed: 'random-data-errors' });
    await expect(initializeWithRandomData(cluster, [], { ...OPTS, minShardSize: 10, maxShardSize: 5 })).rejects.toThrow(
      'invalid table shard sizes: --min_table_shard_size 10 and --max_table_shard_size 5 must be whole numbers with 0 <= min <= max',
    );
    await expect(initializeWithRandomData(cluster, [], { ...OPTS, nullProbability: 1.5 })).rejects.toThrow('invalid --null_probability 1.5: it must be between 0 and 1');
    expect(() => randomValue({ name: 'p', type: 'point' }, new SeededRandom(1))).toThrow('cannot draw random values for column p of type point');
    await expect(initializeWithRandomData(cluster, ['nope'], OPTS)).rejects.toThrow('cannot seed keyspace nope with random data: it does not exist');
  });
});
