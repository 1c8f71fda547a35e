// Issue 11 item 2: MySQL 8's SELECT features on an unsharded keyspace, through vtgate with mysql2,
// each statement run on vtsim and on Debian's MariaDB server (started by the test) and compared as
// text. vtgate routes these statements whole to the keyspace's only shard, as Vitess does.
// Where MariaDB differs from MySQL 8 the statement is listed in MYSQL8_ONLY with MySQL 8's answer.
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeMariadb, startMariadb, type MariadbServer } from '../harness/mariadb-server.js';
import { startScenario, type Scenario } from '../harness/scenario.js';

const SCHEMA = [
  'create table sales (id int primary key, cat varchar(10), qty int, price decimal(8,2), name varchar(20))',
  "insert into sales values (1,'a',3,1.50,'pear'),(2,'a',5,2.00,'apple'),(3,'b',2,10.00,'fig'),(4,'b',2,3.25,'kiwi'),(5,'b',7,1.00,'lime'),(6,'c',1,4.00,'date'),(7,null,4,null,'plum')",
];

/** Views created through each connection (vtgate passes the DDL to the keyspace's shard). */
const VIEWS = [
  'create view cat_totals as select cat, sum(qty) total from sales group by cat',
  'create or replace view big (k, n) as select id, name from sales where qty > 4',
];

/** Statements both servers must answer the same (rows compared as text; numbers compared as numbers). */
const SAME = [
  // Window functions.
  'select id, sum(qty) over (partition by cat) s from sales order by id',
  'select id, cat, count(*) over (partition by cat order by id) from sales order by id',
  'select id, row_number() over (order by id desc) from sales order by id',
  'select id, rank() over (order by qty), dense_rank() over (order by qty) from sales order by id',
  'select id, ntile(3) over (order by id), ntile(10) over (order by id) from sales order by id',
  'select id, lag(qty) over (order by id), lead(qty) over (order by id), lag(qty, 2) over (partition by cat order by id) from sales order by id',
  'select id, first_value(name) over (partition by cat order by id), last_value(name) over (partition by cat order by id) from sales order by id',
  'select id, nth_value(name, 2) over (partition by cat order by id rows between unbounded preceding and unbounded following) from sales order by id',
  'select id, sum(qty) over (order by id rows between 1 preceding and 1 following) from sales order by id',
  'select id, sum(qty) over (order by id rows between current row and unbounded following) from sales order by id',
  'select id, avg(qty) over (order by id rows 2 preceding) from sales order by id',
  'select id, min(price) over (partition by cat), count(price) over (partition by cat) from sales order by id',
  'select id, sum(qty) over (order by qty) from sales order by id',
  'select id, row_number() over w, sum(qty) over w from sales window w as (partition by cat order by id) order by id',
  'select id, rank() over w from sales window w as (order by qty) order by id desc limit 3',
  'select id, sum(qty) over (w order by id), count(*) over (w) from sales window w as (partition by cat) order by id',
  'select id, sum(qty) over w2 from sales window w as (partition by cat), w2 as (w order by id rows 1 preceding) order by id',
  'select cat, sum(qty), rank() over (order by sum(qty) desc) from sales group by cat order by cat',
  'select id, qty - avg(qty) over () > 0 from sales order by id',
  'select id, row_number() over (order by price desc, id) rn from sales order by rn',
  'select id, sum(qty) over (order by qty range between unbounded preceding and current row) from sales order by id',
  'select id, last_value(name) over (partition by cat order by id range between unbounded preceding and unbounded following) from sales order by id',
  'select id, count(*) over (order by qty range unbounded preceding) from sales order by id',
  'select id, qty, sum(qty) over (order by qty range between 1 preceding and 1 following) s from sales order by id',
  'select id, qty, count(*) over (order by qty desc range between 2 preceding and current row) s from sales order by id',
  'select id, price, sum(qty) over (partition by cat order by price range 1.5 preceding) s from sales order by id',
  'select id, count(*) over (partition by cat order by qty range between current row and unbounded following) s from sales order by id',
  'select * from (select id, cat, row_number() over (partition by cat order by qty desc, id) rn from sales) d where rn <= 1 order by id',
  'select cat, name from (select cat, name, rank() over (partition by cat order by price desc) r from sales) ranked where r = 1 order by cat',
  'select distinct cat, count(*) over (partition by cat) from sales order by cat',
  'select id, sum(qty) over (partition by cat order by id), (select count(*) from sales s2 where s2.cat = sales.cat) from sales order by id',
  'select id from sales union all select row_number() over (order by id) from sales order by 1',
  'select id, qty, sum(qty) over (order by id) running, qty * 100 / sum(qty) over () pct from sales order by id',
  'select sum(qty), row_number() over () from sales',
  'select id from sales order by row_number() over (order by qty desc, id) limit 3',
  'select count(*) over () from sales where id > 100',
  'select id, ntile(2) over (order by id), lag(name, 2) over (order by id) from sales where id in (2, 4, 6) order by id',
  'with ranked as (select cat, name, row_number() over (partition by cat order by name) rn from sales) select cat, group_concat(name order by rn) from ranked group by cat order by cat',
  // WITH ROLLUP and GROUPING().
  'select cat, sum(qty) from sales group by cat with rollup',
  'select cat, qty, count(*) from sales group by cat, qty with rollup',
  'select upper(cat), sum(price) from sales group by upper(cat) with rollup',
  'select cat, sum(qty) from sales group by cat with rollup having sum(qty) > 5',
  // UNION DISTINCT / parenthesized branches.
  'select qty from sales union distinct select qty from sales order by qty',
  'select qty from sales union select qty from sales order by qty',
  'select cat from sales union all select cat from sales order by cat',
  'select 1 union all select 1 union select 2 union all select 2',
  '(select id from sales order by id limit 2) union all (select id from sales order by id desc limit 1)',
  '(select id from sales order by id limit 1) union (select id from sales order by id desc limit 2) order by id desc',
  'select id from sales where id < 2 union all (select id from sales order by id desc limit 1)',
  // GROUP_CONCAT with ORDER BY and SEPARATOR.
  "select cat, group_concat(name order by name desc separator '|') from sales group by cat order by cat",
  'select group_concat(distinct qty order by qty desc) from sales',
  "select group_concat(name order by price, id separator '') from sales",
  "select group_concat(cat, ':', qty order by id desc) from sales",
  // Common table expressions.
  'with c as (select cat, sum(qty) s from sales group by cat) select * from c where s > 5 order by cat',
  'with recursive r(n) as (select 1 union all select n + 1 from r where n < 5) select n from r',
  'with recursive r(n, f) as (select 1, 1 union all select n + 1, f * (n + 1) from r where n < 10) select n, f from r order by n desc limit 2',
  'with a as (select 1 x), b as (select x + 1 y from a) select * from a join b',
  'with recursive r as (select 1 n union select n from r) select * from r',
  'with c as (select id from sales where qty > 2) select count(*) from sales where id in (select id from c)',
  'select * from (with c as (select max(qty) m from sales) select m from c) d',
  'with recursive tree(id, depth) as (select id, 0 from sales where id = 1 union all select s.id, t.depth + 1 from sales s join tree t on s.id = t.id + 2) select * from tree',
  // Aggregates.
  'select cat, count(distinct qty), count(distinct cat, qty) from sales group by cat order by cat',
  'select bit_and(qty), bit_or(qty), bit_xor(qty) from sales',
  'select cat, bit_or(qty) from sales group by cat order by cat',
  'select sum(distinct qty), avg(distinct qty), sum(all qty), max(all qty), min(distinct qty) from sales',
  'select cat, sum(distinct qty), avg(distinct price) from sales group by cat order by cat',
  // Views.
  'select * from cat_totals order by cat',
  'select t.total, s.name from cat_totals t join sales s on s.cat = t.cat where s.id < 3 order by s.id',
  'select * from big order by k',
  'show full tables',
];

