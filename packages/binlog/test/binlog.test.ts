import { getEventListeners } from 'node:events';
import { SqlError } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import type { BinlogEvent, BinlogTransaction, Gtid } from '../src/index.js';
import { Binlog, DEFAULT_BINLOG_RETENTION, encodePosition, estimateTransactionBytes, formatGtid, GtidParseError, GtidSet, ManualClock } from '../src/index.js';

const S = '060a409d-8e10-11eb-9bb5-04ed332e05c2';
const P = '2174b383-5441-11e8-b90a-c80aa9429562';

const ddl = (statement: string): BinlogEvent => ({ kind: 'ddl', database: 'vt_commerce', statement });
const newBinlog = (clock = new ManualClock(1_700_000_000_500)): Binlog => new Binlog({ serverUuid: S, clock });
const gtids = (txs: Iterable<BinlogTransaction>): string[] => [...txs].map((tx) => formatGtid(tx.gtid));
const filled = (n: number): Binlog => {
  const b = newBinlog();
  for (let i = 0; i < n; i++) b.append([]);
  return b;
};
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reads `n` transactions from a follower, failing if they do not arrive within a few event-loop turns. */
async function take(it: AsyncIterator<BinlogTransaction>, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const next = await Promise.race([it.next(), tick().then(tick).then(() => 'timeout' as const)]);
    if (next === 'timeout') throw new Error(`only ${i} of ${n} transactions arrived`);
    if (next.done) throw new Error(`follower ended after ${i} of ${n} transactions`);
    out.push(formatGtid(next.value.gtid));
  }
  return out;
}

