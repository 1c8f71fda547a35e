// MySQL 8 SELECT features in the tablets' mysqld: window functions, WITH ROLLUP, UNION DISTINCT,
// parenthesized UNION branches and GROUP_CONCAT's ORDER BY. Expected values were checked against
// Debian's MariaDB server and MySQL 8's documented semantics (where they differ, MySQL 8's are used:
// PERCENT_RANK/CUME_DIST are DOUBLE, LEAD/LAG take a default, MAX(x) OVER (PARTITION BY …) is the
// partition's maximum on every row, which MariaDB gets wrong when the query has several windows).
import { Type } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom } from '@vtsim/binlog';
import { dumpMysqldDatadir, loadMysqldDatadir } from '../src/mysqld/mysqld-datadir.js';
import { expectError, newServer, rowsOf, run } from './mysqld-fixture.js';

function setup() {
  const s = newServer();
  run(
    s.session,
    'create table sales (id int primary key, cat varchar(10), qty int, price decimal(8,2), name varchar(20))',
    "insert into sales values (1,'a',3,1.50,'pear'),(2,'a',5,2.00,'apple'),(3,'b',2,10.00,'fig'),(4,'b',2,3.25,'kiwi'),(5,'b',7,1.00,'lime'),(6,'c',1,4.00,'date')",
  );
  return s;
}

