import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlError } from '@vtsim/proto';
import { exampleFile, sqlStatements, TestCluster } from './vtgate-fixture.js';

describe('vtgate on an unsharded commerce keyspace', () => {
  let c: TestCluster;
  beforeEach(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100, 101, 102]);
    await c.startVtgate();
    const s = await c.session('commerce');
    for (const stmt of sqlStatements(exampleFile('create_commerce_schema.sql'))) await c.exec(s, stmt);
    await c.applyVSchema('commerce', exampleFile('vschema_commerce_initial.json'));
  });
  afterEach(async () => {
    await c.close();
  });

  it('runs the local example inserts and selects', async () => {
    const s = await c.session();
    for (const stmt of sqlStatements(exampleFile('insert_commerce_data.sql'))) await c.exec(s, stmt);
    await c.exec(s, 'use commerce');
    expect(await c.rows(s, 'select * from customer')).toEqual([
      ['1', 'alice@domain.com'],
      ['2', 'bob@domain.com'],
      ['3', 'charlie@domain.com'],
      ['4', 'dan@domain.com'],
      ['5', 'eve@domain.com'],
    ]);
    const r = await c.exec(s, 'select * from product');
    expect(r.fields.map((f) => f.name)).toEqual(['sku', 'description', 'price']);
    // A MySQL-protocol session asks for ALL field metadata; the tablet names its database by the keyspace.
    expect(r.fields.map((f) => [f.database, f.table, f.org_name])).toEqual([
      ['commerce', 'product', 'sku'],
      ['commerce', 'product', 'description'],
      ['commerce', 'product', 'price'],
    ]);
    expect(await c.rows(s, 'select * from corder')).toEqual([
      ['1', '1', 'SKU-1001', '100'],
      ['2', '2', 'SKU-1002', '30'],
      ['3', '3', 'SKU-1002', '30'],
      ['4', '4', 'SKU-1002', '30'],
      ['5', '5', 'SKU-1002', '30'],
    ]);
    expect(await c.rows(s, 'select email from commerce.customer where customer_id = 3')).toEqual([['charlie@domain.com']]);
  });

  it('answers vtgate-level queries', async () => {
    const s = await c.session();
    expect(await c.rows(s, 'select @@version')).toEqual([['8.0.30-Vitess']]);
    expect(await c.rows(s, 'select database()')).toEqual([[null]]);
    await c.exec(s, 'use commerce');
    expect(await c.rows(s, 'select database()')).toEqual([['commerce']]);
    expect((await c.exec(s, 'select @@version_comment limit 1')).rows).toHaveLength(1);
    expect(await c.rows(s, 'show databases')).toEqual([['commerce'], ['information_schema'], ['mysql'], ['sys'], ['performance_schema']]);
    expect(await c.rows(s, 'show keyspaces')).toEqual([['commerce']]);
    expect(await c.rows(s, 'show vitess_shards')).toEqual([['commerce/0']]);
    const tables = await c.exec(s, 'show tables');
    expect(tables.fields[0]!.name).toBe('Tables_in_commerce');
    expect(tables.rows.map((r) => String(r[0]))).toEqual(['corder', 'customer', 'product']);
    const tablets = await c.exec(s, 'show vitess_tablets');
    expect(tablets.fields.map((f) => f.name)).toEqual(['Cell', 'Keyspace', 'Shard', 'TabletType', 'State', 'Alias', 'Hostname', 'PrimaryTermStartTime']);
    expect(tablets.rows.map((r) => r.slice(0, 6).map(String))).toEqual([
      ['zone1', 'commerce', '0', 'PRIMARY', 'SERVING', 'zone1-0000000100'],
      ['zone1', 'commerce', '0', 'REPLICA', 'SERVING', 'zone1-0000000101'],
      ['zone1', 'commerce', '0', 'RDONLY', 'SERVING', 'zone1-0000000102'],
    ]);
    expect(String(tablets.rows[0]![7])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await c.exec(s, 'set autocommit = 1, names utf8mb4, @x = 5, sql_mode = \'\'');
    expect(await c.rows(s, 'select @x')).toEqual([['5']]);
    expect((await c.exec(s, 'show warnings')).rows).toEqual([]);
  });

  it('reports errors with MySQL errno and SQLSTATE', async () => {
    const s = await c.session('commerce');
    await expect(c.exec(s, 'select * from nosuch')).rejects.toMatchObject({
      errno: 1146,
      sqlState: '42S02',
      message: `target: commerce.0.primary: vttablet: rpc error: code = NotFound desc = Table 'vt_commerce.nosuch' doesn't exist (errno 1146) (sqlstate 42S02) (CallerID: userData1): Sql: "select * from nosuch", BindVars: {}`,
    });
    await expect(c.exec(s, 'selec 1')).rejects.toMatchObject({ errno: 1064, sqlState: '42000' });
    await expect(c.exec(s, 'use nosuch')).rejects.toMatchObject({ errno: 1049, message: "Unknown database 'nosuch'" });
    await c.exec(s, "insert into product(sku, description, price) values ('a', 'b', 1)");
    const dup = await c.exec(s, "insert into product(sku, description, price) values ('a', 'b', 1)").catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(SqlError);
    expect(dup).toMatchObject({ errno: 1062, sqlState: '23000' });
  });

  it('targets replicas and rdonly tablets', async () => {
    const s = await c.session('commerce');
    await c.exec(s, "insert into customer(email) values ('x@y')");
    const r = await c.session('commerce@replica');
    await expect(c.exec(r, "insert into customer(email) values ('z')")).rejects.toMatchObject({ errno: 1105 });
    const rd = await c.session('commerce@rdonly');
    const { waitFor } = await import('./vtgate-fixture.js');
    await waitFor(async () => (await c.rows(rd, 'select count(*) from customer'))[0]![0] === '1');
    expect(await c.rows(r, 'select email from customer')).toEqual([['x@y']]);
  });

  it('runs transactions across statements', async () => {
    const s = await c.session('commerce');
    await c.exec(s, 'begin');
    await c.exec(s, "insert into customer(email) values ('t1')");
    const other = await c.session('commerce');
    expect(await c.rows(other, 'select count(*) from customer')).toEqual([['0']]);
    await c.exec(s, 'commit');
    expect(await c.rows(other, 'select count(*) from customer')).toEqual([['1']]);
    await c.exec(s, 'begin');
    await c.exec(s, "insert into customer(email) values ('t2')");
    await c.exec(s, 'rollback');
    expect(await c.rows(other, 'select count(*) from customer')).toEqual([['1']]);
    await c.exec(s, 'set autocommit = 0');
    await c.exec(s, "insert into customer(email) values ('t3')");
    expect(s.inTransaction).toBe(true);
    await c.exec(s, 'set autocommit = 1');
    expect(await c.rows(other, 'select count(*) from customer')).toEqual([['2']]);
  });
});
