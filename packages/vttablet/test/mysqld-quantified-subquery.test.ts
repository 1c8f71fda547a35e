import { describe, expect, it } from 'vitest';
import { expectError, newServer, rowsOf, run } from './mysqld-fixture.js';

describe('mysqld: ALL / ANY / SOME subqueries', () => {
  const setup = () => {
    const { session } = newServer();
    run(
      session,
      'create table t (id int primary key, a int)',
      'insert into t values (1, 1), (2, 5), (3, null)',
      'create table u (id int primary key, b int)',
      'insert into u values (1, 1), (2, 5)',
    );
    return session;
  };

  it('compares against every row with MySQL three-valued logic', () => {
    const session = setup();
    expect(rowsOf(session, 'select 6 > all (select b from u), 5 > all (select b from u), 1 = any (select b from u), 2 = some (select b from u), 2 <> all (select b from u), 5 <> all (select b from u)'))
      .toEqual([['1', '0', '1', '0', '1', '0']]);
    // A NULL in the subquery makes an otherwise undecided answer NULL; a deciding row still wins.
    expect(rowsOf(session, 'select 6 > all (select a from t), 0 > all (select a from t), 1 = any (select a from t), 2 = any (select a from t)'))
      .toEqual([[null, '0', '1', null]]);
    // Over no rows ALL is true and ANY false, even for a NULL operand.
    expect(rowsOf(session, 'select 1 > all (select a from t where 0), null = all (select a from t where 0), 1 = any (select a from t where 0), null = any (select a from t where 0)'))
      .toEqual([['1', '1', '0', '0']]);
    expect(rowsOf(session, 'select null > all (select b from u), null = any (select b from u)')).toEqual([[null, null]]);
  });

  it('filters rows in WHERE, correlated or not', () => {
    const session = setup();
    expect(rowsOf(session, 'select id from u where b >= all (select b from u) order by id')).toEqual([['2']]);
    expect(rowsOf(session, 'select id from t where a = any (select b from u) order by id')).toEqual([['1'], ['2']]);
    expect(rowsOf(session, 'select id from t where a < some (select b from u where u.id <> t.id) order by id')).toEqual([['1']]);
  });

  it('refuses a quantifier without a subquery and a subquery of several columns', () => {
    const session = setup();
    expectError(session, 'select 1 = all (1)', 1064);
    expectError(session, 'select 1 = any (select id, b from u)', 1241);
  });
});
