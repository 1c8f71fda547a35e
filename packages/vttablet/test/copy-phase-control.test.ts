import { describe, expect, it } from 'vitest';
import { ManualClock } from '@vtsim/binlog';
import { CopyPhaseControl } from '../src/vreplication/index.js';

describe('CopyPhaseControl', () => {
  it('interrupts the copy cycles of one workflow only, and forgets streams that stopped copying', () => {
    const control = new CopyPhaseControl();
    const hits: string[] = [];
    const stopA1 = control.copyStarted('a', () => hits.push('a1'));
    control.copyStarted('a', () => hits.push('a2'));
    control.copyStarted('b', () => hits.push('b1'));
    expect(control.copyingWorkflows()).toEqual(['a', 'b']);
    expect(control.interrupt('a')).toBe(2);
    expect(hits).toEqual(['a1', 'a2']);
    stopA1();
    expect(control.interrupt('a')).toBe(1);
    expect(control.interrupt('nope')).toBe(0);
    expect(hits).toEqual(['a1', 'a2', 'a2']);
  });

  it('paces a stream to the rate, counting the time spent copying, on a manual clock', async () => {
    const clock = new ManualClock(0);
    const slept: number[] = [];
    const control = new CopyPhaseControl({
      now: () => clock.now(),
      sleep: async (ms) => {
        slept.push(ms);
        clock.advance(ms);
      },
    });
    const signal = new AbortController().signal;
    const pacer = control.pacer();
    // No throttle: no wait, however many rows.
    await pacer.take(1_000_000, signal);
    expect(slept).toEqual([]);

    control.setRowsPerSecond(100);
    await pacer.take(20, signal); // 20 rows at 100/s: due at 200 ms
    expect(slept).toEqual([200]);
    clock.advance(50); // applying the next 20 rows took 50 ms: 150 ms left to wait
    await pacer.take(20, signal);
    expect(slept).toEqual([200, 150]);
    expect(clock.now()).toBe(400);
    clock.advance(1000); // idle time is not saved up for a burst: only 100 ms of it counts
    await pacer.take(10, signal); // 10 rows = 100 ms: covered
    expect(slept).toEqual([200, 150]);
    await pacer.take(20, signal);
    expect(slept).toEqual([200, 150, 200]);
    // 70 rows (the first 20 taken at 0 ms) by 1600 ms: never ahead of rate × time since the first take.
    expect(clock.now()).toBe(1600);

    // A second stream has its own pace; a lower rate applies from the next rows on.
    const other = control.pacer();
    control.setRowsPerSecond(10);
    await other.take(5, signal);
    expect(slept.at(-1)).toBe(500);
    control.setRowsPerSecond(undefined);
    await other.take(5, signal);
    expect(slept).toHaveLength(4);
  });

  it('never lets a stream run ahead of the rate: over any stretch of takes, rows ≤ rate × (time + 100 ms)', async () => {
    const clock = new ManualClock(0);
    const control = new CopyPhaseControl({ now: () => clock.now(), sleep: async (ms) => clock.advance(ms) });
    const rate = 250;
    control.setRowsPerSecond(rate);
    const pacer = control.pacer();
    const signal = new AbortController().signal;
    // After each take: when it returned, and the rows taken so far.
    const done: { at: number; rows: number }[] = [{ at: 0, rows: 0 }];
    for (let i = 0; i < 400; i++) {
      // Applying a chunk or waiting for the source: 0–179 ms, and now and then a long idle.
      clock.advance(i % 50 === 49 ? 3000 : (i * 37) % 180);
      const chunk = 1 + ((i * 13) % 25);
      await pacer.take(chunk, signal);
      done.push({ at: clock.now(), rows: done.at(-1)!.rows + chunk });
    }
    let worst = -Infinity;
    for (let i = 0; i < done.length; i++) {
      for (let j = i + 1; j < done.length; j++) {
        worst = Math.max(worst, done[j]!.rows - done[i]!.rows - (rate * (done[j]!.at - done[i]!.at + 100)) / 1000);
      }
    }
    expect(worst).toBeLessThanOrEqual(1e-9);
  });

  it('waits on real timers by default, returns early when aborted, and refuses a rate that is not positive', async () => {
    const control = new CopyPhaseControl();
    const signal = new AbortController().signal;
    expect(control.rowsPerSecond).toBeUndefined();
    control.setRowsPerSecond(100);
    const throttled = performance.now();
    await control.pacer().take(20, signal);
    expect(performance.now() - throttled).toBeGreaterThanOrEqual(190);
    expect(() => control.setRowsPerSecond(0)).toThrow(RangeError);
    expect(() => control.setRowsPerSecond(Number.NaN)).toThrow(RangeError);
    expect(() => control.setRowsPerSecond(Infinity)).toThrow(RangeError);
    expect(control.rowsPerSecond).toBe(100);
    const aborted = new AbortController();
    const started = performance.now();
    const waiting = control.pacer().take(1_000_000, aborted.signal);
    aborted.abort();
    await waiting;
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
