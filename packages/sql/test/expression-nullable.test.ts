import { describe, expect, it } from 'vitest';
import { MySqlFlag, Type } from '@vtsim/proto';
import { resultField } from '../src/index.js';
import { compile } from './helpers.js';

describe('compiled expressions know whether they can be NULL', () => {
  it('non-NULL literals, COUNT and + - * of non-nullable values cannot', () => {
    for (const sql of ['1', "'x'", '1.5', '-1', '1 + 2 * 3', 'count(*)', 'count(a)', 'count(*) + 1']) {
      expect([sql, compile(sql, [{ name: 'a', type: 'bigint' }], { aggregate: () => 0 }).nullable]).toEqual([sql, false]);
    }
  });

  it('NULL, columns, variables, division and other aggregates may', () => {
    for (const sql of ['null', 'a', 'a + 1', '@x', ':v', '1 / 1', '4 div 2', '5 % 2', 'sum(a)', 'max(a)', '1 + null']) {
      expect([sql, compile(sql, [{ name: 'a', type: 'bigint' }], { aggregate: () => 0 }).nullable]).toEqual([sql, true]);
    }
  });

  it('a NOT NULL result field carries the NOT_NULL flag', () => {
    expect(resultField('1', Type.INT64, { notNull: true }).flags).toBe(MySqlFlag.NOT_NULL_FLAG | MySqlFlag.NUM_FLAG);
    expect(resultField('1', Type.INT64).flags).toBe(MySqlFlag.NUM_FLAG);
  });
});
