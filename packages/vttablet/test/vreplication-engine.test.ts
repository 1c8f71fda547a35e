import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Code, TabletType, VEventType, VtError, type VEvent } from '@vtsim/proto';
import { HashVindex } from '@vtsim/vindexes';
import { GtidSet } from '@vtsim/binlog';
import { OnDDLAction, type Tablet } from '../src/index.js';
import {
  CUSTOMER_VSCHEMA,
  VrCluster,
  createSchema,
  createStream,
  eventually,
  waitForCopied,
  exec,
  rowsOf,
  streamRow,
  waitForState,
} from './vreplication-fixture.js';

let c: VrCluster;
beforeEach(async () => {
  c = await VrCluster.start();
});
afterEach(async () => {
  await c.close();
});

const MOVE_TABLES_FILTER = { rules: [{ match: 'customer', filter: 'select * from customer' }, { match: 'corder', filter: 'select * from corder' }] };

/** A commerce keyspace (primary 100, replica 101) with the example's tables and `n` customers and orders. */
async function commerce(n: number): Promise<Tablet[]> {
  const tablets = await c.addTablets('commerce', '0', [100, 101]);
  await createSchema(tablets[0]!);
  await insertCustomers(tablets[0]!, 1, n);
  return tablets;
}

async function insertCustomers(t: Tablet, from: number, to: number): Promise<void> {
  for (let start = from; start <= to; start += 1000) {
    const ids = Array.from({ length: Math.min(1000, to - start + 1) }, (_, i) => start + i);
    await exec(t, `insert into customer(customer_id, email) values ${ids.map((i) => `(${i}, 'user${i}@domain.com')`).join(', ')}`);
    await exec(t, `insert into corder(order_id, customer_id, sku, price) values ${ids.map((i) => `(${i}, ${i}, 'SKU-${i}', ${i % 100})`).join(', ')}`);
  }
}

async function expectSameTables(source: Tablet, target: Tablet, tables = ['customer', 'corder']): Promise<void> {
  for (const t of tables) expect(await rowsOf(target, t), t).toEqual(await rowsOf(source, t));
}

