/**
 * CHECK constraints, generated columns and foreign keys through vtgate over the MySQL protocol on an
 * unsharded keyspace: the DDL reaches the tablet, and the tablet's MySQL errors reach the client
 * with their errno and SQLSTATE (Vitess's default foreign key mode leaves them to MySQL); a
 * session's foreign_key_checks reaches the tablets with its statements.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from './vtgate-fixture.js';

describe('constraints and generated columns through vtgate', () => {
  let c: TestCluster;
  let conn: mysql.Connection;

  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100]);
    await c.startVtgate(0);
    conn = await mysql.createConnection({ host: '127.0.0.1', port: c.vtgate.mysqlAddress!.port, user: 'root', database: 'commerce' });
  });
  afterAll(async () => {
    await conn.end();
    await c.close();
  });

  it('enforces CHECK constraints and computes generated columns', async () => {
    await conn.query('create table item (id int primary key, qty int check (qty >= 0), price decimal(6,2), total decimal(8,2) as (qty * price) stored)');
    await conn.query('insert into item (id, qty, price) values (1, 3, 2.50)');
    expect((await conn.query('select total from item'))[0]).toEqual([{ total: '7.50' }]);
    await expect(conn.query('insert into item (id, qty, price) values (2, -1, 1)')).rejects.toMatchObject({ errno: 3819, sqlState: 'HY000' });
    await expect(conn.query('update item set total = 1')).rejects.toMatchObject({ errno: 3105 });
  });

  it('enforces foreign keys: 1452 for a missing parent, 1451 for a referenced one, cascades on delete', async () => {
    await conn.query('create table parent (id int primary key)');
    await conn.query('create table child (id int primary key, parent_id int, foreign key (parent_id) references parent (id) on delete cascade)');
    await conn.query('create table pin (id int primary key, parent_id int, foreign key (parent_id) references parent (id))');
    await conn.query('insert into parent values (1), (2)');
    await expect(conn.query('insert into child values (1, 3)')).rejects.toMatchObject({ errno: 1452, sqlState: '23000' });
    await conn.query('insert into child values (1, 1), (2, 2)');
    await conn.query('insert into pin values (1, 2)');
    await expect(conn.query('delete from parent where id = 2')).rejects.toMatchObject({ errno: 1451, sqlState: '23000' });
    await conn.query('delete from parent where id = 1');
    expect((await conn.query('select id from child'))[0]).toEqual([{ id: 2 }]);
  });

  it("applies a session's foreign_key_checks to its own statements on the tablets (Vitess's reserved-connection setting)", async () => {
    const other = await mysql.createConnection({ host: '127.0.0.1', port: c.vtgate.mysqlAddress!.port, user: 'root', database: 'commerce' });
    try {
      await other.query('create table p2 (id int primary key)');
      await other.query('create table c2 (id int primary key, pid int, foreign key (pid) references p2 (id))');
      await other.query('set foreign_key_checks = off');
      await other.query('insert into c2 values (1, 42)');
      await expect(conn.query('insert into c2 values (2, 43)')).rejects.toMatchObject({ errno: 1452 });
      await expect(conn.query('drop table p2')).rejects.toMatchObject({ errno: 3730 });
      await other.query('drop table p2');
      await other.query('set foreign_key_checks = 1');
      await expect(other.query('insert into c2 values (3, 44)')).rejects.toMatchObject({ errno: 1452 });
    } finally {
      await other.end();
    }
  });
});
