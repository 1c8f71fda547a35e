// vtgate's reserved connections on a sharded keyspace: a session that SETs a variable Vitess applies
// through reserved connections (time_zone) gets one on every shard it reaches, and its multi-shard
// autocommit writes run in transactions on those connections (atomic as Vitess's MULTI mode), which
// stay reserved afterwards until the session ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from './vtgate-fixture.js';

describe('vtgate: reserved connections across shards', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('customer', '-80', [300]);
    await c.addShard('customer', '80-', [400]);
    await c.startVtgate();
    await c.applyVSchema('customer', { sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { tz: { column_vindexes: [{ column: 'id', name: 'hash' }] } } });
    const s = await c.session('customer');
    await c.exec(s, 'create table tz (id bigint primary key, zone varchar(10))');
  });
  afterAll(async () => {
    await c.close();
  });

  const reserved = (): number[] => ['zone1-0000000300', 'zone1-0000000400'].map((a) => c.tablets.get(a)!.statefulConnections().reserved);

  it("runs multi-shard autocommit writes on the session's reserved connections, atomically, and releases them at the end", async () => {
    const s = await c.session('customer');
    await c.exec(s, "set time_zone = '+02:00'");
    // ids 1 and 4 hash to different shards (-80 and 80-).
    await c.exec(s, 'insert into tz (id, zone) values (1, @@time_zone), (4, @@time_zone)');
    expect(reserved()).toEqual([1, 1]);
    expect(await c.rows(await c.session('customer'), 'select id, zone from tz order by id')).toEqual([['1', '+02:00'], ['4', '+02:00']]);
    // One shard fails (duplicate key on 80-): the other shard's row is rolled back too.
    await expect(c.exec(s, "insert into tz (id, zone) values (2, 'x'), (4, 'dup')")).rejects.toMatchObject({ errno: 1062 });
    expect(await c.rows(s, 'select id from tz order by id')).toEqual([['1'], ['4']]);
    expect(reserved()).toEqual([1, 1]);
    expect(c.tablets.get('zone1-0000000300')!.statefulConnections().transactions).toBe(0);
    await c.vtgate.executor.closeSession(s);
    expect(reserved()).toEqual([0, 0]);
  });
});
