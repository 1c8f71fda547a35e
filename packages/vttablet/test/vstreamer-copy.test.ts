/** The tablet vstreamer's copy phase and its resumption, on real tablets. */
import { Code, MySqlFlag, Type, VEventType, VtError, parseKeyspaceVSchema, type TableLastPK, type VEvent } from '@vtsim/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { streamVEvents } from '../src/vstreamer/index.js';
import { LocalVSchema } from '../src/vstreamer/local-vschema.js';
import type { Tablet } from '../src/tablet.js';
import {
  CUSTOMER_EMAILS,
  CUSTOMER_SCHEMA,
  StreamReader,
  streamThrough,
  closeCluster,
  endsWith,
  exec,
  filterOf,
  loadCustomers,
  newCluster,
  rowChanges,
  rowText,
  startTablet,
  targetOf,
  types,
  type Cluster,
} from './vstreamer-fixture.js';
import { TRANSPORTS } from './tablet-transport.js';

let c: Cluster;
beforeEach(async () => {
  c = await newCluster();
});
afterEach(async () => {
  await closeCluster(c);
});

const CUSTOMER_VSCHEMA = parseKeyspaceVSchema({
  sharded: true,
  vindexes: { hash: { type: 'hash' } },
  tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] }, corder: { type: 'reference' } },
});

