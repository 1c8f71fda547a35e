/**
 * A network partition sends no reset: the connection to the tablet stays open and silent. The
 * tablet's gRPC client pings with Vitess's keepalive (grpcclient's `--grpc_keepalive_time` and
 * `--grpc_keepalive_timeout`), so its calls fail with UNAVAILABLE once a ping goes unanswered; a
 * client without pings keeps waiting. The partition is a TCP relay in front of the tablet's
 * server that stops passing bytes either way while keeping both sockets open.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Code, VtError } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { afterEach, describe, expect, it } from 'vitest';
import { startTabletGrpcServer, TabletGrpcClient, type TabletGrpcServer } from '../src/grpc/index.js';
import { closeCluster, newCluster, startTablet, type Cluster } from './vstreamer-fixture.js';

/** A relay to `port` that can be cut: then it holds every byte back (the sockets stay open), as a partition does. */
async function relay(port: number): Promise<{ port: number; cut: () => void; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  let cut = false;
  const server: Server = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    sockets.push(inbound, outbound);
    inbound.on('data', (d) => void (cut || outbound.write(d)));
    outbound.on('data', (d) => void (cut || inbound.write(d)));
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => void (cut = true),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let cluster: Cluster | undefined;
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  if (cluster) await closeCluster(cluster);
  cluster = undefined;
});

describe('tablet gRPC keepalive', () => {
  it('fails a silent connection with UNAVAILABLE once a ping goes unanswered; without pings the call keeps waiting', async () => {
    cluster = await newCluster();
    const tablet = await startTablet(cluster, 'commerce', '0', 100);
    const server: TabletGrpcServer = await startTabletGrpcServer({ tablet, port: 0 });
    closers.push(() => server.close());
    const front = await relay(server.port);
    closers.push(() => front.close());
    const topo = await TopoServer.newMemory('zone1');
    const client = (keepalive: { timeMs: number; timeoutMs: number }) => {
      const c = new TabletGrpcClient({ address: `127.0.0.1:${front.port}`, alias: tablet.alias, topo, keepalive });
      closers.push(() => c.close());
      return c;
    };
    const pinging = client({ timeMs: 200, timeoutMs: 200 });
    const silent = client({ timeMs: 0, timeoutMs: 0 });

    // Both follow the tablet's health (each has its first report) until the partition.
    const ac = new AbortController();
    closers.push(() => ac.abort());
    const [pingingStream, silentStream] = [pinging, silent].map((c) => c.streamHealth(ac.signal)[Symbol.asyncIterator]()) as [AsyncIterator<unknown>, AsyncIterator<unknown>];
    await Promise.all([pingingStream.next(), silentStream.next()]);

    front.cut();
    const silentNext = silentStream.next().then(() => 'answered', () => 'failed');
    // The stream ends only with an error (done without one is a failure below).
    const err = await (async () => {
      while (!(await pingingStream.next()).done);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VtError);
    expect((err as VtError).code).toBe(Code.UNAVAILABLE);
    // The client without pings is still waiting on the same silent connection.
    expect(await Promise.race([silentNext, Promise.resolve('waiting')])).toBe('waiting');
  });
});
