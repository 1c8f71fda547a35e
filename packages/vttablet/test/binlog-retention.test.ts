/** Binlog retention on real tablets: gtid_purged, a replica behind a purge, VStreams from purged and kept positions. */
import { Code, TabletType, VEventType, VtError } from '@vtsim/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tablet } from '../src/tablet.js';
import { StreamReader, closeCluster, endsWith, exec, filterOf, loadCustomers, newCluster, rowChanges, startTablet, targetOf, type Cluster } from './vstreamer-fixture.js';

const KEEP = 5;
const PURGED_TEXT = 'Cannot replicate because the source purged required binary logs. Replicate the missing transactions from elsewhere, or provision a new replica from backup.';

let c: Cluster;
let primary: Tablet;
beforeEach(async () => {
  c = await newCluster();
  primary = await startTablet(c, 'customer', '0', 100, { binlogRetention: { maxTransactions: KEEP } });
  await loadCustomers(primary);
});
afterEach(async () => {
  await closeCluster(c);
});

/** Inserts `n` customers, one transaction each. */
async function insertCustomers(t: Tablet, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await exec(t, `insert into customer(email) values ('c${i}@x')`);
}

async function selectValue(t: Tablet, sql: string): Promise<string> {
  const r = await t.execute(targetOf(t), sql, {}, 0);
  const v = r.rows[0]![0];
  return typeof v === 'string' ? v : Buffer.from(v as Uint8Array).toString('utf8');
}

describe('binlog retention on a tablet', () => {
  it('keeps the window, grows @@global.gtid_purged and leaves @@global.gtid_executed whole', async () => {
    await insertCustomers(primary, 3 * KEEP);
    const binlog = primary.mysqld.binlog;
    expect(binlog.length).toBe(KEEP);
    const executed = binlog.executed();
    const purged = binlog.purged();
    expect(executed.contains(purged)).toBe(true);
    expect(purged.equals(executed)).toBe(false);
    expect(await selectValue(primary, 'select @@global.gtid_purged')).toBe(purged.toString());
    expect(await selectValue(primary, 'select @@global.gtid_executed')).toBe(executed.toString());
    const count = await primary.execute(targetOf(primary), 'select count(*) from customer', {}, 0);
    expect(Number(count.rows[0]![0])).toBe(5 + 3 * KEEP);
  });

  it('a replica that falls behind a purge stops with error 1236 instead of skipping transactions', async () => {
    const replica = await startTablet(c, 'customer', '0', 101, { binlogRetention: { maxTransactions: KEEP } });
    expect(replica.type).toBe(TabletType.REPLICA);
    await replica.waitForPosition(primary.position(), 2000);
    await replica.stopReplication();
    const behind = replica.mysqld.gtidExecuted();
    await insertCustomers(primary, 2 * KEEP);
    await replica.startReplication();
    let status = await replica.getReplicationStatus();
    for (let i = 0; i < 100 && status?.last_error === ''; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      status = await replica.getReplicationStatus();
    }
    expect(status?.last_error).toBe(
      `Got fatal error 1236 from source when reading data from binary log: '${PURGED_TEXT} Consider increasing the source's binary log ` +
        `expiration period. The GTID set sent by the replica is '${behind.toString()}', and the missing transactions are ` +
        `'${primary.mysqld.binlog.purged().subtract(behind).toString()}'.'`,
    );
    expect(status?.io_running).toBe(false);
    expect(replica.mysqld.gtidExecuted().equals(behind)).toBe(true);
  });

  it('a VStream from a purged position fails with UNKNOWN and MySQL 1236 as Vitess reports it', async () => {
    const start = primary.position();
    const startSet = primary.mysqld.gtidExecuted();
    await insertCustomers(primary, 2 * KEEP);
    const r = new StreamReader(primary, start, filterOf('customer'));
    const err = await r.error();
    await r.close();
    expect(err).toBeInstanceOf(VtError);
    expect((err as VtError).code).toBe(Code.UNKNOWN);
    expect((err as VtError).message).toContain(`stream (at source tablet) error @ ${startSet.toString()}: ${PURGED_TEXT}`);
    expect((err as VtError).message).toMatch(/\(errno 1236\) \(sqlstate HY000\)$/);
  });

  it('a VStream from a kept position streams every transaction after it', async () => {
    await insertCustomers(primary, 2 * KEEP);
    const start = primary.position();
    await insertCustomers(primary, 2);
    const r = new StreamReader(primary, start, filterOf('customer'));
    const batches = await r.until(endsWith(VEventType.COMMIT));
    batches.push(...(await r.until(endsWith(VEventType.COMMIT))));
    await r.close();
    expect(rowChanges(batches)).toEqual([
      [null, ['16', 'c0@x']],
      [null, ['17', 'c1@x']],
    ]);
  });

  it('a VStream copy resumed from a last PK at a kept position finishes the copy after older transactions were purged', async () => {
    const first = new StreamReader(primary, '', filterOf('customer'));
    const copied = await first.until((b) => b.some((e) => e.type === VEventType.LASTPK));
    await first.close();
    expect(rowChanges(copied).map(([, after]) => after![0])).toEqual(['1', '2', '3', '4', '5']);
    const lastpk = copied.flat().find((e) => e.type === VEventType.LASTPK)!.last_p_k_event!.table_last_p_k!;
    await insertCustomers(primary, 2 * KEEP);
    expect(primary.mysqld.binlog.purged().isEmpty()).toBe(false);
    // The first stream's snapshot position is purged now; the resumed one starts from a kept position.
    const resumed = new StreamReader(primary, primary.position(), filterOf('customer'), [lastpk]);
    const batches = await resumed.until(endsWith(VEventType.COPY_COMPLETED));
    await resumed.close();
    expect(rowChanges(batches).map(([, after]) => after![0])).toEqual(['6', '7', '8', '9', '10', '11', '12', '13', '14', '15']);
  });
});
