/**
 * How busy the machine was while a benchmark ran, apart from the bench itself: the CPU that other
 * processes used (the machine's busy time in /proc/stat minus the CPU of this process and every
 * process it started, from /proc/<pid>/stat), and the 1-minute load average. A ratio to a
 * reference only holds when both sides ran under the same load; {@link measurePair} reruns a pair
 * once when they did not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on every common Linux). */
const TICKS_PER_SECOND = 100;

/**
 * The environment variable naming the bench's root process (run.mjs sets it for every process it
 * starts): the bench's CPU is that process's and its descendants'. Without it, this process's.
 */
export const BENCH_ROOT_ENV = 'VTSIM_BENCH_ROOT_PID';

/** Two runs ran under the same load when other processes' CPU differed by at most this many cores. */
export const SAME_LOAD_CORES = 0.25;

/**
 * The load during one measured run.
 * @typedef {object} LoadSample
 * @property {number | undefined} otherCores CPU other processes used, in cores (1 = one core busy), averaged over the run; undefined without /proc
 * @property {number} loadavg1 the 1-minute load average at the run's end (it counts the bench's own processes)
 * @property {number} seconds the run's length
 */

/** Busy ticks of all CPUs since boot (user, nice, system, irq, softirq, steal), or undefined without /proc/stat. */
function machineBusyTicks() {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal = 0] = cpu;
    return user + nice + system + irq + softirq + steal;
  } catch {
    return undefined;
  }
}

/**
 * CPU ticks of the bench's root process (see BENCH_ROOT_ENV) and all its descendants, live ones from their own times and exited,
 * reaped ones through their parents' children times (cutime, cstime), or undefined without /proc.
 */
function benchTreeTicks() {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  /** @type {Map<number, number>} */
  const ticks = new Map();
  let names;
  try {
    names = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // After the parenthesized command name: state, ppid, ... utime (14), stime, cutime, cstime (17).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(name);
    const ppid = Number(f[1]);
    ticks.set(pid, Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
    const siblings = children.get(ppid);
    if (siblings) siblings.push(pid);
    else children.set(ppid, [pid]);
  }
  let sum = 0;
  const pending = [Number(process.env[BENCH_ROOT_ENV]) || process.pid];
  while (pending.length > 0) {
    const pid = /** @type {number} */ (pending.pop());
    sum += ticks.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return sum;
}

/** Starts measuring the load; the returned function ends the window and returns its {@link LoadSample}. */
export function startLoadMeter() {
  const t0 = performance.now();
  const busy0 = machineBusyTicks();
  const tree0 = benchTreeTicks();
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const busy1 = machineBusyTicks();
    const tree1 = benchTreeTicks();
    const known = busy0 !== undefined && busy1 !== undefined && tree0 !== undefined && tree1 !== undefined;
    const otherCores = known ? Math.max(0, busy1 - busy0 - (tree1 - tree0)) / TICKS_PER_SECOND / seconds : undefined;
    return /** @type {LoadSample} */ ({ otherCores, loadavg1: loadavg()[0], seconds });
  };
}

/** A load sample in words, for a figure's detail. */
export function describeLoadSample(s) {
  const other = s.otherCores === undefined ? 'other processes\' CPU unknown (no /proc)' : `other processes ${s.otherCores.toFixed(2)} cores`;
  return `${other}, load average ${s.loadavg1.toFixed(2)}`;
}

/** Why two runs are not comparable (their load differed), or undefined when they are. */
export function loadDifference(/** @type {LoadSample} */ a, /** @type {LoadSample} */ b, names = ['vtsim', 'the reference']) {
  if (a.otherCores === undefined || b.otherCores === undefined) return undefined;
  if (Math.abs(a.otherCores - b.otherCores) <= SAME_LOAD_CORES) return undefined;
  return `other processes used ${a.otherCores.toFixed(2)} cores during ${names[0]}'s run and ${b.otherCores.toFixed(2)} during ${names[1]}'s (more than ${SAME_LOAD_CORES} apart)`;
}

/**
 * A vtsim run and its reference's, each with the load it ran under.
 * @template T
 * @typedef {object} Pair
 * @property {T} vtsim
 * @property {T} reference
 * @property {LoadSample} vtsimLoad
 * @property {LoadSample} referenceLoad
 * @property {number} attempts 1, or 2 when the first pair ran under different loads
 * @property {string | undefined} notComparable why the (last) pair is not comparable, or undefined
 */

/**
 * Runs `vtsim(attempt)` then `reference(attempt)`, each under a load meter; when the two ran
 * under different loads ({@link loadDifference}) it calls `discard` on the first pair's results
 * (if given) and runs the pair once more. The last pair is returned, with the reason it is still
 * not comparable if it is not.
 * @template T
 * @param {(attempt: number) => Promise<T>} vtsim
 * @param {(attempt: number) => Promise<T>} reference
 * @param {{ referenceName: string, vtsimName?: string, discard?: (vtsim: T, reference: T) => Promise<void> }} opts
 *   the names say whose run was under which load (vtsimName defaults to `vtsim`)
 * @returns {Promise<Pair<T>>}
 */
export async function measurePair(vtsim, reference, opts) {
  for (let attempt = 1; ; attempt++) {
    let stop = startLoadMeter();
    const v = await vtsim(attempt);
    const vtsimLoad = stop();
    stop = startLoadMeter();
    const r = await reference(attempt);
    const referenceLoad = stop();
    const notComparable = loadDifference(vtsimLoad, referenceLoad, [opts.vtsimName ?? 'vtsim', opts.referenceName]);
    if (!notComparable || attempt === 2) return { vtsim: v, reference: r, vtsimLoad, referenceLoad, attempts: attempt, notComparable };
    await opts.discard?.(v, r);
  }
}
