import { Code, TabletType, VEventType, VtError, type VStreamResponse } from '@vtsim/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VStreamManager } from '../src/vstream/index.js';
import {
  StreamReader,
  TableImage,
  interleavings,
  lastVGtid,
  rowEvents,
  rowText,
  shape,
  sourceOf,
  types,
  vstreamRequest,
} from './vstream-fixture.js';
import { TestCluster, waitFor } from './vtgate-fixture.js';

const CUSTOMER_RULES = [{ match: 'customer', filter: 'select * from customer' }];
const SHARDS = ['-80', '80-'] as const;

describe('VStream on a sharded customer keyspace (-80, 80-)', () => {
  let c: TestCluster;
  let manager: VStreamManager;
  const readers: StreamReader[] = [];
  const open = (...args: Parameters<typeof vstreamRequest>): StreamReader => {
    const reader = new StreamReader((signal) => manager.vstream(vstreamRequest(...args), signal));
    readers.push(reader);
    return reader;
  };
  const exec = async (sql: string) => c.exec(await c.session('customer'), sql);

  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('customer', '-80', [300, 301, 302]);
    await c.addShard('customer', '80-', [400, 401, 402]);
    await c.startVtgate();
    await c.applyVSchema('customer', {
      sharded: true,
      vindexes: { hash: { type: 'hash' } },
      tables: {
        customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
        corder: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
        blobs: { column_vindexes: [{ column: 'id', name: 'hash' }] },
      },
    });
    await exec('create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id))');
    await exec('create table corder(order_id bigint not null, customer_id bigint, sku varbinary(128), price bigint, primary key(order_id))');
    await exec('create table blobs(id bigint not null, data mediumblob, primary key(id))');
    await exec(
      "insert into customer(customer_id, email) values (1, 'alice@domain.com'), (2, 'bob@domain.com'), (3, 'charlie@domain.com'), (4, 'dan@domain.com'), (5, 'eve@domain.com')",
    );
    manager = new VStreamManager({ topo: c.topo, cell: 'zone1', dialer: c.dialer, clock: c.clock, tabletPicker: { retryMs: 20, timeoutMs: 5000 } });
  });
  afterAll(async () => {
    for (const r of readers) await r.close();
    await c.close();
  });

  it('copies both shards: per shard BEGIN FIELD, VGTID, ROWs VGTID(lastpk) COMMIT, BEGIN VGTID COMMIT, COPY_COMPLETED, then one final COPY_COMPLETED', async () => {
    const reader = open(SHARDS.map((shard) => ({ keyspace: 'customer', shard })), { rules: CUSTOMER_RULES });
    const responses = await reader.until((r) => r.events.some((e) => e.type === VEventType.COPY_COMPLETED && !e.keyspace));
    expect(interleavings(responses)).toEqual([]);
    const last = responses.at(-1)!;
    expect(types(last)).toEqual(['COPY_COMPLETED', 'COPY_COMPLETED']);
    const lastShard = sourceOf(last);
    const expectedRows: Record<string, string[]> = { '-80': ['1', '2', '3', '5'], '80-': ['4'] };
    for (const shard of SHARDS) {
      const mine = responses.filter((r) => sourceOf(r) === `customer/${shard}`);
      const completed = `customer/${shard}` === lastShard ? '[COPY_COMPLETED COPY_COMPLETED]' : '[COPY_COMPLETED]';
      const rows = expectedRows[shard]!.map(() => 'ROW').join(' ');
      expect(mine.map(shape)).toEqual(['[BEGIN FIELD]', '[VGTID]', `[${rows} VGTID COMMIT]`, '[BEGIN VGTID COMMIT]', completed]);
      const field = mine[0]!.events[1]!.field_event!;
      expect(field.table_name).toBe('customer.customer');
      expect(field.fields.map((f) => f.name)).toEqual(['customer_id', 'email']);
      const rowEvs = mine[2]!.events.filter((e) => e.type === VEventType.ROW);
      expect(rowEvs.map((e) => e.row_event!.table_name)).toEqual(expectedRows[shard]!.map(() => 'customer.customer'));
      expect(rowEvs.map((e) => rowText(e.row_event!.row_changes[0]!.after!)[0])).toEqual(expectedRows[shard]);
      const own = (vgtid: VStreamResponse['events'][number]) => vgtid.vgtid!.shard_gtids.find((s) => s.shard === shard)!;
      const snapshot = own(mine[1]!.events[0]!);
      expect(snapshot.gtid).toMatch(/^MySQL56\//);
      expect(snapshot.table_p_ks).toEqual([]);
      const withPK = own(mine[2]!.events.at(-2)!);
      expect(withPK.gtid).toBe(snapshot.gtid);
      expect(withPK.table_p_ks.map((t) => [t.table_name, rowText(t.lastpk!.rows[0]!)])).toEqual([['customer', [expectedRows[shard]!.at(-1)]]]);
      expect(own(mine[3]!.events[1]!)).toEqual({ keyspace: 'customer', shard, gtid: snapshot.gtid, table_p_ks: [] });
      expect(mine[4]!.events[0]).toMatchObject({ type: VEventType.COPY_COMPLETED, keyspace: 'customer', shard });
    }
    // Every VGTID lists both shards in request order; a shard not heard from yet keeps its request value ('').
    for (const r of responses) {
      for (const e of r.events.filter((x) => x.type === VEventType.VGTID)) {
        expect(e.vgtid!.shard_gtids.map((s) => s.shard)).toEqual([...SHARDS]);
      }
    }
    expect(lastVGtid(responses)!.shard_gtids.every((s) => s.gtid.startsWith('MySQL56/') && s.table_p_ks.length === 0)).toBe(true);
  });

  it("starts 'current' on two shards with exactly [VGTID, OTHER] per shard, then nothing (tablet heartbeats are dropped)", async () => {
    const reader = open(SHARDS.map((shard) => ({ keyspace: 'customer', shard, gtid: 'current' })));
    const responses = await reader.take(2);
    expect(responses.map(shape)).toEqual(['[VGTID OTHER]', '[VGTID OTHER]']);
    expect(new Set(responses.map(sourceOf))).toEqual(new Set(['customer/-80', 'customer/80-']));
    const first = responses[0]!.events[0]!.vgtid!.shard_gtids;
    const firstShard = sourceOf(responses[0]!).split('/')[1];
    for (const s of first) expect(s.gtid).toMatch(s.shard === firstShard ? /^MySQL56\// : /^current$/);
    expect(responses[1]!.events[0]!.vgtid!.shard_gtids.every((s) => s.gtid.startsWith('MySQL56/'))).toBe(true);
    expect(await reader.next(1500)).toBeUndefined();
  });

  it('streams transactions as BEGIN ROW VGTID COMMIT with keyspace-qualified table names, or bare ones when asked', async () => {
    const qualified = open([{ keyspace: 'customer', gtid: 'current' }]);
    const bare = open([{ keyspace: 'customer', gtid: 'current' }], { flags: { exclude_keyspace_from_table_name: true } });
    await qualified.take(2);
    await bare.take(2);
    await exec("insert into customer(customer_id, email) values (6, 'sougou@planetscale.com'), (7, 'deepthi@planetscale.com')");
    const [tx] = await qualified.take(1);
    expect(shape(tx!)).toBe('[BEGIN FIELD ROW VGTID COMMIT]');
    expect(sourceOf(tx!)).toBe('customer/80-');
    expect(tx!.events[1]!.field_event!.table_name).toBe('customer.customer');
    const row = tx!.events[2]!.row_event!;
    expect(row.table_name).toBe('customer.customer');
    expect(row.row_changes.map((ch) => rowText(ch.after!))).toEqual([
      ['6', 'sougou@planetscale.com'],
      ['7', 'deepthi@planetscale.com'],
    ]);
    const [bareTx] = await bare.take(1);
    expect(bareTx!.events[1]!.field_event!.table_name).toBe('customer');
    expect(bareTx!.events[2]!.row_event!.table_name).toBe('customer');
    expect(bareTx!.events.find((e) => e.type === VEventType.VGTID)!.vgtid!.shard_gtids.map((s) => s.shard)).toEqual(['-80', '80-']);
  });

  it('resumes from a saved streaming VGTID with exactly the changes after it, once each, in commit order per shard', async () => {
    const reader = open([{ keyspace: 'customer', gtid: 'current' }], { rules: CUSTOMER_RULES });
    await reader.take(2);
    const ids = Array.from({ length: 12 }, (_, i) => 100 + i);
    for (const id of ids) await exec(`insert into customer(customer_id, email) values (${id}, 'c${id}@x')`);
    const all = await reader.take(ids.length);
    expect(all.every((r) => shape(r) === '[BEGIN ROW VGTID COMMIT]' || shape(r) === '[BEGIN FIELD ROW VGTID COMMIT]')).toBe(true);
    const seen = (rs: VStreamResponse[]) => rowEvents(rs).map((e) => `${e.shard}:${rowText(e.row_event!.row_changes[0]!.after!)[0]}`);
    const saved = lastVGtid(all.slice(0, 5))!;
    const resumed = open(saved.shard_gtids, { rules: CUSTOMER_RULES });
    const rest = await resumed.take(ids.length - 5);
    const byShard = (xs: string[], shard: string) => xs.filter((x) => x.startsWith(`${shard}:`));
    for (const shard of SHARDS) expect(byShard(seen(rest), shard)).toEqual(byShard(seen(all.slice(5)), shard));
    expect(await resumed.next(300)).toBeUndefined();
  });

  it('never interleaves two shards’ transactions, even when each leaves the tablet in several batches', async () => {
    const reader = open([{ keyspace: 'customer', gtid: 'current' }], { rules: [{ match: 'blobs', filter: '' }] });
    await reader.take(2);
    const big = 'x'.repeat(100_000);
    const values = (ids: number[]) => ids.map((id) => `(${id}, '${big}')`).join(', ');
    // 1, 2, 3, 5 hash to -80 and 4, 6, 7 to 80-: one transaction per shard, each of several packets.
    const low = await c.session('customer/-80');
    const high = await c.session('customer/80-');
    await Promise.all([
      c.exec(low, `insert into blobs(id, data) values ${values([1, 2, 3, 5, 8, 9])}`),
      c.exec(high, `insert into blobs(id, data) values ${values([4, 6, 7, 10, 11, 12])}`),
    ]);
    const responses = await reader.until((r) => {
      const done = reader.received.filter((x) => x.events.some((e) => e.type === VEventType.COMMIT)).length;
      return done >= 2 && r.events.some((e) => e.type === VEventType.COMMIT);
    });
    expect(responses.length).toBeGreaterThan(2);
    expect(interleavings(responses)).toEqual([]);
    expect(rowEvents(responses).reduce((n, e) => n + e.row_event!.row_changes.length, 0)).toBe(12);
  });

  it('sends vtgate heartbeats only when asked, and only when idle', async () => {
    const quiet = open([{ keyspace: 'customer', shard: '-80', gtid: 'current' }]);
    const beating = open([{ keyspace: 'customer', shard: '-80', gtid: 'current' }], { flags: { heartbeat_interval: 1 } });
    await quiet.take(1);
    await beating.take(1);
    const beats = await beating.take(2, 2500);
    for (const b of beats) {
      expect(b.events).toHaveLength(1);
      expect(b.events[0]).toMatchObject({ type: VEventType.HEARTBEAT, timestamp: Math.floor(c.clock.now() / 1000), current_time: c.clock.nowNanos().toString() });
      expect(b.events[0]!.keyspace).toBeUndefined();
    }
    expect(await quiet.next(200)).toBeUndefined();
  });

  it('holds back a shard that is ahead under minimize_skew until the laggard catches up', async () => {
    const reader = open([{ keyspace: 'customer', gtid: 'current' }], { rules: CUSTOMER_RULES, flags: { minimize_skew: true } });
    await reader.take(2);
    const low = await c.session('customer/-80');
    const high = await c.session('customer/80-');
    await c.exec(low, "insert into customer(customer_id, email) values (5001, 'low-1')");
    expect(sourceOf((await reader.take(1))[0]!)).toBe('customer/-80');
    c.clock.advance(10_000);
    await c.exec(high, "insert into customer(customer_id, email) values (5004, 'high-1')");
    expect(await reader.next(150)).toBeUndefined();
    await c.exec(low, "insert into customer(customer_id, email) values (5002, 'low-2')");
    const released = await reader.take(2);
    expect(rowEvents(released).map((e) => `${e.shard}:${rowText(e.row_event!.row_changes[0]!.after!)[1]}`)).toEqual(['-80:low-2', '80-:high-1']);
  });

  it('lets a stream that nobody reads wait without holding up other streams', async () => {
    const stalled = open([{ keyspace: 'customer', gtid: 'current' }], { rules: CUSTOMER_RULES });
    const live = open([{ keyspace: 'customer', gtid: 'current' }], { rules: CUSTOMER_RULES });
    await stalled.take(2);
    await live.take(2);
    for (let i = 0; i < 40; i++) await exec(`insert into customer(customer_id, email) values (${3000 + i}, 'z')`);
    const got = await live.take(40);
    expect(rowEvents(got)).toHaveLength(40);
    const later = await stalled.take(40);
    expect(rowEvents(later)).toHaveLength(40);
  });

  it('ends a stream with bad input with the tablet’s code and message, and leaves other streams alone', async () => {
    const bystander = open([{ keyspace: 'customer', gtid: 'current' }], { rules: CUSTOMER_RULES });
    await bystander.take(2);
    const cases: [Parameters<typeof vstreamRequest>, RegExp][] = [
      [[[{ keyspace: 'customer', shard: '-80' }], { rules: [{ match: 'nope', filter: '' }] }], /: table nope is not present in the database$/],
      [[[{ keyspace: 'customer', shard: '-80' }], { rules: [{ match: 'customer', filter: 'select from where' }] }], /./],
      [[[{ keyspace: 'customer', shard: '-80', gtid: 'MySQL56/garbage' }]], /could not decode position/],
      [[[{ keyspace: 'customer', shard: '-80', gtid: 'MySQL56/00000000-0000-0000-0000-00000000dead:1-5' }]], /: GTIDSet Mismatch: /],
    ];
    for (const [args, message] of cases) {
      const reader = open(...args);
      const err = (await reader.next().catch((e: unknown) => e)) as VtError;
      expect(err).toBeInstanceOf(VtError);
      expect(err.code).toBe(Code.INVALID_ARGUMENT);
      expect(err.message).toMatch(/^error starting stream from shard GTID keyspace:"customer" shard:"-80".*: error in vstream for customer\/-80 on tablet zone1-0000000300: /);
      expect(err.message).toMatch(message);
    }
    await exec("insert into customer(customer_id, email) values (4000, 'still@streaming')");
    const [tx] = await bystander.take(1);
    expect(rowEvents([tx!]).map((e) => rowText(e.row_event!.row_changes[0]!.after!))).toEqual([['4000', 'still@streaming']]);
  });

  it('keeps the table image identical to the table across a copy interrupted after its first packet and resumed', async () => {
    const s = await c.session('customer/-80');
    const big = (n: number) => String(n % 10).repeat(60_000);
    for (let id = 100; id < 120; id++) await c.exec(s, `insert into blobs(id, data) values (${id}, '${big(id)}')`);
    const rules = [{ match: 'blobs', filter: '' }];
    const first = open([{ keyspace: 'customer', shard: '-80' }], { rules });
    const head = await first.until((r) => r.events.some((e) => e.type === VEventType.COMMIT));
    await first.close();
    const saved = lastVGtid(head)!;
    const copiedUpTo = Number(rowText(saved.shard_gtids[0]!.table_p_ks[0]!.lastpk!.rows[0]!)[0]);
    expect(copiedUpTo).toBeGreaterThan(0);
    expect(copiedUpTo).toBeLessThan(119);
    await c.exec(s, `update blobs set data = 'changed' where id in (1, ${copiedUpTo}, 119)`);
    await c.exec(s, `delete from blobs where id in (2, 118)`);
    await c.exec(s, `insert into blobs(id, data) values (0, 'low'), (500, 'high')`);
    const second = open(saved.shard_gtids, { rules });
    const tail = await second.until((r) => r.events.some((e) => e.type === VEventType.COPY_COMPLETED));
    const image = new TableImage().apply([...head, ...tail], 'blobs');
    expect(image.sorted()).toEqual(await c.rows(s, 'select id, data from blobs order by id'));
  });

  it('dropAll ends every open stream with the code and message given, and counts them', async () => {
    const before = manager.openStreams;
    const a = open([{ keyspace: 'customer', shard: '-80', gtid: 'current' }], { rules: CUSTOMER_RULES });
    const b = open([{ keyspace: 'customer', shard: '80-', gtid: 'current' }], { rules: CUSTOMER_RULES });
    try {
      await a.take(1);
      await b.take(1);
      expect(manager.openStreams).toBe(before + 2);
      expect(() => manager.dropAll(Code.OK, 'no')).toThrow(VtError);
      expect(manager.dropAll(Code.UNAVAILABLE, 'dropped')).toBe(before + 2);
      for (const reader of [a, b]) {
        const err = await reader.until(() => false).then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(VtError);
        expect({ code: (err as VtError).code, message: (err as VtError).message }).toEqual({ code: Code.UNAVAILABLE, message: 'dropped' });
      }
      expect(manager.openStreams).toBe(before);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('VStream from REPLICA tablets when the tablet dies', () => {
  let c: TestCluster;
  let manager: VStreamManager;
  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('ks', '0', [200, 201]);
    await c.startVtgate();
    const s = await c.session('ks');
    await c.exec(s, 'create table t(id bigint not null, v varbinary(64), primary key(id))');
    manager = new VStreamManager({ topo: c.topo, cell: 'zone1', dialer: c.dialer, clock: c.clock, tabletPicker: { retryMs: 20, timeoutMs: 5000 } });
  });
  afterAll(async () => {
    await c.close();
  });

  const insert = async (from: number, to: number) => {
    const s = await c.session('ks');
    for (let id = from; id <= to; id++) await c.exec(s, `insert into t(id, v) values (${id}, 'v${id}')`);
  };
  const caughtUp = (uid: number) => {
    const primary = c.tablets.get('zone1-0000000200')!;
    const replica = c.tablets.get(`zone1-${String(uid).padStart(10, '0')}`)!;
    return waitFor(() => replica.position() === primary.position());
  };

  it('moves the stream to another replica from its last position and loses nothing', async () => {
    const reader = new StreamReader((signal) =>
      manager.vstream(vstreamRequest([{ keyspace: 'ks', shard: '0', gtid: 'current' }], { tabletType: TabletType.REPLICA }), signal),
    );
    try {
      await reader.take(1);
      await insert(1, 5);
      const before = await reader.take(5);
      await c.addShard('ks', '0', [211]);
      await caughtUp(211);
      await c.tablets.get('zone1-0000000201')!.close();
      await insert(6, 10);
      const after = await reader.take(5);
      const ids = rowEvents([...before, ...after]).map((e) => rowText(e.row_event!.row_changes[0]!.after!)[0]);
      expect(ids).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
      expect(after.every((r) => r.events.every((e) => !e.keyspace || e.shard === '0'))).toBe(true);
      expect(await reader.next(300)).toBeUndefined();
    } finally {
      await reader.close();
    }
  });
});
