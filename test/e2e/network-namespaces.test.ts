// Issue 14, item 4: the cluster across hosts. The test makes three "machines" out of Linux network
// namespaces, each with a veth pair to a bridge on a private /24: etcd and `vtsim up` (vtctld +
// vtgate, no tablets of its own) in the third, bound to its address; one `vtsim vttablet` process
// per shard of a two-shard keyspace in the first and second, bound to and advertising their own
// addresses. From this (the root) namespace, through vtgate's and vtctld's addresses only: schema
// and VSchema through vtctldclient, rows on both shards through vtgate's MySQL port, read back per
// shard and scattered, and a VStream through vtgate's gRPC with events from both shards. Then the
// first machine's link goes down: its shard fails with Vitess's unavailable error (seen through
// gRPC keepalive: a partition sends no RST) while the other keeps serving; link up, it serves again.
// Without the rights to make namespaces (not root, no `ip`), it is skipped with a line saying why.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VtgateClient } from '@vtsim/vtgate';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../harness/customer-workload.js';
import { describeEtcd, startEtcd, type EtcdServer } from '../harness/etcd-server.js';
import { ensureCliBuilt, runVtsim, vtsimEnv, vtsimMain } from '../harness/vtsim-cli.js';

/** Runs `ip args`; throws with what it printed when it fails. */
function ip(...args: string[]): void {
  const run = spawnSync('ip', args, { encoding: 'utf8' });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${run.stderr.trim()}`);
}

/** Why network namespaces cannot be made here, or undefined when they can (a throwaway one is made and removed). */
function netnsUnavailable(): string | undefined {
  const probe = `vtsim-probe-${process.pid}`;
  try {
    ip('netns', 'add', probe);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    spawnSync('ip', ['netns', 'del', probe]);
  }
}

/** A 10.231.N.0/24 no interface of this namespace is on, N tried from the pid on. */
function freeSubnet(): string {
  const inUse = spawnSync('ip', ['-4', '-o', 'addr'], { encoding: 'utf8' }).stdout;
  for (let k = 0; k < 250; k++) {
    const subnet = `10.231.${(process.pid + k) % 250}`;
    if (!inUse.includes(` ${subnet}.`)) return subnet;
  }
  throw new Error('no free 10.231.N.0/24 for the test network');
}

/** One "machine": its namespace, its address, and its veth (`link` on the bridge, `peer` its eth0). */
interface Host {
  ns: string;
  address: string;
  link: string;
  peer: string;
}

/**
 * Three namespaces `vtsim<pid>-1..3`, each with `eth0` at 10.231.N.(10+i)/24, its veth peer on
 * the bridge `vtbr<pid>` that holds 10.231.N.1 in the root namespace; every name holds the pid and
 * the /24 is one no interface here is on, so parallel runs do not collide. remove() undoes whatever
 * was made.
 */
function makeNetwork() {
  const pid = process.pid;
  const subnet = freeSubnet();
  const bridge = `vtbr${pid}`;
  const host = (i: number): Host => ({ ns: `vtsim${pid}-${i}`, address: `${subnet}.${10 + i}`, link: `vth${pid}${i}`, peer: `vtp${pid}${i}` });
  const hosts: [Host, Host, Host] = [host(1), host(2), host(3)];
  const made = { bridge: false, ns: [] as string[], links: [] as string[] };
  const remove = () => {
    // A veth goes with its peer; removed here rather than with its namespace, which the kernel
    // frees only once the last socket of it is gone (a connection cut by the partition lingers).
    for (const link of made.links.splice(0)) spawnSync('ip', ['link', 'del', link]);
    for (const ns of made.ns.splice(0)) {
      // Whatever still runs in it (a process the test started that outlived its kill) goes first.
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      for (const p of pids) spawnSync('kill', ['-9', p]);
      spawnSync('ip', ['netns', 'del', ns]);
    }
    if (made.bridge) spawnSync('ip', ['link', 'del', bridge]);
    made.bridge = false;
  };
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    made.bridge = true;
    ip('addr', 'add', `${subnet}.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (const h of hosts) {
      ip('netns', 'add', h.ns);
      made.ns.push(h.ns);
      ip('link', 'add', h.link, 'type', 'veth', 'peer', 'name', h.peer);
      made.links.push(h.link);
      ip('link', 'set', h.peer, 'netns', h.ns);
      ip('link', 'set', h.link, 'master', bridge, 'up');
      ip('-n', h.ns, 'link', 'set', 'lo', 'up');
      ip('-n', h.ns, 'link', 'set', h.peer, 'name', 'eth0');
      ip('-n', h.ns, 'addr', 'add', `${h.address}/24`, 'dev', 'eth0');
      ip('-n', h.ns, 'link', 'set', 'eth0', 'up');
    }
  } catch (err) {
    remove();
    throw err;
  }
  // Also when the test process ends without its afterAll (remove() is synchronous, and idempotent).
  process.once('exit', remove);
  return { hosts, remove };
}

