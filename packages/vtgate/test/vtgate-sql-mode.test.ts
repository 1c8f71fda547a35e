/**
 * sql_mode through vtgate over the MySQL protocol: a session's SET sql_mode is validated by vtgate
 * and applied by the tablets to that session's queries only (Vitess's system settings); SET GLOBAL
 * on a tablet changes what sessions without their own mode get.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SQL_MODE } from '@vtsim/sql';
import { TestCluster } from './vtgate-fixture.js';

describe('sql_mode through vtgate', () => {
  let c: TestCluster;
  let port: number;
  const connect = () => mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database: 'customer', dateStrings: true });

  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('customer', '0', [200]);
    await c.startVtgate(0);
    port = c.vtgate.mysqlAddress!.port;
    await c.exec(await c.session('customer'), 'create table t (id int primary key, g int, d date, i tinyint)');
  });
  afterAll(async () => {
    await c.close();
  });

  it("applies a session's sql_mode to its own queries only, in and out of transactions", async () => {
    const loose = await connect();
    const strict = await connect();
    try {
      await expect(strict.query("insert into t (id, d) values (1, '0000-00-00')")).rejects.toMatchObject({ errno: 1292 });
      await loose.query("set sql_mode = 'no_engine_substitution'");
      expect((await loose.query('select @@sql_mode'))[0]).toEqual([{ '@@sql_mode': 'NO_ENGINE_SUBSTITUTION' }]);
      await loose.query("insert into t (id, d, i) values (1, '0000-00-00', 300)");
      await loose.query('begin');
      await loose.query("insert into t (id, d, g) values (2, '2020-00-15', 1)");
      await loose.query('commit');
      expect((await strict.query('select id, d, i from t order by id'))[0]).toEqual([
        { id: 1, d: '0000-00-00', i: 127 },
        { id: 2, d: '2020-00-15', i: null },
      ]);
      await expect(strict.query("insert into t (id, d) values (3, '2020-00-15')")).rejects.toMatchObject({ errno: 1292 });
      await expect(strict.query('select g, d from t group by g')).rejects.toMatchObject({ errno: 1055 });
      expect((await loose.query('select g, count(*) as n from t group by g order by g'))[0]).toEqual([{ g: null, n: 1 }, { g: 1, n: 1 }]);
      await expect(loose.query("set sql_mode = 'NO_SUCH_MODE'")).rejects.toMatchObject({ errno: 1231, message: "Variable 'sql_mode' can't be set to the value of 'NO_SUCH_MODE'" });
    } finally {
      await loose.end();
      await strict.end();
    }
  });

  it("uses the tablet's global sql_mode for sessions without their own", async () => {
    const tablet = [...c.tablets.values()][0]!;
    await tablet.executeFetchAsDba("set global sql_mode = 'STRICT_TRANS_TABLES'");
    const conn = await connect();
    try {
      await conn.query("insert into t (id, d) values (10, '0000-00-00')");
      expect((await conn.query('select d from t where id = 10'))[0]).toEqual([{ d: '0000-00-00' }]);
    } finally {
      await conn.end();
      await tablet.executeFetchAsDba(`set global sql_mode = '${DEFAULT_SQL_MODE}'`);
    }
  });
});
