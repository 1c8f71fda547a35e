// VTOrc on an in-process cluster (vtctld's MiniCluster): it replaces a dead primary with the most
// advanced replica within 5 s, leaves a primary whose mysqld still serves its replicas alone,
// repoints a replica replicating from the wrong source, elects a primary in a shard without one,
// and handles errant GTIDs as Vitess does.
import type { Logger } from '@vtsim/binlog';
import { TabletType, tabletAliasString } from '@vtsim/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MiniCluster } from '../../vtctld/test/mini-cluster.js';
import { Vtorc, type VtorcConfig } from '../src/index.js';

let c: MiniCluster;
let vtorc: Vtorc | undefined;
let logs: string[];
/** A Logger keeping each line's message in `logs`, whatever its level. */
const lineLogger: Logger = {
  debug: (msg) => void logs.push(msg),
  info: (msg) => void logs.push(msg),
  warn: (msg) => void logs.push(msg),
  error: (msg) => void logs.push(msg),
  child: () => lineLogger,
};

const alias = (uid: number) => ({ cell: 'zone1', uid });

beforeEach(async () => {
  c = await MiniCluster.start();
  await c.vtctld.createKeyspace({ name: 'commerce', durability_policy: 'semi_sync' });
  await c.addTablets('commerce', '0', [100, 101, 102, 111]);
  await c.exec(100, 'create table t (id bigint not null auto_increment, v varchar(20), primary key (id))');
  await c.exec(100, "insert into t (v) values ('one'), ('two')");
  await c.waitCaughtUp(100, [101, 102, 111]);
  logs = [];
});
afterEach(async () => {
  await vtorc?.close();
  vtorc = undefined;
  await c.close();
});

async function startVtorc(config: Partial<VtorcConfig> = {}): Promise<Vtorc> {
  vtorc = await Vtorc.start({
    topo: c.topo,
    tabletManagerDialer: (a) => c.tablets.get(tabletAliasString(a)),
    vtctld: c.vtctld,
    clock: c.clock,
    config: { instancePollTimeMs: 200, recoveryPollDurationMs: 200, ...config },
    logger: lineLogger,
  });
  return vtorc;
}

