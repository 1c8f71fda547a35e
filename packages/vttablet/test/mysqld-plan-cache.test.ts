// The mysqld's plan cache is bounded in entries and in statement text (issue 9, bounded memory):
// plans of long statements written with literals hold their values long after the rows are gone.
import { describe, expect, it } from 'vitest';
import { PlanCache, type Plan } from '../src/mysqld/plan.js';
import { newServer, run } from './mysqld-fixture.js';

const plan = (): Plan => ({ schemaVersion: 1, cacheable: true, run: () => ({ fields: [], rows: [], rowsAffected: 0n, insertId: 0n }) as never });

describe('PlanCache', () => {
  it('clears itself when the next statement would pass the text budget, counting a text once', () => {
    const cache = new PlanCache(100, 1600);
    const text = (i: number) => String(i).padStart(90, '-');
    for (let i = 0; i < 20; i++) cache.set('db', text(0), plan());
    for (let i = 1; i <= 16; i++) cache.set('db', text(i), plan());
    expect(cache.get('db', text(0), 1)).toBeDefined();
    cache.set('db', text(17), plan());
    expect(cache.get('db', text(0), 1)).toBeUndefined();
    expect(cache.get('db', text(16), 1)).toBeUndefined();
    expect(cache.get('db', text(17), 1)).toBeDefined();
  });

  it('clears itself at its entry capacity', () => {
    const cache = new PlanCache(3);
    for (const sql of ['q1', 'q2', 'q3']) cache.set('db', sql, plan());
    expect(cache.get('db', 'q1', 1)).toBeDefined();
    cache.set('db', 'q4', plan());
    expect(cache.get('db', 'q1', 1)).toBeUndefined();
    expect(cache.get('db', 'q4', 1)).toBeDefined();
  });

  it('leaves out a statement longer than a sixteenth of the budget', () => {
    const cache = new PlanCache(100, 1600);
    cache.set('db', 'x'.repeat(100), plan());
    cache.set('db', 'y'.repeat(101), plan());
    expect(cache.get('db', 'x'.repeat(100), 1)).toBeDefined();
    expect(cache.get('db', 'y'.repeat(101), 1)).toBeUndefined();
  });

  it('a server still runs statements too long to cache, each time', () => {
    const { session } = newServer();
    run(session, 'create table t(id bigint primary key, v varbinary(64))');
    const values = Array.from({ length: 5000 }, (_, i) => `(${i}, 'value number ${i}')`).join(', ');
    const sql = `insert into t values ${values}`;
    expect(sql.length).toBeGreaterThan(1024 * 1024 / 16);
    expect(session.execute(sql).rowsAffected).toBe(5000);
    run(session, 'delete from t');
    expect(session.execute(sql).rowsAffected).toBe(5000);
  });
});
