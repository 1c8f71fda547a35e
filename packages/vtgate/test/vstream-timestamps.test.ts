/**
 * Event timestamps end to end: a transaction held open over the MySQL protocol, streamed by a gRPC
 * VStream client; BEGIN and ROW carry the statement's time, COMMIT the commit time.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVtgateGrpcServer, VtgateClient, type DecodedMessage, type VtgateGrpcServer } from '../src/index.js';
import { TestCluster } from './vtgate-fixture.js';

describe('VStream timestamps of a transaction left open', () => {
  let c: TestCluster;
  let server: VtgateGrpcServer;
  let client: VtgateClient;

  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('customer', '0', [200, 201]);
    await c.startVtgate(0);
    await c.exec(await c.session('customer'), 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id))');
    server = await startVtgateGrpcServer({ port: 0, executor: c.vtgate.executor, vstream: (req, signal) => c.vtgate.vstreamManager.vstream(req, signal), shutdownGraceMs: 100 });
    client = VtgateClient.connect(`127.0.0.1:${server.port}`);
  });
  afterAll(async () => {
    client.close();
    await server.close();
    await c.close();
  });

  it('shows BEGIN != COMMIT for a transaction open 2 s, on the primary and on a replica', async () => {
    const stream = (tabletType: string) =>
      client.vstream({
        tablet_type: tabletType,
        vgtid: { shard_gtids: [{ keyspace: 'customer', shard: '0', gtid: 'current' }] },
        filter: { rules: [{ match: 'customer', filter: 'select * from customer' }] },
      }, controller.signal)[Symbol.asyncIterator]();
    const controller = new AbortController();
    const primary = stream('PRIMARY');
    const replica = stream('REPLICA');
    expect(((await primary.next()).value.events as DecodedMessage[]).map((e) => e.type)).toEqual(['VGTID', 'OTHER']);
    expect(((await replica.next()).value.events as DecodedMessage[]).map((e) => e.type)).toEqual(['VGTID', 'OTHER']);

    const { port } = c.vtgate.mysqlAddress!;
    const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database: 'customer' });
    const begun = Math.floor(c.clock.now() / 1000);
    try {
      await conn.query('begin');
      await conn.query("insert into customer values (1, 'a@x')");
      c.clock.advance(2000);
      await conn.query('commit');
    } finally {
      await conn.end();
    }
    for (const it of [primary, replica]) {
      const events = (await it.next()).value.events as DecodedMessage[];
      // vtgate replaces GTID by a VGTID without a timestamp, as Vitess's vstream_manager does.
      const stamps = events.map((e) => `${e.type}@${e.type === 'VGTID' ? e.timestamp : Number(e.timestamp) - begun}`);
      expect(stamps).toEqual(['BEGIN@0', 'FIELD@0', 'ROW@0', 'VGTID@0', 'COMMIT@2']);
    }
    controller.abort();
    await primary.return?.();
    await replica.return?.();
  });
});
