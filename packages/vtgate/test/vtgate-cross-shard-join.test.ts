// vtgate's joins across shards through mysql2: each join runs on a keyspace of two shards (where
// the tables cannot all go to one route, so vtgate joins them with nested loops) and on an
// unsharded keyspace holding the same rows, and must give the same answer (values and MySQL
// column types).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCrossShardCluster, type CrossShardCluster } from './cross-shard-fixture.js';

let c: CrossShardCluster;
beforeAll(async () => {
  c = await startCrossShardCluster();
  await c.cluster.applyVSchema('uks', { sharded: false, tables: { item: {}, ord: {} } });
  await c.cluster.applyVSchema('sks', {
    sharded: true,
    vindexes: { hash: { type: 'hash' } },
    tables: { item: { column_vindexes: [{ column: 'id', name: 'hash' }] }, ord: { column_vindexes: [{ column: 'id', name: 'hash' }] } },
  });
  for (const conn of [c.unsharded, c.sharded]) {
    await conn.query('create table ord (id bigint not null, item_id bigint, cust varchar(16), qty int, primary key (id))');
    await conn.query(
      "insert into ord (id, item_id, cust, qty) values (1, 1, 'ann', 2), (2, 1, 'bob', 1), (3, 2, 'ann', 5), (4, 5, 'cy', 1), (5, 9, 'bob', 3), (6, 99, 'cy', 4), (7, 3, null, 2)",
    );
  }
}, 60_000);
afterAll(async () => {
  await c?.close();
});

type Answer = { rows: unknown[][]; types: number[] } | { errno: number; message: string };

async function answer(conn: CrossShardCluster['sharded'], sql: string): Promise<Answer> {
  try {
    const [rows, fields] = await conn.query({ sql, rowsAsArray: true });
    return { rows: rows as unknown[][], types: (fields ?? []).map((f) => f.columnType ?? -1) };
  } catch (err) {
    return { errno: (err as { errno: number }).errno, message: (err as Error).message };
  }
}

describe('joins across shards equal the unsharded keyspace', () => {
  const statements = [
    'select i.name, o.id from item i join ord o on o.item_id = i.id order by o.id',
    'select i.name, o.qty from ord o join item i on i.id = o.item_id where o.qty > 1 and i.price < 100 order by o.id',
    'select i.id, o.id from item i left join ord o on o.item_id = i.id order by i.id, o.id',
    'select i.id, o.id from item i left join ord o on o.item_id = i.id and o.cust = \'ann\' order by i.id, o.id',
    'select i.id from item i left join ord o on o.item_id = i.id where o.id is null order by i.id',
    'select o.id, i.name from item i right join ord o on i.id = o.item_id order by o.id',
    'select i.cat, count(*), sum(o.qty), max(i.price), count(distinct o.cust) from item i join ord o on o.item_id = i.id group by i.cat order by i.cat',
    'select i.name, sum(o.qty) as s from item i join ord o on o.item_id = i.id group by i.name having s > 2 order by s desc, i.name',
    'select count(*) from item i, ord o',
    'select count(*), count(o.id) from item i left join ord o on o.item_id = i.id',
    'select distinct o.cust from item i join ord o on o.item_id = i.id order by o.cust',
    'select i.name, o.qty * i.price from ord o join item i on i.id = o.item_id order by o.id limit 3',
    'select i.name, o.id from item i join ord o on o.item_id = i.id order by o.id limit 2 offset 2',
    'select i.name, group_concat(o.cust order by o.cust desc) from item i join ord o on o.item_id = i.id group by i.name order by i.name',
    'select a.id, b.id from item a join item b on a.cat = b.cat and a.id < b.id order by a.id, b.id',
    'select o.id, i.name from ord o join item i on i.id = o.item_id where i.id = 1 order by o.id',
    'select o.id, i.name from ord o join uks.item i on i.id = o.item_id order by o.id',
  ];
  for (const sql of statements) {
    it(sql, async () => {
      const expected = await answer(c.unsharded, sql);
      expect('rows' in expected, JSON.stringify(expected)).toBe(true);
      expect(await answer(c.sharded, sql)).toEqual(expected);
    });
  }
});

describe('joins vtgate refuses across shards', () => {
  it('refuses * and unqualified columns, which need the tables\' schemas (VT09015)', async () => {
    for (const sql of ['select * from item i join ord o on o.item_id = i.id', 'select name from item i join ord o on o.item_id = i.id']) {
      const a = await answer(c.sharded, sql);
      expect(a).toMatchObject({ errno: 1105 });
      expect((a as { message: string }).message).toContain('VT09015: schema tracking required');
    }
  });
  it('keeps one route when both tables join on their vindex', async () => {
    expect(await answer(c.sharded, 'select a.id, b.name from item a join item b on a.id = b.id where a.id = 4')).toMatchObject({ rows: [['4', 'Date']] });
  });
});