describe('Binlog.append', () => {
  it('assigns consecutive GTIDs of its own uuid and timestamps from the clock', () => {
    const clock = new ManualClock(1_700_000_000_900);
    const b = new Binlog({ serverUuid: S.toUpperCase(), clock });
    expect(b.serverUuid).toBe(S);
    const events = [ddl('create table t (id bigint primary key)')];
    const t1 = b.append(events);
    clock.advance(2_500);
    const t2 = b.append([]);
    const t3 = b.append([], { timestamp: 42 });
    expect(t1).toEqual({ gtid: { sid: S, gno: 1 }, timestamp: 1_700_000_000, events });
    expect(t1.events).toBe(events);
    expect(t2.gtid.gno).toBe(2);
    expect(t2.timestamp).toBe(1_700_000_003);
    expect(t3.timestamp).toBe(42);
    expect(b.length).toBe(3);
    expect(b.transactionAt(1)).toBe(t2);
    expect(b.executed().toString()).toBe(`${S}:1-3`);
    expect(encodePosition(b.position())).toBe(`MySQL56/${S}:1-3`);
  });

  it('keeps a given GTID (a replica applying its primary) and continues its own numbering after it', () => {
    const b = newBinlog();
    b.append([]);
    b.append([], { gtid: { sid: P, gno: 7 } });
    b.append([], { gtid: { sid: S, gno: 5 } });
    const own = b.append([]);
    expect(own.gtid).toEqual({ sid: S, gno: 6 });
    expect(b.executed().toString()).toBe(`${S}:1:5-6,${P}:7`);
    expect(gtids(b.readFrom(GtidSet.empty))).toEqual([`${S}:1`, `${P}:7`, `${S}:5`, `${S}:6`]);
  });

  it('refuses a GTID it already has, or a malformed one, and appends nothing', () => {
    const b = newBinlog();
    b.append([]);
    b.append([], { gtid: { sid: P, gno: 1 } });
    expect(() => b.append([], { gtid: { sid: P, gno: 1 } })).toThrow(`GTID ${P}:1 is already in the binlog of server ${S}`);
    expect(() => b.append([], { gtid: { sid: S, gno: 1 } })).toThrow('already in the binlog');
    expect(() => b.append([], { gtid: { sid: P, gno: 0 } })).toThrow(RangeError);
    expect(() => b.append([], { gtid: { sid: 'P', gno: 1 } })).toThrow(RangeError);
    expect(b.length).toBe(2);
    expect(b.executed().toString()).toBe(`${S}:1,${P}:1`);
  });

  it('rejects a server uuid that is not a UUID', () => {
    expect(() => new Binlog({ serverUuid: 'primary-1', clock: new ManualClock(0) })).toThrow(GtidParseError);
  });

  it('reports out-of-range indexes', () => {
    const b = filled(2);
    expect(() => b.transactionAt(2)).toThrow(RangeError);
    expect(() => b.transactionAt(-1)).toThrow(RangeError);
  });

  it('holds a million transactions when nothing limits it', () => {
    const started = performance.now();
    const b = new Binlog({ serverUuid: S, clock: new ManualClock(0), retention: {} });
    for (let i = 0; i < 1_000_000; i++) b.append([]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(b.length).toBe(1_000_000);
    expect(b.executed().toString()).toBe(`${S}:1-1000000`);
    expect(b.transactionAt(999_999).gtid.gno).toBe(1_000_000);
  });
});

describe('Binlog.readFrom', () => {
  it('returns everything for an empty position and nothing for the executed set or a superset', () => {
    const b = filled(5);
    expect(gtids(b.readFrom(GtidSet.empty))).toEqual([1, 2, 3, 4, 5].map((n) => `${S}:${n}`));
    expect(gtids(b.readFrom(b.executed()))).toEqual([]);
    expect(gtids(b.readFrom(GtidSet.parse(`${S}:1-9,${P}:1-3`)))).toEqual([]);
    expect(gtids(newBinlog().readFrom(GtidSet.empty))).toEqual([]);
  });

  it('returns the exact tail for every prefix position, across checkpoint boundaries', () => {
    const b = filled(1_100);
    for (const k of [0, 1, 2, 255, 256, 257, 511, 512, 513, 767, 768, 1_023, 1_024, 1_099, 1_100]) {
      const pos = k === 0 ? GtidSet.empty : GtidSet.parse(`${S}:1-${k}`);
      const read = gtids(b.readFrom(pos));
      expect(read.length).toBe(1_100 - k);
      expect(read[0]).toBe(k < 1_100 ? `${S}:${k + 1}` : undefined);
    }
  });

  it('matches a plain filter for positions that are not prefixes', () => {
    const b = newBinlog();
    for (let i = 1; i <= 1_000; i++) {
      if (i % 7 === 0) b.append([], { gtid: { sid: P, gno: i } });
      else b.append([]);
    }
    const positions = [
      `${S}:1-10:20-30`,
      `${S}:1-600`,
      `${S}:1-900,${P}:7-700`,
      `${P}:1-1000`,
      `${S}:2-1000,${P}:1-1000`,
      `${S}:1-500:502-1000,${P}:1-1000`,
      `${S}:300-400`,
    ];
    const all = [...b.readFrom(GtidSet.empty)];
    for (const text of positions) {
      const pos = GtidSet.parse(text);
      const expected = all.filter((tx) => !pos.containsGtid(tx.gtid)).map((tx) => formatGtid(tx.gtid));
      expect(gtids(b.readFrom(pos)), text).toEqual(expected);
    }
  });

  it('reads the log as it was at the call', () => {
    const b = filled(3);
    const pending = b.readFrom(GtidSet.parse(`${S}:1`));
    b.append([]);
    expect(gtids(pending)).toEqual([`${S}:2`, `${S}:3`]);
  });

  it('finds the start of a near-current position in a million-transaction log quickly', () => {
    const b = filled(1_000_000);
    const pos = GtidSet.parse(`${S}:1-999990`);
    const started = performance.now();
    let count = 0;
    for (let i = 0; i < 2_000; i++) for (const _tx of b.readFrom(pos)) count++;
    expect(count).toBe(2_000 * 10);
    // A scan from the start would take minutes here.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('Binlog.follow', () => {
  it('catches up, then yields new transactions as they are appended', async () => {
    const b = filled(3);
    const ac = new AbortController();
    const it = b.follow(GtidSet.parse(`${S}:1`), ac.signal)[Symbol.asyncIterator]();
    expect(await take(it, 2)).toEqual([`${S}:2`, `${S}:3`]);
    const waiting = it.next();
    await tick();
    b.append([]);
    expect(formatGtid((await waiting).value!.gtid)).toBe(`${S}:4`);
    b.append([]);
    b.append([]);
    expect(await take(it, 2)).toEqual([`${S}:5`, `${S}:6`]);
    ac.abort();
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('returns at once for an already aborted signal', async () => {
    const b = filled(3);
    const seen: BinlogTransaction[] = [];
    for await (const tx of b.follow(GtidSet.empty, AbortSignal.abort())) seen.push(tx);
    expect(seen).toEqual([]);
  });

  it('returns normally when aborted while waiting, and releases its listener', async () => {
    const b = filled(1);
    const ac = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const tx of b.follow(GtidSet.empty, ac.signal)) seen.push(formatGtid(tx.gtid));
    })();
    await tick();
    expect(seen).toEqual([`${S}:1`]);
    expect(getEventListeners(ac.signal, 'abort').length).toBe(1);
    ac.abort();
    await done;
    expect(getEventListeners(ac.signal, 'abort').length).toBe(0);
    b.append([]);
    expect(seen).toEqual([`${S}:1`]);
  });

  it('stops before the next transaction when aborted while the consumer is busy', async () => {
    const b = filled(5);
    const ac = new AbortController();
    const seen: string[] = [];
    for await (const tx of b.follow(GtidSet.empty, ac.signal)) {
      seen.push(formatGtid(tx.gtid));
      if (tx.gtid.gno === 2) ac.abort();
    }
    expect(seen).toEqual([`${S}:1`, `${S}:2`]);
  });

  it('releases everything when the consumer breaks out', async () => {
    const b = filled(3);
    const ac = new AbortController();
    for await (const tx of b.follow(GtidSet.empty, ac.signal)) if (tx.gtid.gno === 2) break;
    expect(getEventListeners(ac.signal, 'abort').length).toBe(0);
  });

  it('does not keep abort listeners across many waits', async () => {
    const b = newBinlog();
    const ac = new AbortController();
    const it = b.follow(GtidSet.empty, ac.signal)[Symbol.asyncIterator]();
    for (let i = 1; i <= 50; i++) {
      const next = it.next();
      await tick();
      b.append([]);
      expect((await next).value!.gtid.gno).toBe(i);
    }
    expect(getEventListeners(ac.signal, 'abort').length).toBe(1);
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });

  it('serves many concurrent followers, each from its own position, in log order', async () => {
    const b = newBinlog();
    const ac = new AbortController();
    const followers = Array.from({ length: 50 }, (_, f) => {
      const seen: number[] = [];
      const pos = f % 5 === 0 ? GtidSet.empty : GtidSet.parse(`${S}:1-${f % 5}`);
      const done = (async () => {
        for await (const tx of b.follow(pos, ac.signal)) seen.push(tx.gtid.gno);
      })();
      return { seen, done, from: f % 5 === 0 ? 1 : (f % 5) + 1 };
    });
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 5; i++) b.append([]);
      await tick();
    }
    for (const f of followers) {
      expect(f.seen).toEqual(Array.from({ length: 100 - f.from + 1 }, (_, i) => f.from + i));
    }
    ac.abort();
    await Promise.all(followers.map((f) => f.done));
  });

  it('skips live transactions already in its position', async () => {
    const b = filled(1);
    const ac = new AbortController();
    const pos = GtidSet.parse(`${S}:1,${P}:2`);
    const it = b.follow(pos, ac.signal)[Symbol.asyncIterator]();
    const appended: Gtid[] = [{ sid: P, gno: 1 }, { sid: P, gno: 2 }, { sid: P, gno: 3 }];
    for (const gtid of appended) b.append([], { gtid });
    expect(await take(it, 2)).toEqual([`${P}:1`, `${P}:3`]);
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });

  it('lets a slow follower fall behind within the retention window without slowing appends, then catch up in order', async () => {
    const b = new Binlog({ serverUuid: S, clock: new ManualClock(0), retention: { maxTransactions: 100_001 } });
    const ac = new AbortController();
    const it = b.follow(GtidSet.empty, ac.signal)[Symbol.asyncIterator]();
    b.append([]);
    expect(await take(it, 1)).toEqual([`${S}:1`]);
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) b.append([]);
    expect(performance.now() - started).toBeLessThan(1_000);
    let expected = 2;
    let inOrder = true;
    for (let i = 0; i < 100_000; i++) {
      const next = await it.next();
      if (next.done || next.value.gtid.gno !== expected++) inOrder = false;
    }
    expect(inOrder).toBe(true);
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });
});

