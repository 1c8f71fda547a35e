/**
 * MysqlNetwork: how one simulated mysqld reaches another to replicate from it, as real MySQL
 * servers reach each other over the network. In one process it is a registry by tablet alias;
 * across processes (grpc/remote-mysql-network.ts) it also reaches tablets from their records.
 */
import type { TabletAlias } from '@vtsim/proto';
import { tabletAliasString } from '@vtsim/proto';
import type { Mysqld } from './mysqld/mysqld.js';
import { LocalReplicationSource, type ReplicationSource } from './replication-source.js';

/** Looks up the replication source behind a tablet alias; undefined when that server is stopped or unknown. */
export interface MysqlNetwork {
  resolve(alias: TabletAlias): ReplicationSource | undefined;
}

/**
 * The in-process MysqlNetwork: a server is registered under its tablet's alias while its datadir
 * exists, and reachable while it runs (a stopped mysqld refuses connections).
 */
export class LocalMysqlNetwork implements MysqlNetwork {
  protected readonly servers = new Map<string, Mysqld>();

  /** Makes a server reachable under an alias (replacing any previous one). */
  register(alias: TabletAlias, mysqld: Mysqld): void {
    this.servers.set(tabletAliasString(alias), mysqld);
  }

  /** Makes a server unreachable; unknown aliases are ignored. */
  unregister(alias: TabletAlias): void {
    this.servers.delete(tabletAliasString(alias));
  }

  resolve(alias: TabletAlias): ReplicationSource | undefined {
    const mysqld = this.servers.get(tabletAliasString(alias));
    return mysqld?.running ? new LocalReplicationSource(mysqld) : undefined;
  }
}
