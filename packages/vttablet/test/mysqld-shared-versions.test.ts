import { describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom } from '@vtsim/binlog';
import { SqlError } from '@vtsim/proto';
import { Mysqld, type MysqlSession } from '../src/mysqld/mysqld.js';
import { newServer, rowsOf, run, UUID_B } from './mysqld-fixture.js';

const UUID_C = '7c6fa0ee-8e10-11eb-9bb5-04ed332e05c2';

function replicaOf(uuid = UUID_B): Mysqld {
  const clock = new ManualClock(Date.UTC(2024, 0, 31, 13));
  const replica = new Mysqld({ serverUuid: uuid, clock, random: new SeededRandom(uuid) });
  replica.createDatabase('vt_commerce', { logBin: false });
  replica.superReadOnly = true;
  return replica;
}

/** Applies to `replica` what `source` logged that it lacks, in order. */
function catchUp(source: Mysqld, replica: Mysqld): void {
  for (const tx of source.binlog.readFrom(replica.gtidExecuted())) replica.applyTransaction(tx);
}

/** Runs each statement on `session` and has every replica (in chain order) apply it at once, as a live channel does. */
function runLive(session: MysqlSession, chain: Mysqld[], ...sqls: string[]): void {
  for (const sql of sqls) {
    session.execute(sql);
    for (let i = 1; i < chain.length; i++) catchUp(chain[i - 1]!, chain[i]!);
  }
}

/** The content token of a table's committed version. */
function contentOf(mysqld: Mysqld, table: string): object {
  return mysqld.catalog.table('vt_commerce', table).data.content;
}

const TABLE = 'create table t (id bigint not null auto_increment, name varchar(10), qty int, primary key (id), unique key name_u (name))';

describe('mysqld: replicas sharing their source table versions', () => {
  it('a live replica (and its own replica) ends at the very version of its source, and stays independent after promotion', () => {
    const { mysqld: primary, session } = newServer();
    const replica = replicaOf();
    const chained = replicaOf(UUID_C);
    const chain = [primary, replica, chained];
    runLive(session, chain, TABLE);
    runLive(session, chain, "insert into t(name, qty) values ('a', 1), ('b', 2), ('c', 3)", "update t set qty = 20 where name = 'b'", "delete from t where name = 'a'");
    runLive(session, chain, 'begin', "insert into t(name) values ('d')", "update t set name = 'cc' where id = 3", 'commit');

    const q = 'select id, name, qty from t order by id';
    const expected = [['2', 'b', '20'], ['3', 'cc', '3'], ['4', 'd', null]];
    expect(rowsOf(session, q)).toEqual(expected);
    for (const server of [replica, chained]) {
      expect(rowsOf(server.createSession({ database: 'vt_commerce' }), q)).toEqual(expected);
      expect(server.gtidExecuted().equals(primary.gtidExecuted())).toBe(true);
      expect(contentOf(server, 't')).toBe(contentOf(primary, 't'));
      // Each server logs the changes under its own table map.
      const last = server.binlog.transactionAt(server.binlog.length - 1);
      expect(last.events.length).toBeGreaterThan(0);
      for (const e of last.events) expect(e.kind === 'rows' && e.table).toBe(server.tableMap('vt_commerce', 't'));
    }

    // Promoted, the replica continues the AUTO_INCREMENT counter and its writes are its own.
    replica.superReadOnly = false;
    const rs = replica.createSession({ database: 'vt_commerce' });
    expect(rs.execute("insert into t(name) values ('e')").insertId).toBe(5n);
    run(rs, "update t set qty = 99 where name = 'b'");
    expect(rowsOf(session, q)).toEqual(expected);
    expect(contentOf(replica, 't')).not.toBe(contentOf(primary, 't'));
    // The old primary, now replicating from it, follows again.
    catchUp(replica, primary);
    expect(rowsOf(session, q)).toEqual(rowsOf(rs, q));
    expect(contentOf(primary, 't')).toBe(contentOf(replica, 't'));
  });

  it('a replica catching up on superseded transactions applies them row by row and then shares again', () => {
    const { mysqld: primary, session } = newServer();
    run(session, TABLE);
    for (let i = 0; i < 5; i++) session.execute('insert into t(name, qty) values (:n, :q)', { n: `n${i}`, q: BigInt(i) });
    run(session, 'update t set qty = qty + 1');
    const replica = replicaOf();
    catchUp(primary, replica);
    const q = 'select id, name, qty from t order by id';
    expect(rowsOf(replica.createSession({ database: 'vt_commerce' }), q)).toEqual(rowsOf(session, q));
    expect(contentOf(replica, 't')).toBe(contentOf(primary, 't'));
  });

  it('applies row by row, and stops on the change that does not apply, once the replica diverged', () => {
    const { mysqld: primary, session } = newServer();
    const replica = replicaOf();
    runLive(session, [primary, replica], TABLE, "insert into t(name, qty) values ('a', 1), ('b', 2)");
    const admin = replica.createSession({ database: 'vt_commerce', bypassReadOnly: true, logBin: false });
    run(admin, "delete from t where name = 'a'");
    session.execute("update t set qty = 5 where name = 'a'");
    const err = (() => {
      try {
        catchUp(primary, replica);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).errno).toBe(1032);
    expect(rowsOf(admin, 'select name, qty from t')).toEqual([['b', '2']]);
  });

  it('does not take a source version over a table of another layout, even an empty one', () => {
    const { mysqld: primary, session } = newServer();
    const replica = replicaOf();
    runLive(session, [primary, replica], 'create table u (id int primary key, v int)');
    const admin = replica.createSession({ database: 'vt_commerce', bypassReadOnly: true, logBin: false });
    run(admin, 'alter table u add unique key v_u (v)');
    session.execute('insert into u values (1, 7), (2, 7)');
    expect(() => catchUp(primary, replica)).toThrow(/Duplicate entry '7' for key 'u.v_u'/);
    expect(rowsOf(admin, 'select count(*) from u')).toEqual([['0']]);
  });
});