describe('mysqld: window functions', () => {
  it('computes an aggregate per partition on every row instead of collapsing the rows', () => {
    const { session } = setup();
    const r = session.execute('select id, sum(qty) over (partition by cat) s from sales order by id');
    expect(r.rows).toEqual([[1n, '8'], [2n, '8'], [3n, '11'], [4n, '11'], [5n, '11'], [6n, '1']]);
    expect(r.fields[1]).toMatchObject({ name: 's', type: Type.DECIMAL });
    // Without ORDER BY the rows come out in the window's order (partitions in turn), as MySQL's window step sorts them.
    expect(rowsOf(session, 'select cat, count(*) over (partition by cat) from sales')).toEqual([['a', '2'], ['a', '2'], ['b', '3'], ['b', '3'], ['b', '3'], ['c', '1']]);
  });

  it('ranks rows: row_number, rank, dense_rank, percent_rank, cume_dist, ntile, with a named window', () => {
    const { session } = setup();
    const r = session.execute(
      'select id, row_number() over w, rank() over (order by qty), dense_rank() over (order by qty), percent_rank() over (order by qty), cume_dist() over (order by qty), ntile(4) over (order by id) from sales window w as (order by id desc) order by id',
    );
    expect(r.rows).toEqual([
      [1n, 6n, 4n, 3n, 0.6, 4 / 6, 1n],
      [2n, 5n, 5n, 4n, 0.8, 5 / 6, 1n],
      [3n, 4n, 2n, 2n, 0.2, 0.5, 2n],
      [4n, 3n, 2n, 2n, 0.2, 0.5, 2n],
      [5n, 2n, 6n, 5n, 1, 1, 3n],
      [6n, 1n, 1n, 1n, 0, 1 / 6, 4n],
    ]);
    expect(r.fields.slice(1).map((f) => f.type)).toEqual([Type.UINT64, Type.UINT64, Type.UINT64, Type.FLOAT64, Type.FLOAT64, Type.UINT64]);
  });

  it('reads neighbours and frame edges: lag, lead, first_value, last_value, nth_value', () => {
    const { session } = setup();
    expect(rowsOf(session, 'select id, lag(qty) over (order by id), lead(qty, 2) over (order by id), lead(qty, 2, -1) over (order by id), first_value(name) over (partition by cat order by id), last_value(name) over (partition by cat order by id), nth_value(name, 2) over (partition by cat order by id rows between unbounded preceding and unbounded following) from sales order by id')).toEqual([
      ['1', null, '2', '2', 'pear', 'pear', 'apple'],
      ['2', '3', '2', '2', 'pear', 'apple', 'apple'],
      ['3', '5', '7', '7', 'fig', 'fig', 'kiwi'],
      ['4', '2', '1', '1', 'fig', 'kiwi', 'kiwi'],
      ['5', '2', null, '-1', 'fig', 'lime', 'kiwi'],
      ['6', '7', null, '-1', 'date', 'date', null],
    ]);
  });

  it('evaluates aggregates over ROWS frames and the default RANGE frame (peers included)', () => {
    const { session } = setup();
    expect(rowsOf(session, 'select id, sum(qty) over (order by id rows between 1 preceding and 1 following), avg(qty) over (order by qty), count(*) over (), max(price) over (partition by cat), sum(qty) over (order by id rows 1 preceding) from sales order by id')).toEqual([
      ['1', '8', '2.0000', '6', '2.00', '3'],
      ['2', '10', '2.6000', '6', '2.00', '8'],
      ['3', '9', '1.6667', '6', '10.00', '7'],
      ['4', '11', '1.6667', '6', '10.00', '4'],
      ['5', '10', '3.3333', '6', '10.00', '9'],
      ['6', '8', '1.0000', '6', '4.00', '8'],
    ]);
  });

  it('reads the RANGE frames that need no offset arithmetic (respelt for the parser)', () => {
    const { session } = setup();
    expect(rowsOf(session, 'select id, sum(qty) over (order by qty range between unbounded preceding and current row), count(*) over (order by qty RANGE unbounded preceding) from sales order by id')).toEqual([
      ['1', '8', '4'], ['2', '13', '5'], ['3', '5', '3'], ['4', '5', '3'], ['5', '20', '6'], ['6', '1', '1'],
    ]);
    expect(rowsOf(session, "select id, last_value(name) over (partition by cat order by id range between unbounded preceding and unbounded following), 'range unbounded preceding' from sales order by id")).toEqual([
      ['1', 'apple', 'range unbounded preceding'], ['2', 'apple', 'range unbounded preceding'], ['3', 'lime', 'range unbounded preceding'], ['4', 'lime', 'range unbounded preceding'], ['5', 'lime', 'range unbounded preceding'], ['6', 'date', 'range unbounded preceding'],
    ]);
  });

  it('evaluates RANGE frames with numeric offsets by ORDER BY value (NULL keys: their NULL peers)', () => {
    const { session } = setup();
    run(session, "insert into sales values (7, null, 4, null, 'plum'), (8, 'c', null, 2.5, 'nut')");
    expect(rowsOf(session, 'select id, sum(qty) over (order by qty range between 1 preceding and 1 following) from sales order by id')).toEqual([
      ['1', '11'], ['2', '9'], ['3', '8'], ['4', '8'], ['5', '7'], ['6', '5'], ['7', '12'], ['8', null],
    ]);
    expect(rowsOf(session, 'select id, count(*) over (order by qty desc range between 2 preceding and current row) from sales order by id')).toEqual([
      ['1', '3'], ['2', '2'], ['3', '4'], ['4', '4'], ['5', '1'], ['6', '4'], ['7', '2'], ['8', '1'],
    ]);
    expect(rowsOf(session, 'select id, sum(qty) over (partition by cat order by price range 1.5 preceding) from sales order by id')).toEqual([
      ['1', '3'], ['2', '8'], ['3', '2'], ['4', '2'], ['5', '7'], ['6', '1'], ['7', '4'], ['8', null],
    ]);
    expect(rowsOf(session, 'select id, count(*) over (partition by cat range between current row and unbounded following) from sales order by id')).toEqual([
      ['1', '2'], ['2', '2'], ['3', '3'], ['4', '3'], ['5', '3'], ['6', '2'], ['7', '1'], ['8', '2'],
    ]);
    expectError(session, 'select sum(qty) over (order by name range 1 preceding) from sales', 3587);
    expectError(session, 'select sum(qty) over (order by qty, id range 1 preceding) from sales', 3587);
  });

  it('evaluates RANGE frames with INTERVAL offsets over DATE, DATETIME and TIME keys, in either order', () => {
    const { session } = newServer();
    run(
      session,
      'create table ev (id int primary key, d date, dt datetime, t time, v int)',
      "insert into ev values (1, '2024-01-01', '2024-01-01 10:00:00', '10:00:00', 1), (2, '2024-01-02', '2024-01-01 11:30:00', '11:30:00', 2), " +
        "(3, '2024-01-04', '2024-01-01 12:00:00', '12:00:00', 4), (4, '2024-01-05', '2024-01-02 10:00:00', '09:00:00', 8), (5, null, null, null, 16), " +
        "(6, '2024-02-01', '2024-01-01 10:00:00', '10:00:00', 32)",
    );
    const column = (sql: string) => rowsOf(session, `select ${sql} from ev order by id`).map((r) => r[0]);
    expect(column('sum(v) over (order by d range between interval 1 day preceding and current row)')).toEqual(['1', '3', '4', '12', '16', '32']);
    expect(column('sum(v) over (order by d desc range between interval 1 day preceding and current row)')).toEqual(['3', '2', '12', '8', '16', '32']);
    expect(column('sum(v) over (order by d range between current row and interval 1 month following)')).toEqual(['47', '46', '44', '40', '16', '32']);
    expect(column('sum(v) over (order by dt range between interval 1 hour preceding and interval 30 minute following)')).toEqual(['33', '6', '6', '8', '16', '33']);
    expect(column("count(*) over (order by dt range between interval '1:30' hour_minute preceding and current row)")).toEqual(['2', '3', '2', '1', '1', '2']);
    expect(column('count(*) over (order by t range interval 1 hour preceding)')).toEqual(['3', '1', '2', '1', '1', '3']);
    expectError(session, 'select sum(v) over (order by v range between interval 1 day preceding and current row) from ev', 3589);
    expectError(session, 'select sum(v) over (order by d range between 1 preceding and current row) from ev', 3590);
    expectError(session, 'select sum(v) over (order by d, id range interval 1 day preceding) from ev', 3587);
    expectError(session, 'select sum(v) over (order by d range interval -1 day preceding) from ev', 3586);
  });

  it("builds windows on named windows: OVER (w ORDER BY …), WINDOW w2 AS (w …), with MySQL 8's refusals", () => {
    const { session } = setup();
    expect(rowsOf(session, 'select id, sum(qty) over (w order by id), count(*) over (w) from sales window w as (partition by cat) order by id')).toEqual([
      ['1', '3', '2'], ['2', '8', '2'], ['3', '2', '3'], ['4', '4', '3'], ['5', '11', '3'], ['6', '1', '1'],
    ]);
    expect(rowsOf(session, 'select id, sum(qty) over w2 from sales window w as (partition by cat), w2 as (w order by id rows 1 preceding) order by id')).toEqual([
      ['1', '3'], ['2', '8'], ['3', '2'], ['4', '4'], ['5', '9'], ['6', '1'],
    ]);
    expect(rowsOf(session, "select 'over (w order by x)' from sales where id = 1")).toEqual([['over (w order by x)']]);
    expectError(session, 'select sum(qty) over (w order by id) from sales window w as (order by qty)', 3582);
    expectError(session, 'select sum(qty) over (w order by id) from sales window w as (order by qty rows 1 preceding)', 3582);
    expectError(session, 'select sum(qty) over (w order by id) from sales window w as (partition by cat rows 1 preceding)', 3583);
    expectError(session, 'select sum(qty) over (w) from sales window w as (w2), w2 as (w)', 3584, 'There is a circularity in the window dependency graph.');
    expectError(session, 'select sum(qty) over (nope order by id) from sales', 3579, "Window name 'nope' is not defined.");
  });

  it('windows over grouped rows and orders by a window value', () => {
    const { session } = setup();
    expect(rowsOf(session, 'select cat, sum(qty), rank() over (order by sum(qty) desc) r from sales group by cat order by cat')).toEqual([['a', '8', '2'], ['b', '11', '1'], ['c', '1', '3']]);
    expectError(session, 'select cat, sum(qty) over (order by id) from sales group by cat', 1055);
    expect(rowsOf(session, 'select cat, sum(sum(qty)) over (order by cat) from sales group by cat')).toEqual([['a', '8'], ['b', '19'], ['c', '20']]);
    expect(rowsOf(session, 'select id, row_number() over (order by price) rn from sales order by rn desc limit 2')).toEqual([['3', '6'], ['6', '5']]);
  });

  it("refuses what MySQL refuses: an undefined window, DISTINCT in a window aggregate, a bad NTILE", () => {
    const { session } = setup();
    expectError(session, 'select id, rank() from sales', 1064);
    expectError(session, 'select id, row_number() from sales', 1064);
    expectError(session, 'select id from sales limit -1', 1064);
    expectError(session, 'select id from sales limit 1, -1', 1064);
    expectError(session, 'select row_number() over w from sales', 3579, "Window name 'w' is not defined.");
    expectError(session, 'select count(distinct qty) over () from sales', 1235);
    expectError(session, 'select ntile(0) over () from sales', 1210, 'Incorrect arguments to ntile');
    expectError(session, 'select id from sales where row_number() over () > 1', 3593, "You cannot use the window function 'row_number' in this context.'");
    expectError(session, 'select cat from sales group by cat having sum(qty) over () > 1', 3593, "You cannot use the window function 'sum' in this context.'");
  });
});

