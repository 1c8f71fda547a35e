import { describe, expect, it } from 'vitest';
import type { BindVars } from '@vtsim/proto';
import { normalize } from '../src/normalizer.js';

/** The fast path's answer as a plain `{ sql, bindVars }` (its bind variables are read through a getter). */
function fast(sql: string): { sql: string; bindVars: BindVars } {
  const { sql: text, bindVars } = normalize(sql);
  return { sql: text, bindVars };
}

/** The general path: a caller bind variable turns the INSERT fast path off. */
function general(sql: string): { sql: string; bindVars: BindVars } {
  const { sql: text, bindVars } = normalize(sql, { caller: 0n });
  const { caller: _, ...rest } = bindVars;
  return { sql: text, bindVars: rest };
}

describe('normalize: the INSERT … VALUES fast path', () => {
  const cases = [
    "insert into customer(customer_id, email) values (1, 'alice@domain.com'), (2, 'bob')",
    "INSERT INTO `corder` (`order_id`, sku) VALUES(1,'SKU-1'),(2,\"SKU-2\") ;",
    "insert into t values (1, 'it''s', 'a\\'b', \"q\"\"q\", '')",
    'insert into t (a, b, c, d) values (null, TRUE, default, 7)',
    'insert into t (a) value (9007199254740993), (18446744073709551615), (18446744073709551616)',
    'replace into t1 (a, b) values (1, 2)',
    'insert into t (a, b) values (-1, 2)',
    'insert into t (a, b) values (1.5, 2)',
    'insert into t (a, b) values (now(), 2)',
    "insert into t (a, b) values (1, 2) on duplicate key update b = 3",
    'insert into t (a, b) values (1, /* c */ 2)',
    'insert /* 5 */ into t (a) values (5)',
    'insert into t (a) select 1 from u where b = 2',
    "insert into t (a) values (_binary'x')",
    "insert into t (a) values ('x:vtg1')",
    'insert into t (a, b) values (:vtg1, 2)',
    'insert into t (a, b) values (1, :x), (:vtg2, 3)',
    'insert into t (a) values (0x1f), (1e3)',
    'insert into t (a, b) values (1, 2), (3',
    "insert into `tëst` (a, b, c) values (1, 'é€', 2), (3, '', 12345678901234567890)",
    'insert into t (a, b) values (falſe, 1)',
    `insert into t (a, b) values ${Array.from({ length: 3000 }, (_, i) => `(${i}, 'v${i}')`).join(',')}`,
  ];

  it('gives exactly what the general path gives', () => {
    for (const sql of cases) expect([sql, fast(sql)]).toEqual([sql, general(sql)]);
  });

  it('normalizes an insert of more than a megabyte of text, and the next one after it', () => {
    const rows = 90_000;
    const big = normalize(`insert into t (a) values ${Array.from({ length: rows }, (_, i) => `(${i})`).join(', ')}`);
    expect(big.sql.length).toBeGreaterThan(1024 * 1024);
    expect(big.sql).toBe(`insert into t (a) values ${Array.from({ length: rows }, (_, i) => `(:vtg${i + 1})`).join(', ')}`);
    expect(big.values?.[rows - 1]).toBe(BigInt(rows - 1));
    expect(fast("insert into t (a, b) values (1, 'x'), (2, 'y')")).toEqual({ sql: 'insert into t (a, b) values (:vtg1, :vtg2), (:vtg3, :vtg4)', bindVars: { vtg1: 1n, vtg2: 'x', vtg3: 2n, vtg4: 'y' } });
  });

  it('turns integers and strings into bind variables in order and keeps NULL, TRUE and DEFAULT as text', () => {
    expect(fast("insert into t (a, b, c) values (1, 'x', null), (default, true, 'y''z')")).toEqual({
      sql: 'insert into t (a, b, c) values (:vtg1, :vtg2, null), (default, true, :vtg3)',
      bindVars: { vtg1: 1n, vtg2: 'x', vtg3: "y'z" },
    });
  });
});
