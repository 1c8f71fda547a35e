import { TabletType, parseKeyspaceVSchema, type SrvKeyspace, type Tablet, type TabletAlias } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { MemoryTopoStore, TopoError, TopoServer, encodeRecord, keyRangeString } from '../src/index.js';

const alias = (uid: number, cell = 'zone1'): TabletAlias => ({ cell, uid });

function tablet(uid: number, keyspace: string, shard: string, type = TabletType.REPLICA, cell = 'zone1'): Tablet {
  return {
    alias: alias(uid, cell),
    hostname: 'localhost',
    port_map: { grpc: 16000 + uid, vt: 15000 + uid },
    keyspace,
    shard,
    key_range: null,
    type,
    db_name_override: '',
    mysql_hostname: 'localhost',
    mysql_port: 17000 + uid,
    primary_term_start_time: null,
    default_conn_collation: 255,
  };
}

/** The shard names of each served type's partition, as `PRIMARY: -80,80-`. */
function partitions(srv: SrvKeyspace): string[] {
  return srv.partitions.map(
    (p) => `${TabletType[p.served_type]}: ${p.shard_references.map((r) => `${r.name}(${keyRangeString(r.key_range)})`).join(',')}`,
  );
}

async function collect<T>(it: AsyncIterator<T>, ms = 2000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await Promise.race([
      it.next(),
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error('no value in time')), ms);
      }),
    ]);
    if (r.done) throw new Error('iterator ended');
    return r.value;
  } finally {
    clearTimeout(timer);
  }
}

