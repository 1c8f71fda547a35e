/**
 * information_schema through vtgate as Vitess routes it (mysql2 from npm): a `table_schema = 'ks'`
 * predicate sends the query to that keyspace with the value replaced by the tablet's database
 * (`vt_ks`), a `table_name` naming a VSchema table sends it to that table's keyspace, `database()`
 * is the tablet's own database, and other values go to the session's keyspace unchanged. Also the
 * SHOW forms and `@@` variables ORMs read at connect, and which variables vtgate lets a session SET.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VtsimCluster } from '@vtsim/cli';
import { SHARDED, startOrmCluster, UNSHARDED } from './orm-cluster.js';

let cluster: VtsimCluster;
let conn: mysql.Connection;

async function rows(sql: string, params: unknown[] = []): Promise<unknown[][]> {
  const [r] = await conn.query({ sql, rowsAsArray: true }, params);
  return r as unknown[][];
}

beforeAll(async () => {
  cluster = await startOrmCluster([{ name: 'orders', column: 'customer_id' }]);
  conn = await mysql.createConnection({ ...cluster.mysqlConfig, database: UNSHARDED });
  await conn.query('create table app_settings (name varchar(20) primary key, value text)');
  await conn.query(`create table ${SHARDED}.orders (id bigint primary key, customer_id bigint not null, total decimal(10,2), key ix_customer (customer_id))`);
}, 60_000);

afterAll(async () => {
  await conn?.end();
  await cluster?.close();
});

describe('information_schema through vtgate', () => {
  it("routes by table_schema = 'keyspace' and answers with the tablet's database", async () => {
    expect(await rows('select TABLE_SCHEMA, TABLE_NAME from information_schema.tables where table_schema = ? order by table_name', [SHARDED])).toEqual([[`vt_${SHARDED}`, 'orders']]);
    expect(await rows('select COLUMN_NAME, DATA_TYPE from information_schema.columns where table_schema = ? and table_name = ? order by ordinal_position', [SHARDED, 'orders'])).toEqual([
      ['id', 'bigint'], ['customer_id', 'bigint'], ['total', 'decimal'],
    ]);
    expect(await rows("select INDEX_NAME from information_schema.statistics where table_schema = 'shop' and table_name = 'orders' order by index_name")).toEqual([['ix_customer'], ['PRIMARY']]);
    // Parentheses do not hide the predicates, and the branches of a UNION are routed together.
    expect(await rows(`select TABLE_NAME from information_schema.tables where (table_schema = '${SHARDED}' and table_name = 'orders') union select TABLE_NAME from information_schema.tables where table_schema = '${SHARDED}' and table_name = 'nosuch'`)).toEqual([['orders']]);
  });

  it("looks a table_name up in the session's keyspace (any keyspace without one); database() is the tablet's database", async () => {
    // The session's keyspace is unsharded: `orders` is taken as one of its tables, which it lacks.
    expect(await rows("select TABLE_SCHEMA from information_schema.tables where table_name = 'orders'")).toEqual([]);
    const bare = await mysql.createConnection({ ...cluster.mysqlConfig, database: undefined });
    try {
      const [r] = await bare.query({ sql: "select TABLE_SCHEMA from information_schema.tables where table_name = 'orders'", rowsAsArray: true });
      expect(r).toEqual([[`vt_${SHARDED}`]]);
    } finally {
      await bare.end();
    }
    expect(await rows('select TABLE_SCHEMA, TABLE_NAME from information_schema.tables where table_schema = database()')).toEqual([[`vt_${UNSHARDED}`, 'app_settings']]);
  });

  it('sends other values unchanged to the session keyspace, and refuses two different schemas', async () => {
    expect(await rows("select count(*) from information_schema.tables where table_schema = 'nosuch'")).toEqual([[0]]);
    expect(await rows(`select count(*) from information_schema.tables where table_schema = 'vt_${UNSHARDED}'`)).toEqual([[1]]);
    expect(await rows("select SCHEMA_NAME from information_schema.schemata where schema_name = 'information_schema'")).toEqual([['information_schema']]);
    await expect(rows(`select * from information_schema.key_column_usage where table_schema = '${SHARDED}' and referenced_table_schema = '${UNSHARDED}'`)).rejects.toThrow(
      'specifying two different database in the query is not supported',
    );
  });

  it('answers SHOW as vtgate does: TABLE STATUS and INDEX … WHERE from a tablet, CHARACTER SET itself', async () => {
    expect((await rows(`show table status from ${SHARDED} like 'orders'`)).map((r) => [r[0], r[1]])).toEqual([['orders', 'InnoDB']]);
    expect((await rows(`show index from ${SHARDED}.orders where Key_name = 'ix_customer'`)).map((r) => r[4])).toEqual(['customer_id']);
    expect((await rows(`show full columns from orders from ${SHARDED} like 'total'`)).map((r) => [r[0], r[1]])).toEqual([['total', 'decimal(10,2)']]);
    await expect(rows(`show columns from ${SHARDED}.nosuch`)).rejects.toMatchObject({ errno: 1109, message: "VT05004: table 'nosuch' does not exist" });
    await expect(rows('show index from app_settings from nosuch_ks')).rejects.toMatchObject({ errno: 1049 });
    expect(await rows("show character set where charset = 'utf8mb4'")).toEqual([['utf8mb4', 'UTF-8 Unicode', 'utf8mb4_0900_ai_ci', 4]]);
    expect(await rows('select @@global.read_only, @@transaction_isolation')).toEqual([[0, 'REPEATABLE-READ']]);
    await conn.query('set session transaction isolation level read committed');
    expect(await rows('select @@transaction_isolation')).toEqual([['READ-COMMITTED']]);
  });

  it('SETs only the system variables Vitess knows: 1193 for others, 1238 for read-only ones, and nothing of the statement applies', async () => {
    await expect(conn.query('set nosuch_variable = 1')).rejects.toMatchObject({ errno: 1193, message: "VT05006: unknown system variable '@@nosuch_variable'" });
    await expect(conn.query('set version = 1')).rejects.toMatchObject({ errno: 1238 });
    await expect(conn.query("set sql_mode = '', nosuch = 2")).rejects.toMatchObject({ errno: 1193 });
    expect(await rows('select @@sql_mode')).not.toEqual([['']]);
    await conn.query("set session wait_timeout = 10, @@max_execution_time = 1000, time_zone = '+00:00'");
  });
});
