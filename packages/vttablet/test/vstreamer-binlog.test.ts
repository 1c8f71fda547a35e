/** The tablet vstreamer's binlog phase: transactions, DDL, journals, heartbeats, packets and failures, on real tablets. */
import { Code, MigrationType, SqlError, TabletType, VEventType, VtError, type Journal } from '@vtsim/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatJournal, streamVEvents } from '../src/vstreamer/index.js';
import { LocalVSchema } from '../src/vstreamer/local-vschema.js';
import type { Tablet } from '../src/tablet.js';
import {
  StreamReader,
  streamThrough,
  closeCluster,
  endsWith,
  exec,
  filterOf,
  loadCustomers,
  newCluster,
  rowChanges,
  startTablet,
  targetOf,
  types,
  type Cluster,
} from './vstreamer-fixture.js';
import { TRANSPORTS } from './tablet-transport.js';

let c: Cluster;
let t: Tablet;
beforeEach(async () => {
  c = await newCluster();
  t = await startTablet(c, 'customer', '0', 200);
  await loadCustomers(t);
  await exec(t, 'create table corder (order_id bigint primary key, customer_id bigint)');
});
afterEach(async () => {
  await closeCluster(c);
});

describe.each(TRANSPORTS)('binlog streaming, reached %s', (transport) => {
  beforeEach(() => streamThrough(transport));

  it('"current" sends [GTID, OTHER] at once, then the transactions that follow', async () => {
    const r = new StreamReader(t, 'current', filterOf('customer'));
    const first = await r.next();
    expect(types(first)).toBe('GTID OTHER');
    expect(first[0]!.gtid).toBe(t.position());
    expect(first.every((e) => e.keyspace === 'customer' && e.shard === '0')).toBe(true);
    await exec(t, "insert into customer(email) values ('x@y.z')");
    const next = await r.next();
    await r.close();
    expect(types(next)).toBe('BEGIN FIELD ROW GTID COMMIT');
  });

  it('streams inserts, updates and deletes with before/after images, FIELD only before the first ROW of a table', async () => {
    const start = t.position();
    await exec(t, "insert into customer(customer_id, email) values (6, 'f@x'), (7, 'g@x')");
    await exec(t, "update customer set email = 'F@x' where customer_id = 6");
    await exec(t, 'delete from customer where customer_id = 7');
    const r = new StreamReader(t, start, filterOf('customer'));
    const batches = [await r.next(), await r.next(), await r.next()];
    await r.close();
    expect(batches.map(types)).toEqual(['BEGIN FIELD ROW GTID COMMIT', 'BEGIN ROW GTID COMMIT', 'BEGIN ROW GTID COMMIT']);
    expect(rowChanges(batches)).toEqual([
      [null, ['6', 'f@x']],
      [null, ['7', 'g@x']],
      [['6', 'f@x'], ['6', 'F@x']],
      [['7', 'g@x'], null],
    ]);
    expect(batches[0]![2]!.row_event!.row_changes).toHaveLength(2);
    expect(batches[2]![2]!.gtid).toBe(t.position());
  });

  it('sends [GTID, DDL] for a filtered table, [GTID, OTHER] for others, and a new FIELD after the DDL (flags 53251)', async () => {
    const r = new StreamReader(t, t.position(), filterOf('customer'));
    await exec(
      t,
      'alter table customer change customer_id customer_id bigint not null',
      'alter table corder add column sku varbinary(128)',
      "insert into customer(customer_id, email) values (6, 'sougou@planetscale.com')",
    );
    const [ddl, other, ins] = [await r.next(), await r.next(), await r.next()];
    await r.close();
    expect(types(ddl)).toBe('GTID DDL');
    expect(ddl[1]!.statement).toBe('alter table customer change customer_id customer_id bigint not null');
    expect(types(other)).toBe('GTID OTHER');
    expect(types(ins)).toBe('BEGIN FIELD ROW GTID COMMIT');
    expect(ins[1]!.field_event!.fields.map((f) => f.flags)).toEqual([53251, 128]);
  });

  it('sends empty transactions for writes to unfiltered tables and to the sidecar database', async () => {
    const r = new StreamReader(t, t.position(), filterOf('customer'));
    await exec(t, 'insert into corder values (1, 1)');
    await t.execute(targetOf(t), "insert into heartbeat values ('customer/0', 200, 1)", {}, 0, { database: '_vt' });
    const batches = [await r.next(), await r.next()];
    await r.close();
    expect(batches.map(types)).toEqual(['BEGIN GTID COMMIT', 'BEGIN GTID COMMIT']);
    expect(batches[1]![1]!.gtid).toBe(t.position());
  });

  it('turns updates that leave the filter into deletes and updates that enter it into inserts', async () => {
    const r = new StreamReader(t, t.position(), filterOf('customer', 'select * from customer where customer_id <= 3'));
    await exec(t, 'update customer set customer_id = 10 where customer_id = 3');
    await exec(t, "update customer set email = 'b' where customer_id = 2");
    await exec(t, 'update customer set customer_id = 3 where customer_id = 5');
    await exec(t, "update customer set email = 'none' where customer_id = 4");
    const batches = [await r.next(), await r.next(), await r.next(), await r.next()];
    await r.close();
    expect(rowChanges(batches)).toEqual([
      [['3', 'charlie@domain.com'], null],
      [['2', 'bob@domain.com'], ['2', 'b']],
      [null, ['3', 'eve@domain.com']],
    ]);
    expect(types(batches[3]!)).toBe('BEGIN GTID COMMIT');
  });

  it('streams a key-range filter with the VSchema it watches from the topology', async () => {
    await c.topo.saveVSchema('customer', {
      sharded: true,
      vindexes: { hash: { type: 'hash', params: {}, owner: '' } },
      tables: { customer: { type: '', column_vindexes: [{ column: 'customer_id', name: 'hash', columns: [] }], auto_increment: null, columns: [], pinned: '', column_list_authoritative: false, source: '' } },
      require_explicit_routing: false,
    });
    await c.topo.rebuildSrvVSchema();
    const r = new StreamReader(t, t.position(), filterOf('customer', '80-'));
    await exec(t, `insert into customer(customer_id, email) values (6, 'six'), (7, 'seven'), (9, 'nine'), (10, 'ten')`);
    const b = await r.next();
    await r.close();
    // 6, 7 hash into 80-; 9, 10 into -80.
    expect(rowChanges([b]).map(([, a]) => a![0])).toEqual(['6', '7']);
  });

  it('turns resharding_journal inserts for this database into JOURNAL events, and skips other databases', async () => {
    const journal: Journal = {
      id: '8372031310398214011',
      migration_type: MigrationType.SHARDS,
      tables: [],
      local_position: t.position(),
      shard_gtids: [
        { keyspace: 'customer', shard: '80-', gtid: 'MySQL56/6a60d315-8e10-11eb-b894-04ed332e05c2:1-76', table_p_ks: [] },
        { keyspace: 'customer', shard: '-80', gtid: 'MySQL56/629442b7-8e10-11eb-a0bb-04ed332e05c2:1-75', table_p_ks: [] },
      ],
      participants: [{ keyspace: 'customer', shard: '0' }],
      source_workflows: [],
    };
    const r = new StreamReader(t, t.position(), filterOf('customer'));
    const write = (id: string, db: string): Promise<unknown> =>
      t.execute(targetOf(t), 'insert into resharding_journal (id, db_name, val) values (:id, :db, :val)', { id: BigInt(id), db, val: formatJournal({ ...journal, id }) }, 0, { database: '_vt' });
    await write(journal.id, 'vt_customer');
    await write('1', 'vt_other');
    const [mine, theirs] = [await r.next(), await r.next()];
    await r.close();
    expect(types(mine)).toBe('BEGIN JOURNAL GTID COMMIT');
    expect(mine[1]!.journal).toEqual(journal);
    expect(types(theirs)).toBe('BEGIN GTID COMMIT');
  });

  it('streams sidecar tables named in internal_tables as internal ROW events', async () => {
    const options = { internal_tables: ['heartbeat'], config_overrides: {}, tables_to_copy: [] };
    const r = new StreamReader(t, t.position(), filterOf('customer'), [], options);
    await t.execute(targetOf(t), "insert into heartbeat values ('customer/0', 200, 1616748600)", {}, 0, { database: '_vt' });
    const b = await r.next();
    await r.close();
    expect(types(b)).toBe('BEGIN FIELD ROW GTID COMMIT');
    expect([b[1]!.field_event!.table_name, b[1]!.field_event!.is_internal_table]).toEqual(['heartbeat', true]);
    expect([b[2]!.row_event!.table_name, b[2]!.row_event!.is_internal_table]).toEqual(['heartbeat', true]);
    expect(rowChanges([b])).toEqual([[null, ['customer/0', '200', '1616748600']]]);
  });

  it("stamps BEGIN, FIELD/ROW and GTID/COMMIT with the binlog events' times, on the primary and on a replica", async () => {
    const replica = await startTablet(c, 'customer', '0', 201);
    const start = t.position();
    const t0 = Math.floor(c.clock.now() / 1000);
    const id = await t.begin(targetOf(t));
    c.clock.advance(1000);
    await t.execute(targetOf(t), "insert into customer(customer_id, email) values (6, 'f@x')", {}, id);
    c.clock.advance(2000);
    await t.execute(targetOf(t), 'insert into corder values (1, 6)', {}, id);
    c.clock.advance(1000);
    await t.commit(targetOf(t), id);
    c.clock.advance(5000);
    await replica.waitForPosition(t.position(), 2000);
    const stamps = async (tablet: Tablet) => {
      const r = new StreamReader(tablet, start, filterOf('/.*'));
      const [b] = await r.until(endsWith(VEventType.COMMIT));
      await r.close();
      return b!.map((e) => `${VEventType[e.type]}@${e.timestamp! - t0}`).join(' ');
    };
    const want = 'BEGIN@1 FIELD@1 ROW@1 FIELD@3 ROW@3 GTID@4 COMMIT@4';
    expect(await stamps(t)).toBe(want);
    expect(await stamps(replica)).toBe(want);
  });

  it('reads partitioned DDL for the DDL filter: [GTID, DDL] for a filtered table, [GTID, OTHER] for another', async () => {
    const r = new StreamReader(t, t.position(), filterOf('customer'));
    await exec(t, 'alter table customer partition by hash (customer_id) partitions 2', 'alter table corder partition by key () partitions 2');
    const [mine, other] = [await r.next(), await r.next()];
    await r.close();
    expect(types(mine)).toBe('GTID DDL');
    expect(types(other)).toBe('GTID OTHER');
  });

  it('keeps tables with an exclude rule out of the stream', async () => {
    const r = new StreamReader(t, t.position(), { rules: [{ match: 'corder', filter: 'exclude' }, { match: '/.*', filter: '' }] });
    await exec(t, 'insert into corder values (1, 1)', "insert into customer(email) values ('x')");
    const [excluded, streamed] = [await r.next(), await r.next()];
    await r.close();
    expect(types(excluded)).toBe('BEGIN GTID COMMIT');
    expect(types(streamed)).toBe('BEGIN FIELD ROW GTID COMMIT');
  });

  it('sends a HEARTBEAT after ~900 ms without binlog events', async () => {
    const r = new StreamReader(t, t.position(), filterOf('customer'));
    const started = Date.now();
    const hb = await r.next(3000);
    const waited = Date.now() - started;
    await r.close();
    expect(types(hb)).toBe('HEARTBEAT');
    expect(waited).toBeGreaterThanOrEqual(850);
    expect(hb[0]!.timestamp).toBe(Math.floor(c.clock.now() / 1000));
    expect(hb[0]!.current_time).toBe(c.clock.nowNanos().toString());
  });
});

