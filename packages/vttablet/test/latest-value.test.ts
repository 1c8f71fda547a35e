// LatestValue: watchers see the current value, then the latest after each change; a watcher that
// ends (aborted, or the value closed) leaves nothing behind (issue 9, bounded memory: one watch per
// tablet VStream, so clients that reconnect must not pile up memory between health changes).
import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { LatestValue } from '../src/latest-value.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after a full GC (in a later task, once the last one's promises are settled). */
async function heapUsed(): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().heapUsed;
}

/** Starts a watch, takes its first value, leaves it waiting for a change and aborts it; true if the watch then ended. */
async function abortedWatch(value: LatestValue<number>): Promise<boolean> {
  const ac = new AbortController();
  const it = value.watch(ac.signal)[Symbol.asyncIterator]();
  await it.next();
  const waiting = it.next();
  ac.abort();
  return (await waiting).done === true;
}

describe('LatestValue', () => {
  it('gives a watcher the current value, then the latest after each change, until close', async () => {
    const value = new LatestValue(1);
    const seen: number[] = [];
    const watching = (async () => {
      for await (const v of value.watch(new AbortController().signal)) seen.push(v);
    })();
    await new Promise((resolve) => setImmediate(resolve));
    value.set(2);
    value.set(3);
    await new Promise((resolve) => setImmediate(resolve));
    value.set(4);
    value.close();
    await watching;
    expect(seen).toEqual([1, 3, 4]);
  });

  it('keeps nothing of watchers aborted between changes', async () => {
    const value = new LatestValue(1);
    let ended = 0;
    for (let i = 0; i < 1000; i++) if (await abortedWatch(value)) ended++;
    const before = await heapUsed();
    for (let i = 0; i < 20_000; i++) if (await abortedWatch(value)) ended++;
    expect(ended).toBe(21_000);
    // Racing the pending change promise kept about 300 bytes per ended watcher (6 MB here).
    const grew = await heapUsed() - before;
    expect(grew).toBeLessThan(2 * 1024 * 1024);
    // The value lives on, as a tablet's health does (dead, it would take every reaction with it).
    expect(value.get()).toBe(1);
  });

  it('leaves nothing registered on a live watcher\'s signal between changes', async () => {
    const value = new LatestValue(0);
    const ac = new AbortController();
    const it = value.watch(ac.signal)[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ value: 0, done: false });
    for (let i = 1; i <= 3; i++) {
      const waiting = it.next();
      await new Promise((resolve) => setImmediate(resolve));
      expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
      value.set(i);
      expect(await waiting).toEqual({ value: i, done: false });
      expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    }
    const waiting = it.next();
    ac.abort();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });
});
