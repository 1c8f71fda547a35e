import { describe, expect, it } from 'vitest';
import { Type } from '@vtsim/proto';
import { compileExpr, parseStatement } from '../src/index.js';
import { colType, compile, errorOf, ev, testSession, typeOf } from './helpers.js';

const txt = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString() : v);

describe('literals', () => {
  it('types numbers as MySQL does', () => {
    expect(ev('42')).toBe(42n);
    expect(typeOf('42')).toBe(Type.INT64);
    expect(ev('1.50')).toBe('1.50');
    expect(typeOf('1.50')).toBe(Type.DECIMAL);
    expect(ev('1.5e2')).toBe(150);
    expect(typeOf('1.5e2')).toBe(Type.FLOAT64);
    expect(ev('1e3')).toBe(1000);
    expect(ev('18446744073709551615')).toBe(18446744073709551615n);
    expect(typeOf('18446744073709551615')).toBe(Type.UINT64);
    expect(ev('123456789012345678901234567890')).toBe('123456789012345678901234567890');
    expect(ev('-3')).toBe(-3n);
  });

  it('strings, hex, bits, booleans, NULL', () => {
    expect(ev("'abc'")).toBe('abc');
    expect(txt(ev("x'4142'"))).toBe('AB');
    expect(txt(ev('0x4142'))).toBe('AB');
    expect([...(ev("b'100000001'") as Uint8Array)]).toEqual([1, 1]);
    expect(typeOf("_binary'ab'")).toBe(Type.VARBINARY);
    expect(ev('true')).toBe(1n);
    expect(ev('false')).toBe(0n);
    expect(ev('null')).toBeNull();
    expect(ev("date '2024-01-02'")).toBe('2024-01-02');
  });
});

describe('MySQL 8 numeric contexts', () => {
  it('reads a hex literal as an unsigned integer and NULL as a string (DOUBLE result) in arithmetic', () => {
    expect(ev('0x41 + 0')).toBe(65n);
    expect(ev("x'0101' * 2")).toBe(514n);
    expect(typeOf('0x41 + 0')).toBe(Type.UINT64);
    expect(ev('1 + null')).toBeNull();
    expect(typeOf('1 + null')).toBe(Type.FLOAT64);
    expect(typeOf('null * 0')).toBe(Type.FLOAT64);
    expect(typeOf('1 div null')).toBe(Type.INT64);
  });

  it('negates the BIGINT literal -9223372036854775808 into a DECIMAL, and still overflows a BIGINT column value', () => {
    expect(ev('-(-9223372036854775808)')).toBe('9223372036854775808');
    expect(typeOf('-(-9223372036854775808)')).toBe(Type.DECIMAL);
    expect(ev('-(-9223372036854775807)')).toBe(9223372036854775807n);
    expect(errorOf(() => ev('-(-9223372036854775808 + 0)')).errno).toBe(1690);
  });

  it('merges BIGINT UNSIGNED with a signed integer as DECIMAL (LEAST, GREATEST, COALESCE)', () => {
    expect(typeOf('least(9223372036854775807, 18446744073709551615)')).toBe(Type.DECIMAL);
    expect(typeOf('greatest(-1, cast(1 as unsigned))')).toBe(Type.DECIMAL);
    expect(typeOf('greatest(cast(1 as unsigned), cast(2 as unsigned))')).toBe(Type.UINT64);
    expect(typeOf('greatest(1, 2)')).toBe(Type.INT64);
  });
});

describe('names and variables', () => {
  const columns = [{ name: 'id', type: 'bigint' }, { name: 'name', type: 'varchar(20)' }];

  it('reads columns by index with their types', () => {
    expect(ev('id + 1', { columns, row: [41n, 'x'] })).toBe(42n);
    expect(typeOf('name', columns)).toBe(Type.VARCHAR);
    expect(compile('name', columns).columnType?.columnType).toBe('varchar(20)');
    expect(errorOf(() => compile('nope', columns)).errno).toBe(1054);
  });

  it('reads bind variables and reports missing ones', () => {
    expect(ev(':v + 1', { bindVars: { v: 1n } })).toBe(2n);
    expect(typeOf(':v')).toBe(Type.EXPRESSION);
    const e = errorOf(() => ev(':missing'));
    expect([e.errno, e.message]).toEqual([1105, 'missing bind var missing']);
  });

  it('reads and assigns user and system variables', () => {
    const session = testSession();
    session.userVariables.set('x', 5n);
    expect(ev('@x * 2', { session })).toBe(10n);
    expect(ev('@X', { session })).toBe(5n);
    expect(ev('@nope', { session })).toBeNull();
    expect(ev('@y := 3', { session })).toBe(3n);
    expect(session.userVariables.get('y')).toBe(3n);
    expect(ev('@@version', { session })).toBe('8.0.40-vtsim');
    expect(ev('@@session.autocommit', { session })).toBe(1n);
    expect(errorOf(() => ev('@@nope', { session })).errno).toBe(1193);
  });
});

