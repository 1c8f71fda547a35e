/**
 * The tablet's VStreamRows (Vitess's rowstreamer), in process and over queryservice gRPC: a table's
 * rows from one snapshot with the snapshot's position, resumable after a last primary key.
 */
import { Code, Type, VtError, type VStreamRowsRequest, type VStreamRowsResponse } from '@vtsim/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastPkResult } from '../src/vstreamer/last-pk.js';
import type { Tablet } from '../src/tablet.js';
import { TRANSPORTS, reach, type Transport } from './tablet-transport.js';
import { CUSTOMER_EMAILS, closeCluster, exec, loadCustomers, newCluster, rowText, startTablet, targetOf, type Cluster } from './vstreamer-fixture.js';

let c: Cluster;
beforeEach(async () => {
  c = await newCluster();
});
afterEach(async () => {
  await closeCluster(c);
});

/** Reads a whole VStreamRows stream; `between` runs after the first response (fields and position) arrived. */
async function readRows(t: Tablet, transport: Transport, request: Omit<VStreamRowsRequest, 'target'>, between?: () => Promise<void>): Promise<VStreamRowsResponse[]> {
  const service = await reach(t, transport);
  const out: VStreamRowsResponse[] = [];
  const ac = new AbortController();
  for await (const r of service.vstreamRows({ target: targetOf(t), ...request }, ac.signal)) {
    out.push(r);
    if (out.length === 1) await between?.();
  }
  return out;
}

describe.each(TRANSPORTS)('VStreamRows, reached %s', (transport) => {
  it("streams the local example's customers: fields, primary-key fields and position first, then the rows with the last primary key", async () => {
    const t = await startTablet(c, 'customer', '0', 200);
    await loadCustomers(t);
    const [first, ...packets] = await readRows(t, transport, { query: 'select * from customer', lastpk: null });
    expect(first!.fields.map((f) => [f.name, f.type, f.table, f.org_name, f.charset, f.flags])).toEqual([
      ['customer_id', Type.INT64, 'customer', 'customer_id', 63, 49667],
      ['email', Type.VARBINARY, 'customer', 'email', 63, 128],
    ]);
    expect(first!.pkfields.map((f) => [f.name, f.type])).toEqual([['customer_id', Type.INT64]]);
    expect(first!.gtid).toBe(t.position());
    expect(first!.rows).toEqual([]);
    expect(packets).toHaveLength(1);
    expect(packets[0]!.rows.map(rowText)).toEqual(CUSTOMER_EMAILS.map((m, i) => [String(i + 1), m]));
    expect(rowText(packets[0]!.lastpk)).toEqual(['5']);
  });

  it('reads one snapshot: a row committed after the stream started is neither in its rows nor in its position', async () => {
    const t = await startTablet(c, 'customer', '0', 200);
    await loadCustomers(t);
    const before = t.position();
    const responses = await readRows(t, transport, { query: 'select * from customer', lastpk: null }, () => exec(t, "insert into customer(email) values ('frank@domain.com')"));
    expect(responses[0]!.gtid).toBe(before);
    expect(responses.flatMap((r) => r.rows).map((row) => rowText(row)![1])).toEqual(CUSTOMER_EMAILS);
    expect(t.position()).not.toBe(before);
  });

  it('resumes after a last primary key and sends only the selected columns', async () => {
    const t = await startTablet(c, 'customer', '0', 200);
    await loadCustomers(t);
    const [whole] = await readRows(t, transport, { query: 'select * from customer', lastpk: null });
    const lastpk = lastPkResult(whole!.pkfields, [3n]);
    const [first, ...packets] = await readRows(t, transport, { query: 'select email from customer', lastpk });
    expect(first!.fields.map((f) => f.name)).toEqual(['email']);
    expect(packets.flatMap((p) => p.rows).map(rowText)).toEqual([['dan@domain.com'], ['eve@domain.com']]);
    expect(rowText(packets[packets.length - 1]!.lastpk)).toEqual(['5']);
  });

  it('fails for a table the database does not have, a statement that is not a select, and another target', async () => {
    const t = await startTablet(c, 'customer', '0', 200);
    await loadCustomers(t);
    await expect(readRows(t, transport, { query: 'select * from nosuch', lastpk: null })).rejects.toMatchObject({ code: Code.NOT_FOUND, message: 'unknown table nosuch in schema' });
    await expect(readRows(t, transport, { query: 'delete from customer', lastpk: null })).rejects.toMatchObject({ code: Code.INVALID_ARGUMENT, message: 'unsupported: delete from customer' });
    const service = await reach(t, transport);
    const read = async () => {
      for await (const _ of service.vstreamRows({ target: { ...targetOf(t), keyspace: 'commerce' }, query: 'select * from customer', lastpk: null }, new AbortController().signal)) void _;
    };
    await expect(read()).rejects.toThrow(/invalid keyspace commerce/);
    // In process the error is the tablet's own VtError; over gRPC the same code and message come back.
    if (transport === 'in-process') await expect(readRows(t, transport, { query: 'select * from nosuch', lastpk: null })).rejects.toBeInstanceOf(VtError);
  });
});
