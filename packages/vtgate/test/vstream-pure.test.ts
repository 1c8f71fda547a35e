import { ManualClock } from '@vtsim/binlog';
import { Code, SqlError, VEventType, VtError, type ShardGtid, type TableLastPK, type VEvent } from '@vtsim/proto';
import { keyRangeFromShardName } from '@vtsim/topo';
import { describe, expect, it } from 'vitest';
import {
  MergedVGtid,
  ResponseQueue,
  SkewAligner,
  applyLastPK,
  keyspaceHasBeenResharded,
  shardGtidText,
  shouldRetry,
  type ShardRecord,
} from '../src/vstream/index.js';

function sg(keyspace: string, shard: string, gtid = ''): ShardGtid {
  return { keyspace, shard, gtid, table_p_ks: [] };
}

function lastPK(table: string, value: string): TableLastPK {
  return {
    table_name: table,
    lastpk: {
      fields: [],
      rows: [{ lengths: [value.length], values: Buffer.from(value) }],
      rows_affected: '0',
      insert_id: '0',
      info: '',
      session_state_changes: '',
      insert_id_changed: false,
    },
  };
}

describe('MergedVGtid', () => {
  it('turns a GTID into a VGTID of every shard, keeping request values for shards that have not reported', () => {
    const merged = new MergedVGtid({ shard_gtids: [sg('ks', '-80', 'current'), sg('ks', '80-', '')] });
    const batch: VEvent[] = [
      { type: VEventType.BEGIN, keyspace: 'ks', shard: '-80' },
      { type: VEventType.GTID, gtid: 'MySQL56/a:1-5', keyspace: 'ks', shard: '-80', timestamp: 7 },
      { type: VEventType.COMMIT, keyspace: 'ks', shard: '-80' },
    ];
    merged.convert(merged.shardGtids[0]!, batch);
    expect(batch[1]).toEqual({
      type: VEventType.VGTID,
      keyspace: 'ks',
      shard: '-80',
      vgtid: { shard_gtids: [sg('ks', '-80', 'MySQL56/a:1-5'), sg('ks', '80-', '')] },
    });
    expect(batch[0]!.type).toBe(VEventType.BEGIN);
    expect(batch[2]!.type).toBe(VEventType.COMMIT);
  });

  it('gives each VGTID its own copy: later updates do not change VGTIDs already made', () => {
    const merged = new MergedVGtid({ shard_gtids: [sg('ks', '0')] });
    const first: VEvent[] = [{ type: VEventType.GTID, gtid: 'MySQL56/a:1-1', keyspace: 'ks', shard: '0' }];
    merged.convert(merged.shardGtids[0]!, first);
    const second: VEvent[] = [
      { type: VEventType.LASTPK, last_p_k_event: { table_last_p_k: lastPK('t', '5'), completed: false }, keyspace: 'ks', shard: '0' },
    ];
    merged.convert(merged.shardGtids[0]!, second);
    expect(first[0]!.vgtid!.shard_gtids[0]!.table_p_ks).toEqual([]);
    expect(second[0]!.vgtid!.shard_gtids[0]).toEqual({ keyspace: 'ks', shard: '0', gtid: 'MySQL56/a:1-1', table_p_ks: [lastPK('t', '5')] });
  });

  it('adds, replaces and removes table last PKs (LASTPK completed removes)', () => {
    const s = sg('ks', '0', 'MySQL56/a:1-3');
    applyLastPK(s, { table_last_p_k: lastPK('a', '1'), completed: false });
    applyLastPK(s, { table_last_p_k: lastPK('b', '1'), completed: false });
    applyLastPK(s, { table_last_p_k: lastPK('a', '9'), completed: false });
    expect(s.table_p_ks).toEqual([lastPK('a', '9'), lastPK('b', '1')]);
    applyLastPK(s, { table_last_p_k: lastPK('a', '9'), completed: true });
    expect(s.table_p_ks).toEqual([lastPK('b', '1')]);
    applyLastPK(s, { table_last_p_k: lastPK('c', '1'), completed: true });
    expect(s.table_p_ks).toEqual([lastPK('b', '1')]);
  });

  it('prints ShardGtids as Vitess does in its messages', () => {
    const s = sg('ks', '-80', 'MySQL56/a:1-3');
    s.table_p_ks.push(lastPK('customer', '5'));
    expect(shardGtidText(s)).toBe('keyspace:"ks" shard:"-80" gtid:"MySQL56/a:1-3" table_p_ks:{table_name:"customer" lastpk:{rows:{lengths:1 values:"5"}}}');
    expect(shardGtidText(sg('ks', '0'))).toBe('keyspace:"ks" shard:"0"');
  });
});

