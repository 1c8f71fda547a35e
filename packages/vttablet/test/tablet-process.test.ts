/**
 * A tablet's mysqld as a process: stopped and started on its data, replicas reconnecting to a
 * source that went away (MySQL's IO errors, --replication_connect_retry), SOURCE_DELAY, and the
 * keyspace's durability policy enforced as semi-sync on commits.
 */
import { SeededRandom, randomUuid, systemClock, type Clock } from '@vtsim/binlog';
import { Code, SqlError, TabletType, VtError, type Target } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalMysqlNetwork } from '../src/mysql-network.js';
import { Tablet } from '../src/tablet.js';

const RETRY_MS = 50;
const tablets: Tablet[] = [];
afterEach(async () => {
  await Promise.all(tablets.splice(0).map((t) => t.close()));
});

async function startShard(topo: TopoServer, uids: number[], clock: Clock = systemClock): Promise<Tablet[]> {
  const network = new LocalMysqlNetwork();
  const started: Tablet[] = [];
  for (const uid of uids) {
    const t = await Tablet.start({
      alias: { cell: 'zone1', uid },
      keyspace: 'commerce',
      shard: '0',
      type: uid % 10 <= 1 ? TabletType.REPLICA : TabletType.RDONLY,
      topo,
      network,
      clock,
      replicationConnectRetryMs: RETRY_MS,
      random: new SeededRandom(`t/${uid}`),
      serverUuid: randomUuid(new SeededRandom(`uuid/${uid}`)),
    });
    tablets.push(t);
    started.push(t);
  }
  return started;
}

const target = (type: TabletType): Target => ({ keyspace: 'commerce', shard: '0', tablet_type: type, cell: 'zone1' });
const PRIMARY = target(TabletType.PRIMARY);

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Rows in table t of a tablet; -1 while the table has not reached it. */
async function count(t: Tablet): Promise<bigint> {
  if (!t.mysqld.tableNames('vt_commerce').includes('t')) return -1n;
  return (await t.executeFetchAsDba('select count(*) from t')).rows[0]![0] as bigint;
}

async function rejection(p: Promise<unknown>): Promise<VtError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(VtError);
    return err as VtError;
  }
  throw new Error('expected a rejection');
}

/** Resolves to 'pending' if `p` has not settled within `ms`. */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  return Promise.race([p.then(() => 'settled' as const), new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);
}

async function createTable(p: Tablet): Promise<void> {
  await p.execute(PRIMARY, 'create table t (id bigint not null auto_increment, v varchar(20), primary key (id))', {}, 0);
}

