import { Code, TabletType, VtError } from '@vtsim/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MiniCluster } from './mini-cluster.js';

let c: MiniCluster;
beforeEach(async () => {
  c = await MiniCluster.start();
  await c.vtctld.createKeyspace({ name: 'commerce', durability_policy: 'semi_sync' });
  await c.addTablets('commerce', '0', [100, 101, 102]);
  await c.exec(100, 'create table t (id bigint not null auto_increment, v varchar(20), primary key (id))');
  await c.exec(100, "insert into t (v) values ('one'), ('two')");
  await c.waitCaughtUp(100, [101, 102]);
});
afterEach(async () => {
  await c.close();
});

const alias = (uid: number) => ({ cell: 'zone1', uid });

async function rejection(p: Promise<unknown>): Promise<VtError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(VtError);
    return err as VtError;
  }
  throw new Error('expected a rejection');
}

async function types(): Promise<Record<number, string>> {
  const out: Record<number, string> = {};
  for (const t of (await c.vtctld.getTablets({ keyspace: 'commerce', shard: '0' })).tablets) out[t.alias.uid] = TabletType[t.type];
  return out;
}

describe('PlannedReparentShard', () => {
  it('moves the primary: old primary replicates from the new one, writes go to the new one, GTID sets converge', async () => {
    const res = await c.vtctld.plannedReparentShard({ keyspace: 'commerce', shard: '0', new_primary: alias(101) });
    expect(res.promoted_primary).toEqual(alias(101));
    expect(res.events.map((e) => e.value)).toContain('promoting tablet zone1-0000000101 to primary');
    expect((await c.vtctld.getShard({ keyspace: 'commerce', shard_name: '0' })).shard.shard.primary_alias).toEqual(alias(101));
    expect(await types()).toEqual({ 100: 'REPLICA', 101: 'PRIMARY', 102: 'RDONLY' });
    expect(c.tablet(101).type).toBe(TabletType.PRIMARY);
    expect(c.tablet(100).type).toBe(TabletType.REPLICA);

    await c.exec(101, "insert into t (v) values ('three')");
    await expect(c.tablet(100).execute({ keyspace: 'commerce', shard: '0', tablet_type: TabletType.PRIMARY, cell: 'zone1' }, "insert into t (v) values ('x')", {}, 0))
      .rejects.toThrow(/wrong tablet type/);
    await expect(c.exec(100, "insert into t (v) values ('x')")).rejects.toThrow(/super-read-only|read-only/);
    await c.waitCaughtUp(101, [100, 102]);
    for (const uid of [100, 102]) {
      expect((await c.exec(uid, 'select v from t order by id')).rows.map((r) => String(r[0]))).toEqual(['one', 'two', 'three']);
      expect(c.tablet(uid).mysqld.gtidExecuted().equals(c.tablet(101).mysqld.gtidExecuted())).toBe(true);
    }

    const status = (await c.vtctld.getFullStatus({ tablet_alias: alias(100) })).status;
    expect(status.super_read_only).toBe(true);
    expect(status.replication_status?.source_uuid).toBe(c.tablet(101).mysqld.serverUuid);
    expect(status.replication_status?.sql_state).toBe(3);
    expect(status.semi_sync_replica_enabled).toBe(true);
    const primary = (await c.vtctld.getFullStatus({ tablet_alias: alias(101) })).status;
    expect(primary.super_read_only).toBe(false);
    expect(primary.replication_status).toBeNull();
    expect(primary.primary_status?.position).toBe(c.tablet(101).position());
    expect(primary.semi_sync_primary_enabled).toBe(true);

    const back = await c.vtctld.plannedReparentShard({ keyspace: 'commerce', shard: '0' });
    expect(back.promoted_primary).toEqual(alias(100));
    expect(await types()).toEqual({ 100: 'PRIMARY', 101: 'REPLICA', 102: 'RDONLY' });
    await c.exec(100, "insert into t (v) values ('four')");
    await c.waitCaughtUp(100, [101, 102]);
  });

  it('keeps the current primary when asked to promote it, and refuses bad candidates', async () => {
    expect((await c.vtctld.plannedReparentShard({ keyspace: 'commerce', shard: '0', new_primary: alias(100) })).promoted_primary).toEqual(alias(100));
    expect((await rejection(c.vtctld.plannedReparentShard({ keyspace: 'commerce', shard: '0', new_primary: alias(102) }))).code).toBe(Code.FAILED_PRECONDITION);
    const outside = await rejection(c.vtctld.plannedReparentShard({ keyspace: 'commerce', shard: '0', new_primary: alias(200) }));
    expect(outside.code).toBe(Code.INVALID_ARGUMENT);
    expect(outside.message).toBe('primary-elect tablet zone1-0000000200 is not in the shard');
    expect((await rejection(c.vtctld.plannedReparentShard({ keyspace: 'commerce', shard: '0', new_primary: alias(101), expected_primary: alias(101) }))).code).toBe(Code.FAILED_PRECONDITION);
    expect((await rejection(c.vtctld.plannedReparentShard({ keyspace: 'commerce', shard: '9', new_primary: alias(101) }))).code).toBe(Code.NOT_FOUND);
    expect(await types()).toEqual({ 100: 'PRIMARY', 101: 'REPLICA', 102: 'RDONLY' });
  });

  it('gives up when the new primary cannot catch up, leaving the old primary writable', async () => {
    // A delayed replica still acknowledges (semi_sync), but has not applied the write when PRS waits.
    c.tablet(101).setReplicationDelay(3_600_000);
    await c.exec(100, "insert into t (v) values ('unreplicated')");
    const err = await rejection(c.vtctld.plannedReparentShard({ keyspace: 'commerce', shard: '0', new_primary: alias(101), wait_replicas_timeout: { seconds: 0, nanos: 200_000_000 } }));
    expect(err.code).toBe(Code.DEADLINE_EXCEEDED);
    expect(await types()).toEqual({ 100: 'PRIMARY', 101: 'REPLICA', 102: 'RDONLY' });
    await c.exec(100, "insert into t (v) values ('still writable')");
    c.tablet(101).setReplicationDelay(0);
    await c.waitCaughtUp(100, [101]);
    expect((await c.exec(101, 'select count(*) from t')).rows[0]![0]).toBe(4n);
  });
});

