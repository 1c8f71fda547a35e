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

  it('reads RANGE frames with INTERVAL bounds (which the grammar lacks) as range frame clauses', () => {
    const frame = (sql: string) => parseStatement(sql).columns[0].expr.over.as_window_specification.window_specification.window_frame_clause;
    expect(frame('select sum(a) over (order by d range between interval 1 day preceding and current row) from t')).toEqual({
      type: 'range', start: { type: 'origin', value: 'interval 1 day preceding' }, end: { type: 'origin', value: 'current row' },
    });
    expect(frame("select sum(a) over (partition by k order by d desc range between interval '1  2' day_hour preceding and interval 3 month following) from t")).toEqual({
      type: 'range', start: { type: 'origin', value: "interval '1 2' day_hour preceding" }, end: { type: 'origin', value: 'interval 3 month following' },
    });
    expect(frame('select count(*) over (order by d range interval 2 week preceding) from t').start.value).toBe('interval 2 week preceding');
  });

  it('reads SUBSTRING … FROM … FOR, the BINARY operator, text introducers and a bind variable after REGEXP, which the grammar lacks', () => {
    const args = (sql: string) => parseStatement(sql).columns[0].expr.args.value.map((a: { value?: unknown; type: string }) => a.value ?? a.type);
    expect(args("select substring('abcdef' from 2 for 3)")).toEqual(['abcdef', 2, 3]);
    expect(args("select substr(name from (select max(n) from t where m = 1)) from u")).toEqual(['column_ref', undefined]);
    const order = parseStatement('select id from p order by binary name').orderby[0].expr;
    expect(order).toMatchObject({ type: 'cast', expr: { type: 'column_ref', column: 'name' }, target: [{ dataType: 'BINARY' }] });
    expect(parseStatement('select binary p.name, binary(x) from p').columns.map((c: { expr: { type: string } }) => c.expr.type)).toEqual(['cast', 'cast']);
    // BINARY as a type or character set and before a string literal keeps its meaning.
    expect(parseStatement("select cast(a as binary), convert(a using binary), binary 'x' from t").columns.map((c: { expr: { type: string } }) => c.expr.type)).toEqual(['cast', 'function', 'single_quote_string']);
    expect(parseStatement('create table t (a binary(16))').create_definitions[0].definition.dataType).toBe('BINARY');
    expect(parseStatement("select _utf8mb4'hello', _latin1 'x', _binary'y'").columns.map((c: { expr: { type: string; value: string }; as: unknown }) => [c.expr.type, c.expr.value, c.as])).toEqual([
      ['single_quote_string', 'hello', null], ['single_quote_string', 'x', null], ['single_quote_string', 'y', null],
    ]);
    const where = parseStatement('select 1 from t where a regexp :re or a not rlike :re2').where;
    expect([where.left.right, where.right.right]).toEqual([{ type: 'param', value: 're' }, { type: 'param', value: 're2' }]);
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