describe('keyspaceHasBeenResharded', () => {
  function shards(spec: Record<string, boolean>): Map<string, ShardRecord> {
    return new Map(Object.entries(spec).map(([name, serving]) => [name, { key_range: keyRangeFromShardName(name), is_primary_serving: serving }]));
  }

  it('is false while every streamed shard serves, even with overlapping new shards', () => {
    const all = shards({ '-80': true, '80-': true, '-40': false, '40-80': false, '80-c0': false, 'c0-': false });
    expect(keyspaceHasBeenResharded('ks', all, [sg('ks', '-80'), sg('ks', '80-')])).toBe(false);
  });

  it('is true once a streamed shard stopped serving and other shards overlap it', () => {
    const all = shards({ '-80': false, '80-': false, '-40': true, '40-80': true, '80-c0': true, 'c0-': true });
    expect(keyspaceHasBeenResharded('ks', all, [sg('ks', '-80'), sg('ks', '80-')])).toBe(true);
  });

  it('is false for a non-serving shard that nothing overlaps (4 → 3 merge, second half not switched)', () => {
    const all = shards({ '-40': true, '40-80': true, '80-': false });
    expect(keyspaceHasBeenResharded('ks', all, [sg('ks', '80-')])).toBe(false);
  });

  it('ignores ShardGtids of other keyspaces', () => {
    expect(keyspaceHasBeenResharded('ks', shards({ '0': true }), [sg('other', 'x'), sg('ks', '0')])).toBe(false);
  });

  it('fails FAILED_PRECONDITION for a shard the keyspace does not have', () => {
    const call = () => keyspaceHasBeenResharded('ks', shards({ '-80': true, '80-': true }), [sg('ks', '-80'), sg('ks', '-40')]);
    expect(call).toThrow('shard provided in VGTID, -40, not found in the ks keyspace');
    try {
      call();
    } catch (err) {
      expect((err as VtError).code).toBe(Code.FAILED_PRECONDITION);
    }
    expect(() => keyspaceHasBeenResharded('nope', new Map(), [sg('nope', '0')])).toThrow('shard provided in VGTID, 0, not found in the nope keyspace');
  });
});

describe('shouldRetry', () => {
  it('retries UNAVAILABLE and FAILED_PRECONDITION on any tablet', () => {
    expect(shouldRetry(new VtError(Code.UNAVAILABLE, 'gone'))).toEqual({ retry: true, ignoreTablet: false });
    expect(shouldRetry(new SqlError(1105, 'HY000', 'wrong tablet type', Code.FAILED_PRECONDITION))).toEqual({ retry: true, ignoreTablet: false });
  });

  it('retries a GTIDSet Mismatch on another tablet, and no other INVALID_ARGUMENT', () => {
    expect(shouldRetry(new VtError(Code.INVALID_ARGUMENT, 'GTIDSet Mismatch: requested source position: …'))).toEqual({ retry: true, ignoreTablet: true });
    expect(shouldRetry(new VtError(Code.INVALID_ARGUMENT, 'table nope is not present in the database'))).toEqual({ retry: false, ignoreTablet: false });
  });

  it('never retries INTERNAL; retries other codes only for ephemeral MySQL errors', () => {
    expect(shouldRetry(new VtError(Code.INTERNAL, 'not all journaling participants are in the stream')).retry).toBe(false);
    expect(shouldRetry(new SqlError(3024, 'HY000', 'maximum statement execution time exceeded', Code.UNKNOWN)).retry).toBe(true);
    expect(shouldRetry(new SqlError(1146, '42S02', "Table 'x' doesn't exist")).retry).toBe(false);
    expect(shouldRetry(new VtError(Code.UNIMPLEMENTED, 'nope')).retry).toBe(false);
    expect(shouldRetry(new Error('plain')).retry).toBe(false);
  });
});