describe('mysqld stop and start', () => {
  it('keeps data, GTID state and server_uuid; the tablet stops serving, loses open transactions, and serves again', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const [p, r] = await startShard(topo, [100, 101]);
    await createTable(p!);
    await p!.execute(PRIMARY, "insert into t (v) values ('a'), ('b')", {}, 0);
    const open = await p!.begin(PRIMARY);
    await p!.execute(PRIMARY, "insert into t (v) values ('open')", {}, open);
    const position = p!.position();
    const uuid = p!.mysqld.serverUuid;
    await waitFor(async () => (await count(r!)) === 2n);

    p!.mysqld.stop();
    expect(p!.isServing).toBe(false);
    expect((await rejection(p!.execute(PRIMARY, 'select 1', {}, 0))).code).toBe(Code.UNAVAILABLE);
    const dba = await rejection(p!.fullStatus());
    expect((dba as SqlError).errno).toBe(2002);
    // The replica's IO thread lost its source (2013), then cannot connect (2003) and keeps retrying.
    await waitFor(async () => (await r!.getReplicationStatus())?.last_io_errno === 2003);
    const status = (await r!.getReplicationStatus())!;
    expect(status).toMatchObject({ io_running: false, io_state: 'Connecting', sql_running: true });
    expect(status.last_io_error).toMatch(/^error reconnecting to source 'vt_repl@localhost:17100' - retry-time: 0 retries: \d+ message: Can't connect to MySQL server on 'localhost:17100' \(111\)$/);

    p!.mysqld.start();
    await waitFor(() => p!.isServing);
    expect(p!.type).toBe(TabletType.PRIMARY);
    expect(p!.mysqld.serverUuid).toBe(uuid);
    expect(p!.position()).toBe(position);
    expect(await count(p!)).toBe(2n);
    expect((await rejection(p!.commit(PRIMARY, open))).code).toBe(Code.ABORTED);
    await p!.execute(PRIMARY, "insert into t (v) values ('c')", {}, 0);
    // The replica reconnects on its next retry and catches up.
    await waitFor(async () => (await count(r!)) === 3n);
    expect(await r!.getReplicationStatus()).toMatchObject({ io_running: true, io_state: 'Running', last_io_errno: 0, last_io_error: '' });
  });

  it('a vttablet started on a stopped mysqld waits for it (not serving), then serves on its data', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const [p] = await startShard(topo, [100]);
    await createTable(p!);
    await p!.execute(PRIMARY, "insert into t (v) values ('kept')", {}, 0);
    const mysqld = p!.mysqld;
    mysqld.stop();
    await p!.close();
    tablets.splice(tablets.indexOf(p!), 1);
    const network = new LocalMysqlNetwork();
    network.register({ cell: 'zone1', uid: 100 }, mysqld);
    const again = await Tablet.start({ alias: { cell: 'zone1', uid: 100 }, keyspace: 'commerce', shard: '0', type: TabletType.REPLICA, topo, network, clock: systemClock, mysqld });
    tablets.push(again);
    expect(again.type).toBe(TabletType.PRIMARY);
    expect(again.isServing).toBe(false);
    expect((await rejection(again.execute(PRIMARY, 'select 1', {}, 0))).message).toContain('NOT_SERVING');
    mysqld.start();
    await waitFor(() => again.isServing);
    expect(mysqld.superReadOnly).toBe(false);
    expect(await count(again)).toBe(1n);
  });

  it('stops a replica with its mysqld; started again, its vttablet resumes replication from its own position', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const [p, r] = await startShard(topo, [100, 101]);
    await createTable(p!);
    await waitFor(async () => r!.position() === p!.position());
    r!.mysqld.stop();
    await p!.execute(PRIMARY, "insert into t (v) values ('while down')", {}, 0);
    expect(r!.isServing).toBe(false);
    r!.mysqld.start();
    await waitFor(() => r!.isServing);
    await waitFor(async () => (await count(r!)) === 1n);
    expect(r!.mysqld.superReadOnly).toBe(true);
  });
});

describe('replication delay (SOURCE_DELAY)', () => {
  it('applies a transaction only once its commit time plus the delay has passed, and reports the lag', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const [p, r] = await startShard(topo, [100, 101]);
    await createTable(p!);
    await p!.execute(PRIMARY, "insert into t (v) values ('first')", {}, 0);
    await waitFor(async () => (await count(r!)) === 1n);

    r!.setReplicationDelay(1500);
    const committed = Date.now();
    await p!.execute(PRIMARY, "insert into t (v) values ('delayed')", {}, 0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await count(r!)).toBe(1n);
    const status = (await r!.getReplicationStatus())!;
    expect(status.sql_delay_seconds).toBe(1);
    expect(status.replication_lag_seconds).toBeGreaterThanOrEqual(1);
    expect(status.io_running).toBe(true);
    await waitFor(async () => (await count(r!)) === 2n);
    expect(Date.now() - committed).toBeGreaterThanOrEqual(1400);

    await p!.execute(PRIMARY, "insert into t (v) values ('held')", {}, 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await count(r!)).toBe(2n);
    r!.setReplicationDelay(0);
    await waitFor(async () => (await count(r!)) === 3n, 500);
    expect(() => r!.setReplicationDelay(-1)).toThrow(/invalid replication delay/);
  });
});

describe('relay log', () => {
  it('STOP REPLICA keeps received, not yet applied transactions; START REPLICA applies them even with the source gone', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const [p, r] = await startShard(topo, [100, 101]);
    await createTable(p!);
    await waitFor(async () => (await count(r!)) === 0n);
    r!.setReplicationDelay(300);
    await p!.execute(PRIMARY, "insert into t (v) values ('relayed')", {}, 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await r!.stopReplication();
    p!.mysqld.stop();
    expect(await count(r!)).toBe(0n);
    await r!.startReplication();
    await waitFor(async () => (await count(r!)) === 1n);
    expect((await r!.getReplicationStatus())!.io_state).toBe('Connecting');
  });
});

