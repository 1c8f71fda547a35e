/**
 * A cluster reaches a tablet another process registered (its record names a gRPC port this
 * process does not run) over gRPC, through the same dialers as its own tablets: vtctld applies
 * schema on it and reads its status, vtgate routes queries to it, and once its server is gone
 * vtgate answers with Vitess's unavailable error once its buffer window ends, instead of hanging.
 */
import { ManualClock, SeededRandom, randomUuid } from '@vtsim/binlog';
import { TabletType } from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { LocalMysqlNetwork, Tablet, startTabletGrpcServer } from '@vtsim/vttablet';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../test/harness/vtsim-cli.js';
import { Cluster } from '../src/cluster.js';

describe('Cluster with remote tablets', () => {
  it('reaches a tablet of another process over gRPC: schema, status, queries, and Vitess\'s unavailable error once it is gone', async () => {
    const topo = await TopoServer.newMemory('zone1');
    await using cluster = await Cluster.start({ topo, mysqlPort: 0, remoteTablets: true, seed: 'remote' });
    // "Another process": a tablet with its own mysqld network, registered in the same topology.
    const grpcPort = await freePort();
    const tablet = await Tablet.start({
      alias: { cell: 'zone1', uid: 100 },
      keyspace: 'commerce',
      shard: '0',
      type: TabletType.REPLICA,
      topo,
      network: new LocalMysqlNetwork(),
      clock: new ManualClock(1_700_000_000_000),
      hostname: '127.0.0.1',
      ports: { grpc: grpcPort },
      serverUuid: randomUuid(new SeededRandom('remote/uuid')),
      random: new SeededRandom('remote/tablet'),
    });
    const server = await startTabletGrpcServer({ tablet, port: grpcPort });
    try {
      expect(cluster.tablet(100)).toBeUndefined();
      await cluster.vtctld.applySchema({ keyspace: 'commerce', sql: ['create table product (sku varbinary(128), price bigint, primary key(sku))'] });
      expect(tablet.mysqld.tableNames('vt_commerce')).toContain('product');
      const status = await cluster.vtctld.getFullStatus({ tablet_alias: tablet.alias });
      expect(status.status?.server_uuid).toBe(tablet.mysqld.serverUuid);

      const vtgate = await cluster.startVtgate();
      const conn = await mysql.createConnection({ host: '127.0.0.1', port: vtgate.mysqlAddress!.port, database: 'commerce' });
      try {
        await conn.query("insert into product (sku, price) values ('SKU-1001', 100), ('SKU-1002', 30)");
        const [rows] = await conn.query('select sku, price from product order by sku');
        expect(rows).toEqual([
          { sku: Buffer.from('SKU-1001'), price: 100 },
          { sku: Buffer.from('SKU-1002'), price: 30 },
        ]);
        expect((await tablet.executeFetchAsDba('select count(*) from product')).rows).toEqual([[2n]]);

        await server.close();
        await tablet.close();
        // Vitess's unavailable error: once vtgate's health check saw the tablet go, the buffer's
        // (--enable-buffer) when its window ends; if the query reached the dead address first, the tablet's.
        await expect(conn.query('select sku from product')).rejects.toMatchObject({
          errno: 1105,
          message: expect.stringMatching(
            /^(upstream shard is not available: commerce\/0 did not finish its failover .*no healthy tablet available for 'keyspace:"commerce" shard:"0" tablet_type:PRIMARY'$|target: commerce\.0\.primary: vttablet: rpc error: code = Unavailable desc = )/,
          ),
        });
      } finally {
        await conn.end();
      }
    } finally {
      await server.close();
      await tablet.close();
    }
  }, 60_000);
});
