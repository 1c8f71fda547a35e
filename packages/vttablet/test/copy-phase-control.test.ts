import { describe, expect, it } from 'vitest';
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

  it('throttles only while a rate is set, and refuses a rate that is not positive', async () => {
    const control = new CopyPhaseControl();
    const signal = new AbortController().signal;
    expect(control.rowsPerSecond).toBeUndefined();
    const unthrottled = Date.now();
    await control.throttle(1_000_000, signal);
    expect(Date.now() - unthrottled).toBeLessThan(50);
    control.setRowsPerSecond(100);
    const throttled = Date.now();
    await control.throttle(20, signal);
    expect(Date.now() - throttled).toBeGreaterThanOrEqual(190);
    expect(() => control.setRowsPerSecond(0)).toThrow(RangeError);
    expect(() => control.setRowsPerSecond(Number.NaN)).toThrow(RangeError);
    expect(control.rowsPerSecond).toBe(100);
    const aborted = new AbortController();
    const waiting = control.throttle(1_000_000, aborted.signal);
    aborted.abort();
    await waiting;
    control.setRowsPerSecond(undefined);
    expect(control.rowsPerSecond).toBeUndefined();
  });
});
