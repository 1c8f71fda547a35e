import { describe, expect, it } from 'vitest';
import { Code, SqlError, type KeyspaceVSchema } from '@vtsim/proto';
import { applyAlterVschema, isAlterVschema, parseAlterVschema } from '../src/index.js';

/** Applies statements in order from an empty VSchema. */
function run(keyspace: string, ...stmts: string[]): KeyspaceVSchema {
  let ks: KeyspaceVSchema | null = null;
  for (const s of stmts) ks = applyAlterVschema(keyspace, ks, parseAlterVschema(s));
  return ks!;
}

/** The error a statement applied to `ks` fails with: `errno code: message`. */
function failure(keyspace: string, ks: KeyspaceVSchema | null, stmt: string): string {
  try {
    applyAlterVschema(keyspace, ks, parseAlterVschema(stmt));
  } catch (err) {
    if (err instanceof SqlError) return `${err.errno} ${Code[err.code]}: ${err.message}`;
    throw err;
  }
  throw new Error(`${stmt} did not fail`);
}

describe('parseAlterVschema', () => {
  it('parses every statement of the family, with qualifiers, backquotes, params and comments', () => {
    expect(parseAlterVschema('alter vschema create vindex ks.`my hash` using hash with a = 1, Owner = t, b = \'x y\'')).toEqual({
      action: 'create_vindex',
      table: { qualifier: 'ks', name: 'my hash' },
      vindex: { name: 'my hash', type: 'hash', params: [['a', '1'], ['Owner', 't'], ['b', 'x y']] },
    });
    expect(parseAlterVschema('ALTER /* c */ VSCHEMA DROP VINDEX h;')).toMatchObject({ action: 'drop_vindex', table: { qualifier: '', name: 'h' }, vindex: { name: 'h' } });
    expect(parseAlterVschema('alter vschema add table ks.t').action).toBe('add_table');
    expect(parseAlterVschema('alter vschema drop table t').action).toBe('drop_table');
    expect(parseAlterVschema('alter vschema add sequence s').action).toBe('add_sequence');
    expect(parseAlterVschema('alter vschema drop sequence s').action).toBe('drop_sequence');
    expect(parseAlterVschema('alter vschema on ks.t add vindex v (a, `b`) using lookup with table = ks.l, from = a')).toEqual({
      action: 'add_col_vindex',
      table: { qualifier: 'ks', name: 't' },
      vindex: { name: 'v', type: 'lookup', params: [['table', 'ks.l'], ['from', 'a']] },
      vindexColumns: ['a', 'b'],
    });
    expect(parseAlterVschema('alter vschema on t drop vindex v')).toMatchObject({ action: 'drop_col_vindex', vindex: { name: 'v' } });
    expect(parseAlterVschema('alter vschema on t add auto_increment id using lookup.t_seq')).toEqual({
      action: 'add_auto_increment',
      table: { qualifier: '', name: 't' },
      autoIncrement: { column: 'id', sequence: { qualifier: 'lookup', name: 't_seq' } },
    });
    expect(parseAlterVschema('alter vschema on t drop auto_increment').action).toBe('drop_auto_increment');
    expect(isAlterVschema('/* x */ alter vschema add table t')).toBe(true);
    expect(isAlterVschema('alter table t add column c int')).toBe(false);
  });

  it("refuses malformed statements with Vitess's syntax error", () => {
    const err = (sql: string) => {
      try {
        parseAlterVschema(sql);
      } catch (e) {
        return `${(e as SqlError).errno} ${(e as SqlError).sqlState} ${(e as SqlError).message}`;
      }
      return 'parsed';
    };
    expect(err('alter vschema add table')).toBe('1064 42000 syntax error at position 24');
    expect(err('alter vschema add index t')).toBe("1064 42000 syntax error at position 24 near 'index'");
    expect(err('alter vschema on t add vindex v using hash')).toBe("1064 42000 syntax error at position 38 near 'using'");
    expect(err('alter vschema create vindex h using hash with a')).toBe('1064 42000 syntax error at position 48');
    expect(err('alter vschema drop table t extra')).toBe("1064 42000 syntax error at position 33 near 'extra'");
  });
});

