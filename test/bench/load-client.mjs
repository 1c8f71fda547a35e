/**
 * A client-load process, forked by load.mjs with an IPC channel. Protocol:
 *   parent → { type: 'spec', spec }   (a LoadClientSpec)
 *   child  → { type: 'ready' }        once every connection is open
 *   parent → { type: 'go' }
 *   child  → { type: 'result', ops, rows, seconds, cpuMicros }   then the child exits
 *   child  → { type: 'error', message }                          on any failure, then exits 1
 * After 'go' each connection runs its workload back to back: for warmupMs unmeasured, then for
 * durationMs; only operations completing inside that window count, except that a connection none of
 * whose operations completed in it (one operation outlasting a short window on a loaded machine)
 * runs on until one does, and the window then ends at that completion (`seconds` is the window's
 * real length). cpuMicros is this process's CPU time over the window.
 */
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { workloads } from './workloads.mjs';

/**
 * @typedef {object} LoadClientSpec
 * @property {number} port MySQL-protocol port on 127.0.0.1
 * @property {string} [database]
 * @property {string} workload a key of `workloads`
 * @property {import('./workloads.mjs').WorkloadParams} params
 * @property {number} connections connections this process opens
 * @property {number} firstSlot slot number of this process's first connection
 * @property {number} warmupMs
 * @property {number} durationMs
 */

/** @param {LoadClientSpec} spec */
async function run(spec) {
  const make = workloads[spec.workload];
  if (!make) throw new Error(`unknown workload '${spec.workload}'`);
  const conns = await Promise.all(
    Array.from({ length: spec.connections }, () =>
      mysql.createConnection({ host: '127.0.0.1', port: spec.port, user: 'bench', database: spec.database }),
    ),
  );
  try {
    await new Promise((resolve) => {
      process.once('message', resolve);
      process.send({ type: 'ready' });
    });
    const start = performance.now() + spec.warmupMs;
    const end = start + spec.durationMs;
    let ops = 0;
    let rows = 0;
    let cpuAtStart = process.cpuUsage();
    const startTimer = setTimeout(() => (cpuAtStart = process.cpuUsage()), spec.warmupMs);
    let windowEnd = end;
    await Promise.all(
      conns.map(async (conn, i) => {
        const op = make(conn, spec.firstSlot + i, spec.params);
        let counted = 0;
        for (let seq = 0; performance.now() < end || counted === 0; seq++) {
          const n = await op(seq);
          const t = performance.now();
          if (t >= start && (t <= end || counted === 0)) {
            ops++;
            rows += n;
            counted++;
            windowEnd = Math.max(windowEnd, t);
          }
        }
      }),
    );
    clearTimeout(startTimer);
    const cpu = process.cpuUsage(cpuAtStart);
    process.send({ type: 'result', ops, rows, seconds: (windowEnd - start) / 1000, cpuMicros: cpu.user + cpu.system });
  } finally {
    await Promise.all(conns.map((c) => c.end().catch(() => undefined)));
  }
}

process.once('message', (/** @type {{ spec: LoadClientSpec }} */ msg) => {
  run(msg.spec).then(
    () => process.disconnect(),
    (err) => {
      process.send({ type: 'error', message: err instanceof Error ? err.message : String(err) }, () => process.exit(1));
    },
  );
});