describe.each(TRANSPORTS)('copy phase, reached %s', (transport) => {
  beforeEach(() => streamThrough(transport));

  it("streams the local example's customer/0 exactly as the seed document shows", async () => {
    const t = await startTablet(c, 'customer', '0', 200);
    await loadCustomers(t);
    const r = new StreamReader(t, '', filterOf('customer', 'select * from customer'));
    const batches = await r.until(endsWith(VEventType.COPY_COMPLETED));
    await r.close();
    expect(batches.map(types)).toEqual(['BEGIN FIELD', 'GTID', 'ROW ROW ROW ROW ROW LASTPK COMMIT', 'BEGIN LASTPK COMMIT', 'COPY_COMPLETED']);
    for (const b of batches) for (const e of b) expect([e.keyspace, e.shard]).toEqual(['customer', '0']);

    const field = batches[0]![1]!.field_event!;
    expect(field.table_name).toBe('customer');
    expect(field.fields.map((f) => [f.name, f.type, f.table, f.org_table, f.database, f.org_name, f.column_length, f.charset, f.flags])).toEqual([
      ['customer_id', Type.INT64, 'customer', 'customer', 'vt_customer', 'customer_id', 20, 63, 49667],
      ['email', Type.VARBINARY, 'customer', 'customer', 'vt_customer', 'email', 128, 63, 128],
    ]);
    expect(batches[1]![0]!.gtid).toBe(t.position());

    const rows = batches[2]!.slice(0, 5);
    const first = rows[0]!.row_event!;
    expect(first.row_changes).toHaveLength(1);
    expect(first.row_changes[0]!.before).toBeNull();
    expect(first.row_changes[0]!.after!.lengths).toEqual([1, 16]);
    expect(Buffer.from(first.row_changes[0]!.after!.values).toString()).toBe('1alice@domain.com');
    expect(rows.map((e) => rowText(e.row_event!.row_changes[0]!.after))).toEqual(CUSTOMER_EMAILS.map((m, i) => [String(i + 1), m]));
    for (const e of rows) {
      expect(e.timestamp ?? 0).toBe(0);
      expect(e.row_event!.flags).toBe(0);
      expect(e.row_event!.table_name).toBe('customer');
    }

    const lastpk = batches[2]![5]!.last_p_k_event!;
    expect(lastpk.completed).toBe(false);
    expect(lastpk.table_last_p_k!.table_name).toBe('customer');
    expect(lastpk.table_last_p_k!.lastpk!.fields.map((f) => f.name)).toEqual(['customer_id']);
    expect(rowText(lastpk.table_last_p_k!.lastpk!.rows[0])).toEqual(['5']);
    expect(batches[3]![1]!.last_p_k_event).toEqual({ table_last_p_k: { table_name: 'customer', lastpk: null }, completed: true });
  });

  it('then streams the binlog from the snapshot position, with a fresh FIELD', async () => {
    const t = await startTablet(c, 'customer', '0', 200);
    await loadCustomers(t);
    const r = new StreamReader(t, '', filterOf('customer'));
    await r.until(endsWith(VEventType.COPY_COMPLETED));
    await exec(t, "insert into customer(email) values ('frank@domain.com')");
    const b = await r.next();
    await r.close();
    expect(types(b)).toBe('BEGIN FIELD ROW GTID COMMIT');
    expect(rowChanges([b])).toEqual([[null, ['6', 'frank@domain.com']]]);
    expect(b[3]!.gtid).toBe(t.position());
    expect(b[2]!.timestamp).toBe(Math.floor(c.clock.now() / 1000));
    expect(b[2]!.current_time).toBe(c.clock.nowNanos().toString());
  });

  // In process only: the writes must land while the stream waits between two batches, which holds
  // when the tablet makes each batch as the reader asks; a gRPC stream's buffers let it run ahead.
  it.skipIf(transport === 'grpc')('copies tables in name order, streaming the writes made between two tables as transactions', async () => {
    const t = await startTablet(c, 'commerce', '0', 100);
    await exec(t, 'create table b (id bigint primary key, v varchar(10))', 'create table a (id bigint primary key, v varchar(10))');
    await exec(t, "insert into a values (1, 'a1')", "insert into b values (1, 'b1')");
    const r = new StreamReader(t, '', filterOf('/.*'));
    const first = await r.until(endsWith(VEventType.COMMIT));
    expect(first.map(types)).toEqual(['BEGIN FIELD', 'GTID', 'ROW LASTPK COMMIT']);
    // While table a is being finished, table b gets rows and a gets an update.
    await exec(t, "insert into b values (2, 'b2')", "update a set v = 'a1+' where id = 1");
    const rest = await r.until(endsWith(VEventType.COPY_COMPLETED));
    await r.close();
    expect(rest.map(types)).toEqual([
      'BEGIN LASTPK COMMIT', // a done
      'BEGIN GTID COMMIT', // insert into b: b is copied later, so no rows
      'BEGIN FIELD ROW GTID COMMIT', // update of a: a is copied, so its change is streamed
      'BEGIN FIELD', // b: its snapshot is where the stream already is, so no GTID
      'ROW ROW LASTPK COMMIT',
      'BEGIN LASTPK COMMIT',
      'COPY_COMPLETED',
    ]);
    expect(rest[3]![1]!.field_event!.table_name).toBe('b');
    expect(rowChanges([rest[2]!])).toEqual([[['1', 'a1'], ['1', 'a1+']]]);
    expect(rowChanges([rest[4]!])).toEqual([[null, ['1', 'b1']], [null, ['2', 'b2']]]);
    expect(rest[2]![3]!.gtid).toBe(t.position());
  });

  it('copies only tables_to_copy; the other filtered tables are only streamed', async () => {
    const t = await startTablet(c, 'commerce', '0', 100);
    await exec(t, 'create table a (id bigint primary key)', 'create table b (id bigint primary key)', 'insert into a values (1)', 'insert into b values (1)');
    const r = new StreamReader(t, '', filterOf('/.*'), [], { internal_tables: [], config_overrides: {}, tables_to_copy: ['b'] });
    const copy = await r.until(endsWith(VEventType.COPY_COMPLETED));
    await exec(t, 'insert into a values (2)');
    const live = await r.next();
    await r.close();
    expect(copy.flat().filter((e) => e.type === VEventType.FIELD).map((e) => e.field_event!.table_name)).toEqual(['b']);
    expect(rowChanges([live])).toEqual([[null, ['2']]]);
  });

  it('splits a key range between two streams with the primary vindex (Reshard-style filters)', async () => {
    const t = await startTablet(c, 'customer', '0', 200);
    await exec(t, CUSTOMER_SCHEMA);
    await exec(t, `insert into customer(customer_id, email) values ${[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `(${i}, 'c${i}')`).join(', ')}`);
    await c.topo.saveVSchema('customer', CUSTOMER_VSCHEMA);
    await c.topo.rebuildSrvVSchema();
    const ids = async (spec: string) => {
      const r = new StreamReader(t, '', filterOf('/.*', spec));
      const batches = await r.until(endsWith(VEventType.COPY_COMPLETED));
      await r.close();
      expect(batches.map(types)[0]).toBe('BEGIN FIELD');
      return rowChanges(batches).map(([, after]) => Number(after![0]));
    };
    expect(await ids('-80')).toEqual([1, 2, 3, 5]);
    expect(await ids('80-')).toEqual([4, 6, 7, 8]);
  });

  it('copies each shard of a two-shard keyspace with an in_keyrange filter naming the vindex type', async () => {
    const left = await startTablet(c, 'customer', '-80', 300);
    const right = await startTablet(c, 'customer', '80-', 400);
    for (const [tablet, rows] of [[left, [1, 2, 3, 5]], [right, [4, 6]]] as const) {
      await exec(tablet, CUSTOMER_SCHEMA, `insert into customer(customer_id, email) values ${rows.map((i) => `(${i}, 'c${i}')`).join(', ')}`);
    }
    for (const [tablet, spec, want] of [[left, '-80', ['1', '2', '3', '5']], [right, '80-', ['4', '6']]] as const) {
      const r = new StreamReader(tablet, '', filterOf('customer', `select * from customer where in_keyrange(customer_id, 'hash', '${spec}')`));
      const batches = await r.until(endsWith(VEventType.COPY_COMPLETED));
      await r.close();
      expect(batches.map(types)).toEqual(['BEGIN FIELD', 'GTID', `${'ROW '.repeat(want.length)}LASTPK COMMIT`, 'BEGIN LASTPK COMMIT', 'COPY_COMPLETED']);
      expect(rowChanges(batches).map(([, a]) => a![0])).toEqual(want);
      expect(batches.flat().every((e) => e.shard === spec)).toBe(true);
    }
  });

  it('sends only the selected columns and the rows that pass the where clause', async () => {
    const t = await startTablet(c, 'customer', '0', 200);
    await loadCustomers(t);
    const r = new StreamReader(t, '', filterOf('customer', "select email, customer_id from customer where customer_id >= 2 and email != 'dan@domain.com'"));
    const batches = await r.until(endsWith(VEventType.COPY_COMPLETED));
    await r.close();
    expect(batches[0]![1]!.field_event!.fields.map((f) => f.name)).toEqual(['email', 'customer_id']);
    expect(rowChanges(batches).map(([, a]) => a)).toEqual([
      ['bob@domain.com', '2'],
      ['charlie@domain.com', '3'],
      ['eve@domain.com', '5'],
    ]);
  });

  it('sends keyspace_id() as a VARBINARY column', async () => {
    const t = await startTablet(c, 'customer', '0', 200);
    await loadCustomers(t);
    await c.topo.saveVSchema('customer', CUSTOMER_VSCHEMA);
    await c.topo.rebuildSrvVSchema();
    const r = new StreamReader(t, '', filterOf('customer', 'select customer_id, keyspace_id() from customer where customer_id = 4'));
    const batches = await r.until(endsWith(VEventType.COPY_COMPLETED));
    await r.close();
    const f = batches[0]![1]!.field_event!.fields[1]!;
    expect([f.name, f.type, f.flags, f.charset]).toEqual(['keyspace_id', Type.VARBINARY, MySqlFlag.BINARY_FLAG, 63]);
    const row = batches.flat().find((e) => e.type === VEventType.ROW)!.row_event!.row_changes[0]!.after!;
    expect(Buffer.from(row.values).subarray(1).toString('hex')).toBe('d2fd8867d50d2dfe');
  });
});