describe('EmergencyReparentShard', () => {
  /** Adds replica 111, lets it fall behind by one row, writes `behind` on the primary 100, then stops 100's vttablet. */
  async function laggingReplicaAndDeadPrimary(): Promise<void> {
    await c.addTablets('commerce', '0', [111]);
    await c.waitCaughtUp(100, [111]);
    await c.vtctld.stopReplication({ tablet_alias: alias(111) });
    await c.exec(100, "insert into t (v) values ('behind')");
    await c.waitCaughtUp(100, [101, 102]);
    await c.stopTablet(100);
    c.clock.advance(5000);
  }

  it('promotes the most advanced replica; the lagging one and the rdonly replicate from it; the old primary comes back as a REPLICA', async () => {
    await laggingReplicaAndDeadPrimary();
    const res = await c.vtctld.emergencyReparentShard({ keyspace: 'commerce', shard: '0' });
    expect(res.promoted_primary).toEqual(alias(101));
    const events = res.events.map((e) => e.value);
    expect(events).toContain('tablet zone1-0000000100 is not reachable; it is left out of the reparent');
    expect(events).toContain('promoting tablet zone1-0000000101 to primary');
    expect(events).toContain('setting replication source of tablet zone1-0000000111 to zone1-0000000101');
    const si = (await c.vtctld.getShard({ keyspace: 'commerce', shard_name: '0' })).shard.shard;
    expect(si.primary_alias).toEqual(alias(101));
    expect(si.primary_term_start_time?.seconds).toBe(Math.floor(c.clock.now() / 1000));
    expect(c.tablet(101).type).toBe(TabletType.PRIMARY);
    expect(c.tablet(111).type).toBe(TabletType.REPLICA);

    await c.exec(101, "insert into t (v) values ('after')");
    await c.waitCaughtUp(101, [102, 111]);
    for (const uid of [102, 111]) {
      expect((await c.exec(uid, 'select v from t order by id')).rows.map((r) => String(r[0]))).toEqual(['one', 'two', 'behind', 'after']);
    }

    const back = await c.restartTablet(100);
    expect(back.type).toBe(TabletType.REPLICA);
    expect(await types()).toEqual({ 100: 'REPLICA', 101: 'PRIMARY', 102: 'RDONLY', 111: 'REPLICA' });
    await expect(c.exec(100, "insert into t (v) values ('x')")).rejects.toThrow(/super-read-only|read-only/);
    await c.exec(101, "insert into t (v) values ('later')");
    await c.waitCaughtUp(101, [100]);
    expect((await c.exec(100, 'select v from t order by id')).rows.map((r) => String(r[0]))).toEqual(['one', 'two', 'behind', 'after', 'later']);
  });

  it('refuses a requested primary that is behind another replica, and promotes it when nothing is ahead of it', async () => {
    await laggingReplicaAndDeadPrimary();
    const behind = await rejection(c.vtctld.emergencyReparentShard({ keyspace: 'commerce', shard: '0', new_primary: alias(111) }));
    expect(behind.code).toBe(Code.FAILED_PRECONDITION);
    expect(behind.message).toMatch(/^primary elect zone1-0000000111 at position \S+ is not fully caught up\. Winning position: \S+$/);
    expect((await c.vtctld.getShard({ keyspace: 'commerce', shard_name: '0' })).shard.shard.primary_alias).toEqual(alias(100));
    expect((await rejection(c.vtctld.emergencyReparentShard({ keyspace: 'commerce', shard: '0', new_primary: alias(102) }))).code).toBe(Code.FAILED_PRECONDITION);
    expect((await rejection(c.vtctld.emergencyReparentShard({ keyspace: 'commerce', shard: '0', new_primary: alias(300) }))).code).toBe(Code.INVALID_ARGUMENT);

    // With 101 ignored, 111 is the most advanced, but under semi_sync it could reach no tablet that
    // acknowledges (102 is RDONLY): as filterValidCandidates, it is refused.
    const stuck = await rejection(c.vtctld.emergencyReparentShard({ keyspace: 'commerce', shard: '0', new_primary: alias(111), ignore_replicas: [alias(101)] }));
    expect(stuck.code).toBe(Code.ABORTED);
    expect(stuck.message).toBe('proposed primary zone1-0000000111 will not be able to make forward progress on being promoted');
    await c.vtctld.setKeyspaceDurabilityPolicy({ keyspace: 'commerce', durability_policy: 'none' });
    const ignored = await c.vtctld.emergencyReparentShard({ keyspace: 'commerce', shard: '0', new_primary: alias(111), ignore_replicas: [alias(101)] });
    expect(ignored.promoted_primary).toEqual(alias(111));
    expect(c.tablet(111).type).toBe(TabletType.PRIMARY);
  });

  it('never promotes a replica with errant GTIDs (FindErrantGTIDs), even when it is ahead of the others', async () => {
    await c.addTablets('commerce', '0', [111]);
    await c.waitCaughtUp(100, [111]);
    const r111 = c.tablet(111);
    await r111.setReadWrite();
    await c.exec(111, "insert into t (v) values ('errant')");
    await r111.setReadOnly();
    await c.stopTablet(100);
    for (const uid of [101, 102, 111]) await c.tablet(uid).stopReplication();
    const res = await c.vtctld.emergencyReparentShard({ keyspace: 'commerce', shard: '0' });
    expect(res.promoted_primary).toEqual(alias(101));
    const errant = `${r111.mysqld.serverUuid}:1`;
    expect(res.events.map((e) => e.value)).toContain(`skipping zone1-0000000111 with GTIDSet:${r111.mysqld.gtidExecuted().toString()} because we detected errant GTIDs - ${errant}`);
    const named = await rejection(c.vtctld.emergencyReparentShard({ keyspace: 'commerce', shard: '0', new_primary: alias(111) }));
    expect(named.code).toBe(Code.FAILED_PRECONDITION);
  });

  it('PlannedReparentShard fails with Vitess\'s error when the primary cannot be reached', async () => {
    await c.stopTablet(100);
    for (const req of [{ new_primary: alias(101) }, {}]) {
      const err = await rejection(c.vtctld.plannedReparentShard({ keyspace: 'commerce', shard: '0', ...req }));
      expect(err.code).toBe(Code.UNAVAILABLE);
      expect(err.message).toBe('failed to DemotePrimary on current primary zone1-0000000100: tablet zone1-0000000100 is not reachable');
    }
    expect(await types()).toEqual({ 100: 'PRIMARY', 101: 'REPLICA', 102: 'RDONLY' });
    // ERS cannot help either under semi_sync: 101's only reachable peer, 102, is RDONLY and sends no acks.
    const ers = await rejection(c.vtctld.emergencyReparentShard({ keyspace: 'commerce', shard: '0' }));
    expect(ers.code).toBe(Code.FAILED_PRECONDITION);
    expect(ers.message).toBe('no valid candidates for emergency reparent');
    await c.addTablets('commerce', '0', [111]);
    expect((await c.vtctld.emergencyReparentShard({ keyspace: 'commerce', shard: '0' })).promoted_primary).toEqual(alias(101));
  });
});