describe('arithmetic', () => {
  it('integers, decimals and doubles', () => {
    expect(ev('2 + 3 * 4')).toBe(14n);
    expect(ev('1 / 3')).toBe('0.3333');
    expect(typeOf('1 / 3')).toBe(Type.DECIMAL);
    expect(ev('10 / 4')).toBe('2.5000');
    expect(ev('1.5 / 3')).toBe('0.50000');
    expect(ev('1.10 + 2.205')).toBe('3.305');
    expect(ev('1.5 * 1.5')).toBe('2.25');
    expect(ev('0.1e0 + 0.2e0')).toBe(0.30000000000000004);
    expect(ev("'3' + 4")).toBe(7);
    expect(ev("'1.5abc' * 2")).toBe(3);
    expect(ev('7 div 2')).toBe(3n);
    expect(ev('-7 div 2')).toBe(-3n);
    expect(ev('7 % 3')).toBe(1n);
    expect(ev('-7 mod 3')).toBe(-1n);
    expect(ev('7.5 % 2')).toBe('1.5');
    expect(ev('mod(10, 4)')).toBe(2n);
    expect(ev('1 / 0')).toBeNull();
    expect(ev('1 % 0')).toBeNull();
    expect(ev('1 div 0')).toBeNull();
    expect(ev('null + 1')).toBeNull();
    expect(ev('-(5)')).toBe(-5n);
    expect(ev('- 1.5')).toBe('-1.5');
  });

  it('overflow is error 1690', () => {
    const e = errorOf(() => ev('9223372036854775807 + 1'));
    expect([e.errno, e.sqlState, e.message]).toEqual([1690, '22003', "BIGINT value is out of range in '(9223372036854775807 + 1)'"]);
    expect(errorOf(() => ev('a - 2', { columns: [{ name: 'a', type: 'bigint' }], row: [-9223372036854775807n] })).errno).toBe(1690);
    expect(ev('18446744073709551615 - 1')).toBe(18446744073709551614n);
    const u = errorOf(() => ev('a - 1', { columns: [{ name: 'a', type: 'bigint unsigned' }], row: [0n] }));
    expect(u.message).toBe("BIGINT UNSIGNED value is out of range in '(`a` - 1)'");
    expect(errorOf(() => ev('4611686018427387904 * 4')).errno).toBe(1690);
  });

  it('bit operators', () => {
    expect(ev('6 & 3')).toBe(2n);
    expect(ev('6 | 3')).toBe(7n);
    expect(ev('6 ^ 3')).toBe(5n);
    expect(ev('1 << 4')).toBe(16n);
    expect(ev('256 >> 4')).toBe(16n);
    expect(ev('~0')).toBe(18446744073709551615n);
    expect(ev('-1 & 255')).toBe(255n);
  });
});

