/**
 * `vtsim example` (`npm run example`): the local example run step by step in one process, with a
 * narration of what happens at each step and the output of the commands. Once the customer
 * keyspace holds its tables (after 205), a VStream client attaches to `customer/0` as in the seed
 * document (stream-migration.md), and what it receives is printed next to the steps: one short line
 * a response, or with `--raw` the document's text form with a note on each. The cluster's control
 * server (and live view) listens on vtctld's web port meanwhile; `--copy-rate`, `--step-delay` and
 * `--pause` slow the tour down for a class (example-args.ts).
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseExampleArgs, type ExampleOptions } from './example-args.js';
import { Cluster } from './cluster.js';
import { startControlServer } from './control-server.js';
import { ExampleMysql } from './example-mysql.js';
import { initialSteps, type ExampleContext, type ExampleStep } from './example-steps.js';
import { ExampleVStreamWatcher, type WatchedResponse } from './example-vstream-watcher.js';
import { moveTablesSteps, reshardSteps } from './example-workflow-steps.js';
import { progressLine } from './workflow-runner.js';
import { wantsColor } from './vstream-line-format.js';
import { EXAMPLE_USAGE } from './vtsim-usage.js';
import { VTSIM_ROOT } from '@vtsim/proto';

/** Where the tour writes and how it waits between steps. */
export interface ExampleIo {
  log(line: string): void;
  /** Colour the VStream lines. */
  color: boolean;
  /** Resolves when the learner presses Enter (`--pause`); undefined: do not wait. */
  waitForEnter?: () => Promise<void>;
}

/**
 * `vtsim example <flags>` on the process's stdio; resolves to the exit code (1 after printing what
 * is wrong with the flags to stderr).
 */
export async function exampleMain(argv: readonly string[]): Promise<number> {
  let opts: ExampleOptions;
  try {
    opts = parseExampleArgs(argv);
  } catch (err) {
    console.error(`vtsim example: ${(err as Error).message}`);
    return 1;
  }
  if (opts.help) {
    console.log(EXAMPLE_USAGE);
    return 0;
  }
  const log = (line: string): void => console.log(line);
  const io: ExampleIo = { log, color: wantsColor(process.stdout) };
  if (opts.pause && process.stdin.isTTY) io.waitForEnter = () => enterPressed();
  else if (opts.pause) log('(--pause: stdin is not a terminal, so the tour does not wait for Enter between steps)');
  await example(opts, io);
  return 0;
}

