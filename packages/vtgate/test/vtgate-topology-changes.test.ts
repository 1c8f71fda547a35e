import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tabletAliasString } from '@vtsim/proto';
import { VtgateHandler } from '../src/index.js';
import { TestCluster, waitFor } from './vtgate-fixture.js';

describe('vtgate follows the topology', () => {
  let c: TestCluster;
  beforeEach(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100, 101, 102]);
    await c.startVtgate(undefined, 3_600_000);
  });
  afterEach(async () => {
    await c.close();
  });

  it('serves a keyspace whose tablets start after vtgate (201_customer_tablets)', async () => {
    await c.addShard('customer', '0', [200, 201, 202], { refreshVtgate: false });
    const handler = await VtgateHandler.create(c.vtgate.executor, { connectionId: 7, user: 'root', database: 'customer/0', remoteAddress: '' });
    expect((await handler.query('show tables')).rows).toEqual([]);
    await handler.query('create table t (id bigint primary key)');
    await handler.query('insert into t values (1), (2)');
    expect((await handler.query('select count(*) from t')).rows).toEqual([[2n]]);
    await handler.useDatabase('customer');
    expect((await handler.query('select id from t order by id desc')).rows).toEqual([[2n], [1n]]);
    expect(handler.status()).toEqual({ inTransaction: false, autocommit: true });
    await handler.query('begin');
    expect(handler.status().inTransaction).toBe(true);
    handler.close();
    await expect(VtgateHandler.create(c.vtgate.executor, { connectionId: 8, user: 'root', database: 'nosuch', remoteAddress: '' })).rejects.toMatchObject({ errno: 1049 });
  });

  it('shows tablets that stop serving as NOT_SERVING and stops routing to them', async () => {
    const s = await c.session('commerce@replica');
    await c.exec(s, 'select 1 from dual');
    await c.tablets.get(tabletAliasString({ cell: 'zone1', uid: 101 }))!.close();
    await waitFor(async () => (await c.rows(s, 'show vitess_tablets')).some((r) => r[5] === 'zone1-0000000101' && r[4] === 'NOT_SERVING'));
    await expect(c.exec(s, 'select * from customer')).rejects.toMatchObject({
      errno: 1105,
      message: `target: commerce.0.replica: no healthy tablet available for 'keyspace:"commerce" shard:"0" tablet_type:REPLICA'`,
    });
  });
});
