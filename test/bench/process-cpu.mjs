/** CPU time of another process, read from Linux's /proc (to see whether a server is CPU-bound). */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on every common Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU time of process `pid` in microseconds, or undefined where /proc is unreadable. */
export function processCpuMicros(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the parenthesized command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS_PER_SECOND;
}

/**
 * Waits until process `pid` uses under `idleCores` of CPU over a `windowMs` window (work left over
 * from an earlier phase, such as replicas catching up, has finished), at most `timeoutMs`.
 * Resolves with the milliseconds waited, and whether it settled; without /proc it resolves at once.
 */
export async function waitForIdle(pid, { idleCores = 0.1, windowMs = 200, timeoutMs = 20_000 } = {}) {
  const t0 = performance.now();
  let before = processCpuMicros(pid);
  if (before === undefined) return { waitedMs: 0, settled: true };
  for (;;) {
    await delay(windowMs);
    const now = processCpuMicros(pid);
    if (now === undefined) return { waitedMs: performance.now() - t0, settled: true };
    if ((now - before) / 1000 / windowMs < idleCores) return { waitedMs: performance.now() - t0, settled: true };
    if (performance.now() - t0 > timeoutMs) return { waitedMs: performance.now() - t0, settled: false };
    before = now;
  }
}
