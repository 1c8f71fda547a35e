// Journal handling in vtgate's VStream (vstream-semantics.md §2.6): a reshard's journal, written
// here by hand into `_vt.resharding_journal` on the source primaries exactly as SwitchTraffic
// writes it, moves a stream from the journal's participants to its target shards. The cases of
// Vitess's vstream_manager_test.go (OneToMany, ManyToOne, NoMatch, PartialMatch), the two flags
// (stop_on_reshard, include_reshard_journal_events) and resume across a reshard, on real tablets.
import { decodePosition, noopLogger, type LogFields, type Logger } from '@vtsim/binlog';
import { Code, MigrationType, VEventType, type Journal, type ShardGtid, type VGtid, type VStreamResponse } from '@vtsim/proto';
import { formatJournal, type Tablet } from '@vtsim/vttablet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOP_ON_RESHARD_DELAY_MS, VStreamManager } from '../src/vstream/index.js';
import { StreamReader, lastVGtid, rowEvents, rowText, shape, sourceOf, vstreamRequest } from './vstream-fixture.js';
import { TestCluster } from './vtgate-fixture.js';

const RULES = [{ match: 'customer', filter: 'select * from customer' }];
const VSCHEMA = {
  sharded: true,
  vindexes: { hash: { type: 'hash' } },
  tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] } },
};
const SCHEMA = 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id))';

/** A cluster with customer/0 (the old shard), -80 and 80- (the new ones), each with a primary and a replica. */
async function customerCluster(): Promise<TestCluster> {
  const c = await TestCluster.create();
  await c.addShard('customer', '0', [200, 201]);
  await c.addShard('customer', '-80', [300, 301]);
  await c.addShard('customer', '80-', [400, 401]);
  await c.applyVSchema('customer', VSCHEMA);
  for (const shard of ['0', '-80', '80-']) await primary(c, shard).executeFetchAsDba(SCHEMA);
  return c;
}

function primary(c: TestCluster, shard: string): Tablet {
  return [...c.tablets.values()].find((t) => t.shard === shard && t.alias.uid % 100 === 0)!;
}

async function insert(c: TestCluster, shard: string, id: number): Promise<void> {
  await primary(c, shard).executeFetchAsDba(`insert into customer(customer_id, email) values (${id}, 'c${id}@domain.com')`);
}

/** Writes a journal row on a source primary, as SwitchTraffic's createJournals does. */
async function writeJournal(c: TestCluster, shard: string, journal: Partial<Journal>): Promise<void> {
  const full: Journal = {
    id: '1',
    migration_type: MigrationType.SHARDS,
    tables: [],
    local_position: primary(c, shard).position(),
    shard_gtids: [],
    participants: [],
    source_workflows: [],
    ...journal,
  };
  await primary(c, shard).executeFetchAsDba(
    `insert into resharding_journal(id, db_name, val) values (${full.id}, 'vt_customer', '${formatJournal(full)}')`,
    '_vt',
  );
}

function target(c: TestCluster, shard: string): ShardGtid {
  return { keyspace: 'customer', shard, gtid: primary(c, shard).position(), table_p_ks: [] };
}

function shardsOf(vgtid: VGtid): string[] {
  return vgtid.shard_gtids.map((s) => s.shard);
}

function vgtidEvents(responses: readonly VStreamResponse[]): VGtid[] {
  return responses.flatMap((r) => r.events.filter((e) => e.type === VEventType.VGTID).map((e) => e.vgtid!));
}

/** Reads until ROWs whose first columns are `ids` have all arrived. */
function untilRow(reader: StreamReader, ...ids: string[]): Promise<VStreamResponse[]> {
  const missing = new Set(ids);
  return reader.until((r) => {
    for (const e of rowEvents([r])) for (const ch of e.row_event!.row_changes) if (ch.after) missing.delete(rowText(ch.after)[0]!);
    return missing.size === 0;
  });
}

/** Check: across the responses, each shard's GTID set only grows (every VGTID's set contains the previous one). */
function expectGtidsGrow(responses: readonly VStreamResponse[]): void {
  const last = new Map<string, string>();
  for (const v of vgtidEvents(responses)) {
    for (const s of v.shard_gtids) {
      const prev = last.get(s.shard);
      if (prev && s.gtid.startsWith('MySQL56/')) {
        expect(decodePosition(s.gtid).gtidSet.contains(decodePosition(prev).gtidSet), `${s.shard}: ${s.gtid} after ${prev}`).toBe(true);
      }
      if (s.gtid.startsWith('MySQL56/')) last.set(s.shard, s.gtid);
    }
  }
}

