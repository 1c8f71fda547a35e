// vtctld's server service definitions (servenv's loadGrpcServiceDefinitions) against proto-loader's
// `loadVtctlProtos('server')`: the same RPCs, byte-identical encodings, deep-equal decodings.
import { describe, expect, it } from 'vitest';
import { TabletType } from '@vtsim/proto';
import { loadVtctlProtos, vtctlServerServices } from '../src/grpc/proto-files.js';

const light = vtctlServerServices();
const full = loadVtctlProtos('server');

const tablet = {
  alias: { cell: 'zone1', uid: 101 },
  hostname: 'localhost',
  port_map: { grpc: 16101, vt: 15101 },
  keyspace: 'commerce',
  shard: '0',
  key_range: { start: Buffer.alloc(0), end: Buffer.from([0x80]) },
  type: TabletType.PRIMARY,
  primary_term_start_time: { seconds: '1700000000', nanoseconds: 5 },
};

describe("vtctld's server services", () => {
  for (const which of ['service', 'vtctlService'] as const) {
    it(`${which}: the same RPCs, paths and streaming kinds as proto-loader gives`, () => {
      expect(Object.keys(light[which]).sort()).toEqual(Object.keys(full[which]).sort());
      for (const [name, method] of Object.entries(full[which])) {
        const { path, requestStream, responseStream } = light[which][name]!;
        expect({ path, requestStream, responseStream }, name).toEqual({ path: method.path, requestStream: method.requestStream, responseStream: method.responseStream });
      }
    });
  }

  it('decodes requests and encodes responses as proto-loader does', () => {
    const own = light.service.GetTablets!;
    const ref = full.service.GetTablets!;
    const request = { keyspace: 'commerce', shard: '0', cells: ['zone1'], strict: true, tablet_aliases: [{ cell: 'zone1', uid: 101 }], tablet_type: TabletType.REPLICA };
    const wire = ref.requestSerialize(request);
    expect(own.requestDeserialize(wire)).toEqual(ref.requestDeserialize(wire));
    const response = { tablets: [tablet, { ...tablet, alias: { cell: 'zone1', uid: 102 }, type: TabletType.RDONLY }] };
    const out = Buffer.from(own.responseSerialize(response));
    expect(out).toEqual(Buffer.from(ref.responseSerialize(response)));
    const back = own.responseDeserialize(out) as { tablets: { type: unknown; primary_term_start_time: { seconds: unknown } }[] };
    expect(back).toEqual(ref.responseDeserialize(out));
    expect(back.tablets[1]!.type).toBe(TabletType.RDONLY);
    expect(back.tablets[0]!.primary_term_start_time.seconds).toBe('1700000000');
  });

  it('encodes every RPC’s empty response and decodes every empty request alike', () => {
    for (const which of ['service', 'vtctlService'] as const) {
      for (const [name, method] of Object.entries(full[which])) {
        const own = light[which][name]!;
        expect(Buffer.from(own.responseSerialize({})), name).toEqual(Buffer.from(method.responseSerialize({})));
        expect(own.requestDeserialize(Buffer.alloc(0)), name).toEqual(method.requestDeserialize(Buffer.alloc(0)));
      }
    }
  });
});
