// vttestserver's --persistent_mode, in process: a cluster saved into a data dir and loaded into a
// new, empty Cluster serves the same topology, VSchemas, routing rules, rows and GTID state; new
// writes continue each server's GTID sequence and sequences/AUTO_INCREMENT where they were; a
// VStream positioned before the restart gets MySQL's purged-binlog error (the binlogs are not kept);
// a Reshard workflow running at the save runs on after the load.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GtidSet } from '@vtsim/binlog';
import { Cluster } from '@vtsim/cli';
import { TabletType, parseRoutingRules } from '@vtsim/proto';
import { TrafficSwitchDirection, applyVSchema } from '@vtsim/vtctld';
import { VtgateClient } from '@vtsim/vtgate';
import mysql from 'mysql2/promise';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PERSISTENT_STATE_FORMAT, TOPOLOGY_FILE, loadPersistentState, savePersistentState } from '../../packages/cli/src/persistent-state.js';
import { waitFor } from '../harness/customer-workload.js';
import { exampleFile, startScenario } from '../harness/scenario.js';

const CUSTOMER_SCHEMA = `${exampleFile('create_commerce_schema.sql').replace(/create table product\([^;]*;/s, '')}\n${exampleFile('create_customer_sharded.sql')}`;
const SHARDS = { '-80': [300, 301, 302], '80-': [400, 401, 402] };
const CUSTOMER_TABLE = 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id));';
const CUSTOMER_VSCHEMA = { sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] } } };

async function query(port: number, sql: string, database?: string): Promise<unknown[][]> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database });
  try {
    const [rows] = await conn.query({ sql, rowsAsArray: true });
    return rows as unknown[][];
  } finally {
    await conn.end();
  }
}

async function reshardRunning(cluster: Cluster): Promise<boolean> {
  const { workflows } = await cluster.vtctld.getWorkflows({ keyspace: 'customer', workflow: 'cust2cust' });
  const streams = workflows.flatMap((w) => Object.values(w.shard_streams).flatMap((x) => x.streams));
  return streams.length === 2 && streams.every((x) => x.state === 'Running' && x.copy_states.length === 0);
}

