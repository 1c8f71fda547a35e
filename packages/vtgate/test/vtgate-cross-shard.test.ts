// vtgate's cross-shard SELECT planning through mysql2: each statement runs on a keyspace of two
// shards and on an unsharded keyspace holding the same rows, and must give the same answer
// (values and MySQL column types); the silent wrong answers of issue 11 are also pinned to
// MySQL 8's answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCrossShardCluster, type CrossShardCluster } from './cross-shard-fixture.js';

let c: CrossShardCluster;
beforeAll(async () => {
  c = await startCrossShardCluster();
}, 60_000);
afterAll(async () => {
  await c?.close();
});

/** Rows and MySQL type codes, or the error (its errno: vtgate's own errors are not wrapped in a tablet's target). */
type Answer = { rows: unknown[][]; types: number[] } | { errno: number };

async function answer(conn: CrossShardCluster['sharded'], sql: string): Promise<Answer> {
  try {
    const [rows, fields] = await conn.query({ sql, rowsAsArray: true });
    return { rows: rows as unknown[][], types: (fields ?? []).map((f) => f.columnType ?? -1) };
  } catch (err) {
    return { errno: (err as { errno: number }).errno };
  }
}

async function rows(sql: string): Promise<unknown[][]> {
  try {
    const [r] = await c.sharded.query({ sql, rowsAsArray: true });
    return r as unknown[][];
  } catch (err) {
    throw new Error(`${sql}: ${(err as Error).message}`);
  }
}

const TYPE = { LONGLONG: 8, NEWDECIMAL: 246, VAR_STRING: 253 };

describe('cross-shard answers equal the unsharded keyspace', () => {
  const statements = [
    'select max(price), min(price) from item',
    'select max(qty), min(qty) from item',
    'select sum(qty), avg(qty), sum(price), avg(price), count(*), count(price) from item',
    'select sum(w), avg(w), max(w) from item',
    'select id, price from item order by price desc, id',
    'select id, price from item order by price, id desc',
    'select name from item order by name',
    'select name from item order by name desc limit 3',
    'select id, name from item order by name limit 2 offset 3',
    'select cat, max(price), min(price), sum(qty) from item group by cat order by cat',
    'select cat, max(price) as m from item group by cat order by m desc',
    'select count(distinct cat) from item',
    'select count(distinct price) from item',
    'select count(distinct price), count(*), sum(qty), max(price) from item',
    'select cat, count(distinct price) from item group by cat order by cat',
    'select cat, count(distinct price) as n from item group by cat having n > 1 order by n desc, cat',
    'select count(distinct cat) from item where id > 100',
    'select 1 + count(*) from item',
    'select count(*) * 2 from item',
    'select avg(qty) + 1 from item',
    'select max(price) - min(price) from item',
    'select cat, sum(qty) / count(*) from item group by cat order by cat',
    'select cat, count(*) from item group by cat order by count(*) * -1, cat',
    'select cat, count(*) * 2 as d from item group by cat having d > 4 order by cat',
    'select cat, count(*) from item group by cat having sum(qty) > 10 and max(price) < 200 order by cat',
    'select cat, avg(price) from item group by cat having avg(price) > 10 order by avg(price) desc',
    'select cat from item group by cat order by max(price) - min(price) desc',
    'select cat, count(*) from item group by cat having count(*) > 2 order by cat',
    'select cat, sum(qty) as s from item group by cat having s > 10 order by cat',
    'select id from item order by id limit 2 offset 3',
    'select id from item order by id limit 3, 2',
    'select distinct cat from item order by cat',
    'select id, name from item where id < 5 union all select id, name from item where id > 7 order by id',
    'select cat from item union select cat from item order by cat',
    'select cat from item where id < 3 union select cat from item where id > 8 order by 1 desc',
    'select cat from item union all select cat from item where id = 5 order by cat limit 4',
    'select qty from item where id = 1 union all select qty from item where id = 1',
    'select qty from item where id = 1 union select qty from item where id = 1',
    'select id from item where id = 1 union all select id from item where id = 2 union select id from item where id = 1 order by id',
    'select id, name from item union select id from item',
    'select id from item union select id from item order by 3',
  ];
  for (const sql of statements) {
    it(sql, async () => {
      expect(await answer(c.sharded, sql)).toEqual(await answer(c.unsharded, sql));
    });
  }
});

