import { Code, MigrationType, decodeRowBytes, TabletType, VEventType, type SrvKeyspace, type VEvent } from '@vtsim/proto';
import { HashVindex } from '@vtsim/vindexes';
import { parseJournal } from '@vtsim/vttablet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMERCE_DATA, COMMERCE_SCHEMA, CUSTOMER_SHARDED_VSCHEMA, WorkflowCluster } from './workflow-cluster.js';

const WF = 'cust2cust';

/** A VDiff show answer's rows of one shard, by column name. */
function decoded(show: { tablet_responses: Record<string, { output: { fields: Array<{ name: string }>; rows: Array<{ lengths: number[]; values: Uint8Array }> } | null }> }, shard: string) {
  const out = show.tablet_responses[shard]!.output!;
  return out.rows.map((r) => Object.fromEntries(decodeRowBytes(r).map((b, i) => [out.fields[i]!.name, b?.toString('utf8') ?? null])));
}

/** The summary columns of decoded(). */
function vdiffRows(show: Parameters<typeof decoded>[0], shard: string) {
  return decoded(show, shard).map((r) => ({ vdiff_state: r['vdiff_state'], table_name: r['table_name'], table_state: r['table_state'], rows_compared: r['rows_compared'], has_mismatch: r['has_mismatch'] }));
}

/** The shards of each served type's partition, e.g. `{PRIMARY: '0', REPLICA: '-80,80-', …}`. */
function partitions(srv: SrvKeyspace): Record<string, string> {
  return Object.fromEntries(srv.partitions.map((p) => [TabletType[p.served_type], p.shard_references.map((r) => r.name).join(',')]));
}

