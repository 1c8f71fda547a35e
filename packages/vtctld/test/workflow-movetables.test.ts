import { Code, MigrationType, TabletType, VEventType, type VEvent } from '@vtsim/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkflowCluster } from './workflow-cluster.js';

const WF = 'commerce2customer';

function rulesOf(r: { routing_rules: { rules: Array<{ from_table: string; to_tables: string[] }> } }): Record<string, string> {
  return Object.fromEntries(r.routing_rules.rules.map((x) => [x.from_table, x.to_tables.join(',')]));
}

describe('MoveTables commerce2customer (the local example, 202–205)', () => {
  let c: WorkflowCluster;
  beforeEach(async () => {
    c = await WorkflowCluster.start();
    await c.localExample();
  });
  afterEach(async () => {
    await c.close();
  });

  async function create() {
    return c.vtctld.moveTablesCreate({ workflow: WF, source_keyspace: 'commerce', target_keyspace: 'customer', include_tables: ['customer', 'corder'] });
  }

  it('create copies the schema and rows, routes everything to commerce, and reports its streams', async () => {
    const status = await create();
    expect(Object.keys(status.shard_streams)).toEqual(['customer/0']);
    const [stream] = status.shard_streams['customer/0']!.streams;
    expect(stream).toMatchObject({ tablet: { cell: 'zone1', uid: 200 }, source_shard: 'commerce/0' });
    expect(status.traffic_state).toBe('Reads Not Switched. Writes Not Switched');
    await c.waitForRunning('customer', WF);
    expect(await c.rows(200, 'select customer_id, email from customer order by customer_id')).toEqual([
      '1\talice@domain.com', '2\tbob@domain.com', '3\tcharlie@domain.com', '4\tdan@domain.com', '5\teve@domain.com',
    ]);
    expect(await c.rows(200, 'select count(*) from corder')).toEqual(['5']);
    expect(await c.rows(200, 'show tables')).toEqual(['corder', 'customer']);
    const rules = rulesOf(await c.vtctld.getRoutingRules());
    expect(Object.keys(rules)).toHaveLength(16);
    for (const t of ['customer', 'corder']) {
      for (const from of [t, `${t}@replica`, `${t}@rdonly`, `customer.${t}`, `customer.${t}@replica`, `customer.${t}@rdonly`, `commerce.${t}@replica`, `commerce.${t}@rdonly`]) {
        expect(rules[from]).toBe(`commerce.${t}`);
      }
    }
    expect(Object.keys((await c.vtctld.getVSchema({ keyspace: 'customer' })).v_schema.tables).sort()).toEqual(['corder', 'customer']);
    const wfs = await c.vtctld.getWorkflows({ keyspace: 'customer' });
    expect(wfs.workflows.map((w) => w.name)).toEqual([WF]);
    const wf = wfs.workflows[0]!;
    expect(wf).toMatchObject({ source: { keyspace: 'commerce', shards: ['0'] }, target: { keyspace: 'customer', shards: ['0'] }, workflow_type: 'MoveTables' });
    const s = wf.shard_streams['0/zone1-0000000200']!.streams[0]!;
    expect(s.state).toBe('Running');
    expect(s.binlog_source.filter!.rules).toEqual([
      { match: 'customer', filter: 'select * from customer' },
      { match: 'corder', filter: 'select * from corder' },
    ]);
    expect(s.logs.map((l) => l.message).join('\n')).toMatch(/^Copy phase completed at gtid MySQL56\//);
  });

  it('create twice is ALREADY_EXISTS; unknown tables are NOT_FOUND', async () => {
    await create();
    await expect(create()).rejects.toMatchObject({ code: Code.ALREADY_EXISTS });
    await expect(
      c.vtctld.moveTablesCreate({ workflow: 'x', source_keyspace: 'commerce', target_keyspace: 'customer', include_tables: ['nope'] }),
    ).rejects.toMatchObject({ code: Code.NOT_FOUND, message: expect.stringContaining('nope') });
  });

  it('switches reads, then writes (denied tables, reverse workflow, journal), then completes', async () => {
    await create();
    await c.waitForRunning('customer', WF);
    await expect(c.vtctld.moveTablesComplete({ workflow: WF, target_keyspace: 'customer' })).rejects.toMatchObject({
      code: Code.FAILED_PRECONDITION,
      message: 'cannot complete workflow because you have not yet switched all read and write traffic',
    });

    const reads = await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: WF, tablet_types: [TabletType.RDONLY, TabletType.REPLICA] });
    expect(reads).toMatchObject({
      summary: 'SwitchTraffic was successful for workflow customer.commerce2customer',
      start_state: 'Reads Not Switched. Writes Not Switched',
      current_state: 'All Reads Switched. Writes Not Switched',
    });
    let rules = rulesOf(await c.vtctld.getRoutingRules());
    expect(rules['customer@replica']).toBe('customer.customer');
    expect(rules['commerce.corder@rdonly']).toBe('customer.corder');
    expect(rules['customer']).toBe('commerce.customer');

    await c.dba(100, "insert into customer(email) values('frank@domain.com')");
    const writes = await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: WF, tablet_types: [TabletType.PRIMARY] });
    expect(writes.current_state).toBe('All Reads Switched. Writes Switched');
    expect(await c.rows(200, 'select email from customer where customer_id = 6')).toEqual(['frank@domain.com']);
    rules = rulesOf(await c.vtctld.getRoutingRules());
    expect(Object.keys(rules)).toHaveLength(16);
    expect(Object.values(rules).every((to) => to.startsWith('customer.'))).toBe(true);
    expect(rules['customer.customer']).toBeUndefined();
    expect(rules['commerce.customer']).toBe('customer.customer');
    const shard = (await c.vtctld.getShard({ keyspace: 'commerce', shard_name: '0' })).shard.shard;
    expect(shard.tablet_controls).toEqual([{ tablet_type: TabletType.PRIMARY, cells: [], denied_tables: ['corder', 'customer'], frozen: false }]);
    const reverse = await c.vtctld.getWorkflows({ keyspace: 'commerce' });
    expect(reverse.workflows.map((w) => w.name)).toEqual(['commerce2customer_reverse']);
    const rs = reverse.workflows[0]!.shard_streams['0/zone1-0000000100']!.streams[0]!;
    expect(rs.binlog_source).toMatchObject({ keyspace: 'customer', shard: '0' });
    expect(rs.state).toBe('Running');
    const forward = (await c.vtctld.getWorkflows({ keyspace: 'customer' })).workflows[0]!;
    expect(forward.shard_streams['0/zone1-0000000200']!.streams[0]).toMatchObject({ state: 'Stopped', message: 'FROZEN' });
    const journal = await c.rows(100, "select val from _vt.resharding_journal");
    expect(journal).toHaveLength(1);
    // TABLES is the enum's zero value, so prototext leaves migration_type out.
    expect(journal[0]).toMatch(/^id:\d+ tables:"corder" tables:"customer" local_position:"MySQL56\/[^"]+" shard_gtids:\{keyspace:"customer" shard:"0" gtid:"MySQL56\/[^"]+"\} participants:\{keyspace:"commerce" shard:"0"\}$/);

    // Writes on the target flow back to the source through the reverse workflow.
    await c.dba(200, "insert into customer(customer_id, email) values(7, 'grace@domain.com')");
    await c.waitFor('the reverse stream', async () => (await c.rows(100, 'select email from customer where customer_id = 7')).length === 1);

    await expect(c.vtctld.workflowDelete({ keyspace: 'customer', workflow: WF })).rejects.toMatchObject({
      code: Code.FAILED_PRECONDITION,
      message: 'cannot cancel workflow because you have already switched some or all read and write traffic',
    });
    const done = await c.vtctld.moveTablesComplete({ workflow: WF, target_keyspace: 'customer' });
    expect(done.summary).toBe('Successfully completed the commerce2customer workflow in the customer keyspace');
    expect(await c.rows(100, 'show tables')).toEqual(['product']);
    expect((await c.vtctld.getRoutingRules()).routing_rules.rules).toEqual([]);
    expect((await c.vtctld.getShard({ keyspace: 'commerce', shard_name: '0' })).shard.shard.tablet_controls).toEqual([]);
    expect((await c.vtctld.getWorkflows({ keyspace: 'customer' })).workflows).toEqual([]);
    expect((await c.vtctld.getWorkflows({ keyspace: 'commerce' })).workflows).toEqual([]);
    expect(Object.keys((await c.vtctld.getVSchema({ keyspace: 'commerce' })).v_schema.tables)).toEqual(['product']);
  });

  it('ReverseTraffic after the write switch sends traffic back to commerce with the rows written meanwhile', async () => {
    await create();
    await c.waitForRunning('customer', WF);
    await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: WF });
    await c.dba(200, "insert into customer(customer_id, email) values(8, 'heidi@domain.com')");
    const back = await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: WF, direction: 1 });
    expect(back).toMatchObject({
      summary: 'ReverseTraffic was successful for workflow customer.commerce2customer',
      start_state: 'All Reads Switched. Writes Switched',
      current_state: 'Reads Not Switched. Writes Not Switched',
    });
    expect(await c.rows(100, 'select email from customer where customer_id = 8')).toEqual(['heidi@domain.com']);
    const rules = rulesOf(await c.vtctld.getRoutingRules());
    expect(rules['customer']).toBe('commerce.customer');
    expect(rules['customer@replica']).toBe('commerce.customer');
    expect((await c.vtctld.getShard({ keyspace: 'commerce', shard_name: '0' })).shard.shard.tablet_controls).toEqual([]);
    expect((await c.vtctld.getShard({ keyspace: 'customer', shard_name: '0' })).shard.shard.tablet_controls[0]!.denied_tables).toEqual(['corder', 'customer']);
    // The forward workflow replicates again: a write on commerce reaches customer.
    await c.dba(100, "insert into customer(customer_id, email) values(9, 'ivan@domain.com')");
    await c.waitFor('the forward stream', async () => (await c.rows(200, 'select email from customer where customer_id = 9')).length === 1);
    // And can be switched forward once more.
    const again = await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: WF });
    expect(again.current_state).toBe('All Reads Switched. Writes Switched');
  });

  it('cancel before switching deletes the streams, the copied tables and the routing rules', async () => {
    await create();
    await c.waitForRunning('customer', WF);
    const resp = await c.vtctld.workflowDelete({ keyspace: 'customer', workflow: WF });
    expect(resp.summary).toBe('Successfully cancelled the commerce2customer workflow in the customer keyspace');
    expect(resp.details).toEqual([{ tablet: { cell: 'zone1', uid: 200 }, deleted: true }]);
    expect(await c.rows(200, 'show tables')).toEqual([]);
    expect((await c.vtctld.getRoutingRules()).routing_rules.rules).toEqual([]);
    expect((await c.vtctld.getWorkflows({ keyspace: 'customer' })).workflows).toEqual([]);
    await expect(c.vtctld.workflowStatus({ keyspace: 'customer', workflow: WF })).rejects.toMatchObject({ code: Code.NOT_FOUND });
  });

  it('the journal of the write switch is a TABLES journal in the source binlog', async () => {
    await create();
    await c.waitForRunning('customer', WF);
    const from = c.tablet(100).position();
    await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: WF });
    const events: VEvent[] = [];
    const abort = new AbortController();
    const stream = c.tablet(100).vstream(
      { target: { keyspace: 'commerce', shard: '0', tablet_type: TabletType.PRIMARY, cell: 'zone1' }, position: from, filter: { rules: [{ match: '/.*', filter: '' }] }, table_last_p_ks: [] },
      abort.signal,
    );
    for await (const batch of stream) {
      events.push(...batch);
      if (events.some((e) => e.type === VEventType.JOURNAL)) break;
    }
    abort.abort();
    const j = events.find((e) => e.type === VEventType.JOURNAL)!.journal!;
    expect(j.migration_type).toBe(MigrationType.TABLES);
    expect(j.tables).toEqual(['corder', 'customer']);
    expect(j.participants).toEqual([{ keyspace: 'commerce', shard: '0' }]);
    expect(j.shard_gtids.map((g) => g.shard)).toEqual(['0']);
  });
});
