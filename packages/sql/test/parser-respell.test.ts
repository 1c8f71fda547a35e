import { Type } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { parseStatement } from '../src/index.js';
import { compile, ev } from './helpers.js';

describe('syntax node-sql-parser misreads, read as MySQL reads it', () => {
  it('joins adjacent string literals into one (not an alias)', () => {
    expect(ev("'a' 'b'")).toBe('ab');
    expect(ev(`'x'  "y" 'z'`)).toBe('xyz');
    expect(ev("concat('a' 'b', 'c')")).toBe('abc');
    expect(ev("'it''s' ' ok'")).toBe("it's ok");
    expect(parseStatement("select 'a' as 'b'").columns[0].as).toBe('b');
    // A hex literal is not a string literal: x'41' 'b' is 'A' aliased b, in MySQL too.
    expect(parseStatement("select x'41' 'b'").columns[0].as).toBe('b');
  });

  it('gives XOR its precedence between AND and OR', () => {
    expect(ev('1 xor 0 and 0')).toBe(1n);
    expect(ev('0 and 0 xor 1')).toBe(1n);
    expect(ev('(1 xor 0) and 0')).toBe(0n);
    expect(ev('0 or 1 xor 1')).toBe(0n);
    expect(ev('1 xor 1 or 1')).toBe(1n);
    expect(ev('1 xor 1 xor 1')).toBe(1n);
    expect(ev('2 xor null')).toBe(null);
  });

  it('reads <=> as NULL-safe equality with its precedence', () => {
    expect(ev('1 <=> 1')).toBe(1n);
    expect(ev('null <=> null')).toBe(1n);
    expect(ev('1 <=> null')).toBe(0n);
    expect(ev('1+1<=>2')).toBe(1n);
    expect(ev('2 <=> 1 + 1')).toBe(1n);
    expect(ev('a <=> b', { columns: [{ name: 'a', type: 'int' }, { name: 'b', type: 'int' }], row: [null, null] })).toBe(1n);
    expect(ev("'<=>' <=> '<=>'")).toBe(1n);
    expect(() => ev('1 <=> !!1')).toThrow(/doesn't yet support/);
  });

  it('reads NOT (…) as the NOT operator', () => {
    expect(ev('not (1 = 2)')).toBe(1n);
    expect(ev('not(1)')).toBe(0n);
    expect(ev('not (1 = 1 and 2 = 2)')).toBe(0n);
    expect(ev('not (null)')).toBe(null);
  });

  it('keeps negative integer literals exact: BIGINT down to -2^63, DECIMAL beyond', () => {
    const min = compile('-9223372036854775808');
    expect(min.type).toBe(Type.INT64);
    expect(ev('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(ev('-9007199254740993')).toBe(-9007199254740993n);
    const beyond = compile('-9223372036854775809');
    expect(beyond.type).toBe(Type.DECIMAL);
    expect(ev('-9223372036854775809')).toBe('-9223372036854775809');
    expect(() => ev('-9223372036854775808 - 1')).toThrow("BIGINT value is out of range in '(-9223372036854775808 - 1)'");
    expect(() => ev('9223372036854775807 + 1')).toThrow("BIGINT value is out of range in '(9223372036854775807 + 1)'");
    expect(() => ev('18446744073709551615 + 1')).toThrow("BIGINT UNSIGNED value is out of range in '(18446744073709551615 + 1)'");
  });
});

describe('DEFAULT as a value', () => {
  it('parses as a default() call without arguments in VALUES and SET, and leaves DDL alone', async () => {
    const { isDefaultKeyword } = await import('../src/index.js');
    const ins = parseStatement('insert into t values (1, default, DEFAULT)');
    expect(ins.values.values[0].value.map((e: { type: string }) => isDefaultKeyword(e as never))).toEqual([false, true, true]);
    const set = parseStatement('insert into t set a = default, b = 2');
    expect(set.set.map((s: { value: unknown }) => isDefaultKeyword(s.value as never))).toEqual([true, false]);
    const ddl = parseStatement('create table t (a int default 1, b int default null)');
    expect(ddl.create_definitions).toHaveLength(2);
    expect(parseStatement("select 'default'").columns[0].expr.value).toBe('default');
    expect(() => ev('default')).toThrow(/syntax error/);
  });
});

describe('long decimal literals', () => {
  it('keep every digit (the grammar would round them through a JS number)', () => {
    expect(ev('1.23456789012345678')).toBe('1.23456789012345678');
    expect(ev('-1.23456789012345678')).toBe('-1.23456789012345678');
    expect(ev('12345678901234567.5')).toBe('12345678901234567.5');
    expect(ev('0.1 + 1.00000000000000000001')).toBe('1.10000000000000000001');
    expect(ev('3.14159265358979323846 * 2')).toBe('6.28318530717958647692');
    expect(ev("'1.23456789012345678'")).toBe('1.23456789012345678');
  });
});