describe('SkewAligner', () => {
  const start = Date.UTC(2024, 0, 1);
  function ev(type: VEventType, timestampSeconds: number, clock: ManualClock): VEvent {
    return { type, timestamp: timestampSeconds, current_time: clock.nowNanos().toString() };
  }

  it('holds a stream that is ahead until the laggard catches up; the laggard and heartbeats never wait', async () => {
    const clock = new ManualClock(start);
    const skew = new SkewAligner(clock);
    const signal = new AbortController().signal;
    const now = start / 1000;
    await skew.align('ks/-80', ev(VEventType.COMMIT, now - 10, clock), signal);
    let released = false;
    const ahead = skew.align('ks/80-', ev(VEventType.COMMIT, now, clock), signal).then(() => (released = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(released).toBe(false);
    await skew.align('ks/80-', ev(VEventType.HEARTBEAT, now, clock), signal);
    await skew.align('ks/-80', ev(VEventType.COMMIT, now - 5, clock), signal);
    await new Promise((r) => setTimeout(r, 20));
    expect(released).toBe(false);
    await skew.align('ks/-80', ev(VEventType.HEARTBEAT, now - 1, clock), signal);
    await ahead;
    expect(released).toBe(true);
  });

  it('ignores events without a timestamp and streams within two seconds of each other', async () => {
    const clock = new ManualClock(start);
    const skew = new SkewAligner(clock);
    const signal = new AbortController().signal;
    const now = start / 1000;
    await skew.align('a', ev(VEventType.COMMIT, now - 100, clock), signal);
    await skew.align('b', { type: VEventType.COMMIT, timestamp: 0 }, signal);
    await skew.align('c', ev(VEventType.COMMIT, now - 98, clock), signal);
  });

  it('fails CANCELED when the laggard does not catch up in time', async () => {
    const clock = new ManualClock(start);
    const skew = new SkewAligner(clock, 30);
    const signal = new AbortController().signal;
    const now = start / 1000;
    await skew.align('a', ev(VEventType.COMMIT, now - 10, clock), signal);
    const err = await skew.align('b', ev(VEventType.COMMIT, now, clock), signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VtError);
    expect((err as VtError).code).toBe(Code.CANCELED);
    expect((err as VtError).message).toBe('timed out while waiting for skew to reduce for stream b');
  });
});

describe('ResponseQueue', () => {
  const ev = (n: number): VEvent => ({ type: VEventType.ROW, timestamp: n });

  it('hands out one transaction’s batches consecutively and resolves the push after the last one', async () => {
    const q = new ResponseQueue();
    let firstTaken = false;
    const first = q.push([[ev(1)], [ev(2)]]).then(() => (firstTaken = true));
    const second = q.push([[ev(3)]]);
    expect(q.shift()).toEqual([ev(1)]);
    await Promise.resolve();
    expect(firstTaken).toBe(false);
    expect(q.shift()).toEqual([ev(2)]);
    await first;
    expect(q.shift()).toEqual([ev(3)]);
    await second;
    expect(q.shift()).toBeUndefined();
  });

  it('wakes a waiting consumer on push, reports idle after the idle time, and releases pushes on close', async () => {
    const q = new ResponseQueue();
    const signal = new AbortController().signal;
    expect(await q.wait(signal, 10)).toBe('idle');
    const waiting = q.wait(signal, 0);
    const pushed = q.push([[ev(1)]]);
    expect(await waiting).toBe('work');
    q.close();
    await pushed;
    await q.push([[ev(2)]]);
    expect(q.shift()).toBeUndefined();
  });
});
