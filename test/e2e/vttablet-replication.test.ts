// Issue 14, item 2: replication between tablet processes. Three `vtsim vttablet` processes of one
// shard (primary, replica, rdonly) against a real etcd and a `vtsim up --topo-implementation etcd2`
// cluster (vtctld + vtgate, no tablets of its own): writes through vtgate reach the replica and the
// rdonly (read through @replica / @rdonly), GetFullStatus and ShardReplicationPositions show them
// replicating, PlannedReparentShard to the replica works across processes and writes continue;
// `kill -9` of the replica's process leaves the primary serving, and `kill -9` of the primary's
// leaves the remaining replica's IO thread Connecting with MySQL's 2013 / 2003.
import { spawn, type ChildProcess } from 'node:child_process';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEtcd, startEtcd, type EtcdServer } from '../harness/etcd-server.js';
import { clusterPlace, ensureCliBuilt, freePort, runVtsim, vtsimMain, type ClusterPlace } from '../harness/vtsim-cli.js';

beforeAll(ensureCliBuilt, 180_000);

/** A `vtsim vttablet` process and what it printed so far. */
interface TabletProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** replicationdata.ReplicationState: Connecting and Running. */
const CONNECTING = 2;
const RUNNING = 3;

/** What the test reads of `vtctldclient GetFullStatus`. */
interface FullStatus {
  server_uuid: string;
  primary_status: { position: string } | null;
  replication_status: { io_state: number; sql_state: number; source_uuid: string; last_io_error: string; position: string } | null;
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeEtcd('vtsim vttablet: replication between tablet processes', () => {
  let etcd: EtcdServer;
  let place: ClusterPlace;
  const tablets = new Map<number, TabletProcess>();
  const topoFlags = () => ['--topo-implementation', 'etcd2', '--topo-global-server-address', etcd.address, '--topo-global-root', '/vitess/global'];
  const vtctldclient = (...args: string[]) => runVtsim(['vtctldclient', '--server', `127.0.0.1:${place.vtctldPort}`, ...args], { env: place.env });

  async function startTablet(uid: number): Promise<TabletProcess> {
    const args = ['--tablet-path', `zone1-0000000${uid}`, '--keyspace', 'commerce', '--shard', '0', '--port', String(await freePort()), '--grpc-port', String(await freePort()), ...topoFlags()];
    const child = spawn(process.execPath, [vtsimMain, 'vttablet', ...args], { env: place.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const t = { child, output: () => output, exited };
    tablets.set(uid, t);
    await waitFor(`tablet ${uid} to serve`, () => / serving commerce\/0 as /.test(output) || child.exitCode !== null);
    expect(child.exitCode, output).toBeNull();
    return t;
  }

  async function kill(uid: number): Promise<void> {
    const t = tablets.get(uid)!;
    t.child.kill('SIGKILL');
    await t.exited;
  }

  async function fullStatus(uid: number): Promise<FullStatus> {
    const r = await vtctldclient('GetFullStatus', `zone1-0000000${uid}`);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as FullStatus;
  }

  beforeAll(async () => {
    etcd = await startEtcd();
    place = await clusterPlace();
    const up = await place.vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort), ...topoFlags());
    expect(up.code, up.stderr).toBe(0);
    const create = await vtctldclient('CreateKeyspace', 'commerce');
    expect(create.code, create.stderr).toBe(0);
  }, 60_000);

  afterAll(async () => {
    for (const t of tablets.values()) if (t.child.exitCode === null) t.child.kill('SIGKILL');
    await Promise.all([...tablets.values()].map((t) => t.exited));
    if (place) await place.vtsim('down');
    place?.stop();
    await etcd?.destroy();
  }, 60_000);

  it('replicates to a replica and an rdonly process, reparents across processes, and survives kill -9', async () => {
    const primary = await startTablet(100);
    expect(primary.output()).toContain('serving commerce/0 as PRIMARY');
    expect((await startTablet(101)).output()).toContain('serving commerce/0 as REPLICA');
    expect((await startTablet(102)).output()).toContain('serving commerce/0 as RDONLY');

    const schema = await vtctldclient('ApplySchema', '--sql', 'create table product(sku varbinary(128), price bigint, note json, primary key(sku))', 'commerce');
    expect(schema.code, schema.stderr).toBe(0);

    const conn = await mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root', database: 'commerce' });
    const readers = new Map<string, mysql.Connection>();
    /** The product rows as `sku=price`, read through vtgate with `target` (commerce@replica, …). */
    const products = async (target: string): Promise<string[]> => {
      let c = readers.get(target);
      if (!c) {
        c = await mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root', database: target, supportBigNumbers: true, bigNumberStrings: true });
        readers.set(target, c);
      }
      const [rows] = await c.query('select sku, price from product order by sku');
      return (rows as { sku: Buffer; price: string | number }[]).map((r) => `${r.sku.toString()}=${String(r.price)}`);
    };
    const reaches = async (target: string, want: string[]) =>
      waitFor(`${target} to have ${want.join(', ')}`, async () => JSON.stringify(await products(target).catch(() => [])) === JSON.stringify(want));
    try {
      await conn.query(`insert into product(sku, price, note) values ('SKU-1', 100, '{"a": [1, 2]}'), ('SKU-2', 9223372036854775807, null)`);
      const first = ['SKU-1=100', 'SKU-2=9223372036854775807'];
      expect(await products('commerce@primary')).toEqual(first);
      await reaches('commerce@replica', first);
      await reaches('commerce@rdonly', first);

      // Both show replication running from the primary, at its position.
      const p = await fullStatus(100);
      expect(p.replication_status).toBeNull();
      const position = p.primary_status!.position;
      expect(position).toMatch(new RegExp(`^MySQL56/${p.server_uuid}:1-\\d+$`));
      for (const uid of [101, 102]) {
        expect((await fullStatus(uid)).replication_status).toMatchObject({ io_state: RUNNING, sql_state: RUNNING, source_uuid: p.server_uuid, last_io_error: '', position });
      }
      const positions = await vtctldclient('ShardReplicationPositions', 'commerce/0');
      expect(positions.code, positions.stderr).toBe(0);
      const lines = positions.stdout.trim().split('\n');
      expect(lines.map((l) => l.split(' ').slice(0, 4).join(' '))).toEqual(['zone1-0000000100 commerce 0 primary', 'zone1-0000000101 commerce 0 replica', 'zone1-0000000102 commerce 0 rdonly']);
      for (const l of lines) expect(l).toContain(` ${position} `);

      // PlannedReparentShard to the replica, through the tablet processes' TabletManager gRPC.
      const prs = await vtctldclient('PlannedReparentShard', 'commerce/0', '--new-primary', 'zone1-0000000101');
      expect(prs.code, prs.stderr).toBe(0);
      const newPrimary = await fullStatus(101);
      expect(newPrimary).toMatchObject({ replication_status: null, primary_status: { position: expect.stringContaining(p.server_uuid) } });
      await waitFor('writes through the new primary', async () =>
        conn.query("insert into product(sku, price) values ('SKU-3', 3)").then(
          () => true,
          () => false,
        ),
      );
      const second = [...first, 'SKU-3=3'];
      expect(await products('commerce@primary')).toEqual(second);
      await reaches('commerce@replica', second);
      await reaches('commerce@rdonly', second);
      for (const uid of [100, 102]) expect((await fullStatus(uid)).replication_status).toMatchObject({ io_state: RUNNING, source_uuid: newPrimary.server_uuid });

      // kill -9 of the replica's process (the old primary): the primary keeps serving.
      await kill(100);
      await conn.query("insert into product(sku, price) values ('SKU-4', 4)");
      const third = [...second, 'SKU-4=4'];
      expect(await products('commerce@primary')).toEqual(third);
      await reaches('commerce@rdonly', third);

      // kill -9 of the primary's process: the rdonly's IO thread loses it and keeps trying.
      await kill(101);
      await waitFor('the rdonly to report its lost source', async () => {
        const s = (await fullStatus(102)).replication_status;
        return s?.io_state === CONNECTING && /Lost connection to MySQL server during query|Can't connect to MySQL server on /.test(s.last_io_error);
      });
      expect((await fullStatus(102)).replication_status).toMatchObject({ sql_state: RUNNING, source_uuid: newPrimary.server_uuid });
      expect(await products('commerce@rdonly')).toEqual(third);
    } finally {
      await conn.end();
      for (const c of readers.values()) await c.end().catch(() => undefined);
    }
  }, 240_000);
});