describe('applyAlterVschema', () => {
  it('builds a sharded keyspace: the first vindex sets sharded; column vindexes and auto increments attach to tables', () => {
    const ks = run(
      'customer',
      'alter vschema create vindex hash using hash',
      'alter vschema on customer add vindex hash (customer_id)',
      'alter vschema on corder add vindex lk (sku, qty) using consistent_lookup with table = l, owner = corder',
      'alter vschema on customer add auto_increment customer_id using commerce.customer_seq',
    );
    expect(ks.sharded).toBe(true);
    expect(ks.vindexes).toEqual({ hash: { type: 'hash', params: {}, owner: '' }, lk: { type: 'consistent_lookup', params: { table: 'l' }, owner: 'corder' } });
    expect(ks.tables.customer!.column_vindexes).toEqual([{ column: '', name: 'hash', columns: ['customer_id'] }]);
    expect(ks.tables.customer!.auto_increment).toEqual({ column: 'customer_id', sequence: 'commerce.customer_seq' });
    expect(ks.tables.corder!.column_vindexes).toEqual([{ column: '', name: 'lk', columns: ['sku', 'qty'] }]);
    const dropped = run('customer', 'alter vschema create vindex hash using hash', 'alter vschema on t add vindex hash (id)', 'alter vschema on t drop vindex hash');
    expect(dropped.tables).toEqual({});
  });

  it('adds and drops tables and sequences of an unsharded keyspace; the input is not changed', () => {
    const before = run('commerce', 'alter vschema add table product', 'alter vschema add sequence customer_seq');
    expect(before.tables.customer_seq!.type).toBe('sequence');
    expect(before.tables.product!.type).toBe('');
    const after = applyAlterVschema('commerce', before, parseAlterVschema('alter vschema drop sequence customer_seq'));
    expect(Object.keys(after.tables)).toEqual(['product']);
    expect(Object.keys(before.tables).sort()).toEqual(['customer_seq', 'product']);
    const noAutoInc = run('c', 'alter vschema add table t', 'alter vschema on t add auto_increment id using s', 'alter vschema on t drop auto_increment');
    expect(noAutoInc.tables.t!.auto_increment).toBeNull();
  });

  it("fails with Vitess's messages and codes", () => {
    const sharded = run('user', 'alter vschema create vindex hash using hash', 'alter vschema on t add vindex hash (id)', 'alter vschema on t add auto_increment id using s');
    const unsharded = run('main', 'alter vschema add table t', 'alter vschema add sequence s');
    expect(failure('user', sharded, 'alter vschema create vindex hash using hash')).toBe('1105 ALREADY_EXISTS: vindex hash already exists in keyspace user');
    expect(failure('user', sharded, 'alter vschema drop vindex nope')).toBe('1105 NOT_FOUND: vindex nope does not exists in keyspace user');
    expect(failure('user', sharded, 'alter vschema drop vindex hash')).toBe('1105 FAILED_PRECONDITION: can not drop vindex cause hash still defined on table t');
    expect(failure('user', sharded, 'alter vschema add table x')).toBe('1105 FAILED_PRECONDITION: add vschema table: unsupported on sharded keyspace user');
    expect(failure('user', sharded, 'alter vschema add sequence x')).toBe('1105 FAILED_PRECONDITION: add sequence table: unsupported on sharded keyspace user');
    expect(failure('user', sharded, 'alter vschema drop sequence x')).toBe('1105 FAILED_PRECONDITION: drop sequence table: unsupported on sharded keyspace user');
    expect(failure('main', unsharded, 'alter vschema add table t')).toBe('1105 ALREADY_EXISTS: vschema already contains table t in keyspace main');
    expect(failure('main', unsharded, 'alter vschema add sequence s')).toBe('1105 ALREADY_EXISTS: vschema already contains sequence s in keyspace main');
    expect(failure('main', unsharded, 'alter vschema drop sequence t')).toBe('1105 NOT_FOUND: vschema does not contain sequence t in keyspace main');
    expect(failure('main', unsharded, 'alter vschema drop table x')).toBe('1105 NOT_FOUND: vschema does not contain table x in keyspace main');
    expect(failure('user', sharded, 'alter vschema on t add vindex hash (id)')).toBe('1105 ALREADY_EXISTS: vindex hash already defined on table t');
    expect(failure('user', sharded, 'alter vschema on t add vindex hash (id) using xxhash')).toBe('1105 INVALID_ARGUMENT: vindex hash defined with type hash not xxhash');
    expect(failure('user', sharded, 'alter vschema on t add vindex hash (id) using hash with owner = t')).toBe('1105 INVALID_ARGUMENT: vindex hash defined with owner  not t');
    expect(failure('user', sharded, 'alter vschema on t add vindex hash (id) using hash with a = 1')).toBe('1105 INVALID_ARGUMENT: vindex hash defined with different parameters');
    expect(failure('user', sharded, 'alter vschema on u add vindex nope (id)')).toBe('1105 NOT_FOUND: vindex nope does not exist in keyspace user');
    expect(failure('user', sharded, 'alter vschema on u drop vindex hash')).toBe('1105 NOT_FOUND: table user.u not defined in vschema');
    expect(failure('user', sharded, 'alter vschema on t drop vindex nope')).toBe('1105 NOT_FOUND: vindex nope not defined in table user.t');
    expect(failure('user', sharded, 'alter vschema on u add auto_increment id using s')).toBe('1105 NOT_FOUND: vschema does not contain table u in keyspace user');
    expect(failure('user', sharded, 'alter vschema on t add auto_increment id using s2')).toBe(
      '1105 ALREADY_EXISTS: vschema already contains auto inc column:"id" sequence:"s" on table t in keyspace user',
    );
    expect(failure('main', unsharded, 'alter vschema on t drop auto_increment')).toBe('1105 NOT_FOUND: vschema does not contain auto inc on table t in keyspace main');
  });
});