/** Resolves with the ms it took for `check` to hold; fails after `ms`. */
async function eventually(check: () => Promise<boolean> | boolean, ms: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > ms) throw new Error(`condition not met within ${ms} ms; log:\n${logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function shardPrimary(): Promise<string> {
  const p = (await c.topo.getShard('commerce', '0')).shard.primary_alias;
  return p ? tabletAliasString(p) : '';
}

async function sourceOf(uid: number): Promise<string> {
  const s = await c.tablet(uid).getReplicationStatus();
  return s?.source_alias && s.io_running ? tabletAliasString(s.source_alias) : '';
}

const rows = async (uid: number) => (await c.exec(uid, 'select v from t order by id')).rows.map((r) => String(r[0]));

describe('VTOrc', () => {
  it('replaces a dead primary with the most advanced replica within 5 s (the local example\'s 1 s polls) and repoints the others', async () => {
    await startVtorc({ instancePollTimeMs: 1000, recoveryPollDurationMs: 1000 });
    // 111 falls one row behind; then the primary dies: its vttablet stops and its replicas' IO threads fail.
    await c.tablet(111).stopReplication();
    await c.exec(100, "insert into t (v) values ('three')");
    await c.waitCaughtUp(100, [101, 102]);
    await c.stopTablet(100);
    for (const uid of [101, 102, 111]) await c.tablet(uid).stopReplication();

    const took = await eventually(async () => (await shardPrimary()) === 'zone1-0000000101', 5000);
    expect(took).toBeLessThan(5000);
    expect(c.tablet(101).type).toBe(TabletType.PRIMARY);
    await eventually(async () => (await sourceOf(102)) === 'zone1-0000000101' && (await sourceOf(111)) === 'zone1-0000000101', 2000);
    await c.exec(101, "insert into t (v) values ('four')");
    await c.waitCaughtUp(101, [102, 111]);
    for (const uid of [102, 111]) expect(await rows(uid)).toEqual(['one', 'two', 'three', 'four']);

    expect(logs).toContain('executeCheckAndRecoverFunction: proceeding with DeadPrimary detection on zone1-0000000100; isActionable?: true');
    expect(logs).toContain('Recovery for DeadPrimary on commerce/0: Analysis: DeadPrimary, RecoverDeadPrimary zone1-0000000100');
    expect(logs).toContain('Recovery for DeadPrimary on commerce/0: ERS - promoting tablet zone1-0000000101 to primary');
    expect(logs).toContain('Recovery for DeadPrimary on commerce/0: Recovery succeeded');
    const [recovery] = vtorc!.status().recoveries;
    expect(recovery).toMatchObject({ ID: 1, RecoveryName: 'RecoverDeadPrimary', SuccessorAlias: 'zone1-0000000101', IsSuccessful: true, AllErrors: [] });
    expect(recovery!.AnalysisEntry).toMatchObject({ Analysis: 'DeadPrimary', AnalyzedInstanceAlias: 'zone1-0000000100' });
    // Nothing further to repair: the dead primary's stale record is no longer the shard's primary.
    await new Promise((r) => setTimeout(r, 1500));
    expect(vtorc!.status().recoveries).toHaveLength(1);
    expect(vtorc!.replicationAnalysis()).toEqual([]);
  });

  it('a former primary back with a transaction its replicas never got replicates from the new primary and is reported with ErrantGTIDDetected', async () => {
    // Under semi_sync the primary commits, then waits for an acknowledgement no replica sends (their
    // replication is stopped); it dies meanwhile, the transaction in its data and nowhere else.
    for (const uid of [101, 102, 111]) await c.tablet(uid).stopReplication();
    const primary = c.tablet(100).mysqld;
    const gno = primary.gtidExecuted().lastGno(primary.serverUuid) + 1;
    const unacknowledged = c.exec(100, "insert into t (v) values ('unreplicated')").then(
      () => 'acknowledged',
      (err: Error) => err.message,
    );
    await eventually(() => primary.gtidExecuted().lastGno(primary.serverUuid) === gno, 1000);
    const lost = `${primary.serverUuid}:${gno}`;
    await c.killTablet(100);
    expect(await unacknowledged).toMatch(/Lost connection to MySQL server during query/);
    await startVtorc();
    await eventually(async () => (await shardPrimary()) === 'zone1-0000000101', 5000);
    c.clock.advance(2000);

    const back = await c.restartTablet(100);
    expect(back.type).toBe(TabletType.REPLICA);
    c.clock.advance(15_000); // VTOrc reads its new record at the next tablet refresh.
    await eventually(() => vtorc!.replicationAnalysis().some((a) => a.Analysis === 'ErrantGTIDDetected'), 3000);
    expect(vtorc!.replicationAnalysis()).toMatchObject([{ AnalyzedInstanceAlias: 'zone1-0000000100', Analysis: 'ErrantGTIDDetected', ErrantGTID: lost }]);
    expect(await sourceOf(100)).toBe('zone1-0000000101');
    expect(await rows(101)).toEqual(['one', 'two']);
  });

  it('does not fail over when only the primary\'s vttablet is down and its replicas still replicate', async () => {
    await startVtorc();
    await c.stopTablet(100);
    await eventually(() => vtorc!.replicationAnalysis().some((a) => a.Analysis === 'UnreachablePrimary'), 3000);
    await new Promise((r) => setTimeout(r, 800));
    expect(await shardPrimary()).toBe('zone1-0000000100');
    expect(vtorc!.status().recoveries).toEqual([]);
    expect(vtorc!.replicationAnalysis()).toMatchObject([{ AnalyzedInstanceAlias: 'zone1-0000000100', Analysis: 'UnreachablePrimary', CountValidReplicatingReplicas: 3 }]);
  });

  it('counts a tablet whose calls hang as unreachable after --remote-operation-timeout, without delaying the other polls', async () => {
    const hanging = new Set<string>();
    vtorc = await Vtorc.start({
      topo: c.topo,
      tabletManagerDialer: (a) => {
        const t = c.tablets.get(tabletAliasString(a));
        if (!t || !hanging.has(tabletAliasString(a))) return t;
        return new Proxy(t, { get: (target, prop) => (prop === 'fullStatus' ? () => new Promise(() => {}) : Reflect.get(target, prop, target)) });
      },
      vtctld: c.vtctld,
      clock: c.clock,
      config: { instancePollTimeMs: 100, recoveryPollDurationMs: 100, remoteOperationTimeoutMs: 400 },
      logger: lineLogger,
    });
    // Reached once, then its calls stop answering (a network partition).
    hanging.add('zone1-0000000100');
    await eventually(() => vtorc!.replicationAnalysis().some((a) => a.Analysis === 'UnreachablePrimary'), 3000);
    await c.tablet(101).setReadWrite();
    await eventually(() => c.tablet(101).mysqld.superReadOnly, 2000);
    expect(await shardPrimary()).toBe('zone1-0000000100');
  });

  it('repoints a replica replicating from the wrong source and makes a writable replica read-only', async () => {
    await startVtorc();
    await c.tablet(111).setReplicationSource(alias(101));
    await c.tablet(102).setReadWrite();
    await eventually(async () => (await sourceOf(111)) === 'zone1-0000000100' && c.tablet(102).mysqld.superReadOnly, 3000);
    expect(logs).toContain('Recovery for ConnectedToWrongPrimary on commerce/0: Analysis: ConnectedToWrongPrimary, will fix replica zone1-0000000111');
    expect(logs).toContain('Recovery for ReplicaIsWritable on commerce/0: Analysis: ReplicaIsWritable, will fix replica zone1-0000000102');
    await c.exec(100, "insert into t (v) values ('three')");
    await c.waitCaughtUp(100, [111]);
    expect(vtorc!.status().recoveries.map((r) => r.RecoveryName).sort()).toEqual(['FixReplica', 'FixReplica']);
  });

  it('makes a read-only primary writable and restarts stopped replication', async () => {
    await startVtorc();
    await c.tablet(100).setReadOnly();
    await c.tablet(101).stopReplication();
    await eventually(async () => !c.tablet(100).mysqld.superReadOnly && (await sourceOf(101)) === 'zone1-0000000100', 3000);
    const names = vtorc!.status().recoveries.map((r) => `${r.AnalysisEntry.Analysis}:${r.RecoveryName}`).sort();
    expect(names).toEqual(['PrimaryIsReadOnly:FixPrimary', 'ReplicationStopped:FixReplica']);
  });

  it('elects a primary in a shard that has none (ClusterHasNoPrimary → PlannedReparentShard)', async () => {
    await c.topo.updateShardFields('commerce', '0', (s) => {
      s.primary_alias = null;
      s.primary_term_start_time = null;
    });
    await c.tablet(100).changeType(TabletType.REPLICA);
    await startVtorc();
    await eventually(async () => (await shardPrimary()) !== '', 3000);
    const elected = await shardPrimary();
    expect(['zone1-0000000100', 'zone1-0000000101', 'zone1-0000000111']).toContain(elected);
    const uid = Number(elected.split('-')[1]);
    expect(c.tablet(uid).type).toBe(TabletType.PRIMARY);
    expect(logs).toContain('Recovery for ClusterHasNoPrimary on commerce/0: Analysis: ClusterHasNoPrimary, will elect a new primary for commerce:0');
    expect(vtorc!.status().recoveries[0]).toMatchObject({ RecoveryName: 'ElectNewPrimary', SuccessorAlias: elected, IsSuccessful: true });
    const others = [100, 101, 102, 111].filter((u) => u !== uid);
    await eventually(async () => (await Promise.all(others.map(sourceOf))).every((s) => s === elected), 3000);
    await c.exec(uid, "insert into t (v) values ('three')");
    await c.waitCaughtUp(uid, others);
  });

  it('replaces a deleted primary (PrimaryTabletDeleted → EmergencyReparentShard)', async () => {
    await startVtorc();
    await c.stopTablet(100);
    await c.vtctld.deleteTablets({ tablet_aliases: [alias(100)], allow_primary: true });
    // VTOrc learns of the deletion at its next tablet refresh (--topo-information-refresh-duration, 15 s).
    await new Promise((r) => setTimeout(r, 500));
    expect(vtorc!.status().recoveries).toEqual([]);
    c.clock.advance(15_000);
    await eventually(async () => ['zone1-0000000101', 'zone1-0000000111'].includes(await shardPrimary()), 3000);
    expect(vtorc!.status().recoveries[0]).toMatchObject({ RecoveryName: 'RecoverPrimaryTabletDeleted', IsSuccessful: true });
    expect(vtorc!.status().recoveries[0]!.AnalysisEntry.Analysis).toBe('PrimaryTabletDeleted');
  });

  it('only reports errant GTIDs by default, and drains the tablet with --change-tablets-with-errant-gtid-to-drained', async () => {
    const r111 = c.tablet(111);
    await r111.setReadWrite();
    await c.exec(111, "insert into t (v) values ('errant')");
    await r111.setReadOnly();
    const errant = `${r111.mysqld.serverUuid}:1`;

    await startVtorc();
    await eventually(() => vtorc!.replicationAnalysis().some((a) => a.Analysis === 'ErrantGTIDDetected'), 3000);
    expect(vtorc!.replicationAnalysis()).toMatchObject([{ AnalyzedInstanceAlias: 'zone1-0000000111', Analysis: 'ErrantGTIDDetected', ErrantGTID: errant }]);
    expect(logs).toContain(`VTOrc not configured to do anything on detecting errant GTIDs, skipping recovering ErrantGTIDDetected on zone1-0000000111: ${errant}`);
    await new Promise((r) => setTimeout(r, 500));
    expect(r111.type).toBe(TabletType.REPLICA);
    await vtorc!.close();

    await startVtorc({ changeTabletsWithErrantGtidToDrained: true });
    await eventually(() => r111.type === TabletType.DRAINED, 3000);
    expect(vtorc!.status().recoveries[0]).toMatchObject({ RecoveryName: 'RecoverErrantGTIDDetected', IsSuccessful: true });
    expect((await c.topo.getTablet(alias(111))).tablet.type).toBe(TabletType.DRAINED);
  });
});
