/**
 * Bounded-time measurement loops for in-process benchmarks: run an operation for a warm-up, then
 * count the operations (and rows) completed in a measured window of fixed length.
 */
import { performance } from 'node:perf_hooks';

/**
 * What a measured window produced.
 * @typedef {object} Measured
 * @property {number} ops operations completed in the window
 * @property {number} rows rows the operations reported
 * @property {number} seconds the window's real length
 * @property {number} cpuMicros this process's CPU time in the window (user + system, all threads)
 */

/** How a window's CPU use reads in a figure's detail: microseconds per operation. */
export function describeCpu(m) {
  return `${(m.cpuMicros / m.ops).toFixed(1)} µs CPU/op, ${(m.cpuMicros / 1e6 / m.seconds).toFixed(2)} cores`;
}

/**
 * Runs `op(i)` (i counts up from 0 across warm-up and window; it returns the rows it handled)
 * synchronously: first for `warmupMs`, then for `durationMs`, and measures the second part.
 * An exception from `op` propagates.
 * @param {{ warmupMs: number, durationMs: number }} time
 * @param {(i: number) => number} op
 * @returns {Measured}
 */
export function timedLoop(time, op) {
  let i = 0;
  const warmEnd = performance.now() + time.warmupMs;
  while (performance.now() < warmEnd) op(i++);
  let ops = 0;
  let rows = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + time.durationMs;
  let now;
  do {
    rows += op(i++);
    ops++;
  } while ((now = performance.now()) < end);
  return measured(ops, rows, start, now, cpu);
}

/**
 * The asynchronous twin of {@link timedLoop}: awaits each `op(i)` before starting the next.
 * @param {{ warmupMs: number, durationMs: number }} time
 * @param {(i: number) => Promise<number>} op
 * @returns {Promise<Measured>}
 */
export async function timedLoopAsync(time, op) {
  let i = 0;
  const warmEnd = performance.now() + time.warmupMs;
  while (performance.now() < warmEnd) await op(i++);
  let ops = 0;
  let rows = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + time.durationMs;
  let now;
  do {
    rows += await op(i++);
    ops++;
  } while ((now = performance.now()) < end);
  return measured(ops, rows, start, now, cpu);
}

function measured(ops, rows, start, end, cpuAtStart) {
  const cpu = process.cpuUsage(cpuAtStart);
  return { ops, rows, seconds: (end - start) / 1000, cpuMicros: cpu.user + cpu.system };
}
