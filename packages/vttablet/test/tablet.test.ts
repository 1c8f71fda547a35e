import { ManualClock, SeededRandom, randomUuid } from '@vtsim/binlog';
import { Code, IncludedFields, TabletType, type Target } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalMysqlNetwork } from '../src/mysql-network.js';
import { Mysqld } from '../src/mysqld/mysqld.js';
import { LocalReplicationSource } from '../src/replication-source.js';
import { Tablet } from '../src/tablet.js';
import { TRANSPORTS, closeFronts, reach } from './tablet-transport.js';

const tablets: Tablet[] = [];
afterEach(async () => {
  await Promise.all(tablets.splice(0).map((t) => t.close()));
});

async function startShard(topo: TopoServer, network: LocalMysqlNetwork, keyspace: string, shard: string, uids: number[]): Promise<Tablet[]> {
  const clock = new ManualClock(1_700_000_000_000);
  const started: Tablet[] = [];
  for (const uid of uids) {
    const t = await Tablet.start({
      alias: { cell: 'zone1', uid },
      keyspace,
      shard,
      type: uid % 10 <= 1 ? TabletType.REPLICA : TabletType.RDONLY,
      topo,
      network,
      clock,
      random: new SeededRandom(`t/${uid}`),
      serverUuid: randomUuid(new SeededRandom(`uuid/${uid}`)),
    });
    tablets.push(t);
    started.push(t);
  }
  return started;
}

const primaryTarget = (keyspace: string, shard: string): Target => ({ keyspace, shard, tablet_type: TabletType.PRIMARY, cell: 'zone1' });

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Tablet', () => {
  it('elects the first replica primary, registers in topo and builds the serving graph', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const [p, r, ro] = await startShard(topo, new LocalMysqlNetwork(), 'commerce', '0', [100, 101, 102]);
    expect([p!.type, r!.type, ro!.type]).toEqual([TabletType.PRIMARY, TabletType.REPLICA, TabletType.RDONLY]);
    const shard = (await topo.getShard('commerce', '0')).shard;
    expect(shard.primary_alias).toEqual({ cell: 'zone1', uid: 100 });
    expect((await topo.getTablet({ cell: 'zone1', uid: 100 })).tablet.type).toBe(TabletType.PRIMARY);
    const srv = await topo.getSrvKeyspace('zone1', 'commerce');
    expect(srv.partitions.map((p) => p.served_type).sort()).toEqual([TabletType.PRIMARY, TabletType.REPLICA, TabletType.RDONLY]);
  });

  it('restarts in front of the same mysqld: a primary stays PRIMARY with its data, a replica resumes from its own position', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const network = new LocalMysqlNetwork();
    const clock = new ManualClock(1_700_000_000_000);
    const mysqlds = new Map([100, 101].map((uid) => [uid, new Mysqld({ serverUuid: randomUuid(new SeededRandom(`uuid/${uid}`)), clock, random: new SeededRandom(`t/${uid}`) })]));
    const start = async (uid: number, type = TabletType.REPLICA): Promise<Tablet> => {
      const t = await Tablet.start({ alias: { cell: 'zone1', uid }, keyspace: 'ks', shard: '0', type, topo, network, clock, mysqld: mysqlds.get(uid)! });
      tablets.push(t);
      return t;
    };
    const target = primaryTarget('ks', '0');
    let p = await start(100);
    let r = await start(101);
    await p.execute(target, 'create table t (id bigint not null primary key)', {}, 0);
    await p.execute(target, 'insert into t values (1), (2)', {}, 0);
    await p.execute(target, "create table seq (id int, next_id bigint, cache bigint, primary key(id)) comment 'vitess_sequence'", {}, 0);
    await p.execute(target, 'insert into seq values (0, 1, 10)', {}, 0);
    expect((await p.execute(target, 'select next 1 values from seq', {}, 0)).rows).toEqual([[1n]]);
    await waitFor(() => r.mysqld.gtidExecuted().equals(p.mysqld.gtidExecuted()));
    const before = p.position();
    const term = (await topo.getTablet(p.alias)).tablet.primary_term_start_time;

    await p.close();
    // The mysqld outlives its vttablet: still reachable on the network with its GTID state.
    expect(network.resolve(p.alias)).toEqual(new LocalReplicationSource(mysqlds.get(100)!));
    p = await start(100);
    expect(p.type).toBe(TabletType.PRIMARY);
    expect(p.position()).toBe(before);
    expect((await topo.getTablet(p.alias)).tablet).toMatchObject({ type: TabletType.PRIMARY, primary_term_start_time: term });
    expect((await p.execute(target, 'select count(*) from t', {}, 0)).rows).toEqual([[2n]]);
    // The old vttablet's cached block (2..10) went with it, as in Vitess: the next id is the table's next_id.
    expect((await p.execute(target, 'select next 1 values from seq', {}, 0)).rows).toEqual([[11n]]);

    await r.close();
    await p.execute(target, 'insert into t values (3)', {}, 0);
    r = await start(101);
    expect(r.type).toBe(TabletType.REPLICA);
    await waitFor(() => r.mysqld.gtidExecuted().equals(p.mysqld.gtidExecuted()));
    expect(r.position()).toBe(`MySQL56/${p.mysqld.serverUuid}:1-7`);
    expect((await r.execute({ ...target, tablet_type: TabletType.REPLICA }, 'select id from t order by id', {}, 0)).rows).toEqual([[1n], [2n], [3n]]);
    expect(r.replicationStatus()).toMatchObject({ running: true, lastError: '' });
  });

  it('refuses to start when the existing tablet record names another keyspace or shard, as vttablet does', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const network = new LocalMysqlNetwork();
    const [p] = await startShard(topo, network, 'ks', '0', [500]);
    await p!.close();
    await expect(startShard(topo, network, 'ks', '-80', [500])).rejects.toThrow(
      'initTablet failed because existing tablet keyspace and shard ks/0 differ from the provided ones ks/-80',
    );
  });
});

