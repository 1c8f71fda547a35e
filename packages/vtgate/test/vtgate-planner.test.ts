import { describe, expect, it } from 'vitest';
import { TabletType, Type, parseKeyspaceVSchema, type Result, type SqlValue } from '@vtsim/proto';
import { resultField } from '@vtsim/sql';
import { binaryChunks, Insert } from '../src/engine/insert.js';
import { Join } from '../src/engine/join.js';
import { Projection } from '../src/engine/projection.js';
import { Route } from '../src/engine/route.js';
import { SemiJoin } from '../src/engine/semi-join.js';
import { UncorrelatedSubquery } from '../src/engine/uncorrelated-subquery.js';
import { divideDecimal, mergeResults, type MergeSpec } from '../src/engine/scatter-merge.js';
import { normalize } from '../src/normalizer.js';
import type { PlanContext } from '../src/planner/plan.js';
import { buildPlan } from '../src/planner/planner.js';
import { insertText, selectText, stripQualifiers, unionText } from '../src/planner/query-text.js';
import { VSchema } from '../src/vschema.js';

const vschema = VSchema.build({
  keyspaces: {
    commerce: parseKeyspaceVSchema({ tables: { customer_seq: { type: 'sequence' }, product: {} } }),
    customer: parseKeyspaceVSchema({
      sharded: true,
      vindexes: { hash: { type: 'hash' } },
      tables: {
        customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }], auto_increment: { column: 'customer_id', sequence: 'customer_seq' } },
        corder: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
        zip: { type: 'reference' },
      },
    }),
  },
  routing_rules: { rules: [] },
});
const ctx = (keyspace: string): PlanContext => ({ vschema, keyspace, tabletType: TabletType.PRIMARY, keyspaceNames: new Set(['commerce', 'customer']) });

function route(sql: string, keyspace = 'customer'): Route['opts'] {
  const p = buildPlan(normalize(sql).sql, ctx(keyspace));
  expect(p.primitive).toBeInstanceOf(Route);
  return (p.primitive as Route).opts;
}

