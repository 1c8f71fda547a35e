import { Code, TabletType, VtError } from '@vtsim/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MiniCluster } from './mini-cluster.js';

let c: MiniCluster;
beforeEach(async () => {
  c = await MiniCluster.start();
});
afterEach(async () => {
  await c.close();
});

/** The vtrpc code a promise rejects with. */
async function codeOf(p: Promise<unknown>): Promise<Code> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(VtError);
    return (err as VtError).code;
  }
  throw new Error('expected a rejection');
}

describe('Vtctld: cells, keyspaces, shards', () => {
  it('adds cells, refuses duplicates, lists names', async () => {
    await c.vtctld.addCellInfo({ name: 'zone2', cell_info: { server_address: 'localhost:2379', root: '/vitess/zone2' } });
    expect((await c.vtctld.getCellInfoNames()).names).toEqual(['zone1', 'zone2']);
    expect((await c.vtctld.getCellInfo({ cell: 'zone2' })).cell_info).toEqual({ server_address: 'localhost:2379', root: '/vitess/zone2' });
    expect(await codeOf(c.vtctld.addCellInfo({ name: 'zone2', cell_info: { server_address: 'x', root: '/x' } }))).toBe(Code.ALREADY_EXISTS);
    expect(await codeOf(c.vtctld.getCellInfo({ cell: 'nope' }))).toBe(Code.NOT_FOUND);
  });

  it('creates keyspaces with durability and sidecar db, an empty VSchema, and sets durability', async () => {
    const created = await c.vtctld.createKeyspace({ name: 'commerce', durability_policy: 'semi_sync', sidecar_db_name: '_vt' });
    expect(created.keyspace).toEqual({
      name: 'commerce',
      keyspace: { keyspace_type: 0, base_keyspace: '', snapshot_time: null, durability_policy: 'semi_sync', sidecar_db_name: '_vt' },
    });
    expect((await c.vtctld.getVSchema({ keyspace: 'commerce' })).v_schema).toEqual({ sharded: false, vindexes: {}, tables: {}, require_explicit_routing: false });
    expect((await c.topo.getSrvVSchema('zone1')).keyspaces.commerce).toBeDefined();
    expect(await codeOf(c.vtctld.createKeyspace({ name: 'commerce' }))).toBe(Code.ALREADY_EXISTS);
    await c.vtctld.createKeyspace({ name: 'commerce', force: true });
    expect(await codeOf(c.vtctld.createKeyspace({ name: 'x', durability_policy: 'bogus' }))).toBe(Code.INVALID_ARGUMENT);

    await c.vtctld.createKeyspace({ name: 'customer' });
    expect((await c.vtctld.getKeyspace({ keyspace: 'customer' })).keyspace.keyspace.durability_policy).toBe('none');
    const set = await c.vtctld.setKeyspaceDurabilityPolicy({ keyspace: 'customer', durability_policy: 'semi_sync' });
    expect(set.keyspace.durability_policy).toBe('semi_sync');
    expect((await c.vtctld.getKeyspaces()).keyspaces.map((k) => [k.name, k.keyspace.durability_policy])).toEqual([['commerce', 'semi_sync'], ['customer', 'semi_sync']]);
    expect(await codeOf(c.vtctld.getKeyspace({ keyspace: 'nope' }))).toBe(Code.NOT_FOUND);
    expect(await codeOf(c.vtctld.setKeyspaceDurabilityPolicy({ keyspace: 'nope', durability_policy: 'none' }))).toBe(Code.NOT_FOUND);
  });

  it('reports shards, the serving graph and tablets with filters', async () => {
    await c.addTablets('customer', '-80', [300, 301, 302]);
    await c.addTablets('customer', '80-', [400, 401, 402]);
    const shard = await c.vtctld.getShard({ keyspace: 'customer', shard_name: '-80' });
    expect(shard.shard.name).toBe('-80');
    expect(shard.shard.shard.primary_alias).toEqual({ cell: 'zone1', uid: 300 });
    expect(shard.shard.shard.is_primary_serving).toBe(true);
    expect(Object.keys((await c.vtctld.findAllShardsInKeyspace({ keyspace: 'customer' })).shards)).toEqual(['-80', '80-']);
    expect(await codeOf(c.vtctld.getShard({ keyspace: 'customer', shard_name: '0' }))).toBe(Code.NOT_FOUND);

    const srv = (await c.vtctld.getSrvKeyspaces({ keyspace: 'customer' })).srv_keyspaces.zone1!;
    expect(srv.partitions.map((p) => [p.served_type, p.shard_references.map((r) => r.name)])).toEqual([
      [TabletType.PRIMARY, ['-80', '80-']], [TabletType.REPLICA, ['-80', '80-']], [TabletType.RDONLY, ['-80', '80-']],
    ]);

    const all = await c.vtctld.getTablets({});
    expect(all.tablets.map((t) => t.alias.uid)).toEqual([300, 301, 302, 400, 401, 402]);
    const shard80 = await c.vtctld.getTablets({ keyspace: 'customer', shard: '80-' });
    expect(shard80.tablets.map((t) => [t.alias.uid, TabletType[t.type]])).toEqual([[400, 'PRIMARY'], [401, 'REPLICA'], [402, 'RDONLY']]);
    const rdonly = await c.vtctld.getTablets({ keyspace: 'customer', tablet_type: TabletType.RDONLY });
    expect(rdonly.tablets.map((t) => t.alias.uid)).toEqual([302, 402]);
    expect((await c.vtctld.getTablets({ cells: ['zone1'], keyspace: 'other' })).tablets).toEqual([]);
    expect((await c.vtctld.getTablets({ tablet_aliases: [{ cell: 'zone1', uid: 401 }, { cell: 'zone1', uid: 999 }] })).tablets.map((t) => t.alias.uid)).toEqual([401]);
    expect((await c.vtctld.getTablet({ tablet_alias: { cell: 'zone1', uid: 302 } })).tablet.port_map).toEqual({ vt: 15302, grpc: 16302 });
    expect(await codeOf(c.vtctld.getTablet({ tablet_alias: { cell: 'zone1', uid: 999 } }))).toBe(Code.NOT_FOUND);
  });

  it('deletes shards: refuses serving or populated shards unless told, removes tablets recursively', async () => {
    await c.addTablets('customer', '0', [200, 201, 202]);
    await c.vtctld.createShard({ keyspace: 'customer', shard_name: '-80' });
    await c.vtctld.createShard({ keyspace: 'customer', shard_name: '80-' });
    await c.topo.updateShardFields('customer', '0', (s) => {
      s.is_primary_serving = false;
    });
    await c.topo.updateShardFields('customer', '-80', (s) => {
      s.is_primary_serving = true;
    });
    await c.topo.migrateServedType('customer', ['-80'], ['0'], TabletType.PRIMARY);

    expect(await codeOf(c.vtctld.deleteShards({ shards: [{ keyspace: 'customer', name: '-80' }] }))).toBe(Code.FAILED_PRECONDITION);
    const populated = c.vtctld.deleteShards({ shards: [{ keyspace: 'customer', name: '0' }] });
    await expect(populated).rejects.toThrow('shard customer/0 still has 3 tablets in cell zone1; use Recursive = true or remove them manually');
    await c.vtctld.deleteShards({ shards: [{ keyspace: 'customer', name: '0' }], recursive: true, force: true });
    expect(await codeOf(c.vtctld.getShard({ keyspace: 'customer', shard_name: '0' }))).toBe(Code.NOT_FOUND);
    expect((await c.vtctld.getTablets({ keyspace: 'customer' })).tablets).toEqual([]);
    const srv = (await c.vtctld.getSrvKeyspaces({ keyspace: 'customer' })).srv_keyspaces.zone1!;
    for (const p of srv.partitions) expect(p.shard_references.map((r) => r.name)).not.toContain('0');

    await c.vtctld.deleteShards({ shards: [{ keyspace: 'customer', name: '-80' }], even_if_serving: true });
    expect(Object.keys((await c.vtctld.findAllShardsInKeyspace({ keyspace: 'customer' })).shards)).toEqual(['80-']);
    expect(await codeOf(c.vtctld.deleteShards({ shards: [{ keyspace: 'customer', name: 'nope' }] }))).toBe(Code.NOT_FOUND);
  });

  it('deletes keyspaces only recursively when they have shards', async () => {
    await c.addTablets('commerce', '0', [100, 101]);
    expect(await codeOf(c.vtctld.deleteKeyspace({ keyspace: 'commerce' }))).toBe(Code.FAILED_PRECONDITION);
    await c.vtctld.deleteKeyspace({ keyspace: 'commerce', recursive: true });
    expect(await codeOf(c.vtctld.getKeyspace({ keyspace: 'commerce' }))).toBe(Code.NOT_FOUND);
    expect((await c.topo.getSrvKeyspaceNames('zone1'))).toEqual([]);
    expect((await c.topo.getSrvVSchema('zone1')).keyspaces.commerce).toBeUndefined();
  });
});