describe('comparisons and NULL logic', () => {
  it('compares with MySQL type rules', () => {
    expect(ev("1 = '1.0'")).toBe(1n);
    expect(ev("'abc' = 'ABC'")).toBe(1n);
    expect(ev("'a' < 'b'")).toBe(1n);
    expect(ev("_binary'a' = 'A'")).toBe(0n);
    expect(ev('2 > 1.5')).toBe(1n);
    expect(ev('1 != 1')).toBe(0n);
    expect(ev('1 <> 2')).toBe(1n);
    expect(ev('null = null')).toBeNull();
    expect(ev('1 >= null')).toBeNull();
    expect(ev("'10' > '9'")).toBe(0n);
    expect(ev("'10' > 9")).toBe(1n);
    expect(ev('(1, 2) = (1, 2)')).toBe(1n);
    expect(ev('(1, 2) < (1, 3)')).toBe(1n);
    expect(ev('(1, null) = (1, 2)')).toBeNull();
    expect(ev('(1, null) = (2, 2)')).toBe(0n);
  });

  it('compares decimals and temporal values by value', () => {
    const columns = [{ name: 'p', type: 'decimal(10,2)' }, { name: 'd', type: 'datetime' }, { name: 'day', type: 'date' }];
    const row = ['10.00', '2024-01-01 10:00:00', '2024-01-01'];
    expect(ev('p > 9.5', { columns, row })).toBe(1n);
    expect(ev("p = '10'", { columns, row })).toBe(1n);
    expect(ev("d > '2024-01-01'", { columns, row })).toBe(1n);
    expect(ev("d < '2024-1-2'", { columns, row })).toBe(1n);
    expect(ev("day = '2024-01-01 00:00:00'", { columns, row })).toBe(1n);
    expect(ev('day = 20240101', { columns, row })).toBe(1n);
  });

  it('AND, OR, XOR, NOT with three-valued logic', () => {
    expect(ev('1 and null')).toBeNull();
    expect(ev('0 and null')).toBe(0n);
    expect(ev('1 or null')).toBe(1n);
    expect(ev('0 or null')).toBeNull();
    expect(ev('1 xor 1')).toBe(0n);
    expect(ev('1 xor null')).toBeNull();
    expect(ev('not null')).toBeNull();
    expect(ev('not 0')).toBe(1n);
    expect(ev('!2')).toBe(0n);
    expect(ev("'a' and 1")).toBe(0n);
    expect(ev('1 && 2 || 0')).toBe(1n);
  });

  it('IS [NOT] NULL / TRUE / FALSE / UNKNOWN', () => {
    expect(ev('null is null')).toBe(1n);
    expect(ev('0 is not null')).toBe(1n);
    expect(ev('2 is true')).toBe(1n);
    expect(ev('null is true')).toBe(0n);
    expect(ev('null is not false')).toBe(1n);
    expect(ev('0 is false')).toBe(1n);
    expect(ev('null is unknown')).toBe(1n);
  });

  it('IN, BETWEEN', () => {
    expect(ev('2 in (1, 2, 3)')).toBe(1n);
    expect(ev('5 in (1, 2, 3)')).toBe(0n);
    expect(ev('5 in (1, null)')).toBeNull();
    expect(ev('1 in (1, null)')).toBe(1n);
    expect(ev('null in (1)')).toBeNull();
    expect(ev('5 not in (1, 2)')).toBe(1n);
    expect(ev('5 not in (1, null)')).toBeNull();
    expect(ev("'B' in ('a', 'b')")).toBe(1n);
    expect(ev('a in (1, 2)', { columns: [{ name: 'a', type: 'int' }], row: [2n] })).toBe(1n);
    expect(ev('a in (:list)', { columns: [{ name: 'a', type: 'int' }], row: [2n], bindVars: { list: [1n, 2n] } })).toBe(1n);
    expect(ev('(1, 2) in ((3, 4), (1, 2))')).toBe(1n);
    expect(ev('2 between 1 and 3')).toBe(1n);
    expect(ev('2 not between 1 and 3')).toBe(0n);
    expect(ev("'b' between 'A' and 'C'")).toBe(1n);
    expect(ev('5 between null and 3')).toBe(0n);
    expect(ev('2 between null and 3')).toBeNull();
  });

  it('LIKE and REGEXP', () => {
    expect(ev("'Hello' like 'h%'")).toBe(1n);
    expect(ev("'Hello' like 'h_llo'")).toBe(1n);
    expect(ev("'Héllo' like 'hello'")).toBe(1n);
    expect(ev("'abc' like 'ab'")).toBe(0n);
    expect(ev("'a%c' like 'a!%c' escape '!'")).toBe(1n);
    expect(ev("'abc' like 'a!%c' escape '!'")).toBe(0n);
    expect(ev("'a_c' like 'a\\\\_c'")).toBe(1n);
    expect(ev("'abc' not like '%b%'")).toBe(0n);
    expect(ev("null like 'a'")).toBeNull();
    expect(ev("'line1\nline2' like 'line1%'")).toBe(1n);
    expect(ev("'it''s' = \"it's\"")).toBe(1n);
    expect(ev("'a\\\\b'")).toBe('a\\b');
    expect(ev("_binary'ABC' like 'a%'")).toBe(0n);
    expect(ev("'abc' regexp '^A'")).toBe(1n);
    expect(ev("'abc' rlike 'd'")).toBe(0n);
    expect(ev("'abc' not regexp 'b'")).toBe(0n);
    expect(ev("'a1' regexp '[[:digit:]]'")).toBe(1n);
  });

  it('CASE', () => {
    expect(ev("case 2 when 1 then 'a' when 2 then 'b' else 'c' end")).toBe('b');
    expect(ev("case when 1 > 2 then 'x' end")).toBeNull();
    expect(ev("case when null then 1 when 1 then 2 end")).toBe(2n);
    expect(ev("case 'A' when 'a' then 1 end")).toBe(1n);
    expect(ev("case when 1 then 1 else 'x' end")).toBe('1');
    expect(typeOf("case when 1 then 1 else 'x' end")).toBe(Type.VARCHAR);
    expect(ev('case when 1 then 1 else 2.5 end')).toBe('1');
  });
});

