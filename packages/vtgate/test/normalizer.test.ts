import { describe, expect, it } from 'vitest';
import { normalize } from '../src/normalizer.js';
import { firstKeyword, SqlLexer, Tok, unquoteString } from '@vtsim/sql';

describe('normalize', () => {
  it('turns WHERE literals into bind variables', () => {
    expect(normalize('select * from t where id = 5')).toEqual({ sql: 'select * from t where id = :vtg1', bindVars: { vtg1: 5n } });
    expect(normalize("select a from t where name = 'it''s' and b in (1, -2)")).toEqual({
      sql: 'select a from t where name = :vtg1 and b in (:vtg2, :vtg3)',
      bindVars: { vtg1: "it's", vtg2: 1n, vtg3: -2n },
    });
  });

  it('leaves select lists, ORDER BY, GROUP BY and LIMIT alone', () => {
    const sql = "select 1, 'x' as y, concat(a, 'b') from t where c > 3 group by 1 order by 2 desc limit 10, 20";
    expect(normalize(sql)).toEqual({
      sql: "select 1, 'x' as y, concat(a, 'b') from t where c > :vtg1 group by 1 order by 2 desc limit 10, 20",
      bindVars: { vtg1: 3n },
    });
    expect(normalize('select a from t limit 1 offset 2').sql).toBe('select a from t limit 1 offset 2');
  });

  it('normalizes insert values and update assignments', () => {
    const insert = normalize("insert into customer(email) values('alice@domain.com'), ('bob')");
    expect({ sql: insert.sql, bindVars: insert.bindVars }).toEqual({
      sql: 'insert into customer(email) values(:vtg1), (:vtg2)',
      bindVars: { vtg1: 'alice@domain.com', vtg2: 'bob' },
    });
    expect(normalize('update t set a = 1, b = a - 2 where id = 3').sql).toBe('update t set a = :vtg1, b = a - :vtg2 where id = :vtg3');
    expect(normalize('delete from t where id = 3').bindVars).toEqual({ vtg1: 3n });
  });

  it('keeps typed literals, introducers, intervals, casts, json paths and comments', () => {
    const sql =
      "select a from t /* id = 7 */ where d > date '2020-01-01' and b = _binary'x' and e < now() - interval 1 day and cast(a as decimal(10, 2)) = 5 and j->'$.k' = 'v'";
    expect(normalize(sql)).toEqual({
      sql: "select a from t /* id = 7 */ where d > date '2020-01-01' and b = _binary'x' and e < now() - interval 1 day and cast(a as decimal(10, 2)) = :vtg1 and j->'$.k' = :vtg2",
      bindVars: { vtg1: 5n, vtg2: 'v' },
    });
  });

  it('keeps decimals, hex and subquery select lists as text and normalizes their WHERE', () => {
    expect(normalize('select a from t where x = 1.5 and y = 0x1f and z in (select 1 from u where w = 2)')).toEqual({
      sql: 'select a from t where x = 1.5 and y = 0x1f and z in (select 1 from u where w = :vtg1)',
      bindVars: { vtg1: 2n },
    });
  });

  it('keeps every literal of a select item as text, FROM inside functions and subqueries included (they name the column)', () => {
    const sql = "select substring('abc' from 2), trim(leading '0' from '007'), (select name from c where id = 1), exists (select 1 from p where x > 5) from t where id = 7";
    expect(normalize(sql)).toEqual({
      sql: "select substring('abc' from 2), trim(leading '0' from '007'), (select name from c where id = 1), exists (select 1 from p where x > 5) from t where id = :vtg1",
      bindVars: { vtg1: 7n },
    });
  });

  it('turns float literals into FLOAT64 bind variables, as Vitess does for a FloatVal', () => {
    expect(normalize('update t set f = 1e-7 where id = 1 and g > -2E10 and h < 1.5e3 and k = .5e1')).toEqual({
      sql: 'update t set f = :vtg1 where id = :vtg2 and g > :vtg3 and h < :vtg4 and k = :vtg5',
      bindVars: { vtg1: 1e-7, vtg2: 1n, vtg3: -2e10, vtg4: 1500, vtg5: 5 },
    });
    expect(normalize('insert into t (id, f) values (1, 1e5), (2, -3e2)').bindVars).toEqual({ vtg1: 1n, vtg2: 1e5, vtg3: 2n, vtg4: -300 });
    // Out of DOUBLE's range: left for the parser to refuse (1367), as Vitess leaves a literal it cannot convert.
    expect(normalize('select a from t where f = 1e500')).toEqual({ sql: 'select a from t where f = 1e500', bindVars: {} });
  });

  it('keeps names that look like float literals', () => {
    const sql = 'select a from t where t.1e5 = 1 and `1e5` = 2 and t.5 = 3 and 1ea = 4 and 1e5a = 5 and x = 0x1e5';
    expect(normalize(sql)).toEqual({
      sql: 'select a from t where t.1e5 = :vtg1 and `1e5` = :vtg2 and t.5 = :vtg3 and 1ea = :vtg4 and 1e5a = :vtg5 and x = 0x1e5',
      bindVars: { vtg1: 1n, vtg2: 2n, vtg3: 3n, vtg4: 4n, vtg5: 5n },
    });
  });

  it('does not touch other statements or sequences', () => {
    for (const sql of ['set autocommit = 1', 'show tables like "x"', 'create table t (a int default 5)', 'select next 10 values from seq', 'use commerce'])
      expect(normalize(sql).sql).toBe(sql);
  });

  it('skips names the caller already uses and keeps the caller bind vars', () => {
    expect(normalize('select a from t where b = :vtg1 and c = 4', { vtg1: 1n })).toEqual({
      sql: 'select a from t where b = :vtg1 and c = :vtg2',
      bindVars: { vtg1: 1n, vtg2: 4n },
    });
  });

  it('treats minus after an operand as binary and keeps huge integers as text', () => {
    expect(normalize('select a from t where b = c -1').sql).toBe('select a from t where b = c -:vtg1');
    expect(normalize('select a from t where b = 99999999999999999999999').sql).toBe('select a from t where b = 99999999999999999999999');
    expect(normalize('select a from t where b = 18446744073709551615').bindVars).toEqual({ vtg1: 18446744073709551615n });
  });
});