/** Statements MariaDB answers differently from MySQL 8, with MySQL 8's answer and why. */
const MYSQL8_ONLY: { sql: string; rows: (string | null)[][]; why: string }[] = [
  {
    sql: 'select cat, qty, sum(price) from sales where cat is not null group by cat, qty with rollup order by cat desc, qty',
    rows: [['c', null, '4.00'], ['c', '1', '4.00'], ['b', null, '14.25'], ['b', '2', '13.25'], ['b', '7', '1.00'], ['a', null, '3.50'], ['a', '3', '1.50'], ['a', '5', '2.00'], [null, null, '21.75']],
    why: 'MySQL 8.0.12+ sorts ROLLUP results by ORDER BY (MariaDB: ERROR 1221 Incorrect usage of CUBE/ROLLUP and ORDER BY)',
  },
  {
    sql: 'select cat, stddev_pop(qty), stddev_samp(qty), var_pop(qty), var_samp(qty), std(qty), variance(qty) from sales group by cat order by cat',
    rows: [[null, '0', null, '0', null, '0', '0'], ['a', '1', '1.4142135623730951', '1', '2', '1', '1'], ['b', '2.357022603955158', '2.8867513459481287', '5.5555555555555545', '8.333333333333332', '2.357022603955158', '5.5555555555555545'], ['c', '0', null, '0', null, '0', '0']],
    why: 'MySQL 8 returns DOUBLE (MariaDB rounds to 4 decimals: 2.3570, 1.4142, …)',
  },
  {
    sql: 'select cat, json_arrayagg(name), json_objectagg(name, qty) from sales group by cat order by cat',
    rows: [[null, '["plum"]', '{"plum": 4}'], ['a', '["pear", "apple"]', '{"pear": 3, "apple": 5}'], ['b', '["fig", "kiwi", "lime"]', '{"fig": 2, "kiwi": 2, "lime": 7}'], ['c', '["date"]', '{"date": 1}']],
    why: 'MySQL 8 prints JSON normalized with a space after , and : (MariaDB prints it compact)',
  },
  {
    sql: 'with recursive r as (select 1 n union all select n + 1 from r) select count(*) from r',
    rows: [],
    why: 'ERROR 3636: Recursive query aborted after 1001 iterations (cte_max_recursion_depth 1000; MariaDB has max_recursive_iterations instead)',
  },
  {
    sql: 'select id, lead(qty, 2, -1) over (order by id) from sales order by id',
    rows: [['1', '2'], ['2', '2'], ['3', '7'], ['4', '1'], ['5', '4'], ['6', '-1'], ['7', '-1']],
    why: 'MariaDB has no default argument for LEAD/LAG; MySQL 8 does',
  },
  {
    sql: 'select id, percent_rank() over (order by qty), cume_dist() over (order by qty) from sales order by id',
    rows: [['1', '0.5', '0.5714285714285714'], ['2', '0.8333333333333334', '0.8571428571428571'], ['3', '0.16666666666666666', '0.42857142857142855'], ['4', '0.16666666666666666', '0.42857142857142855'], ['5', '1', '1'], ['6', '0', '0.14285714285714285'], ['7', '0.6666666666666666', '0.7142857142857143']],
    why: 'PERCENT_RANK and CUME_DIST are DOUBLE in MySQL 8 (MariaDB: DECIMAL with 10 digits of scale, the same values)',
  },
  {
    sql: 'select cat, count(*), grouping(cat) from sales where cat is not null group by cat with rollup',
    rows: [['a', '2', '0'], ['b', '3', '0'], ['c', '1', '0'], [null, '6', '1']],
    why: 'MariaDB has no GROUPING(); MySQL 8 answers 1 on the super-aggregate row',
  },
  {
    sql: 'select id, max(price) over (partition by cat), sum(qty) over (order by id) from sales order by id',
    rows: [['1', '2.00', '3'], ['2', '2.00', '8'], ['3', '10.00', '10'], ['4', '10.00', '12'], ['5', '10.00', '19'], ['6', '4.00', '20'], ['7', null, '24']],
    why: "MAX over a partition is the partition's maximum on every row; MariaDB 10/11 returns a running value for some rows when the query has two windows",
  },
];

