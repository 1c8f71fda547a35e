// Issue 11: vtgate's reserved connections, as Vitess's. A temporary table created through vtgate
// lives on a tablet connection reserved for its client alone: other clients never see it, it
// outlives its client's transactions, a base table of the same name is shadowed for its owner only,
// and it is dropped when the client goes (COM_QUIT or a closed socket). A vttablet restart ends the
// reserved connection: outside a transaction vtgate reserves a new one and the statement runs there
// (the temporary table is gone, 1146); inside one the statement fails with the lost transaction.
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScenario, type Scenario } from '../harness/scenario.js';
import { waitFor } from '../harness/customer-workload.js';

const SCHEMA = 'create table t (id bigint primary key, v varchar(10))';
const VSCHEMA = { sharded: false, tables: { t: {} } };

describe('reserved connections through vtgate', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await startScenario({ seed: 'reserved', keyspaces: { commerce: { shards: { '0': [100] }, schema: SCHEMA, vschema: VSCHEMA } } });
    await s.mysql("insert into t (id, v) values (10, 'base')", 'commerce');
  }, 30_000);
  afterAll(async () => {
    await s?.close();
  });

  async function rows(conn: mysql.Connection, sql: string): Promise<(string | null)[][]> {
    const [r] = await conn.query({ sql, rowsAsArray: true, typeCast: false });
    return (r as unknown as (Buffer | null)[][]).map((row) => row.map((v) => (v === null ? null : v.toString('utf8'))));
  }

  const reserved = (): number => s.tablet(100).statefulConnections().reserved;

  it("keeps a client's temporary table invisible to other clients", async () => {
    const a = await s.connect('commerce');
    const b = await s.connect('commerce');
    await a.query('create temporary table tmp (id int primary key)');
    await a.query('insert into tmp (id) values (1)');
    await expect(b.query('select id from tmp')).rejects.toMatchObject({ errno: 1146 });
    await b.query('create temporary table tmp (id int primary key)');
    await b.query('insert into tmp (id) values (2), (3)');
    expect(await rows(a, 'select id from tmp order by id')).toEqual([['1']]);
    expect(await rows(b, 'select id from tmp order by id')).toEqual([['2'], ['3']]);
    await a.end();
    await b.end();
  });

  it('keeps the temporary table across the owner’s transactions, committed and rolled back', async () => {
    const a = await s.connect('commerce');
    await a.query('create temporary table tx_tmp (id int primary key)');
    await a.query('begin');
    await a.query('insert into tx_tmp (id) values (1)');
    await a.query("insert into t (id, v) values (11, 'tx')");
    await a.query('commit');
    await a.query('begin');
    await a.query('insert into tx_tmp (id) values (2)');
    expect(await rows(a, 'select id from tx_tmp order by id')).toEqual([['1'], ['2']]);
    await a.query('rollback');
    expect(await rows(a, 'select id from tx_tmp order by id')).toEqual([['1']]);
    // The transaction's base-table write was committed on the reserved connection, for everyone.
    expect(await s.mysql('select v from t where id = 11', 'commerce')).toEqual([['tx']]);
    await a.query('set autocommit = 0');
    await a.query('insert into tx_tmp (id) values (3)');
    await a.query('commit');
    await a.query('set autocommit = 1');
    expect(await rows(a, 'select id from tx_tmp order by id')).toEqual([['1'], ['3']]);
    await a.end();
  });

  it('shadows a base table of the same name for its owner only', async () => {
    const a = await s.connect('commerce');
    const b = await s.connect('commerce');
    await a.query('create temporary table t (id bigint primary key, v varchar(10))');
    await a.query("insert into t (id, v) values (1, 'mine')");
    expect(await rows(a, 'select id, v from t order by id')).toEqual([['1', 'mine']]);
    expect(await rows(b, 'select id, v from t where id = 10')).toEqual([['10', 'base']]);
    expect(await rows(b, 'select count(*) from t where id = 1')).toEqual([['0']]);
    await a.query('drop temporary table t');
    expect(await rows(a, 'select id, v from t where id = 10')).toEqual([['10', 'base']]);
    await a.end();
    await b.end();
  });

  it('releases the reserved connection, and its temporary tables, when the client quits or its socket closes', async () => {
    await waitFor(() => reserved() === 0, 'earlier clients to be released');
    const quitting = await s.connect('commerce');
    await quitting.query('create temporary table gone (id int primary key)');
    await quitting.query('insert into gone (id) values (1)');
    const dropped = await s.connect('commerce');
    await dropped.query('create temporary table gone (id int primary key)');
    expect(reserved()).toBe(2);
    await quitting.end();
    await waitFor(() => reserved() === 1, 'COM_QUIT to release the reserved connection');
    dropped.destroy();
    await waitFor(() => reserved() === 0, 'the closed socket to release the reserved connection');
    const next = await s.connect('commerce');
    await next.query('create temporary table gone (id int primary key)');
    expect(await rows(next, 'select id from gone')).toEqual([]);
    await next.end();
  });

  it('reserves nothing for clients that create no temporary table', async () => {
    await waitFor(() => reserved() === 0, 'earlier clients to be released');
    const plain = await s.connect('commerce');
    await plain.query('begin');
    await plain.query('select id from t');
    await plain.query('commit');
    expect(reserved()).toBe(0);
    await plain.end();
  });

  it('reserves for a SET of a variable Vitess cannot pass as a SET_VAR hint (time_zone), and sets up each reserved connection with it', async () => {
    await waitFor(() => reserved() === 0, 'earlier clients to be released');
    const a = await s.connect('commerce');
    await a.query("set time_zone = 'SYSTEM'");
    expect(reserved()).toBe(0);
    await a.query("set time_zone = '+05:00'");
    expect(await rows(a, 'select @@time_zone, count(*) from t where id = 10')).toEqual([['+05:00', '1']]);
    expect(reserved()).toBe(1);
    // Other clients keep the tablets' time zone.
    expect(await s.mysql('select @@time_zone from t where id = 10', 'commerce')).toEqual([['SYSTEM']]);
    await a.query("set time_zone = '-03:00'");
    expect(await rows(a, 'select @@time_zone from t where id = 10')).toEqual([['-03:00']]);
    await a.end();
    await waitFor(() => reserved() === 0, 'the client to be released');
  });

  it('loses the temporary table when the tablet restarts: the next statement gets a new reserved connection, or the lost transaction’s error', async () => {
    const a = await s.connect('commerce');
    const b = await s.connect('commerce');
    const c = await s.connect('commerce');
    await c.query('create temporary table lost_begin (id int primary key)');
    await a.query('create temporary table lost (id int primary key)');
    await a.query('insert into lost (id) values (1)');
    await b.query('create temporary table lost_tx (id int primary key)');
    await b.query('begin');
    await b.query('insert into lost_tx (id) values (1)');

    await s.cluster.removeTablet(100);
    await s.cluster.restartTablet(100);
    await waitFor(async () => (await s.mysql('select count(*) from t', 'commerce').catch(() => null)) !== null, 'vtgate to serve the restarted tablet');

    // Outside a transaction vtgate reserves a new connection (Vitess's checkAndResetShardSession): the table is gone.
    await expect(a.query('select id from lost')).rejects.toMatchObject({ errno: 1146, message: expect.stringContaining("Table 'vt_commerce.lost' doesn't exist") });
    await a.query('create temporary table lost (id int primary key)');
    expect(await rows(a, 'select id from lost')).toEqual([]);
    // A transaction begun on the lost connection begins on a new one instead.
    await c.query('begin');
    expect(await rows(c, 'select v from t where id = 10')).toEqual([['base']]);
    await expect(c.query('select id from lost_begin')).rejects.toMatchObject({ errno: 1146 });
    await c.query('commit');
    // Inside one the transaction is lost with its connection.
    await expect(b.query('insert into lost_tx (id) values (2)')).rejects.toThrow(/transaction \d+: not found/);
    await b.query('rollback');
    await a.end();
    await b.end();
    await c.end();
  }, 30_000);
});

describe('reserved connections across a reparent', () => {
  it('moves a client to a new reserved connection on the new primary, releasing the old one', async () => {
    await using s = await startScenario({ seed: 'reserved-prs', keyspaces: { commerce: { shards: { '0': [100, 101] }, schema: SCHEMA, vschema: VSCHEMA } } });
    const a = await s.connect('commerce');
    await a.query('create temporary table tmp (id int primary key)');
    expect(s.tablet(100).statefulConnections().reserved).toBe(1);
    await s.cluster.vtctld.plannedReparentShard({ keyspace: 'commerce', shard: '0', new_primary: { cell: 'zone1', uid: 101 } });
    await waitFor(async () => (await s.mysql("insert into t (id, v) values (20, 'new')", 'commerce').then(() => true, () => false)), 'vtgate to write to the new primary');
    // The old primary answers the reserved connection's target no more: vtgate reserves on the new primary.
    await expect(a.query('select id from tmp')).rejects.toMatchObject({ errno: 1146 });
    expect(s.tablet(100).statefulConnections().reserved).toBe(0);
    expect(s.tablet(101).statefulConnections().reserved).toBe(1);
    await a.end();
  }, 30_000);
});
