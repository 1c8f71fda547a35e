import { afterEach, describe, expect, it } from 'vitest';
import {
  Code,
  MigrationType,
  SqlError,
  TabletType,
  Type,
  VEventType,
  VtError,
  encodeRow,
  type VEvent,
  type VStreamResponse,
} from '@vtsim/proto';
import { VtgateClient } from '../src/index.js';
import { aborted, eventually, VStreamSeam } from './grpc-vstream-fixture.js';

const field = (name: string, type: Type, flags: number) => ({
  name,
  type,
  table: 'customer',
  org_table: 'customer',
  database: 'vt_customer',
  org_name: name,
  column_length: type === Type.INT64 ? 20 : 128,
  charset: 63,
  decimals: 0,
  flags,
  column_type: type === Type.INT64 ? 'bigint' : 'varbinary(128)',
});

const NANOS = '1700000000123456789';
const shardGtid = (gtid: string) => ({ keyspace: 'customer', shard: '0', gtid, table_p_ks: [] });

/** One event of every type, with every VEvent field used by some event. */
function everyEvent(): VEvent[] {
  const base = { timestamp: 1700000000, current_time: NANOS, keyspace: 'customer', shard: '0' };
  const events: VEvent[] = [];
  for (const type of Object.values(VEventType).filter((v): v is VEventType => typeof v === 'number')) events.push({ ...base, type });
  const at = (t: VEventType) => events.find((e) => e.type === t)!;
  at(VEventType.GTID).gtid = 'MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-45';
  at(VEventType.DDL).statement = 'alter table customer change customer_id customer_id bigint not null';
  at(VEventType.INSERT).dml = "insert into customer values (1, 'x')";
  at(VEventType.SAVEPOINT).statement = 'savepoint a';
  at(VEventType.FIELD).field_event = {
    table_name: 'customer.customer',
    fields: [field('customer_id', Type.INT64, 49667), field('email', Type.VARBINARY, 128)],
    keyspace: 'customer',
    shard: '0',
    enum_set_string_values: true,
    is_internal_table: false,
  };
  at(VEventType.ROW).row_event = {
    table_name: 'customer.customer',
    row_changes: [
      { before: null, after: encodeRow([1n, Buffer.from('alice@domain.com')]) },
      { before: encodeRow([2n, null]), after: encodeRow([2n, Buffer.from([0, 255, 10])]), data_columns: { count: 2, cols: Buffer.from([3]) } },
      { before: encodeRow([3n, Buffer.from('gone')]), after: null, json_partial_values: { count: 2, cols: Buffer.from([1]) } },
    ],
    keyspace: 'customer',
    shard: '0',
    flags: 1,
    is_internal_table: false,
  };
  at(VEventType.VGTID).vgtid = {
    shard_gtids: [
      {
        ...shardGtid('MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-45'),
        table_p_ks: [{ table_name: 'customer', lastpk: { fields: [field('customer_id', Type.INT64, 49667)], rows_affected: '0', insert_id: '0', rows: [encodeRow([5n])], info: '', session_state_changes: '', insert_id_changed: false } }],
      },
      shardGtid('current'),
    ],
  };
  at(VEventType.JOURNAL).journal = {
    id: '9223372036854775807',
    migration_type: MigrationType.SHARDS,
    tables: ['customer'],
    local_position: 'MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-49',
    shard_gtids: [{ keyspace: 'customer', shard: '80-', gtid: 'MySQL56/6a60d315-8e10-11eb-b894-04ed332e05c2:1-76', table_p_ks: [] }],
    participants: [{ keyspace: 'customer', shard: '0' }],
    source_workflows: ['wf'],
  };
  at(VEventType.LASTPK).last_p_k_event = {
    table_last_p_k: { table_name: 'customer', lastpk: { fields: [], rows_affected: '0', insert_id: '0', rows: [encodeRow([5n])], info: '', session_state_changes: '', insert_id_changed: false } },
    completed: true,
  };
  at(VEventType.HEARTBEAT).throttled = true;
  at(VEventType.HEARTBEAT).throttled_reason = 'lag';
  return events;
}