describe('a MoveTables-like stream (commerce/0 → customer/0, two tables)', () => {
  it('copies, catches up writes made during the copy, then replicates; copy_state ends empty and rows_copied counts the copy', async () => {
    const [src] = await commerce(5000);
    const [dst] = await c.addTablets('customer', '0', [200]);
    await createSchema(dst!);
    const id = await createStream(dst!, 'commerce2customer', { keyspace: 'commerce', shard: '0', filter: MOVE_TABLES_FILTER });

    // Writes while the stream copies: inserts, updates and deletes on both tables.
    let n = 0;
    await eventually(async () => {
      n++;
      await exec(src!, `update customer set email = 'changed${n}' where customer_id = ${(n * 37) % 5000 + 1}`);
      await exec(src!, `delete from corder where order_id = ${(n * 53) % 5000 + 1}`);
      await exec(src!, `insert into customer(customer_id, email) values (${10000 + n}, 'new${n}')`);
      const row = await streamRow(dst!, id);
      return row.state === 'Running' && row.pos !== '';
    }, 10000, 'copy to finish');
    expect(n).toBeGreaterThan(1);
    await waitForCopied(dst!, id);

    await insertCustomers(src!, 20000, 20010);
    await exec(src!, `update corder set price = price + 1 where order_id < 100`);
    await dst!.vreplicationWaitForPos(id, src!.position(), 5000);
    await expectSameTables(src!, dst!);

    const row = await streamRow(dst!, id);
    expect(row.state).toBe('Running');
    expect(row.message).toBe('');
    expect(Number(row.rows_copied)).toBeGreaterThanOrEqual(10000);
    expect(row.pos).toMatch(/^MySQL56\//);
    expect((await dst!.vreplicationExec('select * from _vt.copy_state')).rows).toEqual([]);
  }, 20000);

  it('reads from the replica by default and from the types in tablet_types otherwise', async () => {
    const [src] = await commerce(10);
    const [dst] = await c.addTablets('customer', '0', [200]);
    await createSchema(dst!);
    const byDefault = await createStream(dst!, 'a', { keyspace: 'commerce', shard: '0', filter: MOVE_TABLES_FILTER });
    await waitForCopied(dst!, byDefault);
    await dst!.vreplicationExec(`update _vt.vreplication set state = 'Stopped' where id = ${byDefault}`);
    await dst!.vreplicationExec(`delete from _vt.vreplication where id = ${byDefault}`);
    await exec(dst!, 'delete from customer');
    await exec(dst!, 'delete from corder');
    const fromPrimary = await createStream(dst!, 'b', { keyspace: 'commerce', shard: '0', filter: MOVE_TABLES_FILTER }, { tabletTypes: 'in_order:PRIMARY' });
    await waitForCopied(dst!, fromPrimary);
    await dst!.vreplicationWaitForPos(fromPrimary, src!.position(), 5000);
    await expectSameTables(src!, dst!);
    // The binlog of the target records which tablet each stream picked.
    const messages = [...dst!.mysqld.binlog
      .readFrom(GtidSet.empty)]
      .flatMap((tx) => tx.events)
      .flatMap((e) => (e.kind === 'rows' && e.table.name === 'vreplication' ? e.changes.map((ch) => ch.after) : []))
      .map((after) => (after?.[12] ? Buffer.from(after[12] as Uint8Array).toString() : ''))
      .filter((m) => m.startsWith('Picked source tablet'));
    expect(messages).toEqual(['Picked source tablet: zone1-0000000101', 'Picked source tablet: zone1-0000000100']);
  });

  it('stops and restarts from pos without losing or repeating a change', async () => {
    const [src] = await commerce(100);
    const [dst] = await c.addTablets('customer', '0', [200]);
    await createSchema(dst!);
    const id = await createStream(dst!, 'w', { keyspace: 'commerce', shard: '0', filter: MOVE_TABLES_FILTER }, { tabletTypes: 'primary' });
    await waitForCopied(dst!, id);
    await dst!.vreplicationWaitForPos(id, src!.position(), 5000);
    await dst!.vreplicationExec(`update _vt.vreplication set state = 'Stopped', message = 'stopped for cutover' where id = ${id}`);
    const stoppedAt = (await streamRow(dst!, id)).pos;

    await insertCustomers(src!, 500, 520);
    await exec(src!, `delete from customer where customer_id <= 10`);
    await new Promise((r) => setTimeout(r, 50));
    expect(await rowsOf(dst!, 'customer')).toHaveLength(100);
    expect((await streamRow(dst!, id)).pos).toBe(stoppedAt);
    await expect(dst!.vreplicationWaitForPos(id, src!.position(), 100)).rejects.toMatchObject({ code: Code.FAILED_PRECONDITION });

    await dst!.vreplicationExec(`update _vt.vreplication set state = 'Running', message = '' where id = ${id}`);
    await dst!.vreplicationWaitForPos(id, src!.position(), 5000);
    await expectSameTables(src!, dst!);
  });

  it('stops at stop_pos with Vitess\'s message and applies nothing beyond it', async () => {
    const [src] = await commerce(10);
    const [dst] = await c.addTablets('customer', '0', [200]);
    await createSchema(dst!);
    const id = await createStream(dst!, 'w', { keyspace: 'commerce', shard: '0', filter: MOVE_TABLES_FILTER }, { tabletTypes: 'primary' });
    await waitForCopied(dst!, id);
    await exec(src!, `insert into customer(customer_id, email) values (11, 'eleven')`);
    const stopPos = src!.position();
    await exec(src!, `insert into customer(customer_id, email) values (12, 'twelve')`);
    await dst!.vreplicationExec(`update _vt.vreplication set state = 'Stopped' where id = ${id}`);
    await dst!.vreplicationExec(`update _vt.vreplication set stop_pos = '${stopPos}', state = 'Running' where id = ${id}`);
    const row = await waitForState(dst!, id, 'Stopped');
    expect(row.message).toBe(`Stopped at position ${stopPos}`);
    expect(row.pos).toBe(stopPos);
    const ids = (await rowsOf(dst!, 'customer')).map((l) => Number(l.split('|')[0])).sort((a, b) => a - b);
    expect(ids.at(-1)).toBe(11);
    await dst!.vreplicationWaitForPos(id, stopPos, 1000);
    await expect(dst!.vreplicationWaitForPos(id, src!.position(), 100)).rejects.toMatchObject({ code: Code.FAILED_PRECONDITION });
  });

  it('recovers on another source tablet when its source tablet dies mid-stream', async () => {
    const [src] = await commerce(50);
    const [dst] = await c.addTablets('customer', '0', [200]);
    await createSchema(dst!);
    const id = await createStream(dst!, 'w', { keyspace: 'commerce', shard: '0', filter: MOVE_TABLES_FILTER });
    await waitForCopied(dst!, id);
    await dst!.vreplicationWaitForPos(id, src!.position(), 5000);
    await c.killTablet(101);
    await insertCustomers(src!, 100, 120);
    await eventually(async () => (await streamRow(dst!, id)).message.includes('vstream ended'), 5000, 'the error to be recorded');
    expect((await streamRow(dst!, id)).state).toBe('Running');
    await dst!.vreplicationWaitForPos(id, src!.position(), 15000);
    await expectSameTables(src!, dst!);
    expect((await streamRow(dst!, id)).message).toBe('');
  }, 25000);

  it('waitForPos times out with DEADLINE_EXCEEDED and rejects unknown streams and bad positions', async () => {
    const [src] = await commerce(1);
    const [dst] = await c.addTablets('customer', '0', [200]);
    await createSchema(dst!);
    const id = await createStream(dst!, 'w', { keyspace: 'commerce', shard: '0', filter: MOVE_TABLES_FILTER }, { tabletTypes: 'primary' });
    await waitForCopied(dst!, id);
    const future = src!.position().replace(/:1-(\d+)$/, (_, n) => `:1-${Number(n) + 5}`);
    const err = await dst!.vreplicationWaitForPos(id, future, 50).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VtError);
    expect((err as VtError).code).toBe(Code.DEADLINE_EXCEEDED);
    await expect(dst!.vreplicationWaitForPos(999, future, 50)).rejects.toMatchObject({ code: Code.NOT_FOUND });
    await expect(dst!.vreplicationWaitForPos(id, 'MySQL56/nonsense', 50)).rejects.toMatchObject({ code: Code.INVALID_ARGUMENT });
    await expect(src!.vreplicationExec('select 1')).resolves.toBeDefined();
    const [replica] = [...c.tablets.values()].filter((t) => t.alias.uid === 101);
    await expect(replica!.vreplicationExec('select * from _vt.vreplication')).rejects.toMatchObject({ code: Code.FAILED_PRECONDITION });
  });

  it('writes its bookkeeping into the target binlog: a VStream on the target sees [BEGIN, GTID, COMMIT] for it', async () => {
    const [src] = await commerce(3);
    const [dst] = await c.addTablets('customer', '0', [200]);
    await createSchema(dst!);
    const id = await createStream(dst!, 'w', { keyspace: 'commerce', shard: '0', filter: MOVE_TABLES_FILTER }, { tabletTypes: 'primary' });
    await waitForCopied(dst!, id);
    await dst!.vreplicationWaitForPos(id, src!.position(), 5000);

    const ac = new AbortController();
    const it = dst!.vstream(
      { target: { keyspace: 'customer', shard: '0', tablet_type: dst!.type, cell: 'zone1' }, position: dst!.position(), filter: { rules: [{ match: 'customer', filter: 'select * from customer' }] }, table_last_p_ks: [] },
      ac.signal,
    )[Symbol.asyncIterator]();
    const next = async (): Promise<string> => {
      for (;;) {
        const r = await it.next();
        const types = (r.value as VEvent[]).filter((e) => e.type !== VEventType.HEARTBEAT).map((e) => VEventType[e.type]).join(' ');
        if (types) return types;
      }
    };
    await exec(src!, `update corder set price = 7 where order_id = 1`);
    expect(await next()).toBe('BEGIN GTID COMMIT');
    await exec(src!, `insert into customer(customer_id, email) values (4, 'dan')`);
    let types: string;
    while ((types = await next()) === 'BEGIN GTID COMMIT');
    expect(types).toBe('BEGIN FIELD ROW GTID COMMIT');
    ac.abort();
    // An idle stream records source heartbeats.
    await eventually(async () => Number((await streamRow(dst!, id)).time_heartbeat) > 0, 3000, 'a heartbeat');
  });
});

