/**
 * Approximate-value (DOUBLE) literals written with an exponent and no decimal point (`1e5`, `1e-7`,
 * `.5e1`), as the mysqld reads them: MySQL's lexer makes them FLOAT_NUM tokens, never identifiers.
 */
import { Type } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { expectError, newServer, run } from './mysqld-fixture.js';

describe('mysqld: float literals without a decimal point', () => {
  it('selects them as DOUBLE values', () => {
    const { session } = newServer();
    const r = session.execute('select 1e5, 2E10, 1e-7, 1e+5, -3e2, .5e1, 1.e3, 1e5 + 1, 00001e2, .5');
    expect(r.rows[0]).toEqual([100000, 2e10, 1e-7, 100000, -300, 5, 1000, 100001, 100, '0.5']);
    expect(r.fields.map((f) => f.type)).toEqual([...Array(9).fill(Type.FLOAT64), Type.DECIMAL]);
    expect(r.fields.map((f) => f.name)).toEqual(['1e5', '2E10', '1e-7', '1e+5', '-3e2', '.5e1', '1.e3', '1e5 + 1', '00001e2', '.5']);
  });

  it('stores them through UPDATE, INSERT and WHERE', () => {
    const { session } = newServer();
    run(session, 'create table t (id bigint primary key, f double, `1e5` int, `2e3x` int)');
    run(session, 'insert into t (id, f, `1e5`, `2e3x`) values (1, 1e5, 7, 8), (2, -2.5e-3, 9, 10)');
    run(session, 'update t set f = 1e-7 where id = 1');
    expect(session.execute('select id, f from t where f < 1e-6 order by id').rows).toEqual([
      [1n, 1e-7],
      [2n, -0.0025],
    ]);
    expect(session.execute('select id from t where f = 1e-7').rows).toEqual([[1n]]);
  });

  it('keeps identifiers that merely look like them', () => {
    const { session } = newServer();
    run(session, 'create table t (id bigint primary key, `1e5` int, `1e5a` int, `1ea` int)', 'insert into t values (1, 7, 8, 9)');
    // A qualified name after `.` and a backquoted name are identifiers; `1ea` (no digit after e) is one too.
    expect(session.execute('select t.1e5, `1e5`, t.1e5a, 1ea, 0x1e5 from t').rows).toEqual([[7n, 7n, 8n, 9n, Buffer.from([0x01, 0xe5])]]);
    // MySQL's lexer ends the number at the exponent's digits: `1e5a` is `1e5 a` (an alias).
    const r = session.execute('select 1e5a from t');
    expect(r.fields.map((f) => f.name)).toEqual(['a']);
    expect(r.rows).toEqual([[100000]]);
  });

  it('refuses a literal out of DOUBLE range as MySQL does', () => {
    const { session } = newServer();
    expectError(session, 'select 1e500', 1367, "Illegal double '1e500' value found during parsing");
    expectError(session, 'select 1.8e308', 1367, "Illegal double '1.8e308' value found during parsing");
    expect(session.execute('select 1e-400, 0e500').rows).toEqual([[0, 0]]);
  });

  it('reports syntax errors at the original text position', () => {
    const { session } = newServer();
    expectError(session, 'select 1e5 fromm t', 1064, "syntax error at position 19 near 't'");
  });
});