describe('VStream journals on real tablets', () => {
  let c: TestCluster;
  let manager: VStreamManager;
  /** The `vstream moved …` lines the streams log. */
  const moved: LogFields[] = [];
  const moves: Logger = { ...noopLogger, info: (msg, fields) => void (msg.startsWith('vstream moved') && moved.push(fields!)) };
  const readers: StreamReader[] = [];
  const open = (...args: Parameters<typeof vstreamRequest>): StreamReader => {
    const reader = new StreamReader((signal) => manager.vstream(vstreamRequest(...args), signal));
    readers.push(reader);
    return reader;
  };
  let nextId = 1000;
  let nextJournal = 1;
  const id = () => nextId++;
  const journalId = () => String(nextJournal++);

  beforeAll(async () => {
    c = await customerCluster();
    manager = new VStreamManager({ topo: c.topo, cell: 'zone1', dialer: c.dialer, clock: c.clock, tabletPicker: { retryMs: 20, timeoutMs: 5000 }, logger: moves });
  });
  afterAll(async () => {
    for (const r of readers) await r.close();
    await c.close();
  });

  it('OneToMany: 0 → 80-,-80 at the journal positions, shards appended in journal order, FIELD sent again, no JOURNAL', async () => {
    const reader = open([{ keyspace: 'customer', shard: '0', gtid: 'current' }], { rules: RULES });
    await reader.take(1);
    const before = id();
    await insert(c, '0', before);
    const [tx] = await untilRow(reader, String(before));
    expect(shape(tx!)).toBe('[BEGIN FIELD ROW VGTID COMMIT]');

    const hiddenLow = 1; // hash(1) is in -80
    const hiddenHigh = 4; // hash(4) is in 80-
    await insert(c, '-80', hiddenLow);
    await insert(c, '80-', hiddenHigh);
    const targets = [target(c, '80-'), target(c, '-80')];
    await writeJournal(c, '0', { id: journalId(), shard_gtids: targets, participants: [{ keyspace: 'customer', shard: '0' }] });
    const low = 2;
    const high = 6;
    await insert(c, '-80', low);
    await insert(c, '80-', high);

    const all = await untilRow(reader, String(low), String(high));
    expectGtidsGrow(reader.received);
    expect(all.flatMap((r) => r.events).some((e) => e.type === VEventType.JOURNAL)).toBe(false);
    for (const v of vgtidEvents(all)) expect(shardsOf(v)).toEqual(['80-', '-80']);
    const rows = rowEvents(all).flatMap((e) => e.row_event!.row_changes.map((ch) => rowText(ch.after!)[0]));
    expect(rows.sort()).toEqual([String(low), String(high)].sort());
    for (const shard of ['-80', '80-']) {
      const mine = all.filter((r) => sourceOf(r) === `customer/${shard}`);
      const withRow = mine.find((r) => r.events.some((e) => e.type === VEventType.ROW))!;
      expect(shape(withRow)).toBe('[BEGIN FIELD ROW VGTID COMMIT]');
      expect(withRow.events[1]!.field_event!.table_name).toBe('customer.customer');
    }
    const first = vgtidEvents(all)[0]!;
    const firstSource = sourceOf(all[0]!).split('/')[1];
    const other = firstSource === '-80' ? '80-' : '-80';
    expect(first.shard_gtids.find((s) => s.shard === other)!.gtid).toBe(targets.find((t) => t.shard === other)!.gtid);

    // vtgate's registry shows the stream on its new shards, at the positions its client last got.
    const [status] = manager.streamStatus();
    const last = lastVGtid(all)!;
    expect(status!.shards.map((s) => [s.shard, s.gtid])).toEqual(last.shard_gtids.map((s) => [s.shard, s.gtid]));
    expect(status!.eventsSent).toBe(reader.received.reduce((n, r) => n + r.events.length, 0));
    expect(status!.filter.rules).toEqual(RULES);
    expect(moved).toEqual([{ vstream: status!.id, journal_id: '1', from: ['customer/0'], to: ['customer/80-', 'customer/-80'] }]);
  });

  it('ManyToOne: -80 and 80- both reach the journal, then 0 streams from its journal position', async () => {
    const reader = open(
      [
        { keyspace: 'customer', shard: '-80', gtid: 'current' },
        { keyspace: 'customer', shard: '80-', gtid: 'current' },
      ],
      { rules: RULES },
    );
    await reader.take(2);
    const jid = journalId();
    const to = [target(c, '0')];
    const participants = [{ keyspace: 'customer', shard: '-80' }, { keyspace: 'customer', shard: '80-' }];
    await writeJournal(c, '-80', { id: jid, shard_gtids: to, participants });
    // Only one participant has reached the journal: nothing moves, 80- keeps streaming.
    const high = 14; // hash(14) is in 80-
    await insert(c, '80-', high);
    const [fromHigh] = await untilRow(reader, String(high));
    expect(sourceOf(fromHigh!)).toBe('customer/80-');
    expect(shardsOf(lastVGtid([fromHigh!])!)).toEqual(['-80', '80-']);

    await writeJournal(c, '80-', { id: jid, shard_gtids: to, participants });
    const merged = id();
    await insert(c, '0', merged);
    const after = await untilRow(reader, String(merged));
    for (const r of after) expect(sourceOf(r)).toBe('customer/0');
    for (const v of vgtidEvents(after)) expect(shardsOf(v)).toEqual(['0']);
    expect(shape(after.at(-1)!)).toBe('[BEGIN FIELD ROW VGTID COMMIT]');
  });

  it('migrates again on a later journal with the same id (a reshard back and forth with the same target streams)', async () => {
    const reader = open([{ keyspace: 'customer', shard: '0', gtid: 'current' }], { rules: RULES });
    await reader.take(1);
    const jid = journalId();
    await writeJournal(c, '0', { id: jid, shard_gtids: [target(c, '-80'), target(c, '80-')], participants: [{ keyspace: 'customer', shard: '0' }] });
    const participants = [{ keyspace: 'customer', shard: '-80' }, { keyspace: 'customer', shard: '80-' }];
    const back = { id: jid, shard_gtids: [target(c, '0')], participants };
    await writeJournal(c, '-80', back);
    await writeJournal(c, '80-', back);
    const again = id();
    await insert(c, '0', again);
    const responses = await untilRow(reader, String(again));
    expect(shardsOf(lastVGtid(responses)!)).toEqual(['0']);
    expect(sourceOf(responses.at(-1)!)).toBe('customer/0');
  });

  it('NoMatch: a TABLES journal and a SHARDS journal of other shards are ignored; their transactions stay [BEGIN VGTID COMMIT]', async () => {
    const reader = open([{ keyspace: 'customer', shard: '0', gtid: 'current' }], { rules: RULES });
    await reader.take(1);
    await writeJournal(c, '0', { id: journalId(), migration_type: MigrationType.TABLES, tables: ['customer'], shard_gtids: [target(c, '-80')], participants: [{ keyspace: 'customer', shard: '0' }] });
    await writeJournal(c, '0', {
      id: journalId(),
      shard_gtids: [target(c, '-80')],
      participants: [{ keyspace: 'customer', shard: 'c0-e0' }, { keyspace: 'customer', shard: 'e0-' }],
    });
    const later = id();
    await insert(c, '0', later);
    const responses = await untilRow(reader, String(later));
    expect(responses.map(shape)).toEqual(['[BEGIN VGTID COMMIT]', '[BEGIN VGTID COMMIT]', '[BEGIN FIELD ROW VGTID COMMIT]']);
    for (const v of vgtidEvents(responses)) expect(shardsOf(v)).toEqual(['0']);
  });

  it('PartialMatch: a journal only some of whose participants are streamed ends the stream with INTERNAL', async () => {
    for (const participants of [
      [{ keyspace: 'customer', shard: '80-' }, { keyspace: 'customer', shard: '0' }],
      [{ keyspace: 'customer', shard: '0' }, { keyspace: 'customer', shard: '80-' }],
    ]) {
      const reader = open([{ keyspace: 'customer', shard: '0', gtid: 'current' }], { rules: RULES });
      await reader.take(1);
      await writeJournal(c, '0', { id: journalId(), shard_gtids: [target(c, '-80')], participants });
      const err = await reader.next().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: Code.INTERNAL });
      expect((err as Error).message).toContain('not all journaling participants are in the stream');
    }
  });

  it('stop_on_reshard: each old shard delivers [BEGIN, JOURNAL, VGTID, COMMIT], then the stream ends normally after the delay', async () => {
    const reader = open(
      [
        { keyspace: 'customer', shard: '-80', gtid: 'current' },
        { keyspace: 'customer', shard: '80-', gtid: 'current' },
      ],
      { rules: RULES, flags: { stop_on_reshard: true } },
    );
    await reader.take(2);
    const jid = journalId();
    const participants = [{ keyspace: 'customer', shard: '-80' }, { keyspace: 'customer', shard: '80-' }];
    const journal = { id: jid, shard_gtids: [target(c, '0')], participants };
    await writeJournal(c, '-80', journal);
    await writeJournal(c, '80-', journal);
    const started = performance.now();
    const journals = await reader.take(2);
    for (const r of journals) {
      expect(shape(r)).toBe('[BEGIN JOURNAL VGTID COMMIT]');
      expect(r.events[1]!.journal!.id).toBe(jid);
      expect(shardsOf(r.events[2]!.vgtid!)).toEqual(['-80', '80-']);
    }
    expect(journals.map(sourceOf).sort()).toEqual(['customer/-80', 'customer/80-']);
    await expect(reader.next()).rejects.toThrow('stream ended');
    expect(performance.now() - started).toBeGreaterThanOrEqual(STOP_ON_RESHARD_DELAY_MS - 50);
  });

  it('include_reshard_journal_events: the journal response, then streaming goes on from the new shards', async () => {
    const reader = open([{ keyspace: 'customer', shard: '0', gtid: 'current' }], { rules: RULES, flags: { include_reshard_journal_events: true } });
    await reader.take(1);
    const jid = journalId();
    const before = primary(c, '0').position();
    await writeJournal(c, '0', { id: jid, shard_gtids: [target(c, '-80'), target(c, '80-')], participants: [{ keyspace: 'customer', shard: '0' }] });
    const [journal] = await reader.take(1);
    expect(shape(journal!)).toBe('[BEGIN JOURNAL VGTID COMMIT]');
    const journalVgtid = journal!.events[2]!.vgtid!;
    expect(shardsOf(journalVgtid)).toEqual(['0']);
    expect(journalVgtid.shard_gtids[0]!.gtid).not.toBe(before);
    const low = 3;
    await insert(c, '-80', low);
    const after = await untilRow(reader, String(low));
    for (const v of vgtidEvents(after)) expect(shardsOf(v)).toEqual(['-80', '80-']);
  });
});

