import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRowBytes, resultToWire } from '@vtsim/proto';
import { exampleFile, sqlStatements, TestCluster } from './vtgate-fixture.js';

const CUSTOMERS = [
  [1, 'alice@domain.com'],
  [2, 'bob@domain.com'],
  [3, 'charlie@domain.com'],
  [4, 'dan@domain.com'],
  [5, 'eve@domain.com'],
] as const;

describe('vtgate on a sharded customer keyspace (-80, 80-, hash)', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100, 101, 102]);
    await c.addShard('customer', '-80', [300, 301, 302]);
    await c.addShard('customer', '80-', [400, 401, 402]);
    await c.startVtgate();
    const commerce = await c.session('commerce');
    for (const stmt of sqlStatements(exampleFile('create_commerce_seq.sql'))) await c.exec(commerce, stmt);
    await c.applyVSchema('commerce', exampleFile('vschema_commerce_seq.json'));
    await c.applyVSchema('customer', exampleFile('vschema_customer_sharded.json'));
    const customer = await c.session('customer');
    await c.exec(customer, 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id))');
    await c.exec(customer, 'create table corder(order_id bigint not null, customer_id bigint, sku varbinary(128), price bigint, primary key(order_id))');
    for (const [id, email] of CUSTOMERS) await c.exec(customer, `insert into customer(customer_id, email) values (${id}, '${email}')`);
    await c.exec(
      customer,
      "insert into corder(order_id, customer_id, sku, price) values (1, 1, 'SKU-1001', 100), (2, 2, 'SKU-1002', 30), (3, 3, 'SKU-1002', 30), (4, 4, 'SKU-1002', 30), (5, 5, 'SKU-1002', 30)",
    );
  });
  afterAll(async () => {
    await c.close();
  });

  it('places rows by the hash vindex: 1, 2, 3, 5 on -80 and 4 on 80-', async () => {
    const low = await c.session('customer/-80');
    expect(await c.rows(low, 'select * from customer')).toEqual([
      ['1', 'alice@domain.com'],
      ['2', 'bob@domain.com'],
      ['3', 'charlie@domain.com'],
      ['5', 'eve@domain.com'],
    ]);
    expect((await c.rows(low, 'select order_id from corder')).map((r) => r[0])).toEqual(['1', '2', '3', '5']);
    const high = await c.session('customer:80-');
    expect(await c.rows(high, 'select * from customer')).toEqual([['4', 'dan@domain.com']]);
    expect(await c.rows(high, 'select order_id, price from corder')).toEqual([['4', '30']]);
  });

  it('scatters selects and merges ORDER BY and LIMIT', async () => {
    const s = await c.session('customer');
    expect(await c.rows(s, 'select customer_id, email from customer order by customer_id')).toEqual(CUSTOMERS.map(([id, e]) => [String(id), e]));
    expect(await c.rows(s, 'select * from customer order by customer_id desc limit 2')).toEqual([
      ['5', 'eve@domain.com'],
      ['4', 'dan@domain.com'],
    ]);
    expect(await c.rows(s, 'select email from customer order by customer_id limit 1, 2')).toEqual([['bob@domain.com'], ['charlie@domain.com']]);
    expect((await c.rows(s, 'select * from customer')).length).toBe(5);
    const r = await c.exec(s, 'select email from customer order by customer_id desc');
    expect(r.fields.map((f) => f.name)).toEqual(['email']);
    expect(r.rows.map((x) => Buffer.from(x[0] as Uint8Array).toString())).toEqual(CUSTOMERS.map(([, e]) => e).reverse());
  });

  it('routes vindex equalities and IN lists to their shards', async () => {
    const s = await c.session('customer');
    expect(await c.rows(s, 'select email from customer where customer_id = 4')).toEqual([['dan@domain.com']]);
    expect(await c.rows(s, 'select email from customer where customer_id in (4, 1) order by customer_id')).toEqual([['alice@domain.com'], ['dan@domain.com']]);
    expect(await c.rows(s, 'select email from customer where customer_id = 99')).toEqual([]);
  });

  it('merges aggregates across shards', async () => {
    const s = await c.session('customer');
    expect(await c.rows(s, 'select count(*) from customer')).toEqual([['5']]);
    expect(await c.rows(s, 'select count(*), sum(price), min(price), max(price), avg(price) from corder')).toEqual([['5', '220', '30', '100', '44.0000']]);
    expect(await c.rows(s, 'select sku, count(*) as n, sum(price) from corder group by sku order by n desc')).toEqual([
      ['SKU-1002', '4', '120'],
      ['SKU-1001', '1', '100'],
    ]);
    expect(await c.rows(s, 'select sku from corder group by sku having count(*) > 1')).toEqual([['SKU-1002']]);
    expect(await c.rows(s, 'select distinct price from corder order by price')).toEqual([['30'], ['100']]);
    const avg = await c.exec(s, 'select avg(price) from corder');
    expect(avg.fields[0]!.name).toBe('avg(price)');
  });

  it('fills auto-increment ids from the sequence and splits multi-row inserts', async () => {
    const s = await c.session('customer');
    const r = await c.exec(s, "insert into customer(email) values ('f@x'), ('g@x'), ('h@x')");
    expect(r.rowsAffected).toBe(3);
    expect(r.insertId).toBe(1000n);
    expect(s.lastInsertId).toBe(1000n);
    expect(await c.rows(s, 'select customer_id from customer where customer_id >= 1000 order by customer_id')).toEqual([['1000'], ['1001'], ['1002']]);
    const low = await c.session('customer/-80');
    const high = await c.session('customer/80-');
    expect((await c.rows(low, 'select customer_id from customer where customer_id >= 1000')).map((x) => x[0])).toEqual(['1000', '1002']);
    expect((await c.rows(high, 'select customer_id from customer where customer_id >= 1000')).map((x) => x[0])).toEqual(['1001']);
    expect(await c.rows(s, 'select last_insert_id()')).toEqual([['1000']]);
    const o = await c.exec(s, "insert into corder(customer_id, sku, price) values (4, 'SKU-9', 1)");
    expect(o.insertId).toBe(1000n);
    await c.exec(s, 'delete from customer where customer_id in (1000, 1001, 1002)');
    await c.exec(s, 'delete from corder where order_id = 1000');
  });

  it('routes updates and deletes and refuses vindex changes', async () => {
    const s = await c.session('customer');
    const u = await c.exec(s, "update customer set email = 'dan@new.com' where customer_id = 4");
    expect(u.rowsAffected).toBe(1);
    const all = await c.exec(s, "update corder set price = 31 where sku = 'SKU-1002'");
    expect(all.rowsAffected).toBe(4);
    expect((await c.exec(s, "update corder set price = 30 where sku = 'SKU-1002'")).rowsAffected).toBe(4);
    await c.exec(s, "update customer set email = 'dan@domain.com' where customer_id = 4");
    await expect(c.exec(s, 'update customer set customer_id = 9 where customer_id = 4')).rejects.toMatchObject({ errno: 1235 });
    await expect(c.exec(s, 'select * from customer c join product p on c.email = p.sku')).rejects.toMatchObject({ errno: 1146 });
    // Not on the vindex: vtgate joins the two scatters itself (no email is a sku).
    expect(await c.rows(s, 'select c.email from customer c join corder o on c.email = o.sku')).toEqual([]);
    expect(await c.rows(s, 'select c.email, o.price from customer c join corder o on c.customer_id = o.customer_id where c.customer_id = 1')).toEqual([
      ['alice@domain.com', '100'],
    ]);
    expect(await c.rows(s, 'select count(*) from customer c join corder o on c.customer_id = o.customer_id')).toEqual([['5']]);
  });

  it('inserts without a column list by the columns it tracks from the tablets, and tracks them again after DDL', async () => {
    const s = await c.session('customer');
    await c.exec(s, 'create table tracked (id bigint not null, name varchar(20), primary key (id))');
    const vschema = JSON.parse(exampleFile('vschema_customer_sharded.json'));
    vschema.tables.tracked = { column_vindexes: [{ column: 'id', name: 'hash' }] };
    await c.applyVSchema('customer', JSON.stringify(vschema));
    expect((await c.exec(s, "insert into tracked values (1, 'one'), (4, 'four')")).rowsAffected).toBe(2);
    expect(await c.rows(await c.session('customer:80-'), 'select id, name from tracked')).toEqual([['4', 'four']]);
    expect((await c.exec(s, "insert into tracked select id + 10, concat(name, '!') from tracked where id = 1")).rowsAffected).toBe(1);
    // An ALTER through vtgate drops what it tracked: the next insert sees the new column.
    await c.exec(s, 'alter table tracked add column n int');
    await c.exec(s, "insert into tracked values (2, 'two', 7)");
    expect(await c.rows(s, 'select id, name, n from tracked order by id')).toEqual([['1', 'one', null], ['2', 'two', '7'], ['4', 'four', null], ['11', 'one!', null]]);
    await expect(c.exec(s, "insert into tracked values (3, 'x')")).rejects.toMatchObject({ errno: 1136 });

    // UPDATE/DELETE … ORDER BY … LIMIT across shards: the keys first, then the DML on them (Vitess's DMLWithInput).
    expect((await c.exec(s, 'update tracked set n = 0 order by id desc limit 2')).rowsAffected).toBe(2);
    expect(await c.rows(s, 'select id from tracked where n = 0 order by id')).toEqual([['4'], ['11']]);
    expect((await c.exec(s, 'delete from tracked where n is null order by name limit 1')).rowsAffected).toBe(1);
    expect(await c.rows(s, 'select id from tracked order by id')).toEqual([['2'], ['4'], ['11']]);
    expect((await c.exec(s, 'delete from tracked where id > 100 order by id limit 1')).rowsAffected).toBe(0);
    const plan = JSON.parse(String((await c.exec(s, 'vexplain plan delete from tracked order by id limit 1')).rows[0]![0]));
    expect(plan).toMatchObject({ OperatorType: 'DMLWithInput', BindVars: ['dml_vals'] });
    await c.exec(s, 'drop table tracked');
  });

  it('reaches sequences and unsharded tables across keyspaces', async () => {
    const s = await c.session();
    expect(await c.rows(s, 'select count(*) from customer')).toEqual([['5']]);
    expect(await c.rows(s, 'select next_id > 0 from commerce.customer_seq')).toEqual([['1']]);
    await expect(c.exec(s, 'select * from nosuch')).rejects.toMatchObject({ errno: 1146, message: 'table nosuch not found' });
  });

  // Scatter merges see each shard's FLOAT as MySQL computes with it, the float32 widened to a double
  // (SUM 3.1415927 + 0.1 = 3.2415927425026894, not 3.24159); MIN/MAX keep the FLOAT type, shown with 6
  // digits as MySQL's text protocol does (MIN(f) of FLOAT 0.1 → 0.1, MAX → 3.14159).
  it('merges FLOAT columns across shards with their float32 values', async () => {
    const s = await c.session('customer');
    await c.exec(s, 'alter table corder add column f float');
    // Order 1 (customer 1) is on -80, order 4 (customer 4) on 80-.
    await c.exec(s, 'update corder set f = 3.1415927 where order_id = 1');
    await c.exec(s, 'update corder set f = 0.1 where order_id = 4');
    const text = async (sql: string) => {
      const wire = resultToWire(await c.exec(s, sql));
      return wire.rows.map((r) => decodeRowBytes(r).map((b) => b?.toString() ?? null));
    };
    expect(await text('select sum(f), min(f), max(f) from corder')).toEqual([['3.2415927425026894', '0.1', '3.14159']]);
    expect(await text('select order_id, f from corder where f is not null order by f desc')).toEqual([['1', '3.14159'], ['4', '0.1']]);
    expect(await text('select order_id from corder where f = 3.14159')).toEqual([]);
  });
});

