import { describe, expect, it } from 'vitest';
import { Type, parseKeyspaceVSchema, parseRoutingRules } from '../src/index.js';

describe('parseKeyspaceVSchema', () => {
  it('fills defaults for the local example commerce VSchema', () => {
    expect(parseKeyspaceVSchema({ tables: { product: {}, customer: {}, corder: {} } })).toEqual({
      sharded: false,
      vindexes: {},
      require_explicit_routing: false,
      tables: Object.fromEntries(
        ['product', 'customer', 'corder'].map((t) => [
          t,
          { type: '', column_vindexes: [], auto_increment: null, columns: [], pinned: '', column_list_authoritative: false, source: '' },
        ]),
      ),
    });
  });

  it('reads the sharded customer VSchema in snake_case and camelCase spellings', () => {
    const snake = parseKeyspaceVSchema({
      sharded: true,
      vindexes: { hash: { type: 'hash' } },
      tables: {
        customer: {
          column_vindexes: [{ column: 'customer_id', name: 'hash' }],
          auto_increment: { column: 'customer_id', sequence: 'customer_seq' },
        },
      },
    });
    const camel = parseKeyspaceVSchema({
      sharded: true,
      vindexes: { hash: { type: 'hash', params: {} } },
      tables: {
        customer: {
          columnVindexes: [{ column: 'customer_id', name: 'hash' }],
          autoIncrement: { column: 'customer_id', sequence: 'customer_seq' },
        },
      },
    });
    expect(camel).toEqual(snake);
    expect(snake.vindexes.hash).toEqual({ type: 'hash', params: {}, owner: '' });
    expect(snake.tables.customer!.column_vindexes).toEqual([{ column: 'customer_id', name: 'hash', columns: [] }]);
    expect(snake.tables.customer!.auto_increment).toEqual({ column: 'customer_id', sequence: 'customer_seq' });
  });

  it('reads sequences, reference tables and columns', () => {
    const vs = parseKeyspaceVSchema({
      tables: {
        customer_seq: { type: 'sequence' },
        ref: { type: 'reference', source: 'commerce.ref' },
        t: { columns: [{ name: 'id', type: 'INT64' }, { name: 'v', type: 'VARCHAR' }], column_list_authoritative: true },
      },
    });
    expect(vs.tables.customer_seq!.type).toBe('sequence');
    expect(vs.tables.ref!.source).toBe('commerce.ref');
    expect(vs.tables.t!.columns).toEqual([
      { name: 'id', type: Type.INT64 },
      { name: 'v', type: Type.VARCHAR },
    ]);
    expect(vs.tables.t!.column_list_authoritative).toBe(true);
  });

  it('rejects wrong shapes with clear errors', () => {
    expect(() => parseKeyspaceVSchema('x')).toThrow('vschema must be a JSON object');
    expect(() => parseKeyspaceVSchema({ sharded: 'yes' })).toThrow('sharded must be a boolean');
    expect(() => parseKeyspaceVSchema({ tables: { t: { column_vindexes: [{ column: 'id', name: 'nope' }] } } })).toThrow(
      'vindex nope not found for table t',
    );
    expect(() => parseKeyspaceVSchema({ sharded: true, tables: { t: {} } })).toThrow('missing primary col vindex for table: t');
    expect(() => parseKeyspaceVSchema({ tables: { t: { type: 'view' } } })).toThrow(/unknown table type 'view'/);
    expect(() => parseKeyspaceVSchema({ vindexes: { h: {} } })).toThrow('vindex h: type is required');
    expect(() => parseKeyspaceVSchema({ vindexes: { h: { type: 'hash' } }, tables: { t: { column_vindexes: [{ name: 'h' }] } } })).toThrow(
      /needs at least one column/,
    );
    expect(() => parseKeyspaceVSchema({ tables: { t: { auto_increment: { column: 'id' } } } })).toThrow(/both column and sequence/);
    expect(() => parseKeyspaceVSchema({ tables: { t: { columns: [{ name: 'c', type: 'NOPE' }] } } })).toThrow(/unknown column type/);
  });
});

describe('parseRoutingRules', () => {
  it('accepts both spellings and rejects a rule without from_table', () => {
    const want = { rules: [{ from_table: 'customer', to_tables: ['commerce.customer'] }] };
    expect(parseRoutingRules({ rules: [{ from_table: 'customer', to_tables: ['commerce.customer'] }] })).toEqual(want);
    expect(parseRoutingRules({ rules: [{ fromTable: 'customer', toTables: ['commerce.customer'] }] })).toEqual(want);
    expect(parseRoutingRules({})).toEqual({ rules: [] });
    expect(() => parseRoutingRules({ rules: [{ to_tables: [] }] })).toThrow('rules[0] has no from_table');
  });
});
