/**
 * The CLIENT_FOUND_ROWS capability through vtgate (Vitess passes it to the tablets as
 * ExecuteOptions.client_found_rows) and user variables with MySQL's types, over the MySQL protocol.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from './vtgate-fixture.js';

describe('CLIENT_FOUND_ROWS and user variables through vtgate', () => {
  let c: TestCluster;
  let port: number;
  const connect = (flags?: string[]) => mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database: 'commerce', ...(flags ? { flags } : {}) });

  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100]);
    await c.startVtgate(0);
    port = c.vtgate.mysqlAddress!.port;
    const s = await c.session('commerce');
    await c.exec(s, 'create table t (id int primary key, v int)');
    await c.exec(s, 'insert into t values (1, 1), (2, 1), (3, 2)');
  });
  afterAll(async () => {
    await c.close();
  });

  it('counts matched rows as affected when the client asks for FOUND_ROWS (mysql2 does by default), changed rows otherwise', async () => {
    const found = await connect();
    const changed = await connect(['-FOUND_ROWS']);
    try {
      const [r1] = await found.query('update t set v = 1 where id in (1, 2, 3)');
      expect(r1).toMatchObject({ affectedRows: 3, changedRows: 1 });
      const [r2] = await changed.query('update t set v = 1 where id in (1, 2, 3)');
      expect(r2).toMatchObject({ affectedRows: 0 });
      await found.query('begin');
      const [r3] = await found.query('update t set v = 1 where id = 1');
      expect(r3).toMatchObject({ affectedRows: 1 });
      await found.query('commit');
      const [r4] = await found.query('insert into t values (1, 1) on duplicate key update v = 1');
      expect(r4).toMatchObject({ affectedRows: 1 });
      const [r5] = await changed.query('insert into t values (1, 1) on duplicate key update v = 1');
      expect(r5).toMatchObject({ affectedRows: 0 });
    } finally {
      await found.end();
      await changed.end();
    }
  });

  it('keeps user variables typed: NULL stays NULL, integers integers, strings strings', async () => {
    const conn = await connect();
    try {
      await conn.query("set @n = null, @i = 42, @s = 'null', @t = true");
      const [rows] = await conn.query('select @n as n, @i as i, @s as s, @t as t, @unset as u');
      expect(rows).toEqual([{ n: null, i: 42, s: 'null', t: 1, u: null }]);
      await expect(conn.query('set @x = no_such_column')).rejects.toMatchObject({ errno: 1054 });
    } finally {
      await conn.end();
    }
  });
});
