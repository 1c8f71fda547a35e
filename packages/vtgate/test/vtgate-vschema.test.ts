import { describe, expect, it } from 'vitest';
import { TabletType, parseKeyspaceVSchema, type SrvVSchema } from '@vtsim/proto';
import { keyRangeFromShardName } from '@vtsim/topo';
import { Resolver } from '../src/resolver.js';
import { VSchema, tabletTypeSuffix } from '../src/vschema.js';
import { parseTarget } from '../src/vtgate-session.js';

function srv(rules: [string, string[]][] = []): SrvVSchema {
  return {
    keyspaces: {
      commerce: parseKeyspaceVSchema({ tables: { customer_seq: { type: 'sequence' }, product: {}, customer: {} } }),
      customer: parseKeyspaceVSchema({
        sharded: true,
        vindexes: { hash: { type: 'hash' } },
        tables: {
          customer: { column_vindexes: [{ column: 'Customer_ID', name: 'hash' }], auto_increment: { column: 'customer_id', sequence: 'customer_seq' } },
          corder: { column_vindexes: [{ column: 'customer_id', name: 'hash' }], auto_increment: { column: 'order_id', sequence: 'commerce.nosuch_seq' } },
        },
      }),
    },
    routing_rules: { rules: rules.map(([from_table, to_tables]) => ({ from_table, to_tables })) },
  };
}

describe('VSchema', () => {
  it('builds tables, primary vindexes and resolved sequences', () => {
    const vs = VSchema.build(srv());
    const customer = vs.findTable('customer', 'customer');
    expect(customer.keyspace.sharded).toBe(true);
    expect(customer.columnVindexes.map((cv) => [cv.column, cv.vindex.type])).toEqual([['customer_id', 'hash']]);
    expect(customer.autoIncrement?.sequence?.name).toBe('customer_seq');
    expect(customer.autoIncrement?.sequence?.keyspace.name).toBe('commerce');
    expect(vs.findTable('customer', 'corder').autoIncrement?.error).toMatch(/cannot resolve sequence commerce.nosuch_seq/);
    expect(vs.keyspaceNames()).toEqual(['commerce', 'customer']);
  });

  it('finds tables like Vitess: unsharded keyspaces accept any table, sharded ones and unknown names fail', () => {
    const vs = VSchema.build(srv());
    expect(vs.findTable('commerce', 'anything').keyspace.name).toBe('commerce');
    expect(() => vs.findTable('customer', 'nosuch')).toThrow('table nosuch not found');
    expect(() => vs.findTable('', 'nosuch')).toThrow('table nosuch not found');
    expect(() => vs.findTable('', 'customer')).toThrow('ambiguous table reference: customer');
    expect(vs.findTable('', 'corder').keyspace.name).toBe('customer');
    expect(() => vs.findTable('nosuch', 't')).toThrow(expect.objectContaining({ errno: 1049, message: "Unknown database 'nosuch'" }));
  });

  it('applies routing rules per tablet type without falling back between types', () => {
    const vs = VSchema.build(
      srv([
        ['customer', ['commerce.customer']],
        ['commerce.customer@replica', ['customer.customer']],
        ['corder', []],
      ]),
    );
    expect(vs.findRoutedTable('', 'customer', TabletType.PRIMARY).keyspace.name).toBe('commerce');
    expect(vs.findRoutedTable('commerce', 'customer', TabletType.PRIMARY).keyspace.name).toBe('commerce');
    expect(vs.findRoutedTable('commerce', 'customer', TabletType.REPLICA).keyspace.name).toBe('customer');
    expect(vs.findRoutedTable('commerce', 'customer', TabletType.RDONLY).keyspace.name).toBe('commerce');
    expect(() => vs.findRoutedTable('', 'corder', TabletType.PRIMARY)).toThrow('table corder has been disabled');
    expect(tabletTypeSuffix(TabletType.RDONLY)).toBe('@rdonly');
  });

  it('records broken keyspaces and adds served keyspaces without a VSchema as unsharded', () => {
    const bad: SrvVSchema = {
      keyspaces: { ks: { sharded: true, vindexes: { v: { type: 'nosuch', params: {}, owner: '' } }, tables: {}, require_explicit_routing: false } },
      routing_rules: { rules: [] },
    };
    const vs = VSchema.build(bad, ['other']);
    expect(() => vs.findTable('ks', 't')).toThrow(/keyspace ks: vindex type nosuch not found/);
    expect(vs.keyspace('other')?.sharded).toBe(false);
    expect(vs.findTable('other', 't').keyspace.name).toBe('other');
  });
});

describe('Resolver', () => {
  const r = new Resolver();
  r.setSrvKeyspace('customer', {
    partitions: [
      {
        served_type: TabletType.PRIMARY,
        shard_references: [
          { name: '-80', key_range: keyRangeFromShardName('-80') },
          { name: '80-', key_range: keyRangeFromShardName('80-') },
        ],
        shard_tablet_controls: [{ name: '80-', key_range: keyRangeFromShardName('80-'), query_service_disabled: true }],
      },
    ],
  });

  it('maps keyspace ids to the shard whose key range holds them', () => {
    expect(r.shardForKeyspaceId('customer', TabletType.PRIMARY, Buffer.from('166b40b44aba4bd6', 'hex')).name).toBe('-80');
    expect(r.shardForKeyspaceId('customer', TabletType.PRIMARY, Buffer.from('d2fd8867d50d2dfe', 'hex')).name).toBe('80-');
    expect(r.shardForKeyspaceId('customer', TabletType.PRIMARY, Buffer.from('80', 'hex')).name).toBe('80-');
    expect(r.shards('customer', TabletType.PRIMARY).map((s) => [s.name, s.queryServiceDisabled])).toEqual([
      ['-80', false],
      ['80-', true],
    ]);
  });

  it('fails for unknown keyspaces and tablet types without a partition', () => {
    expect(() => r.shards('nosuch', TabletType.PRIMARY)).toThrow(/keyspace nosuch fetch error/);
    expect(() => r.shards('customer', TabletType.REPLICA)).toThrow('No partition found for tabletType replica in keyspace customer');
    r.setSrvKeyspace('gone', null);
    expect(r.hasKeyspace('gone')).toBe(false);
  });
});

describe('parseTarget', () => {
  it('parses keyspace, shard and tablet type', () => {
    expect(parseTarget('commerce')).toEqual({ keyspace: 'commerce', shard: '', tabletType: TabletType.PRIMARY });
    expect(parseTarget('customer/-80')).toEqual({ keyspace: 'customer', shard: '-80', tabletType: TabletType.PRIMARY });
    expect(parseTarget('customer:80-@rdonly')).toEqual({ keyspace: 'customer', shard: '80-', tabletType: TabletType.RDONLY });
    expect(parseTarget('commerce@replica')).toEqual({ keyspace: 'commerce', shard: '', tabletType: TabletType.REPLICA });
    expect(parseTarget('commerce@master').tabletType).toBe(TabletType.PRIMARY);
    expect(parseTarget('')).toEqual({ keyspace: '', shard: '', tabletType: TabletType.PRIMARY });
    expect(parseTarget('commerce@spare').tabletType).toBe(TabletType.SPARE);
  });
});
