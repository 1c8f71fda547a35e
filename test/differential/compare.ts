/**
 * The differential suite's verdict on one statement: does vtsim's outcome agree with the
 * reference's (MariaDB's, with the statement's MySQL 8 corrections applied)?
 */
import type { Outcome } from './outcome.js';
import { isOrdered, type Mysql8Answer, type Statement } from './statements.js';

/**
 * The reference's outcome with the statement's `@mysql8` answer laid over it; `{keyspace}` in the
 * answer's column names and values stands for the keyspace's name (`database`).
 */
export function expectedOutcome(stmt: Statement, reference: Outcome, database = ''): Outcome {
  const m = stmt.mysql8 && withKeyspace(stmt.mysql8, database);
  if (!m) return reference;
  if (m.error !== undefined) return { kind: 'error', errno: m.error, message: `MySQL 8: ${m.why}` };
  if (m.affected !== undefined) return { kind: 'ok', affected: m.affected };
  const base = reference.kind === 'rows' ? reference : { kind: 'rows' as const, columns: [], types: [], codes: [], rows: [] };
  const types = m.types ?? base.types;
  return { kind: 'rows', columns: m.columns ?? base.columns, types, codes: m.types ? types.map(() => -1) : base.codes, rows: m.rows ?? base.rows };
}

/** Why vtsim's outcome differs from the expected one, or undefined when they agree. */
export function disagreement(stmt: Statement, sharded: boolean, actual: Outcome, expected: Outcome): string | undefined {
  const refusal = stmt.vitess;
  if (refusal && (refusal.scope === 'both' || sharded) && actual.kind === 'error' && actual.message.includes(refusal.code)) return undefined;
  if (expected.kind === 'error') {
    if (actual.kind !== 'error') return `expected error ${expected.errno}, got ${actual.kind}`;
    return actual.errno === expected.errno ? undefined : `errno ${actual.errno}, expected ${expected.errno}`;
  }
  if (actual.kind === 'error') return `error ${actual.errno}`;
  if (expected.kind === 'ok') {
    if (actual.kind !== 'ok') return 'rows instead of OK';
    return actual.affected === expected.affected ? undefined : `affected rows ${actual.affected}, expected ${expected.affected}`;
  }
  if (actual.kind !== 'rows') return 'OK instead of rows';
  if (actual.columns.join('\u0000') !== expected.columns.join('\u0000')) return 'column names';
  const ordered = isOrdered(stmt.sql);
  const key = (rows: (string | null)[][]) => {
    const lines = rows.map((r) => JSON.stringify(r));
    return (ordered ? lines : lines.sort()).join('\n');
  };
  if (key(actual.rows) !== key(expected.rows)) return actual.rows.length === expected.rows.length ? 'row values' : `row count ${actual.rows.length}, expected ${expected.rows.length}`;
  if (actual.types.join(',') !== expected.types.join(',')) return `column types ${actual.types.join(',')}, expected ${expected.types.join(',')}`;
  return undefined;
}

function withKeyspace(m: Mysql8Answer, database: string): Mysql8Answer {
  const sub = (v: string | null) => (v === null ? null : v.replaceAll('{keyspace}', database));
  return {
    ...m,
    ...(m.columns ? { columns: m.columns.map((c) => sub(c)!) } : {}),
    ...(m.rows ? { rows: m.rows.map((r) => r.map(sub)) } : {}),
  };
}
