/**
 * The tour's workflow steps: MoveTables moves the customer tables from commerce to customer
 * (202–205), then Reshard splits customer/0 into -80 and 80- (301–306), each through vtctld's
 * workflow operations as `vtctldclient` calls them, with the SQL checks the local example runs.
 */
import { TabletType } from '@vtsim/proto';
import { waitForWorkflowRunning as waitUntilRunning } from './workflow-runner.js';
import { applySchemaFile, applyVSchemaFile, exampleFile, mysql, startTablets, type ExampleContext, type ExampleStep } from './example-steps.js';

/** Waits until every stream of the workflow runs with nothing left to copy (`wait_for_workflow_running`) and lists them. */
async function waitForWorkflowRunning(ctx: ExampleContext, keyspace: string, workflow: string): Promise<void> {
  const streams = await waitUntilRunning(ctx.cluster, keyspace, workflow, 600_000, ctx.progress);
  for (const s of streams) ctx.log(`  id=${s.id} on ${keyspace}/${s.shard}: Status: ${s.state}; ${s.rows_copied} rows copied`);
}

async function switchTraffic(ctx: ExampleContext, keyspace: string, workflow: string, tabletTypes: TabletType[]): Promise<void> {
  const res = await ctx.cluster.vtctld.workflowSwitchTraffic({
    keyspace,
    workflow,
    tablet_types: tabletTypes,
    enable_reverse_replication: true,
  });
  ctx.log(`  SwitchTraffic was successful for workflow ${keyspace}.${workflow}`);
  ctx.log(`  Start State: ${res.start_state}`);
  ctx.log(`  Current State: ${res.current_state}`);
}

/** `GetRoutingRules`, one rule a line, grouped by table (`customer`, `commerce.customer@replica` → customer). */
async function routingRules(ctx: ExampleContext): Promise<void> {
  const { routing_rules } = await ctx.cluster.vtctld.getRoutingRules();
  const rules = routing_rules.rules;
  ctx.log(`  routing rules (${rules.length})${rules.length ? ':' : ': none'}`);
  const table = (from: string) => from.replace(/@.*$/, '').replace(/^.*\./, '');
  const width = Math.max(0, ...rules.map((r) => r.from_table.length));
  let group: string | undefined;
  for (const r of [...rules].sort((a, b) => table(a.from_table).localeCompare(table(b.from_table)))) {
    if (group !== undefined && table(r.from_table) !== group) ctx.log('');
    group = table(r.from_table);
    ctx.log(`    ${r.from_table.padEnd(width)} → ${r.to_tables.join(', ')}`);
  }
}

/** 202–205: MoveTables commerce → customer for `customer` and `corder`. */
export const moveTablesSteps: readonly ExampleStep[] = [
  {
    script: '202_move_tables.sh',
    explain:
      'MoveTables creates the workflow commerce2customer: the tables\' schema is copied to customer/0, and a\n' +
      'VReplication stream on customer/0\'s primary copies the rows from commerce/0 (copy phase), then\n' +
      'follows commerce\'s binlog. Routing rules keep every query on commerce for now.',
    async run(ctx) {
      await ctx.cluster.vtctld.moveTablesCreate({ workflow: 'commerce2customer', source_keyspace: 'commerce', target_keyspace: 'customer', include_tables: ['customer', 'corder'] });
      await waitForWorkflowRunning(ctx, 'customer', 'commerce2customer');
      await routingRules(ctx);
    },
  },
  {
    script: '203_switch_reads.sh',
    explain: 'Reads from REPLICA and RDONLY tablets now go to customer (routing rules with @replica/@rdonly).',
    async run(ctx) {
      await switchTraffic(ctx, 'customer', 'commerce2customer', [TabletType.RDONLY, TabletType.REPLICA]);
      await routingRules(ctx);
    },
  },
  {
    script: '204_switch_writes.sh',
    explain:
      'Writes switch: commerce denies the tables, customer catches up, a reverse workflow\n' +
      '(commerce2customer_reverse) is created to keep commerce in sync, and the routing rules send\n' +
      'everything to customer.',
    async run(ctx) {
      await switchTraffic(ctx, 'customer', 'commerce2customer', [TabletType.PRIMARY]);
      await routingRules(ctx);
      await mysql(ctx).run(exampleFile(ctx, 'select_customer0_data.sql'), { table: true });
    },
  },
  {
    script: '205_clean_commerce.sh',
    explain: 'Complete: the workflow, the routing rules and commerce\'s copies of the tables are removed.',
    async run(ctx) {
      const res = await ctx.cluster.vtctld.moveTablesComplete({ workflow: 'commerce2customer', target_keyspace: 'customer' });
      ctx.log(`  ${res.summary}`);
      await routingRules(ctx);
      ctx.log('  mysql --table < select_commerce_data.sql (the tables are gone from commerce):');
      await mysql(ctx).run(exampleFile(ctx, 'select_commerce_data.sql'), { table: true, expectError: true });
    },
  },
];

