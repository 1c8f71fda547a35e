// vtgate's joins, subqueries, derived tables and CTEs across shards through mysql2: each statement
// runs on a keyspace of two shards (where the tables cannot all go to one route, so vtgate joins
// them with nested loops, pulls subqueries out, evaluates derived tables itself) and on an
// unsharded keyspace holding the same rows, and must give the same answer (values and MySQL
// column types). Also INSERT … SELECT across shards and VEXPLAIN PLAN.
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

type Answer = { rows: unknown[][]; types: number[]; names: string[] } | { errno: number; message: string };

async function answer(conn: CrossShardCluster['sharded'], sql: string): Promise<Answer> {
  try {
    const [rows, fields] = await conn.query({ sql, rowsAsArray: true });
    return { rows: rows as unknown[][], types: (fields ?? []).map((f) => f.columnType ?? -1), names: (fields ?? []).map((f) => f.name) };
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
    'select i.name, o.id from item i join ord o on o.item_id = i.id where i.id = 1 order by o.id for update',
    // `*` of tables whose columns vtgate learns from the rows' fields.
    'select * from item i join ord o on o.item_id = i.id order by o.id',
    'select o.*, i.name from item i left join ord o on o.item_id = i.id order by i.id, o.id',
    'select distinct i.* from item i join ord o on o.item_id = i.id where o.qty > 1 order by i.name desc limit 2',
    'select * from (select cat, count(*) n from item group by cat) d join item i on i.cat = d.cat order by i.id',
    // Unqualified columns of tables whose columns vtgate learns from the rows' fields.
    'select name, cust from item i join ord o on o.item_id = i.id order by o.id',
    "select name, count(*) from item join ord on item_id = item.id where cust <> 'bob' group by name order by name",
    // The shapes ORMs send: Sequelize's include (and with a LIMIT, its derived table), TypeORM's paginated DISTINCT.
    'SELECT `Item`.`id`, `Item`.`name`, `Ords`.`id` AS `Ords.id`, `Ords`.`cust` AS `Ords.cust` FROM `item` AS `Item` LEFT OUTER JOIN `ord` AS `Ords` ON `Item`.`id` = `Ords`.`item_id` ORDER BY `Item`.`id`, `Ords`.`id`',
    'SELECT `Item`.*, `Ords`.`id` AS `Ords.id` FROM (SELECT `Item`.`id`, `Item`.`name` FROM `item` AS `Item` ORDER BY `Item`.`id` LIMIT 3) AS `Item` LEFT OUTER JOIN `ord` AS `Ords` ON `Item`.`id` = `Ords`.`item_id` ORDER BY `Item`.`id`, `Ords`.`id`',
    'SELECT DISTINCT `distinctAlias`.`Item_id` AS `ids_Item_id` FROM (SELECT `Item`.`id` AS `Item_id`, `o`.`id` AS `o_id` FROM `item` `Item` LEFT JOIN `ord` `o` ON `o`.`item_id`=`Item`.`id`) `distinctAlias` ORDER BY `distinctAlias`.`Item_id` ASC LIMIT 4',
  ];
  for (const sql of statements) {
    it(sql, async () => {
      const expected = await answer(c.unsharded, sql);
      expect('rows' in expected, JSON.stringify(expected)).toBe(true);
      expect(await answer(c.sharded, sql)).toEqual(expected);
    });
  }
});

