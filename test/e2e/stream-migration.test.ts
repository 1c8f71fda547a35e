// Issue 5's acceptance, end to end: the seed document's session (stream-migration.md) on the local
// example. The cluster runs in this process on free ports; the steps run through vtctld's
// operations exactly as the scripts call them, SQL goes through the real mysql client, and the
// VStream clients are gRPC clients built from the .proto files. Three clients attach to
// customer/0 after 205 — default flags, stop_on_reshard, include_reshard_journal_events — and
// watch 301–306.
import { decodePosition } from '@vtsim/binlog';
import { Code } from '@vtsim/proto';
import type { DecodedMessage } from '@vtsim/vtgate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeMysqlCli } from '../harness/mysql-cli.js';
import {
  SEED_INSERT, SeedCluster, attachSeedClients, firstDifference, gtidOf, rowText, seedRequest, seqOf, shape, shardsOf, source, transcript, types, vgtidOf, type SeedClient,
} from '../harness/seed-transcript.js';

describeMysqlCli('the seed document: VStreams on customer/0 across the reshard to -80, 80-', () => {
  let seed: SeedCluster;
  let plain: SeedClient;
  let stopping: SeedClient;
  let journaled: SeedClient;

  beforeAll(async () => {
    seed = await SeedCluster.start();
    ({ plain, stopping, journaled } = attachSeedClients(seed.grpc));
  }, 60_000);
  afterAll(async () => {
    for (const c of [plain, stopping, journaled]) await c?.close();
    await seed?.close();
  });

  it('copies customer/0 exactly as the document shows', async () => {
    for (const c of [plain, stopping, journaled]) {
      await c.receiving((r) => types(r).includes('COPY_COMPLETED'));
      const copy = await c.settle();
      expect(copy.map(shape)).toEqual(['[BEGIN FIELD]', '[VGTID]', '[ROW ROW ROW ROW ROW VGTID COMMIT]', '[BEGIN VGTID COMMIT]', '[COPY_COMPLETED COPY_COMPLETED]']);
      const field = copy[0]!.events[1].field_event;
      expect(field.table_name).toBe('customer.customer');
      expect(field.fields.map((f: DecodedMessage) => [f.name, f.type, f.flags])).toEqual([['customer_id', 'INT64', 49667], ['email', 'VARBINARY', 128]]);
      const rows = (copy[2]!.events as DecodedMessage[]).filter((e) => e.type === 'ROW').map((e) => rowText(e.row_event.row_changes[0].after));
      expect(rows).toEqual([['1', 'alice@domain.com'], ['2', 'bob@domain.com'], ['3', 'charlie@domain.com'], ['4', 'dan@domain.com'], ['5', 'eve@domain.com']]);
      const snapshot = vgtidOf(copy[1]!)!;
      expect(shardsOf(snapshot)).toEqual(['0']);
      expect(gtidOf(snapshot, '0')).toMatch(/^MySQL56\/[0-9a-f-]{36}:1-\d+$/);
      const lastpk = copy[2]!.events[5].vgtid.shard_gtids[0].table_p_ks[0];
      expect(lastpk.table_name).toBe('customer');
      expect(rowText(lastpk.lastpk.rows[0])).toEqual(['5']);
      expect(gtidOf(vgtidOf(copy[3]!)!, '0')).toBe(gtidOf(snapshot, '0'));
      expect(copy[3]!.events[1].vgtid.shard_gtids[0].table_p_ks).toEqual([]);
    }
  });

  it('301–304: [VGTID DDL] for the customer alter, [VGTID OTHER] for the corder alter, then nothing while reads switch', async () => {
    const before = gtidOf(vgtidOf(plain.responses.at(-2)!)!, '0')!;
    await seed.step301();
    await seed.step302();
    await seed.step303();
    await seed.step304();
    for (const c of [plain, stopping, journaled]) {
      const ddl = await c.settle();
      expect(ddl.map(shape)).toEqual(['[VGTID DDL]', '[VGTID OTHER]']);
      expect(ddl[0]!.events[1].statement).toBe('alter table customer change customer_id customer_id bigint not null');
      expect(seqOf(gtidOf(vgtidOf(ddl[0]!)!, '0')!)).toBe(seqOf(before) + 1);
      expect(seqOf(gtidOf(vgtidOf(ddl[1]!)!, '0')!)).toBe(seqOf(before) + 2);
    }
  });

  it('305: the plain client moves from 0 to -80 and 80- at the journal positions; the flagged ones see the journal', async () => {
    await seed.step305();
    const j = await seed.journal();
    const journalPos = Object.fromEntries(j.shard_gtids.map((s) => [s.shard, s.gtid]));
    expect(Object.keys(journalPos).sort()).toEqual(['-80', '80-']);

    const moved = await plain.settle();
    const firstNew = moved.findIndex((r) => source(r) !== '0');
    expect(firstNew).toBeGreaterThanOrEqual(0);
    for (const r of moved.slice(0, firstNew)) {
      expect(shape(r)).toBe('[BEGIN VGTID COMMIT]');
      expect(shardsOf(vgtidOf(r)!)).toEqual(['0']);
    }
    const after = moved.slice(firstNew);
    for (const r of after) {
      expect(['-80', '80-']).toContain(source(r));
      expect(shardsOf(vgtidOf(r)!).sort()).toEqual(['-80', '80-']);
      expect(types(r)).not.toContain('ROW');
      expect(types(r)).not.toContain('JOURNAL');
    }
    const first = vgtidOf(after[0]!)!;
    expect(shardsOf(first)).toEqual(j.shard_gtids.map((s) => s.shard));
    const silent = source(after[0]!) === '-80' ? '80-' : '-80';
    expect(gtidOf(first, silent)).toBe(journalPos[silent]);
    const own = source(after[0]!)!;
    expect(decodePosition(gtidOf(first, own)!).gtidSet.contains(decodePosition(journalPos[own]!).gtidSet)).toBe(true);

    const stopped = await stopping.settle(600);
    expect(stopped.map(shape).at(-1)).toBe('[BEGIN JOURNAL VGTID COMMIT]');
    expect(stopped.filter((r) => types(r).includes('JOURNAL'))).toHaveLength(1);
    const stopJournal = stopped.at(-1)!;
    expect(source(stopJournal)).toBe('0');
    expect(shardsOf(stopJournal.events[2].vgtid)).toEqual(['0']);
    expect(stopJournal.events[1].journal.id).toBe(j.id);
    await new Promise((r) => setTimeout(r, 700));
    expect(stopping.ended).toBe(true);
    expect(stopping.error).toBeUndefined();

    const withJournal = await journaled.settle();
    const jIndex = withJournal.findIndex((r) => types(r).includes('JOURNAL'));
    expect(shape(withJournal[jIndex]!)).toBe('[BEGIN JOURNAL VGTID COMMIT]');
    expect(withJournal.slice(jIndex + 1).length).toBeGreaterThan(0);
    for (const r of withJournal.slice(jIndex + 1)) expect(shardsOf(vgtidOf(r)!).sort()).toEqual(['-80', '80-']);
    expect(journaled.ended).toBe(false);
  });

  it('an insert of 6 and 7 through 15306 arrives once, from 80-, with a fresh FIELD (flags 53251) and two row changes', async () => {
    const previous = vgtidOf(plain.responses.at(-1)!)!;
    await seed.mysql(SEED_INSERT, 'customer');
    for (const c of [plain, journaled]) {
      const [tx, ...rest] = await c.settle();
      expect(rest).toEqual([]);
      expect(shape(tx!)).toBe('[BEGIN FIELD ROW VGTID COMMIT]');
      expect(source(tx!)).toBe('80-');
      const field = tx!.events[1].field_event;
      expect(field.fields.map((f: DecodedMessage) => [f.name, f.flags])).toEqual([['customer_id', 53251], ['email', 128]]);
      expect(tx!.events[2].row_event.row_changes.map((ch: DecodedMessage) => rowText(ch.after).join(''))).toEqual(['6rohit@planetscale.com', '7mlord@planetscale.com']);
      if (c === plain) {
        const now = vgtidOf(tx!)!;
        expect(gtidOf(now, '-80')).toBe(gtidOf(previous, '-80'));
        expect(gtidOf(now, '80-')).not.toBe(gtidOf(previous, '80-'));
      }
    }
  });

  it('a transcript keeps rows, journals and each shard\'s order, and abstracts only positions, times and the order across shards', () => {
    const t = transcript(plain);
    expect(t.at(-1)).toBe('open');
    expect(t.filter((l) => l.includes('"after":["6","rohit@planetscale.com"]'))).toHaveLength(1);
    expect(transcript(stopping).find((l) => l.includes('JOURNAL'))).toMatch(/"participants":\[\{"keyspace":"customer","shard":"0"\}\]/);
    expect(transcript(stopping).at(-1)).toBe('end: OK');
    // The two new shards' first responses, swapped: the same transcript.
    const i = plain.responses.findIndex((r) => source(r) !== '0');
    expect(source(plain.responses[i]!)).not.toBe(source(plain.responses[i + 1]!));
    const swapped = [...plain.responses];
    [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
    expect(firstDifference(transcript({ ...plain, responses: swapped }), t)).toBeUndefined();
    // A row value changed: the first difference names that event.
    const row = plain.responses.findIndex((r) => types(r).includes('ROW') && source(r) === '80-');
    const changed = plain.responses.map((r, n) => (n !== row ? r : {
      ...r,
      events: (r.events as DecodedMessage[]).map((e) => (e.type !== 'ROW' ? e : { ...e, row_event: { ...e.row_event, row_changes: [{ after: { lengths: ['1', '3'], values: Buffer.from('6bob') } }] } })),
    }));
    expect(firstDifference(transcript({ ...plain, responses: changed }), t)).toMatch(/expected: .*"6","rohit@planetscale.com".*\n {2}actual: {3}.*"6","bob"/);
  });

  it('GTID sets only grow, per shard, across each whole stream', () => {
    for (const c of [plain, stopping, journaled]) {
      const last = new Map<string, string>();
      for (const r of c.responses) {
        for (const e of r.events as DecodedMessage[]) {
          if (e.type !== 'VGTID') continue;
          for (const s of e.vgtid.shard_gtids as DecodedMessage[]) {
            const prev = last.get(s.shard);
            if (prev) expect(decodePosition(s.gtid).gtidSet.contains(decodePosition(prev).gtidSet), `${s.shard}: ${s.gtid} after ${prev}`).toBe(true);
            last.set(s.shard, s.gtid);
          }
        }
      }
      expect(last.size).toBeGreaterThan(0);
    }
  });

  it('resumes a pre-cutover VGTID on the old shard into the new ones, and fails with FAILED_PRECONDITION once 306 deleted it', async () => {
    const saved = vgtidOf(plain.responses.find((r) => shape(r) === '[VGTID OTHER]')!)!;
    const request = seedRequest({}, saved);
    const got: DecodedMessage[] = [];
    const abort = new AbortController();
    const reading = (async () => {
      for await (const r of seed.grpc.vstream(request, abort.signal)) got.push(r);
    })().catch(() => undefined);
    const deadline = Date.now() + 10_000;
    while (!got.some((r) => types(r).includes('ROW')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    await reading;
    const rows = got.filter((r) => types(r).includes('ROW'));
    expect(rows).toHaveLength(1);
    expect(source(rows[0]!)).toBe('80-');
    expect(got.some((r) => source(r) === '0')).toBe(true);

    await seed.step306();
    let error: (Error & { code?: number }) | undefined;
    try {
      for await (const _ of seed.grpc.vstream(request)) break;
    } catch (err) {
      error = err as Error & { code?: number };
    }
    expect(error?.code).toBe(Code.FAILED_PRECONDITION);
    expect(error?.message).toContain('shard provided in VGTID, 0, not found in the customer keyspace');
  });
});
