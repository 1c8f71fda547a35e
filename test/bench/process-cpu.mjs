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

/** The summed CPU time of processes `pids` in µs ({@link processCpuMicros}), or undefined when one is unreadable. */
export function processesCpuMicros(/** @type {number[]} */ pids) {
  let sum = 0;
  for (const pid of pids) {
    const micros = processCpuMicros(pid);
    if (micros === undefined) return undefined;
    sum += micros;
  }
  return sum;
}

/**
 * CPU time of this process's exited and reaped children (cutime + cstime in /proc/self/stat) in
 * µs, or undefined without /proc: around a step whose short-lived commands this process awaited,
 * the difference is their CPU.
 */
export function reapedChildrenCpuMicros() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1_000_000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Waits until a server uses under `idleCores` of CPU over a `windowMs` window (work left over from
 * an earlier phase, such as replicas catching up, has finished), at most `timeoutMs`. `cpuMicros`
 * samples the server's CPU time in µs: {@link processCpuMicros} of its pid, or a sum over the
 * processes of a cluster. Resolves with the milliseconds waited, and whether it settled; without
 * /proc (the sampler gives undefined) it resolves at once.
 * @param {() => number | undefined} cpuMicros
 */
export async function waitForIdle(cpuMicros, { idleCores = 0.1, windowMs = 200, timeoutMs = 20_000 } = {}) {
  const t0 = performance.now();
  let before = cpuMicros();
  if (before === undefined) return { waitedMs: 0, settled: true };
  for (;;) {
    await delay(windowMs);
    const now = cpuMicros();
    if (now === undefined) return { waitedMs: performance.now() - t0, settled: true };
    if ((now - before) / 1000 / windowMs < idleCores) return { waitedMs: performance.now() - t0, settled: true };
    if (performance.now() - t0 > timeoutMs) return { waitedMs: performance.now() - t0, settled: false };
    before = now;
  }
}