describe('subqueries, derived tables and CTEs across shards equal the unsharded keyspace', () => {
  const statements = [
    'select id from item where id in (select item_id from ord) order by id',
    'select id from item where id not in (select item_id from ord where item_id is not null) order by id',
    "select id from item where id in (select item_id from ord where cust = 'nobody') order by id",
    "select id from item where id not in (select item_id from ord where cust = 'nobody') order by id",
    "select id, w not in (select item_id from ord where cust = 'nobody'), w in (select item_id from ord where cust = 'nobody') from item order by id",
    'select id from item where exists (select 1 from ord where qty > 4) order by id',
    'select id from item where not exists (select 1 from ord where qty > 4) order by id',
    'select id from item where price > (select avg(price) from item) order by id',
    'select i.id from item i where exists (select 1 from item j where j.id = i.id and j.qty > 5) order by i.id',
    'select i.id from item i where exists (select 1 from ord o where o.item_id = i.id and o.qty > 1) order by i.id',
    'select i.cat, count(*) from item i where not exists (select 1 from ord o where o.item_id = i.id) group by i.cat order by i.cat',
    'select cat, n from (select cat, count(*) n from item group by cat) d where n >= 2 order by cat',
    'select * from (select id, name from item where cat = \'veg\') v order by id',
    'select d.cat, d.n, i.name from (select cat, count(*) n from item group by cat) d join item i on i.cat = d.cat order by i.id',
    'with t as (select cust, sum(qty) s from ord group by cust) select t.cust, t.s from t order by t.cust',
    'with a as (select id from item where qty > 5), b as (select item_id from ord) select count(*) from a join b on a.id = b.item_id',
    'with t (k, v) as (select id, price from item where id < 4) select k, v from t order by k',
    'with recursive r (n) as (select 1 union all select n + 1 from r where n < 5) select sum(n) from r',
  ];
  for (const sql of statements) {
    it(sql, async () => {
      const expected = await answer(c.unsharded, sql);
      expect('rows' in expected, JSON.stringify(expected)).toBe(true);
      expect(await answer(c.sharded, sql)).toEqual(expected);
    });
  }

  it('keeps the types of pulled-out and derived values as MySQL 8 does (DECIMAL arithmetic, BIGINT counts)', async () => {
    expect(await answer(c.sharded, 'select id, price - (select min(price) from item) from item where id in (3, 8) order by id')).toMatchObject({
      rows: [
        ['3', '4.50'],
        ['8', '0.00'],
      ],
      types: [8, 246],
    });
    expect(await answer(c.sharded, 'select (select max(price) from item), (select count(*) from ord)')).toMatchObject({ rows: [['250.00', '7']], types: [246, 8] });
    expect(await answer(c.sharded, 'select max(s) from (select cust, sum(qty) s from ord group by cust) t')).toMatchObject({ rows: [['7']], types: [246] });
  });

  it('refuses a correlated subquery other than EXISTS whose rows may be on other shards, and a recursive CTE over sharded tables', async () => {
    expect(await answer(c.sharded, 'select i.id from item i where i.qty > (select count(*) from ord o where o.item_id = i.id)')).toMatchObject({
      errno: 1235,
      message: 'VT12001: unsupported: correlated subquery is only supported for EXISTS',
    });
    for (const sql of [
      'with recursive r (n) as (select 1 union all select n + 1 from r where n < 3) select n, (select count(*) from item where id <= r.n) from r',
    ]) {
      expect(await answer(c.sharded, sql)).toMatchObject({ errno: 1235, message: expect.stringContaining('VT12001: unsupported:') });
    }
  });
});

describe('INSERT … SELECT across shards', () => {
  it('inserts the selected rows on the shards of their vindex values', async () => {
    for (const conn of [c.unsharded, c.sharded]) {
      await conn.query('create table ord2 (id bigint not null, item_id bigint, cust varchar(16), qty int, primary key (id))');
    }
    await c.cluster.applyVSchema('sks', {
      sharded: true,
      vindexes: { hash: { type: 'hash' } },
      tables: Object.fromEntries(['item', 'ord', 'ord2'].map((t) => [t, { column_vindexes: [{ column: 'id', name: 'hash' }] }])),
    });
    const [res] = await c.sharded.query('insert into ord2 (id, item_id, cust, qty) select o.id + 100, i.id, o.cust, o.qty * 2 from ord o join item i on i.id = o.item_id');
    expect((res as { affectedRows: number }).affectedRows).toBe(6);
    // Each row is found by its vindex value (an equal route reaches only its shard).
    for (const id of [101, 102, 103, 104, 105, 107]) {
      const [rows] = await c.sharded.query({ sql: `select id from ord2 where id = ${id}`, rowsAsArray: true });
      expect(rows).toEqual([[String(id)]]);
    }
    const [sum] = await c.sharded.query({ sql: 'select count(*), sum(qty) from ord2', rowsAsArray: true });
    expect(sum).toEqual([['6', '28']]);
  });
});