describe('durability policy', () => {
  it('semi_sync: a commit returns only once a REPLICA has received it; an RDONLY does not acknowledge', async () => {
    const topo = await TopoServer.newMemory('zone1');
    await topo.createKeyspace('commerce', { durability_policy: 'semi_sync' });
    const [p, r, ro] = await startShard(topo, [100, 101, 102]);
    await createTable(p!);
    expect(await p!.fullStatus()).toMatchObject({ semi_sync_primary_enabled: true, semi_sync_replica_enabled: true, semi_sync_primary_clients: 1 });
    expect(await r!.fullStatus()).toMatchObject({ semi_sync_primary_enabled: false, semi_sync_replica_enabled: true });
    expect(await ro!.fullStatus()).toMatchObject({ semi_sync_primary_enabled: false, semi_sync_replica_enabled: false });
    await p!.execute(PRIMARY, "insert into t (v) values ('acked')", {}, 0);
    // What a user would look at on the primary and the replica.
    const text = (rows: unknown[][]) => rows.map((row) => row.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v))));
    expect(text((await p!.executeFetchAsDba('select @@rpl_semi_sync_source_enabled, @@rpl_semi_sync_replica_enabled, @@rpl_semi_sync_source_timeout')).rows)).toEqual([['1', '1', '1000000000000000000']]);
    expect(text((await r!.executeFetchAsDba('select @@global.rpl_semi_sync_source_enabled, @@global.rpl_semi_sync_replica_enabled')).rows)).toEqual([['0', '1']]);
    const status = new Map(text((await p!.executeFetchAsDba("show global status like 'rpl_semi_sync%'")).rows).map(([n, v]) => [n, v]));
    expect(status.get('Rpl_semi_sync_source_status')).toBe('ON');
    expect(status.get('Rpl_semi_sync_source_clients')).toBe('1');
    expect(Number(status.get('Rpl_semi_sync_source_yes_tx'))).toBeGreaterThanOrEqual(2);

    await r!.stopReplication();
    const autocommit = p!.execute(PRIMARY, "insert into t (v) values ('waits')", {}, 0);
    const tx = await p!.begin(PRIMARY);
    await p!.execute(PRIMARY, "insert into t (v) values ('waits too')", {}, tx);
    const commit = p!.commit(PRIMARY, tx);
    expect(await settledWithin(Promise.all([autocommit, commit]), 300)).toBe('pending');
    // Committed on the primary and received by the rdonly, which sends no acks.
    expect(await count(p!)).toBe(3n);
    await waitFor(async () => (await count(ro!)) === 3n);
    expect(await settledWithin(Promise.all([autocommit, commit]), 50)).toBe('pending');

    await r!.startReplication();
    await Promise.all([autocommit, commit]);
    expect(await count(r!)).toBeGreaterThanOrEqual(2n);
  });

  it('follows a policy change within a second (as VTOrc fixes semi-sync): semi_sync blocks a primary with no acking replica, none releases it', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const [p] = await startShard(topo, [100, 102]);
    await createTable(p!);
    const setPolicy = async (policy: string) => {
      const ks = await topo.getKeyspace('commerce');
      ks.keyspace.durability_policy = policy;
      await topo.updateKeyspace(ks);
    };
    await setPolicy('semi_sync');
    await waitFor(async () => (await p!.fullStatus()).semi_sync_primary_enabled === true, 2000);
    const write = p!.execute(PRIMARY, "insert into t (v) values ('x')", {}, 0);
    expect(await settledWithin(write, 300)).toBe('pending');
    await setPolicy('none');
    await write;
    expect((await p!.fullStatus()).semi_sync_primary_enabled).toBe(false);
  });

  it('none: commits never wait, even with every replica stopped', async () => {
    const topo = await TopoServer.newMemory('zone1');
    const [p, r] = await startShard(topo, [100, 101]);
    await createTable(p!);
    await waitFor(async () => r!.position() === p!.position());
    await r!.stopReplication();
    await p!.execute(PRIMARY, "insert into t (v) values ('alone')", {}, 0);
    expect((await p!.fullStatus()).semi_sync_primary_enabled).toBe(false);
    expect(await count(r!)).toBe(0n);
  });

  it('a commit waiting for an ack fails with 2013 when the mysqld stops; the transaction stays committed in its data', async () => {
    const topo = await TopoServer.newMemory('zone1');
    await topo.createKeyspace('commerce', { durability_policy: 'semi_sync' });
    const [p, r] = await startShard(topo, [100, 101]);
    await createTable(p!);
    await r!.stopReplication();
    const write = p!.execute(PRIMARY, "insert into t (v) values ('unacked')", {}, 0);
    expect(await settledWithin(write, 100)).toBe('pending');
    p!.mysqld.stop();
    const err = await rejection(write);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).errno).toBe(2013);
    p!.mysqld.start();
    await waitFor(() => p!.isServing);
    expect(await count(p!)).toBe(1n);
  });
});