describe('Vtctld: schema, VSchema, routing rules, DBA queries', () => {
  it('applies schema to every primary, reads it back per tablet, and runs DBA queries', async () => {
    await c.addTablets('commerce', '0', [100, 101, 102]);
    const applied = await c.vtctld.applySchema({ keyspace: 'commerce', sql: ['create table product(sku varbinary(128), price bigint, primary key(sku))', 'insert into product values (\'a\', 1)'] });
    expect(applied).toEqual({ uuid_list: [], rows_affected_by_shard: { '0': 1 } });
    await c.waitCaughtUp(100, [101, 102]);
    const schema = (await c.vtctld.getSchema({ tablet_alias: { cell: 'zone1', uid: 102 } })).schema;
    expect(schema.table_definitions).toHaveLength(1);
    const [product] = schema.table_definitions;
    expect(product!.name).toBe('product');
    expect(product!.schema).toMatch(/^CREATE TABLE `product`/);
    expect(product!.columns).toEqual(['sku', 'price']);
    expect(product!.primary_key_columns).toEqual(['sku']);
    expect(product!.row_count).toBe(1);
    expect(product!.fields.map((f) => f.name)).toEqual(['sku', 'price']);
    expect((await c.vtctld.getSchema({ tablet_alias: { cell: 'zone1', uid: 100 }, table_names_only: true })).schema.table_definitions.map((t) => t.schema)).toEqual(['']);
    expect(await codeOf(c.vtctld.applySchema({ keyspace: 'commerce', sql: ['create table product(x int)'] }))).toBe(Code.ALREADY_EXISTS);
    expect(await codeOf(c.vtctld.applySchema({ keyspace: 'nope', sql: ['select 1'] }))).toBe(Code.NOT_FOUND);
    expect(await codeOf(c.vtctld.applySchema({ keyspace: 'commerce', sql: ['alter table product add column x int'], ddl_strategy: 'vitess' }))).toBe(Code.UNIMPLEMENTED);

    const fetched = await c.vtctld.executeFetchAsDBA({ tablet_alias: { cell: 'zone1', uid: 101 }, query: 'select sku, price from product' });
    expect(fetched.result.fields.map((f) => f.name)).toEqual(['sku', 'price']);
    expect(fetched.result.rows).toHaveLength(1);
    await c.exec(100, "insert into product values ('b', 2)");
    await c.waitCaughtUp(100, [101]);
    expect(await codeOf(c.vtctld.executeFetchAsDBA({ tablet_alias: { cell: 'zone1', uid: 101 }, query: 'select * from product', max_rows: 1 }))).toBe(Code.INVALID_ARGUMENT);
    expect(await codeOf(c.vtctld.executeFetchAsDBA({ tablet_alias: { cell: 'zone1', uid: 999 }, query: 'select 1' }))).toBe(Code.NOT_FOUND);
  });

  it('validates and saves VSchemas, and replaces routing rules', async () => {
    await c.addTablets('customer', '-80', [300]);
    const vschema = { sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] } } };
    const applied = await c.vtctld.applyVSchema({ keyspace: 'customer', v_schema: vschema });
    expect(applied.v_schema.tables.customer!.column_vindexes).toEqual([{ column: 'customer_id', name: 'hash', columns: [] }]);
    expect((await c.vtctld.getVSchema({ keyspace: 'customer' })).v_schema).toEqual(applied.v_schema);
    expect((await c.vtctld.getSrvVSchema({ cell: 'zone1' })).srv_v_schema.keyspaces.customer).toEqual(applied.v_schema);
    const bad = { sharded: true, vindexes: { v: { type: 'no_such_vindex' } }, tables: {} };
    expect(await codeOf(c.vtctld.applyVSchema({ keyspace: 'customer', v_schema: bad }))).toBe(Code.INVALID_ARGUMENT);
    expect(await codeOf(c.vtctld.applyVSchema({ keyspace: 'customer', v_schema: { sharded: true, tables: { t: {} } } }))).toBe(Code.INVALID_ARGUMENT);
    expect(await codeOf(c.vtctld.applyVSchema({ keyspace: 'nope', v_schema: {} }))).toBe(Code.NOT_FOUND);
    const dry = await c.vtctld.applyVSchema({ keyspace: 'customer', v_schema: { tables: { x: {} } }, dry_run: true });
    expect(Object.keys(dry.v_schema.tables)).toEqual(['x']);
    expect(Object.keys((await c.vtctld.getVSchema({ keyspace: 'customer' })).v_schema.tables)).toEqual(['customer']);

    expect((await c.vtctld.getRoutingRules()).routing_rules).toEqual({ rules: [] });
    const rules = { rules: [{ from_table: 'customer', to_tables: ['commerce.customer'] }] };
    await c.vtctld.applyRoutingRules({ routing_rules: rules });
    expect((await c.vtctld.getRoutingRules()).routing_rules).toEqual(rules);
    expect((await c.vtctld.getSrvVSchema({ cell: 'zone1' })).srv_v_schema.routing_rules).toEqual(rules);
    await c.vtctld.applyRoutingRules({ routing_rules: { rules: [] } });
    expect((await c.vtctld.getSrvVSchema({ cell: 'zone1' })).srv_v_schema.routing_rules).toEqual({ rules: [] });
  });
});