describe('Binlog retention', () => {
  const row = (id: number, text: string): BinlogEvent => ({
    kind: 'rows',
    table: { id: 1, database: 'vt_commerce', name: 't', fields: [], pkColumns: [0] },
    changes: [{ after: [BigInt(id), text] }],
    timestamp: 0,
  });
  const bounded = (maxTransactions?: number, maxBytes?: number): Binlog =>
    new Binlog({ serverUuid: S, clock: new ManualClock(0), retention: { maxTransactions, maxBytes } });
  const purgedError = (f: () => unknown): SqlError => {
    try {
      f();
    } catch (err) {
      if (err instanceof SqlError) return err;
      throw err;
    }
    throw new Error('no error');
  };

  it('keeps the last N transactions and moves the older GTIDs to gtid_purged', () => {
    const b = bounded(10);
    for (let i = 0; i < 30; i++) b.append([]);
    expect(b.length).toBe(10);
    expect(b.appended).toBe(30);
    expect(b.executed().toString()).toBe(`${S}:1-30`);
    expect(b.purged().toString()).toBe(`${S}:1-20`);
    expect(b.transactionAt(0).gtid.gno).toBe(21);
    expect(gtids(b.readFrom(GtidSet.parse(`${S}:1-27`)))).toEqual([`${S}:28`, `${S}:29`, `${S}:30`]);
    expect(gtids(b.readFrom(GtidSet.parse(`${S}:1-20`)))).toHaveLength(10);
  });

  it('holds at most N transactions after 3N writes, however many readers came and went', () => {
    const n = 5_000;
    const b = bounded(n);
    for (let i = 0; i < 3 * n; i++) {
      b.append([row(i, 'x'.repeat(100))]);
      if (i % 1_000 === 0) expect(gtids(b.readFrom(b.executed()))).toEqual([]);
    }
    expect(b.length).toBe(n);
    // The storage itself is bounded too: purged slots are dropped, not just skipped.
    expect((b as unknown as { log: unknown[] }).log.length).toBeLessThanOrEqual(2 * n);
    expect(b.bytes).toBe(n * estimateTransactionBytes([row(0, 'x'.repeat(100))]));
    expect(b.purged().toString()).toBe(`${S}:1-${2 * n}`);
    expect(gtids(b.readFrom(b.purged()))).toHaveLength(n);
  });

  it('purges by estimated bytes, keeping the newest transaction', () => {
    const size = estimateTransactionBytes([row(1, 'a'.repeat(1000))]);
    expect(size).toBeGreaterThan(1000);
    const b = bounded(undefined, 3 * size);
    for (let i = 0; i < 7; i++) b.append([row(i, 'a'.repeat(1000))]);
    expect(b.length).toBe(3);
    expect(b.bytes).toBe(3 * size);
    expect(b.purged().toString()).toBe(`${S}:1-4`);
    b.append([row(8, 'b'.repeat(10 * size))]);
    expect(b.length).toBe(1);
    expect(b.purged().toString()).toBe(`${S}:1-7`);
    expect(b.executed().toString()).toBe(`${S}:1-8`);
  });

  it('PURGE BINARY LOGS: purge(keep) drops the oldest and leaves gtid_executed alone', () => {
    const b = bounded();
    for (let i = 0; i < 5; i++) b.append([]);
    b.purge(2);
    expect(b.length).toBe(2);
    expect(b.purged().toString()).toBe(`${S}:1-3`);
    b.purge(0);
    expect(b.purged().equals(b.executed())).toBe(true);
    expect(gtids(b.readFrom(b.executed()))).toEqual([]);
    expect(() => b.purge(-1)).toThrow(RangeError);
  });

  it('refuses a position missing purged GTIDs with MySQL error 1236', async () => {
    const b = bounded(3);
    b.append([], { gtid: { sid: P, gno: 1 } });
    for (let i = 0; i < 5; i++) b.append([]);
    expect(b.purged().toString()).toBe(`${S}:1-2,${P}:1`);
    const err = purgedError(() => b.readFrom(GtidSet.parse(`${P}:1,${S}:1`)));
    expect(err.errno).toBe(1236);
    expect(err.sqlState).toBe('HY000');
    expect(err.message).toBe(
      'Cannot replicate because the source purged required binary logs. Replicate the missing transactions from ' +
        "elsewhere, or provision a new replica from backup. Consider increasing the source's binary log expiration " +
        `period. The GTID set sent by the replica is '${S}:1,${P}:1', and the missing transactions are '${S}:2'.`,
    );
    await expect(b.follow(GtidSet.empty, new AbortController().signal).next()).rejects.toMatchObject({ errno: 1236 });
    expect(gtids(b.readFrom(GtidSet.parse(`${P}:1,${S}:1-2`)))).toEqual([`${S}:3`, `${S}:4`, `${S}:5`]);
  });

  it('ends a follower with 1236 when it falls behind the window instead of skipping', async () => {
    const b = bounded(4);
    b.append([]);
    const ac = new AbortController();
    const it = b.follow(b.executed(), ac.signal)[Symbol.asyncIterator]();
    b.append([]);
    expect(await take(it, 1)).toEqual([`${S}:2`]);
    for (let i = 0; i < 10; i++) b.append([]);
    await expect(it.next()).rejects.toMatchObject({ errno: 1236 });
    ac.abort();
  });

  it('defaults to a bounded window', () => {
    expect(DEFAULT_BINLOG_RETENTION).toEqual({ maxTransactions: 20_000, maxBytes: 64 * 1024 * 1024 });
    const b = filled(DEFAULT_BINLOG_RETENTION.maxTransactions! + 10);
    expect(b.length).toBe(DEFAULT_BINLOG_RETENTION.maxTransactions);
    expect(b.purged().toString()).toBe(`${S}:1-10`);
  });
});

describe('Binlog.setGtidPurged', () => {
  it('makes a kept datadir\'s GTIDs executed and purged: new transactions continue them, readers inside them get 1236, readers at them follow', async () => {
    const b = newBinlog();
    const kept = GtidSet.parse(`${P}:1-4,${S}:1-7`);
    b.setGtidPurged(kept);
    expect([b.executed().toString(), b.purged().toString(), b.length, b.appended]).toEqual([kept.toString(), kept.toString(), 0, 0]);
    expect(gtids(b.readFrom(kept))).toEqual([]);
    const follower = b.follow(kept, new AbortController().signal)[Symbol.asyncIterator]();
    b.append([ddl('create table t (id int)')]);
    expect(await take(follower, 1)).toEqual([`${S}:8`]);
    expect(gtids(b.readFrom(kept))).toEqual([`${S}:8`]);
    let err: unknown;
    try {
      b.readFrom(GtidSet.parse(`${P}:1-4,${S}:1-6`));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).errno).toBe(1236);
    expect(() => b.setGtidPurged(kept)).toThrow(`binlog of ${S} already has GTIDs: gtid_purged can only be set on an empty one`);
  });
});
