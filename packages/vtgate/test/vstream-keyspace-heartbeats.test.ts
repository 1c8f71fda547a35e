/**
 * Keyspace heartbeats through vtgate's gRPC VStream: primaries started with heartbeats enabled write
 * `_vt.heartbeat`; `stream_keyspace_heartbeats` streams those writes as internal ROW events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRowBytes } from '@vtsim/proto';
import { startVtgateGrpcServer, VtgateClient, type DecodedMessage, type VtgateGrpcServer } from '../src/index.js';
import { TestCluster } from './vtgate-fixture.js';

describe('VStream with stream_keyspace_heartbeats', () => {
  let c: TestCluster;
  let server: VtgateGrpcServer;
  let client: VtgateClient;
  let clockTimer: ReturnType<typeof setInterval>;

  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('customer', '-80', [300, 301], { heartbeatIntervalMs: 10 });
    await c.addShard('customer', '80-', [400, 401], { heartbeatIntervalMs: 10 });
    await c.startVtgate();
    server = await startVtgateGrpcServer({ port: 0, executor: c.vtgate.executor, vstream: (req, signal) => c.vtgate.vstreamManager.vstream(req, signal), shutdownGraceMs: 100 });
    client = VtgateClient.connect(`127.0.0.1:${server.port}`);
    // A heartbeat with an unchanged time changes no row and is not logged: keep the clock moving.
    clockTimer = setInterval(() => c.clock.advance(10), 5);
  });
  afterAll(async () => {
    clearInterval(clockTimer);
    client.close();
    await server.close();
    await c.close();
  });

  /** The ROW events among the first `batches` responses of a stream from 'current' on both shards. */
  async function rowEvents(flags: object, batches: number): Promise<DecodedMessage[]> {
    const controller = new AbortController();
    const request = {
      tablet_type: 'PRIMARY',
      vgtid: { shard_gtids: [{ keyspace: 'customer', shard: '-80', gtid: 'current' }, { keyspace: 'customer', shard: '80-', gtid: 'current' }] },
      filter: { rules: [{ match: '/.*', filter: '' }] },
      flags,
    };
    const rows: DecodedMessage[] = [];
    const it = client.vstream(request, controller.signal)[Symbol.asyncIterator]();
    for (let i = 0; i < batches; i++) {
      for (const e of (await it.next()).value.events as DecodedMessage[]) if (e.type === 'ROW' || e.type === 'FIELD') rows.push(e);
    }
    controller.abort();
    await it.return?.();
    return rows;
  }

  it("streams each shard primary's heartbeat row as an internal ROW event of <keyspace>.heartbeat", async () => {
    const events = await rowEvents({ stream_keyspace_heartbeats: true }, 30);
    const fields = events.filter((e) => e.type === 'FIELD').map((e) => [e.field_event.table_name, e.field_event.is_internal_table, e.field_event.shard]);
    expect(fields.sort()).toEqual([['customer.heartbeat', true, '-80'], ['customer.heartbeat', true, '80-']]);
    const rows = events.filter((e) => e.type === 'ROW');
    expect(rows.length).toBeGreaterThan(4);
    for (const e of rows) {
      expect([e.row_event.table_name, e.row_event.is_internal_table]).toEqual(['customer.heartbeat', true]);
      const after = decodeRowBytes(e.row_event.row_changes[0].after).map((b) => b!.toString('utf8'));
      expect(after.slice(0, 2)).toEqual(e.shard === '-80' ? ['customer:-80', '300'] : ['customer:80-', '400']);
    }
  });

  it('names the table without the keyspace under exclude_keyspace_from_table_name', async () => {
    const events = await rowEvents({ stream_keyspace_heartbeats: true, exclude_keyspace_from_table_name: true }, 10);
    expect(new Set(events.map((e) => (e.type === 'ROW' ? e.row_event.table_name : e.field_event.table_name)))).toEqual(new Set(['heartbeat']));
  });

  it('streams no heartbeat rows without the flag', async () => {
    expect(await rowEvents({}, 20)).toEqual([]);
  });
});