/** 301–306: Reshard customer/0 into -80 and 80-. */
export const reshardSteps: readonly ExampleStep[] = [
  {
    script: '301_customer_sharded.sh',
    explain:
      'Preparing to shard customer: sequences in commerce replace auto_increment, customer gets a sharded\n' +
      'VSchema (hash vindex on customer_id), and the tables drop auto_increment. The two ALTERs are DDL on\n' +
      'customer/0: the client sees the one on its table as a DDL, the other as OTHER.',
    async run(ctx) {
      await applySchemaFile(ctx, 'commerce', 'create_commerce_seq.sql');
      await applyVSchemaFile(ctx, 'commerce', 'vschema_commerce_seq.json');
      await applyVSchemaFile(ctx, 'customer', 'vschema_customer_sharded.json');
      await applySchemaFile(ctx, 'customer', 'create_customer_sharded.sql');
    },
    received: (r) => r.types.includes('OTHER'),
  },
  {
    script: '302_new_shards.sh',
    explain: 'Tablets for the new shards -80 (300–302) and 80- (400–402). They serve nothing yet.',
    async run(ctx) {
      await startTablets(ctx, 'customer', '-80', [300, 301, 302]);
      await startTablets(ctx, 'customer', '80-', [400, 401, 402]);
    },
  },
  {
    script: '303_reshard.sh',
    explain:
      'Reshard creates cust2cust: each new shard\'s primary copies the rows of customer/0 whose hash falls\n' +
      'in its key range, then follows customer/0\'s binlog. Nothing changes on customer/0 itself.',
    async run(ctx) {
      await ctx.cluster.vtctld.reshardCreate({ workflow: 'cust2cust', keyspace: 'customer', source_shards: ['0'], target_shards: ['-80', '80-'] });
      await waitForWorkflowRunning(ctx, 'customer', 'cust2cust');
    },
  },
  {
    script: '304_switch_reads.sh',
    explain: 'REPLICA and RDONLY reads go to -80 and 80- (SrvKeyspace partitions). A PRIMARY VStream sees nothing.',
    async run(ctx) {
      await switchTraffic(ctx, 'customer', 'cust2cust', [TabletType.RDONLY, TabletType.REPLICA]);
    },
  },
  {
    script: '305_switch_writes.sh',
    explain:
      'Writes switch: customer/0 stops taking writes, -80 and 80- catch up, reverse streams are created, and an\n' +
      'identical journal is written on customer/0 naming -80 and 80- and their positions. The VStream\n' +
      'client\'s stream on 0 reaches the journal; vtgate swaps 0 for -80 and 80- in its VGTID and starts\n' +
      'streaming them at the journal\'s positions — the client pauses briefly and keeps going.',
    async run(ctx) {
      await switchTraffic(ctx, 'customer', 'cust2cust', [TabletType.PRIMARY]);
      await mysql(ctx).run(exampleFile(ctx, 'select_customer-80_data.sql'), { table: true });
      await mysql(ctx).run(exampleFile(ctx, 'select_customer80-_data.sql'), { table: true });
    },
    received: (r) => r.shards.includes('-80'),
  },
  {
    script: "mysql -e \"insert into customer(customer_id, email) values(6,'rohit@planetscale.com'), (7,'mlord@planetscale.com')\"",
    explain: 'Both rows hash to 80-: the client gets one transaction from 80-, with the table\'s columns again (a new tablet stream).',
    async run(ctx) {
      await mysql(ctx).run("insert into customer(customer_id, email) values(6,'rohit@planetscale.com'), (7,'mlord@planetscale.com')", { database: 'customer' });
    },
    received: (r) => r.types.includes('ROW'),
  },
  {
    script: '306_down_shard_0.sh',
    explain: 'Complete deletes shard 0 (its tablets stop). A client resuming from a VGTID that names 0 now fails.',
    async run(ctx) {
      const res = await ctx.cluster.vtctld.moveTablesComplete({ workflow: 'cust2cust', target_keyspace: 'customer' });
      ctx.log(`  ${res.summary}`);
      for (const uid of [200, 201, 202]) await ctx.cluster.removeTablet(uid);
      ctx.log('  tablets 200–202 are down');
    },
  },
];