/** A process the test started in a namespace, and what it printed so far. */
interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Starts `vtsim args` in namespace `ns` (`ip netns exec` execs it: the pid is vtsim's). */
function vtsimIn(ns: string, args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, vtsimMain, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  return { child, output: () => output };
}

/** Stops a started process: SIGTERM, SIGKILL after 5 s. */
async function stopProcess({ child }: Started): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killer);
}

const unavailable = process.platform === 'linux' ? netnsUnavailable() : 'network namespaces are Linux only';
if (unavailable) console.warn(`skipping 'network namespaces': cannot create network namespaces here (${unavailable}); the test needs root (CAP_NET_ADMIN) and iproute2's ip`);

/** Vitess's answers for a shard whose only tablet is out of reach (the buffer's once its window ends, else the gateway's or the tablet's). */
const SHARD_UNAVAILABLE = /no healthy tablet available for 'keyspace:"ks" shard:"-80" tablet_type:PRIMARY'|target: ks\.-80\.primary: vttablet: rpc error: code = Unavailable desc = /;

describeEtcd('network namespaces: tablets on two machines, vtgate on a third', () => {
  describe.skipIf(unavailable !== undefined)('vtsim up in one namespace, a vttablet per shard in two others', () => {
    let network: ReturnType<typeof makeNetwork> | undefined;
    let etcd: EtcdServer | undefined;
    const started: Started[] = [];
    const root = mkdtempSync(join(tmpdir(), 'vtsim-netns-'));
    const env = vtsimEnv(root);

    beforeAll(ensureCliBuilt, 180_000);

    afterAll(async () => {
      for (const p of started.reverse()) await stopProcess(p);
      await etcd?.destroy();
      network?.remove();
      rmSync(root, { recursive: true, force: true });
    }, 60_000);

    it('serves, streams and survives a partition of one shard', async () => {
      network = makeNetwork();
      const [ns1, ns2, ns3] = network.hosts;
      etcd = await startEtcd({ host: ns3.address, wrapper: ['ip', 'netns', 'exec', ns3.ns] });
      const topoFlags = ['--topo-implementation', 'etcd2', '--topo-global-server-address', etcd.address, '--topo-global-root', '/vitess/global'];
      // Short keepalive pings: the partition below is seen in seconds (Vitess's default is 10s + 10s).
      const keepalive = ['--grpc_keepalive_time', '1s', '--grpc_keepalive_timeout', '1s'];
      // Each machine has its own ports; these are none of the local example's.
      const [web, grpc, vtctldGrpc, mysqlPort] = [25000, 25991, 25999, 25306];
      const up = vtsimIn(ns3.ns, ['up', '--bind-address', ns3.address, '--port', String(web), '--grpc-port', String(grpc), '--vtctld-grpc-port', String(vtctldGrpc), '--mysql-port', String(mysqlPort), ...topoFlags, ...keepalive], env);
      started.push(up);
      await waitFor(() => up.output().includes('"bind_address"') || up.child.exitCode !== null, 'vtsim up to serve', 60_000);
      expect(up.child.exitCode, up.output()).toBeNull();
      expect(JSON.parse(up.output().split('\n').find((l) => l.startsWith('{"bind_address"'))!)).toMatchObject({ bind_address: ns3.address, port: web });

      const vtctld = `${ns3.address}:${vtctldGrpc}`;
      const vtctldclient = async (...args: string[]) => {
        const r = await runVtsim(['vtctldclient', '--server', vtctld, ...args], { env, timeoutMs: 60_000 });
        expect(r.code, r.stderr).toBe(0);
        return r.stdout;
      };
      await vtctldclient('CreateKeyspace', 'ks');

      const tablets = [
        { host: ns1, uid: 300, shard: '-80' },
        { host: ns2, uid: 400, shard: '80-' },
      ].map(({ host, uid, shard }) => {
        const t = vtsimIn(host.ns, ['vttablet', '--tablet-path', `zone1-0000000${uid}`, '--keyspace', 'ks', `--shard=${shard}`,
          '--port', String(15000 + uid), '--grpc-port', String(16000 + uid), '--tablet-hostname', host.address, '--bind-address', host.address, ...topoFlags, ...keepalive], env);
        started.push(t);
        return { ...t, shard, host, uid };
      });
      for (const t of tablets) {
        await waitFor(() => t.output().includes('as PRIMARY') || t.child.exitCode !== null, `the tablet of ${t.shard} to serve`, 60_000);
        expect(t.output()).toContain(`vttablet zone1-0000000${t.uid} serving ks/${t.shard} as PRIMARY: grpc ${t.host.address}:${16000 + t.uid}, web ${t.host.address}:${15000 + t.uid}`);
      }
      // The records advertise each machine's address, where vtgate and vtctld dial them.
      const records = JSON.parse(await vtctldclient('GetTablets', '--keyspace', 'ks', '--format', 'json')) as { hostname: string; shard: string; port_map: { grpc: number } }[];
      expect(records.map((r) => [r.shard, r.hostname, r.port_map.grpc]).sort()).toEqual([
        ['-80', ns1.address, 16300],
        ['80-', ns2.address, 16400],
      ]);

      await vtctldclient('ApplyVSchema', '--vschema', JSON.stringify({ sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { customer: { column_vindexes: [{ column: 'id', name: 'hash' }] } } }), 'ks');
      await vtctldclient('ApplySchema', '--sql', 'create table customer(id bigint, email varchar(64), primary key(id))', 'ks');

      const conn = await mysql.createConnection({ host: ns3.address, port: mysqlPort, user: 'root', database: 'ks' });
      const grpcClient = VtgateClient.connect(`${ns3.address}:${grpc}`);
      try {
        // A VStream over both shards, from now on.
        const ac = new AbortController();
        const rowsByShard = new Map<string, number>();
        let responses = 0;
        const streaming = (async () => {
          const request = { tablet_type: 'PRIMARY', vgtid: { shard_gtids: [{ keyspace: 'ks', shard: '-80', gtid: 'current' }, { keyspace: 'ks', shard: '80-', gtid: 'current' }] }, filter: { rules: [{ match: '/.*' }] } };
          try {
            for await (const response of grpcClient.vstream(request, ac.signal)) {
              responses++;
              for (const ev of response.events as { type: string; shard: string; row_event: { row_changes: unknown[] } | null }[]) {
                if (ev.type === 'ROW') rowsByShard.set(ev.shard, (rowsByShard.get(ev.shard) ?? 0) + ev.row_event!.row_changes.length);
              }
            }
          } catch (err) {
            if (!ac.signal.aborted) throw err;
          }
        })();
        await waitFor(() => responses > 0, 'the VStream to start', 30_000);

        // hash(1) = 166b40b44aba4bd6 → -80, hash(4) = d2fd8867d50d2dfe → 80-.
        await conn.query("insert into customer(id, email) values (1, 'alice@domain.com'), (2, 'bob@domain.com'), (3, 'charlie@domain.com'), (4, 'dan@domain.com'), (5, 'eve@domain.com')");
        const ids = async (sql: string) => ((await conn.query(sql))[0] as { id: number }[]).map((r) => Number(r.id));
        const all = await ids('select id from customer order by id');
        expect(all).toEqual([1, 2, 3, 4, 5]);
        await conn.query('use `ks:-80`');
        const low = await ids('select id from customer order by id');
        await conn.query('use `ks:80-`');
        const high = await ids('select id from customer order by id');
        await conn.query('use ks');
        expect(low).toContain(1);
        expect(high).toContain(4);
        expect([...low, ...high].sort()).toEqual(all);
        // A scatter aggregate over both machines.
        expect((await conn.query('select count(*) as n from customer'))[0]).toEqual([{ n: 5 }]);

        await waitFor(() => (rowsByShard.get('-80') ?? 0) + (rowsByShard.get('80-') ?? 0) === 5, "the VStream to carry both shards' rows", 30_000);
        expect(Object.fromEntries(rowsByShard)).toEqual({ '-80': low.length, '80-': high.length });
        ac.abort();
        await streaming;

        // The first machine's link goes down: its shard becomes unavailable, the other keeps serving.
        ip('link', 'set', ns1.link, 'down');
        let failure: unknown;
        await waitFor(async () => {
          failure = await conn.query('select id from customer where id = 1').then(() => undefined, (err: unknown) => err);
          return failure !== undefined;
        }, 'the query to -80 to fail', 60_000);
        expect(failure).toMatchObject({ errno: 1105, message: expect.stringMatching(SHARD_UNAVAILABLE) });
        expect(await ids('select id from customer where id = 4')).toEqual([4]);
        // A scatter needs every shard: it fails, naming the unreachable one.
        await expect(conn.query('select count(*) from customer')).rejects.toMatchObject({ errno: 1105, message: expect.stringMatching(SHARD_UNAVAILABLE) });

        // Link up: the shard serves again.
        ip('link', 'set', ns1.link, 'up');
        await waitFor(() => conn.query('select id from customer where id = 1').then(() => true, () => false), 'the query to -80 to succeed again', 60_000);
        expect(await ids('select id from customer where id = 1')).toEqual([1]);
        expect(await ids('select id from customer order by id')).toEqual([1, 2, 3, 4, 5]);
      } finally {
        grpcClient.close();
        await conn.end();
      }
    }, 240_000);
  });
});
