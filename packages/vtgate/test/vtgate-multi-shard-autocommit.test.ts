// A multi-shard autocommit write is atomic (Vitess's transaction_mode MULTI): it runs in a
// transaction on every shard it reaches, and a failure on one shard rolls back all of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCrossShardCluster, type CrossShardCluster } from './cross-shard-fixture.js';

let c: CrossShardCluster;
beforeAll(async () => {
  c = await startCrossShardCluster();
}, 60_000);
afterAll(async () => {
  await c?.close();
});

const NEW_IDS = [20, 21, 22, 23, 24, 25, 26, 27, 28, 29];

async function idsPerShard(ids: number[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const shard of ['-80', '80-']) {
    const conn = await c.connect(`sks:${shard}`);
    const [rows] = await conn.query({ sql: `select id from item where id in (${ids.join(', ')}) order by id`, rowsAsArray: true });
    out[shard] = (rows as unknown[][]).map((r) => String(r[0]));
    await conn.end();
  }
  return out;
}

describe('multi-shard autocommit writes', () => {
  it('leave no row on any shard when one shard fails an INSERT', async () => {
    const values = NEW_IDS.map((id) => `(${id}, 'n${id}', 'new', 1.00, 1, 1)`).join(', ');
    const before = await idsPerShard(NEW_IDS);
    expect(before).toEqual({ '-80': [], '80-': [] });
    // id 4 already exists (on 80-): that shard fails with 1062; the other shard's rows must not stay.
    await expect(c.sharded.query(`insert into item (id, name, cat, price, qty, w) values ${values}, (4, 'dup', 'new', 1, 1, 1)`)).rejects.toMatchObject({
      errno: 1062,
    });
    expect(await idsPerShard(NEW_IDS)).toEqual({ '-80': [], '80-': [] });
    // The same rows without the duplicate land on both shards.
    const [ok] = await c.sharded.query(`insert into item (id, name, cat, price, qty, w) values ${values}`);
    expect((ok as { affectedRows: number }).affectedRows).toBe(NEW_IDS.length);
    const after = await idsPerShard(NEW_IDS);
    expect(after['-80']!.length).toBeGreaterThan(0);
    expect(after['80-']!.length).toBeGreaterThan(0);
    expect([...after['-80']!, ...after['80-']!].sort()).toEqual(NEW_IDS.map(String).sort());
  });

  it('leave no change on any shard when one shard fails a scatter UPDATE', async () => {
    const [before] = await c.sharded.query({ sql: 'select id, qty from item order by id', rowsAsArray: true });
    // Only id 7 (qty 100) overflows INT: 1264 in strict mode on its shard, the others would succeed.
    await expect(c.sharded.query('update item set qty = qty + 2147483600 where id < 20')).rejects.toMatchObject({ errno: 1264 });
    const [after] = await c.sharded.query({ sql: 'select id, qty from item order by id', rowsAsArray: true });
    expect(after).toEqual(before);
    const [ok] = await c.sharded.query('update item set qty = qty + 1 where id >= 20');
    expect((ok as { affectedRows: number }).affectedRows).toBe(NEW_IDS.length);
  });

  it('inside an explicit transaction, leave the rollback to the client', async () => {
    await c.sharded.query('begin');
    await c.sharded.query('delete from item where id >= 20');
    await c.sharded.query('rollback');
    const [rows] = await c.sharded.query({ sql: 'select count(*) from item where id >= 20', rowsAsArray: true });
    expect(rows).toEqual([[String(NEW_IDS.length)]]);
  });
});