describe('persistent mode: save on stop, load on start', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vtsim-persist-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round trip: topology, vschema changes, routing rules, rows, GTIDs, sequences; writes continue; old positions are purged', async () => {
    const s = await startScenario({
      seed: 'persist',
      keyspaces: {
        commerce: { shards: { '0': [100, 101, 102] }, schema: exampleFile('create_commerce_seq.sql') + exampleFile('create_commerce_schema.sql'), vschema: exampleFile('vschema_commerce_seq.json') },
        customer: { shards: SHARDS, schema: CUSTOMER_SCHEMA, vschema: exampleFile('vschema_customer_sharded.json') },
      },
    });
    const before = new Map<number, { uuid: string; executed: string; type: TabletType }>();
    let oldPosition = '';
    let before402Uuid = '';
    try {
      for (let i = 1; i <= 5; i++) await s.mysql(`insert into customer(email) values ('c${i}@domain.com')`, 'customer');
      await s.mysql("insert into product(sku, description, price) values ('SKU-1', 'thing', 10)", 'commerce');
      // A VSchema change made while running is kept (vttestserver persists those too).
      const vschema = JSON.parse(exampleFile('vschema_commerce_seq.json')) as { tables: Record<string, unknown> };
      vschema.tables['product'] = {};
      await applyVSchema(s.cluster.topo, 'commerce', vschema);
      await s.cluster.topo.saveRoutingRules(parseRoutingRules({ rules: [{ from_table: 'items', to_tables: ['commerce.product'] }] }));
      // One tablet killed before the save comes back stopped.
      before402Uuid = s.tablet(402).mysqld.serverUuid;
      await s.cluster.killTablet(402);
      oldPosition = s.primary('customer', '-80').position();
      // Customer 1 hashes to -80: that shard's position moves past oldPosition.
      await s.mysql("insert into customer(customer_id, email) values (1, 'c0@domain.com')", 'customer');
      await s.expectReplicasCaughtUp();
      for (const [, t] of s.cluster.tabletMap()) before.set(t.alias.uid, { uuid: t.mysqld.serverUuid, executed: t.mysqld.gtidExecutedText(), type: t.type });
      await s.cluster.stopVtgate();
      await savePersistentState(s.cluster, dir);
    } finally {
      await s.close();
    }
    expect((await readdir(dir)).sort()).toEqual([TOPOLOGY_FILE, ...[100, 101, 102, 300, 301, 302, 400, 401, 402].map((u) => `mysqld-zone1-0000000${u}.1.jsonl`)].sort());

    // Another seed: every identity must come from the data dir, not from the seed.
    await using cluster = await Cluster.start({ seed: 'another', mysqlPort: 0, grpcPort: 0 });
    expect(await loadPersistentState(cluster, dir)).toBe(true);
    const vtgate = await cluster.startVtgate();
    const port = vtgate.mysqlAddress!.port;

    for (const [uid, was] of before) {
      const t = cluster.tablet(uid)!;
      expect(t, `tablet ${uid}`).toBeDefined();
      expect([t.mysqld.serverUuid, t.mysqld.gtidExecutedText(), t.mysqld.gtidPurgedText(), t.type]).toEqual([was.uuid, was.executed, was.executed, was.type]);
    }
    expect(cluster.tablet(402)).toBeUndefined();
    expect(cluster.keptMysqlds().find((k) => k.alias.uid === 402)?.mysqld.running).toBe(false);
    // The killed tablet comes back with the spec it ran with.
    const restarted = await cluster.restartTablet(402);
    expect([restarted.isServing, restarted.type, restarted.mysqld.serverUuid]).toEqual([true, TabletType.RDONLY, before402Uuid]);
    expect(Object.keys((await cluster.topo.getVSchema('commerce')).tables)).toContain('product');
    expect((await cluster.topo.getSrvVSchema(cluster.cell)).keyspaces['commerce']?.tables['product']).toBeDefined();
    expect((await cluster.topo.getRoutingRules()).rules).toEqual([{ from_table: 'items', to_tables: ['commerce.product'] }]);

    expect(await query(port, 'select customer_id, email from customer order by customer_id', 'customer')).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => [i === 0 ? 1 : 999 + i, Buffer.from(`c${i}@domain.com`)]),
    );
    expect(await query(port, 'select description from product', 'commerce')).toEqual([[Buffer.from('thing')]]);

    // The sequence continues after its cached block 1000-1099 (the tablet's cache is gone, as after a vttablet
    // restart), and the shard's primary continues its own GTID sequence; replicas still replicate.
    await query(port, "insert into customer(email) values ('after@domain.com')", 'customer');
    const [[id]] = (await query(port, "select customer_id from customer where email = 'after@domain.com'", 'customer')) as [[number]];
    expect(id).toBe(1100);
    const primary = [300, 400].map((uid) => cluster.tablet(uid)!).find((t) => t.mysqld.binlog.length > 0)!;
    const was = before.get(primary.alias.uid)!;
    const last = primary.mysqld.binlog.transactionAt(primary.mysqld.binlog.length - 1).gtid;
    expect(last).toEqual({ sid: was.uuid, gno: GtidSet.parse(was.executed).lastGno(was.uuid) + 1 });
    const replica = cluster.tablet(primary.alias.uid + 1)!;
    await waitFor(() => replica.mysqld.gtidExecuted().contains(primary.mysqld.gtidExecuted()), 'the replica to apply the new write');

    // A VStream from the position taken before the restart: the binlogs it needs are purged.
    const grpc = VtgateClient.connect(`${vtgate.grpcAddress!.host}:${vtgate.grpcAddress!.port}`);
    try {
      const request = {
        tablet_type: 'PRIMARY',
        vgtid: { shard_gtids: [{ keyspace: 'customer', shard: '-80', gtid: oldPosition }] },
        filter: { rules: [{ match: 'customer', filter: 'select * from customer' }] },
      };
      let error: Error | undefined;
      try {
        for await (const _ of grpc.vstream(request, AbortSignal.timeout(10_000))) void _;
      } catch (err) {
        error = err as Error;
      }
      expect(error?.message).toContain('Cannot replicate because the source purged required binary logs');
    } finally {
      grpc.close();
    }
  });

  it('a Reshard running at the save runs on after the load: writes keep reaching the new shards, and traffic switches', async () => {
    const rowsOn = (c: Cluster, uid: number) => c.tablet(uid)!.mysqld.createSession({ database: 'vt_customer' }).execute('select customer_id from customer order by customer_id').rows.map((r) => Number(r[0]));
    const s = await startScenario({
      seed: 'persist-reshard',
      keyspaces: { customer: { shards: { '0': [200, 201, 202] }, schema: CUSTOMER_TABLE, vschema: CUSTOMER_VSCHEMA } },
    });
    try {
      for (const id of [1, 2, 3, 4]) await s.mysql(`insert into customer(customer_id, email) values (${id}, 'c${id}')`, 'customer');
      for (const [shard, base] of [['-80', 300], ['80-', 400]] as const) for (let i = 0; i < 3; i++) await s.startTablet('customer', shard, base + i);
      await s.cluster.vtctld.reshardCreate({ workflow: 'cust2cust', keyspace: 'customer', source_shards: ['0'], target_shards: ['-80', '80-'] });
      await waitFor(() => reshardRunning(s.cluster), 'cust2cust to copy and run');
      // hash: 1, 2, 3, 5 → -80; 4, 6 → 80-.
      await s.mysql("insert into customer(customer_id, email) values (5, 'c5')", 'customer');
      await s.cluster.stopVtgate();
      await savePersistentState(s.cluster, dir);
    } finally {
      await s.close();
    }

    await using cluster = await Cluster.start({ seed: 'persist-reshard-2', mysqlPort: 0 });
    expect(await loadPersistentState(cluster, dir)).toBe(true);
    const vtgate = await cluster.startVtgate();
    expect(rowsOn(cluster, 300)).toEqual([1, 2, 3, 5]);
    await waitFor(() => reshardRunning(cluster), 'cust2cust to run again');
    await query(vtgate.mysqlAddress!.port, "insert into customer(customer_id, email) values (6, 'c6')", 'customer');
    await waitFor(() => rowsOn(cluster, 400).join() === '4,6', 'the write after the load to reach 80-');
    await cluster.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: 'cust2cust', tablet_types: [TabletType.PRIMARY, TabletType.REPLICA, TabletType.RDONLY], direction: TrafficSwitchDirection.Forward });
    await query(vtgate.mysqlAddress!.port, "insert into customer(customer_id, email) values (7, 'c7')", 'customer');
    // Writes go to the new shards now (and back to 0 through the reverse workflow).
    expect([...rowsOn(cluster, 300), ...rowsOn(cluster, 400)].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await query(vtgate.mysqlAddress!.port, 'select customer_id from customer order by customer_id', 'customer')).map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('a first start finds nothing; generations; no reused server_uuid; another format, a corrupted file, a busy cluster are refused', async () => {
    await using empty = await Cluster.start({ seed: 'first' });
    expect(await loadPersistentState(empty, dir)).toBe(false);
    expect(await empty.topo.getKeyspaces()).toEqual([]);
    let deletedUuid = '';

    {
      await using c = await Cluster.start({ seed: 'small' });
      const t = await c.addTablet({ keyspace: 'ks', shard: '0', uid: 100 });
      await t.executeFetchAsDba('create table a (id bigint primary key)');
      await t.executeFetchAsDba('insert into a values (1)');
      // A tablet deleted before the save: its alias's next datadir must not reuse its server_uuid.
      deletedUuid = (await c.addTablet({ keyspace: 'ks', shard: '0', uid: 101 })).mysqld.serverUuid;
      await c.deleteTablet(101);
      await savePersistentState(c, dir);
      await c.close();
      await expect(savePersistentState(c, dir)).rejects.toThrow('every mysqld of the cluster is stopped: save the state before Cluster.close');
    }
    const topologyPath = join(dir, TOPOLOGY_FILE);
    {
      await using c = await Cluster.start({ seed: 'small' });
      expect(await loadPersistentState(c, dir)).toBe(true);
      const again = await c.addTablet({ keyspace: 'ks', shard: '0', uid: 101 });
      expect(again.mysqld.serverUuid).not.toBe(deletedUuid);
      expect(again.mysqld.serverUuid).not.toBe(c.tablet(100)!.mysqld.serverUuid);
    }
    expect(JSON.parse(await readFile(topologyPath, 'utf8'))).toMatchObject({ format: PERSISTENT_STATE_FORMAT, generation: 1 });
    const load = async () => {
      await using c = await Cluster.start({ seed: 'load' });
      // Awaited inside the scope: the cluster (and its topology) closes when the scope ends.
      return await loadPersistentState(c, dir);
    };
    expect(await load()).toBe(true);

    // A restarted cluster saved again is a new generation: new datadir files, the old ones gone.
    {
      await using again = await Cluster.start({ seed: 'again' });
      expect(await loadPersistentState(again, dir)).toBe(true);
      await again.tablet(100)!.executeFetchAsDba('insert into a values (2)');
      // A temporary file an interrupted save left is cleaned up by the next save.
      await writeFile(join(dir, 'mysqld-zone1-0000000100.9.jsonl.tmp-4242'), '{"form');
      await savePersistentState(again, dir);
    }
    expect((await readdir(dir)).sort()).toEqual(['mysqld-zone1-0000000100.2.jsonl', TOPOLOGY_FILE]);
    {
      await using third = await Cluster.start({ seed: 'third' });
      expect(await loadPersistentState(third, dir)).toBe(true);
      const t = third.tablet(100)!;
      expect((await t.executeFetchAsDba('select id from a order by id')).rows).toEqual([[1n], [2n]]);
      expect(t.mysqld.gtidExecuted().lastGno(t.mysqld.serverUuid)).toBeGreaterThan(0);
    }

    const saved = await readFile(topologyPath, 'utf8');
    await writeFile(topologyPath, saved.replace(`"format":${PERSISTENT_STATE_FORMAT}`, '"format":99'));
    await expect(load()).rejects.toThrow(`cannot load ${topologyPath}: state format 99 is not the one this vtsim reads (${PERSISTENT_STATE_FORMAT})`);
    await writeFile(topologyPath, saved.slice(0, 40));
    await expect(load()).rejects.toThrow(`cannot load ${topologyPath}: not JSON (the file is corrupted)`);
    await writeFile(topologyPath, saved);
    const datadir = join(dir, 'mysqld-zone1-0000000100.2.jsonl');
    const lines = (await readFile(datadir, 'utf8')).split('\n');
    await writeFile(datadir, lines.slice(0, -2).join('\n'));
    await expect(load()).rejects.toThrow(`cannot load ${datadir}: line ${lines.length - 2}: the file ends before its end line (truncated)`);

    // Loading into a cluster of another cell is refused.
    await using elsewhere = await Cluster.start({ seed: 'elsewhere', cell: 'test' });
    await expect(loadPersistentState(elsewhere, dir)).rejects.toThrow(`cannot load ${topologyPath}: it was saved by a cluster in cell zone1, not test; start with the same cells`);
    expect(await elsewhere.topo.getKeyspaces()).toEqual([]);
    // Loading into a cluster that already has tablets is refused.
    await writeFile(datadir, lines.join('\n'));
    await using busy = await Cluster.start({ seed: 'busy' });
    await busy.addTablet({ keyspace: 'other', shard: '0', uid: 200 });
    await expect(loadPersistentState(busy, dir)).rejects.toThrow('the cluster already has keyspaces or tablets');
  });
});
