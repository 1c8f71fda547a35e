// Issue 14, item 2: `vtsim vttablet` runs one tablet and its mysqld in its own Node process,
// registered in a real etcd (started by the test on free ports), and a `vtsim up
// --topo-implementation etcd2` cluster (vtctld + vtgate) reaches it over gRPC as the PRIMARY of an
// unsharded keyspace: schema applied through vtctldclient, rows written and read through vtgate's
// MySQL port, a VStream through vtgate's gRPC; after `kill -9` of the tablet process vtgate answers
// with Vitess's unavailable error (once its buffer window ends), not a hang. A restart under the
// killed tablet's record is refused with a clear error (its data died with it). Replicas in other
// processes: vttablet-replication.test.ts.
import { lookup, lookupService } from 'node:dns/promises';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { VtgateClient } from '@vtsim/vtgate';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEtcd, etcdctl, startEtcd, type EtcdServer } from '../harness/etcd-server.js';
import { clusterPlace, ensureCliBuilt, freePort, runVtsim, startVtsim, type ClusterPlace, type VtsimProcess } from '../harness/vtsim-cli.js';

beforeAll(ensureCliBuilt, 180_000);

/** A `vtsim vttablet` process. */
type TabletProcess = VtsimProcess;

function startVttablet(args: string[], env: NodeJS.ProcessEnv): TabletProcess {
  return startVtsim(['vttablet', ...args], env);
}

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeEtcd('vtsim vttablet: a tablet in its own process', () => {
  let etcd: EtcdServer;
  let place: ClusterPlace;
  const tablets: TabletProcess[] = [];
  const topoFlags = () => ['--topo-implementation', 'etcd2', '--topo-global-server-address', etcd.address, '--topo-global-root', '/vitess/global'];

  beforeAll(async () => {
    etcd = await startEtcd();
    place = await clusterPlace();
  }, 30_000);

  afterAll(async () => {
    for (const t of tablets) if (t.child.exitCode === null) t.child.kill('SIGKILL');
    place?.stop();
    await etcd?.destroy();
  });

  it('refuses a taken port before registering anything, and a memory topology', async () => {
    const holder = createServer();
    const taken = await new Promise<number>((resolve) => holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)));
    try {
      const r = await runVtsim(['vttablet', '--tablet-path', 'zone1-0000000300', '--keyspace', 'ks', '--shard', '0', '--port', String(await freePort()), '--grpc-port', String(taken), ...topoFlags()], { env: place.env });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`ERROR: port ${taken} (vttablet gRPC) is already in use on 127.0.0.1\n`);
      expect(etcdctl(etcd.address, ['get', '/vitess/zone1/tablets/zone1-0000000300/Tablet', '--print-value-only'])).toBe('');
    } finally {
      holder.close();
    }
    const memory = await runVtsim(['vttablet', '--tablet-path', 'zone1-0000000300', '--keyspace', 'ks', '--shard', '0'], { env: place.env });
    expect(memory.code).toBe(1);
    expect(memory.stderr).toContain('ERROR: vtsim vttablet needs --topo-implementation etcd2');
  });

  it('serves as the primary of an unsharded keyspace: schema, writes, reads and a VStream through the cluster; kill -9 gives unavailable', async () => {
    const up = await place.vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort), ...topoFlags());
    expect(up.code, up.stderr).toBe(0);
    const vtctld = `127.0.0.1:${place.vtctldPort}`;
    const create = await runVtsim(['vtctldclient', '--server', vtctld, 'CreateKeyspace', 'commerce'], { env: place.env });
    expect(create.code, create.stderr).toBe(0);

    const [web, grpc] = [await freePort(), await freePort()];
    const tablet = startVttablet(['--tablet-path', 'zone1-0000000100', '--keyspace', 'commerce', '--shard', '0', '--port', String(web), '--grpc-port', String(grpc), ...topoFlags()], place.env);
    tablets.push(tablet);
    await until('the vttablet to serve', () => /serving commerce\/0 as PRIMARY/.test(tablet.output()) || tablet.child.exitCode !== null, 30_000);
    // Without --tablet-hostname it advertises the machine's FQDN, as vttablet: the hostname's address's name.
    const fqdn = (await lookupService((await lookup(hostname())).address, 0)).hostname;
    expect(tablet.output()).toContain(`vttablet zone1-0000000100 serving commerce/0 as PRIMARY: grpc ${fqdn}:${grpc}, web ${fqdn}:${web}`);
    // Its record, in etcd, advertises where it runs.
    const record = JSON.parse(etcdctl(etcd.address, ['get', '/vitess/zone1/tablets/zone1-0000000100/Tablet', '--print-value-only'])) as { hostname: string; port_map: Record<string, number> };
    expect(record).toMatchObject({ hostname: fqdn, port_map: { vt: web, grpc } });
    expect(await (await fetch(`http://127.0.0.1:${web}/debug/health`)).text()).toBe('ok');

    const schema = await runVtsim(['vtctldclient', '--server', vtctld, 'ApplySchema', '--sql', 'create table product(sku varbinary(128), price bigint, primary key(sku))', 'commerce'], { env: place.env });
    expect(schema.code, schema.stderr).toBe(0);

    const grpcClient = VtgateClient.connect(`127.0.0.1:${place.grpcPort}`);
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root', database: 'commerce' });
    try {
      // A VStream from now on, through vtgate's gRPC, sees the rows written below.
      const ac = new AbortController();
      const seen: string[] = [];
      let responses = 0;
      const streaming = (async () => {
        const request = { tablet_type: 'PRIMARY', vgtid: { shard_gtids: [{ keyspace: 'commerce', shard: '0', gtid: 'current' }] }, filter: { rules: [{ match: '/.*' }] } };
        try {
          for await (const response of grpcClient.vstream(request, ac.signal)) {
            responses++;
            for (const ev of response.events as { type: string; row_event: { table_name: string; row_changes: { after: unknown }[] } | null }[]) {
              if (ev.type === 'ROW') seen.push(`${ev.row_event!.table_name}:${ev.row_event!.row_changes.length}`);
            }
          }
        } catch (err) {
          if (!ac.signal.aborted) throw err;
        }
      })();
      // The stream has started (its first response, the current VGTID) before the write.
      await until('the VStream to start', () => responses > 0, 10_000);
      await conn.query("insert into product(sku, price) values ('SKU-1001', 100), ('SKU-1002', 30)");
      const [rows] = await conn.query('select sku, price from product order by sku');
      expect((rows as { sku: Buffer; price: number }[]).map((r) => [r.sku.toString(), Number(r.price)])).toEqual([
        ['SKU-1001', 100],
        ['SKU-1002', 30],
      ]);
      await until('the VStream to carry the insert', () => seen.length > 0, 10_000);
      expect(seen).toEqual(['commerce.product:2']);
      ac.abort();
      await streaming;

      tablet.child.kill('SIGKILL');
      await tablet.exited;
      const started = Date.now();
      // Vitess's unavailable error: the tablet's own (the query reached the dead address) or, when the
      // health check saw it die first, the buffer's once its window ends.
      await expect(conn.query('select sku from product')).rejects.toMatchObject({
        errno: 1105,
        message: expect.stringMatching(/^(upstream shard is not available: commerce\/0 did not finish its failover .*no healthy tablet available for 'keyspace:"commerce" shard:"0" tablet_type:PRIMARY'|target: commerce\.0\.primary: vttablet: rpc error: code = Unavailable desc = )/),
      });
      expect(Date.now() - started).toBeLessThan(30_000);
      // Its data died with it: starting it again under its old record is refused.
      const again = startVttablet(['--tablet-path', 'zone1-0000000100', '--keyspace', 'commerce', '--shard', '0', '--port', String(await freePort()), '--grpc-port', String(await freePort()), ...topoFlags()], place.env);
      tablets.push(again);
      expect(await again.exited).toBe(1);
      expect(again.output()).toContain('ERROR: tablet zone1-0000000100 is already in the topology');
    } finally {
      grpcClient.close();
      await conn.end();
    }
    const down = await place.vtsim('down');
    expect(down.code, down.stderr).toBe(0);
  }, 120_000);
});
