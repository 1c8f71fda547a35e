import { describe, expect, it } from 'vitest';
import { clearParseCache, parseStatement, parseStatements } from '../src/index.js';
import { errorOf } from './helpers.js';

describe('parseStatements', () => {
  it('parses several statements and caches the shared, frozen result', () => {
    const a = parseStatements('select 1; select 2');
    expect(a.map((s) => s.type)).toEqual(['select', 'select']);
    expect(parseStatements('select 1; select 2')).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    clearParseCache();
    expect(parseStatements('select 1; select 2')).not.toBe(a);
  });

  it('parses named bind variables as params', () => {
    const s = parseStatement('select * from t where id = :id');
    expect(s.where.right).toEqual({ type: 'param', value: 'id' });
  });

  it('reports syntax errors in Vitess shape', () => {
    const e = errorOf(() => parseStatement('select $ from t'));
    expect(e.errno).toBe(1064);
    expect(e.sqlState).toBe('42000');
    expect(e.message).toBe("syntax error at position 9 near '$'");
    expect(errorOf(() => parseStatement('select * from t where')).message).toBe('syntax error at position 22');
    expect(errorOf(() => parseStatement('select * from t where id = = 1')).message).toBe("syntax error at position 29 near '='");
  });

  it('rejects empty text and several statements where one is expected', () => {
    expect(errorOf(() => parseStatements('  ')).errno).toBe(1065);
    expect(errorOf(() => parseStatement('select 1; select 2')).errno).toBe(1064);
    expect(parseStatement('select 1;').type).toBe('select');
  });
});