describe('routing decisions', () => {
  it('sends unsharded queries as written, without keyspace qualifiers', () => {
    expect(route('select * from commerce.product where sku = 1', '')).toMatchObject({ keyspace: 'commerce', opcode: 'unsharded', query: 'select * from product where sku = :vtg1' });
  });

  it('routes vindex equalities, IN lists, reference tables and scatters', () => {
    expect(route('select * from customer where customer_id = 5')).toMatchObject({ opcode: 'equal', values: [{ kind: 'bind', name: 'vtg1' }] });
    expect(route('select * from customer where 5 = customer_id and email = "x"')).toMatchObject({ opcode: 'equal' });
    expect(route('select * from customer where customer_id in (1, 2)').opcode).toBe('in');
    expect(route('select * from customer where email = "x"').opcode).toBe('scatter');
    expect(route('select * from zip').opcode).toBe('reference');
    const join = route('select * from customer c join corder o on c.customer_id = o.customer_id where o.customer_id = 3');
    expect([join.opcode, join.multiShardError]).toEqual(['equal', undefined]);
  });

  it('joins routes that do not merge with nested loops, routing the inner side by the outer row (Vitess ApplyJoin)', () => {
    const plan = (sql: string) => buildPlan(normalize(sql).sql, ctx('customer')).primitive;
    const top = plan('select c.email, o.sku from corder o join customer c on c.customer_id = o.sku where o.customer_id = 3');
    expect(top).toBeInstanceOf(Projection);
    const join = (top as Projection).input as Join;
    expect(join).toBeInstanceOf(Join);
    const left = (join.opts.left as Route).opts;
    const right = (join.opts.right as Route).opts;
    expect(left).toMatchObject({ opcode: 'equal', query: 'select `o`.`sku` from `corder` as `o` where `o`.`customer_id` = :vtg1' });
    expect(right).toMatchObject({ opcode: 'equal', values: [{ kind: 'bind', name: 'o_sku' }], query: 'select `c`.`email` from `customer` as `c` where `c`.`customer_id` = :o_sku' });
    expect(join.opts).toMatchObject({ opcode: 'inner', cols: [-1, 1], vars: { o_sku: 0 } });
    const left2 = (plan('select c.email, o.sku from customer c left join corder o on c.email = o.sku') as Projection).input as Join;
    expect(left2.opts.opcode).toBe('left');
    expect((left2.opts.right as Route).opts).toMatchObject({ opcode: 'scatter', query: 'select `o`.`sku` from `corder` as `o` where :c_email = `o`.`sku`' });
  });

  it('pulls uncorrelated subqueries out and routes the outer query by their values (Vitess UncorrelatedSubquery)', () => {
    const top = buildPlan(normalize('select * from customer where customer_id in (select customer_id from corder where sku = 1)').sql, ctx('customer')).primitive;
    expect(top).toBeInstanceOf(UncorrelatedSubquery);
    const sq = (top as UncorrelatedSubquery).opts;
    expect(sq).toMatchObject({ opcode: 'in', subqueryName: '__sq1', hasValuesName: '__sq_has_values1' });
    expect((sq.subquery as Route).opts).toMatchObject({ opcode: 'scatter', query: 'select customer_id from corder where sku = :vtg1' });
    expect((sq.outer as Route).opts).toMatchObject({ opcode: 'in', values: [{ kind: 'bind', name: '__sq1' }], query: 'select * from customer where customer_id in (:__sq1)' });
    // Correlated on the vindex: every shard holds the rows the subquery needs, so it stays in the route.
    const merged = route('select * from customer c where exists (select 1 from corder o where o.customer_id = c.customer_id)');
    expect([merged.opcode, merged.multiShardError]).toEqual(['scatter', undefined]);
    // Correlated elsewhere: EXISTS becomes a SemiJoin fed by the outer rows; other forms are refused as in Vitess.
    const semi = (buildPlan(normalize('select c.email from customer c where exists (select 1 from corder o where o.sku = c.email)').sql, ctx('customer')).primitive as Projection).input;
    expect(semi).toBeInstanceOf(SemiJoin);
    expect((semi as SemiJoin).opts).toMatchObject({ anti: false, vars: { c_email: 0 } });
    expect(((semi as SemiJoin).opts.right as Route).opts.query).toBe('select 1 from corder o where o.sku = :c_email');
    expect(() => buildPlan(normalize('select c.email from customer c where 1 < (select count(*) from corder o where o.sku = c.email)').sql, ctx('customer'))).toThrow(
      'VT12001: unsupported: correlated subquery is only supported for EXISTS',
    );
  });

  it('merges a row-wise derived table into the outer scatter, and plans a grouped one in vtgate', () => {
    const merged = route('select sku, count(*) from (select * from corder where price > 1) t group by sku');
    expect([merged.opcode, merged.multiShardError, merged.merge?.aggregation?.roles]).toEqual(['scatter', undefined, [{ kind: 'key' }, { kind: 'agg', name: 'COUNT' }]]);
    const grouped = buildPlan(normalize('select max(n) from (select sku, count(*) n from corder group by sku) t').sql, ctx('customer')).primitive;
    expect(grouped).toBeInstanceOf(Projection);
  });

  it('rewrites scatter queries for the merge', () => {
    const avg = route('select sku, avg(price) from corder group by sku having count(*) > 1 order by sku limit 3');
    expect(avg.scatterQuery).toBe('select sku, sum(price), COUNT(`price`), COUNT(*) from corder group by sku');
    expect(avg.merge?.aggregation?.roles).toEqual([
      { kind: 'key' },
      { kind: 'avg', countIndex: 2, name: 'avg(price)' },
      { kind: 'agg', name: 'COUNT' },
      { kind: 'agg', name: 'COUNT' },
    ]);
    expect(avg.merge?.hidden).toBe(2);
    const ordered = route('select email from customer order by customer_id desc limit 2, 3');
    expect(ordered.scatterQuery).toBe('select email, `customer_id` from customer order by customer_id desc limit 5');
    expect(ordered.merge).toMatchObject({ orderBy: [{ column: { index: 1 }, desc: true }], hidden: 1 });
    const star = route('select * from customer order by email');
    expect(star.merge?.orderBy).toEqual([{ column: { name: 'email', table: null }, desc: false }]);
    const distinct = route('select count(distinct email) from customer');
    expect(distinct.multiShardError).toBeUndefined();
    expect(distinct.scatterQuery).toBe('select count(distinct email), `email` from customer group by `email`');
    expect(distinct.merge?.aggregation?.roles).toEqual([{ kind: 'distinct', name: 'COUNT_DISTINCT', valueIndex: 1 }, { kind: 'value' }]);
    expect(route('select count(distinct customer_id) from customer').multiShardError).toBeUndefined();
  });

  it('plans inserts per row with the sequence and refuses vindex updates and sharded inserts without columns', () => {
    const p = buildPlan(normalize("insert into customer(email) values ('a'), ('b')").sql, ctx('customer'));
    expect(p.primitive).toBeInstanceOf(Insert);
    const o = (p.primitive as Insert).opts;
    expect(o).toMatchObject({ mode: 'sharded', vindexColumn: 1, autoIncrement: { column: 1 }, head: 'insert into `customer` (`email`, `customer_id`) values ' });
    expect(o.rows.map((r) => r.map((c) => c.bindName ?? c.text))).toEqual([
      ['vtg1', ''],
      ['vtg2', ''],
    ]);
    expect(() => buildPlan('update customer set customer_id = 1 where customer_id = 2', ctx('customer'))).toThrow(/Invalid update on vindex: hash/);
    expect(() => buildPlan("insert into corder values (1, 'x')", ctx('customer'))).toThrow(/VT09004/);
    expect(route('delete from customer where email = :x limit 1').multiShardError).toBe('multi shard DELETE with LIMIT');
    expect(route('select next 5 values from customer_seq', 'commerce')).toMatchObject({ keyspace: 'commerce', opcode: 'unsharded' });
  });
});

