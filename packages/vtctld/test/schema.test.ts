import { ManualClock, SeededRandom, randomUuid } from '@vtsim/binlog';
import { TabletType } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { LocalMysqlNetwork, Tablet } from '@vtsim/vttablet';
import { afterEach, describe, expect, it } from 'vitest';
import { applySchema, applyVSchema } from '../src/index.js';

const running: Tablet[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.close()));
});

async function shardPrimaries(topo: TopoServer, keyspace: string, shards: string[]): Promise<Map<number, Tablet>> {
  const network = new LocalMysqlNetwork();
  const byUid = new Map<number, Tablet>();
  let uid = 100;
  for (const shard of shards) {
    const t = await Tablet.start({
      alias: { cell: 'zone1', uid },
      keyspace,
      shard,
      type: TabletType.REPLICA,
      topo,
      network,
      clock: new ManualClock(0),
      random: new SeededRandom(uid),
      serverUuid: randomUuid(new SeededRandom(`u${uid}`)),
    });
    running.push(t);
    byUid.set(uid, t);
    uid += 100;
  }
  return byUid;
}

describe('ApplySchema', () => {
  it('runs every statement on every shard primary, and binlogs each DDL', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const tablets = await shardPrimaries(topo, 'customer', ['-80', '80-']);
    await applySchema(topo, (a) => tablets.get(a.uid), 'customer', 'create table a (id bigint primary key); create table b (id bigint primary key);');
    for (const t of tablets.values()) {
      expect(t.mysqld.tableNames('vt_customer')).toEqual(['a', 'b']);
      expect(t.mysqld.gtidExecuted().toString()).toBe(`${t.mysqld.serverUuid}:1-2`);
    }
  });

  it('stops at the first failing statement and reports it', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const tablets = await shardPrimaries(topo, 'ks', ['0']);
    await expect(applySchema(topo, (a) => tablets.get(a.uid), 'ks', 'create table a (id int primary key); create table a (id int primary key); create table c (id int primary key)'))
      .rejects.toMatchObject({ errno: 1050 });
    expect(tablets.get(100)!.mysqld.tableNames('vt_ks')).toEqual(['a']);
  });
});

describe('ApplyVSchema', () => {
  it('saves a valid vschema and publishes it in the SrvVSchema', async () => {
    const topo = await TopoServer.newMemory('zone1');
    await topo.createKeyspace('customer');
    await applyVSchema(topo, 'customer', '{"sharded": true, "vindexes": {"hash": {"type": "hash"}}, "tables": {"customer": {"column_vindexes": [{"column": "customer_id", "name": "hash"}]}}}');
    const srv = await topo.getSrvVSchema('zone1');
    expect(srv.keyspaces.customer?.sharded).toBe(true);
    expect(srv.keyspaces.customer?.tables.customer?.column_vindexes[0]?.column).toBe('customer_id');
  });

  it('refuses unknown vindex types and unknown keyspaces, saving nothing', async () => {
    const topo = await TopoServer.newMemory('zone1');
    await topo.createKeyspace('customer');
    await expect(applyVSchema(topo, 'customer', { sharded: true, vindexes: { v: { type: 'nope' } }, tables: {} })).rejects.toThrow('vindex type nope not found');
    await expect(topo.getVSchema('customer')).rejects.toMatchObject({ code: 'NoNode' });
    await expect(applyVSchema(topo, 'missing', {})).rejects.toMatchObject({ code: 'NoNode' });
  });
});