/** A consumer that applies every row change to its own copy of one table and fails on any duplicate or gap. */
class Replica {
  readonly rows = new Map<string, string | null>();
  gtid = '';
  lastpk: TableLastPK | null = null;

  apply(batches: VEvent[][]): void {
    for (const e of batches.flat()) {
      if (e.type === VEventType.GTID) this.gtid = e.gtid!;
      if (e.type === VEventType.LASTPK) this.lastpk = e.last_p_k_event!.completed ? null : e.last_p_k_event!.table_last_p_k!;
      if (e.type !== VEventType.ROW) continue;
      for (const ch of e.row_event!.row_changes) {
        const before = rowText(ch.before);
        const after = rowText(ch.after);
        if (before) {
          expect(this.rows.get(before[0]!), `before image of ${before[0]} as the client has it`).toBe(before[1]);
          this.rows.delete(before[0]!);
        }
        if (after) {
          expect(this.rows.has(after[0]!), `row ${after[0]} inserted twice`).toBe(false);
          this.rows.set(after[0]!, after[1]!);
        }
      }
    }
  }
}

async function tableRows(t: Tablet): Promise<Map<string, string | null>> {
  const res = await t.execute(targetOf(t), 'select id, v from t order by id', {}, 0);
  return new Map(res.rows.map((r) => [String(r[0]), r[1] === null ? null : String(r[1])]));
}

