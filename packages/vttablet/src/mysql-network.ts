/**
 * MysqlNetwork: how one simulated mysqld reaches another to replicate from it, as real MySQL
 * servers reach each other over the network. In one process it is a registry by tablet alias.
 */
import type { TabletAlias } from '@vtsim/proto';
import { tabletAliasString } from '@vtsim/proto';
import type { Mysqld } from './mysqld/mysqld.js';

/** Looks up the mysqld behind a tablet alias; undefined when that server is down or unknown. */
export interface MysqlNetwork {
  resolve(alias: TabletAlias): Mysqld | undefined;
}

/** The in-process MysqlNetwork: servers register when they start and leave when they stop. */
export class LocalMysqlNetwork implements MysqlNetwork {
  private readonly servers = new Map<string, Mysqld>();

  /** Makes a server reachable under an alias (replacing any previous one). */
  register(alias: TabletAlias, mysqld: Mysqld): void {
    this.servers.set(tabletAliasString(alias), mysqld);
  }

  /** Makes a server unreachable; unknown aliases are ignored. */
  unregister(alias: TabletAlias): void {
    this.servers.delete(tabletAliasString(alias));
  }

  resolve(alias: TabletAlias): Mysqld | undefined {
    return this.servers.get(tabletAliasString(alias));
  }
}