function text(rows: unknown): (string | null)[][] {
  return (rows as unknown[][]).map((r) => r.map((v) => (v === null ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v))));
}

/** Text rows with numeric strings brought to one form (MariaDB prints DOUBLE window results as DECIMAL). */
function canonical(rows: (string | null)[][]): (string | null)[][] {
  return rows.map((r) => r.map((v) => (v !== null && /^-?\d+\.\d{6,}$/.test(v) ? Number(v).toFixed(6) : v)));
}

describeMariadb('MySQL 8 SELECT features on an unsharded keyspace through vtgate (vs MariaDB)', () => {
  let s: Scenario;
  let vt: Connection;
  let maria: MariadbServer;
  let ref: Connection;

  beforeAll(async () => {
    [s, maria] = await Promise.all([
      startScenario({ keyspaces: { commerce: { shards: { '0': [100] }, schema: SCHEMA.join(';\n') } } }),
      startMariadb(),
    ]);
    vt = await s.connect('commerce');
    ref = await maria.connect();
    await ref.query('create database commerce');
    await ref.query('use commerce');
    for (const sql of SCHEMA) await ref.query(sql);
    for (const sql of VIEWS) {
      await ref.query(sql);
      await vt.query(sql);
    }
  }, 60_000);
  afterAll(async () => {
    await ref?.end();
    await maria?.stop();
    await s?.close();
  });

  it('answers every statement as MariaDB does', async () => {
    const diffs: string[] = [];
    for (const sql of SAME) {
      const [want] = await ref.query({ sql, rowsAsArray: true, typeCast: false });
      let got: unknown;
      try {
        [got] = await vt.query({ sql, rowsAsArray: true, typeCast: false });
      } catch (e) {
        diffs.push(`${sql}\n  vtsim error: ${(e as Error).message}`);
        continue;
      }
      const a = canonical(text(got));
      const b = canonical(text(want));
      if (JSON.stringify(a) !== JSON.stringify(b)) diffs.push(`${sql}\n  vtsim:   ${JSON.stringify(a)}\n  mariadb: ${JSON.stringify(b)}`);
    }
    expect(diffs).toEqual([]);
  });

  it("answers MySQL 8's results where MariaDB differs", async () => {
    for (const { sql, rows, why } of MYSQL8_ONLY) {
      if (why.startsWith('ERROR ')) {
        const errno = Number(/^ERROR (\d+)/.exec(why)![1]);
        await expect(vt.query(sql), sql).rejects.toMatchObject({ errno, sqlMessage: expect.stringContaining('Recursive query aborted after 1001 iterations') });
        continue;
      }
      const [got] = await vt.query({ sql, rowsAsArray: true, typeCast: false });
      expect(text(got), sql).toEqual(rows);
    }
  });
});