/** Runs the vstreamer directly on a tablet's mysqld with a tiny packet size. */
function smallPackets(t: Tablet, position: string, tableLastPKs: TableLastPK[], signal: AbortSignal): AsyncIterator<VEvent[]> {
  return streamVEvents(
    {
      mysqld: t.mysqld,
      keyspace: t.keyspace,
      shard: t.shard,
      dbName: t.dbName,
      sidecarDbName: t.sidecarDbName,
      clock: c.clock,
      vschema: () => new LocalVSchema(t.keyspace, null),
      packetSize: 8,
    },
    { target: targetOf(t), position, filter: filterOf('t'), table_last_p_ks: tableLastPKs },
    signal,
  )[Symbol.asyncIterator]();
}

async function readUntil(it: AsyncIterator<VEvent[]>, stop: (b: VEvent[]) => boolean): Promise<VEvent[][]> {
  const out: VEvent[][] = [];
  for (;;) {
    const r = await it.next();
    if (r.done) throw new Error('stream ended');
    out.push(r.value);
    if (stop(r.value)) return out;
  }
}

describe('resuming a copy', () => {
  it('splits the copy into packets and resumes mid-copy with every change delivered once', async () => {
    const t = await startTablet(c, 'commerce', '0', 100);
    await exec(t, 'create table t (id bigint primary key, v varchar(20))');
    await exec(t, `insert into t values ${Array.from({ length: 20 }, (_, i) => `(${i + 1}, 'v${i + 1}')`).join(', ')}`);
    const client = new Replica();

    const stop1 = new AbortController();
    const s1 = smallPackets(t, '', [], stop1.signal);
    const head = await readUntil(s1, endsWith(VEventType.COMMIT));
    const more = await readUntil(s1, endsWith(VEventType.COMMIT));
    stop1.abort();
    await s1.return?.();
    expect(head.map(types)).toEqual(['BEGIN FIELD', 'GTID', 'ROW ROW ROW LASTPK COMMIT']);
    client.apply([...head, ...more]);
    expect(rowText(client.lastpk!.lastpk!.rows[0])).toEqual(['6']);

    // Changes while the client is away: below, across and above its last PK.
    await exec(
      t,
      "update t set v = 'low' where id = 2",
      "update t set v = 'high' where id = 15",
      'delete from t where id = 3',
      'delete from t where id = 12',
      'update t set id = 100 where id = 4', // moves a copied row out of the copied range
      'update t set id = 3 where id = 16', // moves a row not copied yet into the copied range
    );
    await exec(t, "insert into t values (0, 'zero'), (30, 'thirty')");

    const stop2 = new AbortController();
    const s2 = smallPackets(t, client.gtid, [client.lastpk!], stop2.signal);
    const resumed = await readUntil(s2, endsWith(VEventType.COPY_COMPLETED));
    client.apply(resumed);
    await exec(t, "insert into t values (200, 'after')", 'delete from t where id = 1');
    client.apply(await readUntil(s2, endsWith(VEventType.COMMIT)));
    client.apply(await readUntil(s2, endsWith(VEventType.COMMIT)));
    stop2.abort();
    await s2.return?.();
    expect(client.rows).toEqual(await tableRows(t));
  });

  it('resumes from a streaming position with each later change once, in commit order', async () => {
    const t = await startTablet(c, 'commerce', '0', 100);
    await exec(t, 'create table t (id bigint primary key, v varchar(20))', "insert into t values (1, 'a')");
    const r1 = new StreamReader(t, '', filterOf('t'));
    await r1.until(endsWith(VEventType.COPY_COMPLETED));
    for (let i = 2; i <= 6; i++) await exec(t, `insert into t values (${i}, 'v${i}')`);
    const live = await r1.until((b) => rowChanges([b]).some(([, a]) => a?.[0] === '6'));
    await r1.close();
    const third = live[2]!;
    const resumeAt = third.find((e) => e.type === VEventType.GTID)!.gtid!;
    await exec(t, "update t set v = 'x' where id = 2");
    const r2 = new StreamReader(t, resumeAt, filterOf('t'));
    const again = await r2.until((b) => rowChanges([b]).some(([, a]) => a?.[1] === 'x'));
    await r2.close();
    expect(rowChanges(again)).toEqual([
      [null, ['5', 'v5']],
      [null, ['6', 'v6']],
      [['2', 'v2'], ['2', 'x']],
    ]);
  });

  it("copies only what a resumed copy still lacks: tables before the given one count as copied", async () => {
    const t = await startTablet(c, 'commerce', '0', 100);
    await exec(t, 'create table a (id bigint primary key)', 'create table b (id bigint primary key)', 'create table c (id bigint primary key)');
    await exec(t, 'insert into a values (1)', 'insert into b values (1), (2)', 'insert into c values (1)');
    const pos = t.position();
    const lastpk: TableLastPK = { table_name: 'b', lastpk: { fields: [], rows_affected: '0', insert_id: '0', rows: [{ lengths: [1], values: Buffer.from('1') }], info: '', session_state_changes: '', insert_id_changed: false } };
    const r = new StreamReader(t, pos, filterOf('/.*'), [lastpk]);
    const batches = await r.until(endsWith(VEventType.COPY_COMPLETED));
    await r.close();
    const copied = batches.flat().filter((e) => e.type === VEventType.FIELD).map((e) => e.field_event!.table_name);
    expect(copied).toEqual(['b', 'c']);
    expect(rowChanges(batches)).toEqual([[null, ['2']], [null, ['1']]]);
  });
});

