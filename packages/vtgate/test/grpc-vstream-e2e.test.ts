import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, decodeRowBytes } from '@vtsim/proto';
import { startVtgateGrpcServer, VtgateClient, type DecodedMessage, type VtgateGrpcServer } from '../src/index.js';
import { VStreamManager } from '../src/vstream/index.js';
import { TestCluster } from './vtgate-fixture.js';

/** `[BEGIN FIELD]`-style summary of a decoded response (enums by name). */
const shape = (r: DecodedMessage) => `[${(r.events as DecodedMessage[]).map((e) => e.type).join(' ')}]`;
const text = (row: { lengths: string[]; values: Buffer }) => decodeRowBytes(row).map((b) => b?.toString('utf8') ?? null);

describe('VStream through the gRPC server on a real customer/0 (local example data)', () => {
  let c: TestCluster;
  let server: VtgateGrpcServer;
  let client: VtgateClient;
  const request = (gtid = '', shard = '0') => ({
    tablet_type: 'PRIMARY',
    vgtid: { shard_gtids: [{ keyspace: 'customer', shard, gtid }] },
    filter: { rules: [{ match: 'customer', filter: 'select * from customer' }] },
  });

  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('customer', '0', [200, 201]);
    await c.startVtgate();
    const s = await c.session('customer');
    await c.exec(s, 'create table customer(customer_id bigint not null auto_increment, email varbinary(128), primary key(customer_id))');
    await c.exec(s, "insert into customer(customer_id, email) values (1, 'alice@domain.com'), (2, 'bob@domain.com'), (3, 'charlie@domain.com'), (4, 'dan@domain.com'), (5, 'eve@domain.com')");
    const manager = new VStreamManager({ topo: c.topo, cell: 'zone1', dialer: c.dialer, clock: c.clock, tabletPicker: { retryMs: 20, timeoutMs: 2000 } });
    server = await startVtgateGrpcServer({ port: 0, executor: c.vtgate.executor, vstream: (req, signal) => manager.vstream(req, signal), shutdownGraceMs: 100 });
    client = VtgateClient.connect(`127.0.0.1:${server.port}`);
  });
  afterAll(async () => {
    client.close();
    await server.close();
    await c.close();
  });

  it('delivers the copy phase in the seed document shape, then a committed insert', async () => {
    const controller = new AbortController();
    const got: DecodedMessage[] = [];
    const it = client.vstream(request(), controller.signal)[Symbol.asyncIterator]();
    while (!got.some((r) => (r.events as DecodedMessage[]).some((e) => e.type === 'COPY_COMPLETED' && e.keyspace === ''))) got.push((await it.next()).value);
    expect(got.map(shape)).toEqual(['[BEGIN FIELD]', '[VGTID]', '[ROW ROW ROW ROW ROW VGTID COMMIT]', '[BEGIN VGTID COMMIT]', '[COPY_COMPLETED COPY_COMPLETED]']);

    const field = got[0]!.events[1].field_event;
    expect(field.table_name).toBe('customer.customer');
    expect(field.fields.map((f: DecodedMessage) => [f.name, f.type, f.table, f.org_table, f.database, f.org_name, f.column_length, f.charset, f.flags])).toEqual([
      ['customer_id', 'INT64', 'customer', 'customer', 'vt_customer', 'customer_id', 20, 63, 49667],
      ['email', 'VARBINARY', 'customer', 'customer', 'vt_customer', 'email', 128, 63, 128],
    ]);
    const rows = (got[2]!.events as DecodedMessage[]).filter((e) => e.type === 'ROW').map((e) => e.row_event.row_changes[0].after);
    expect(rows[0]).toEqual({ lengths: ['1', '16'], values: Buffer.from('1alice@domain.com') });
    expect(rows.map(text)).toEqual([['1', 'alice@domain.com'], ['2', 'bob@domain.com'], ['3', 'charlie@domain.com'], ['4', 'dan@domain.com'], ['5', 'eve@domain.com']]);
    const copyVgtid = got[2]!.events[5].vgtid.shard_gtids[0];
    expect(copyVgtid.gtid).toMatch(/^MySQL56\/[0-9a-f-]+:1-\d+$/);
    expect(text(copyVgtid.table_p_ks[0].lastpk.rows[0])).toEqual(['5']);
    expect(got[3]!.events[1].vgtid.shard_gtids[0].table_p_ks).toEqual([]);

    await c.exec(await c.session('customer'), "insert into customer(customer_id, email) values (6, 'frank@domain.com')");
    const tx = (await it.next()).value as DecodedMessage;
    expect(shape(tx)).toBe('[BEGIN FIELD ROW VGTID COMMIT]');
    const commit = (tx.events as DecodedMessage[]).at(-1)!;
    expect(commit.current_time).toBe((BigInt(c.clock.now()) * 1_000_000n).toString());
    expect(text(tx.events[2].row_event.row_changes[0].after)).toEqual(['6', 'frank@domain.com']);
    controller.abort();
    await it.return?.();
  });

  it("answers 'current' with [VGTID OTHER]", async () => {
    const controller = new AbortController();
    const it = client.vstream(request('current'), controller.signal)[Symbol.asyncIterator]();
    expect(shape((await it.next()).value)).toBe('[VGTID OTHER]');
    controller.abort();
    await it.return?.();
  });

  it('ends bad requests with the documented codes', async () => {
    const drain = async (req: object) => {
      for await (const _ of client.vstream(req)) void _;
    };
    await expect(drain({ vgtid: { shard_gtids: [] } })).rejects.toMatchObject({ code: Code.INVALID_ARGUMENT, message: expect.stringContaining('vgtid must have at least one value with a starting position in ShardGtids') });
    await expect(drain(request('', '40-'))).rejects.toMatchObject({ code: Code.FAILED_PRECONDITION, message: expect.stringContaining('shard provided in VGTID, 40-, not found in the customer keyspace') });
  });
});