describe('packets and flow', () => {
  it('splits a 10 MB transaction into batches of about the packet size, keeping every row in order', async () => {
    await exec(t, 'create table big (id bigint primary key, payload varbinary(1200))');
    const r = new StreamReader(t, t.position(), filterOf('big'));
    const tx = await t.begin(targetOf(t));
    const payload = 'p'.repeat(1000);
    for (let i = 0; i < 100; i++) {
      const values = Array.from({ length: 100 }, (_, j) => `(${i * 100 + j}, '${payload}')`).join(', ');
      await t.execute(targetOf(t), `insert into big values ${values}`, {}, tx);
    }
    await t.commit(targetOf(t), tx);
    const batches = await r.until(endsWith(VEventType.COMMIT), 10_000);
    await r.close();
    expect(batches.length).toBeGreaterThanOrEqual(40);
    expect(batches[0]![0]!.type).toBe(VEventType.BEGIN);
    expect(types(batches[batches.length - 1]!).endsWith('GTID COMMIT')).toBe(true);
    for (const b of batches) {
      const bytes = b.reduce((n, e) => n + (e.row_event?.row_changes.reduce((m, ch) => m + (ch.after?.values.length ?? 0), 0) ?? 0), 0);
      expect(bytes).toBeLessThanOrEqual(250_000 + 8192);
      expect(b.filter((e) => e.type === VEventType.BEGIN || e.type === VEventType.COMMIT).length).toBeLessThanOrEqual(1);
    }
    const ids = rowChanges(batches).map(([, a]) => Number(a![0]));
    expect(ids).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
  });

  it('reads the binlog only as fast as the consumer pulls', async () => {
    for (let i = 0; i < 50; i++) await exec(t, `insert into corder values (${i}, 1)`);
    let sent = 0;
    const controller = new AbortController();
    const it = streamVEvents(
      {
        mysqld: t.mysqld,
        keyspace: 'customer',
        shard: '0',
        dbName: t.dbName,
        sidecarDbName: '_vt',
        clock: { now: () => 0, nowNanos: () => (sent++, 0n) },
        vschema: () => new LocalVSchema('customer', null),
      },
      { target: targetOf(t), position: 'MySQL56/' + t.mysqld.binlog.transactionAt(0).gtid.sid + ':1-3', filter: filterOf('corder'), table_last_p_ks: [] },
      controller.signal,
    )[Symbol.asyncIterator]();
    await it.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // One transaction parsed (one clock read per transaction), nothing read ahead.
    expect(sent).toBe(1);
    controller.abort();
    await it.return?.();
  });

  it('ends with a normal return when the caller aborts, even while waiting for the binlog', async () => {
    const controller = new AbortController();
    const it = t.vstream({ target: targetOf(t), position: 'current', filter: filterOf('customer'), table_last_p_ks: [] }, controller.signal)[Symbol.asyncIterator]();
    await it.next();
    const pending = it.next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});

describe('failures', () => {
  async function failure(position: string, filter = filterOf('customer')): Promise<VtError> {
    const err = await new StreamReader(t, position, filter).error();
    expect(err).toBeInstanceOf(VtError);
    return err as VtError;
  }

  it("rejects a position the server doesn't contain with INVALID_ARGUMENT GTIDSet Mismatch", async () => {
    const foreign = 'MySQL56/629442b7-8e10-11eb-a0bb-04ed332e05c2:1-5';
    const err = await failure(foreign);
    expect(err.code).toBe(Code.INVALID_ARGUMENT);
    expect(err.message).toBe(`GTIDSet Mismatch: requested source position:${foreign}, current target vrep position: ${t.position()}`);
  });

  it('rejects a malformed position and filters that do not parse or name unknown columns', async () => {
    expect((await failure('MySQL56/not-a-gtid')).message).toMatch(/^could not decode position: /);
    const syntax = await failure(t.position(), filterOf('customer', 'select * frm customer'));
    expect(syntax.code).toBe(Code.INVALID_ARGUMENT);
    const column = await failure(t.position(), filterOf('customer', 'select nope from customer'));
    expect([column.code, column.message]).toEqual([Code.FAILED_PRECONDITION, 'column nope not found in table customer']);
    const wrongTable = await failure('', filterOf('customer', 'select * from corder'));
    expect(wrongTable.message).toBe('unsupported: select expression table corder does not match the table entry name customer');
  });

  it('rejects a target the tablet does not serve', async () => {
    const it = t.vstream({ target: { ...targetOf(t), shard: '-80' }, position: 'current', filter: filterOf('customer'), table_last_p_ks: [] }, new AbortController().signal);
    const err = await it[Symbol.asyncIterator]().next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).code).toBe(Code.FAILED_PRECONDITION);
  });

  it('ends open streams with UNAVAILABLE when the tablet changes type', async () => {
    const r = new StreamReader(t, 'current', filterOf('customer'));
    await r.next();
    const pending = r.error();
    await t.changeType(TabletType.REPLICA);
    const err = (await pending) as VtError;
    expect([err.code, err.message]).toEqual([Code.UNAVAILABLE, 'vstream ended: tablet zone1-0000000200 changed type from PRIMARY to REPLICA']);
  });

  it('ends open streams with UNAVAILABLE when the tablet shuts down', async () => {
    const r = new StreamReader(t, 'current', filterOf('customer'));
    await r.next();
    const pending = r.error();
    await t.close();
    const err = (await pending) as VtError;
    expect(err.code).toBe(Code.UNAVAILABLE);
    expect(err.message).toBe('vstream ended: tablet zone1-0000000200 is not serving');
  });
});
