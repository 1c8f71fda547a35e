/**
 * The steps of the tour, in the local example's order: each names the script (or command) of
 * Vitess's local example it reproduces, says what happens, and does it in this process through the
 * Cluster (tablets, vtgate) and vtctld's operations, with SQL going through vtgate's MySQL port.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TabletType, tabletAliasString } from '@vtsim/proto';
import type { Cluster } from './cluster.js';
import type { ExampleMysql } from './example-mysql.js';
import type { WatchedResponse } from './example-vstream-watcher.js';
import type { ProgressListener } from './workflow-runner.js';

/** What a step works with. */
export interface ExampleContext {
  readonly cluster: Cluster;
  /** The local example's directory (`scripts/`). */
  readonly scripts: string;
  log(line: string): void;
  /** Receives a workflow's copy progress while the steps wait for its copy; undefined: not shown. */
  readonly progress?: ProgressListener;
  /** The MySQL client; set by the step that starts vtgate. */
  mysql?: ExampleMysql;
  /** Starts vtgate and the tour's MySQL client (101 calls it). */
  startVtgate(): Promise<void>;
}

/** One step of the tour. */
export interface ExampleStep {
  /** The script or command of the local example, e.g. `101_initial_cluster.sh`. */
  readonly script: string;
  /** What happens, for a learner (may span lines). */
  readonly explain: string;
  run(ctx: ExampleContext): Promise<void>;
  /**
   * A response the tour's VStream client must receive after this step (the tour waits for it,
   * then for quiet); undefined: whatever arrives until the stream goes quiet.
   */
  readonly received?: (r: WatchedResponse) => boolean;
}

/** A file of the local example, as text. */
export function exampleFile(ctx: ExampleContext, name: string): string {
  return readFileSync(join(ctx.scripts, name), 'utf8');
}

/** The statements of a SQL file (split at `;` ending a line). */
export function sqlStatements(text: string): string[] {
  return text
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `vtctldclient ApplySchema --sql-file <file> <keyspace>`, narrated. */
export async function applySchemaFile(ctx: ExampleContext, keyspace: string, file: string): Promise<void> {
  const res = await ctx.cluster.vtctld.applySchema({ keyspace, sql: sqlStatements(exampleFile(ctx, file)) });
  const shards = Object.keys(res.rows_affected_by_shard).join(', ');
  ctx.log(`  vtctldclient ApplySchema --sql-file ${file} ${keyspace}: run on the primary of ${shards} (replicas follow through the binlog)`);
}

/** `vtctldclient ApplyVSchema --vschema-file <file> <keyspace>`, narrated. */
export async function applyVSchemaFile(ctx: ExampleContext, keyspace: string, file: string): Promise<void> {
  const res = await ctx.cluster.vtctld.applyVSchema({ keyspace, v_schema: JSON.parse(exampleFile(ctx, file)) });
  const tables = Object.keys(res.v_schema.tables).join(', ');
  ctx.log(`  vtctldclient ApplyVSchema --vschema-file ${file} ${keyspace}: ${res.v_schema.sharded ? 'sharded' : 'unsharded'}, tables ${tables}`);
}

/** Starts tablets of a shard (`vttablet-up.sh`), narrating each one's type. */
export async function startTablets(ctx: ExampleContext, keyspace: string, shard: string, uids: readonly number[]): Promise<void> {
  for (const uid of uids) {
    const t = await ctx.cluster.addTablet({ keyspace, shard, uid });
    ctx.log(`  vttablet ${tabletAliasString(t.alias)} serves ${keyspace}/${shard} as ${TabletType[t.type]}`);
  }
}

/** The context's MySQL client; throws before vtgate runs. */
export function mysql(ctx: ExampleContext): ExampleMysql {
  if (!ctx.mysql) throw new Error('vtgate is not running');
  return ctx.mysql;
}

/** 101 and the example data: the commerce keyspace, vtgate, five customers and their orders. */
export const initialSteps: readonly ExampleStep[] = [
  {
    script: '101_initial_cluster.sh',
    explain:
      'The commerce keyspace with one shard, 0, and three tablets. The first REPLICA of a shard without\n' +
      'a primary becomes its primary; the others replicate from it through its GTID binlog. Then the\n' +
      'schema, the VSchema (commerce is unsharded) and vtgate, which routes queries by the VSchema.',
    async run(ctx) {
      await ctx.cluster.vtctld.createKeyspace({ name: 'commerce', durability_policy: 'semi_sync' });
      ctx.log('  vtctldclient CreateKeyspace --durability-policy=semi_sync commerce');
      await startTablets(ctx, 'commerce', '0', [100, 101, 102]);
      await applySchemaFile(ctx, 'commerce', 'create_commerce_schema.sql');
      await applyVSchemaFile(ctx, 'commerce', 'vschema_commerce_initial.json');
      await ctx.startVtgate();
    },
  },
  {
    script: 'mysql < insert_commerce_data.sql',
    explain: 'Five customers, two products and five orders, written through vtgate.',
    async run(ctx) {
      await mysql(ctx).run(exampleFile(ctx, 'insert_commerce_data.sql'));
      ctx.log(`  (through ${mysql(ctx).name})`);
    },
  },
  {
    script: 'mysql --table < select_commerce_data.sql',
    explain: 'Reading them back through vtgate:',
    async run(ctx) {
      await mysql(ctx).run(exampleFile(ctx, 'select_commerce_data.sql'), { table: true });
    },
  },
  {
    script: '201_customer_tablets.sh',
    explain:
      'A second keyspace, customer, with shard 0 and tablets 200–202. It is empty: the next steps move\n' +
      'the customer and corder tables into it with a MoveTables workflow.',
    async run(ctx) {
      await startTablets(ctx, 'customer', '0', [200, 201, 202]);
      await ctx.cluster.vtctld.setKeyspaceDurabilityPolicy({ keyspace: 'customer', durability_policy: 'semi_sync' });
      ctx.log('  vtctldclient SetKeyspaceDurabilityPolicy --durability-policy=semi_sync customer');
    },
  },
];
