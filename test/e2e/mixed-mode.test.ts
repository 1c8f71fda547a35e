// Issue 14's mixed mode: a tablet inside the `vtsim up --topo-implementation etcd2` cluster process
// (`vtsim tablet up`) and a `vtsim vttablet` process, one shard, working together as Vitess's
// tablets do. The cluster's tablet serves gRPC on a port of its own, in its record: the process
// replica replicates from it, a client in another process (this test) VStreams from it. After
// PlannedReparentShard moves the primary into the process, the cluster's tablet replicates from
// it; SIGSTOP of that process (a silent primary) makes the cluster's replica notice through the
// source heartbeat: after its replica_net_timeout (2 s here) the IO thread is Connecting with
// MySQL's 2013, and it replicates again once the process runs and replication restarts. Last, a
// `vtsim vtgate` process (a third one) opens its MySQL port only once its initial WaitForTablets
// is over (a keyspace's primary starting in the cluster ends it), then reads both tablets; one
// started while the primary is stopped serves anyway after its --gateway_initial_tablet_timeout.
import mysql from 'mysql2/promise';
import { TabletType, VEventType, decodeRowBytes } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { TabletGrpcClient } from '@vtsim/vttablet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../harness/customer-workload.js';
import { describeEtcd, startEtcd, type EtcdServer } from '../harness/etcd-server.js';
import { clusterPlace, ensureCliBuilt, freePort, listening, runVtsim, startVtsim, type ClusterPlace, type VtsimProcess } from '../harness/vtsim-cli.js';

beforeAll(ensureCliBuilt, 180_000);

/** replicationdata.ReplicationState: Connecting and Running. */
const CONNECTING = 2;
const RUNNING = 3;

/** What the test reads of `vtctldclient GetFullStatus`. */
interface FullStatus {
  server_uuid: string;
  primary_status: { position: string } | null;
  replication_status: { io_state: number; source_uuid: string; last_io_error: string } | null;
}



