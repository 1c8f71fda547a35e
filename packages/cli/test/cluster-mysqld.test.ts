import { describe, expect, it } from 'vitest';
import { TabletType } from '@vtsim/proto';
import { Cluster } from '../src/cluster.js';

describe('Cluster mysqld lifecycle', () => {
  it('mysqlctl up then tablet up: the tablet runs on that mysqld, with the binlog retention tablet up asks for', async () => {
    await using cluster = await Cluster.start({ seed: 'cluster-mysqld' });
    await cluster.startMysqld(500);
    await cluster.startMysqld(501);
    const a = await cluster.addTablet({ keyspace: 'ks', shard: '0', uid: 500, binlogRetention: { maxTransactions: 3 } });
    const b = await cluster.addTablet({ keyspace: 'ks', shard: '0', uid: 501 });
    expect([a.type, b.type]).toEqual([TabletType.PRIMARY, TabletType.REPLICA]);
    await a.executeFetchAsDba('create table t (id bigint not null, primary key (id))');
    for (let i = 1; i <= 10; i++) await a.executeFetchAsDba(`insert into t (id) values (${i})`);
    expect(a.mysqld.binlog.length).toBe(3);
    expect(a.mysqld.binlog.appended).toBe(11);
    // The same seed names the same servers, whichever command created them.
    await using other = await Cluster.start({ seed: 'cluster-mysqld' });
    const c = await other.addTablet({ keyspace: 'ks', shard: '0', uid: 500 });
    expect(c.mysqld.serverUuid).toBe(a.mysqld.serverUuid);
  });

  it('kill, restart, stop and start: errors for tablets that do not exist, no-ops where mysqlctl does nothing', async () => {
    await using cluster = await Cluster.start({ seed: 'cluster-mysqld' });
    await expect(cluster.killTablet(700)).rejects.toThrow('tablet zone1-0000000700 does not exist');
    await expect(cluster.restartTablet(700)).rejects.toThrow('tablet zone1-0000000700 was never started in this cluster');
    await cluster.stopMysqld(700);
    const t = await cluster.addTablet({ keyspace: 'ks', shard: '0', uid: 700 });
    await cluster.startMysqld(700);
    expect(t.isServing).toBe(true);
    await cluster.killTablet(700);
    expect(cluster.tablet(700)).toBeUndefined();
    expect(t.mysqld.running).toBe(false);
    const again = await cluster.restartTablet(700);
    expect(again.mysqld).toBe(t.mysqld);
    expect(again.isServing).toBe(true);
    expect(await cluster.restartTablet(700)).toBe(again);
  });
});
