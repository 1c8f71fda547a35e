/**
 * A stream between tables with foreign keys: as Vitess's vreplicator, the stream writes with
 * foreign_key_checks off, so child rows copied or applied before their parents land.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VrCluster, createStream, eventually, exec, rowsOf, waitForCopied } from './vreplication-fixture.js';

const SCHEMA = [
  'create table parent (id bigint primary key, name varchar(20))',
  'create table child (id bigint primary key, parent_id bigint, foreign key (parent_id) references parent (id))',
];
// `child` sorts before `parent`: the copy reaches the child rows first.
const FILTER = { rules: [{ match: 'child', filter: 'select * from child' }, { match: 'parent', filter: 'select * from parent' }] };

let c: VrCluster;
beforeEach(async () => {
  c = await VrCluster.start();
});
afterEach(async () => {
  await c.close();
});

describe('vreplication with foreign keys', () => {
  it('copies and replicates child rows whatever the order their parents arrive in', async () => {
    const [src] = await c.addTablets('commerce', '0', [100]);
    const [dst] = await c.addTablets('customer', '0', [200]);
    for (const t of [src!, dst!]) for (const ddl of SCHEMA) await exec(t, ddl);
    await exec(src!, "insert into parent values (1, 'a'), (2, 'b')");
    await exec(src!, 'insert into child values (10, 1), (20, 2)');
    const id = await createStream(dst!, 'fk', { keyspace: 'commerce', shard: '0', filter: FILTER });
    await waitForCopied(dst!, id);
    await exec(src!, "insert into parent values (3, 'c')");
    await exec(src!, 'insert into child values (30, 3)');
    await eventually(async () => (await rowsOf(dst!, 'child')).length === 3, 5000, 'the child row to replicate');
    expect(await rowsOf(dst!, 'child')).toEqual(await rowsOf(src!, 'child'));
    expect(await rowsOf(dst!, 'parent')).toEqual(await rowsOf(src!, 'parent'));
  });
});