/** Runs the tour; resolves when the cluster has been torn down. */
export async function example(opts: ExampleOptions, io: ExampleIo): Promise<void> {
  const { log } = io;
  const started = performance.now();
  const port = await portOrAny(opts.mysqlPort);
  if (port !== opts.mysqlPort) log(`(port ${opts.mysqlPort} is busy — a cluster left running? scripts/401_teardown.sh stops one — so vtgate takes a free port)`);
  await using cluster = await Cluster.start({ seed: 'example', mysqlPort: port, grpcPort: 0 });
  const webPort = await portOrAny(opts.webPort);
  if (webPort !== opts.webPort) log(`(port ${opts.webPort} is busy, so the live view takes a free port)`);
  const web = await startControlServer(cluster, '127.0.0.1', webPort, () => undefined);
  try {
    log(`The live view of this cluster: http://127.0.0.1:${web.port}/ (open it in a browser; it follows every step)`);
    if (opts.copyRate !== undefined) {
      await cluster.faults.copyRate({ rowsPerSec: opts.copyRate });
      log(`Slow motion: VReplication copies at most ${opts.copyRate} rows per second per stream (the fault copy-rate's throttle).`);
    }
    await tour(cluster, opts, io, started);
  } finally {
    await web.close();
  }
  log(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s: the cluster is torn down.`);
}

/** The steps, 101 to 306, with the VStream client attached after 205. */
async function tour(cluster: Cluster, opts: ExampleOptions, io: ExampleIo, started: number): Promise<void> {
  const { log } = io;
  const ctx: ExampleContext = {
    cluster,
    scripts: join(VTSIM_ROOT, 'scripts'),
    log,
    // Copy progress, when a copy is slowed down enough to watch.
    progress: opts.copyRate === undefined ? undefined : (event) => log(`  ${progressLine(event)}`),
    async startVtgate() {
      const vtgate = await cluster.startVtgate();
      const { host, port } = vtgate.mysqlAddress!;
      const grpc = vtgate.grpcAddress!;
      ctx.mysql = new ExampleMysql(port, log);
      log(`  vtgate is up: MySQL protocol on ${host}:${port}, gRPC (VStream) on ${grpc.host}:${grpc.port}`);
      log(`  (${Math.round(performance.now() - started)} ms after the tour started)`);
    },
  };
  let first = true;
  const run = async (step: ExampleStep, watcher?: ExampleVStreamWatcher): Promise<void> => {
    if (!first) await between(opts, io);
    first = false;
    await runStep(ctx, step, watcher, opts.raw);
  };
  for (const step of [...initialSteps, ...moveTablesSteps]) await run(step);

  const grpc = cluster.vtgate!.grpcAddress!;
  log(`\n=== a VStream client on customer/0 (vtgate gRPC ${grpc.host}:${grpc.port})`);
  log('As in the seed document (stream-migration.md): a VStream of the customer table of customer/0, tablet type');
  log('PRIMARY, from gtid "" — a copy of the table first, then every change. It keeps streaming through the reshard.');
  log('  request: vgtid {shard_gtids {keyspace:"customer" shard:"0"}} filter {rules {match:"customer" filter:"select * from customer"}}');
  if (!opts.raw) log('  (one line a response: where it came from, then what it carries; --raw prints them as the seed document does)');
  const watcher = new ExampleVStreamWatcher(`${grpc.host}:${grpc.port}`, {
    tablet_type: 'PRIMARY',
    vgtid: { shard_gtids: [{ keyspace: 'customer', shard: '0', gtid: '' }] },
    filter: { rules: [{ match: 'customer', filter: 'select * from customer' }] },
  }, io.color);
  try {
    // The copy phase of the client's own stream: the table's rows, then COPY_COMPLETED.
    await printReceived(ctx, watcher, opts.raw, (r) => r.types.includes('COPY_COMPLETED'));
    for (const step of reshardSteps) await run(step, watcher);
  } finally {
    await watcher.close();
  }
  log('\nThe VStream client never reconnected: one stream, first on customer/0, then on -80 and 80-, with');
  log('nothing lost and nothing repeated. Its last VGTID names the new shards; a client that resumes from an');
  log('older one naming 0 would get the rest of 0 and move the same way, as long as 0 exists (until 306).');
}

/** What happens between two steps: the `--step-delay` wait, then with `--pause` a wait for Enter. */
async function between(opts: ExampleOptions, io: ExampleIo): Promise<void> {
  if (opts.stepDelayMs > 0) await new Promise((r) => setTimeout(r, opts.stepDelayMs));
  if (io.waitForEnter) {
    io.log('\n  (press Enter for the next step)');
    await io.waitForEnter();
  }
}

/** Resolves at the next line typed on stdin. */
function enterPressed(): Promise<void> {
  const rl = createInterface({ input: process.stdin });
  return new Promise((resolve) => {
    rl.once('line', () => {
      rl.close();
      resolve();
    });
    rl.once('close', () => resolve());
  });
}

/** Runs one step: its title and explanation, its output, then what the VStream client received meanwhile. */
async function runStep(ctx: ExampleContext, step: ExampleStep, watcher: ExampleVStreamWatcher | undefined, raw: boolean): Promise<void> {
  ctx.log(`\n=== ${step.script}\n${step.explain}`);
  await step.run(ctx);
  if (watcher) await printReceived(ctx, watcher, raw, step.received);
}

/**
 * Prints what the VStream client received since the last call, once it has gone quiet (after a
 * response satisfying `until`, if given): one line a response, or with `raw` its proto text form
 * and a note under it.
 */
async function printReceived(ctx: ExampleContext, watcher: ExampleVStreamWatcher, raw: boolean, until?: (r: WatchedResponse) => boolean): Promise<void> {
  const received = await watcher.settle({ until });
  if (received.length === 0) {
    ctx.log('  VStream client: nothing new');
    return;
  }
  ctx.log(`  VStream client received ${received.length} response(s):`);
  for (const r of received) {
    if (!raw) {
      ctx.log(`  ${r.line}`);
      continue;
    }
    ctx.log(`  ${r.text}`);
    ctx.log(`    ↳ ${r.note}`);
  }
  if (watcher.error) ctx.log(`  VStream client ended with an error: ${watcher.error.message}`);
}

/** `port` if it can be listened on at 127.0.0.1 now (or is 0), else 0 (any free port). */
function portOrAny(port: number): Promise<number> {
  if (port === 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(0));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(port)));
  });
}