describe.each(TRANSPORTS)('Tablet reached %s', (transport) => {
  afterEach(closeFronts);

  it("fills in a result's fields as options.included_fields asks, naming the database by the keyspace with ALL", async () => {
    const topo = await TopoServer.newMemory('zone1');
    const [tablet] = await startShard(topo, new LocalMysqlNetwork(), 'commerce', '0', [100]);
    const p = await reach(tablet!, transport, topo);
    const target = primaryTarget('commerce', '0');
    await p.execute(target, 'create table t (id bigint not null primary key)', {}, 0);
    const sql = 'select id from t';
    const whole = (await p.execute(target, sql, {}, 0)).fields[0]!;
    expect(whole).toMatchObject({ name: 'id', database: 'vt_commerce', table: 't', column_length: 20, charset: 63 });
    expect((await p.execute(target, sql, {}, 0, { includedFields: IncludedFields.ALL })).fields[0]).toEqual({ ...whole, database: 'commerce' });
    const bare = { ...whole, table: '', org_table: '', database: '', org_name: '', column_length: 0, charset: 0, decimals: 0, flags: 0, column_type: '' };
    expect((await p.execute(target, sql, {}, 0, { includedFields: IncludedFields.TYPE_AND_NAME })).fields[0]).toEqual(bare);
    expect((await p.execute(target, sql, {}, 0, { includedFields: IncludedFields.TYPE_ONLY })).fields[0]).toEqual({ ...bare, name: '' });
  });

  it('replicates every write: after a burst, each replica has the primary\'s GTID set and rows', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const [p, r, ro] = await startShard(topo, new LocalMysqlNetwork(), 'customer', '0', [200, 201, 202]);
    const [qp, qr, qro] = await Promise.all([p!, r!, ro!].map((t) => reach(t, transport, topo)));
    const target = primaryTarget('customer', '0');
    await qp.execute(target, 'create table t (id bigint not null auto_increment, v varchar(20), primary key (id))', {}, 0);
    for (let i = 0; i < 200; i++) await qp.execute(target, 'insert into t (v) values (:v)', { v: `row${i}` }, 0);
    const tx = await qp!.begin(target);
    await qp.execute(target, "update t set v = 'changed' where id <= 10", {}, tx);
    await qp.execute(target, 'delete from t where id > 190', {}, tx);
    await qp!.commit(target, tx);

    const primarySet = p!.mysqld.gtidExecuted();
    await waitFor(() => r!.mysqld.gtidExecuted().equals(primarySet) && ro!.mysqld.gtidExecuted().equals(primarySet));
    // One server UUID, one contiguous interval: 1 DDL + 200 inserts + 1 transaction.
    expect(primarySet.toString()).toBe(`${p!.mysqld.serverUuid}:1-202`);
    for (const [replica, q] of [[r!, qr!], [ro!, qro!]] as const) {
      const rows = await q.execute({ ...target, tablet_type: replica.type }, 'select count(*), sum(v = \'changed\') from t', {}, 0);
      expect(rows.rows).toEqual([[190n, '10']]);
    }
  });

  it('rejects writes on replicas, wrong targets, and unknown transactions; keeps serving', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const [p, r] = await startShard(topo, new LocalMysqlNetwork(), 'ks', '0', [300, 301]);
    const [qp, qr] = await Promise.all([reach(p!, transport, topo), reach(r!, transport, topo)]);
    await qp.execute(primaryTarget('ks', '0'), 'create table a (id int primary key)', {}, 0);
    await waitFor(() => r!.mysqld.gtidExecuted().equals(p!.mysqld.gtidExecuted()));
    const replicaTarget = { ...primaryTarget('ks', '0'), tablet_type: TabletType.REPLICA };
    await expect(qr!.execute(replicaTarget, 'insert into a values (1)', {}, 0)).rejects.toMatchObject({ errno: 1290 });
    await expect(qr!.execute(primaryTarget('ks', '0'), 'select 1', {}, 0)).rejects.toThrow(/wrong tablet type: PRIMARY, want: REPLICA/);
    await expect(qp.execute({ ...primaryTarget('other', '0') }, 'select 1', {}, 0)).rejects.toThrow(/invalid keyspace other/);
    await expect(qp!.commit(primaryTarget('ks', '0'), 42)).rejects.toThrow(/transaction 42: not found/);
    await expect(qp.execute(primaryTarget('ks', '0'), 'begin', {}, 0)).rejects.toThrow(/begin\/commit\/rollback/);
    const res = await qp.execute(primaryTarget('ks', '0'), 'select count(*) from a', {}, 0);
    expect(res.rows).toEqual([[0n]]);
  });

  it('keeps a reserved connection of its own across a transaction until it is released', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const [tablet] = await startShard(topo, new LocalMysqlNetwork(), 'commerce', '0', [110]);
    const q = await reach(tablet!, transport, topo);
    const target = primaryTarget('commerce', '0');
    const reserved = await q.reserveExecute(target, ['set @who = 7'], 'create temporary table tmp (id int primary key)', {}, 0);
    expect(reserved.error).toBeUndefined();
    expect(reserved.transactionId).toBe(0);
    const { reservedId } = reserved;
    expect(reservedId).toBeGreaterThan(0);
    // The temporary table and the pre-query's variable live on the reserved connection only.
    await q.execute(target, 'insert into tmp (id) values (1)', {}, 0, undefined, reservedId);
    expect((await q.execute(target, 'select @who', {}, 0, undefined, reservedId)).rows).toEqual([[7n]]);
    await expect(q.execute(target, 'select id from tmp', {}, 0)).rejects.toMatchObject({ errno: 1146, sqlState: '42S02' });
    // A transaction on it: commit ends the transaction and keeps the reservation (and its table).
    expect(await q.begin(target, { reservedId })).toBe(reservedId);
    await q.execute(target, 'insert into tmp (id) values (2)', {}, reservedId, undefined, reservedId);
    expect(await q.commit(target, reservedId)).toBe(reservedId);
    expect((await q.execute(target, 'select id from tmp order by id', {}, 0, undefined, reservedId)).rows).toEqual([[1n], [2n]]);
    expect(await q.commit(target, await q.begin(target))).toBe(0);
    // A failure after reserving comes back in the state; the connection stays reserved.
    const failed = await q.reserveBeginExecute(target, [], ['savepoint s1'], 'insert into nosuch values (1)', {});
    expect(failed.reservedId).toBe(failed.transactionId);
    expect(failed.error).toMatchObject({ errno: 1146, sqlState: '42S02', message: "Table 'vt_commerce.nosuch' doesn't exist" });
    expect(await q.rollback(target, failed.transactionId)).toBe(failed.reservedId);
    // A failing pre-query reserves nothing and fails the call itself.
    await expect(q.reserveExecute(target, ['set @@nosuch_variable = 1'], 'select 1', {}, 0)).rejects.toMatchObject({ errno: 1193 });
    expect(tablet!.statefulConnections()).toEqual({ transactions: 0, reserved: 2 });
    // Release drops the connection: its id is unknown afterwards, and with it the temporary table.
    await q.release(target, 0, reservedId);
    await q.release(target, 0, failed.reservedId);
    await expect(q.execute(target, 'select id from tmp', {}, 0, undefined, reservedId)).rejects.toMatchObject({ message: `transaction ${reservedId}: not found`, code: Code.ABORTED });
    expect(tablet!.statefulConnections()).toEqual({ transactions: 0, reserved: 0 });
  });

  it('streams health: the current state first, then NOT_SERVING on close', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const [p] = await startShard(topo, new LocalMysqlNetwork(), 'ks', '0', [400]);
    const q = await reach(p!, transport, topo);
    const ac = new AbortController();
    const seen: boolean[] = [];
    const done = (async () => {
      for await (const h of q.streamHealth(ac.signal)) {
        seen.push(h.serving);
        expect(h.target).toMatchObject({ keyspace: 'ks', shard: '0', tablet_type: TabletType.PRIMARY });
        if (!h.serving) break;
      }
    })();
    await waitFor(() => seen.length === 1);
    await p!.close();
    await done;
    expect(seen).toEqual([true, false]);
  });
});
