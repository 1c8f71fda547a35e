// vtgate's server service definitions (protobufjs directly, servenv's loadGrpcServiceDefinitions)
// against proto-loader's for the same files and options: the same RPCs, and byte-identical
// encodings and deep-equal decodings of the messages the server receives and sends.
import { describe, expect, it } from 'vitest';
import { TabletType, VEventType } from '@vtsim/proto';
import { loadVitessProtos, vitessServerService } from '../src/grpc/proto-files.js';

const light = vitessServerService();
const full = loadVitessProtos('numbers').vitessService;

const vstreamRequest = {
  caller_id: { principal: 'p', component: 'c', subcomponent: '' },
  tablet_type: TabletType.REPLICA,
  vgtid: { shard_gtids: [{ keyspace: 'ks', shard: '-80', gtid: 'MySQL56/16b1039f-22b6-11ed-b765-0a43f95f28a3:1-9', table_p_ks: [{ table_name: 't', lastpk: { fields: [{ name: 'id', type: 265 }], rows: [{ lengths: ['1'], values: Buffer.from('7') }] } }] }] },
  filter: { rules: [{ match: 't', filter: 'select * from t' }], field_event_mode: 1, workflow_type: 2, workflow_name: 'w' },
  flags: { minimize_skew: true, heartbeat_interval: 5, stop_on_reshard: true, cells: 'zone1', cell_preference: '', tablet_order: '', stream_keyspace_heartbeats: false, include_reshard_journal_events: false, tables_to_copy: [] },
};

const vstreamResponse = {
  events: [
    { type: VEventType.BEGIN, timestamp: '1700000000', current_time: '1700000000123456789', keyspace: 'ks', shard: '-80' },
    {
      type: VEventType.ROW,
      row_event: {
        table_name: 'ks.t',
        row_changes: [
          { before: { lengths: ['1', '-1'], values: Buffer.from('1') }, after: { lengths: ['1', '3'], values: Buffer.from('1abc') } },
          { after: { lengths: ['20'], values: Buffer.from('18446744073709551615') } },
        ],
        keyspace: 'ks',
        shard: '-80',
        flags: 4,
      },
    },
    { type: VEventType.VGTID, vgtid: { shard_gtids: [{ keyspace: 'ks', shard: '-80', gtid: 'MySQL56/16b1039f-22b6-11ed-b765-0a43f95f28a3:1-10', table_p_ks: [] }] } },
    { type: VEventType.COMMIT, timestamp: '1700000000' },
  ],
};

/** Rows events with every field this server writes by hand, next to events it leaves to protobufjs. */
const edgeResponse = {
  events: [
    { type: VEventType.HEARTBEAT, timestamp: -5, current_time: 0, keyspace: '', shard: 'ß', throttled: false, throttled_reason: 'lag ✓' },
    { type: VEventType.FIELD, timestamp: 1, field_event: { table_name: 't', fields: [{ name: 'id', type: 265, table: 't' }], keyspace: 'ks', shard: '0' } },
    {
      type: VEventType.ROW,
      timestamp: 2 ** 40,
      row_event: {
        table_name: 'ks.t',
        row_changes: [
          { before: { lengths: [], values: Buffer.alloc(0) } },
          { after: { lengths: [0, -1, 300, 70000], values: Buffer.alloc(70300, 7) } },
          { before: { lengths: ['2'], values: Buffer.from('ab') }, after: null },
        ],
        keyspace: 'ks',
        shard: '80-',
        flags: 0,
        is_internal_table: true,
      },
      dml: 'update t set x = 1',
      throttled: true,
    },
    { type: VEventType.VGTID, vgtid: { shard_gtids: [{ keyspace: 'ks', shard: '80-', gtid: 'MySQL56/x:1', table_p_ks: [] }] } },
    { type: VEventType.DDL, statement: 'alter table t add column y int', gtid: '', timestamp: '1700000000' },
  ],
};

describe("vtgate's server service", () => {
  it('has the same RPCs, paths and streaming kinds as proto-loader gives', () => {
    expect(Object.keys(light).sort()).toEqual(Object.keys(full).sort());
    for (const [name, method] of Object.entries(full)) {
      const { path, requestStream, responseStream } = light[name]!;
      expect({ path, requestStream, responseStream }, name).toEqual({ path: method.path, requestStream: method.requestStream, responseStream: method.responseStream });
    }
  });

  it('decodes requests and encodes responses as proto-loader does', () => {
    const method = { light: light.VStream!, full: full.VStream! };
    const wire = method.full.requestSerialize(vstreamRequest);
    expect(Buffer.from(method.light.requestSerialize(vstreamRequest))).toEqual(Buffer.from(wire));
    const decoded = method.light.requestDeserialize(wire);
    expect(decoded).toEqual(method.full.requestDeserialize(wire));
    expect((decoded as { tablet_type: unknown }).tablet_type).toBe(TabletType.REPLICA);

    const out = method.full.responseSerialize(vstreamResponse);
    expect(Buffer.from(method.light.responseSerialize(vstreamResponse))).toEqual(Buffer.from(out));
    const back = method.light.responseDeserialize(out) as { events: { current_time: unknown }[] };
    expect(back).toEqual(method.full.responseDeserialize(out));
    expect(back.events[0]!.current_time).toBe('1700000000123456789');
  });

  it('writes rows events by hand as protobufjs writes them, next to the events it leaves to protobufjs', () => {
    const own = light.VStream!.responseSerialize(edgeResponse);
    expect(Buffer.from(own)).toEqual(Buffer.from(full.VStream!.responseSerialize(edgeResponse)));
    expect(Buffer.from(light.VStream!.responseSerialize({ events: [] }))).toEqual(Buffer.from(full.VStream!.responseSerialize({ events: [] })));
  });

  it('encodes every RPC’s empty messages alike, and refuses an array as proto-loader does', () => {
    for (const [name, method] of Object.entries(full)) {
      const own = light[name]!;
      expect(Buffer.from(own.responseSerialize({})), name).toEqual(Buffer.from(method.responseSerialize({})));
      expect(own.requestDeserialize(Buffer.alloc(0)), name).toEqual(method.requestDeserialize(Buffer.alloc(0)));
    }
    expect(() => light.Execute!.responseSerialize([])).toThrow(/got array instead/);
    expect(() => full.Execute!.responseSerialize([])).toThrow(/got array instead/);
  });
});