describeEtcd('mixed mode: a tablet in the cluster process and one in a vtsim vttablet process', () => {
  let etcd: EtcdServer;
  let place: ClusterPlace;
  let process101: VtsimProcess | undefined;
  const vtgateProcesses: VtsimProcess[] = [];
  const topoFlags = () => ['--topo-implementation', 'etcd2', '--topo-global-server-address', etcd.address, '--topo-global-root', '/vitess/global'];
  const vtctldclient = (...args: string[]) => runVtsim(['vtctldclient', '--server', `127.0.0.1:${place.vtctldPort}`, ...args], { env: place.env });
  const ok = async (...args: string[]): Promise<string> => {
    const r = await vtctldclient(...args);
    expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const fullStatus = async (uid: number): Promise<FullStatus> => JSON.parse(await ok('GetFullStatus', `zone1-0000000${uid}`)) as FullStatus;

  beforeAll(async () => {
    etcd = await startEtcd();
    place = await clusterPlace();
    const up = await place.vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort), ...topoFlags());
    expect(up.code, up.stderr).toBe(0);
    // other/0 stays without a tablet until the vtgate process below waits for its primary.
    await Promise.all([ok('CreateKeyspace', 'commerce'), ok('CreateKeyspace', 'other').then(() => ok('CreateShard', 'other/0')).then(() => ok('RebuildKeyspaceGraph', 'other'))]);
  }, 60_000);

  afterAll(async () => {
    for (const p of vtgateProcesses) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all(vtgateProcesses.map((p) => p.exited));
    if (process101 && process101.child.exitCode === null) {
      process101.child.kill('SIGCONT');
      process101.child.kill('SIGKILL');
      await process101.exited;
    }
    if (place) await place.vtsim('down');
    place?.stop();
    await etcd?.destroy();
  }, 60_000);

  it('replicates both ways across processes (also after PRS), VStreams from the cluster tablet, and notices a SIGSTOPped primary', async () => {
    const tabletUp = await place.vtsim('tablet', 'up', '--keyspace', 'commerce', '--shard', '0', '--uid', '100');
    expect(tabletUp.code, tabletUp.stderr).toBe(0);
    // The cluster's tablet advertises its own gRPC port (not the local example's 16100, where nothing listens).
    const record = JSON.parse(await ok('GetTablet', 'zone1-0000000100')) as { hostname: string; port_map: { grpc: number }; type: string };
    expect(record.type).toBe('PRIMARY');
    expect(record.port_map.grpc).toBeGreaterThan(0);
    // The cluster's tablet will replicate from the process after the PRS: a short replica_net_timeout
    // (read when its IO thread connects) makes it notice a silent source quickly.
    await ok('ExecuteFetchAsDBA', 'zone1-0000000100', 'set global replica_net_timeout = 2');

    process101 = startVtsim(['vttablet', '--tablet-path', 'zone1-0000000101', '--keyspace', 'commerce', '--shard', '0',
      '--port', String(await freePort()), '--grpc-port', String(await freePort()), ...topoFlags()], place.env);
    const p101 = process101;
    await waitFor(() => / serving commerce\/0 as /.test(p101.output()) || p101.child.exitCode !== null, 'tablet 101 to serve');
    expect(p101.output()).toContain('serving commerce/0 as REPLICA');

    await ok('ApplySchema', '--sql', 'create table product(sku varbinary(128), price bigint, primary key(sku))', 'commerce');
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root', database: 'commerce' });
    const replicaReader = await mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root', database: 'commerce@replica' });
    const replicaRows = async (): Promise<string> => {
      const [rows] = await replicaReader.query('select sku, price from product order by sku');
      return (rows as { sku: Buffer; price: number }[]).map((r) => `${r.sku.toString()}=${r.price}`).join(',');
    };
    const topo = await TopoServer.newMemory('zone1');
    const client = new TabletGrpcClient({ alias: { cell: 'zone1', uid: 100 }, topo, address: `${record.hostname}:${record.port_map.grpc}` });
    const streaming = new AbortController();
    try {
      await conn.query("insert into product values ('a', 1), ('b', 2)");
      // The process replica reads the cluster primary's binlog; vtgate reaches it over gRPC.
      await waitFor(async () => (await replicaRows().catch(() => '')) === 'a=1,b=2', 'the process replica to have a, b');

      // A client in another process VStreams from the cluster's tablet at its record's gRPC port,
      // from the position before c.
      const before = (await fullStatus(100)).primary_status!.position;
      await conn.query("insert into product values ('c', 3)");
      const streamed: string[] = [];
      const filter = { rules: [{ match: 'product', filter: 'select * from product' }] };
      const stream = (async () => {
        for await (const events of client.vstream({ target: { keyspace: 'commerce', shard: '0', tablet_type: TabletType.PRIMARY, cell: 'zone1' }, position: before, filter, table_last_p_ks: [] }, streaming.signal)) {
          for (const e of events) {
            if (e.type === VEventType.ROW) for (const c of e.row_event!.row_changes) streamed.push(decodeRowBytes(c.after!).map((v) => v!.toString()).join('='));
          }
        }
      })().catch((err: unknown) => (streaming.signal.aborted ? undefined : Promise.reject(err)));
      await waitFor(() => streamed.includes('c=3'), 'the VStream to carry c');
      streaming.abort();
      await stream;

      // The primary moves into the process: the cluster's tablet replicates from it.
      await ok('PlannedReparentShard', '--new-primary', 'zone1-0000000101', 'commerce/0');
      await conn.query("insert into product values ('d', 4)");
      await waitFor(async () => (await replicaRows().catch(() => '')) === 'a=1,b=2,c=3,d=4', 'the cluster replica to have a-d');
      const uuid101 = (await fullStatus(101)).server_uuid;
      expect((await fullStatus(100)).replication_status).toMatchObject({ io_state: RUNNING, source_uuid: uuid101, last_io_error: '' });

      // A silent primary (SIGSTOP: its port still accepts, nothing answers): within
      // replica_net_timeout the replica's IO thread gives it up and is Connecting with 2013.
      p101.child.kill('SIGSTOP');
      // A vtgate process started meanwhile waits for the silent primary no longer than its
      // --gateway_initial_tablet_timeout (without keepalive pings nothing else would end the wait),
      // then serves anyway, with Vitess's warning.
      const degraded = startVtsim(['vtgate', '--port', String(await freePort()), '--grpc_port', String(await freePort()), '--mysql_server_port', String(await freePort()),
        '--tablet_types_to_wait', 'PRIMARY', '--gateway_initial_tablet_timeout', '1s', '--grpc_keepalive_time', '0', '--grpc_keepalive_timeout', '0', ...topoFlags()], place.env);
      vtgateProcesses.push(degraded);
      let status: FullStatus['replication_status'] = null;
      await waitFor(async () => {
        status = (await fullStatus(100)).replication_status;
        return status?.io_state === CONNECTING;
      }, 'the cluster replica to notice the silent source', 20_000);
      expect(status).toMatchObject({ io_state: CONNECTING, source_uuid: uuid101 });
      expect(status!.last_io_error).toMatch(/^error reconnecting to source 'vt_repl@.+' - retry-time: 10 retries: 1 message: Lost connection to MySQL server during query$/);
      await waitFor(() => degraded.output().includes('vtgate serving') || degraded.child.exitCode !== null, 'the vtgate process to serve in degraded mode');
      expect(degraded.output()).toMatch(/timeout waiting for all keyspaces \/ shards to have healthy tablets of types PRIMARY, may be in degraded mode.*commerce\/0 PRIMARY/);

      // Running again: replication restarted (as VTOrc fixes a replica whose IO thread is not
      // running; on its own the IO thread retries every 10 s), it catches up.
      p101.child.kill('SIGCONT');
      await ok('StopReplication', 'zone1-0000000100');
      await ok('StartReplication', 'zone1-0000000100');
      await conn.query("insert into product values ('e', 5)");
      await waitFor(async () => (await replicaRows().catch(() => '')) === 'a=1,b=2,c=3,d=4,e=5', 'the cluster replica to have a-e');
      expect((await fullStatus(100)).replication_status).toMatchObject({ io_state: RUNNING, last_io_error: '' });

      // A vtgate process waits for a PRIMARY of every shard before it opens its ports: other/0 has none yet.
      const vtgateMysqlPort = await freePort();
      const vtgate = startVtsim(['vtgate', '--port', String(await freePort()), '--grpc_port', String(await freePort()), '--mysql_server_port', String(vtgateMysqlPort),
        '--tablet_types_to_wait', 'PRIMARY', '--gateway_initial_tablet_timeout', '120s', ...topoFlags()], place.env);
      vtgateProcesses.push(vtgate);
      await waitFor(() => vtgate.output().includes('gateway waiting for serving tablets of types PRIMARY') || vtgate.child.exitCode !== null, 'the vtgate process to wait for tablets');
      expect(await listening(vtgateMysqlPort), vtgate.output()).toBe(false);
      const otherUp = await place.vtsim('tablet', 'up', '--keyspace', 'other', '--shard', '0', '--uid', '200');
      expect(otherUp.code, otherUp.stderr).toBe(0);
      await waitFor(() => vtgate.output().includes('vtgate serving') || vtgate.child.exitCode !== null, 'the vtgate process to serve').catch((err: Error) => Promise.reject(new Error(`${err.message}:\n${vtgate.output()}`)));
      expect(vtgate.output()).not.toContain('timeout waiting');
      // It reads the process primary and the cluster's replica, each over its gRPC port.
      for (const database of ['commerce', 'commerce@replica']) {
        const c = await mysql.createConnection({ host: '127.0.0.1', port: vtgateMysqlPort, user: 'root', database });
        try {
          const [rows] = await c.query('select sku from product order by sku');
          expect((rows as { sku: Buffer }[]).map((r) => r.sku.toString()).join(','), database).toBe('a,b,c,d,e');
        } finally {
          await c.end();
        }
      }
    } finally {
      streaming.abort();
      client.close();
      topo.close();
      await conn.end();
      await replicaReader.end();
    }
  }, 180_000);
});
