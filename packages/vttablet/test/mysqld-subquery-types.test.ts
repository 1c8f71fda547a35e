/** Result types of scalar subqueries and of derived tables' computed columns, as MySQL 8 types them. */
import { Type } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { newServer, rowsOf, run } from './mysqld-fixture.js';

function setup() {
  const { session } = newServer();
  run(
    session,
    'create table o (id int primary key, c int, amount decimal(8,2))',
    'insert into o values (1, 1, 19.50), (2, 1, 95.49), (3, 2, 100.00), (4, 3, 5.50)',
  );
  return session;
}

describe('mysqld: subquery and derived column types', () => {
  it('types a scalar subquery as its column, so arithmetic on it is exact', () => {
    const session = setup();
    const r = session.execute('select (select max(amount) from o), (select count(*) from o) + (select count(*) from o), (select c from o where id = 99)');
    expect(r.fields.map((f) => f.type)).toEqual([Type.DECIMAL, Type.INT64, Type.INT32]);
    expect(r.rows).toEqual([['100.00', 8n, null]]);
    expect(rowsOf(session, 'select id, amount - (select min(amount) from o) from o order by id')).toEqual([['1', '14.00'], ['2', '89.99'], ['3', '94.50'], ['4', '0.00']]);
    expect(session.execute('select id, (select count(*) from o o2 where o2.c = o.c) k from o order by id').fields[1]!.type).toBe(Type.INT64);
  });

  it('compares and aggregates computed columns of a derived table by their type (DECIMAL sums as numbers, not text)', () => {
    const session = setup();
    const r = session.execute('select max(s), min(s) from (select c, sum(amount) s from o group by c) t');
    expect(r.fields.map((f) => f.type)).toEqual([Type.DECIMAL, Type.DECIMAL]);
    expect(r.rows).toEqual([['114.99', '5.50']]);
    expect(rowsOf(session, 'select s from (select c, sum(amount) s from o group by c) t order by s desc')).toEqual([['114.99'], ['100.00'], ['5.50']]);
    expect(session.execute('select avg(n) from (select count(*) n from o group by c) t').fields[0]!.type).toBe(Type.DECIMAL);
  });
});
