/**
 * `vtsim example` (`npm run example`): the local example run step by step in one process, with a
 * narration of what happens at each step and the output of the commands. Once the customer
 * keyspace holds its tables (after 205), a VStream client attaches to `customer/0` as in the seed
 * document (stream-migration.md), and the events it receives are printed next to the steps, in the
 * document's text form, with a note on each.
 */
import { join } from 'node:path';
import { Cluster } from './cluster.js';
import { ExampleMysql } from './example-mysql.js';
import { initialSteps, type ExampleContext, type ExampleStep } from './example-steps.js';
import type { ExampleVStreamWatcher } from './example-vstream-watcher.js';
import { repoRoot } from './vtdataroot.js';

/** Runs the tour, printing to `log`; resolves when the cluster has been torn down. */
export async function example(log: (line: string) => void, mysqlPort = 15306): Promise<void> {
  const started = performance.now();
  await using cluster = await Cluster.start({ seed: 'example', mysqlPort, grpcPort: 0 });
  const ctx: ExampleContext = {
    cluster,
    scripts: join(repoRoot, 'scripts'),
    log,
    async startVtgate() {
      const vtgate = await cluster.startVtgate();
      const { host, port } = vtgate.mysqlAddress!;
      const grpc = vtgate.grpcAddress!;
      ctx.mysql = new ExampleMysql(port, log);
      log(`  vtgate is up: MySQL protocol on ${host}:${port}, gRPC (VStream) on ${grpc.host}:${grpc.port}`);
      log(`  (${Math.round(performance.now() - started)} ms after the tour started)`);
    },
  };
  const watcher: { current?: ExampleVStreamWatcher } = {};
  try {
    for (const step of initialSteps) await runStep(ctx, step, watcher.current);
  } finally {
    await watcher.current?.close();
  }
  log('\nDone: the cluster is torn down. The tour goes on to MoveTables (202–205), the VStream client and');
  log('Reshard (301–306) as the workflows land in vtctld.');
}

/** Runs one step: its title and explanation, its output, then what the VStream client received meanwhile. */
async function runStep(ctx: ExampleContext, step: ExampleStep, watcher: ExampleVStreamWatcher | undefined): Promise<void> {
  ctx.log(`\n=== ${step.script}\n${step.explain}`);
  await step.run(ctx);
  if (!watcher) return;
  const received = await watcher.settle();
  if (received.length === 0) {
    ctx.log('  VStream client: nothing new');
    return;
  }
  ctx.log(`  VStream client received ${received.length} response(s):`);
  for (const r of received) {
    ctx.log(`  ${r.text}`);
    ctx.log(`    ↳ ${r.note}`);
  }
  if (watcher.error) ctx.log(`  VStream client ended with an error: ${watcher.error.message}`);
}
