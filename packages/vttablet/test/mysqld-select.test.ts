import { Type } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { expectError, newServer, rowsOf, run } from './mysqld-fixture.js';

function setup() {
  const s = newServer();
  run(
    s.session,
    'create table t (id bigint not null primary key, name varchar(20), grp int, score decimal(10,2), key grp_idx (grp))',
    "insert into t values (1, 'alice', 1, 10.5), (2, 'Bob', 1, 20), (3, 'carol', 2, 30.25), (4, 'dave', 2, null), (5, 'Eve', 3, 5)",
    'create table u (uid int primary key, tid bigint, tag varchar(10), unique key tag_u (tag))',
    "insert into u values (10, 1, 'x'), (11, 1, 'y'), (12, 3, 'z'), (13, 9, 'w')",
  );
  return s;
}

describe('mysqld: SELECT', () => {
  it('projects columns, stars, aliases and expressions with MySQL column names', () => {
    const { session } = setup();
    const r = session.execute('select id, t.name as n, 1+2, concat(name, "!") x, t.* from t where id = 1');
    expect(r.fields.map((f) => f.name)).toEqual(['id', 'n', '1+2', 'x', 'id', 'name', 'grp', 'score']);
    expect(r.fields[1]).toMatchObject({ table: 't', org_table: 't', org_name: 'name', database: 'vt_commerce' });
    expect(r.rows).toEqual([[1n, 'alice', 3n, 'alice!', 1n, 'alice', 1n, '10.50']]);
    expect(session.execute('select name from t as tt where tt.id = 2').fields[0]).toMatchObject({ table: 'tt', org_table: 't' });
  });

  it('uses point lookups, IN lists, ranges and secondary indexes, returning PK order', () => {
    const { session } = setup();
    expect(rowsOf(session, 'select name from t where id = :id', { id: 3n })).toEqual([['carol']]);
    expect(rowsOf(session, "select name from t where id = '3'")).toEqual([['carol']]);
    expect(rowsOf(session, 'select id from t where id in (4, 2, 9, 2)')).toEqual([['2'], ['4']]);
    expect(rowsOf(session, 'select id from t where id in ::ids', { ids: [5n, 1n] })).toEqual([['1'], ['5']]);
    expect(rowsOf(session, 'select id from t where id > 2 and id <= 4')).toEqual([['3'], ['4']]);
    expect(rowsOf(session, 'select id from t where id between 2 and 3')).toEqual([['2'], ['3']]);
    expect(rowsOf(session, 'select id from t where grp = 2')).toEqual([['3'], ['4']]);
    expect(rowsOf(session, "select uid from u where tag = 'Y'")).toEqual([['11']]);
    expect(rowsOf(session, 'select id from t where id = 1.5')).toEqual([]);
    expect(rowsOf(session, 'select id from t where name = :n', { n: 'BOB' })).toEqual([['2']]);
  });

  it('filters, orders, limits and offsets', () => {
    const { session } = setup();
    expect(rowsOf(session, 'select id from t where score > 10 order by score desc')).toEqual([['3'], ['2'], ['1']]);
    expect(rowsOf(session, 'select id from t order by id desc limit 2')).toEqual([['5'], ['4']]);
    expect(rowsOf(session, 'select id from t order by id limit 1, 2')).toEqual([['2'], ['3']]);
    expect(rowsOf(session, 'select id from t order by id limit :n offset :o', { n: 2n, o: 3n })).toEqual([['4'], ['5']]);
    expect(rowsOf(session, 'select name from t order by name')).toEqual([['alice'], ['Bob'], ['carol'], ['dave'], ['Eve']]);
    expect(rowsOf(session, 'select id, score from t order by 2, 1 limit 2')).toEqual([['4', null], ['5', '5.00']]);
    expect(rowsOf(session, 'select id as k from t order by k desc limit 1')).toEqual([['5']]);
    expect(rowsOf(session, 'select id from t order by grp desc, id')).toEqual([['5'], ['3'], ['4'], ['1'], ['2']]);
    expect(rowsOf(session, 'select id from t where name like "%e" or score is null')).toEqual([['1'], ['4'], ['5']]);
  });

  it('groups and aggregates, with HAVING and aliases', () => {
    const { session } = setup();
    const r = session.execute('select grp, count(*) as c, sum(score), max(name) from t group by grp order by grp');
    expect(r.fields.map((f) => f.name)).toEqual(['grp', 'c', 'sum(score)', 'max(name)']);
    expect(r.rows).toEqual([
      [1n, 2n, '30.50', 'Bob'],
      [2n, 2n, '30.25', 'dave'],
      [3n, 1n, '5.00', 'Eve'],
    ]);
    expect(rowsOf(session, 'select grp, count(*) c from t group by 1 having c > 1 order by c desc, grp')).toEqual([['1', '2'], ['2', '2']]);
    expect(rowsOf(session, 'select count(*), count(score), min(id), avg(grp) from t')).toEqual([['5', '4', '1', '1.8000']]);
    expect(rowsOf(session, 'select count(*), max(id) from t where id > 100')).toEqual([['0', null]]);
    expect(rowsOf(session, 'select count(distinct grp) from t')).toEqual([['3']]);
    expect(rowsOf(session, 'select grp from t group by grp having sum(score) > 30')).toEqual([['1'], ['2']]);
  });

  it('joins tables (inner, left, right, using) and derived tables', () => {
    const { session } = setup();
    expect(rowsOf(session, 'select t.id, u.uid from t join u on t.id = u.tid order by u.uid')).toEqual([['1', '10'], ['1', '11'], ['3', '12']]);
    expect(rowsOf(session, 'select t.id, u.uid from t left join u on t.id = u.tid where t.id in (2, 3)')).toEqual([['2', null], ['3', '12']]);
    expect(rowsOf(session, 'select t.id, u.uid from t right join u on t.id = u.tid order by u.uid')).toEqual([['1', '10'], ['1', '11'], ['3', '12'], [null, '13']]);
    expect(rowsOf(session, 'select count(*) from t, u')).toEqual([['20']]);
    expect(rowsOf(session, 'select d.c from (select grp, count(*) as c from t group by grp) d where d.grp = 2')).toEqual([['2']]);
    expectError(session, 'select a.name from t a join t b on a.id = b.id where id = 1', 1052, "Column 'id' in where clause is ambiguous");
    expect(rowsOf(session, 'select a.name, b.name from t a join t b using (id) where id = 2')).toEqual([['Bob', 'Bob']]);
  });

  it('evaluates subqueries (IN, EXISTS, scalar, correlated) and UNION', () => {
    const { session } = setup();
    expect(rowsOf(session, 'select id from t where id in (select tid from u)')).toEqual([['1'], ['3']]);
    expect(rowsOf(session, 'select id from t where exists (select 1 from u where u.tid = t.id)')).toEqual([['1'], ['3']]);
    expect(rowsOf(session, 'select id, (select count(*) from u where u.tid = t.id) c from t where id < 3')).toEqual([['1', '2'], ['2', '0']]);
    expect(rowsOf(session, 'select (select max(uid) from u)')).toEqual([['13']]);
    expect(rowsOf(session, 'select id from t where id < 3 union select tid from u order by 1')).toEqual([['1'], ['2'], ['3'], ['9']]);
    expect(rowsOf(session, 'select 1 union all select 1')).toEqual([['1'], ['1']]);
  });

  it('supports DISTINCT, SELECT without FROM, dual, variables and session functions', () => {
    const { session, mysqld } = setup();
    expect(rowsOf(session, 'select distinct grp from t order by grp')).toEqual([['1'], ['2'], ['3']]);
    expect(rowsOf(session, 'select 1 from dual')).toEqual([['1']]);
    expect(rowsOf(session, 'select @@version, @@version_comment, database()')).toEqual([['8.0.30', 'MySQL Community Server - GPL', 'vt_commerce']]);
    expect(rowsOf(session, 'select @@server_uuid, @@global.gtid_executed, @@super_read_only, @@autocommit')).toEqual([
      [mysqld.serverUuid, mysqld.gtidExecutedText(), '0', '1'],
    ]);
    session.execute('set @x = 42');
    expect(rowsOf(session, 'select @x + 1')).toEqual([['43']]);
    expect(rowsOf(session, 'select @@version_comment limit 1')).toEqual([['MySQL Community Server - GPL']]);
    expect(rowsOf(session, 'select * from t where id = 1 for update')).toEqual([['1', 'alice', '1', '10.50']]);
    expect(rowsOf(session, 'select * from t where id = 1 lock in share mode').length).toBe(1);
  });

  it('reports errors with MySQL codes and messages', () => {
    const { session } = setup();
    expectError(session, 'select * from nope', 1146, "Table 'vt_commerce.nope' doesn't exist");
    expectError(session, 'select x from t', 1054, "Unknown column 'x' in 'field list'");
    expectError(session, 'select id from t where x = 1', 1054, "Unknown column 'x' in 'where clause'");
    expectError(session, 'select id from t order by x', 1054, "Unknown column 'x' in 'order clause'");
    expectError(session, 'select id from t group by nope', 1054, "Unknown column 'nope' in 'group statement'");
    expectError(session, 'select t.id from t join u on t.id = u.nope', 1054, "Unknown column 'u.nope' in 'on clause'");
    expectError(session, 'selec 1', 1064);
    const noDb = session.mysqld.createSession();
    expectError(noDb, 'select * from t', 1046, 'No database selected');
    expectError(noDb, 'use nope', 1049, "Unknown database 'nope'");
  });

  // MySQL compares and computes with the float32 a FLOAT holds, widened to a double; FLOAT(m,d)
  // against a numeric with fixed decimals is equal within 5 / 10^(d+1) (Arg_comparator::
  // compare_real_fixed). Every answer below is MariaDB 10.11's (same Field_float and comparator).
  it('computes and compares FLOAT columns with their float32 value', () => {
    const s = newServer();
    run(
      s.session,
      'create table fl (id int primary key, f float, g float(7,4), key f_idx (f))',
      'insert into fl values (1, 3.1415927, 3.1415927), (2, 0.1, 0.1), (3, 16777217, 1.5), (4, 1234.125, 999.00009)',
    );
    const q = (sql: string) => rowsOf(s.session, sql);
    expect(q('select f + 0, f * 1, g + 0 from fl where id = 1')).toEqual([['3.1415927410125732', '3.1415927410125732', '3.1415998935699463']]);
    expect(q('select f + 0 from fl where id = 3')).toEqual([['16777216']]);
    expect(q('select sum(f), avg(f) from fl where id = 2')).toEqual([['0.10000000149011612', '0.10000000149011612']]);
    // Neither the shown digits nor the inserted text equal the float32 widened to a double.
    expect(q('select id from fl where f = 3.14159')).toEqual([]);
    expect(q('select id from fl where f = 3.1415927')).toEqual([]);
    expect(q('select id from fl where f = 0.1')).toEqual([]);
    expect(q('select id from fl where f = 3.1415927410125732')).toEqual([['1']]);
    expect(q('select id from fl where f = cast(3.1415927 as float)')).toEqual([['1']]);
    expect(q('select id from fl where f > 3.1415927 and f < 3.1415928')).toEqual([['1']]);
    expect(q('select id from fl order by f')).toEqual([['2'], ['1'], ['4'], ['3']]);
    // MIN/MAX, CAST(… AS FLOAT) and COALESCE keep the FLOAT type (shown with 6 digits); arithmetic,
    // IFNULL with an integer and SUM are DOUBLE (MariaDB --column-type-info: FLOAT vs DOUBLE).
    const types = (sql: string) => s.session.execute(sql).fields.map((f) => Type[f.type]);
    expect(types('select min(f), max(f), sum(f) from fl')).toEqual(['FLOAT32', 'FLOAT32', 'FLOAT64']);
    expect(types('select cast(f as float), coalesce(f), ifnull(f, 0), f + 0 from fl')).toEqual(['FLOAT32', 'FLOAT32', 'FLOAT64', 'FLOAT64']);
    expect(q('select max(f), cast(f as float) from fl where id = 1 group by id')).toEqual([['3.1415927410125732', '3.1415927410125732']]);
    // In a string context a FLOAT reads as its 6-digit text (Field_float::val_str).
    expect(q("select cast(f as char), coalesce(f, 'x'), if(id > 0, f, 'x'), cast(f as binary) from fl where id = 1")).toEqual([['3.14159', '3.14159', '3.14159', '3.14159']]);
    expect(q("select concat(f, '!'), length(f), upper(f), f like '3.14159', f like '3.1415927%' from fl where id = 1")).toEqual([['3.14159!', '7', '3.14159', '1', '0']]);
    // FLOAT(7,4): fixed-decimal comparison.
    expect(q('select id from fl where g = 0.1')).toEqual([['2']]);
    expect(q('select id from fl where 3.1416 = g')).toEqual([['1']]);
    expect(q('select id from fl where g = 0.1e0')).toEqual([]);
    expect(q('select id from fl where g = 0.10004')).toEqual([]);
    expect(q('select id from fl where g = 1.50001')).toEqual([]);
    expect(q('select g = 1.5, g < 1.50004, g > 1.49996 from fl where id = 3')).toEqual([['1', '1', '1']]);
    expect(q('select id from fl where g = 999.0001')).toEqual([['4']]);
  });

  it('shows the columns USING joins once and first in SELECT *, as MySQL coalesces them', () => {
    const { session } = newServer();
    run(
      session,
      "create table tx (id int primary key, v varchar(5))", 'create table tn (id int primary key, a int)', 'create table t3 (id int, x int)',
      "insert into tx values (1, 'one'), (2, 'two'), (3, 'three')", 'insert into tn values (1, 10), (2, 20), (4, 40)', 'insert into t3 values (1, 7)',
    );
    const r = session.execute('select * from tx join tn using (id) order by id');
    expect(r.fields.map((f) => f.name)).toEqual(['id', 'v', 'a']);
    expect(rowsOf(session, 'select * from tx left join tn using (id) order by id')).toEqual([['1', 'one', '10'], ['2', 'two', '20'], ['3', 'three', null]]);
    expect(rowsOf(session, 'select * from tx right join tn using (id) order by id').map((row) => row[0])).toEqual(['1', '2', '4']);
    // Qualified stars and ON joins keep every column.
    expect(session.execute('select tn.*, tx.* from tx join tn using (id)').fields.map((f) => f.name)).toEqual(['id', 'a', 'id', 'v']);
    expect(session.execute('select * from tx join tn using (id) join t3 on t3.id = tx.id').fields.map((f) => f.name)).toEqual(['id', 'v', 'a', 'id', 'x']);
    expect(rowsOf(session, 'select * from tx join tn using (id) join t3 using (id)')).toEqual([['1', 'one', '10', '7']]);
  });

  it('names a text literal column after its value, introducers and escapes read', () => {
    const { session } = newServer();
    const r = session.execute("select 'abc', 'it''s', 'back\\\\slash', \"dq\", _utf8mb4'hello', N'z', 1 + 1");
    expect(r.fields.map((f) => f.name)).toEqual(['abc', "it's", 'back\\slash', 'dq', 'hello', 'z', '1 + 1']);
    expect(r.rows[0]!.slice(0, 5)).toEqual(['abc', "it's", 'back\\slash', 'dq', 'hello']);
  });
});

