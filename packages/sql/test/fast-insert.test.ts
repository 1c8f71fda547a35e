import { describe, expect, it } from 'vitest';
import pkg from 'node-sql-parser/build/mysql.js';
import { parseSimpleInsert } from '../src/fast-insert.js';
import { compileExpr, parseStatement } from '../src/index.js';
import { errorOf, testSession } from './helpers.js';

const full = new pkg.Parser();
const asList = (x: unknown) => (Array.isArray(x) ? x : [x]);
const viaFull = (sql: string) => asList(JSON.parse(JSON.stringify(full.astify(sql, { database: 'MySQL' }))));
const viaFast = (sql: string) => asList(JSON.parse(JSON.stringify(parseSimpleInsert(sql))));

describe('parseSimpleInsert', () => {
  it.each([
    "insert into customer(customer_id, email) values (1, 'alice@domain.com'), (2, 'bob@domain.com')",
    'INSERT INTO `ks`.`product` (`sku`, `price`) VALUES (:sku, :price);',
    "insert into t values (0, -7, 12345678901234, -1.50, 1.0, 'a\\'b''c\\\\d\\ne\\%', \"x\"\"y\", '', NULL, true, FALSE, x'0a', 0xFF, _binary'b\\0')",
    'insert into t (a) values (9007199254740991), (18446744073709551615)',
    "insert into corder(order_id, customer_id, sku, price) values (1, 1, 'SKU-1001', 100), (2, 2, 'SKU-1002', 30)",
  ])('matches node-sql-parser: %s', (sql) => {
    expect(viaFast(sql)).toEqual(viaFull(sql));
  });

  it.each([
    'insert into t values (1 + 1)',
    'insert into t values (now())',
    'insert into t select * from u',
    'insert into t set a = 1',
    'insert into t values (1) on duplicate key update a = 2',
    'insert ignore into t values (1)',
    'insert into t values (1) /* c */',
    'insert into t values (- 1)',
    "insert into t values ('unterminated)",
  ])('leaves other shapes to the full parser: %s', (sql) => {
    expect(parseSimpleInsert(sql)).toBeNull();
  });

  it('keeps large negative integers exact and checks row widths', () => {
    const s = parseSimpleInsert('insert into t values (-9007199254740993)')!;
    const f = compileExpr(s.values.values[0].value[0], { column: () => ({ index: 0, type: null }) });
    expect(f({ row: [], bindVars: {}, session: testSession() })).toBe(-9007199254740993n);
    const e = errorOf(() => parseStatement('insert into t (a, b) values (1, 2), (3)'));
    expect([e.errno, e.message]).toEqual([1136, "Column count doesn't match value count at row 2"]);
    expect(errorOf(() => parseStatement('insert into t (a, b) values (1 + 1)')).errno).toBe(1136);
  });
});