describe('TopoServer', () => {
  it('manages cells', async () => {
    const ts = await TopoServer.newMemory('zone1', 'zone2');
    expect(await ts.getCellInfoNames()).toEqual(['zone1', 'zone2']);
    expect(await ts.getCellInfo('zone1')).toEqual({ server_address: 'memory', root: '/vitess/zone1' });
    await expect(ts.createCellInfo('zone1', { server_address: 'x', root: '/x' })).rejects.toMatchObject({ code: 'NodeExists' });
    await ts.deleteCellInfo('zone2');
    expect(await ts.getCellInfoNames()).toEqual(['zone1']);
    await expect(ts.getCellInfo('zone2')).rejects.toThrow("node doesn't exist: cells/zone2/CellInfo");
    await expect(ts.getTabletsByCell('zone2')).rejects.toMatchObject({ code: 'NoNode' });
    ts.close();
    ts.close();
  });

  it('manages keyspaces with defaults, versions and Vitess error messages', async () => {
    const ts = await TopoServer.newMemory('zone1');
    await ts.createKeyspace('customer');
    await ts.createKeyspace('commerce', { durability_policy: 'semi_sync' });
    expect(await ts.getKeyspaces()).toEqual(['commerce', 'customer']);
    const info = await ts.getKeyspace('commerce');
    expect(info.keyspace).toEqual({ keyspace_type: 0, base_keyspace: '', snapshot_time: null, durability_policy: 'semi_sync', sidecar_db_name: '_vt' });
    await expect(ts.createKeyspace('commerce')).rejects.toMatchObject({ code: 'NodeExists' });
    const stale = await ts.getKeyspace('commerce');
    info.keyspace.durability_policy = 'none';
    await ts.updateKeyspace(info);
    expect((await ts.getKeyspace('commerce')).keyspace.durability_policy).toBe('none');
    stale.keyspace.durability_policy = 'cross_cell';
    await expect(ts.updateKeyspace(stale)).rejects.toMatchObject({ code: 'BadVersion' });
    const err = await ts.getKeyspace('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TopoError);
    expect((err as TopoError).message).toBe("node doesn't exist: keyspaces/x/Keyspace");
    await ts.saveVSchema('customer', parseKeyspaceVSchema({ tables: { t: {} } }));
    await ts.deleteKeyspace('customer');
    expect(await ts.getKeyspaces()).toEqual(['commerce']);
    await expect(ts.getVSchema('customer')).rejects.toMatchObject({ code: 'NoNode' });
  });

  it('creates shards with key ranges and primary-serving only without overlap', async () => {
    const ts = await TopoServer.newMemory('zone1');
    await ts.createKeyspace('customer');
    const s0 = await ts.createShard('customer', '0');
    expect(s0.shard.key_range).toBeNull();
    expect(s0.shard.is_primary_serving).toBe(true);
    const lo = await ts.createShard('customer', '-80');
    const hi = await ts.createShard('customer', '80-');
    expect(keyRangeString(lo.shard.key_range)).toBe('-80');
    expect(keyRangeString(hi.shard.key_range)).toBe('80-');
    expect(lo.shard.is_primary_serving).toBe(false);
    expect(hi.shard.is_primary_serving).toBe(false);
    expect(await ts.getShardNames('customer')).toEqual(['-80', '0', '80-']);
    const read = await ts.getShard('customer', '-80');
    expect(read.shard.key_range!.end).toEqual(new Uint8Array([0x80]));
    expect(read.shardName).toBe('-80');

    await ts.createKeyspace('sharded');
    expect((await ts.createShard('sharded', '-80')).shard.is_primary_serving).toBe(true);
    expect((await ts.createShard('sharded', '80-')).shard.is_primary_serving).toBe(true);
    expect((await ts.createShard('sharded', '-')).shard.is_primary_serving).toBe(false);
    await expect(ts.createShard('sharded', '-80')).rejects.toMatchObject({ code: 'NodeExists' });
    await expect(ts.createShard('sharded', '80-40')).rejects.toThrow(/less than/);

    expect([...(await ts.findAllShardsInKeyspace('customer')).keys()]).toEqual(['-80', '0', '80-']);
    await ts.deleteShard('customer', '0');
    expect(await ts.getShardNames('customer')).toEqual(['-80', '80-']);
    await expect(ts.getShard('customer', '0')).rejects.toThrow("node doesn't exist: keyspaces/customer/shards/0/Shard");
  });

  it('updateShardFields retries when another writer got in first', async () => {
    const ts = await TopoServer.newMemory('zone1');
    await ts.createKeyspace('ks');
    await ts.createShard('ks', '0');
    let calls = 0;
    const si = await ts.updateShardFields('ks', '0', (s) => {
      calls++;
      if (calls === 1) {
        // Another writer changes the shard between our read and our write (the in-memory
        // Conn applies a write as soon as it is called).
        const other = structuredClone(s);
        other.tablet_controls.push({ tablet_type: TabletType.PRIMARY, cells: [], denied_tables: ['t1'], frozen: false });
        void ts.global.update('keyspaces/ks/shards/0/Shard', encodeRecord(other), null);
      }
      s.primary_alias = alias(100);
    });
    expect(calls).toBe(2);
    expect(si.shard.primary_alias).toEqual(alias(100));
    const read = await ts.getShard('ks', '0');
    expect(read.shard.primary_alias).toEqual(alias(100));
    expect(read.shard.tablet_controls.map((tc) => tc.denied_tables)).toEqual([['t1']]);
    expect(read.version).toBe(si.version);
    const unchanged = await ts.updateShardFields('ks', '0', () => false);
    expect(unchanged.version).toBe(si.version);
    await expect(ts.updateShardFields('ks', 'nope', () => undefined)).rejects.toMatchObject({ code: 'NoNode' });
  });

  it('manages tablets per cell, listed by uid', async () => {
    const ts = await TopoServer.newMemory('zone1', 'zone2');
    for (const uid of [102, 100, 101]) await ts.createTablet(tablet(uid, 'commerce', '0'));
    await ts.createTablet(tablet(300, 'customer', '-80'));
    await ts.createTablet(tablet(99, 'commerce', '0', TabletType.RDONLY, 'zone2'));
    await expect(ts.createTablet(tablet(100, 'commerce', '0'))).rejects.toMatchObject({ code: 'NodeExists' });
    expect((await ts.getTabletAliasesByCell('zone1')).map((a) => a.uid)).toEqual([100, 101, 102, 300]);
    expect((await ts.getTabletsByShard('commerce', '0')).map((t) => `${t.tablet.alias.cell}-${t.tablet.alias.uid}`)).toEqual([
      'zone2-99',
      'zone1-100',
      'zone1-101',
      'zone1-102',
    ]);
    const ti = await ts.updateTabletFields(alias(100), (t) => {
      t.type = TabletType.PRIMARY;
    });
    expect(ti.tablet.type).toBe(TabletType.PRIMARY);
    expect((await ts.getTablet(alias(100))).tablet.type).toBe(TabletType.PRIMARY);
    expect((await ts.getTabletsByCell('zone1')).map((t) => t.tablet.type)).toEqual([1, 2, 2, 2]);
    await ts.deleteTablet(alias(101));
    await expect(ts.getTablet(alias(101))).rejects.toThrow("node doesn't exist: tablets/zone1-0000000101/Tablet");
    expect((await ts.getTabletsByShard('commerce', '0')).length).toBe(3);
    expect(await ts.getTabletsByShard('nope', '0')).toEqual([]);
  });

  it('rebuilds the keyspace graph and migrates served types one at a time', async () => {
    const ts = await TopoServer.newMemory('zone1', 'zone2');
    await ts.createKeyspace('customer');
    await ts.createShard('customer', '0');
    await ts.createShard('customer', '80-');
    await ts.createShard('customer', '-80');
    await ts.rebuildKeyspaceGraph('customer');
    for (const cell of ['zone1', 'zone2']) {
      expect(partitions(await ts.getSrvKeyspace(cell, 'customer'))).toEqual(['PRIMARY: 0(-)', 'REPLICA: 0(-)', 'RDONLY: 0(-)']);
    }
    expect(await ts.getSrvKeyspaceNames('zone1')).toEqual(['customer']);

    await ts.migrateServedType('customer', ['80-', '-80'], ['0'], TabletType.RDONLY);
    await ts.migrateServedType('customer', ['-80', '80-'], ['0'], TabletType.REPLICA, ['zone1']);
    expect(partitions(await ts.getSrvKeyspace('zone1', 'customer'))).toEqual([
      'PRIMARY: 0(-)',
      'REPLICA: -80(-80),80-(80-)',
      'RDONLY: -80(-80),80-(80-)',
    ]);
    expect(partitions(await ts.getSrvKeyspace('zone2', 'customer'))).toEqual(['PRIMARY: 0(-)', 'REPLICA: 0(-)', 'RDONLY: -80(-80),80-(80-)']);

    // SwitchWrites: the shard records change, then the PRIMARY partition moves.
    await ts.updateShardFields('customer', '0', (s) => void (s.is_primary_serving = false));
    for (const s of ['-80', '80-']) await ts.updateShardFields('customer', s, (sh) => void (sh.is_primary_serving = true));
    const adds = [...(await ts.findAllShardsInKeyspace('customer')).values()].filter((si) => si.shardName !== '0');
    await ts.migrateServedType('customer', adds, ['0'], TabletType.PRIMARY);
    expect(partitions(await ts.getSrvKeyspace('zone1', 'customer'))[0]).toBe('PRIMARY: -80(-80),80-(80-)');

    // A rebuild from the shard records agrees.
    await ts.rebuildKeyspaceGraph('customer', ['zone2']);
    expect(partitions(await ts.getSrvKeyspace('zone2', 'customer'))).toEqual([
      'PRIMARY: -80(-80),80-(80-)',
      'REPLICA: -80(-80),80-(80-)',
      'RDONLY: -80(-80),80-(80-)',
    ]);
    await ts.deleteSrvKeyspace('zone2', 'customer');
    await expect(ts.getSrvKeyspace('zone2', 'customer')).rejects.toMatchObject({ code: 'NoNode' });
    await expect(ts.rebuildKeyspaceGraph('none')).rejects.toMatchObject({ code: 'NoNode' });
  });

  it('watches a SrvKeyspace through changes, deletion and re-creation', async () => {
    const ts = await TopoServer.newMemory('zone1');
    await ts.createKeyspace('ks');
    await ts.createShard('ks', '0');
    const ac = new AbortController();
    const it = ts.watchSrvKeyspace('zone1', 'ks', ac.signal)[Symbol.asyncIterator]();
    expect(await collect(it)).toBeNull();
    await ts.rebuildKeyspaceGraph('ks');
    expect(partitions((await collect(it))!)[0]).toBe('PRIMARY: 0(-)');
    await ts.createShard('ks', '-80');
    await ts.migrateServedType('ks', ['-80'], ['0'], TabletType.PRIMARY);
    expect(partitions((await collect(it))!)[0]).toBe('PRIMARY: -80(-80)');
    await ts.deleteSrvKeyspace('zone1', 'ks');
    expect(await collect(it)).toBeNull();
    await ts.rebuildKeyspaceGraph('ks');
    expect(partitions((await collect(it))!)[0]).toBe('PRIMARY: 0(-)');
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });

  it('saves VSchemas, routing rules and rebuilds the SrvVSchema, which can be watched', async () => {
    const ts = await TopoServer.newMemory('zone1');
    await ts.createKeyspace('commerce');
    await ts.createKeyspace('customer');
    const vs = parseKeyspaceVSchema({
      sharded: true,
      vindexes: { hash: { type: 'hash' } },
      tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] } },
    });
    await ts.saveVSchema('customer', vs);
    expect(await ts.getVSchema('customer')).toEqual(vs);
    await expect(ts.getVSchema('commerce')).rejects.toThrow("node doesn't exist: keyspaces/commerce/VSchema");
    expect(await ts.getRoutingRules()).toEqual({ rules: [] });
    const rules = { rules: [{ from_table: 'customer', to_tables: ['commerce.customer'] }] };
    await ts.saveRoutingRules(rules);
    expect(await ts.getRoutingRules()).toEqual(rules);

    const ac = new AbortController();
    const it = ts.watchSrvVSchema('zone1', ac.signal)[Symbol.asyncIterator]();
    expect(await collect(it)).toBeNull();
    await ts.rebuildSrvVSchema();
    const srv = (await collect(it))!;
    expect(srv.routing_rules).toEqual(rules);
    expect(srv.keyspaces.customer).toEqual(vs);
    expect(srv.keyspaces.commerce).toEqual({ sharded: false, vindexes: {}, tables: {}, require_explicit_routing: false });
    expect(await ts.getSrvVSchema('zone1')).toEqual(srv);
    await ts.saveRoutingRules({ rules: [] });
    await ts.rebuildSrvVSchema(['zone1']);
    expect((await collect(it))!.routing_rules).toEqual({ rules: [] });
    ts.close();
    expect((await it.next()).done).toBe(true);
  });

  it('locks keyspaces and shards exclusively, with a timeout', async () => {
    const ts = await TopoServer.newMemory('zone1');
    await ts.createKeyspace('ks');
    await ts.createShard('ks', '0');
    const unlock = await ts.lockKeyspace('ks', 'Reshard');
    await expect(ts.lockKeyspace('ks', 'other', { timeoutMs: 20 })).rejects.toMatchObject({ code: 'Timeout' });
    const shardUnlock = await ts.lockShard('ks', '0', 'PlannedReparentShard', { timeoutMs: 20 });
    const waiting = ts.lockKeyspace('ks', 'next');
    await unlock();
    await unlock();
    await (await waiting)();
    await shardUnlock();
    await expect(ts.lockKeyspace('none', 'x')).rejects.toMatchObject({ code: 'NoNode' });
    const ac = new AbortController();
    const held = await ts.lockShard('ks', '0', 'a');
    const p = ts.lockShard('ks', '0', 'b', { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'Interrupted' });
    await held();
  });

  it('shares one store between the global topology and the cells, under their roots', async () => {
    const store = new MemoryTopoStore();
    const ts = new TopoServer(store.conn('/vitess/global'), { cellConn: (_c, info) => store.conn(info.root) });
    await ts.createCellInfo('zone1', { server_address: 'localhost:2379', root: '/vitess/zone1' });
    await ts.createTablet(tablet(100, 'commerce', '0'));
    const raw = await store.conn('/vitess/zone1').get('tablets/zone1-0000000100/Tablet');
    const json = JSON.parse(new TextDecoder().decode(raw.contents)) as Record<string, unknown>;
    expect(json.alias).toEqual({ cell: 'zone1', uid: 100 });
    await ts.createKeyspace('customer');
    await ts.createShard('customer', '40-80');
    const shardJson = JSON.parse(
      new TextDecoder().decode((await store.conn('/vitess/global').get('keyspaces/customer/shards/40-80/Shard')).contents),
    ) as { key_range: unknown };
    expect(shardJson.key_range).toEqual({ start: '40', end: '80' });
  });
});