describe('query text', () => {
  it('locates select items and clauses at depth 0', () => {
    const sql = 'select distinct a, f(b, c) as d from t where x in (select 1 from u order by 1) group by a order by d limit 3 for update';
    const st = selectText(sql)!;
    expect(st.items.map((r) => sql.slice(r.start, r.end))).toEqual(['a', 'f(b, c) as d']);
    expect(Object.fromEntries(Object.entries(st.clauses).map(([k, r]) => [k, sql.slice(r.start, r.end)]))).toEqual({
      from: 'from t',
      where: 'where x in (select 1 from u order by 1)',
      groupBy: 'group by a',
      orderBy: 'order by d',
      limit: 'limit 3',
      tail: 'for update',
    });
    expect(selectText('select 1 union select 2')).toBeUndefined();
  });

  it('splits insert rows and strips keyspace qualifiers', () => {
    const sql = "insert ignore into ks.t (a, b) values (1, f(2, 3)), (:x, 'y') on duplicate key update b = values(b);";
    const it = insertText(sql)!;
    expect(sql.slice(it.head.start, it.head.end)).toBe('insert ignore into ');
    expect(it.rows.map((r) => r.map((v) => sql.slice(v.start, v.end)))).toEqual([
      ['1', 'f(2, 3)'],
      [':x', "'y'"],
    ]);
    expect(sql.slice(it.tail.start, it.tail.end)).toBe('on duplicate key update b = values(b)');
    expect(stripQualifiers('select ks.t.a, `ks`.`t`.b from ks.t, other.u where ks = 1', new Set(['ks']))).toBe('select t.a, `t`.b from t, other.u where ks = 1');
  });
});

function result(names: string[], rows: SqlValue[][], types: Type[] = names.map(() => Type.INT64)): Result {
  return { fields: names.map((n, i) => resultField(n, types[i]!)), rows, rowsAffected: 0, insertId: 0n };
}

const session = {
  database: '', user: '', connectionId: 1, lastInsertId: 0n, now: () => 0, random: () => 0, userVariables: new Map(),
  systemVariable: () => null,
};

describe('union text', () => {
  it('splits branches, their UNION kinds and the union-level ORDER BY / LIMIT', () => {
    expect(unionText('select a from t union all select b from u union distinct select c from v union select d from w order by 1 limit 3')).toEqual({
      branches: ['select a from t', 'select b from u', 'select c from v', 'select d from w'],
      distinct: [false, true, true],
      tail: 'order by 1 limit 3',
    });
    expect(unionText('(select a from t order by a limit 2) union all ((select a from u where x in (select 1 union select 2)))')).toEqual({
      branches: ['select a from t order by a limit 2', 'select a from u where x in (select 1 union select 2)'],
      distinct: [false],
      tail: '',
    });
    expect(unionText('select a from t where x in (select 1 union select 2)')).toBeUndefined();
    expect(unionText('select a from t union select a from u order by a union select 3')).toBeUndefined();
  });
});

