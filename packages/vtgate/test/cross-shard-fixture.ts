/**
 * A cluster for cross-shard planner tests: the same rows in an unsharded keyspace (`uks`, the
 * reference answer) and a keyspace of two shards hashed on `id` (`sks`), reached with mysql2
 * through vtgate's MySQL port.
 */
import mysql from 'mysql2/promise';
import { TestCluster } from './vtgate-fixture.js';

/** The tables both keyspaces hold (`id` is the sharding column of every sharded table). */
export const CROSS_SHARD_SCHEMA = [
  'create table item (id bigint not null, name varchar(32), cat varchar(16), price decimal(10,2), qty int, w double, primary key (id))',
];

/** Rows spread over both shards: names that sort differently under the collation than in binary, prices that sort differently as text. */
export const CROSS_SHARD_ROWS = [
  "insert into item (id, name, cat, price, qty, w) values (1, 'apple', 'fruit', 19.50, 3, 1.5), (2, 'Banana', 'fruit', 100.00, 12, 2.25), (3, 'cherry', 'fruit', 5.25, 40, null)",
  "insert into item (id, name, cat, price, qty, w) values (4, 'Date', 'fruit', 9.99, 7, 0.5), (5, 'eggplant', 'veg', 250.00, 1, 3), (6, 'Fennel', 'veg', 19.50, 2, 1)",
  "insert into item (id, name, cat, price, qty, w) values (7, 'garlic', 'veg', null, 100, 0.1), (8, 'Ábaco', 'misc', 0.75, -5, -2), (9, 'zucchini', 'veg', 12.00, 9, 4.75), (10, 'kale', null, 3.10, 0, null)",
];

/** The running cluster and a mysql2 connection per keyspace. */
export interface CrossShardCluster {
  cluster: TestCluster;
  port: number;
  unsharded: mysql.Connection;
  sharded: mysql.Connection;
  connect(database: string): Promise<mysql.Connection>;
  close(): Promise<void>;
}

/** Starts the cluster (vtgate on a free port), creates the tables in both keyspaces and loads the rows. */
export async function startCrossShardCluster(): Promise<CrossShardCluster> {
  const cluster = await TestCluster.create();
  await cluster.addShard('uks', '0', [100]);
  await cluster.addShard('sks', '-80', [200]);
  await cluster.addShard('sks', '80-', [300]);
  await cluster.startVtgate(0);
  await cluster.applyVSchema('uks', { sharded: false, tables: { item: {} } });
  await cluster.applyVSchema('sks', {
    sharded: true,
    vindexes: { hash: { type: 'hash' } },
    tables: { item: { column_vindexes: [{ column: 'id', name: 'hash' }] } },
  });
  const port = cluster.vtgate.mysqlAddress!.port;
  const connect = (database: string) =>
    mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database, supportBigNumbers: true, bigNumberStrings: true, decimalNumbers: false });
  const unsharded = await connect('uks');
  const sharded = await connect('sks');
  for (const conn of [unsharded, sharded]) {
    for (const s of CROSS_SHARD_SCHEMA) await conn.query(s);
    for (const s of CROSS_SHARD_ROWS) await conn.query(s);
  }
  return {
    cluster,
    port,
    unsharded,
    sharded,
    connect,
    async close() {
      await unsharded.end();
      await sharded.end();
      await cluster.close();
    },
  };
}
