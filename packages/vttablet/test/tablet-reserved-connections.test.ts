// The tablet's reserved connections (Vitess's QueryService ReserveExecute, ReserveBeginExecute,
// Release, and reserved_id on Execute / Begin): each is a MySQL session of its own, with its own
// temporary tables and variables, kept across its transactions until released or the tablet closes.
import { ManualClock, SeededRandom, randomUuid } from '@vtsim/binlog';
import { Code, TabletType, type Target } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalMysqlNetwork } from '../src/mysql-network.js';
import { Tablet } from '../src/tablet.js';

const target: Target = { keyspace: 'commerce', shard: '0', tablet_type: TabletType.PRIMARY, cell: 'zone1' };
let tablet: Tablet | undefined;
afterEach(async () => {
  await tablet?.close();
  tablet = undefined;
});

async function start(): Promise<Tablet> {
  tablet = await Tablet.start({
    alias: { cell: 'zone1', uid: 100 },
    keyspace: 'commerce',
    shard: '0',
    type: TabletType.REPLICA,
    topo: await TopoServer.newMemory('zone1'),
    network: new LocalMysqlNetwork(),
    clock: new ManualClock(1_700_000_000_000),
    random: new SeededRandom('t/100'),
    serverUuid: randomUuid(new SeededRandom('uuid/100')),
  });
  return tablet;
}

const ids = (r: { rows: unknown[][] }): string[] => r.rows.map((row) => String(row[0]));

describe('Tablet reserved connections', () => {
  it('gives each reservation its own session: temporary tables and variables stay on it, and are gone once released', async () => {
    const t = await start();
    const a = await t.reserveExecute(target, ['set @who = 1'], 'create temporary table tmp (id int primary key)', {}, 0);
    expect(a.error).toBeUndefined();
    expect(a.transactionId).toBe(0);
    expect(a.reservedId).toBeGreaterThan(0);
    await t.execute(target, 'insert into tmp (id) values (1)', {}, 0, undefined, a.reservedId);
    expect(ids(await t.execute(target, 'select @who', {}, 0, undefined, a.reservedId))).toEqual(['1']);
    await expect(t.execute(target, 'select * from tmp', {}, 0)).rejects.toMatchObject({ errno: 1146 });
    const b = await t.reserveExecute(target, [], 'select 1', {}, 0);
    await expect(t.execute(target, 'select * from tmp', {}, 0, undefined, b.reservedId)).rejects.toMatchObject({ errno: 1146 });
    expect(t.statefulConnections()).toEqual({ transactions: 0, reserved: 2 });

    await t.release(target, 0, a.reservedId);
    await expect(t.execute(target, 'select * from tmp', {}, 0, undefined, a.reservedId)).rejects.toMatchObject({ message: `transaction ${a.reservedId}: not found`, code: Code.ABORTED });
    expect(t.statefulConnections()).toEqual({ transactions: 0, reserved: 1 });
  });

  it('runs transactions on a reserved connection and keeps the reservation after commit and rollback', async () => {
    const t = await start();
    const { reservedId } = await t.reserveExecute(target, [], 'create temporary table tmp (id int primary key)', {}, 0);
    expect(await t.begin(target, { reservedId })).toBe(reservedId);
    await t.execute(target, 'insert into tmp (id) values (1)', {}, reservedId, undefined, reservedId);
    expect(await t.commit(target, reservedId)).toBe(reservedId);
    expect(await t.begin(target, { reservedId })).toBe(reservedId);
    await t.execute(target, 'insert into tmp (id) values (2)', {}, reservedId, undefined, reservedId);
    expect(await t.rollback(target, reservedId)).toBe(reservedId);
    expect(ids(await t.execute(target, 'select id from tmp', {}, 0, undefined, reservedId))).toEqual(['1']);
    // A transaction without reservation ends with its commit.
    const plain = await t.begin(target);
    expect(await t.commit(target, plain)).toBe(0);
    await expect(t.execute(target, 'select 1', {}, plain)).rejects.toMatchObject({ code: Code.ABORTED });
  });

  it('reserves an open transaction’s connection, and begins one on a new reservation with its savepoints', async () => {
    const t = await start();
    const tx = await t.begin(target);
    const onTx = await t.reserveExecute(target, [], 'create temporary table tmp (id int primary key)', {}, tx);
    expect(onTx).toMatchObject({ reservedId: tx, transactionId: tx });
    expect(await t.commit(target, tx)).toBe(tx);
    await t.execute(target, 'insert into tmp (id) values (1)', {}, 0, undefined, tx);

    const rb = await t.reserveBeginExecute(target, [], ['savepoint s1'], 'insert into t_missing values (1)', {});
    expect(rb.reservedId).toBe(rb.transactionId);
    // The statement failed; the reservation and its transaction stay until released.
    expect(rb.error).toMatchObject({ errno: 1146 });
    expect(t.statefulConnections()).toEqual({ transactions: 1, reserved: 2 });
    await t.execute(target, 'rollback to savepoint s1', {}, rb.transactionId, undefined, rb.reservedId);
    await t.release(target, rb.transactionId, rb.reservedId);
    expect(t.statefulConnections()).toEqual({ transactions: 0, reserved: 1 });
  });

  it('ends every reserved connection when the tablet closes', async () => {
    const t = await start();
    const { reservedId } = await t.reserveExecute(target, [], 'create temporary table tmp (id int primary key)', {}, 0);
    await t.close();
    expect(t.statefulConnections()).toEqual({ transactions: 0, reserved: 0 });
    await expect(t.execute(target, 'select 1', {}, 0, undefined, reservedId)).rejects.toMatchObject({ code: Code.UNAVAILABLE });
  });
});
