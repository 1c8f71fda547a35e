// Issue 14, item 1: `vtsim up --topo-implementation etcd2 --topo-global-server-address A
// --topo-global-root /vitess/global` keeps the cluster's topology in a real etcd (started by the
// test on free ports), with Vitess's layout: the global records under /vitess/global, the cell's
// (tablets, SrvKeyspace) under the root its CellInfo names (/vitess/zone1). A keyspace created
// through vtctldclient is read back with etcdctl, and the cluster serves queries through vtgate,
// also after etcd restarts under it.
// An address where no etcd answers is a clear error, with no process left running. The scripts'
// topo-up.sh with TOPO=etcd2 starts etcd (as the local example's etcd-up.sh) and the cluster on it;
// topo-down.sh stops both.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEtcd, etcdctl, startEtcd, type EtcdServer } from '../harness/etcd-server.js';
import { VTSIM_ROOT } from '@vtsim/proto';
import { clusterPlace, ensureCliBuilt, freePort, processAlive, runProcess, runVtsim, vtsimEnv, type ClusterPlace } from '../harness/vtsim-cli.js';

beforeAll(ensureCliBuilt, 180_000);

const keys = (address: string, prefix: string) =>
  etcdctl(address, ['get', '--prefix', prefix, '--keys-only'])
    .split('\n')
    .filter((line) => line !== '');

describeEtcd('vtsim up on an etcd2 topology', () => {
  let etcd: EtcdServer;
  let place: ClusterPlace;
  const topoFlags = () => ['--topo-implementation', 'etcd2', '--topo-global-server-address', etcd.address, '--topo-global-root', '/vitess/global'];

  beforeAll(async () => {
    etcd = await startEtcd();
    place = await clusterPlace();
  }, 30_000);

  afterAll(async () => {
    place?.stop();
    await etcd?.destroy();
  });

  it('keeps the topology in etcd with Vitess\'s layout and serves queries, also after etcd restarts', async () => {
    const up = await place.vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort), ...topoFlags());
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    // The cell the cluster lives in, as etcd-up.sh's AddCellInfo writes it.
    expect(keys(etcd.address, '/vitess/global')).toEqual(['/vitess/global/cells/zone1/CellInfo']);
    const cellInfo = JSON.parse(etcdctl(etcd.address, ['get', '/vitess/global/cells/zone1/CellInfo', '--print-value-only'])) as Record<string, string>;
    expect(cellInfo).toEqual({ server_address: etcd.address, root: '/vitess/zone1' });

    const vtctld = `127.0.0.1:${place.vtctldPort}`;
    const create = await runVtsim(['vtctldclient', '--server', vtctld, 'CreateKeyspace', 'commerce'], { env: place.env });
    expect(create.code, create.stderr).toBe(0);
    expect(keys(etcd.address, '/vitess/global/keyspaces')).toContain('/vitess/global/keyspaces/commerce/Keyspace');

    for (const uid of ['100', '101']) {
      const r = await place.vtsim('tablet', 'up', '--keyspace', 'commerce', '--shard', '0', '--uid', uid);
      expect(r.stderr).toBe('');
    }
    expect(keys(etcd.address, '/vitess/zone1/tablets')).toEqual([
      '/vitess/zone1/tablets/zone1-0000000100/Tablet',
      '/vitess/zone1/tablets/zone1-0000000101/Tablet',
    ]);
    expect(keys(etcd.address, '/vitess/global/keyspaces/commerce/shards')).toContain('/vitess/global/keyspaces/commerce/shards/0/Shard');
    // What vtctldclient reads comes from etcd: the shard's primary as the tablets recorded it.
    const shard = JSON.parse(etcdctl(etcd.address, ['get', '/vitess/global/keyspaces/commerce/shards/0/Shard', '--print-value-only'])) as {
      primary_alias?: { cell: string; uid: number };
    };
    expect(shard.primary_alias).toEqual({ cell: 'zone1', uid: 100 });

    const conn = await mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root', database: 'commerce' });
    try {
      await conn.query('create table product(sku varbinary(128), price bigint, primary key(sku))');
      await conn.query("insert into product(sku, price) values ('SKU-1001', 100), ('SKU-1002', 30)");
      const [rows] = await conn.query('select sku, price from product order by sku');
      expect((rows as { sku: Buffer; price: number }[]).map((r) => [r.sku.toString(), Number(r.price)])).toEqual([
        ['SKU-1001', 100],
        ['SKU-1002', 30],
      ]);
    } finally {
      await conn.end();
    }
    // etcd restarts under the running cluster: its watches resume, and what is created after
    // (a keyspace, its tablet, its serving graph) reaches vtgate.
    await etcd.stop();
    await etcd.start();
    let created = await runVtsim(['vtctldclient', '--server', vtctld, 'CreateKeyspace', 'customer'], { env: place.env });
    for (let i = 0; created.code !== 0 && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 250));
      created = await runVtsim(['vtctldclient', '--server', vtctld, 'CreateKeyspace', 'customer'], { env: place.env });
    }
    expect(created.code, created.stderr).toBe(0);
    const tablet = await place.vtsim('tablet', 'up', '--keyspace', 'customer', '--shard', '0', '--uid', '200');
    expect(tablet.stderr).toBe('');
    const customer = await mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root', database: 'customer' });
    try {
      await customer.query('create table customer(customer_id bigint, email varbinary(128), primary key(customer_id))');
      await customer.query("insert into customer(customer_id, email) values (1, 'alice@domain.com')");
      const [rows] = await customer.query('select customer_id, email from customer');
      expect((rows as { customer_id: number; email: Buffer }[]).map((r) => [Number(r.customer_id), r.email.toString()])).toEqual([[1, 'alice@domain.com']]);
    } finally {
      await customer.end();
    }
    expect(keys(etcd.address, '/vitess/zone1/tablets')).toContain('/vitess/zone1/tablets/zone1-0000000200/Tablet');

    const down = await place.vtsim('down');
    expect(down.code, down.stderr).toBe(0);
    // The topology outlives the cluster process, as etcd's does.
    expect(keys(etcd.address, '/vitess/global/keyspaces')).toContain('/vitess/global/keyspaces/commerce/Keyspace');
  }, 90_000);

  it('an address where no etcd answers is a clear error, and no cluster process is left', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;
    const up = await place.vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort),
      '--topo-implementation', 'etcd2', '--topo-global-server-address', nobody, '--topo-global-root', '/vitess/global');
    expect(up.code).toBe(1);
    expect(up.stderr).toBe(`ERROR: cannot use the etcd2 topology at ${nobody} (root /vitess/global): no answer\n`);
    expect(existsSync(place.pidFile) && processAlive(Number(readFileSync(place.pidFile, 'utf8')))).toBe(false);
    // Nothing listens on the cluster's ports.
    await expect(fetch(`http://127.0.0.1:${place.web}/debug/status`)).rejects.toThrow();
  }, 30_000);

  it('refuses incomplete or unknown topology flags before starting anything', async () => {
    const noAddress = await place.vtsim('up', '--topo-implementation', 'etcd2', '--topo-global-root', '/vitess/global');
    expect(noAddress).toMatchObject({ code: 1, stderr: 'ERROR: topo_global_server_address must be configured\n' });
    const noRoot = await place.vtsim('up', '--topo_implementation', 'etcd2', '--topo_global_server_address', etcd.address);
    expect(noRoot).toMatchObject({ code: 1, stderr: 'ERROR: topo_global_root must be non-empty\n' });
    const zk = await place.vtsim('up', '--topo-implementation', 'zk2', '--topo-global-server-address', etcd.address, '--topo-global-root', '/vitess/global');
    expect(zk).toMatchObject({ code: 1, stderr: 'ERROR: no such topology implementation: zk2 (vtsim has memory and etcd2)\n' });
  }, 30_000);
});

