/**
 * RemoteMysqlNetwork: the MysqlNetwork of a tablet process. Mysqlds registered in this process are
 * reached directly; any other tablet's is reached in its own process over gRPC, from its tablet
 * record on every connect (grpc/remote-replication-source.ts), as real mysqlds reach each other by
 * host and port.
 */
import { tabletAliasString, type TabletAlias } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import { LocalMysqlNetwork } from '../mysql-network.js';
import type { ReplicationSource } from '../replication-source.js';
import { RemoteReplicationSource } from './remote-replication-source.js';

/** See the module comment. */
export class RemoteMysqlNetwork extends LocalMysqlNetwork {
  constructor(private readonly topo: TopoServer) {
    super();
  }

  override resolve(alias: TabletAlias): ReplicationSource | undefined {
    if (this.servers.has(tabletAliasString(alias))) return super.resolve(alias);
    return new RemoteReplicationSource(alias, this.topo);
  }
}
