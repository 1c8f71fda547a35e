import { describe, expect, it } from 'vitest';
import pkg from 'node-sql-parser/build/mysql.js';
import { parseSimpleInsert } from '../src/fast-insert.js';
import { originalOffset, rewriteFloatLiterals } from '../src/float-literal.js';
import { clearParseCache, parseStatement, parseStatements } from '../src/index.js';
import { errorOf } from './helpers.js';

const full = new pkg.Parser();
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));
const firstColumn = (sql: string) => plain(parseStatement(sql)).columns[0];

describe('rewriteFloatLiterals', () => {
  it('respells only the forms node-sql-parser misreads, one inserted character each', () => {
    expect(rewriteFloatLiterals('select 1e5, 2E10, 1e-7, 1e+5, -3e2')).toEqual({
      text: 'select 1.e5, 2.E10, 1.e-7, 1.e+5, -3.e2',
      inserted: [8, 14, 21, 28, 36],
    });
    expect(rewriteFloatLiterals('select .5e1, (.5)')?.text).toBe('select 0.5e1, (0.5)');
    expect(rewriteFloatLiterals('select 1e5a')?.text).toBe('select 1.e5a');
  });

  it('leaves statements without such literals alone', () => {
    for (const sql of [
      'select 1.5e3, 1.e3, 1.5, 15 from t where a = 1',
      "select 'a 1e5 .5', \"1e5\", `1e5`, t.1e5, t.`x`.5e1, a1e5, 1ea, 1e, 1e+a, 0x1e5, 0b101, x'1e5' from t",
      'select @1e5, @@1e5, :1e5 from t -- 1e5\n# 1e5\n/* 1e5 */',
    ]) {
      expect(rewriteFloatLiterals(sql), sql).toBeNull();
    }
  });

  it('maps parser offsets back to the original text', () => {
    const rw = rewriteFloatLiterals('select 1e5, 2e5 x')!;
    expect(originalOffset(rw, 7)).toBe(7);
    expect(originalOffset(rw, 8)).toBe(8);
    expect(originalOffset(rw, 9)).toBe(9 - 1);
    expect(originalOffset(rw, rw.text.length)).toBe(17);
  });

  it('refuses a literal outside DOUBLE range with 1367', () => {
    for (const [sql, text] of [['select 1e500', '1e500'], ['select -1.8e308', '1.8e308'], ['select .1e999', '.1e999']]) {
      const e = errorOf(() => rewriteFloatLiterals(sql));
      expect([e.errno, e.sqlState, e.message]).toEqual([1367, '22007', `Illegal double '${text}' value found during parsing`]);
    }
    expect(rewriteFloatLiterals('select 1.e-400, 1.7976931348623157e308')).toBeNull();
  });
});

describe('parseStatement with float literals', () => {
  it('reads them as numbers node-sql-parser spells with an exponent', () => {
    expect(firstColumn('select 1e5').expr).toEqual({ type: 'bigint', value: '1e5' });
    expect(firstColumn('select 1e-7').expr).toEqual({ type: 'bigint', value: '1e-7' });
    expect(firstColumn('select .5e1').expr).toEqual({ type: 'bigint', value: '0.5e1' });
    expect(firstColumn('select .5').expr).toEqual({ type: 'number', value: '0.5' });
    expect(firstColumn('select 1e5a')).toMatchObject({ expr: { type: 'bigint', value: '1e5' }, as: 'a' });
    expect(plain(parseStatement('update t set f = 1e-7 where id = 1')).set[0].value).toEqual({ type: 'bigint', value: '1e-7' });
  });

  it('keeps names that look like them', () => {
    expect(firstColumn('select t.1e5 from t').expr).toMatchObject({ type: 'column_ref', table: 't', column: '1e5' });
    expect(firstColumn('select 1ea from t').expr).toMatchObject({ type: 'column_ref', column: '1ea' });
    expect(firstColumn('select 0x1e5').expr).toEqual({ type: 'full_hex_string', prefix: null, value: '1e5' });
  });

  it('caches the parse under the original text', () => {
    clearParseCache();
    const a = parseStatements('select 1e5 from t');
    expect(parseStatements('select 1e5 from t')).toBe(a);
  });

  it('reports syntax errors at offsets of the original text', () => {
    expect(errorOf(() => parseStatement('select 1e5, .5e1 fromm t')).message).toBe("syntax error at position 25 near 't'");
    expect(errorOf(() => parseStatement('select 1e5 fromm t')).message).toBe("syntax error at position 19 near 't'");
    expect(errorOf(() => parseStatement('select 1 1e-7')).message).toBe("syntax error at position 14 near '1e-7'");
  });
});

describe('parseSimpleInsert with float literals', () => {
  it.each(['insert into t values (1e5, -2.5e-3, 1E+2, 3e0)', 'insert into t (a, b) values (1e-7, 2), (-1e5, 0.5e1)'])(
    'matches node-sql-parser on the respelt text: %s',
    (sql) => {
      const respelt = rewriteFloatLiterals(sql)?.text ?? sql;
      expect(plain(parseSimpleInsert(sql))).toEqual(plain(full.astify(respelt, { database: 'MySQL' })));
    },
  );

  it('refuses a literal outside DOUBLE range with 1367', () => {
    expect(errorOf(() => parseSimpleInsert('insert into t values (-1e400)')).message).toBe("Illegal double '1e400' value found during parsing");
  });
});
