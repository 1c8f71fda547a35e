import { describe, expect, it } from 'vitest';
import { expectError, newServer, rowsOf, run } from './mysqld-fixture.js';

function setup() {
  const s = newServer();
  run(
    s.session,
    "create table t (id bigint not null auto_increment, name varchar(10) not null, qty int default 0, note varchar(20), primary key (id), unique key name_u (name))",
  );
  return s;
}

describe('mysqld: INSERT / REPLACE / UPDATE / DELETE', () => {
  it('inserts single and multi-row, with column lists, SET form, defaults and auto_increment', () => {
    const { session } = setup();
    let r = session.execute("insert into t(name) values ('a')");
    expect(r).toMatchObject({ rowsAffected: 1, insertId: 1n });
    expect(r.info).toBeUndefined();
    r = session.execute("insert into t(name, qty) values ('b', 2), ('c', 3), (:n, :q)", { n: 'd', q: 4n });
    expect(r).toMatchObject({ rowsAffected: 3, insertId: 2n, info: 'Records: 3  Duplicates: 0  Warnings: 0' });
    expect(rowsOf(session, 'select last_insert_id()')).toEqual([['2']]);
    r = session.execute("insert into t set name = 'e', note = 'x'");
    expect(r.insertId).toBe(5n);
    r = session.execute("insert into t values (10, 'f', 1, null)");
    expect(r).toMatchObject({ rowsAffected: 1, insertId: 10n });
    expect(rowsOf(session, 'select last_insert_id()')).toEqual([['5']]);
    session.execute("insert into t(name) values ('g')");
    expect(rowsOf(session, 'select id, name, qty, note from t where id >= 5')).toEqual([
      ['5', 'e', '0', 'x'],
      ['10', 'f', '1', null],
      ['11', 'g', '0', null],
    ]);
    r = session.execute("insert into t(id, name) values (0, 'h')");
    expect(r.insertId).toBe(12n);
  });

  it('honours AUTO_INCREMENT=n and keeps InnoDB counters across rollbacks', () => {
    const { session } = newServer();
    run(session, 'create table a (id int not null auto_increment primary key, v int) auto_increment=100');
    session.execute('insert into a(v) values (1)');
    session.execute('begin');
    session.execute('insert into a(v) values (2)');
    session.execute('rollback');
    expect(session.execute('insert into a(v) values (3)').insertId).toBe(102n);
    expect(rowsOf(session, 'select id from a')).toEqual([['100'], ['102']]);
  });

  it('handles INSERT IGNORE, ON DUPLICATE KEY UPDATE and REPLACE with MySQL affected-row counts', () => {
    // As InnoDB (autoinc lock mode 2): ids allocated for rows that turn out duplicates are used up.
    const { session } = setup();
    run(session, "insert into t(name, qty) values ('a', 1), ('b', 2)");
    let r = session.execute("insert ignore into t(name, qty) values ('a', 5), ('c', 3)");
    expect(r).toMatchObject({ rowsAffected: 1, info: 'Records: 2  Duplicates: 1  Warnings: 0' });
    r = session.execute("insert into t(name, qty) values ('a', 7) on duplicate key update qty = values(qty) + qty");
    expect(r.rowsAffected).toBe(2);
    expect(rowsOf(session, "select qty from t where name = 'a'")).toEqual([['8']]);
    r = session.execute("insert into t(name, qty) values ('a', 7) on duplicate key update qty = 8");
    expect(r.rowsAffected).toBe(0);
    r = session.execute("insert into t(name, qty) values ('z', 7) on duplicate key update qty = 8");
    expect(r.rowsAffected).toBe(1);
    r = session.execute("replace into t(id, name, qty) values (2, 'b', 20)");
    expect(r.rowsAffected).toBe(2);
    r = session.execute("replace into t(id, name, qty) values (50, 'q', 1)");
    expect(r.rowsAffected).toBe(1);
    expect(rowsOf(session, 'select id, name, qty from t order by id')).toEqual([
      ['1', 'a', '8'], ['2', 'b', '20'], ['4', 'c', '3'], ['7', 'z', '7'], ['50', 'q', '1'],
    ]);
  });

  it('inserts from a SELECT', () => {
    const { session } = setup();
    run(session, "insert into t(name, qty) values ('a', 1), ('b', 2)", 'create table t2 (id bigint primary key, name varchar(10))');
    const r = session.execute('insert into t2 select id, name from t where qty > 0');
    expect(r).toMatchObject({ rowsAffected: 2, info: 'Records: 2  Duplicates: 0  Warnings: 0' });
    expect(rowsOf(session, 'select * from t2')).toEqual([['1', 'a'], ['2', 'b']]);
  });

  it('updates with WHERE, ORDER BY and LIMIT, counting matched and changed rows', () => {
    const { session } = setup();
    run(session, "insert into t(name, qty) values ('a', 1), ('b', 2), ('c', 3), ('d', 4)");
    let r = session.execute('update t set qty = qty + 1 where qty >= 2');
    expect(r).toMatchObject({ rowsAffected: 3, info: 'Rows matched: 3  Changed: 3  Warnings: 0' });
    r = session.execute('update t set qty = 1 where id <= 2');
    expect(r).toMatchObject({ rowsAffected: 1, info: 'Rows matched: 2  Changed: 1  Warnings: 0' });
    r = session.execute('update t set note = :n where id = :id', { n: 'hi', id: 3n });
    expect(r.rowsAffected).toBe(1);
    r = session.execute("update t set note = 'last' order by id desc limit 1");
    expect(rowsOf(session, 'select id, note from t where note is not null')).toEqual([['3', 'hi'], ['4', 'last']]);
    r = session.execute('update t set id = id + 10 where id = 1');
    expect(rowsOf(session, 'select id from t')).toEqual([['2'], ['3'], ['4'], ['11']]);
    r = session.execute('update t set qty = qty * 2, note = qty where id = 2');
    expect(rowsOf(session, 'select qty, note from t where id = 2')).toEqual([['2', '2']]);
  });

  it('deletes with WHERE, ORDER BY and LIMIT', () => {
    const { session } = setup();
    run(session, "insert into t(name, qty) values ('a', 1), ('b', 2), ('c', 3), ('d', 4), ('e', 5)");
    expect(session.execute('delete from t where id in (1, 3)').rowsAffected).toBe(2);
    expect(session.execute('delete from t order by qty desc limit 1').rowsAffected).toBe(1);
    expect(session.execute('delete from t where id = 99').rowsAffected).toBe(0);
    expect(rowsOf(session, 'select name from t')).toEqual([['b'], ['d']]);
    expect(session.execute('delete from t').rowsAffected).toBe(2);
  });

  it('updates and deletes across joined tables', () => {
    const { session } = setup();
    run(
      session,
      "insert into t(name, qty) values ('a', 1), ('b', 2), ('c', 3)",
      'create table o (oid int primary key, tid bigint, amount int)',
      'insert into o values (1, 1, 10), (2, 1, 20), (3, 3, 30)',
    );
    let r = session.execute('update t join o on o.tid = t.id set t.qty = t.qty + o.amount, o.amount = 0 where o.amount >= 20');
    expect(r).toMatchObject({ rowsAffected: 4, info: 'Rows matched: 4  Changed: 4  Warnings: 0' });
    expect(rowsOf(session, 'select id, qty from t')).toEqual([['1', '21'], ['2', '2'], ['3', '33']]);
    expect(rowsOf(session, 'select oid, amount from o')).toEqual([['1', '10'], ['2', '0'], ['3', '0']]);
    r = session.execute('delete t, o from t join o on o.tid = t.id where o.oid = 1');
    expect(r.rowsAffected).toBe(2);
    expect(rowsOf(session, 'select id from t')).toEqual([['2'], ['3']]);
    expect(rowsOf(session, 'select oid from o')).toEqual([['2'], ['3']]);
    r = session.execute('delete o from o left join t on o.tid = t.id where t.id is null');
    expect(r.rowsAffected).toBe(1);
    expect(rowsOf(session, 'select oid from o')).toEqual([['3']]);
  });

  it('stores rows coerced to the column types', () => {
    const { session } = newServer();
    run(session, 'create table v (id int primary key, d decimal(6,2), b varbinary(10), dt datetime, f double, e enum("x","y"))');
    session.execute("insert into v values ('7', 1.005, 'ab', '2024-1-2 3:4:5', '2.5', 'y')");
    const row = session.execute('select * from v').rows[0]!;
    expect(row[0]).toBe(7n);
    expect(row[1]).toBe('1.01');
    expect(Buffer.from(row[2] as Uint8Array).toString()).toBe('ab');
    expect(row[3]).toBe('2024-01-02 03:04:05');
    expect(row[4]).toBe(2.5);
    expect(row[5]).toBe('y');
  });

  it('leaves no row behind when a new primary key collides in a unique index (IGNORE, ON DUPLICATE KEY UPDATE, REPLACE)', () => {
    const { session } = setup();
    run(session, "insert into t(id, name) values (1, 'a'), (2, 'b')");
    // Row 3 is new by its primary key but takes name 'a': skipped, and its primary key stays free.
    let r = session.execute("insert ignore into t(id, name) values (3, 'a'), (4, 'd')");
    expect(r).toMatchObject({ rowsAffected: 1, info: 'Records: 2  Duplicates: 1  Warnings: 0' });
    expect(rowsOf(session, 'select id, name from t order by id')).toEqual([['1', 'a'], ['2', 'b'], ['4', 'd']]);
    r = session.execute("insert into t(id, name) values (5, 'b') on duplicate key update qty = qty + 7");
    expect(r.rowsAffected).toBe(2);
    r = session.execute("replace into t(id, name) values (6, 'd')");
    expect(r.rowsAffected).toBe(2);
    expect(rowsOf(session, 'select id, name, qty from t order by id')).toEqual([['1', 'a', '0'], ['2', 'b', '7'], ['6', 'd', '0']]);
    run(session, 'begin');
    expectError(session, "insert into t(id, name) values (3, 'a')", 1062, "Duplicate entry 'a' for key 't.name_u'");
    run(session, "insert into t(id, name) values (3, 'c')");
    run(session, 'commit');
    expect(rowsOf(session, 'select id, name from t order by id')).toEqual([['1', 'a'], ['2', 'b'], ['3', 'c'], ['6', 'd']]);
  });

  it('reports DML errors with MySQL codes and messages, leaving no trace', () => {
    const { session, mysqld } = setup();
    run(session, "insert into t(name) values ('a')");
    const before = mysqld.binlog.length;
    expectError(session, "insert into t(name) values ('b'), ('a')", 1062, "Duplicate entry 'a' for key 't.name_u'");
    expectError(session, "insert into t(id, name) values (1, 'zz')", 1062, "Duplicate entry '1' for key 't.PRIMARY'");
    expectError(session, 'insert into t(name) values (null)', 1048, "Column 'name' cannot be null");
    expectError(session, 'insert into t(qty) values (1)', 1364, "Field 'name' doesn't have a default value");
    expectError(session, "insert into t(name, qty) values ('x')", 1136, "Column count doesn't match value count at row 1");
    expectError(session, "insert into t(nope) values ('x')", 1054, "Unknown column 'nope' in 'field list'");
    expectError(session, "insert into t(name, qty) values ('x', 'abc')", 1366);
    expectError(session, "insert into t(name) values ('waytoolongvalue')", 1406);
    expectError(session, "insert into nope values (1)", 1146, "Table 'vt_commerce.nope' doesn't exist");
    expectError(session, "update t set nope = 1", 1054, "Unknown column 'nope' in 'field list'");
    expectError(session, "update t set name = null", 1048, "Column 'name' cannot be null");
    expect(rowsOf(session, 'select id, name from t')).toEqual([['1', 'a']]);
    expect(mysqld.binlog.length).toBe(before);
  });
});