describe('Reshard-like streams (customer/0 → -80, 80- with the hash vindex)', () => {
  it('send each row to the shard its keyspace id belongs to, during and after the copy', async () => {
    const [src] = await c.addTablets('customer', '0', [200, 201]);
    await c.topo.saveVSchema('customer', CUSTOMER_VSCHEMA);
    await c.topo.rebuildSrvVSchema();
    await createSchema(src!);
    await insertCustomers(src!, 1, 3000);
    const [left] = await c.addTablets('customer', '-80', [300]);
    const [right] = await c.addTablets('customer', '80-', [400]);
    await createSchema(left!, right!);
    const ids = [
      await createStream(left!, 'cust2cust', { keyspace: 'customer', shard: '0', filter: { rules: [{ match: '/.*', filter: '-80' }] } }),
      await createStream(right!, 'cust2cust', { keyspace: 'customer', shard: '0', filter: { rules: [{ match: '/.*', filter: '80-' }] } }),
    ];
    let n = 0;
    await eventually(async () => {
      n++;
      await exec(src!, `update customer set email = 'during${n}' where customer_id = ${(n * 31) % 3000 + 1}`);
      await exec(src!, `insert into corder(order_id, customer_id, sku, price) values (${100000 + n}, ${n}, 'x', 1)`);
      const rows = [await streamRow(left!, ids[0]!), await streamRow(right!, ids[1]!)];
      return rows.every((r) => r.state === 'Running' && r.pos !== '');
    }, 10000, 'both copies');
    expect(n).toBeGreaterThan(1);
    await insertCustomers(src!, 5000, 5100);
    await exec(src!, 'delete from customer where customer_id % 7 = 0');
    await left!.vreplicationWaitForPos(ids[0]!, src!.position(), 5000);
    await right!.vreplicationWaitForPos(ids[1]!, src!.position(), 5000);

    const hash = new HashVindex('hash');
    const shardOf = (id: string): string => (hash.mapOne(BigInt(id))![0]! < 0x80 ? '-80' : '80-');
    for (const table of ['customer', 'corder']) {
      const all = await rowsOf(src!, table);
      const l = await rowsOf(left!, table);
      const r = await rowsOf(right!, table);
      const col = table === 'customer' ? 0 : 1;
      expect(l).toEqual(all.filter((line) => shardOf(line.split('|')[col]!) === '-80'));
      expect(r).toEqual(all.filter((line) => shardOf(line.split('|')[col]!) === '80-'));
      expect(l.length).toBeGreaterThan(0);
      expect(r.length).toBeGreaterThan(0);
    }
  }, 20000);
});

