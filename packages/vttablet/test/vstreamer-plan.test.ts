/** The vstreamer's filter rules and plans, over table maps of a real mysqld. */
import { ManualClock, SeededRandom, type TableMap } from '@vtsim/binlog';
import { Code, VtError, parseKeyspaceVSchema, type SqlValue, type SrvVSchema } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { Mysqld } from '../src/mysqld/mysqld.js';
import { mustSendDdl } from '../src/vstreamer/ddl-filter.js';
import { LocalVSchema } from '../src/vstreamer/local-vschema.js';
import { buildTablePlan, compileRules, findRule, streamedRule } from '../src/vstreamer/plan-builder.js';
import { filterOf } from './vstreamer-fixture.js';

function customerTable(): TableMap {
  const mysqld = new Mysqld({ serverUuid: '060a409d-8e10-11eb-9bb5-04ed332e05c2', clock: new ManualClock(0), random: new SeededRandom('p') });
  mysqld.createDatabase('vt_customer', { logBin: false });
  const s = mysqld.createSession({ database: 'vt_customer' });
  s.execute('create table customer (customer_id bigint not null, email varbinary(128), name varchar(20), primary key (customer_id))');
  return mysqld.tableMap('vt_customer', 'customer')!;
}

const srv: SrvVSchema = {
  keyspaces: {
    customer: parseKeyspaceVSchema({
      sharded: true,
      vindexes: { hash: { type: 'hash' }, xx: { type: 'xxhash' } },
      tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'xx' }, { column: 'customer_id', name: 'hash' }] } },
    }),
    lookup: parseKeyspaceVSchema({ sharded: true, vindexes: { rev: { type: 'reverse_bits' } }, tables: {} }),
  },
  routing_rules: { rules: [] },
};
const vschema = new LocalVSchema('customer', srv);
const table = customerTable();
const row = (id: number, email: string | null = 'e', name: string | null = 'n'): SqlValue[] => [BigInt(id), email === null ? null : Buffer.from(email), name];

function plan(filter: string, match = 'customer') {
  return buildTablePlan(table, { match, filter }, vschema);
}

function planError(filter: string, match = 'customer'): VtError {
  try {
    plan(filter, match);
  } catch (e) {
    expect(e).toBeInstanceOf(VtError);
    return e as VtError;
  }
  throw new Error(`no error for ${filter}`);
}

describe('rules', () => {
  it('picks the first rule that names the table or whose regex finds it', () => {
    const filter = { rules: [{ match: 'corder', filter: '' }, { match: '/^cust', filter: '-80' }, { match: 'customer', filter: '' }] };
    const regexes = compileRules(filter);
    expect(findRule('customer', filter, regexes)).toBe(filter.rules[1]);
    expect(findRule('corder', filter, regexes)).toBe(filter.rules[0]);
    expect(findRule('product', filter, regexes)).toBeUndefined();
  });

  it('streams no table whose first matching rule excludes it', () => {
    const filter = { rules: [{ match: 'corder', filter: 'exclude' }, { match: '/.*', filter: '' }] };
    const regexes = compileRules(filter);
    expect(streamedRule('corder', filter, regexes)).toBeUndefined();
    expect(streamedRule('customer', filter, regexes)).toBe(filter.rules[1]);
  });

  it('rejects a regex that does not compile', () => {
    expect(() => compileRules(filterOf('/('))).toThrow(VtError);
  });
});