describe('mysqld: WITH ROLLUP, UNION, GROUP_CONCAT', () => {
  it('adds the super-aggregate rows of WITH ROLLUP and answers GROUPING()', () => {
    const { session } = setup();
    expect(session.execute('select grouping(cat) from sales group by cat with rollup').fields[0]!.type).toBe(Type.INT64);
    expect(rowsOf(session, 'select cat, sum(qty), grouping(cat) from sales group by cat with rollup')).toEqual([['a', '8', '0'], ['b', '11', '0'], ['c', '1', '0'], [null, '20', '1']]);
    expect(rowsOf(session, 'select cat, qty, count(*), grouping(cat, qty) from sales group by cat, qty with rollup')).toEqual([
      ['a', '3', '1', '0'], ['a', '5', '1', '0'], ['a', null, '2', '1'],
      ['b', '2', '2', '0'], ['b', '7', '1', '0'], ['b', null, '3', '1'],
      ['c', '1', '1', '0'], ['c', null, '1', '1'],
      [null, null, '6', '3'],
    ]);
    expect(rowsOf(session, 'select upper(cat) u, count(*) from sales group by upper(cat) with rollup')).toEqual([['A', '2'], ['B', '3'], ['C', '1'], [null, '6']]);
    expect(rowsOf(session, 'select cat, count(*) from sales where id > 100 group by cat with rollup')).toEqual([]);
    expectError(session, 'select grouping(cat) from sales group by cat', 3601);
  });

  it('removes duplicates for UNION and UNION DISTINCT, up to the last DISTINCT union', () => {
    const { session } = setup();
    expect(rowsOf(session, 'select qty from sales union distinct select qty from sales')).toEqual([['3'], ['5'], ['2'], ['7'], ['1']]);
    expect(rowsOf(session, 'select qty from sales union select qty from sales order by qty')).toEqual([['1'], ['2'], ['3'], ['5'], ['7']]);
    expect(rowsOf(session, 'select 1 union all select 1 union select 2 union all select 2')).toEqual([['1'], ['2'], ['2']]);
    expectError(session, 'select qty from sales intersect select qty from sales', 1064);
  });

  it('types a UNION column by merging its branches: VARCHAR over numbers, DECIMAL at the widest scale, BIGINT over NULL', () => {
    const { session } = setup();
    const typesOf = (sql: string) => session.execute(sql).fields.map((f) => f.type);
    expect(rowsOf(session, "select 1 union select 'a'")).toEqual([['1'], ['a']]);
    expect(typesOf("select 1 union select 'a'")).toEqual([Type.VARCHAR]);
    expect(rowsOf(session, 'select 1 union select 2.5')).toEqual([['1.0'], ['2.5']]);
    expect(rowsOf(session, 'select price from sales where id = 1 union select 3 union select 1.125')).toEqual([['1.500'], ['3.000'], ['1.125']]);
    expect(typesOf('select 1 union select 2.5')).toEqual([Type.DECIMAL]);
    expect(typesOf('select null union select 1')).toEqual([Type.INT64]);
    expect(typesOf('select 1 union select 1e0')).toEqual([Type.FLOAT64]);
    // Values equal once converted are duplicates: 1 and '1' are one row of a VARCHAR column.
    expect(rowsOf(session, "select 1 union select '1'")).toEqual([['1']]);
  });

  it('keeps a parenthesized branch its own ORDER BY and LIMIT', () => {
    const { session } = setup();
    expect(rowsOf(session, '(select id from sales order by id limit 2) union all (select id from sales order by id desc limit 1)')).toEqual([['1'], ['2'], ['6']]);
    expect(rowsOf(session, 'select id from sales where id < 2 union all (select id from sales order by id desc limit 1)')).toEqual([['1'], ['6']]);
    expect(rowsOf(session, 'select id from sales union all (select id from sales order by id desc limit 1) order by id desc limit 3')).toEqual([['6'], ['6'], ['5']]);
    expect(rowsOf(session, '(select id from sales order by id limit 1) union (select id from sales order by id desc limit 2) order by id desc')).toEqual([['6'], ['5'], ['1']]);
  });

  it('orders GROUP_CONCAT values and joins them with the separator', () => {
    const { session } = setup();
    expect(rowsOf(session, "select cat, group_concat(name order by name desc separator '|') from sales group by cat")).toEqual([['a', 'pear|apple'], ['b', 'lime|kiwi|fig'], ['c', 'date']]);
    expect(rowsOf(session, 'select group_concat(distinct qty order by qty) from sales')).toEqual([['1,2,3,5,7']]);
    expect(rowsOf(session, "select group_concat(name order by price, id separator '') from sales")).toEqual([['limepearapplekiwidatefig']]);
  });

  it('computes standard deviations, variances, BIT_* and multi-column COUNT(DISTINCT) (MySQL 8 recurrence, DOUBLE results)', () => {
    const { session } = setup();
    run(session, "insert into sales values (7, null, 4, null, 'plum')");
    const r = session.execute('select cat, stddev(qty), stddev_pop(qty), stddev_samp(qty), var_pop(qty), var_samp(qty) from sales group by cat order by cat');
    expect(r.rows).toEqual([
      [null, 0, 0, null, 0, null],
      ['a', 1, 1, Math.SQRT2, 1, 2],
      ['b', 2.357022603955158, 2.357022603955158, 2.8867513459481287, 5.5555555555555545, 8.333333333333332],
      ['c', 0, 0, null, 0, null],
    ]);
    expect(r.fields.slice(1).map((f) => f.type)).toEqual([Type.FLOAT64, Type.FLOAT64, Type.FLOAT64, Type.FLOAT64, Type.FLOAT64]);
    expect(rowsOf(session, 'select bit_and(qty), bit_or(qty), bit_xor(qty), count(distinct cat, qty), count(distinct qty) from sales')).toEqual([['0', '7', '4', '5', '6']]);
    expect(rowsOf(session, 'select bit_and(qty) from sales where id > 100')).toEqual([['18446744073709551615']]);
    // Spellings node-sql-parser cannot read, respelt before parsing (packages/sql/src/aggregate-syntax.ts).
    const d = session.execute('select sum(distinct qty), avg(distinct qty), sum(all qty), max(all qty), std(qty), variance(qty) from sales');
    expect(d.rows).toEqual([['22', '3.6667', '24', 7n, 1.9166296949998196, 3.6734693877551017]]);
    expect(d.fields.map((f) => f.name)).toEqual(['sum(distinct qty)', 'avg(distinct qty)', 'sum(all qty)', 'max(all qty)', 'std(qty)', 'variance(qty)']);
    expectError(session, 'select sum(distinct qty) over () from sales', 1235);
    expectError(session, 'select sum(distinct from sales', 1064, "syntax error at position 25 near 'from'");
    expectError(session, 'select cat, bit_or(qty), qty from sales group by cat', 1055);
  });

  it('aggregates rows into JSON with JSON_ARRAYAGG and JSON_OBJECTAGG', () => {
    const { session } = setup();
    const r = session.execute('select cat, json_arrayagg(name), json_objectagg(name, qty) from sales group by cat order by cat');
    expect(r.rows).toEqual([
      ['a', '["pear", "apple"]', '{"pear": 3, "apple": 5}'],
      ['b', '["fig", "kiwi", "lime"]', '{"fig": 2, "kiwi": 2, "lime": 7}'],
      ['c', '["date"]', '{"date": 1}'],
    ]);
    expect(r.fields[1]!.type).toBe(Type.JSON);
    expect(rowsOf(session, 'select json_arrayagg(qty) from sales where id > 100')).toEqual([[null]]);
    expectError(session, 'select json_objectagg(null, qty) from sales', 3158);
  });

  it('concatenates several GROUP_CONCAT arguments per row', () => {
    const { session } = setup();
    expect(rowsOf(session, "select group_concat(cat, '-', qty order by id desc) from sales")).toEqual([['c-1,b-7,b-2,b-2,a-5,a-3']]);
  });
});