describe('InitShardPrimary', () => {
  it('needs --force to make a non-primary the primary, then reparents the shard to it', async () => {
    const refused = await rejection(c.vtctld.initShardPrimary({ keyspace: 'commerce', shard: '0', primary_elect_tablet_alias: alias(101) }));
    expect(refused.code).toBe(Code.FAILED_PRECONDITION);
    expect(refused.message).toBe('primary-elect tablet zone1-0000000101 is not the shard primary, use --force to proceed anyway');
    const res = await c.vtctld.initShardPrimary({ keyspace: 'commerce', shard: '0', primary_elect_tablet_alias: alias(101), force: true });
    expect(res.events.map((e) => e.value)).toContain('primary-elect tablet zone1-0000000101 is not the shard primary, proceeding anyway as --force was used');
    expect(await types()).toEqual({ 100: 'REPLICA', 101: 'PRIMARY', 102: 'RDONLY' });
    await c.exec(101, "insert into t (v) values ('three')");
    await c.waitCaughtUp(101, [100, 102]);
    expect((await c.exec(102, 'select count(*) from t')).rows[0]![0]).toBe(3n);
  });

  it('is a no-op success on the current primary and rejects tablets outside the shard', async () => {
    await c.vtctld.initShardPrimary({ keyspace: 'commerce', shard: '0', primary_elect_tablet_alias: alias(100), force: true });
    expect(await types()).toEqual({ 100: 'PRIMARY', 101: 'REPLICA', 102: 'RDONLY' });
    const outside = await rejection(c.vtctld.initShardPrimary({ keyspace: 'commerce', shard: '0', primary_elect_tablet_alias: alias(300), force: true }));
    expect(outside.code).toBe(Code.INVALID_ARGUMENT);
  });
});