describe('mysqld: result column names of literals and bound expressions', () => {
  it('names TRUE, FALSE and NULL in capitals and a string by its unescaped value (adjacent strings by the first)', () => {
    const { session } = newServer();
    const r = session.execute("select true, False, null, 'it''s', 'back\\\\slash', 'a' 'b', _utf8mb4'x', N'y'");
    expect(r.fields.map((f) => f.name)).toEqual(['TRUE', 'FALSE', 'NULL', "it's", 'back\\slash', 'a', 'x', 'y']);
    expect(r.rows[0]![5]).toBe('ab');
  });

  it('writes bind variables back into a name as vttablet binds them into the text MySQL names columns from', () => {
    const { session } = newServer();
    run(session, 'create table t (id int primary key, name varchar(10))', "insert into t values (1, 'a')");
    const sql = 'select substring(name from :vtg1), (select name from t where id = :vtg2), :vtg3 = name as same from t';
    const r = session.execute(sql, { vtg1: 1n, vtg2: 1n, vtg3: "it's" });
    expect(r.fields.map((f) => f.name)).toEqual(['substring(name from 1)', '(select name from t where id = 1)', 'same']);
    // The plan is cached by its text: another execution names the columns after its own values.
    expect(session.execute(sql, { vtg1: 2n, vtg2: 1n, vtg3: 'x' }).fields[0]!.name).toBe('substring(name from 2)');
  });
});