describeEtcd('scripts/lib/topo-up.sh with TOPO=etcd2', () => {
  it('starts etcd and the cluster on it; topo-down.sh stops both', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vtsim-etcd-scripts-'));
    const [web, mysqlPort, grpcPort, vtctldPort, etcdPort, peerPort] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => freePort()));
    const etcdServer = `127.0.0.1:${etcdPort}`;
    const env = {
      ...vtsimEnv(root), TOPO: 'etcd2', ETCD_SERVER: etcdServer, ETCD_PEER_PORT: String(peerPort),
      VTSIM_WEB_PORT: String(web), VTSIM_MYSQL_PORT: String(mysqlPort), VTSIM_GRPC_PORT: String(grpcPort), VTSIM_VTCTLD_GRPC_PORT: String(vtctldPort),
    };
    const script = (name: string) => runProcess('bash', [join(VTSIM_ROOT, 'scripts', 'lib', name)], { env });
    const etcdPidFile = join(root, 'tmp', 'etcd.pid');
    try {
      const up = await script('topo-up.sh');
      expect(up.stderr).toBe('');
      expect(up.stdout).toBe('Starting etcd...\nadd zone1 CellInfo\netcd is running!\n');
      expect(keys(etcdServer, '/vitess/global')).toEqual(['/vitess/global/cells/zone1/CellInfo']);
      const create = await runVtsim(['vtctldclient', '--server', `127.0.0.1:${vtctldPort}`, 'CreateKeyspace', 'commerce'], { env });
      expect(create.code, create.stderr).toBe(0);
      expect(keys(etcdServer, '/vitess/global/keyspaces')).toContain('/vitess/global/keyspaces/commerce/Keyspace');
      const again = await script('topo-up.sh');
      expect(again.stdout).toContain('The vtsim cluster process is already running');
      const etcdPid = Number(readFileSync(etcdPidFile, 'utf8'));
      const down = await script('topo-down.sh');
      expect(down.stderr).toBe('');
      expect(down.stdout).toBe('Stopping topo (the vtsim cluster process)...\nStopping etcd...\n');
      expect(processAlive(etcdPid)).toBe(false);
      expect(existsSync(etcdPidFile)).toBe(false);
      await expect(fetch(`http://${etcdServer}/health`)).rejects.toThrow();
    } finally {
      if (existsSync(etcdPidFile)) {
        const pid = Number(readFileSync(etcdPidFile, 'utf8'));
        if (processAlive(pid)) process.kill(pid, 'SIGKILL');
      }
      const clusterPid = join(root, 'tmp', 'vtsim.pid');
      if (existsSync(clusterPid) && processAlive(Number(readFileSync(clusterPid, 'utf8')))) process.kill(Number(readFileSync(clusterPid, 'utf8')), 'SIGTERM');
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