describe('start errors', () => {
  it('rejects a table the database does not have, and a stream with nothing to do', async () => {
    const t = await startTablet(c, 'customer', '0', 200);
    await loadCustomers(t);
    const missing = await new StreamReader(t, '', filterOf('nosuch')).error();
    expect(missing).toBeInstanceOf(VtError);
    expect((missing as VtError).message).toBe('table nosuch is not present in the database');
    expect((missing as VtError).code).toBe(Code.INVALID_ARGUMENT);
    const nothing = await new StreamReader(t, '', filterOf('/^zzz$')).error();
    expect((nothing as VtError).message).toBe('stream needs a position or a table to copy');
  });

  it('rejects a key-range filter on a table without a vindex', async () => {
    const t = await startTablet(c, 'customer', '0', 200);
    await exec(t, CUSTOMER_SCHEMA, 'create table corder (id bigint primary key)', "insert into corder values (1)");
    await c.topo.saveVSchema('customer', CUSTOMER_VSCHEMA);
    await c.topo.rebuildSrvVSchema();
    const err = await new StreamReader(t, '', filterOf('corder', '-80')).error();
    expect((err as VtError).message).toBe('table corder has no vindex');
    expect((err as VtError).code).toBe(Code.INVALID_ARGUMENT);
  });
});