describe('tablet actions', () => {
  it('changes types, toggles writability, and refuses to touch the primary that way', async () => {
    const changed = await c.vtctld.changeTabletType({ tablet_alias: alias(102), db_type: TabletType.REPLICA });
    expect([TabletType[changed.before_tablet.type], TabletType[changed.after_tablet.type]]).toEqual(['RDONLY', 'REPLICA']);
    expect(c.tablet(102).type).toBe(TabletType.REPLICA);
    expect((await rejection(c.vtctld.changeTabletType({ tablet_alias: alias(100), db_type: TabletType.REPLICA }))).code).toBe(Code.FAILED_PRECONDITION);
    expect((await rejection(c.vtctld.changeTabletType({ tablet_alias: alias(101), db_type: TabletType.PRIMARY }))).code).toBe(Code.INVALID_ARGUMENT);
    await c.vtctld.setWritable({ tablet_alias: alias(100), writable: false });
    await expect(c.exec(100, "insert into t (v) values ('x')")).rejects.toThrow();
    await c.vtctld.setWritable({ tablet_alias: alias(100), writable: true });
    await c.exec(100, "insert into t (v) values ('x')");
    const positions = await c.vtctld.shardReplicationPositions({ keyspace: 'commerce', shard: '0' });
    expect(Object.keys(positions.replication_statuses).sort()).toEqual(['zone1-0000000100', 'zone1-0000000101', 'zone1-0000000102']);
    await c.vtctld.refreshState({ tablet_alias: alias(101) });
    expect((await c.vtctld.refreshStateByShard({ keyspace: 'commerce', shard: '0' })).is_partial_refresh).toBe(false);
  });

  it('deletes tablet records, a primary only when allowed', async () => {
    expect((await rejection(c.vtctld.deleteTablets({ tablet_aliases: [alias(100)] }))).code).toBe(Code.FAILED_PRECONDITION);
    await c.vtctld.deleteTablets({ tablet_aliases: [alias(102)] });
    await c.vtctld.deleteTablets({ tablet_aliases: [alias(100)], allow_primary: true });
    const shard = (await c.vtctld.getShard({ keyspace: 'commerce', shard_name: '0' })).shard.shard;
    expect(shard.primary_alias).toBeNull();
    expect(shard.primary_term_start_time?.seconds).toBe(Math.floor(c.clock.now() / 1000));
    expect(Object.keys(await types())).toEqual(['101']);
  });
});