async function* fromArray(responses: VStreamResponse[]): AsyncGenerator<VStreamResponse> {
  for (const r of responses) yield r;
}

/** The decoded form of a row: lengths as strings (sint64), values as a Buffer. */
const rowWire = (values: (bigint | Buffer | null)[]) => {
  const r = encodeRow(values);
  return { lengths: r.lengths.map(String), values: Buffer.from(r.values) };
};

describe('vtgateservice.Vitess/VStream over gRPC', () => {
  let seam: VStreamSeam | undefined;
  afterEach(async () => {
    await seam?.close();
    seam = undefined;
  });

  it('round-trips every event type and every VEvent field through a client built from the .proto files', async () => {
    const events = everyEvent();
    seam = await VStreamSeam.start(() => fromArray([{ events: events.slice(0, 10) }, { events: events.slice(10) }]));
    const got = await seam.collect();
    expect(got).toHaveLength(2);
    const decoded = got.flatMap((r) => r.events as Array<Record<string, unknown>>);
    expect(decoded.map((e) => e.type)).toEqual(events.map((e) => e.type));
    for (const e of decoded) {
      expect(e.timestamp).toBe('1700000000');
      expect(e.current_time).toBe(NANOS);
      expect(e.keyspace).toBe('customer');
      expect(e.shard).toBe('0');
    }
    const at = (t: VEventType) => decoded.find((e) => e.type === t)!;
    expect(at(VEventType.GTID).gtid).toBe('MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-45');
    expect(at(VEventType.DDL).statement).toBe('alter table customer change customer_id customer_id bigint not null');
    expect(at(VEventType.INSERT).dml).toBe("insert into customer values (1, 'x')");
    expect(at(VEventType.SAVEPOINT).statement).toBe('savepoint a');
    expect(at(VEventType.HEARTBEAT)).toMatchObject({ throttled: true, throttled_reason: 'lag' });
    expect(at(VEventType.FIELD).field_event).toEqual({
      table_name: 'customer.customer',
      fields: [field('customer_id', Type.INT64, 49667), field('email', Type.VARBINARY, 128)],
      keyspace: 'customer',
      shard: '0',
      enum_set_string_values: true,
      is_internal_table: false,
    });
    expect(at(VEventType.ROW).row_event).toEqual({
      table_name: 'customer.customer',
      row_changes: [
        { before: null, after: rowWire([1n, Buffer.from('alice@domain.com')]), data_columns: null, json_partial_values: null },
        { before: rowWire([2n, null]), after: rowWire([2n, Buffer.from([0, 255, 10])]), data_columns: { count: '2', cols: Buffer.from([3]) }, json_partial_values: null },
        { before: rowWire([3n, Buffer.from('gone')]), after: null, data_columns: null, json_partial_values: { count: '2', cols: Buffer.from([1]) } },
      ],
      keyspace: 'customer',
      shard: '0',
      flags: 1,
      is_internal_table: false,
    });
    expect((at(VEventType.ROW).row_event as { row_changes: Array<{ before: { lengths: string[] } | null }> }).row_changes[1]!.before!.lengths).toEqual(['1', '-1']);
    expect(at(VEventType.VGTID).vgtid).toEqual({
      shard_gtids: [
        {
          ...shardGtid('MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-45'),
          table_p_ks: [{ table_name: 'customer', lastpk: { fields: [field('customer_id', Type.INT64, 49667)], rows_affected: '0', insert_id: '0', rows: [rowWire([5n])], info: '', session_state_changes: '', insert_id_changed: false } }],
        },
        shardGtid('current'),
      ],
    });
    expect(at(VEventType.JOURNAL).journal).toEqual({
      id: '9223372036854775807',
      migration_type: MigrationType.SHARDS,
      tables: ['customer'],
      local_position: 'MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-49',
      shard_gtids: [{ keyspace: 'customer', shard: '80-', gtid: 'MySQL56/6a60d315-8e10-11eb-b894-04ed332e05c2:1-76', table_p_ks: [] }],
      participants: [{ keyspace: 'customer', shard: '0' }],
      source_workflows: ['wf'],
    });
    expect(at(VEventType.LASTPK).last_p_k_event).toEqual({
      table_last_p_k: { table_name: 'customer', lastpk: { fields: [], rows_affected: '0', insert_id: '0', rows: [rowWire([5n])], info: '', session_state_changes: '', insert_id_changed: false } },
      completed: true,
    });
  });

  it('keeps 64-bit integers exact and decodes enums by name for a names client', async () => {
    seam = await VStreamSeam.start(() =>
      fromArray([{ events: [{ type: VEventType.COMMIT, timestamp: 1616748652, current_time: '1616748652480051077' }, { type: VEventType.JOURNAL, journal: { id: '1234567890123456789', migration_type: MigrationType.SHARDS, tables: [], local_position: '', shard_gtids: [], participants: [], source_workflows: [] } }] }]),
    );
    const client = VtgateClient.connect(`127.0.0.1:${seam.server.port}`, { enums: 'names' });
    try {
      const got: Array<Record<string, unknown>> = [];
      for await (const r of client.vstream({ vgtid: { shard_gtids: [{ keyspace: 'customer', shard: '0', gtid: 'current' }] } })) got.push(r);
      const [commit, journal] = got[0]!.events as Array<{ type: string; current_time: string; timestamp: string; journal: { id: string; migration_type: string } | null }>;
      expect(commit).toMatchObject({ type: 'COMMIT', current_time: '1616748652480051077', timestamp: '1616748652' });
      expect(BigInt(commit!.current_time)).toBe(1616748652480051077n);
      expect(journal!.journal).toMatchObject({ id: '1234567890123456789', migration_type: 'SHARDS' });
    } finally {
      client.close();
    }
  });

  it('hands the vstream function the request in @vtsim/proto types', async () => {
    seam = await VStreamSeam.start(() => fromArray([]));
    await seam.collect({
      caller_id: { principal: 'me', component: '', subcomponent: '', groups: [] },
      tablet_type: 'REPLICA',
      vgtid: {
        shard_gtids: [
          { keyspace: 'customer', shard: '-80', gtid: 'MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-45', table_p_ks: [{ table_name: 'customer', lastpk: { fields: [{ name: 'customer_id', type: 'INT64' }], rows: [{ lengths: [1], values: Buffer.from('5') }] } }] },
          { keyspace: 'customer', shard: '80-', gtid: 'current' },
        ],
      },
      filter: { rules: [{ match: 'customer', filter: 'select * from customer' }, { match: '/.*', filter: '-80' }], field_event_mode: 'BEST_EFFORT', workflow_type: '4' },
      flags: {
        minimize_skew: true,
        heartbeat_interval: 5,
        stop_on_reshard: true,
        cells: 'zone1,zone2',
        cell_preference: 'OnlySpecified',
        tablet_order: 'InOrder',
        stream_keyspace_heartbeats: true,
        include_reshard_journal_events: true,
        tables_to_copy: ['customer'],
        exclude_keyspace_from_table_name: true,
      },
    });
    const req = seam.record.requests[0]!;
    expect(req.tablet_type).toBe(TabletType.REPLICA);
    expect(req.caller_id).toMatchObject({ principal: 'me' });
    expect(req.vgtid!.shard_gtids.map((s) => [s.keyspace, s.shard, s.gtid])).toEqual([
      ['customer', '-80', 'MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-45'],
      ['customer', '80-', 'current'],
    ]);
    const pk = req.vgtid!.shard_gtids[0]!.table_p_ks[0]!;
    expect(pk.table_name).toBe('customer');
    expect(pk.lastpk!.fields[0]).toMatchObject({ name: 'customer_id', type: Type.INT64 });
    expect(pk.lastpk!.rows[0]!.lengths).toEqual([1]);
    expect(Buffer.from(pk.lastpk!.rows[0]!.values).toString()).toBe('5');
    expect(req.vgtid!.shard_gtids[1]!.table_p_ks).toEqual([]);
    expect(req.filter!.rules.map((r) => [r.match, r.filter])).toEqual([
      ['customer', 'select * from customer'],
      ['/.*', '-80'],
    ]);
    expect(req.filter!.field_event_mode).toBe(1);
    expect(req.filter!.workflow_type).toBe(4);
    expect(req.flags).toEqual({
      minimize_skew: true,
      heartbeat_interval: 5,
      stop_on_reshard: true,
      cells: 'zone1,zone2',
      cell_preference: 'OnlySpecified',
      tablet_order: 'InOrder',
      stream_keyspace_heartbeats: true,
      include_reshard_journal_events: true,
      tables_to_copy: ['customer'],
      exclude_keyspace_from_table_name: true,
    });
  });

  it('passes a missing filter and flags on as null', async () => {
    seam = await VStreamSeam.start(() => fromArray([]));
    await seam.collect({ vgtid: { shard_gtids: [{ keyspace: 'customer', gtid: 'current' }] } });
    const req = seam.record.requests[0]!;
    expect(req.filter).toBeNull();
    expect(req.flags).toBeNull();
    expect(req.tablet_type).toBe(TabletType.UNKNOWN);
    expect(req.vgtid!.shard_gtids[0]).toEqual({ keyspace: 'customer', shard: '', gtid: 'current', table_p_ks: [] });
  });

  it('stops pulling from the stream while the client does not read (backpressure), and resumes when it does', async () => {
    const payload = Buffer.alloc(16 * 1024, 120);
    let produced = 0;
    seam = await VStreamSeam.start(async function* (_req, signal) {
      while (!signal.aborted) {
        produced++;
        yield { events: [{ type: VEventType.ROW, row_event: { table_name: 't', row_changes: [{ before: null, after: encodeRow([BigInt(produced), payload]) }], keyspace: 'ks', shard: '0', flags: 0, is_internal_table: false } }] };
      }
    });
    const controller = new AbortController();
    const it = seam.client.vstream({ vgtid: { shard_gtids: [{ keyspace: 'ks', shard: '0', gtid: '' }] } }, controller.signal)[Symbol.asyncIterator]();
    await it.next();
    await new Promise((r) => setTimeout(r, 300));
    const stalledAt = seam.record.pulls;
    await new Promise((r) => setTimeout(r, 300));
    expect(seam.record.pulls).toBe(stalledAt);
    expect(stalledAt).toBeLessThan(64);
    for (let i = 0; i < stalledAt + 100; i++) await it.next();
    expect(seam.record.pulls).toBeGreaterThan(stalledAt + 100);
    controller.abort();
    await it.return?.();
    await aborted(seam.record.signals[0]!);
  });

  it('aborts the stream signal when the client cancels, and pulls nothing more', async () => {
    seam = await VStreamSeam.start(async function* (_req, signal) {
      yield { events: [{ type: VEventType.OTHER }] };
      await aborted(signal);
    });
    const controller = new AbortController();
    const got: unknown[] = [];
    for await (const r of seam.client.vstream({ vgtid: { shard_gtids: [{ keyspace: 'ks', shard: '0', gtid: 'current' }] } }, controller.signal)) {
      got.push(r);
      controller.abort();
    }
    expect(got).toHaveLength(1);
    await aborted(seam.record.signals[0]!);
    expect(seam.record.signals[0]!.aborted).toBe(true);
    expect(seam.record.pulls).toBe(1);
  });

  it('aborts the stream when the client leaves the loop early', async () => {
    seam = await VStreamSeam.start(async function* (_req, signal) {
      while (!signal.aborted) {
        yield { events: [{ type: VEventType.HEARTBEAT }] };
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    for await (const _ of seam.client.vstream({ vgtid: { shard_gtids: [{ keyspace: 'ks', shard: '0', gtid: 'current' }] } })) break;
    await aborted(seam.record.signals[0]!);
  });

  it.each([
    [Code.INVALID_ARGUMENT, 'vgtid must have at least one value with a starting position in ShardGtids'],
    [Code.FAILED_PRECONDITION, 'shard provided in VGTID, 40-, not found in the customer keyspace'],
    [Code.UNAVAILABLE, 'failed to find a PRIMARY tablet for VStream in customer/0 within the zone1 cell(s)'],
    [Code.INTERNAL, 'not all journaling participants are in the stream'],
  ])('ends the call with vtrpc code %i and the message as is', async (code, message) => {
    seam = await VStreamSeam.start(async function* () {
      yield { events: [{ type: VEventType.OTHER }] };
      throw new VtError(code, message);
    });
    const got: unknown[] = [];
    const err = await (async () => {
      try {
        for await (const r of seam!.client.vstream({ vgtid: { shard_gtids: [] } })) got.push(r);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(got).toHaveLength(1);
    expect(err).toBeInstanceOf(VtError);
    expect(err).toMatchObject({ code, message });
  });

  it('reports an error thrown before any response, and a MySQL error with its errno, and anything else as UNKNOWN', async () => {
    const errors: unknown[] = [new VtError(Code.INVALID_ARGUMENT, 'bad'), new SqlError(1146, '42S02', "Table 'vt_ks.x' doesn't exist"), new Error('boom')];
    let n = 0;
    seam = await VStreamSeam.start(async function* () {
      throw errors[n++];
    });
    await expect(seam.collect()).rejects.toMatchObject({ code: Code.INVALID_ARGUMENT, message: 'bad' });
    await expect(seam.collect()).rejects.toMatchObject({ code: Code.NOT_FOUND, message: "Table 'vt_ks.x' doesn't exist (errno 1146) (sqlstate 42S02)" });
    await expect(seam.collect()).rejects.toMatchObject({ code: Code.UNKNOWN, message: 'boom' });
  });

  it('ends with OK when the stream ends', async () => {
    seam = await VStreamSeam.start(() => fromArray([{ events: [{ type: VEventType.BEGIN }] }, { events: [{ type: VEventType.COMMIT }] }]));
    const got = await seam.collect();
    expect(got.map((r) => (r.events as Array<{ type: number }>).map((e) => e.type))).toEqual([[VEventType.BEGIN], [VEventType.COMMIT]]);
  });

  it('close() does not wait for open VStreams beyond the grace period, and aborts them', async () => {
    seam = await VStreamSeam.start(
      async function* (_req, signal) {
        yield { events: [{ type: VEventType.OTHER }] };
        await aborted(signal);
      },
      { shutdownGraceMs: 100 },
    );
    const it = seam.client.vstream({ vgtid: { shard_gtids: [{ keyspace: 'ks', shard: '0', gtid: 'current' }] } })[Symbol.asyncIterator]();
    await it.next();
    const started = Date.now();
    await seam.server.close();
    await seam.server.close();
    expect(Date.now() - started).toBeLessThan(2000);
    await eventually(() => seam!.record.signals[0]!.aborted);
    await expect(it.next()).rejects.toBeInstanceOf(VtError);
  });

  it('answers Prepare and, without an executor, Execute with UNIMPLEMENTED', async () => {
    seam = await VStreamSeam.start(() => fromArray([]));
    await expect(seam.client.execute({ query: { sql: 'select 1' } })).rejects.toMatchObject({ code: Code.UNIMPLEMENTED });
  });
});
