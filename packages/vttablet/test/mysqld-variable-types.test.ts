/** Result types of `@@system` and `@user` variables in select lists, as MySQL 8 reports them. */
import { Type } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { newServer, run } from './mysqld-fixture.js';

describe('mysqld: variable types in select lists', () => {
  it('types a system variable by its definition: integers and booleans as BIGINT, the rest as text', () => {
    const { session } = newServer();
    const r = session.execute('select @@warning_count, @@error_count, @@autocommit, @@max_allowed_packet, @@sql_select_limit, @@sql_mode, @@server_uuid');
    expect(r.fields.map((f) => f.type)).toEqual([Type.INT64, Type.INT64, Type.INT64, Type.INT64, Type.UINT64, Type.VARCHAR, Type.VARCHAR]);
    expect(r.rows[0]!.slice(0, 5)).toEqual([0n, 0n, 1n, 67108864n, 18446744073709551615n]);
    // An integer variable SET to ON reads as its number.
    run(session, 'set sql_safe_updates = ON');
    expect(session.execute('select @@sql_safe_updates').rows).toEqual([[1n]]);
  });

  it('types a user variable by what was assigned to it, DECIMAL included; NULL and unset ones as strings', () => {
    const { session } = newServer();
    run(session, "set @d = 1.50, @i = 5, @f = 1e0, @s = 'x', @n = null, @b = x'41', @u = 18446744073709551615");
    const r = session.execute('select @d, @i, @f, @s, @n, @never, @b, @u');
    expect(r.fields.map((f) => f.type)).toEqual([Type.DECIMAL, Type.INT64, Type.FLOAT64, Type.VARCHAR, Type.VARCHAR, Type.VARCHAR, Type.VARBINARY, Type.UINT64]);
    expect(r.rows[0]![0]).toBe('1.50');
    // The type follows the latest assignment, SET or := in a query, and another session's plan of the same text.
    run(session, 'create table t (id int primary key)', 'insert into t values (1)', 'select @d := id from t');
    expect(session.execute('select @d, @d := 2.5 from t').fields.map((f) => f.type)).toEqual([Type.INT64, Type.DECIMAL]);
    expect(session.execute('select @d').fields[0]!.type).toBe(Type.DECIMAL);
  });

  it('types arithmetic on user variables by the variables\' types', () => {
    const { session } = newServer();
    run(session, 'set @x = 5, @d = 1.5');
    const r = session.execute('select @x + 1, @x * 2.5, @x / 2, @d * @x, @x div 2, @never + 1');
    expect(r.fields.map((f) => f.type)).toEqual([Type.INT64, Type.DECIMAL, Type.DECIMAL, Type.DECIMAL, Type.INT64, Type.FLOAT64]);
    expect(r.rows).toEqual([[6n, '12.5', '2.5000', '7.5', 2n, null]]);
    // DECIMAL variables add exactly (as DECIMAL, not through DOUBLE).
    run(session, 'set @a = 0.1, @b = 0.2');
    expect(session.execute('select @a + @b').rows).toEqual([['0.3']]);
  });
});
