/** Float literals without a decimal point (`1e5`, `1e-7`) through vtgate: normalized, planned and run on the tablet. */
import { SqlError, Type } from '@vtsim/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestCluster } from './vtgate-fixture.js';
import type { VtgateSession } from '../src/index.js';

describe('vtgate: float literals without a decimal point', () => {
  let c: TestCluster;
  let s: VtgateSession;
  beforeEach(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100, 101]);
    await c.startVtgate();
    s = await c.session('commerce');
    await c.exec(s, 'create table t (id bigint primary key, f double, `1e5` int)');
    await c.applyVSchema('commerce', { tables: { t: {} } });
  });
  afterEach(async () => {
    await c.close();
  });

  it('inserts, updates and filters with them', async () => {
    await c.exec(s, 'insert into t (id, f, `1e5`) values (1, 1e5, 7), (2, -2E-3, 8)');
    await c.exec(s, 'update t set f = 1e-7 where id = 1');
    expect((await c.exec(s, 'select id, f from t where f < 1e-6 order by id')).rows).toEqual([
      [1n, 1e-7],
      [2n, -0.002],
    ]);
    expect((await c.exec(s, 'select id from t where f = 1e-7 and t.1e5 = 7')).rows).toEqual([[1n]]);
  });

  it('normalizes them into bind variables: statements differing only in them share a plan', async () => {
    await c.exec(s, 'insert into t (id, f) values (1, 0)');
    await c.exec(s, 'update t set f = 1e-7 where id = 1');
    const plans = c.vtgate.executor.cachedPlans;
    await c.exec(s, 'update t set f = 2.5E+3 where id = 1');
    expect(c.vtgate.executor.cachedPlans).toBe(plans);
    expect((await c.exec(s, 'select f from t where id = 1')).rows).toEqual([[2500]]);
  });

  it('selects them as DOUBLE', async () => {
    const r = await c.exec(s, 'select 1e5, 1e5 + 1, .5e1 from dual');
    expect(r.rows).toEqual([[100000, 100001, 5]]);
    expect(r.fields.map((f) => f.type)).toEqual([Type.FLOAT64, Type.FLOAT64, Type.FLOAT64]);
    // Without a target keyspace vtgate answers a dual select itself.
    const own = await c.exec(await c.session(), 'select 1e5, -2E-3 from dual');
    expect(own.rows).toEqual([[100000, -0.002]]);
    expect(own.fields.map((f) => [f.name, f.type])).toEqual([['1e5', Type.FLOAT64], ['-2E-3', Type.FLOAT64]]);
  });

  it('refuses one outside DOUBLE range with 1367', async () => {
    const err = await c.exec(s, 'update t set f = 1e500 where id = 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect([(err as SqlError).errno, (err as SqlError).message]).toEqual([1367, "Illegal double '1e500' value found during parsing"]);
  });
});
