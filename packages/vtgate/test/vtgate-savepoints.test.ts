/**
 * Savepoints and transaction access modes through vtgate over the MySQL protocol (mysql2), on an
 * unsharded and a sharded keyspace: vtgate records savepoints and replays them on the shards a
 * transaction reaches later (Vitess's handleSavepoint), and gives START TRANSACTION's access mode
 * to every shard's begin.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from './vtgate-fixture.js';

describe('savepoints and READ ONLY transactions through vtgate', () => {
  let c: TestCluster;
  let port: number;
  const connect = (database: string) => mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database });

  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100]);
    await c.addShard('customer', '-80', [300]);
    await c.addShard('customer', '80-', [400]);
    await c.startVtgate(0);
    port = c.vtgate.mysqlAddress!.port;
    await c.exec(await c.session('commerce'), 'create table product (sku varchar(16) primary key, price int)');
    await c.applyVSchema('customer', {
      sharded: true,
      vindexes: { hash: { type: 'hash' } },
      tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] } },
    });
    await c.exec(await c.session('customer'), 'create table customer (customer_id bigint not null, email varchar(64), primary key (customer_id))');
  });
  afterAll(async () => {
    await c.close();
  });

  it('rolls an unsharded transaction back to a savepoint set after a write; the rows after it are never committed', async () => {
    const conn = await connect('commerce');
    try {
      await conn.query('begin');
      await conn.query("insert into product values ('a', 1)");
      await conn.query('savepoint s1');
      await conn.query("insert into product values ('b', 2)");
      await conn.query("update product set price = 10 where sku = 'a'");
      await conn.query('rollback to savepoint s1');
      expect((await conn.query('select sku, price from product order by sku'))[0]).toEqual([{ sku: 'a', price: 1 }]);
      await conn.query('savepoint s2');
      await conn.query("insert into product values ('c', 3)");
      await conn.query('release savepoint s2');
      await expect(conn.query('rollback to savepoint s2')).rejects.toMatchObject({ errno: 1305, sqlState: '42000' });
      await conn.query('commit');
      expect((await conn.query('select sku, price from product order by sku'))[0]).toEqual([
        { sku: 'a', price: 1 },
        { sku: 'c', price: 3 },
      ]);
      await expect(conn.query('rollback to savepoint s1')).rejects.toMatchObject({
        errno: 1305,
        sqlState: '42000',
        message: 'SAVEPOINT does not exist: rollback to savepoint s1',
      });
      await conn.query('savepoint outside');
    } finally {
      await conn.end();
    }
  });

  it('replays savepoints on shards a sharded transaction reaches after they were set', async () => {
    const conn = await connect('customer');
    try {
      await conn.query('begin');
      await conn.query('savepoint before_any');
      await conn.query("insert into customer (customer_id, email) values (1, 'one')");
      await conn.query('savepoint after_one');
      await conn.query("insert into customer (customer_id, email) values (4, 'four')");
      await conn.query("insert into customer (customer_id, email) values (2, 'two')");
      await conn.query('rollback to savepoint after_one');
      expect((await conn.query('select customer_id from customer order by customer_id'))[0]).toEqual([{ customer_id: 1 }]);
      await conn.query("insert into customer (customer_id, email) values (5, 'five')");
      await conn.query('rollback to before_any');
      expect((await conn.query('select customer_id from customer order by customer_id'))[0]).toEqual([]);
      await conn.query("insert into customer (customer_id, email) values (3, 'three')");
      await conn.query('commit');
      expect((await conn.query('select customer_id, email from customer order by customer_id'))[0]).toEqual([{ customer_id: 3, email: 'three' }]);
    } finally {
      await conn.end();
    }
  });

  it('START TRANSACTION READ ONLY reaches the tablets: writes fail with 1792, reads work; READ WRITE writes', async () => {
    const conn = await connect('customer');
    try {
      await conn.query('start transaction read only');
      expect((await conn.query('select count(*) as n from customer'))[0]).toEqual([{ n: 1 }]);
      await expect(conn.query("insert into customer (customer_id, email) values (6, 'six')")).rejects.toMatchObject({ errno: 1792, sqlState: '25006' });
      await conn.query('commit');
      await conn.query('start transaction read write');
      await conn.query("insert into customer (customer_id, email) values (6, 'six')");
      await conn.query('commit');
      expect((await conn.query('select customer_id from customer order by customer_id'))[0]).toEqual([{ customer_id: 3 }, { customer_id: 6 }]);
    } finally {
      await conn.end();
    }
  });
});