describe('VStream resume across a reshard', () => {
  it('resumes old shards from a saved VGTID up to the journal, migrates, and fails with FAILED_PRECONDITION once they are deleted', async () => {
    await using c = await customerCluster();
    const manager = new VStreamManager({ topo: c.topo, cell: 'zone1', dialer: c.dialer, clock: c.clock, tabletPicker: { retryMs: 20, timeoutMs: 5000 } });
    const first = new StreamReader((signal) => manager.vstream(vstreamRequest([{ keyspace: 'customer', shard: '0', gtid: 'current' }], { rules: RULES }), signal));
    await first.take(1);
    await insert(c, '0', 100);
    const saved = lastVGtid(await untilRow(first, '100'))!;
    await first.close();

    // While the client is away: more writes on 0, then the cut-over and writes on the new shards.
    await insert(c, '0', 101);
    const targets = [target(c, '-80'), target(c, '80-')];
    await writeJournal(c, '0', { id: '77', shard_gtids: targets, participants: [{ keyspace: 'customer', shard: '0' }] });
    await c.topo.updateShardFields('customer', '0', (s) => void (s.is_primary_serving = false));
    for (const shard of ['-80', '80-']) await c.topo.updateShardFields('customer', shard, (s) => void (s.is_primary_serving = true));
    await insert(c, '80-', 6);

    const resumed = new StreamReader((signal) => manager.vstream(vstreamRequest(saved.shard_gtids, { rules: RULES }), signal));
    const replay = await untilRow(resumed, '6');
    await resumed.close();
    const rows = rowEvents(replay).map((e) => rowText(e.row_event!.row_changes[0]!.after!)[0]);
    expect(rows).toEqual(['101', '6']);
    expect(sourceOf(replay.find((r) => rowEvents([r]).length > 0)!)).toBe('customer/0');
    expect(shardsOf(lastVGtid(replay)!)).toEqual(['-80', '80-']);
    expectGtidsGrow(replay);

    await c.topo.deleteShard('customer', '0');
    const gone = new StreamReader((signal) => manager.vstream(vstreamRequest(saved.shard_gtids, { rules: RULES }), signal));
    const err = await gone.next().catch((e: unknown) => e);
    await gone.close();
    expect(err).toMatchObject({ code: Code.FAILED_PRECONDITION });
    expect((err as Error).message).toContain('shard provided in VGTID, 0, not found in the customer keyspace');
  });
});