describe('scatter merges', () => {
  it('merge-sorts, applies offset and limit, and drops hidden columns', () => {
    const spec: MergeSpec = { distinct: false, orderBy: [{ column: { index: 1 }, desc: true }], limit: { count: { kind: 'literal', value: 2n }, offset: { kind: 'literal', value: 1n } }, hidden: 1 };
    const merged = mergeResults(spec, [result(['a', 'k'], [['x', 3n], ['y', 1n]]), result(['a', 'k'], [['z', 2n], ['w', null]])], {}, session);
    expect(merged.fields.map((f) => f.name)).toEqual(['a']);
    expect(merged.rows).toEqual([['z'], ['y']]);
  });

  it('merges grouped partial aggregates (case-insensitive keys) and computes AVG', () => {
    const spec: MergeSpec = {
      distinct: false,
      orderBy: [],
      hidden: 1,
      aggregation: {
        roles: [{ kind: 'key' }, { kind: 'agg', name: 'COUNT' }, { kind: 'avg', countIndex: 3, name: 'avg(p)' }, { kind: 'agg', name: 'COUNT' }],
        groupKeys: [0],
      },
    };
    const types = [Type.VARCHAR, Type.INT64, Type.DECIMAL, Type.INT64];
    const merged = mergeResults(
      spec,
      [result(['g', 'n', 's', 'c'], [['a', 2n, '30', 2n], ['b', 1n, '5', 1n]], types), result(['g', 'n', 's', 'c'], [['A', 1n, '100', 1n]], types)],
      {},
      session,
    );
    expect(merged.rows).toEqual([
      ['a', 3n, '43.3333'],
      ['b', 1n, '5.0000'],
    ]);
    expect(merged.fields.map((f) => [f.name, f.type])).toEqual([
      ['g', Type.VARCHAR],
      ['n', Type.INT64],
      ['avg(p)', Type.DECIMAL],
    ]);
  });

  it('computes COUNT, SUM and AVG of DISTINCT values from the shards grouped by the value', () => {
    // Shard rows of `select g, count(distinct p), p … group by g, p`: 19.50 is on both shards, 19.5 equals it.
    const types = [Type.VARCHAR, Type.DECIMAL, Type.DECIMAL];
    const shards = [
      result(['g', 'x', 'p'], [['a', null, '19.50'], ['a', null, '5.25'], ['b', null, null]], types),
      result(['g', 'x', 'p'], [['a', null, '19.5'], ['a', null, '100.00']], types),
    ];
    const merge = (name: 'COUNT_DISTINCT' | 'SUM' | 'AVG') =>
      mergeResults(
        { distinct: false, orderBy: [], hidden: 1, aggregation: { roles: [{ kind: 'key' }, { kind: 'distinct', name, valueIndex: 2 }, { kind: 'value' }], groupKeys: [0] } },
        shards,
        {},
        session,
      ).rows;
    expect(merge('COUNT_DISTINCT')).toEqual([['a', 3n], ['b', 0n]]);
    expect(merge('SUM')).toEqual([['a', '124.75'], ['b', null]]);
    expect(merge('AVG')).toEqual([['a', '41.583333'], ['b', null]]);
  });

  it('removes duplicate rows for DISTINCT, keeping first-seen order', () => {
    const merged = mergeResults({ distinct: true, orderBy: [], hidden: 0 }, [result(['a'], [[2n], [1n]]), result(['a'], [[2n], [3n]])], {}, session);
    expect(merged.rows).toEqual([[2n], [1n], [3n]]);
  });

  it('divides decimals with four more digits of scale and chunks rows in powers of two', () => {
    expect(divideDecimal('10', 4n)).toBe('2.5000');
    expect(divideDecimal('-1.25', 3n)).toBe('-0.416667');
    expect(divideDecimal('2', 3n)).toBe('0.6667');
    expect(binaryChunks([...Array(11).keys()]).map((c) => c.length)).toEqual([8, 2, 1]);
    expect(binaryChunks([])).toEqual([]);
  });
});