describe('journals and the tablet role', () => {
  /** customer/0 (200) with the example's tables, a VSchema, and target keyspace `merged`/0 (500) streaming from it as workflow `m`. */
  async function materialize(): Promise<{ src: Tablet; dst: Tablet; id: number }> {
    const [src] = await c.addTablets('customer', '0', [200]);
    await c.topo.saveVSchema('customer', CUSTOMER_VSCHEMA);
    await c.topo.rebuildSrvVSchema();
    await createSchema(src!);
    await insertCustomers(src!, 1, 20);
    const [dst] = await c.addTablets('merged', '0', [500]);
    await createSchema(dst!);
    const id = await createStream(dst!, 'm', { keyspace: 'customer', shard: '0', filter: { rules: [{ match: 'customer', filter: 'select * from customer' }] } }, { tabletTypes: 'primary' });
    await waitForCopied(dst!, id);
    return { src: src!, dst: dst!, id };
  }

  it('moves a workflow to the journal\'s shards when its stream reaches a SHARDS journal', async () => {
    const { src, dst, id } = await materialize();
    const [left] = await c.addTablets('customer', '-80', [300]);
    const [right] = await c.addTablets('customer', '80-', [400]);
    await createSchema(left!, right!);
    const journal = `id:7 migration_type:SHARDS tables:"customer" local_position:"${src.position()}" shard_gtids:{keyspace:"customer" shard:"-80" gtid:"${left!.position()}"} shard_gtids:{keyspace:"customer" shard:"80-" gtid:"${right!.position()}"} participants:{keyspace:"customer" shard:"0"}`;
    await exec(src, `insert into customer(customer_id, email) values (21, 'before journal')`);
    await src.executeFetchAsDba(`insert into resharding_journal (id, db_name, val) values (7, 'vt_customer', '${journal.replace(/"/g, '\\"')}')`, '_vt');
    await exec(src, `insert into customer(customer_id, email) values (22, 'after journal: never streamed')`);

    let rows: Record<string, string>[] = [];
    await eventually(async () => {
      const r = await dst.vreplicationExec('select id, source, pos, state from _vt.vreplication order by id');
      rows = r.rows.map((row) => Object.fromEntries(r.fields.map((f, i) => [f.name, row[i] instanceof Uint8Array ? Buffer.from(row[i] as Uint8Array).toString() : String(row[i])])));
      return rows.length === 2 && !rows.some((row) => Number(row.id) === id);
    }, 5000, 'the journal transition');
    expect(rows.map((r) => r.source)).toEqual([
      'keyspace:"customer" shard:"-80" filter:{rules:{match:"customer" filter:"select * from customer"}}',
      'keyspace:"customer" shard:"80-" filter:{rules:{match:"customer" filter:"select * from customer"}}',
    ]);
    expect(rows.map((r) => r.state)).toEqual(['Running', 'Running']);
    await exec(left!, `insert into customer(customer_id, email) values (101, 'on -80')`);
    await exec(right!, `insert into customer(customer_id, email) values (104, 'on 80-')`);
    await dst.vreplicationWaitForPos(Number(rows[0]!.id), left!.position(), 5000);
    await dst.vreplicationWaitForPos(Number(rows[1]!.id), right!.position(), 5000);
    const emails = (await rowsOf(dst, 'customer')).map((l) => l.split('|')[1]);
    expect(emails).toContain('before journal');
    expect(emails).toContain('on -80');
    expect(emails).toContain('on 80-');
    expect(emails).not.toContain('after journal: never streamed');
  });

  it('stops a stream whose journal names a participant the workflow does not stream from', async () => {
    const { src, dst, id } = await materialize();
    const journal = 'id:8 migration_type:SHARDS participants:{keyspace:"customer" shard:"0"} participants:{keyspace:"customer" shard:"1"}';
    await src.executeFetchAsDba(`insert into resharding_journal (id, db_name, val) values (8, 'vt_customer', '${journal.replace(/"/g, '\\"')}')`, '_vt');
    const row = await waitForState(dst, id, 'Stopped');
    expect(row.message).toBe('cannot redirect on journal: not all sources are present in this workflow: missing customer:1');
  });

  it('runs streams only while the tablet is PRIMARY', async () => {
    const { src, dst, id } = await materialize();
    await dst.changeType(TabletType.REPLICA);
    await exec(src, `insert into customer(customer_id, email) values (30, 'while replica')`);
    await new Promise((r) => setTimeout(r, 50));
    expect((await exec(dst, 'select count(*) from customer')).rows[0]![0]).toBe(20n);
    await expect(dst.vreplicationExec('select 1')).rejects.toMatchObject({ code: Code.FAILED_PRECONDITION });
    await dst.changeType(TabletType.PRIMARY);
    await dst.vreplicationWaitForPos(id, src.position(), 5000);
    expect((await exec(dst, 'select count(*) from customer')).rows[0]![0]).toBe(21n);
  });

  it('executes DDL from the source with on_ddl EXEC', async () => {
    const [src] = await commerce(3);
    const [dst] = await c.addTablets('customer', '0', [200]);
    await createSchema(dst!);
    const id = await createStream(dst!, 'w', { keyspace: 'commerce', shard: '0', filter: MOVE_TABLES_FILTER, on_ddl: OnDDLAction.EXEC }, { tabletTypes: 'primary' });
    await waitForCopied(dst!, id);
    await exec(src!, 'alter table customer add column nick varbinary(10)');
    await exec(src!, `insert into customer(customer_id, email, nick) values (9, 'x', 'nine')`);
    await dst!.vreplicationWaitForPos(id, src!.position(), 5000);
    expect(await rowsOf(dst!, 'customer')).toEqual(await rowsOf(src!, 'customer'));
    expect((await rowsOf(dst!, 'customer')).find((l) => l.startsWith('9|'))).toBe('9|x|nine');
  });
});