describe('Reshard cust2cust: customer/0 → -80,80- (the local example, 301–306)', () => {
  let c: WorkflowCluster;
  beforeEach(async () => {
    c = await WorkflowCluster.start();
    await c.addTablets('customer', '0', [200, 201, 202]);
    await c.dba(200, ...COMMERCE_SCHEMA.slice(1), ...COMMERCE_DATA.filter((s) => !s.includes('product')));
    await c.vtctld.applyVSchema({ keyspace: 'customer', v_schema: CUSTOMER_SHARDED_VSCHEMA });
    await c.dba(200, 'alter table customer change customer_id customer_id bigint not null', 'alter table corder change order_id order_id bigint not null');
    await c.addTablets('customer', '-80', [300, 301, 302]);
    await c.addTablets('customer', '80-', [400, 401, 402]);
  });
  afterEach(async () => {
    await c.close();
  });

  async function create() {
    return c.vtctld.reshardCreate({ workflow: WF, keyspace: 'customer', source_shards: ['0'], target_shards: ['-80', '80-'] });
  }

  async function srv() {
    return partitions((await c.vtctld.getSrvKeyspaces({ keyspace: 'customer' })).srv_keyspaces['zone1']!);
  }

  it('create copies the schema and splits the rows by the hash vindex', async () => {
    const status = await create();
    expect(Object.keys(status.shard_streams)).toEqual(['customer/-80', 'customer/80-']);
    expect(status.traffic_state).toBe('Reads Not Switched. Writes Not Switched');
    await c.waitForRunning('customer', WF);
    expect(await c.rows(300, 'select customer_id, email from customer order by customer_id')).toEqual([
      '1\talice@domain.com', '2\tbob@domain.com', '3\tcharlie@domain.com', '5\teve@domain.com',
    ]);
    expect(await c.rows(400, 'select customer_id, email from customer')).toEqual(['4\tdan@domain.com']);
    expect(await c.rows(300, 'select order_id from corder order by order_id')).toEqual(['1', '2', '3', '5']);
    expect(await c.rows(400, 'select order_id from corder')).toEqual(['4']);
    const wf = (await c.vtctld.getWorkflows({ keyspace: 'customer', workflow: WF })).workflows[0]!;
    expect(wf).toMatchObject({ workflow_type: 'Reshard', source: { keyspace: 'customer', shards: ['0'] }, target: { keyspace: 'customer', shards: ['-80', '80-'] } });
    expect(Object.keys(wf.shard_streams)).toEqual(['-80/zone1-0000000300', '80-/zone1-0000000400']);
    expect(wf.shard_streams['-80/zone1-0000000300']!.streams[0]!.binlog_source.filter!.rules).toEqual([{ match: '/.*', filter: '-80' }]);
    // The rows keep replicating to the shard their keyspace id belongs to.
    await c.dba(200, "insert into customer(customer_id, email) values(6, 'rohit@planetscale.com'), (7, 'mlord@planetscale.com')");
    await c.waitFor('rows 6 and 7 on 80-', async () => (await c.rows(400, 'select count(*) from customer')).join() === '3');
    expect(await c.rows(300, 'select count(*) from customer')).toEqual(['4']);
  });

  it('rejects key ranges that do not match and shards that are not ready', async () => {
    await expect(c.vtctld.reshardCreate({ workflow: WF, keyspace: 'customer', source_shards: ['0'], target_shards: ['-80'] })).rejects.toMatchObject({
      code: Code.INVALID_ARGUMENT,
    });
    await expect(c.vtctld.reshardCreate({ workflow: WF, keyspace: 'customer', source_shards: ['0'], target_shards: ['-80', '80-', 'c0-'] })).rejects.toMatchObject({
      code: Code.NOT_FOUND,
    });
  });

  it('switches reads through the serving graph, then writes with journals in Vitess order, then completes', async () => {
    await create();
    await c.waitForRunning('customer', WF);
    expect(await srv()).toEqual({ PRIMARY: '0', REPLICA: '0', RDONLY: '0' });
    const reads = await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: WF, tablet_types: [TabletType.RDONLY, TabletType.REPLICA] });
    expect(reads.current_state).toBe('All Reads Switched. Writes Not Switched');
    expect(await srv()).toEqual({ PRIMARY: '0', REPLICA: '-80,80-', RDONLY: '-80,80-' });
    await expect(c.vtctld.workflowDelete({ keyspace: 'customer', workflow: WF })).rejects.toMatchObject({ code: Code.FAILED_PRECONDITION });

    const sourceFrom = c.tablet(200).position();
    const writes = await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: WF, tablet_types: [TabletType.PRIMARY] });
    expect(writes).toMatchObject({
      summary: 'SwitchTraffic was successful for workflow customer.cust2cust',
      start_state: 'All Reads Switched. Writes Not Switched',
      current_state: 'All Reads Switched. Writes Switched',
    });
    expect(await srv()).toEqual({ PRIMARY: '-80,80-', REPLICA: '-80,80-', RDONLY: '-80,80-' });
    const shards = (await c.vtctld.findAllShardsInKeyspace({ keyspace: 'customer' })).shards;
    expect(Object.fromEntries(Object.entries(shards).map(([n, s]) => [n, s.shard.is_primary_serving]))).toEqual({ '-80': true, '80-': true, '0': false });
    const primary = (await c.vtctld.getSrvKeyspaces({ keyspace: 'customer' })).srv_keyspaces['zone1']!.partitions.find((p) => p.served_type === TabletType.PRIMARY)!;
    expect(primary.shard_tablet_controls).toEqual([{ name: '0', key_range: null, query_service_disabled: true }]);
    // As in Vitess, a workflow whose writes were switched cannot be diffed.
    await expect(c.vtctld.vDiffCreate({ workflow: WF, target_keyspace: 'customer' })).rejects.toMatchObject({
      code: Code.FAILED_PRECONDITION,
      message: 'invalid VDiff run: writes have been already been switched for workflow customer.cust2cust',
    });

    // One journal on the source, naming both targets at their recorded positions.
    const [val] = await c.rows(200, 'select val from _vt.resharding_journal');
    const journal = parseJournal(val!);
    expect(journal.migration_type).toBe(MigrationType.SHARDS);
    expect(journal.participants).toEqual([{ keyspace: 'customer', shard: '0' }]);
    expect(journal.shard_gtids.map((g) => g.shard)).toEqual(['80-', '-80']);
    for (const g of journal.shard_gtids) expect(g.gtid).toMatch(/^MySQL56\/[0-9a-f-]+:1-\d+$/);

    // The source binlog, read from before the cutover: bookkeeping transactions, then the JOURNAL.
    const events: VEvent[] = [];
    const abort = new AbortController();
    for await (const batch of c.tablet(200).vstream(
      { target: { keyspace: 'customer', shard: '0', tablet_type: TabletType.PRIMARY, cell: 'zone1' }, position: sourceFrom, filter: { rules: [{ match: 'customer', filter: 'select * from customer' }] }, table_last_p_ks: [] },
      abort.signal,
    )) {
      events.push(...batch);
      if (events.some((e) => e.type === VEventType.JOURNAL)) break;
    }
    abort.abort();
    expect(events.some((e) => e.type === VEventType.ROW)).toBe(false);
    expect(events.find((e) => e.type === VEventType.JOURNAL)!.journal).toEqual(journal);

    // Reverse streams on the source, running from the targets; the forward streams frozen.
    const rev = (await c.vtctld.getWorkflows({ keyspace: 'customer', workflow: `${WF}_reverse` })).workflows[0]!;
    const revStreams = rev.shard_streams['0/zone1-0000000200']!.streams;
    expect(revStreams.map((s) => [s.binlog_source.shard, s.binlog_source.filter!.rules[0]!.filter, s.state])).toEqual([
      ['-80', '-', 'Running'],
      ['80-', '-', 'Running'],
    ]);
    const fwd = (await c.vtctld.getWorkflows({ keyspace: 'customer', workflow: WF })).workflows[0]!;
    for (const ss of Object.values(fwd.shard_streams)) expect(ss.streams.map((s) => s.message)).toEqual(['FROZEN']);

    // A write on a new shard reaches the old one through the reverse workflow.
    await c.dba(400, "insert into customer(customer_id, email) values(6, 'rohit@planetscale.com')");
    await c.waitFor('the reverse stream', async () => (await c.rows(200, 'select count(*) from customer where customer_id = 6')).join() === '1');

    const done = await c.vtctld.moveTablesComplete({ workflow: WF, target_keyspace: 'customer' });
    expect(done.summary).toBe('Successfully completed the cust2cust workflow in the customer keyspace');
    expect(Object.keys((await c.vtctld.findAllShardsInKeyspace({ keyspace: 'customer' })).shards).sort()).toEqual(['-80', '80-']);
    expect((await c.vtctld.getTablets({ keyspace: 'customer', shard: '0' })).tablets).toEqual([]);
    expect((await c.vtctld.getWorkflows({ keyspace: 'customer' })).workflows).toEqual([]);
    expect(await srv()).toEqual({ PRIMARY: '-80,80-', REPLICA: '-80,80-', RDONLY: '-80,80-' });
    await expect(c.vtctld.workflowStatus({ keyspace: 'customer', workflow: WF })).rejects.toMatchObject({ code: Code.NOT_FOUND });
  });

  it('ReverseTraffic makes customer/0 serving again with the rows written on the new shards', async () => {
    await create();
    await c.waitForRunning('customer', WF);
    await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: WF });
    await c.dba(300, "insert into customer(customer_id, email) values(10, 'x@domain.com')");
    await c.dba(400, "insert into customer(customer_id, email) values(11, 'y@domain.com')");
    const back = await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: WF, direction: 1 });
    expect(back).toMatchObject({ start_state: 'All Reads Switched. Writes Switched', current_state: 'Reads Not Switched. Writes Not Switched' });
    expect(await srv()).toEqual({ PRIMARY: '0', REPLICA: '0', RDONLY: '0' });
    expect(await c.rows(200, 'select customer_id from customer where customer_id >= 10 order by customer_id')).toEqual(['10', '11']);
    // The new shards journal back to the old one.
    for (const uid of [300, 400]) {
      const journal = parseJournal((await c.rows(uid, 'select val from _vt.resharding_journal'))[0]!);
      expect(journal.shard_gtids.map((g) => g.shard)).toEqual(['0']);
      expect(journal.participants).toEqual([{ keyspace: 'customer', shard: '-80' }, { keyspace: 'customer', shard: '80-' }]);
    }
    // Forward replication runs again, and the switch can be made once more.
    await c.dba(200, "insert into customer(customer_id, email) values(12, 'z@domain.com')");
    await c.waitFor('forward stream', async () => (await c.rows(400, 'select count(*) from customer where customer_id = 12')).join() === '1');
    const again = await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: WF });
    expect(again.current_state).toBe('All Reads Switched. Writes Switched');
    expect(await srv()).toEqual({ PRIMARY: '-80,80-', REPLICA: '-80,80-', RDONLY: '-80,80-' });
  });

  it('cancel leaves the new shards in the topology without data', async () => {
    await create();
    await c.waitForRunning('customer', WF);
    await c.vtctld.workflowDelete({ keyspace: 'customer', workflow: WF });
    expect(await c.rows(300, 'show tables')).toEqual([]);
    expect(await c.rows(400, 'show tables')).toEqual([]);
    expect(Object.keys((await c.vtctld.findAllShardsInKeyspace({ keyspace: 'customer' })).shards).sort()).toEqual(['-80', '0', '80-']);
    // Another attempt starts from scratch.
    await create();
    await c.waitForRunning('customer', WF);
    expect(await c.rows(400, 'select customer_id from customer')).toEqual(['4']);
  });

  it('VDiff reports every row compared and no mismatch, and finds a row changed behind its back', async () => {
    // The copy phase carries a FLOAT as MySQL's 6-digit text, so the target holds the float32 of
    // 3.14159 where the source holds that of 3.1415927; VDiff compares text results, as Vitess does.
    await c.dba(200, 'alter table corder add column weight float', 'update corder set weight = 3.1415927');
    await create();
    await c.waitForRunning('customer', WF);
    const { UUID } = await c.vtctld.vDiffCreate({ workflow: WF, target_keyspace: 'customer', wait: true });
    expect(UUID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const show = await c.vtctld.vDiffShow({ workflow: WF, target_keyspace: 'customer', arg: 'last' });
    expect(Object.keys(show.tablet_responses)).toEqual(['-80', '80-']);
    expect(vdiffRows(show, '-80')).toEqual([
      { vdiff_state: 'completed', table_name: 'corder', table_state: 'completed', rows_compared: '4', has_mismatch: '0' },
      { vdiff_state: 'completed', table_name: 'customer', table_state: 'completed', rows_compared: '4', has_mismatch: '0' },
    ]);
    expect(vdiffRows(show, '80-').map((r) => r.rows_compared)).toEqual(['1', '1']);
    expect(show.tablet_responses['80-']!.vdiff_uuid).toBe(UUID);

    // Change a target row without going through the source: the next VDiff sees it.
    await c.dba(400, "update customer set email = 'eve@evil.com' where customer_id = 4");
    await c.vtctld.vDiffCreate({ workflow: WF, target_keyspace: 'customer', wait: true });
    const again = await c.vtctld.vDiffShow({ workflow: WF, target_keyspace: 'customer', arg: 'last' });
    expect(again.tablet_responses['80-']!.vdiff_uuid).not.toBe(UUID);
    expect(vdiffRows(again, '80-').map((r) => [r.table_name, r.has_mismatch])).toEqual([['corder', '0'], ['customer', '1']]);
    const report = JSON.parse(decoded(again, '80-')[1]!['report']!);
    expect(report).toEqual({ ProcessedRows: 1, MatchingRows: 0, MismatchedRows: 1, ExtraRowsSource: 0, ExtraRowsTarget: 0 });
    expect(vdiffRows(await c.vtctld.vDiffShow({ workflow: WF, target_keyspace: 'customer', arg: UUID }), '80-').map((r) => r.has_mismatch)).toEqual(['0', '0']);
    await expect(c.vtctld.vDiffShow({ workflow: WF, target_keyspace: 'customer', arg: 'all' })).rejects.toMatchObject({ code: Code.UNIMPLEMENTED });

    // VDiff stopped the streams, ran them to the sources' snapshot and stopped them there; they run
    // again afterwards, with no stop position left behind, and carry the next write.
    for (const uid of [300, 400]) expect(await c.rows(uid, 'select state, stop_pos, message from _vt.vreplication')).toEqual(['Running\t\t']);
    await c.dba(200, "insert into customer(customer_id, email) values (6, 'frank@domain.com')");
    const copies = async () => [...(await c.rows(300, 'select email from customer where customer_id = 6')), ...(await c.rows(400, 'select email from customer where customer_id = 6'))];
    await c.waitFor('the insert to reach its new shard', async () => (await copies()).length === 1);

    // Nor one with a stream that does not run.
    await c.tablet(400).vreplicationExec("update _vt.vreplication set state = 'Stopped' where workflow = 'cust2cust'");
    await expect(c.vtctld.vDiffCreate({ workflow: WF, target_keyspace: 'customer' })).rejects.toMatchObject({
      code: Code.FAILED_PRECONDITION,
      message: 'not all streams are running in workflow customer.cust2cust',
    });
  });
});

