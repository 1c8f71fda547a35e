/**
 * ClusterDbDdlPlugin: CREATE/DROP DATABASE through vtgate, as vtcombo's DBDDL plugin does them
 * (go/cmd/vtcombo's plugin with vtcombo.CreateKs / DeleteKs): a new database is an unsharded
 * keyspace with one shard `0` and vtcombo's tablets for it (a primary, a replica and an rdonly in
 * the cluster's cell), its serving graph and SrvVSchema built; dropping one deletes its tablets (and
 * their mysqlds with the data), its shards, serving graph, keyspace record and VSchema.
 */
import { Code, ER, TabletType, sqlError, type TabletAlias } from '@vtsim/proto';
import { isTopoError } from '@vtsim/topo';
import type { DbDdlPlugin } from '@vtsim/vtgate';
import type { Cluster } from './cluster.js';

/** The tablet types vtcombo gives each shard of a keyspace created by CREATE DATABASE (replica count 2, rdonly count 1). */
const TABLET_TYPES = [TabletType.REPLICA, TabletType.REPLICA, TabletType.RDONLY];

/** The DBDDL plugin of a running cluster (see the module comment). */
export class ClusterDbDdlPlugin implements DbDdlPlugin {
  /** The last queued operation: creations and drops run one at a time (each picks free uids). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly cluster: Cluster) {}

  /** Runs `op` after every operation queued before it. */
  private serialized(op: () => Promise<void>): Promise<void> {
    const run = this.tail.then(op, op);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Creates keyspace `name` with shard `0` and its tablets (uids from the next free hundred, as the
   * initial topology numbers them); the first replica becomes the primary. Resolves once they serve.
   * Concurrent calls run one after the other. Fails with 1007 if the keyspace exists by then (a
   * concurrent CREATE DATABASE of the same name won).
   */
  createDatabase(name: string): Promise<void> {
    return this.serialized(async () => {
      const { cluster } = this;
      try {
        await cluster.topo.createKeyspace(name);
      } catch (err) {
        if (isTopoError(err, 'NodeExists')) throw sqlError(ER.DB_CREATE_EXISTS, `VT06001: cannot create database '${name}'; database exists`, Code.ALREADY_EXISTS);
        throw err;
      }
      const base = (Math.floor((await this.maxUid()) / 100) + 1) * 100;
      for (const [i, type] of TABLET_TYPES.entries()) await cluster.addTablet({ keyspace: name, shard: '0', uid: base + i, type });
      await cluster.topo.rebuildSrvVSchema();
    });
  }

  /**
   * Deletes keyspace `name`: its tablets (the primary last), then its shards, serving graph, record
   * and VSchema. Concurrent calls run one after the other; 1008 if the keyspace is gone by then.
   */
  dropDatabase(name: string): Promise<void> {
    return this.serialized(async () => {
      const { cluster } = this;
      try {
        await cluster.topo.getKeyspace(name);
      } catch (err) {
        if (isTopoError(err, 'NoNode')) throw sqlError(ER.DB_DROP_EXISTS, `VT05001: cannot drop database '${name}'; database does not exists`, Code.NOT_FOUND);
        throw err;
      }
      const tablets: Array<{ alias: TabletAlias; primary: boolean }> = [];
      for (const shard of await cluster.topo.getShardNames(name)) {
        for (const t of await cluster.topo.getTabletsByShard(name, shard)) tablets.push({ alias: t.tablet.alias, primary: t.tablet.type === TabletType.PRIMARY });
      }
      tablets.sort((a, b) => Number(a.primary) - Number(b.primary));
      for (const t of tablets) await cluster.deleteTablet(t.alias.uid, { cell: t.alias.cell, allowPrimary: true });
      await cluster.vtctld.deleteKeyspace({ keyspace: name, recursive: true });
    });
  }

  /** The highest tablet uid the topology or the cluster knows (0 when none). */
  private async maxUid(): Promise<number> {
    let max = 0;
    for (const cell of await this.cluster.topo.getCellInfoNames()) {
      for (const alias of await this.cluster.topo.getTabletAliasesByCell(cell)) max = Math.max(max, alias.uid);
    }
    for (const t of this.cluster.tabletMap().values()) max = Math.max(max, t.alias.uid);
    return max;
  }
}
