/**
 * The two ways callers reach a tablet, for tests that run once through each: `in-process` (the
 * Tablet object itself) and `grpc` (a TabletGrpcClient talking to a tablet gRPC server in front of
 * the same Tablet, on a free port). Answers and errors must be the same through both.
 */
import type { TabletAlias } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { startTabletGrpcServer, TabletGrpcClient, type TabletGrpcServer } from '../src/grpc/index.js';
import type { QueryService } from '../src/query-service.js';
import type { Tablet } from '../src/tablet.js';
import type { TabletManagerClient } from '../src/tablet-manager.js';

/** How a test reaches its tablets. */
export type Transport = 'in-process' | 'grpc';

/** Both transports, for `describe.each`. */
export const TRANSPORTS: Transport[] = ['in-process', 'grpc'];

/** A tablet's API as its callers see it. */
export type TabletApi = QueryService & TabletManagerClient & { readonly alias: TabletAlias };

const fronts = new Map<Tablet, { server: TabletGrpcServer; client: TabletGrpcClient }>();

/**
 * The tablet reached through `transport`: itself, or a gRPC client of a server started in front of
 * it (whose `tablet()` reads the record from `topo`; default an empty topology, for tests that
 * never ask).
 */
export async function reach(t: Tablet, transport: Transport, topo?: TopoServer): Promise<TabletApi> {
  if (transport === 'in-process') return t;
  let front = fronts.get(t);
  if (!front) {
    const server = await startTabletGrpcServer({ tablet: t, port: 0 });
    const records = topo ?? (await TopoServer.newMemory(t.alias.cell));
    front = { server, client: new TabletGrpcClient({ address: `127.0.0.1:${server.port}`, alias: t.alias, topo: records }) };
    fronts.set(t, front);
  }
  return front.client;
}

/** Closes every gRPC front started by {@link reach} (call after each test). */
export async function closeFronts(): Promise<void> {
  const all = [...fronts.values()];
  fronts.clear();
  for (const f of all) f.client.close();
  await Promise.all(all.map((f) => f.server.close()));
}
