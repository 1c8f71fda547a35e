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
  'select cat, sum(qty), rank() over (order by sum(qty) desc) from sales group by cat order by cat',
  'select id, qty - avg(qty) over () > 0 from sales order by id',
  'select id, row_number() over (order by price desc, id) rn from sales order by rn',
  // WITH ROLLUP and GROUPING().
  'select cat, sum(qty) from sales group by cat with rollup',
  'select cat, qty, count(*) from sales group by cat, qty with rollup',
  'select upper(cat), sum(price) from sales group by upper(cat) with rollup',
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
];

/** Statements MariaDB answers differently from MySQL 8, with MySQL 8's answer and why. */
const MYSQL8_ONLY: { sql: string; rows: (string | null)[][]; why: string }[] = [
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
    for (const { sql, rows } of MYSQL8_ONLY) {
      const [got] = await vt.query({ sql, rowsAsArray: true, typeCast: false });
      expect(text(got), sql).toEqual(rows);
    }
  });
});
