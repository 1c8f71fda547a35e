/** Keyspace heartbeats: the primary's `_vt.heartbeat` writer and how tablet VStreams show its writes. */
import { TabletType, Type, VEventType } from '@vtsim/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tablet } from '../src/tablet.js';
import {
  StreamReader,
  closeCluster,
  endsWith,
  exec,
  filterOf,
  newCluster,
  rowChanges,
  startTablet,
  types,
  type Cluster,
} from './vstreamer-fixture.js';

const HEARTBEATS = { internal_tables: ['heartbeat'], config_overrides: {}, tables_to_copy: [] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Moves the manual clock on while heartbeats are written: a heartbeat with an unchanged time
 * changes no row, so MySQL logs nothing for it (no GTID, nothing to stream).
 */
function runClock(c: Cluster): () => void {
  const timer = setInterval(() => c.clock.advance(10), 5);
  return () => clearInterval(timer);
}

/** The batches of the next transaction that has a ROW event, skipping empty ones. */
async function nextRows(r: StreamReader) {
  for (;;) {
    const b = await r.next();
    if (b.some((e) => e.type === VEventType.ROW)) return b;
  }
}

let c: Cluster;
let primary: Tablet;
beforeEach(async () => {
  c = await newCluster();
  primary = await startTablet(c, 'customer', '0', 200, { heartbeatIntervalMs: 10 });
  await exec(primary, 'create table customer (id bigint primary key)');
});
afterEach(async () => {
  await closeCluster(c);
});

describe('heartbeat writer', () => {
  it('upserts keyspace:shard, the tablet uid and the time in ns as binlogged transactions of the primary', async () => {
    const r = new StreamReader(primary, primary.position(), filterOf('customer'), [], HEARTBEATS);
    const first = await nextRows(r);
    c.clock.advance(1500);
    const second = await nextRows(r);
    await r.close();
    expect(types(first)).toBe('BEGIN FIELD ROW GTID COMMIT');
    expect([first[1]!.field_event!.table_name, first[1]!.field_event!.is_internal_table]).toEqual(['heartbeat', true]);
    // As a Vitess tablet streams them (vitessio/vitess#16477 shows the FIELD event).
    expect(first[1]!.field_event!.fields.map((f) => [f.name, Type[f.type], f.database, f.flags])).toEqual([
      ['keyspaceShard', 'VARBINARY', '_vt', 20611],
      ['tabletUid', 'UINT32', '_vt', 36897],
      ['ts', 'UINT64', '_vt', 36897],
    ]);
    expect([first[2]!.row_event!.table_name, first[2]!.row_event!.is_internal_table]).toEqual(['heartbeat', true]);
    const t0 = BigInt(1_616_748_600_000) * 1_000_000n;
    expect(rowChanges([first])).toEqual([[null, ['customer:0', '200', String(t0)]]]);
    // The second write updates the same row (an upsert), 1.5 s later on the tablet's clock.
    expect(types(second)).toBe('BEGIN ROW GTID COMMIT');
    const [[before, after]] = rowChanges([second]);
    expect(before![0]).toBe('customer:0');
    expect(after).toEqual(['customer:0', '200', String(t0 + 1_500_000_000n)]);
    // Written by the primary with its own GTIDs.
    expect(primary.mysqld.gtidExecuted().toString()).toMatch(new RegExp(`^${primary.mysqld.serverUuid}:1-\\d+$`));
  });

  it('is not streamed without internal_tables, and only the primary writes (replicas apply its writes)', async () => {
    const replica = await startTablet(c, 'customer', '0', 201, { heartbeatIntervalMs: 10 });
    const stopClock = runClock(c);
    const r = new StreamReader(primary, primary.position(), filterOf('/.*'));
    const batches = [await r.next(), await r.next()];
    await r.close();
    stopClock();
    expect(batches.map(types)).toEqual(['BEGIN GTID COMMIT', 'BEGIN GTID COMMIT']);
    await replica.waitForPosition(primary.position(), 2000);
    // Every GTID the replica has comes from the primary.
    expect(replica.mysqld.gtidExecuted().toString()).toMatch(new RegExp(`^${primary.mysqld.serverUuid}:1-\\d+$`));
    const rows = await replica.executeFetchAsDba('select keyspaceShard, tabletUid from heartbeat', '_vt');
    expect(rows.rows.map((row) => [Buffer.from(row[0] as Uint8Array).toString(), String(row[1])])).toEqual([['customer:0', '200']]);
  });

  it('leaves heartbeats out of the copy phase catch-up, then streams them', async () => {
    await exec(primary, 'create table a (id bigint primary key)', 'insert into a values (1)', 'insert into customer values (1)');
    const r = new StreamReader(primary, '', filterOf('/.*'), [], HEARTBEATS);
    const first = await r.until(endsWith(VEventType.COMMIT));
    const stopClock = runClock(c);
    expect(first.map(types)).toEqual(['BEGIN FIELD', 'GTID', 'ROW LASTPK COMMIT']);
    // Heartbeats are written while table a is being copied; they fall in the catch-up before customer.
    const written = primary.mysqld.binlog.length;
    while (primary.mysqld.binlog.length < written + 3) await sleep(10);
    const copy = await r.until(endsWith(VEventType.COPY_COMPLETED));
    expect(copy.flat().filter((e) => e.type === VEventType.ROW).map((e) => e.row_event!.table_name)).toEqual(['customer']);
    expect(copy.some((b) => types(b) === 'BEGIN GTID COMMIT')).toBe(true);
    const live = await nextRows(r);
    await r.close();
    stopClock();
    expect(live.filter((e) => e.type === VEventType.ROW).map((e) => [e.row_event!.table_name, e.row_event!.is_internal_table])).toEqual([['heartbeat', true]]);
  });

  it('stops writing when the tablet closes, and while it is not a primary', async () => {
    const stopClock = runClock(c);
    await primary.changeType(TabletType.REPLICA);
    await sleep(30);
    const demoted = primary.mysqld.binlog.length;
    await sleep(50);
    expect(primary.mysqld.binlog.length).toBe(demoted);
    await primary.changeType(TabletType.PRIMARY);
    const promoted = primary.mysqld.binlog.length;
    while (primary.mysqld.binlog.length < promoted + 2) await sleep(10);
    await primary.close();
    const closed = primary.mysqld.binlog.length;
    await sleep(50);
    stopClock();
    expect(primary.mysqld.binlog.length).toBe(closed);
  });
});