describe("issue 11's silent wrong answers across shards", () => {
  it('compares DECIMAL min/max numerically (100.00 > 19.50), keeping the DECIMAL type', async () => {
    const a = await answer(c.sharded, 'select max(price), min(price) from item where id in (1, 2, 4)');
    expect(a).toEqual({ rows: [['100.00', '9.99']], types: [TYPE.NEWDECIMAL, TYPE.NEWDECIMAL] });
    expect(await rows("select cat, max(price) from item where cat = 'fruit' group by cat")).toEqual([['fruit', '100.00']]);
  });

  it('merge-sorts DECIMALs as numbers and strings by the collation', async () => {
    expect((await rows('select price from item where price is not null order by price desc')).map((r) => r[0])).toEqual([
      '250.00', '100.00', '19.50', '19.50', '12.00', '9.99', '5.25', '3.10', '0.75',
    ]);
    // utf8mb4_0900_ai_ci: case and accents ignored ('Ábaco' < 'apple' < 'Banana'), not binary order.
    expect((await rows('select name from item order by name limit 4')).map((r) => r[0])).toEqual(['Ábaco', 'apple', 'Banana', 'cherry']);
  });

  it('gives SUM of INT as DECIMAL and AVG as DECIMAL with 4 more digits', async () => {
    const a = await answer(c.sharded, 'select sum(qty), avg(qty), avg(price) from item');
    expect(a).toEqual({ rows: [['169', '16.9000', '46.676667']], types: [TYPE.NEWDECIMAL, TYPE.NEWDECIMAL, TYPE.NEWDECIMAL] });
  });

  it('counts distinct values across shards, grouping by the distinct column on the shards', async () => {
    expect(await rows('select count(distinct price) from item')).toEqual([['8']]);
    expect(await rows('select cat, count(distinct price), count(*) from item group by cat order by cat')).toEqual([
      [null, '1', '1'],
      ['fruit', '4', '4'],
      ['misc', '1', '1'],
      ['veg', '3', '4'],
    ]);
    await expect(c.sharded.query('select count(distinct price), count(distinct cat) from item')).rejects.toMatchObject({
      errno: 1235,
      message: expect.stringMatching(/^VT12001: unsupported: only one DISTINCT aggregation is allowed in a SELECT: /),
    });
    // Vitess's planner takes aggregates of one argument only (VT03001, a syntax error).
    await expect(c.sharded.query('select count(distinct cat, price) from item')).rejects.toMatchObject({
      errno: 1149,
      message: expect.stringMatching(/^VT03001: aggregate functions take a single argument /),
    });
  });

  it('evaluates expressions over merged aggregates', async () => {
    expect(await answer(c.sharded, 'select 1 + count(*), count(*) * 2, avg(qty) + 1, sum(price) - 20 from item')).toEqual({
      rows: [['11', '20', '17.9000', '400.09']],
      types: [TYPE.LONGLONG, TYPE.LONGLONG, TYPE.NEWDECIMAL, TYPE.NEWDECIMAL],
    });
  });

  it('runs a UNION across shards: branches keep their own ORDER BY / LIMIT, the union its own', async () => {
    // MySQL 8: the parenthesized branches give 10, 9 and 1, 2; the union's ORDER BY sorts all four.
    expect(await rows('(select id from item order by id desc limit 2) union all (select id from item order by id limit 2) order by id')).toEqual([
      ['1'], ['2'], ['9'], ['10'],
    ]);
    expect(await rows('select cat from item where id in (1, 2, 5) union select cat from item where id in (3, 6) order by cat')).toEqual([['fruit'], ['veg']]);
    expect(await rows('select cat from item where id in (1, 2, 5) union all select cat from item where id in (3, 6) order by cat desc limit 3')).toEqual([
      ['veg'], ['veg'], ['fruit'],
    ]);
    // The column's type is unified over the branches: an INT and a VARCHAR make a VARCHAR.
    expect(await answer(c.sharded, 'select id from item where id in (1, 2) union all select name from item where id = 4 order by 1')).toEqual({
      rows: [['1'], ['2'], ['Date']],
      types: [TYPE.VAR_STRING],
    });
  });

  it('orders GROUP_CONCAT across shards by the collation, with its SEPARATOR, keeping duplicates', async () => {
    expect(await answer(c.sharded, "select group_concat(name order by name separator '|') from item")).toEqual({
      rows: [['Ábaco|apple|Banana|cherry|Date|eggplant|Fennel|garlic|kale|zucchini']],
      types: [TYPE.VAR_STRING],
    });
    expect(await rows('select cat, group_concat(name order by name desc), count(*) from item group by cat order by cat')).toEqual([
      [null, 'kale', '1'],
      ['fruit', 'Date,cherry,Banana,apple', '4'],
      ['misc', 'Ábaco', '1'],
      ['veg', 'zucchini,garlic,Fennel,eggplant', '4'],
    ]);
    // Rows 1 and 6 share the price 19.50 on different shards: kept twice, once with DISTINCT.
    expect(await rows("select group_concat(price order by price separator ' ') from item where price < 20")).toEqual([['0.75 3.10 5.25 9.99 12.00 19.50 19.50']]);
    expect(await rows('select group_concat(distinct price order by price desc) from item where price < 20')).toEqual([['19.50,12.00,9.99,5.25,3.10,0.75']]);
    expect(await rows('select group_concat(name order by price desc, name) from item where price > 10')).toEqual([['eggplant,Banana,apple,Fennel,zucchini']]);
  });

  it('refuses GROUP BY WITH ROLLUP across shards instead of merging the super-aggregate rows as groups', async () => {
    await expect(c.sharded.query('select cat, count(*) from item group by cat with rollup')).rejects.toMatchObject({
      errno: 1235,
      message: 'VT12001: unsupported: GROUP BY WITH ROLLUP not supported for sharded queries',
    });
  });

  it('refuses a window across shards unless it partitions by the primary vindex column (Vitess v24)', async () => {
    for (const sql of ['select id, sum(qty) over (partition by cat) from item', 'select id, rank() over w from item window w as (order by qty)']) {
      await expect(c.sharded.query(sql)).rejects.toMatchObject({ errno: 1235, message: 'VT12001: unsupported: window functions are only supported for single-shard queries' });
    }
    // On one shard the window runs as written (the tablet answers it).
    const single = await answer(c.sharded, 'select id, sum(qty) over (partition by cat) from item where id = 1');
    expect(single).toEqual(await answer(c.unsharded, 'select id, sum(qty) over (partition by cat) from item where id = 1'));
    const byVindex = await answer(c.sharded, 'select id, sum(qty) over (partition by id) as s from item order by id');
    expect(byVindex).toEqual(await answer(c.unsharded, 'select id, sum(qty) over (partition by id) as s from item order by id'));
  });
});