describe('subqueries and aggregates through the scope', () => {
  const scopeWith = (rows: (bigint | null)[][]) => ({
    column: () => ({ index: 0, type: null }),
    subquery: () => () => rows,
  });
  const run = (sql: string, rows: (bigint | null)[][]) =>
    compileExpr(parseStatement(`select ${sql}`).columns[0].expr, scopeWith(rows))({ row: [], bindVars: {}, session: testSession() });

  it('EXISTS, IN and scalar subqueries', () => {
    expect(run('exists (select 1)', [[1n]])).toBe(1n);
    expect(run('exists (select 1)', [])).toBe(0n);
    expect(run('not exists (select 1)', [])).toBe(1n);
    expect(run('2 in (select a from t)', [[1n], [2n]])).toBe(1n);
    expect(run('3 in (select a from t)', [[1n], [null]])).toBeNull();
    expect(run('3 not in (select a from t)', [[1n]])).toBe(1n);
    expect(run('(select a from t)', [[7n]])).toBe(7n);
    expect(run('(select a from t)', [])).toBeNull();
    expect(errorOf(() => run('(select a from t)', [[1n], [2n]])).errno).toBe(1242);
  });

  it('subqueries without scope support are refused', () => {
    expect(errorOf(() => compile('exists (select 1)')).errno).toBe(1235);
  });

  it('aggregates read their slot from the row', () => {
    const ast = parseStatement('select sum(a) + 1 from t').columns[0].expr;
    const seen: string[] = [];
    const f = compileExpr(ast, {
      column: () => ({ index: 0, type: colType('bigint') }),
      aggregate: (node) => {
        seen.push(node.name);
        return 3;
      },
    });
    expect(f({ row: [0n, 0n, 0n, '41'], bindVars: {}, session: testSession() })).toBe('42');
    expect(seen).toEqual(['SUM']);
    expect(errorOf(() => compile('count(*)')).errno).toBe(1111);
  });
});

describe('VALUES() in ON DUPLICATE KEY UPDATE', () => {
  it('reads the would-be-inserted value through the scope', () => {
    const ast = parseStatement('insert into t (a) values (1) on duplicate key update a = a + values(a)').on_duplicate_update.set[0].value;
    const f = compileExpr(ast, {
      column: () => ({ index: 0, type: colType('int') }),
      insertValue: (name) => ({ index: name === 'a' ? 1 : -1, type: colType('int') }),
    });
    expect(f({ row: [10n, 5n], bindVars: {}, session: testSession() })).toBe(15n);
    expect(errorOf(() => compile('values(a)', [{ name: 'a', type: 'int' }])).errno).toBe(1235);
  });
});

describe('errors for unknown functions and arity', () => {
  it('1305 and 1582', () => {
    const e = errorOf(() => compile('frobnicate(1)'));
    expect([e.errno, e.message]).toEqual([1305, 'FUNCTION vt_commerce.frobnicate does not exist']);
    const a = errorOf(() => compile('concat_ws(1)'));
    expect([a.errno, a.message]).toEqual([1582, "Incorrect parameter count in the call to native function 'concat_ws'"]);
  });
});