describe('joins with reference tables', () => {
  it('outer-joins a sharded table to a reference table in vtgate, not on every shard', async () => {
    await c.cluster.applyVSchema('uks', { sharded: false, tables: { item: {}, ord: {}, ord2: {}, cats: {} } });
    await c.cluster.applyVSchema('sks', {
      sharded: true,
      vindexes: { hash: { type: 'hash' } },
      tables: { ...Object.fromEntries(['item', 'ord', 'ord2'].map((t) => [t, { column_vindexes: [{ column: 'id', name: 'hash' }] }])), cats: { type: 'reference' } },
    });
    for (const conn of [c.unsharded, c.sharded]) {
      await conn.query('create table cats (cat varchar(16) not null, label varchar(16), primary key (cat))');
      await conn.query("insert into cats (cat, label) values ('fruit', 'Fruit'), ('veg', 'Vegetables'), ('nuts', 'Nuts')");
    }
    for (const sql of [
      'select c.cat, i.id from cats c left join item i on i.cat = c.cat order by c.cat, i.id',
      'select c.cat, count(i.id) from cats c left join item i on i.cat = c.cat group by c.cat order by c.cat',
      'select i.id, c.label from item i left join cats c on c.cat = i.cat order by i.id',
      'select i.id, c.label from item i join cats c on c.cat = i.cat order by i.id',
    ]) {
      expect(await answer(c.sharded, sql), sql).toEqual(await answer(c.unsharded, sql));
    }
  });
});

describe('VEXPLAIN PLAN', () => {
  it("shows a join's plan in Vitess's PrimitiveDescription shape", async () => {
    for (const prefix of ['vexplain plan', 'vexplain', 'explain format=vitess']) {
      const [rows, fields] = await c.sharded.query({ sql: `${prefix} select i.name, o.id from item i join ord o on o.item_id = i.id where i.id = 3`, rowsAsArray: true });
      expect(fields!.map((f) => f.name)).toEqual(['JSON']);
      const plan = JSON.parse((rows as string[][])[0]![0]!);
      const join = plan.Inputs[0];
      expect(join).toMatchObject({ OperatorType: 'Join', Variant: 'Join', JoinColumnIndexes: 'L:0,L:1,R:0', JoinVars: { i_id: 0 } });
      expect(join.Inputs[0]).toMatchObject({ OperatorType: 'Route', Variant: 'EqualUnique', Keyspace: { Name: 'sks', Sharded: true }, Vindex: 'hash', Values: [':vtg1'] });
      expect(join.Inputs[1]).toMatchObject({ OperatorType: 'Route', Variant: 'Scatter', Query: 'select `o`.`id` from `ord` as `o` where `o`.`item_id` = :i_id' });
    }
  });
  it('shows the merge above a scatter (aggregation, LIMIT) and a pulled-out subquery', async () => {
    const [rows] = await c.sharded.query({ sql: 'vexplain plan select cat, count(*) from item group by cat limit 2', rowsAsArray: true });
    const plan = JSON.parse((rows as string[][])[0]![0]!);
    expect(plan).toMatchObject({ OperatorType: 'Limit', Count: '2', Inputs: [{ OperatorType: 'Aggregate', Variant: 'Ordered', Inputs: [{ OperatorType: 'Route', Variant: 'Scatter' }] }] });
    const [rows2] = await c.sharded.query({ sql: 'vexplain plan select id from item where id in (select item_id from ord)', rowsAsArray: true });
    expect(JSON.parse((rows2 as string[][])[0]![0]!)).toMatchObject({
      OperatorType: 'UncorrelatedSubquery',
      Variant: 'PulloutIn',
      PulloutVars: ['__sq_has_values1', '__sq1'],
      Inputs: [{ InputName: 'SubQuery', OperatorType: 'Route' }, { InputName: 'Outer', OperatorType: 'Route', Variant: 'IN', Values: [':__sq1'] }],
    });
  });
  it('shows an information_schema query as a DBA route with its routing values', async () => {
    const [rows] = await c.sharded.query({ sql: "vexplain plan select table_name from information_schema.tables where table_schema = 'x' and table_name = 'item'", rowsAsArray: true });
    expect(JSON.parse((rows as string[][])[0]![0]!)).toMatchObject({ OperatorType: 'Route', Variant: 'DBA', SysTableTableSchema: expect.stringMatching(/^\[.+\]$/), SysTableTableName: expect.stringMatching(/^\[.+\]$/) });
  });
  it('refuses the kinds it does not show', async () => {
    await expect(c.sharded.query('vexplain queries select 1')).rejects.toMatchObject({ errno: 1235 });
  });
});

