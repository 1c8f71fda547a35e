import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TabletType, type RoutingRule } from '@vtsim/proto';
import { TestCluster, waitFor } from './vtgate-fixture.js';

describe('routing rules and denied tables (MoveTables commerce → customer)', () => {
  let c: TestCluster;
  const rules = async (list: [string, string][]) => {
    const r: RoutingRule[] = list.map(([from_table, to]) => ({ from_table, to_tables: [to] }));
    await c.topo.saveRoutingRules({ rules: r });
    await c.topo.rebuildSrvVSchema();
    const last = r[r.length - 1];
    await waitFor(() => {
      try {
        const [ks, t] = (last?.from_table ?? 'commerce.customer').replace(/@.*/, '').split('.');
        const type = last?.from_table.endsWith('@replica') ? TabletType.REPLICA : TabletType.PRIMARY;
        const found = t ? c.vtgate.executor.currentVSchema.findRoutedTable(ks!, t, type) : c.vtgate.executor.currentVSchema.findRoutedTable('', ks!, type);
        return `${found.keyspace.name}.${found.name}` === (last?.to_tables[0] ?? 'commerce.customer');
      } catch {
        return false;
      }
    });
  };
  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100, 101]);
    await c.addShard('customer', '0', [200, 201]);
    await c.startVtgate();
    await c.applyVSchema('commerce', { tables: { customer: {} } });
    await c.applyVSchema('customer', { tables: { customer: {} } });
    for (const ks of ['commerce', 'customer']) {
      const s = await c.session(ks);
      await c.exec(s, 'create table customer(customer_id bigint, email varchar(64), primary key(customer_id))');
      await c.exec(s, `insert into customer values (1, 'in ${ks}')`);
    }
  });
  afterAll(async () => {
    await c.close();
  });

  it('sends reads and writes where the rules say, per tablet type', async () => {
    await rules([
      ['customer', 'commerce.customer'],
      ['customer.customer', 'commerce.customer'],
      ['customer@replica', 'customer.customer'],
      ['customer.customer@replica', 'customer.customer'],
    ]);
    const primary = await c.session('customer');
    expect(await c.rows(primary, 'select email from customer')).toEqual([['in commerce']]);
    const replica = await c.session('customer@replica');
    await waitFor(async () => (await c.rows(replica, 'select email from customer')).length === 1);
    expect(await c.rows(replica, 'select email from customer')).toEqual([['in customer']]);
    const none = await c.session();
    expect(await c.rows(none, 'select email from customer')).toEqual([['in commerce']]);
  });

  it('enforces denied tables on the source after writes are switched', async () => {
    await rules([
      ['commerce.customer', 'customer.customer'],
      ['customer', 'customer.customer'],
    ]);
    await c.topo.updateShardFields('commerce', '0', (s) => {
      s.tablet_controls = [{ tablet_type: TabletType.PRIMARY, cells: [], denied_tables: ['customer'], frozen: false }];
    });
    await c.vtgate.refresh();
    const commerce = await c.session('commerce');
    expect(await c.rows(commerce, 'select email from customer')).toEqual([['in customer']]);
    const shard = await c.session('commerce/0');
    await expect(c.exec(shard, 'select email from customer')).rejects.toMatchObject({
      errno: 1105,
      message:
        'target: commerce.0.primary: vttablet: rpc error: code = FailedPrecondition desc = disallowed due to rule: enforce denied tables (CallerID: userData1): Sql: "select email from customer", BindVars: {}',
    });
    await rules([]);
    await expect(c.exec(commerce, 'select email from customer where customer_id = 1')).rejects.toMatchObject({
      message: expect.stringContaining('disallowed due to rule: enforce denied tables (CallerID: userData1): Sql: "select email from customer where customer_id = :vtg1", BindVars: {vtg1: "type:INT64 value:\\"1\\""}'),
    });
  });

  it('refuses queries to a shard whose query service is disabled in the serving graph', async () => {
    const srv = await c.topo.getSrvKeyspace('zone1', 'customer');
    const primary = srv.partitions.find((p) => p.served_type === TabletType.PRIMARY)!;
    primary.shard_tablet_controls = [{ name: '0', key_range: null, query_service_disabled: true }];
    await c.topo.updateSrvKeyspace('zone1', 'customer', srv);
    const s = await c.session('customer');
    await waitFor(async () => {
      try {
        await c.exec(s, 'select 1 from customer.customer');
        return false;
      } catch (err) {
        return (err as Error).message === 'target: customer.0.primary: vttablet: rpc error: code = FailedPrecondition desc = operation not allowed in state NOT_SERVING (CallerID: userData1)';
      }
    });
    primary.shard_tablet_controls = [];
    await c.topo.updateSrvKeyspace('zone1', 'customer', srv);
    await waitFor(async () => (await c.exec(s, 'select 1 from customer.customer').then(() => true, () => false)));
  });
});
