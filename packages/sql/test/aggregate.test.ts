import { describe, expect, it } from 'vitest';
import { Type, type SqlValue } from '@vtsim/proto';
import { aggregateCall, averageOf, createAggregate, createMergeAggregate, parseStatement, type AggregateName, type AggregateOptions } from '../src/index.js';
import { errorOf } from './helpers.js';

function agg(name: AggregateName, values: SqlValue[], opts?: AggregateOptions): SqlValue {
  const a = createAggregate(name, opts);
  for (const v of values) a.add(v);
  return a.result();
}

describe('createAggregate', () => {
  it('COUNT counts non-NULL values; COUNT(*) counts rows; empty → 0', () => {
    expect(agg('COUNT', [1n, null, 2n])).toBe(2n);
    expect(agg('COUNT', [1n, null, 2n], { star: true })).toBe(3n);
    expect(agg('COUNT', [])).toBe(0n);
    expect(agg('COUNT_DISTINCT', ['a', 'A', 'b', null])).toBe(2n);
    expect(agg('COUNT', [1n, 1n, 2n], { distinct: true })).toBe(2n);
    const multi = createAggregate('COUNT_DISTINCT');
    multi.addValues([1n, 'a']);
    multi.addValues([1n, 'A']);
    multi.addValues([1n, null]);
    multi.addValues([2n, 'a']);
    expect(multi.result()).toBe(2n);
    expect(createAggregate('COUNT').type).toBe(Type.INT64);
  });

  it('SUM is exact DECIMAL for integers and decimals, DOUBLE for doubles; empty → NULL', () => {
    expect(agg('SUM', [1n, 2n, 3n], { argType: Type.INT64 })).toBe('6');
    expect(createAggregate('SUM', { argType: Type.INT64 }).type).toBe(Type.DECIMAL);
    expect(agg('SUM', ['1.10', '2.205', null], { argType: Type.DECIMAL })).toBe('3.305');
    expect(agg('SUM', [0.1, 0.2], { argType: Type.FLOAT64 })).toBe(0.30000000000000004);
    expect(agg('SUM', ['1', '2'], { argType: Type.VARCHAR })).toBe(3);
    expect(agg('SUM', [], { argType: Type.INT64 })).toBeNull();
    expect(agg('SUM', [null], { argType: Type.INT64 })).toBeNull();
    expect(agg('SUM', [9223372036854775807n, 9223372036854775807n], { argType: Type.INT64 })).toBe('18446744073709551614');
    expect(agg('SUM', [1n, 1n, 2n], { argType: Type.INT64, distinct: true })).toBe('3');
  });

  it('AVG has four more digits of scale; doubles stay doubles', () => {
    expect(agg('AVG', [1n, 2n], { argType: Type.INT64 })).toBe('1.5000');
    expect(agg('AVG', ['1.25', '2.00'], { argType: Type.DECIMAL })).toBe('1.625000');
    expect(agg('AVG', [1, 2], { argType: Type.FLOAT64 })).toBe(1.5);
    expect(agg('AVG', [], { argType: Type.INT64 })).toBeNull();
  });

  it('MIN and MAX order by the argument type', () => {
    expect(agg('MIN', [3n, null, 1n, 2n], { argType: Type.INT64 })).toBe(1n);
    expect(agg('MAX', ['9.50', '10.00'], { argType: Type.DECIMAL })).toBe('10.00');
    expect(agg('MAX', ['b', 'C', 'a'], { argType: Type.VARCHAR })).toBe('C');
    expect(agg('MIN', [], { argType: Type.VARCHAR })).toBeNull();
  });

  it('GROUP_CONCAT and BIT_*', () => {
    expect(agg('GROUP_CONCAT', ['a', null, 1n])).toBe('a,1');
    expect(agg('GROUP_CONCAT', ['a', 'b', 'a'], { separator: ';', distinct: true })).toBe('a;b');
    expect(agg('GROUP_CONCAT', [])).toBeNull();
    expect((agg('GROUP_CONCAT', ['x'.repeat(600), 'y'.repeat(600)]) as string).length).toBe(1024);
    expect(agg('BIT_AND', [7n, 3n], { argType: Type.INT64 })).toBe(3n);
    expect(agg('BIT_OR', [4n, 1n], { argType: Type.INT64 })).toBe(5n);
    expect(agg('BIT_XOR', [6n, 3n], { argType: Type.INT64 })).toBe(5n);
    expect(agg('BIT_AND', [])).toBe(18446744073709551615n);
  });
});

describe('createMergeAggregate', () => {
  function merge(name: AggregateName, partials: SqlValue[], opts?: AggregateOptions): SqlValue {
    const a = createMergeAggregate(name, opts);
    for (const p of partials) a.add(p);
    return a.result();
  }

  it('sums counts and sums, compares MIN/MAX, joins GROUP_CONCAT', () => {
    expect(merge('COUNT', [3n, 0n, 4n])).toBe(7n);
    expect(merge('COUNT', [])).toBe(0n);
    expect(merge('SUM', ['6', null, '4.5'], { argType: Type.INT64 })).toBe('10.5');
    expect(merge('SUM', [null, null], { argType: Type.INT64 })).toBeNull();
    expect(merge('SUM', [1.5, 2.5], { argType: Type.FLOAT64 })).toBe(4);
    expect(merge('MIN', [5n, null, 2n], { argType: Type.INT64 })).toBe(2n);
    expect(merge('MAX', ['apple', 'Banana'], { argType: Type.VARCHAR })).toBe('Banana');
    expect(merge('GROUP_CONCAT', ['a,b', 'c'])).toBe('a,b,c');
    expect(merge('BIT_OR', [1n, 2n])).toBe(3n);
  });

  it('AVG is rewritten as SUM and COUNT; AVG and COUNT_DISTINCT partials are refused', () => {
    expect(averageOf('10', 4n)).toBe('2.5000');
    expect(averageOf(5, 2n)).toBe(2.5);
    expect(averageOf(null, 0n)).toBeNull();
    expect(errorOf(() => createMergeAggregate('AVG')).errno).toBe(1235);
    expect(errorOf(() => createMergeAggregate('COUNT_DISTINCT')).errno).toBe(1235);
  });
});

describe('aggregateCall', () => {
  const call = (sql: string) => aggregateCall(parseStatement(`select ${sql} from t`).columns[0].expr);
  it('decodes aggregate nodes', () => {
    expect(call('count(*)')).toMatchObject({ name: 'COUNT', args: [], distinct: false });
    expect(call('count(distinct a)')).toMatchObject({ name: 'COUNT_DISTINCT', distinct: true });
    expect(call('count(distinct a, b)')!.args).toHaveLength(2);
    expect(call("group_concat(a order by a separator ';')")).toMatchObject({ name: 'GROUP_CONCAT', separator: ';' });
    expect(call('bit_xor(a)')).toMatchObject({ name: 'BIT_XOR' });
    expect(call('abs(a)')).toBeNull();
  });
});
