import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from './vtgate-fixture.js';

describe('vtgate: temporary tables', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100]);
    await c.addShard('customer', '-80', [300]);
    await c.addShard('customer', '80-', [400]);
    await c.startVtgate();
    await c.applyVSchema('customer', JSON.stringify({ sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { t: { column_vindexes: [{ column: 'id', name: 'hash' }] } } }));
  });
  afterAll(async () => {
    await c.close();
  });

  it('are created, used and dropped on an unsharded keyspace, invisible to SHOW TABLES', async () => {
    const s = await c.session('commerce');
    await c.exec(s, 'create temporary table tmp (id int primary key, v int)');
    await c.exec(s, 'insert into tmp (id, v) values (1, 10), (2, 20)');
    expect(await c.rows(s, 'select sum(v) from tmp')).toEqual([['30']]);
    expect(await c.rows(s, 'show tables')).toEqual([]);
    await c.exec(s, 'drop temporary table tmp');
    await expect(c.exec(s, 'select * from tmp')).rejects.toMatchObject({ errno: 1146 });
  });

  it('stay usable in the transactions of the session that created them', async () => {
    const s = await c.session('commerce');
    await c.exec(s, 'create temporary table tx_tmp (id int primary key)');
    await c.exec(s, 'begin');
    await c.exec(s, 'insert into tx_tmp (id) values (1)');
    expect(await c.rows(s, 'select id from tx_tmp')).toEqual([['1']]);
    await c.exec(s, 'rollback');
    expect(await c.rows(s, 'select id from tx_tmp')).toEqual([]);
    await c.exec(s, 'begin');
    await c.exec(s, 'insert into tx_tmp (id) values (2)');
    await c.exec(s, 'commit');
    expect(await c.rows(s, 'select id from tx_tmp')).toEqual([['2']]);
    await c.exec(s, 'drop temporary table tx_tmp');
  });

  it("are the creating session's own under a shard target too", async () => {
    const owner = await c.session('commerce/0');
    const other = await c.session('commerce/0');
    await c.exec(owner, 'create temporary table shard_tmp (id int primary key)');
    await c.exec(owner, 'insert into shard_tmp (id) values (1)');
    expect(await c.rows(owner, 'select id from shard_tmp')).toEqual([['1']]);
    await expect(c.exec(other, 'select id from shard_tmp')).rejects.toMatchObject({ errno: 1146 });
    await c.vtgate.executor.closeSession(owner);
  });

  it('are refused on a sharded keyspace, as Vitess refuses them', async () => {
    const s = await c.session('customer');
    for (const sql of ['create temporary table tmp (id int primary key)', 'drop temporary table tmp']) {
      await expect(c.exec(s, sql)).rejects.toMatchObject({ errno: 1235, message: expect.stringContaining('Temporary table not supported in sharded database customer') });
    }
  });
});
