/**
 * `vtsim example` (`npm run example`): a guided run of the local example's first steps in one
 * process — a `commerce` keyspace with three tablets, its schema and VSchema, vtgate, then the
 * example's data loaded and read back through a MySQL client — narrating what happens at each step.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TabletType, tabletAliasString } from '@vtsim/proto';
import { applySchema, applyVSchema } from '@vtsim/vtctld';
import { Cluster } from './cluster.js';
import { runMysqlScript } from './mysql-client.js';
import { repoRoot } from './vtdataroot.js';

/** Runs the tour, printing to `log`; resolves when the cluster has been torn down. */
export async function example(log: (line: string) => void, mysqlPort = 15306): Promise<void> {
  const scripts = join(repoRoot, 'scripts');
  const step = (title: string, text: string) => log(`\n=== ${title}\n${text}`);
  const started = performance.now();
  await using cluster = await Cluster.start({ seed: 'example', mysqlPort });

  step('101: the commerce keyspace', 'Three tablets for commerce/0. The first REPLICA of a shard without a primary becomes its primary;\nthe others replicate from it through its GTID binlog.');
  for (const uid of [100, 101, 102]) {
    const t = await cluster.addTablet({ keyspace: 'commerce', shard: '0', uid });
    log(`  tablet ${tabletAliasString(t.alias)} is ${TabletType[t.type]}`);
  }
  await applySchema(cluster.topo, (a) => cluster.tablet(a.uid), 'commerce', readFileSync(join(scripts, 'create_commerce_schema.sql'), 'utf8'));
  log('  ApplySchema create_commerce_schema.sql: product, customer, corder created on the primary (and replicated)');
  await applyVSchema(cluster.topo, 'commerce', readFileSync(join(scripts, 'vschema_commerce_initial.json'), 'utf8'));
  log('  ApplyVSchema vschema_commerce_initial.json: commerce is unsharded, with three tables');
  const vtgate = await cluster.startVtgate();
  const { host, port } = vtgate.mysqlAddress!;
  log(`  vtgate is up: MySQL protocol on ${host}:${port} (${Math.round(performance.now() - started)} ms after start)`);

  const realMysql = spawnSync('mysql', ['--version'], { stdio: 'ignore' }).status === 0;
  const mysql = async (file: string, table: boolean) => {
    const sql = readFileSync(join(scripts, file), 'utf8');
    if (realMysql) {
      // Asynchronously: vtgate answers from this very process, so a blocking spawn would deadlock.
      const child = spawn('mysql', ['--no-defaults', '--unbuffered', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', ...(table ? ['--table'] : [])]);
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
      child.stdin.end(sql);
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      if (out) log(out.trimEnd());
      if (status !== 0) throw new Error(`mysql failed: ${err}`);
    } else {
      const code = await runMysqlScript(sql, { host: '127.0.0.1', port, user: 'root', table, write: (t) => log(t.trimEnd()) });
      if (code !== 0) throw new Error(`${file} failed`);
    }
  };
  step('mysql < insert_commerce_data.sql', `Five customers, two products and five orders, through vtgate (${realMysql ? 'the real mysql client' : "vtsim's own mysql client: no mysql installed"}).`);
  await mysql('insert_commerce_data.sql', false);
  step('mysql --table < select_commerce_data.sql', 'Reading them back:');
  await mysql('select_commerce_data.sql', true);

  step('Replication', 'Every write went to the primary\'s binlog as one GTID transaction; the replicas applied them:');
  await new Promise((r) => setTimeout(r, 50));
  for (const t of cluster.tabletMap().values()) log(`  ${tabletAliasString(t.alias)} ${TabletType[t.type].padEnd(7)} ${t.position()}`);
  log('\nDone: the cluster is torn down. Next steps (MoveTables, Reshard, VStream) come with the later scripts.');
}
