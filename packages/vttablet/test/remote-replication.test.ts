/**
 * Replication between processes: a replica's channel reads a source mysqld served on a gRPC port
 * (vtsimbinlog.BinlogDump), found from the source's tablet record, exactly as it reads an
 * in-process one: the same data and GTIDs, semi-sync acks over the stream, and MySQL's IO-thread
 * errors (2003 while nothing answers, 2013 when the dump breaks, 1236 when the binlog was purged).
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { SeededRandom, type Clock } from '@vtsim/binlog';
import { TabletType, type TabletAlias } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { afterEach, describe, expect, it } from 'vitest';
import { addBinlogDumpService } from '../src/grpc/binlog-dump-server.js';
import { RemoteMysqlNetwork } from '../src/grpc/remote-mysql-network.js';
import { GRPC_MESSAGE_SIZE_OPTIONS, loadTabletProtos } from '../src/grpc/tablet-protos.js';
import { Mysqld } from '../src/mysqld/mysqld.js';
import { Replication, type ReplicationStatus } from '../src/replication.js';
import { expectError, newServer, rowsOf, run, UUID_A, UUID_B } from './mysqld-fixture.js';

const SOURCE: TabletAlias = { cell: 'zone1', uid: 100 };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Serves `mysqld`'s binlog on a free port; returns the port and how to stop serving. */
async function serve(mysqld: Mysqld): Promise<{ port: number; close: () => void }> {
  const shutdown = new AbortController();
  const server = new Server(GRPC_MESSAGE_SIZE_OPTIONS);
  addBinlogDumpService(server, mysqld, shutdown.signal);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  const close = (): void => {
    shutdown.abort();
    server.forceShutdown();
  };
  cleanups.push(close);
  return { port, close };
}

/** A topology whose record of SOURCE advertises `grpcPort` (and the local example's mysql port). */
async function topoWith(grpcPort: number): Promise<TopoServer> {
  const topo = await TopoServer.newMemory('zone1');
  await topo.createTablet({
    alias: SOURCE,
    hostname: '127.0.0.1',
    port_map: { vt: 15100, grpc: grpcPort },
    keyspace: 'commerce',
    shard: '0',
    key_range: null,
    type: TabletType.PRIMARY,
    db_name_override: '',
    mysql_hostname: '127.0.0.1',
    mysql_port: 17100,
    primary_term_start_time: null,
    default_conn_collation: 255,
  });
  cleanups.push(() => topo.close());
  return topo;
}

function replicaServer(clock: Clock): Mysqld {
  const replica = new Mysqld({ serverUuid: UUID_B, clock, random: new SeededRandom(UUID_B) });
  replica.createDatabase('vt_commerce', { logBin: false });
  replica.superReadOnly = true;
  return replica;
}

function channel(topo: TopoServer, replica: Mysqld, clock: Clock): Replication {
  const r = new Replication({ source: SOURCE, sourceHost: '127.0.0.1', sourcePort: 17100, network: new RemoteMysqlNetwork(topo), replica, clock, connectRetryMs: 20 });
  cleanups.push(() => r.stop());
  return r;
}

