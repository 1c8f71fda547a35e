/**
 * Runs one component benchmark in a fresh Node process, so that no benchmark inherits another's
 * heap or JIT state. As a module it exports {@link runComponent}; as a forked child it receives
 * `{ name, opts }`, runs that benchmark and replies `{ figures }` or `{ error }`.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

/** The component benchmarks by name; each takes its options object and returns figures. */
const benchmarks = {
  mysqld: async (opts) => (await import('./mysqld-bench.mjs')).benchMysqld(opts),
  executor: async (opts) => (await import('./executor-bench.mjs')).benchExecutor(opts),
  planner: async (opts) => (await import('./planner-bench.mjs')).benchPlanner(opts),
  'mysql-server': async (opts) => (await import('./mysql-server-bench.mjs')).benchMysqlServer(opts),
  reshard: async () => (await import('./reshard-bench.mjs')).benchReshard(),
  'vstream-types': async (opts) => (await import('./vstream-types-bench.mjs')).benchVStreamTypes(opts),
  'memory-soak': async () => (await import('./memory-bench.mjs')).benchMemorySoak(),
  'memory-rows': async () => (await import('./memory-bench.mjs')).benchRowMemory(),
  failover: async () => (await import('./failover-bench.mjs')).benchFailover(),
  'web-view': async (opts) => (await import('./web-view-bench.mjs')).benchWebViewCopy(opts),
};

/**
 * Runs component benchmark `name` (mysqld, executor, planner, mysql-server, reshard, vstream-types, memory-soak,
 * memory-rows, failover or web-view) in a child process started with `--expose-gc` (the memory benchmarks force full GCs
 * before sampling), and resolves with its figures; rejects with the child's error, or if it exits without answering.
 * @param {string} name
 * @param {object} opts the benchmark's options
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export function runComponent(name, opts) {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [...process.execArgv, '--expose-gc'] });
    let reply;
    child.on('message', (msg) => (reply = msg));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (reply?.figures) resolve(reply.figures);
      else reject(new Error(`component benchmark ${name}: ${reply?.error ?? `exited with ${signal ?? `code ${code}`} without figures`}`));
    });
    child.send({ name, opts });
  });
}

if (process.argv[1] === SELF && process.argv[2] === '--child') {
  process.once('message', async ({ name, opts }) => {
    try {
      const bench = benchmarks[name];
      if (!bench) throw new Error(`unknown component benchmark '${name}'`);
      process.send({ figures: await bench(opts) }, () => process.exit(0));
    } catch (err) {
      process.send({ error: err instanceof Error ? err.stack : String(err) }, () => process.exit(1));
    }
  });
}
