/**
 * TabletGrpcDialer: reaches tablets that run in other processes over gRPC, at the address their
 * topology record gives (`hostname` and `port_map.grpc`), as Vitess's tabletconn dials a tablet
 * from its record. One client per tablet, kept until close().
 */
import { tabletAliasString, type TabletAlias } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import { TabletGrpcClient, type GrpcKeepalive } from './tablet-grpc-client.js';

/**
 * How long a tablet found unreachable counts as down: the dialer answers undefined for it meanwhile
 * (as for an in-process tablet that is not running), so callers drop it rather than re-dialing a
 * dead address in a loop; Vitess's healthcheck likewise waits before retrying a failed stream.
 */
export const TABLET_RETRY_DELAY_MS = 1000;

/** See the module comment. */
export class TabletGrpcDialer {
  private readonly clients = new Map<string, TabletGrpcClient>();
  private closed = false;

  /** `keepalive`: every client's (default Vitess's, see TabletGrpcClientOptions.keepalive). */
  constructor(
    private readonly topo: TopoServer,
    private readonly keepalive?: GrpcKeepalive,
  ) {}

  /**
   * The tablet's client, or undefined while it counts as down ({@link TABLET_RETRY_DELAY_MS} after
   * a call found it unreachable). The record is read on its first call (and again after the tablet
   * was unreachable); a tablet without a record or a gRPC port fails calls with UNAVAILABLE.
   */
  dial(alias: TabletAlias): TabletGrpcClient | undefined {
    const key = tabletAliasString(alias);
    let client = this.clients.get(key);
    if (client?.unreachableWithin(TABLET_RETRY_DELAY_MS)) return undefined;
    if (!client) {
      client = new TabletGrpcClient({ alias, topo: this.topo, address: () => this.address(alias), keepalive: this.keepalive });
      if (this.closed) client.close();
      else this.clients.set(key, client);
    }
    return client;
  }

  private async address(alias: TabletAlias): Promise<string> {
    const { tablet } = await this.topo.getTablet(alias);
    const port = tablet.port_map.grpc;
    if (!port) throw new Error('its record has no grpc port');
    return `${tablet.hostname.includes(':') ? `[${tablet.hostname}]` : tablet.hostname}:${port}`;
  }

  /** Closes every client (their calls fail with UNAVAILABLE). Idempotent. */
  close(): void {
    this.closed = true;
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