describe('Reshard beyond the local example', () => {
  let c: WorkflowCluster;
  beforeEach(async () => {
    c = await WorkflowCluster.start();
    await c.addTablets('customer', '-80', [300, 301, 302]);
    await c.addTablets('customer', '80-', [400, 401, 402]);
    for (const uid of [300, 400]) await c.dba(uid, ...COMMERCE_SCHEMA.slice(1).map((s) => s.replace(' auto_increment', '')));
    await c.vtctld.applyVSchema({ keyspace: 'customer', v_schema: CUSTOMER_SHARDED_VSCHEMA });
  });
  afterEach(async () => {
    await c.close();
  });

  /** Inserts customers 1..n, each on the shard its hash keyspace id belongs to. */
  async function load(n: number): Promise<void> {
    const hash = new HashVindex('hash');
    for (let id = 1; id <= n; id++) {
      const uid = hash.mapOne(BigInt(id))![0]! < 0x80 ? 300 : 400;
      await c.dba(uid, `insert into customer(customer_id, email) values(${id}, 'c${id}@domain.com')`, `insert into corder(order_id, customer_id, sku, price) values(${id}, ${id}, 'SKU-${id}', ${id})`);
    }
  }

  async function count(uids: number[]): Promise<number> {
    let n = 0;
    for (const uid of uids) n += Number((await c.rows(uid, 'select count(*) from customer'))[0]);
    return n;
  }

  it('splits -80,80- into four shards, then merges them back into two, with journals naming every participant', async () => {
    await load(40);
    await c.addTablets('customer', '-40', [500, 501]);
    await c.addTablets('customer', '40-80', [510, 511]);
    await c.addTablets('customer', '80-c0', [520, 521]);
    await c.addTablets('customer', 'c0-', [530, 531]);
    await c.vtctld.reshardCreate({ workflow: 'split', keyspace: 'customer', source_shards: ['-80', '80-'], target_shards: ['-40', '40-80', '80-c0', 'c0-'] });
    await c.waitForRunning('customer', 'split');
    expect(await count([500, 510, 520, 530])).toBe(40);
    await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: 'split' });
    const journal = parseJournal((await c.rows(300, 'select val from _vt.resharding_journal'))[0]!);
    expect(journal.participants.map((p) => p.shard)).toEqual(['-80', '80-']);
    expect(journal.shard_gtids.map((g) => g.shard)).toEqual(['c0-', '80-c0', '40-80', '-40']);
    expect(parseJournal((await c.rows(400, 'select val from _vt.resharding_journal'))[0]!).id).toBe(journal.id);
    await c.vtctld.moveTablesComplete({ workflow: 'split', target_keyspace: 'customer' });
    expect(Object.keys((await c.vtctld.findAllShardsInKeyspace({ keyspace: 'customer' })).shards).sort()).toEqual(['-40', '40-80', '80-c0', 'c0-']);

    await c.addTablets('customer', '-80', [700, 701]);
    await c.addTablets('customer', '80-', [800, 801]);
    const created = await c.vtctld.reshardCreate({ workflow: 'merge', keyspace: 'customer', source_shards: ['-40', '40-80', '80-c0', 'c0-'], target_shards: ['-80', '80-'] });
    expect(created.shard_streams['customer/-80']!.streams.map((s) => s.source_shard)).toEqual(['customer/-40', 'customer/40-80']);
    await c.waitForRunning('customer', 'merge');
    // 1009's keyspace id is 7719…: it belongs to 40-80, then to -80.
    await c.dba(510, "insert into customer(customer_id, email) values(1009, 'late@domain.com')");
    // VDiff before the switch (Vitess refuses it after): each target's streams from two sources
    // are run to each source's snapshot, so the late row is compared too.
    const vdiff = await c.vtctld.vDiffCreate({ workflow: 'merge', target_keyspace: 'customer', wait: true });
    const show = await c.vtctld.vDiffShow({ workflow: 'merge', target_keyspace: 'customer', arg: vdiff.UUID });
    for (const shard of ['-80', '80-']) expect(vdiffRows(show, shard).every((r) => r.has_mismatch === '0' && r.vdiff_state === 'completed')).toBe(true);
    expect(vdiffRows(show, '-80').concat(vdiffRows(show, '80-')).filter((r) => r.table_name === 'customer').reduce((n, r) => n + Number(r.rows_compared), 0)).toBe(41);
    await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: 'merge' });
    expect(await count([700, 800])).toBe(41);
    expect(await c.rows(700, 'select email from customer where customer_id = 1009')).toEqual(['late@domain.com']);
    for (const uid of [500, 510, 520, 530]) {
      const j = parseJournal((await c.rows(uid, 'select val from _vt.resharding_journal'))[0]!);
      expect(j.participants.map((p) => p.shard)).toEqual(['-40', '40-80', '80-c0', 'c0-']);
      expect(j.shard_gtids.map((g) => g.shard)).toEqual(['80-', '-80']);
    }
  });

  it('a switch whose streams cannot catch up in time is undone: sources serve again, streams run, no reverse streams, no journal', async () => {
    await load(10);
    await c.addTablets('customer', '-40', [500, 501]);
    await c.addTablets('customer', '40-80', [510, 511]);
    await c.vtctld.reshardCreate({ workflow: 'half', keyspace: 'customer', source_shards: ['-80'], target_shards: ['-40', '40-80'] });
    await c.waitForRunning('customer', 'half');
    // The streams read from -80's replicas: with their replication stopped, they cannot catch up.
    for (const uid of [301, 302]) await c.tablet(uid).stopReplication();
    // 1000's keyspace id is 1f7db68037e0ff5a: it belongs to -80, then to -40.
    await c.dba(300, "insert into customer(customer_id, email) values(1000, 'stuck@domain.com')");
    await expect(
      c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: 'half', tablet_types: [TabletType.PRIMARY], timeout: { seconds: 0, nanos: 300_000_000 } }),
    ).rejects.toMatchObject({ code: Code.DEADLINE_EXCEEDED });
    const primary = (await c.vtctld.getSrvKeyspaces({ keyspace: 'customer' })).srv_keyspaces['zone1']!.partitions.find((p) => p.served_type === TabletType.PRIMARY)!;
    expect(primary.shard_tablet_controls).toEqual([]);
    expect(primary.shard_references.map((r) => r.name)).toEqual(['-80', '80-']);
    const wf = (await c.vtctld.getWorkflows({ keyspace: 'customer', workflow: 'half' })).workflows[0]!;
    for (const ss of Object.values(wf.shard_streams)) expect(ss.streams.map((s) => [s.state, s.message])).toEqual([['Running', '']]);
    expect((await c.vtctld.getWorkflows({ keyspace: 'customer', workflow: 'half_reverse' })).workflows).toEqual([]);
    expect(await c.rows(300, 'select count(*) from _vt.resharding_journal')).toEqual(['0']);
    // With replication back, the same switch goes through and the stuck row is on its new shard.
    for (const uid of [301, 302]) await c.tablet(uid).startReplication();
    await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: 'half', tablet_types: [TabletType.PRIMARY] });
    expect(await count([500, 510])).toBe(Number((await c.rows(300, 'select count(*) from customer'))[0]));
    expect(await c.rows(500, 'select email from customer where customer_id = 1000')).toEqual(['stuck@domain.com']);
  });

  it('MoveTables into a sharded keyspace filters each target shard by its key range', async () => {
    await c.addTablets('commerce', '0', [100, 101]);
    await c.dba(100, ...COMMERCE_SCHEMA, ...COMMERCE_DATA);
    for (const uid of [300, 400]) await c.dba(uid, 'drop table customer', 'drop table corder');
    const status = await c.vtctld.moveTablesCreate({ workflow: 'c2c', source_keyspace: 'commerce', target_keyspace: 'customer', include_tables: ['customer', 'corder'] });
    expect(Object.keys(status.shard_streams)).toEqual(['customer/-80', 'customer/80-']);
    await c.waitForRunning('customer', 'c2c');
    const wf = (await c.vtctld.getWorkflows({ keyspace: 'customer', workflow: 'c2c' })).workflows[0]!;
    expect(wf.shard_streams['80-/zone1-0000000400']!.streams[0]!.binlog_source.filter!.rules).toEqual([
      { match: 'customer', filter: "select * from customer where in_keyrange(customer_id, 'customer.hash', '80-')" },
      { match: 'corder', filter: "select * from corder where in_keyrange(customer_id, 'customer.hash', '80-')" },
    ]);
    expect(await c.rows(300, 'select customer_id from customer order by customer_id')).toEqual(['1', '2', '3', '5']);
    expect(await c.rows(400, 'select customer_id from corder')).toEqual(['4']);
    await c.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: 'c2c' });
    const rev = (await c.vtctld.getWorkflows({ keyspace: 'commerce', workflow: 'c2c_reverse' })).workflows[0]!;
    expect(rev.shard_streams['0/zone1-0000000100']!.streams.map((s) => s.binlog_source.shard)).toEqual(['-80', '80-']);
  });
});