describe('mysqld: common table expressions', () => {
  it('reads CTEs as derived tables, later ones seeing earlier ones, in subqueries too', () => {
    const { session } = setup();
    expect(rowsOf(session, 'with c as (select cat, sum(qty) s from sales group by cat) select * from c where s > 5 order by cat')).toEqual([['a', '8'], ['b', '11']]);
    expect(rowsOf(session, 'with a as (select 1 x), b as (select x + 1 y from a) select * from a join b')).toEqual([['1', '2']]);
    expect(rowsOf(session, 'with c as (select id from sales where qty > 2) select count(*) from sales where id in (select id from c)')).toEqual([['3']]);
    expect(rowsOf(session, 'select (with c as (select max(qty) m from sales) select m from c) x')).toEqual([['7']]);
    const r = session.execute('with c(k, total) as (select cat, sum(qty) from sales group by cat) select * from c order by k limit 1');
    expect(r.fields.map((f) => f.name)).toEqual(['k', 'total']);
    expectError(session, 'with c(a, b) as (select 1) select * from c', 1353);
    expectError(session, 'with c as (select 1), c as (select 2) select * from c', 1066, "Not unique table/alias: 'c'");
  });

  it('iterates WITH RECURSIVE until a round adds no row, within cte_max_recursion_depth', () => {
    const { session } = setup();
    expect(rowsOf(session, 'with recursive r(n) as (select 1 union all select n + 1 from r where n < 5) select n from r')).toEqual([['1'], ['2'], ['3'], ['4'], ['5']]);
    expect(rowsOf(session, 'with recursive r(n, f) as (select 1, 1 union all select n + 1, f * (n + 1) from r where n < 10) select n, f from r order by n desc limit 2')).toEqual([['10', '3628800'], ['9', '362880']]);
    expect(rowsOf(session, 'with recursive r as (select 1 n union select n from r) select * from r')).toEqual([['1']]);
    expect(rowsOf(session, 'with recursive t(id, depth) as (select id, 0 from sales where id = 1 union all select s.id, t.depth + 1 from sales s join t on s.id = t.id + 2) select * from t')).toEqual([['1', '0'], ['3', '1'], ['5', '2']]);
    expectError(session, 'with recursive r as (select 1 n union all select n + 1 from r) select count(*) from r', 3636, 'Recursive query aborted after 1001 iterations. Try increasing @@cte_max_recursion_depth to a larger value.');
    run(session, 'set cte_max_recursion_depth = 10');
    expectError(session, 'with recursive r as (select 1 n union all select n + 1 from r where n < 20) select count(*) from r', 3636, 'Recursive query aborted after 11 iterations. Try increasing @@cte_max_recursion_depth to a larger value.');
    expect(rowsOf(session, 'with recursive r as (select 1 n union all select n + 1 from r where n < 10) select count(*) from r')).toEqual([['10']]);
    expectError(session, 'with recursive r as (select n from r) select * from r', 3573);
  });

  it('names the main SELECT\'s columns after their text and runs subqueries correlated with a CTE', () => {
    const { session } = setup();
    const r = session.execute("with recursive r (n) as (select 1 union all select n + 1 from r where n < 3) select n, (select count(*) from sales where id <= r.n), n + 1 from r order by n");
    expect(r.fields.map((f) => f.name)).toEqual(['n', '(select count(*) from sales where id <= r.n)', 'n + 1']);
    expect(r.rows.map((row) => row.map(String))).toEqual([['1', '1', '2'], ['2', '2', '3'], ['3', '3', '4']]);
  });
});

