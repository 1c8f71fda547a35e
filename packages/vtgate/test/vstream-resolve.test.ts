import { Code, TabletType, VtError, defaultVStreamFlags, type ShardGtid, type VStreamRequest } from '@vtsim/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VStreamManager, resolveVStreamParams } from '../src/vstream/index.js';
import { TestCluster } from './vtgate-fixture.js';

function request(shardGtids: Partial<ShardGtid>[] | null, tabletType: TabletType | string = TabletType.PRIMARY): VStreamRequest {
  return {
    tablet_type: tabletType as TabletType,
    vgtid: shardGtids ? { shard_gtids: shardGtids.map((s) => ({ keyspace: '', shard: '', gtid: '', table_p_ks: [], ...s })) } : null,
    filter: null,
    flags: null,
  };
}

async function failure(p: Promise<unknown>): Promise<VtError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VtError);
  return err as VtError;
}

describe('VStream request resolution', () => {
  let c: TestCluster;
  const source = () => ({ topo: c.topo, cell: 'zone1' });
  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100]);
    await c.addShard('customer', '-80', [300]);
    await c.addShard('customer', '80-', [400]);
    await c.addShard('customer', '-40', [500]);
  });
  afterAll(async () => {
    await c.close();
  });

  it('refuses a request without ShardGtids', async () => {
    for (const r of [request(null), request([])]) {
      const err = await failure(resolveVStreamParams(r, source()));
      expect(err.code).toBe(Code.INVALID_ARGUMENT);
      expect(err.message).toBe('failed to resolve vstream parameters: vgtid must have at least one value with a starting position in ShardGtids');
    }
  });

  it('requires current for an empty keyspace, and then streams every keyspace of the cell from now', async () => {
    const err = await failure(resolveVStreamParams(request([{ gtid: '' }]), source()));
    expect(err.code).toBe(Code.INVALID_ARGUMENT);
    expect(err.message).toBe("failed to resolve vstream parameters: for an empty keyspace, the Gtid value must be 'current': shard_gtids:{}");
    const r = await resolveVStreamParams(request([{ gtid: 'current' }]), source());
    expect(r.vgtid.shard_gtids.map((s) => [s.keyspace, s.shard, s.gtid])).toEqual([
      ['commerce', '0', 'current'],
      ['customer', '-80', 'current'],
      ['customer', '80-', 'current'],
    ]);
  });

  it('expands a /regex keyspace to the matching keyspaces with the given gtid', async () => {
    const r = await resolveVStreamParams(request([{ keyspace: '/cust.*' }]), source());
    expect(r.vgtid.shard_gtids.map((s) => [s.keyspace, s.shard, s.gtid])).toEqual([
      ['customer', '-80', ''],
      ['customer', '80-', ''],
    ]);
    expect((await resolveVStreamParams(request([{ keyspace: '/nothing' }]), source())).vgtid.shard_gtids).toEqual([]);
    const bad = await failure(resolveVStreamParams(request([{ keyspace: '/(' }]), source()));
    expect(bad.code).toBe(Code.INVALID_ARGUMENT);
  });

  it('expands an empty shard to the serving shards of the tablet type, and keeps explicit shards as given', async () => {
    const pk = { table_name: 'customer', lastpk: null };
    const r = await resolveVStreamParams(
      request([
        { keyspace: 'customer', gtid: 'current' },
        { keyspace: 'commerce', shard: '0', gtid: 'MySQL56/x:1-4', table_p_ks: [pk] },
      ]),
      source(),
    );
    expect(r.vgtid.shard_gtids).toEqual([
      { keyspace: 'customer', shard: '-80', gtid: 'current', table_p_ks: [] },
      { keyspace: 'customer', shard: '80-', gtid: 'current', table_p_ks: [] },
      { keyspace: 'commerce', shard: '0', gtid: 'MySQL56/x:1-4', table_p_ks: [pk] },
    ]);
    expect(r.filter).toEqual({ rules: [{ match: '/.*', filter: '' }] });
    expect(r.flags).toEqual(defaultVStreamFlags());
    expect((await resolveVStreamParams(request([{ keyspace: 'customer' }], 'REPLICA'), source())).tabletType).toBe(TabletType.REPLICA);
  });

  it('requires current or empty when shards are unspecified', async () => {
    const err = await failure(resolveVStreamParams(request([{ keyspace: 'customer', gtid: 'MySQL56/x:1-4' }]), source()));
    expect(err.code).toBe(Code.INVALID_ARGUMENT);
    expect(err.message).toBe(
      `failed to resolve vstream parameters: if shards are unspecified, the Gtid value must be 'current' or empty; got: shard_gtids:{keyspace:"customer" gtid:"MySQL56/x:1-4"}`,
    );
  });

  it('fails UNAVAILABLE for a keyspace without a serving graph', async () => {
    const err = await failure(resolveVStreamParams(request([{ keyspace: 'nope' }]), source()));
    expect(err.code).toBe(Code.UNAVAILABLE);
    expect(err.message).toBe(
      "failed to resolve vstream parameters: failed to get shards in keyspace nope: keyspace nope fetch error: node doesn't exist: keyspaces/nope/SrvKeyspace",
    );
  });

  it('ends the stream FAILED_PRECONDITION for a shard or keyspace that does not exist', async () => {
    const manager = new VStreamManager({ topo: c.topo, cell: 'zone1', dialer: c.dialer, clock: c.clock });
    for (const [keyspace, shard] of [
      ['customer', '40-80'],
      ['nope', '0'],
    ] as const) {
      const stream = manager.vstream(request([{ keyspace, shard, gtid: 'current' }]), new AbortController().signal);
      const err = await failure(stream[Symbol.asyncIterator]().next());
      expect(err.code).toBe(Code.FAILED_PRECONDITION);
      expect(err.message).toBe(
        `error starting stream from shard GTID keyspace:"${keyspace}" shard:"${shard}" gtid:"current": ` +
          `failed to determine if keyspace ${keyspace} has been resharded: shard provided in VGTID, ${shard}, not found in the ${keyspace} keyspace`,
      );
    }
  });

  it('ends the stream CANCELED when no tablet of the type appears before the picker gives up', async () => {
    const manager = new VStreamManager({ topo: c.topo, cell: 'zone1', dialer: c.dialer, clock: c.clock, tabletPicker: { retryMs: 10, timeoutMs: 200 } });
    const r = request([{ keyspace: 'commerce', shard: '0', gtid: 'current' }], TabletType.REPLICA);
    r.flags = { ...defaultVStreamFlags(), cells: 'zone1, zone2' };
    const err = await failure(manager.vstream(r, new AbortController().signal)[Symbol.asyncIterator]().next());
    expect(err.code).toBe(Code.CANCELED);
    expect(err.message).toBe(
      'error starting stream from shard GTID keyspace:"commerce" shard:"0" gtid:"current": ' +
        'failed to find a REPLICA tablet for VStream in commerce/0 within the zone1,zone2 cell(s): context has expired',
    );
  });

  it('ends the stream INVALID_ARGUMENT for an unknown cell preference', async () => {
    const manager = new VStreamManager({ topo: c.topo, cell: 'zone1', dialer: c.dialer, clock: c.clock });
    const r = request([{ keyspace: 'commerce', shard: '0', gtid: 'current' }]);
    r.flags = { ...defaultVStreamFlags(), cell_preference: 'Nearest' };
    const err = await failure(manager.vstream(r, new AbortController().signal)[Symbol.asyncIterator]().next());
    expect(err.code).toBe(Code.INVALID_ARGUMENT);
    expect(err.message).toBe(
      'error starting stream from shard GTID keyspace:"commerce" shard:"0" gtid:"current": ' +
        'failed to find a PRIMARY tablet for VStream in commerce/0 within the zone1 cell(s): invalid cell preference: Nearest',
    );
  });
});