/** Resolves once `check` holds (polled); fails the test after 10 s with what it last saw. */
async function until<T>(what: string, read: () => T, check: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = read();
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x))}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('replication from a source in another process (vtsimbinlog.BinlogDump)', () => {
  it('replicates DDL and rows to equal data and GTID sets, live, and reports the source', async () => {
    const { mysqld: primary, session, clock } = newServer(UUID_A);
    run(session, 'create table t (id bigint unsigned primary key, v varbinary(10), d decimal(40,5), j json)', "insert into t values (18446744073709551615, x'00ff', 123456789012345678901234567890.12345, '{\"a\": 1}')");
    const { port } = await serve(primary);
    const replica = replicaServer(clock);
    const r = channel(await topoWith(port), replica, clock);
    await until('caught up', () => replica.gtidExecutedText(), (t) => t === primary.gtidExecutedText());
    run(session, "insert into t values (1, null, -0.5, '[]')", 'update t set v = x\'01\' where id = 1', 'delete from t where id = 18446744073709551615');
    await until('live changes', () => replica.gtidExecutedText(), (t) => t === primary.gtidExecutedText());
    const rs = replica.createSession({ database: 'vt_commerce' });
    expect(rowsOf(rs, 'select * from t')).toEqual(rowsOf(session, 'select * from t'));
    expect(r.status()).toMatchObject({ running: true, ioState: 'Running', lastIoErrno: 0, sourceUuid: UUID_A, lagSeconds: 0 });
  });

  it('feeds several replicas, the late one getting the table maps the others had already', async () => {
    const { mysqld: primary, session, clock } = newServer(UUID_A);
    const { port } = await serve(primary);
    const topo = await topoWith(port);
    const early = [replicaServer(clock), replicaServer(clock)];
    for (const r of early) channel(topo, r, clock);
    run(session, 'create table t (id int primary key, v varchar(10))');
    for (let i = 1; i <= 20; i++) run(session, `insert into t values (${i}, 'v${i}')`);
    for (const r of early) await until('early replica caught up', () => r.gtidExecutedText(), (t) => t === primary.gtidExecutedText());
    const late = replicaServer(clock);
    channel(topo, late, clock);
    run(session, "update t set v = 'late' where id <= 10");
    for (const r of [...early, late]) {
      await until('caught up', () => r.gtidExecutedText(), (t) => t === primary.gtidExecutedText());
      expect(rowsOf(r.createSession({ database: 'vt_commerce' }), 'select * from t order by id')).toEqual(rowsOf(session, 'select * from t order by id'));
    }
  });

  it('acknowledges to a semi-sync source over the stream, counted as its client while connected', async () => {
    const { mysqld: primary, session, clock } = newServer(UUID_A);
    primary.semiSync.setEnabled(true);
    const { port } = await serve(primary);
    const replica = replicaServer(clock);
    replica.semiSyncReplicaEnabled = true;
    const r = channel(await topoWith(port), replica, clock);
    await until('semi-sync client', () => primary.semiSync.clients, (n) => n === 1);
    run(session, 'create table t (id int primary key)');
    const binlog = primary.binlog;
    await primary.semiSync.waitForAck(binlog.transactionAt(binlog.length - 1).gtid);
    expect(Object.fromEntries(primary.semiSync.statusVariables())).toMatchObject({ Rpl_semi_sync_source_yes_tx: 1, Rpl_semi_sync_source_wait_sessions: 0 });
    await r.stop();
    await until('client gone', () => primary.semiSync.clients, (n) => n === 0);
  });

  it('reports 2003 while the source cannot be reached, connects once it can, and 2013 when the dump breaks', async () => {
    const { mysqld: primary, session, clock } = newServer(UUID_A);
    const probe = await serve(primary);
    probe.close();
    const topo = await topoWith(probe.port);
    const replica = replicaServer(clock);
    const r = channel(topo, replica, clock);
    const refused = await until('refused', () => r.status(), (s) => s.lastIoErrno === 2003);
    expect(refused).toMatchObject({ ioState: 'Connecting', running: false, lastIoError: expect.stringContaining("Can't connect to MySQL server on '127.0.0.1:17100' (111)") });
    // The source comes up on another port: the record says where, read on the next connect.
    const { port, close } = await serve(primary);
    await topo.updateTabletFields(SOURCE, (t) => void (t.port_map.grpc = port));
    run(session, 'create table t (id int primary key)');
    await until('connected', () => r.status(), (s: ReplicationStatus) => s.ioState === 'Running');
    await until('caught up', () => replica.gtidExecutedText(), (t) => t === primary.gtidExecutedText());
    close();
    const lost = await until('lost', () => r.status(), (s) => s.lastIoErrno !== 0);
    expect([2013, 2003]).toContain(lost.lastIoErrno);
    expect(lost.ioState).toBe('Connecting');
    // Its mysqld stopped behind a live server: unreachable too, then lost once it is up and stops again.
    const again = await serve(primary);
    await topo.updateTabletFields(SOURCE, (t) => void (t.port_map.grpc = again.port));
    await until('reconnected', () => r.status(), (s) => s.ioState === 'Running');
    primary.stop();
    await until('server lost', () => r.status(), (s) => s.lastIoErrno === 2013);
    expect(r.status().lastIoError).toContain('Lost connection to MySQL server during query');
    await until('refused while stopped', () => r.status(), (s) => s.lastIoErrno === 2003);
  });

  it('stops while connecting to a source that does not answer (STOP REPLICA ends the attempt)', async () => {
    const clock = newServer(UUID_A).clock;
    const server = new Server();
    server.addService(loadTabletProtos().BinlogDump.service, { Dump: () => undefined });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    cleanups.push(() => server.forceShutdown());
    const r = channel(await topoWith(port), replicaServer(clock), clock);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(r.status()).toMatchObject({ ioState: 'Connecting', sourceUuid: '' });
    await r.stop();
    expect(r.status()).toMatchObject({ ioState: 'Stopped', running: false });
  });

  it('keeps an idle source by its heartbeats, and loses a silent one after replica_net_timeout (2013), at the dump and at the handshake', async () => {
    const { mysqld: primary, session, clock } = newServer(UUID_A);
    run(session, 'create table t (id int primary key)');
    const { port } = await serve(primary);
    // A source that greets once, then falls silent, as a stopped (SIGSTOP) process does.
    const silent = new Server();
    let calls = 0;
    silent.addService(loadTabletProtos().BinlogDump.service, {
      Dump: (call: { write(m: object): void }) => {
        if (calls++ === 0) call.write({ handshake: { server_uuid: UUID_A, gtid_executed: '' } });
      },
    });
    const silentPort = await new Promise<number>((resolve, reject) => silent.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    cleanups.push(() => silent.forceShutdown());
    const replicas = [replicaServer(clock), replicaServer(clock)];
    for (const r of replicas) run(r.createSession({}), 'set global replica_net_timeout = 1');
    // MySQL's variable: GLOBAL only, slave_net_timeout its old name, clamped to at least 1 s.
    const s = replicas[0]!.createSession({});
    expect(rowsOf(s, 'select @@replica_net_timeout, @@global.slave_net_timeout')).toEqual([['1', '1']]);
    expectError(s, 'set replica_net_timeout = 5', 1229, "Variable 'replica_net_timeout' is a GLOBAL variable and should be set with SET GLOBAL");
    run(s, 'set global slave_net_timeout = 0');
    expect(rowsOf(s, 'select @@replica_net_timeout')).toEqual([['1']]);
    const idle = channel(await topoWith(port), replicas[0]!, clock);
    const stalled = channel(await topoWith(silentPort), replicas[1]!, clock);
    await until('connected', () => [idle.status().ioState, stalled.status().ioState], (s) => s.every((st) => st === 'Running'));
    const idleStates = new Set<string>();
    const sampler = setInterval(() => idleStates.add(idle.status().ioState), 5);
    cleanups.push(() => clearInterval(sampler));
    const lost = await until('silent source lost', () => stalled.status(), (s) => s.lastIoErrno !== 0);
    expect(lost).toMatchObject({ ioState: 'Connecting', lastIoErrno: 2013, lastIoError: expect.stringContaining('message: Lost connection to MySQL server during query') });
    const unanswered = await until('handshake lost', () => stalled.status(), (s) => s.lastIoError.includes('initial'));
    expect(unanswered).toMatchObject({ ioState: 'Connecting', lastIoErrno: 2013 });
    expect(unanswered.lastIoError).toContain("Lost connection to MySQL server at 'reading initial communication packet', system error: 110");
    // Meanwhile (over 2 s, twice the timeout) the idle source's heartbeats kept its replica connected.
    expect(idle.status()).toMatchObject({ ioState: 'Running', lastIoErrno: 0 });
    expect([...idleStates]).toEqual(['Running']);
    run(session, 'insert into t values (1)');
    await until('still replicating', () => replicas[0]!.gtidExecutedText(), (t) => t === primary.gtidExecutedText());
  });

  it('stops for good with 1236 when the source purged what the replica lacks', async () => {
    const { mysqld: primary, session, clock } = newServer(UUID_A);
    run(session, 'create table t (id int primary key)', 'insert into t values (1)', 'insert into t values (2)');
    primary.binlog.purge(1);
    const { port } = await serve(primary);
    const replica = replicaServer(clock);
    const r = channel(await topoWith(port), replica, clock);
    const s = await until('fatal', () => r.status(), (st) => st.ioState === 'Stopped');
    expect(s).toMatchObject({ lastIoErrno: 1236, lastIoError: expect.stringMatching(/^Got fatal error 1236 from source when reading data from binary log: /) });
    expect(s.lastIoError).not.toContain('(errno');
  });
});

