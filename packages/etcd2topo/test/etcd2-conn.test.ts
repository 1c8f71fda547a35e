import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TopoError, TopoServer, type WatchData } from '@vtsim/topo';
import { Etcd2Conn } from '../src/index.js';
import { runConnConformance } from '../../topo/test/conn-conformance.js';
import { describeEtcd, etcdctl, startEtcd, type EtcdServer } from '../../../test/harness/etcd-server.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A TCP proxy on a free port to `target`: cut() drops every connection and refuses new ones until resume(). */
async function tcpProxy(target: number) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(target, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  return {
    address: () => `127.0.0.1:${port}`,
    cut: async () => {
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    resume: listen,
  };
}

describeEtcd('Etcd2Conn on a real etcd', () => {
  let etcd: EtcdServer;
  let tree = 0;
  beforeAll(async () => {
    etcd = await startEtcd();
  }, 30_000);
  afterAll(async () => {
    await etcd?.destroy();
  });
  // Every Conn of the suite gets a fresh root, so each test starts on an empty tree.
  const freshRoot = () => `/vitess-test/${++tree}/global`;

  runConnConformance(
    'Etcd2Conn',
    () => Etcd2Conn.open(etcd.address, freshRoot()),
    () => {
      const root = freshRoot();
      return [Etcd2Conn.open(etcd.address, root), Etcd2Conn.open(etcd.address, `${root.slice(1)}/`)];
    },
    async () => {
      await etcd.stop();
      await etcd.start();
    },
  );

  describe('Vitess key layout, leases', () => {
    it('stores a file at <root>/<path>, its version the key\'s ModRevision', async () => {
      const root = freshRoot();
      const c = Etcd2Conn.open(etcd.address, root);
      try {
        const v = await c.create('keyspaces/ks/Keyspace', enc('{"a":1}'));
        const out = etcdctl(etcd.address, ['get', '--prefix', root, '-w', 'json']);
        const kvs = (JSON.parse(out) as { kvs: Array<{ key: string; value: string; mod_revision: number }> }).kvs;
        expect(kvs.map((kv) => Buffer.from(kv.key, 'base64').toString())).toEqual([`${root}/keyspaces/ks/Keyspace`]);
        expect(Buffer.from(kvs[0]!.value, 'base64').toString()).toBe('{"a":1}');
        expect(kvs[0]!.mod_revision).toBe(v);
      } finally {
        c.close();
      }
    });

    it('a lock held under <dir>/locks by a holder that stopped keeping its lease alive is freed when the lease expires', async () => {
      const root = freshRoot();
      const c = Etcd2Conn.open(etcd.address, root);
      try {
        await c.create('keyspaces/ks/Keyspace', enc('{}'));
        // A dead holder: a lease of 2 s that nobody renews, bound to a lock key as Vitess writes it.
        const lease = /lease ([0-9a-f]+) granted/.exec(etcdctl(etcd.address, ['lease', 'grant', '2']))![1]!;
        etcdctl(etcd.address, ['put', '--lease', lease, `${root}/keyspaces/ks/locks/${BigInt(`0x${lease}`)}`, 'dead holder']);
        const started = Date.now();
        await expect(c.lock('keyspaces/ks', 'waiter', AbortSignal.timeout(500))).rejects.toMatchObject({ code: 'Timeout' });
        const l = await c.lock('keyspaces/ks', 'waiter', AbortSignal.timeout(10_000));
        expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
        await l.check();
        // Our own lock key is there, bound to a lease, until unlock revokes it.
        expect(etcdctl(etcd.address, ['get', '--prefix', `${root}/keyspaces/ks/locks/`, '--print-value-only'])).toContain('waiter');
        await l.unlock();
        await expect(l.check()).rejects.toBeInstanceOf(TopoError);
        expect(etcdctl(etcd.address, ['get', '--prefix', `${root}/keyspaces/ks/locks/`, '--keys-only']).trim()).toBe('');
      } finally {
        c.close();
      }
    }, 20_000);

    it('check() reports NoNode once the lock\'s lease is gone, and another holder can take the lock', async () => {
      const root = freshRoot();
      const a = Etcd2Conn.open(etcd.address, root);
      const b = Etcd2Conn.open(etcd.address, root);
      try {
        await a.create('d/f', enc(''));
        const held = await a.lock('d', 'a');
        await held.check();
        // The lock key is named after its lease (decimal), as Vitess names it; revoke that lease.
        const [lockKey] = etcdctl(etcd.address, ['get', '--prefix', `${root}/d/locks/`, '--keys-only']).split('\n');
        const leaseId = BigInt(lockKey!.slice(lockKey!.lastIndexOf('/') + 1)).toString(16);
        etcdctl(etcd.address, ['lease', 'revoke', leaseId]);
        await expect(held.check()).rejects.toMatchObject({ code: 'NoNode' });
        const l = await b.lock('d', 'b', AbortSignal.timeout(5_000));
        await l.unlock();
        await held.unlock();
      } finally {
        a.close();
        b.close();
      }
    });

    it('a TopoServer watch outlives an etcd outage: it sees the records written once etcd is back', async () => {
      const root = freshRoot().replace(/\/global$/, '');
      const ts = new TopoServer(Etcd2Conn.open(etcd.address, `${root}/global`, { requestTimeoutMs: 1_000 }), {
        cellConn: (_cell, info) => Etcd2Conn.open(info.server_address, info.root, { requestTimeoutMs: 1_000 }),
      });
      const ac = new AbortController();
      try {
        await ts.createCellInfo('zone1', { server_address: etcd.address, root: `${root}/zone1` });
        await ts.createKeyspace('commerce');
        const it = ts.watchSrvVSchema('zone1', ac.signal)[Symbol.asyncIterator]();
        expect((await it.next()).value).toBeNull();
        // The watch looks for the record all along; while etcd is down (longer than a request's
        // deadline and the client's retries) it cannot even read it, and keeps trying.
        const pending = it.next();
        await etcd.stop();
        await new Promise((r) => setTimeout(r, 2_500));
        await etcd.start();
        const retry = async <T>(op: () => Promise<T>): Promise<T> => {
          for (let i = 0; ; i++) {
            try {
              return await op();
            } catch (err) {
              if (i >= 50 || !(err instanceof TopoError) || err.code !== 'Timeout') throw err;
              await new Promise((r) => setTimeout(r, 200));
            }
          }
        };
        await retry(() => ts.rebuildSrvVSchema(['zone1']));
        const next = await Promise.race([pending, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no SrvVSchema in time')), 15_000))]);
        expect(Object.keys((next.value as { keyspaces: Record<string, unknown> }).keyspaces)).toEqual(['commerce']);
      } finally {
        ac.abort();
        ts.close();
      }
    }, 40_000);

    /**
     * A watch of `k` (first value '0') through a TCP proxy that is then cut off from etcd while `k` is
     * put to '1' and '2' behind it; `body` goes on from there (the proxy still cut).
     */
    const cutOffWatch = async (body: (w: { root: string; it: AsyncIterator<WatchData>; c: Etcd2Conn; signal: AbortSignal; proxy: Awaited<ReturnType<typeof tcpProxy>> }) => Promise<void>) => {
      const root = freshRoot();
      const proxy = await tcpProxy(Number(etcd.address.split(':')[1]));
      const c = Etcd2Conn.open(proxy.address(), root, { requestTimeoutMs: 1_000 });
      const ac = new AbortController();
      try {
        await c.create('k', enc('0'));
        const it = c.watch('k', ac.signal)[Symbol.asyncIterator]();
        expect(dec(((await it.next()).value as { contents: Uint8Array }).contents)).toBe('0');
        await proxy.cut();
        etcdctl(etcd.address, ['put', `${root}/k`, '1']);
        etcdctl(etcd.address, ['put', `${root}/k`, '2']);
        await body({ root, it, c, signal: ac.signal, proxy });
      } finally {
        ac.abort();
        c.close();
        await proxy.cut();
      }
    };
    /** `promise`, or a rejection naming `what` after 15 s. */
    const within = <T>(promise: Promise<T>, what: string) => Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(what)), 15_000))]);

    it('a watch cut off from etcd resumes from its last revision: it sees every change made meanwhile, in order', async () => {
      await cutOffWatch(async ({ it, proxy }) => {
        await proxy.resume();
        const seen: string[] = [];
        for (let i = 0; i < 2; i++) {
          const d = await within(it.next(), 'no change in time');
          seen.push(d.value?.err ? d.value.err.code : dec((d.value as { contents: Uint8Array }).contents));
        }
        expect(seen).toEqual(['1', '2']);
      });
    }, 30_000);

    it('a watch whose revision was compacted while it was cut off from etcd ends with Interrupted', async () => {
      await cutOffWatch(async ({ root, it, c, signal, proxy }) => {
        const revision = (JSON.parse(etcdctl(etcd.address, ['get', `${root}/k`, '-w', 'json'])) as { header: { revision: number } }).header.revision;
        etcdctl(etcd.address, ['compact', String(revision)]);
        await proxy.resume();
        const end = await within(it.next(), 'the watch did not end');
        expect(end.value?.err?.code).toBe('Interrupted');
        expect((await it.next()).done).toBe(true);
        // A new watch starts from the current value.
        const again = c.watch('k', signal)[Symbol.asyncIterator]();
        expect(dec(((await again.next()).value as { contents: Uint8Array }).contents)).toBe('2');
      });
    }, 30_000);

    it('closing a Conn releases the locks it holds', async () => {
      const root = freshRoot();
      const a = Etcd2Conn.open(etcd.address, root);
      const b = Etcd2Conn.open(etcd.address, root);
      try {
        await a.create('d/f', enc(''));
        await a.lock('d', 'a');
        a.close();
        const l = await b.lock('d', 'b', AbortSignal.timeout(5_000));
        await l.unlock();
      } finally {
        b.close();
      }
    });
  });
});

describe('Etcd2Conn without a server', () => {
  it('fails with Timeout when nothing listens at the address', async () => {
    const c = Etcd2Conn.open('127.0.0.1:1', '/vitess/global', { requestTimeoutMs: 2_000 });
    try {
      const err = await c.get('keyspaces/ks/Keyspace').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TopoError);
      expect((err as TopoError).code).toBe('Timeout');
    } finally {
      c.close();
    }
  });
});