describe('mysqld: views', () => {
  it('creates, replaces, reads, lists and drops views', () => {
    const { session } = setup();
    run(session, 'create view v as select cat, sum(qty) total from sales group by cat');
    expect(rowsOf(session, 'select * from v order by cat')).toEqual([['a', '8'], ['b', '11'], ['c', '1']]);
    expect(rowsOf(session, 'select v.total, s.name from v join sales s on s.cat = v.cat where s.id < 3 order by s.id')).toEqual([['8', 'pear'], ['8', 'apple']]);
    expectError(session, 'create view v as select 1', 1050, "Table 'v' already exists");
    run(session, 'create or replace view v (k, n) as select id, name from sales where qty > 4');
    const r = session.execute('select * from v');
    expect(r.rows).toEqual([[2n, 'apple'], [5n, 'lime']]);
    expect(r.fields.map((f) => [f.name, f.table, f.org_table])).toEqual([['k', 'v', 'v'], ['n', 'v', 'v']]);
    expect(rowsOf(session, 'show full tables')).toEqual([['sales', 'BASE TABLE'], ['v', 'VIEW']]);
    expect(rowsOf(session, 'show tables')).toEqual([['sales'], ['v']]);
    expectError(session, 'create view w as select * from nosuch', 1146);
    expectError(session, 'create view sales as select 1', 1050);
    expectError(session, 'create table v (id int primary key)', 1050, "Table 'v' already exists");
    expectError(session, 'create view w (a, b) as select 1', 1353);
    expectError(session, 'drop view sales', 1347, "'vt_commerce.sales' is not VIEW");
    expectError(session, 'drop view nosuch', 1051, "Unknown table 'vt_commerce.nosuch'");
    run(session, 'drop view if exists nosuch, v');
    expect(rowsOf(session, 'show full tables')).toEqual([['sales', 'BASE TABLE']]);
  });

  it('keeps views in a datadir dump across a restart', async () => {
    const { session, mysqld } = setup();
    run(session, 'create view big (k, n) as select id, name from sales where qty > 4', 'create view small as select id from sales where qty < 2');
    const loaded = await loadMysqldDatadir([...dumpMysqldDatadir(mysqld)], { clock: new ManualClock(0), random: new SeededRandom('load') });
    const s2 = loaded.createSession({ database: 'vt_commerce' });
    expect(rowsOf(s2, 'select * from big order by k')).toEqual([['2', 'apple'], ['5', 'lime']]);
    expect(rowsOf(s2, 'show full tables')).toEqual([['big', 'VIEW'], ['sales', 'BASE TABLE'], ['small', 'VIEW']]);
  });

  it('answers 1356 once a table the view reads is gone', () => {
    const { session } = setup();
    run(session, 'create view v2 as select id from sales where qty > 4', 'drop table sales');
    expectError(session, 'select * from v2', 1356, "View 'vt_commerce.v2' references invalid table(s) or column(s) or function(s) or definer/invoker of view lack rights to use them");
  });
});
