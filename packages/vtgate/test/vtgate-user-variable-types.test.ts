import { Type } from '@vtsim/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from './vtgate-fixture.js';

describe('vtgate: user variable types', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100]);
    await c.startVtgate();
  });
  afterAll(async () => {
    await c.close();
  });

  it('reports what SET assigned: DECIMAL stays DECIMAL, NULL reads as a string', async () => {
    const s = await c.session('commerce');
    await c.exec(s, "set @d = 1.50, @i = 7, @s = 'x', @n = null");
    const r = await c.exec(s, 'select @d, @i, @s, @n, @never');
    expect(r.fields.map((f) => f.type)).toEqual([Type.DECIMAL, Type.INT64, Type.VARCHAR, Type.VARCHAR, Type.VARCHAR]);
    expect(r.rows[0]![0]).toBe('1.50');
    const sums = await c.exec(s, 'select @i + 1, @i * 2.5');
    expect(sums.fields.map((f) => f.type)).toEqual([Type.INT64, Type.DECIMAL]);
  });

  it('assigns a subquery by sending select <value> from dual to a shard, as Vitess does with what vtgate cannot evaluate', async () => {
    const s = await c.session('commerce');
    await c.exec(s, 'create table uv (id bigint primary key, price decimal(6,2))');
    await c.exec(s, 'insert into uv (id, price) values (1, 2.50), (2, 10.25)');
    await c.exec(s, 'set @c = (select count(*) from uv), @m = (select max(price) from uv), @k = 3');
    const r = await c.exec(s, 'select @c, @m, @k');
    expect(r.rows[0]).toEqual([2n, '10.25', 3n]);
    expect(r.fields.map((f) => f.type)).toEqual([Type.INT64, Type.DECIMAL, Type.INT64]);
    await expect(c.exec(s, 'set @x = (select nope from uv)')).rejects.toMatchObject({ errno: 1054 });
    await c.exec(s, 'drop table uv');
  });
});