describe('aggregates written as function calls across shards', () => {
  it('merges BIT_AND/OR/XOR and refuses the ones it cannot merge rather than answering per shard', async () => {
    const sql = 'select bit_and(qty), bit_or(qty), bit_xor(qty) from item where qty > 0';
    expect(await answer(c.sharded, sql)).toEqual(await answer(c.unsharded, sql));
    for (const [bad, aggregate] of [['select std(qty) from item', 'std(qty)'], ['select json_arrayagg(id) from item', 'json_arrayagg(id)']]) {
      expect(await answer(c.sharded, bad)).toMatchObject({ errno: 1235, message: `VT12001: unsupported: in scatter query: aggregation function '${aggregate}'` });
    }
  });
});

describe('joins vtgate refuses across shards', () => {
  it('refuses an unqualified column in a left join\'s ON, which needs the tables\' schemas (VT09015)', async () => {
    const a = await answer(c.sharded, 'select i.id from item i left join ord o on item_id = i.id');
    expect(a).toMatchObject({ errno: 1105 });
    expect((a as { message: string }).message).toContain('VT09015: schema tracking required');
  });
  it('expands * over a USING join from the columns it tracks, in MySQL\'s order (the USING columns once, first)', async () => {
    for (const sql of ['select * from item i join ord o using (id) order by id', 'select * from item i left join ord o using (id) order by id']) {
      const sharded = await answer(c.sharded, sql);
      expect(sharded).toEqual(await answer(c.unsharded, sql));
      expect((sharded as { names: string[] }).names.filter((n) => n === 'id')).toEqual(['id']);
    }
  });
  it('reports an unqualified column several tables have as ambiguous, as MySQL does', async () => {
    const sql = 'select id from item join ord on item_id = item.id';
    expect(await answer(c.unsharded, sql)).toMatchObject({ errno: 1052 });
    expect(await answer(c.sharded, sql)).toMatchObject({ errno: 1052, message: "Column 'id' in field list is ambiguous" });
  });
  it('refuses clauses it cannot apply above the join rather than dropping them', async () => {
    expect(await answer(c.sharded, 'select i.cat, count(*) from item i join ord o on o.item_id = i.id group by i.cat with rollup')).toMatchObject({
      errno: 1235,
      message: 'VT12001: unsupported: GROUP BY WITH ROLLUP not supported for sharded queries',
    });
  });
  it('keeps one route when both tables join on their vindex', async () => {
    expect(await answer(c.sharded, 'select a.id, b.name from item a join item b on a.id = b.id where a.id = 4')).toMatchObject({ rows: [['4', 'Date']] });
  });
});
