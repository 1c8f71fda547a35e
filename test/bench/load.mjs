/**
 * Drives a MySQL-protocol server with client load from forked load-client processes, so that the
 * clients do not share the server's event loop (or, on two cores, its core).
 */
import { fork } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const CLIENT = fileURLToPath(new URL('./load-client.mjs', import.meta.url));

/**
 * What one load run measured, summed over its client processes.
 * @typedef {object} LoadResult
 * @property {number} ops operations completed in the measured window
 * @property {number} rows rows those operations handled
 * @property {number} seconds the window's length (longer than asked when an operation outlasted it; see load-client.mjs)
 * @property {number} connections connections in all
 * @property {number} processes client processes
 * @property {number} clientCpu client CPU over the window, in cores (1 = one core busy)
 * @property {number | undefined} serverCpu server CPU over the window, in cores, if a sampler was given
 * @property {Record<string, number> | undefined} serverCpuByPart the server's CPU over the window by part (for a
 *   server of several processes: `vtgate`, `customer primary`, …), in cores, if that sampler was given
 */

/**
 * Runs `workload` (a key of workloads.mjs) on `connections` connections split over `processes`
 * client processes; all processes start together, warm up for warmupMs and measure durationMs.
 * `serverCpuMicros` and `serverCpuMicrosByPart`, if given, are sampled at the window's start and
 * end. Rejects with the first client's error (every client is then killed).
 * @param {{ port: number, database?: string, workload: string, params?: object, connections: number,
 *   processes: number, warmupMs: number, durationMs: number, serverCpuMicros?: () => number | undefined,
 *   serverCpuMicrosByPart?: () => Record<string, number> }} opts
 * @returns {Promise<LoadResult>}
 */
export async function runLoad(opts) {
  const perProcess = Math.ceil(opts.connections / opts.processes);
  const children = [];
  try {
    const specs = [];
    for (let p = 0, slot = 0; slot < opts.connections; p++, slot += perProcess) {
      specs.push({
        port: opts.port,
        database: opts.database,
        workload: opts.workload,
        params: opts.params ?? {},
        connections: Math.min(perProcess, opts.connections - slot),
        firstSlot: slot,
        warmupMs: opts.warmupMs,
        durationMs: opts.durationMs,
      });
    }
    const clients = specs.map((spec) => {
      const child = fork(CLIENT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      return { child, spec, messages: messageQueue(child) };
    });
    for (const c of clients) c.child.send({ type: 'spec', spec: c.spec });
    await Promise.all(clients.map((c) => c.messages.next('ready')));
    for (const c of clients) c.child.send({ type: 'go' });
    /** Samples at the window's start and end. @template T @param {(() => T) | undefined} sampler @returns {Promise<T[]> | undefined} */
    const sample = (sampler) => sampler && Promise.all([opts.warmupMs, opts.warmupMs + opts.durationMs].map((ms) => delay(ms).then(sampler)));
    const serverSamples = sample(opts.serverCpuMicros);
    const partSamples = sample(opts.serverCpuMicrosByPart);
    const results = await Promise.all(clients.map((c) => c.messages.next('result')));
    const [serverAtStart, serverAtEnd] = (await serverSamples) ?? [];
    const [partsAtStart, partsAtEnd] = (await partSamples) ?? [];
    // A client whose connections had to run past a short window to complete an operation measured longer.
    const seconds = Math.max(opts.durationMs / 1000, ...results.map((r) => r.seconds));
    const sum = (key) => results.reduce((s, r) => s + r[key], 0);
    return {
      ops: sum('ops'),
      rows: sum('rows'),
      seconds,
      connections: opts.connections,
      processes: clients.length,
      clientCpu: sum('cpuMicros') / 1e6 / seconds,
      serverCpu: serverAtStart !== undefined && serverAtEnd !== undefined ? (serverAtEnd - serverAtStart) / 1e6 / seconds : undefined,
      serverCpuByPart: partsAtStart && partsAtEnd
        ? Object.fromEntries(Object.keys(partsAtEnd).map((part) => [part, (partsAtEnd[part] - (partsAtStart[part] ?? 0)) / 1e6 / seconds]))
        : undefined,
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }
}

/**
 * How a load run was made and what it cost, in one line; `r.idle`, if present, is how long the
 * server took to go idle before the run (reported when it had work left from the previous one).
 */
export function describeLoad(r) {
  const perOp = (cores) => `${((cores * r.seconds * 1e6) / r.ops).toFixed(1)} µs/op`;
  const server = r.serverCpu === undefined ? '' : `server CPU ${r.serverCpu.toFixed(2)} cores (${perOp(r.serverCpu)}), `;
  const idle = !r.idle ? '' : !r.idle.settled ? `; server still busy ${Math.round(r.idle.waitedMs)} ms after the previous run`
    : r.idle.waitedMs > 500 ? `; server busy ${Math.round(r.idle.waitedMs)} ms after the previous run` : '';
  return `${r.connections} connections in ${r.processes} client process${r.processes === 1 ? '' : 'es'}; ` +
    `${server}client CPU ${r.clientCpu.toFixed(2)} cores (${perOp(r.clientCpu)}); ${r.ops} ops in ${r.seconds} s${idle}`;
}

/**
 * Where the server's CPU went in a load run of a server of several processes, per row or per
 * operation: `vtgate 3.10 µs, customer primary 2.00 µs, …`, the dearest first, idle parts left out;
 * undefined without the by-part sampler.
 * @param {LoadResult} r
 * @param {'row' | 'op'} per
 */
export function describeCpuByPart(r, per) {
  if (!r.serverCpuByPart) return undefined;
  const count = per === 'row' ? r.rows : r.ops;
  const parts = Object.entries(r.serverCpuByPart).filter(([, cores]) => cores > 0).sort((a, b) => b[1] - a[1]);
  return `server CPU per ${per} by process: ${parts.map(([part, cores]) => `${part} ${((cores * r.seconds * 1e6) / count).toFixed(2)} µs`).join(', ')}`;
}

/** The messages of a child, awaited in order; an 'error' message or an exit before the message rejects the wait. */
function messageQueue(child) {
  const queued = [];
  let waiting;
  let failure;
  const deliver = () => {
    if (!waiting) return;
    if (queued.length > 0) {
      const { type, resolve, reject } = waiting;
      waiting = undefined;
      const msg = queued.shift();
      if (msg.type === type) resolve(msg);
      else reject(new Error(msg.type === 'error' ? `load client: ${msg.message}` : `load client sent '${msg.type}', expected '${type}'`));
    } else if (failure) {
      const { reject } = waiting;
      waiting = undefined;
      reject(failure);
    }
  };
  child.on('message', (msg) => {
    queued.push(msg);
    deliver();
  });
  child.on('close', (code, signal) => {
    failure = new Error(`load client exited (${signal ?? `code ${code}`}) before answering`);
    deliver();
  });
  return {
    next: (type) =>
      new Promise((resolve, reject) => {
        waiting = { type, resolve, reject };
        deliver();
      }),
  };
}