describe('SqlLexer', () => {
  it('tokenizes words, strings, params, variables and operators', () => {
    const lx = new SqlLexer("select `a``b`, @@session.x, :p, 'q\\'s' <=> 1e3 ->> x'0f'");
    const kinds: [Tok, string][] = [];
    for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) kinds.push([k, lx.text()]);
    expect(kinds).toEqual([
      [Tok.WORD, 'select'], [Tok.QUOTED_IDENT, '`a``b`'], [Tok.PUNCT, ','], [Tok.VARIABLE, '@@session.x'], [Tok.PUNCT, ','],
      [Tok.PARAM, ':p'], [Tok.PUNCT, ','], [Tok.STRING, "'q\\'s'"], [Tok.PUNCT, '<=>'], [Tok.DECIMAL, '1e3'], [Tok.PUNCT, '->>'],
      [Tok.HEX_OR_BIT, "x'0f'"],
    ]);
  });

  it('reads a word after an identifier and `.` as a name, elsewhere numbers with exponents', () => {
    const lx = new SqlLexer('t.1e5 `t`.5 x .5e1 1e-7 1ea 0x1e5');
    const kinds: [Tok, string][] = [];
    for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) kinds.push([k, lx.text()]);
    expect(kinds).toEqual([
      [Tok.WORD, 't'], [Tok.PUNCT, '.'], [Tok.WORD, '1e5'], [Tok.QUOTED_IDENT, '`t`'], [Tok.PUNCT, '.'], [Tok.WORD, '5'],
      [Tok.WORD, 'x'], [Tok.DECIMAL, '.5e1'], [Tok.DECIMAL, '1e-7'], [Tok.WORD, '1ea'], [Tok.HEX_OR_BIT, '0x1e5'],
    ]);
  });

  it('unquotes MySQL strings and finds the first keyword', () => {
    expect(unquoteString("'a\\nb''c\\%'")).toBe("a\nb'c\\%");
    expect(unquoteString('"x""y"')).toBe('x"y');
    expect(firstKeyword('  /* hi */ (SELECT 1)')).toBe('SELECT');
    expect(firstKeyword('-- c\nshow tables')).toBe('SHOW');
  });
});
