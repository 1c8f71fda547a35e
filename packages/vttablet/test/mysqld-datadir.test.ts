import { describe, expect, it } from 'vitest';
import { GtidSet, SeededRandom } from '@vtsim/binlog';
import { SqlError } from '@vtsim/proto';
import { MYSQLD_DATADIR_FORMAT, dumpMysqldDatadir, loadMysqldDatadir } from '../src/mysqld/mysqld-datadir.js';
import { newServer, rowsOf, run, UUID_A } from './mysqld-fixture.js';

const TYPES_TABLE = `create table t (
  id bigint unsigned not null auto_increment,
  small tinyint default -3,
  big bigint unsigned,
  d double,
  f float,
  dec1 decimal(12,3) default '1.500',
  s varchar(20) not null default 'x''y',
  vb varbinary(16),
  blb blob,
  j json,
  dt datetime(3),
  dd date,
  e enum('a','b','c') default 'b',
  st set('p','q'),
  bt bit(5),
  yr year,
  primary key (id),
  unique key s_u (s),
  key big_k (big)
) comment 'all the types'`;

function loadOpts() {
  const { clock } = newServer();
  return { clock, random: new SeededRandom('load') };
}

describe('mysqld datadir dump and load', () => {
  it('keeps databases, definitions, rows of every type, counters, server_uuid and gtid_executed; the binlog is purged', async () => {
    const { mysqld, session } = newServer();
    mysqld.createDatabase('other');
    run(
      session,
      TYPES_TABLE,
      "insert into t (small, big, d, f, dec1, s, vb, blb, j, dt, dd, e, st, bt, yr) values (-128, 18446744073709551615, -0.5e300, 1.25, -123456789.125, 'héllo', x'00ff10', x'', '{\"a\": [1, 2.5, null]}', '2024-02-29 23:59:59.123', '1000-01-01', 'c', 'p,q', b'10101', 2155)",
      "insert into t (s) values ('second')",
      "insert into t (id, s, d) values (9007199254740993, 'past safe', -0.0)",
      'create table nopk (a int, b varchar(5))',
      "insert into nopk values (1, 'x'), (1, 'x'), (null, null)",
      'create table other.empty_one (k varbinary(3) primary key) partition by key() partitions 2',
      'delete from t where id = 2',
    );
    const executed = mysqld.gtidExecutedText();
    const showCreate = (sess: typeof session) => ['t', 'nopk', 'other.empty_one'].map((n) => rowsOf(sess, `show create table ${n}`));
    const before = { t: rowsOf(session, 'select * from t order by id'), nopk: rowsOf(session, 'select * from nopk'), ddl: showCreate(session) };

    const lines = [...dumpMysqldDatadir(mysqld)];
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: MYSQLD_DATADIR_FORMAT, serverUuid: UUID_A, gtidExecuted: executed });
    const loaded = await loadMysqldDatadir(lines, loadOpts());
    expect(loaded.serverUuid).toBe(UUID_A);
    expect(loaded.databases()).toEqual(mysqld.databases());
    expect(loaded.gtidExecutedText()).toBe(executed);
    expect(loaded.gtidPurgedText()).toBe(executed);
    expect(loaded.binlog.length).toBe(0);
    expect(loaded.superReadOnly).toBe(true);

    const s2 = loaded.createSession({ database: 'vt_commerce', bypassReadOnly: true });
    expect(rowsOf(s2, 'select * from t order by id')).toEqual(before.t);
    expect(rowsOf(s2, 'select * from nopk')).toEqual(before.nopk);
    expect(showCreate(s2)).toEqual(before.ddl);
    // Exact JS values, not only their text: bytes stay bytes, doubles and unsigned 2^64-1 stay exact.
    const row = s2.execute('select vb, d, big from t where id = 1').rows[0]!;
    expect(Buffer.from(row[0] as Uint8Array)).toEqual(Buffer.from([0, 255, 16]));
    expect(row[2]).toBe(18446744073709551615n);
    const dOf = (sess: typeof session) => sess.execute('select d from t where id = 9007199254740993').rows[0]![0];
    expect(Object.is(dOf(s2), dOf(session))).toBe(true);

    // AUTO_INCREMENT continues after the highest id handed out; the unique key still holds.
    run(s2, "insert into t (s) values ('third')");
    expect(rowsOf(s2, "select id from t where s = 'third'")).toEqual([['9007199254740994']]);
    expect(() => s2.execute("insert into t (s) values ('past safe')")).toThrow(SqlError);
    // The next transaction continues the GTID sequence; a reader positioned before it gets 1236.
    const next = loaded.binlog.transactionAt(0).gtid;
    expect(next.sid).toBe(UUID_A);
    expect(next.gno).toBe(GtidSet.parse(executed).lastGno(UUID_A) + 1);
    let err: unknown;
    try {
      for (const _ of loaded.binlog.readFrom(GtidSet.empty)) void _;
    } catch (e) {
      err = e;
    }
    expect((err as SqlError).errno).toBe(1236);
    // Rows of a table without a primary key keep their hidden row ids' order and can still be deleted one by one.
    run(s2, 'delete from nopk where a is null', "insert into nopk values (2, 'y')");
    expect(rowsOf(s2, 'select * from nopk')).toEqual([['1', 'x'], ['1', 'x'], ['2', 'y']]);
  });

  it('captures the state when called: later commits are not in the dump', async () => {
    const { mysqld, session } = newServer();
    run(session, 'create table a (id int primary key)', 'insert into a values (1)');
    const dump = dumpMysqldDatadir(mysqld);
    run(session, 'insert into a values (2)', 'create table b (id int primary key)');
    const loaded = await loadMysqldDatadir(dump, loadOpts());
    expect(loaded.tableNames('vt_commerce')).toEqual(['a']);
    expect(rowsOf(loaded.createSession({ database: 'vt_commerce' }), 'select id from a')).toEqual([['1']]);
  });

  it('refuses another format, another kind of file, malformed and truncated files, with the line', async () => {
    const { mysqld, session } = newServer();
    run(session, 'create table a (id int primary key)', 'insert into a values (1), (2)');
    const lines = [...dumpMysqldDatadir(mysqld)];
    const header = JSON.parse(lines[0]!) as Record<string, unknown>;
    const withHeader = (h: Record<string, unknown>) => [JSON.stringify(h), ...lines.slice(1)];
    await expect(loadMysqldDatadir(withHeader({ ...header, format: 2 }), loadOpts())).rejects.toThrow(
      'line 1: datadir format 2 is not the one this vtsim reads (1)',
    );
    await expect(loadMysqldDatadir(withHeader({ format: 1 }), loadOpts())).rejects.toThrow('line 1: not a vtsim mysqld datadir');
    await expect(loadMysqldDatadir(lines.slice(0, -2), loadOpts())).rejects.toThrow('line 3: the file ends before its end line (truncated)');
    await expect(loadMysqldDatadir([...lines.slice(0, 3), '["1", 2]', ...lines.slice(4)], loadOpts())).rejects.toThrow('line 4: expected a row of 1 values');
    await expect(loadMysqldDatadir(lines.slice(0, -1), loadOpts())).rejects.toThrow('ends before its end line (truncated)');
    await expect(loadMysqldDatadir([lines[0]!, '{"table": tru'], loadOpts())).rejects.toThrow('line 2: not JSON');
    await expect(loadMysqldDatadir([], loadOpts())).rejects.toThrow('empty datadir file');
    const dup = [...lines.slice(0, 3), lines[2]!, ...lines.slice(4)];
    await expect(loadMysqldDatadir(dup, loadOpts())).rejects.toThrow("line 5: Duplicate entry '1' for key 'a.PRIMARY'");
    run(session, 'create table u (id int primary key, v int, unique key v_u (v))', 'insert into u values (1, 10), (2, 20), (3, null), (4, null)');
    const withU = [...dumpMysqldDatadir(mysqld)];
    expect(withU.slice(-6, -1)).toEqual([expect.stringContaining('"name":"u"'), '[1,10]', '[2,20]', '[3,null]', '[4,null]']);
    await expect(loadMysqldDatadir([...withU.slice(0, -4), '[2,10]', ...withU.slice(-3)], loadOpts())).rejects.toThrow("Duplicate entry '10' for key 'u.v_u'");
  });
});
