/**
 * `vtsim example` (`npm run example`): the local example run step by step in one process, with a
 * narration of what happens at each step and the output of the commands. Once the customer
 * keyspace holds its tables (after 205), a VStream client attaches to `customer/0` as in the seed
 * document (stream-migration.md), and the events it receives are printed next to the steps, in the
 * document's text form, with a note on each.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Cluster } from './cluster.js';
import { ExampleMysql } from './example-mysql.js';
import { initialSteps, type ExampleContext, type ExampleStep } from './example-steps.js';
import { ExampleVStreamWatcher } from './example-vstream-watcher.js';
import { moveTablesSteps, reshardSteps } from './example-workflow-steps.js';
import { VTSIM_ROOT } from '@vtsim/proto';

/** Runs the tour, printing to `log`; resolves when the cluster has been torn down. */
export async function example(log: (line: string) => void, mysqlPort = 15306): Promise<void> {
  const started = performance.now();
  const port = await portOrAny(mysqlPort);
  if (port !== mysqlPort) log(`(port ${mysqlPort} is busy — a cluster left running? scripts/401_teardown.sh stops one — so vtgate takes a free port)`);
  await using cluster = await Cluster.start({ seed: 'example', mysqlPort: port, grpcPort: 0 });
  const ctx: ExampleContext = {
    cluster,
    scripts: join(VTSIM_ROOT, 'scripts'),
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
  for (const step of [...initialSteps, ...moveTablesSteps]) await runStep(ctx, step, undefined);

  const grpc = cluster.vtgate!.grpcAddress!;
  log(`\n=== a VStream client on customer/0 (vtgate gRPC ${grpc.host}:${grpc.port})`);
  log('As in the seed document (stream-migration.md): a VStream of the customer table of customer/0, tablet type');
  log('PRIMARY, from gtid "" — a copy of the table first, then every change. It keeps streaming through the reshard.');
  log('  request: vgtid {shard_gtids {keyspace:"customer" shard:"0"}} filter {rules {match:"customer" filter:"select * from customer"}}');
  const watcher = new ExampleVStreamWatcher(`${grpc.host}:${grpc.port}`, {
    tablet_type: 'PRIMARY',
    vgtid: { shard_gtids: [{ keyspace: 'customer', shard: '0', gtid: '' }] },
    filter: { rules: [{ match: 'customer', filter: 'select * from customer' }] },
  });
  try {
    await printReceived(ctx, watcher);
    for (const step of reshardSteps) await runStep(ctx, step, watcher);
  } finally {
    await watcher.close();
  }
  log('\nThe VStream client never reconnected: one stream, first on customer/0, then on -80 and 80-, with');
  log('nothing lost and nothing repeated. Its last VGTID names the new shards; a client that resumes from an');
  log('older one naming 0 would get the rest of 0 and move the same way, as long as 0 exists (until 306).');
  log(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s: the cluster is torn down.`);
}

/** Runs one step: its title and explanation, its output, then what the VStream client received meanwhile. */
async function runStep(ctx: ExampleContext, step: ExampleStep, watcher: ExampleVStreamWatcher | undefined): Promise<void> {
  ctx.log(`\n=== ${step.script}\n${step.explain}`);
  await step.run(ctx);
  if (watcher) await printReceived(ctx, watcher);
}

/** Prints what the VStream client received since the last call, once it has gone quiet. */
async function printReceived(ctx: ExampleContext, watcher: ExampleVStreamWatcher): Promise<void> {
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

/** `port` if it can be listened on at 127.0.0.1 now (or is 0), else 0 (any free port). */
function portOrAny(port: number): Promise<number> {
  if (port === 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(0));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(port)));
  });
}