describe('table plans', () => {
  it('uses the cheapest unique column vindex for a key range, the first of equal cost', () => {
    const p = plan('-80');
    // xx is listed first and costs the same as hash, so it is the one used.
    const xx = vschema.findOrCreateVindex('xx');
    for (const id of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const first = xx.mapOne(BigInt(id))![0]!;
      expect(p.matches(row(id)), `id ${id}`).toBe(first < 0x80);
    }
    expect(p.project(row(1))).toEqual(row(1));
  });

  it("in_keyrange with a vindex type, a qualified vindex, or the table's own", () => {
    const byType = plan("select * from customer where in_keyrange(customer_id, 'hash', '80-')");
    expect([1, 2, 3, 4, 5, 6].filter((id) => byType.matches(row(id)))).toEqual([4, 6]);
    const qualified = plan("select * from customer where in_keyrange(customer_id, 'lookup.rev', '-80')");
    // reverse_bits: 1 → 0x80…, 2 → 0x40…
    expect([qualified.matches(row(1)), qualified.matches(row(2))]).toEqual([false, true]);
    expect(planError("select * from customer where in_keyrange(customer_id, 'nope.rev', '-80')").message).toBe('vindex nope.rev not found');
    expect(planError("select * from customer where in_keyrange(customer_id, 'hash', '-80-c0')").message).toBe("unexpected in_keyrange parameter: '-80-c0'");
    expect(planError('-80-c0', '/.*').message).toBe('error parsing keyrange: -80-c0');
  });

  it('compares columns with literals; NULL never matches', () => {
    const p = plan("select * from customer where customer_id > 2 and customer_id <= '4' and email != 'x' and name is not null");
    expect([1, 2, 3, 4, 5].filter((id) => p.matches(row(id)))).toEqual([3, 4]);
    expect(p.matches(row(3, 'x'))).toBe(false);
    expect(p.matches(row(3, null))).toBe(false);
    expect(p.matches(row(3, 'e', null))).toBe(false);
    const inList = plan('select * from customer where customer_id in (1, 3, -7)');
    expect([-7, 1, 2, 3].filter((id) => inList.matches(row(id)))).toEqual([-7, 1, 3]);
  });

  it('projects selected columns, the literal 1 and convert(... using ...)', () => {
    const p = plan('select name, 1, convert(email using utf8mb4) as email from customer');
    expect(p.fields.map((f) => f.name)).toEqual(['name', '1', 'email']);
    expect(p.project(row(9, 'mail', 'nm'))).toEqual(['nm', 1n, Buffer.from('mail')]);
  });

  it("reports what it does not support with Vitess's messages", () => {
    expect(planError("select * from customer where customer_id = 1 or name = 'x'").message).toMatch(/^unsupported constraint: /);
    expect(planError('select * from customer where customer_id = name').message).toMatch(/^unexpected: /);
    expect(planError('select 2 from customer').message).toBe('only the integer literal 1 is supported');
    expect(planError('select upper(name) from customer').message).toMatch(/^unsupported function: /);
    expect(planError('select c.name from customer c').message).toMatch(/^unsupported qualifier for column: /);
    expect(planError('delete from customer').message).toBe('unsupported: delete from customer');
    expect(planError('select * from customer, corder').message).toBe('unsupported: select * from customer, corder');
    const nothing = new LocalVSchema('customer', null);
    expect(() => buildTablePlan(table, { match: '/.*', filter: '-80' }, nothing)).toThrow('keyspace customer not found in vschema');
    expect(planError('select nope from customer').code).toBe(Code.FAILED_PRECONDITION);
  });
});

describe('DDL filter', () => {
  const filter = filterOf('customer');
  const regexes = compileRules(filter);
  const ddl = (statement: string, database = 'vt_customer') => mustSendDdl({ kind: 'ddl', database, statement }, 'vt_customer', filter, regexes);

  it('sends DDL that names a filtered table of this database', () => {
    expect(ddl('alter table customer add column x int')).toBe(true);
    expect(ddl('alter table vt_customer.customer add column x int', '')).toBe(true);
    expect(ddl('rename table customer to customer_old')).toBe(true);
    expect(ddl('rename table tmp to customer')).toBe(true);
    expect(ddl('drop table if exists corder, customer')).toBe(true);
    expect(ddl('truncate table customer')).toBe(true);
    expect(ddl('create index i on customer (email)')).toBe(true);
    expect(ddl('this is not sql')).toBe(true);
  });

  it('sends everything else as OTHER', () => {
    expect(ddl('alter table corder add column x int')).toBe(false);
    expect(ddl('alter table customer add column x int', '_vt')).toBe(false);
    expect(ddl('alter table other.customer add column x int')).toBe(false);
    expect(ddl('create database foo')).toBe(false);
  });
});
