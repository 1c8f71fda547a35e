// The replication analysis as a pure function: instance states in, Vitess's analysis codes out.
import { GtidSet } from '@vtsim/binlog';
import { TabletType, type TabletAlias } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { analyzeShard, parseVtorcFlags, recoveryFor, DEFAULT_VTORC_CONFIG, type Instance, type ReplicationAnalysis } from '../src/index.js';

const P = '00000000-0000-0000-0000-000000000100';
const R1 = '00000000-0000-0000-0000-000000000101';
const R2 = '00000000-0000-0000-0000-000000000102';
const OLD = '00000000-0000-0000-0000-000000000099';

const alias = (uid: number): TabletAlias => ({ cell: 'zone1', uid });

interface Spec {
  type?: TabletType;
  term?: number;
  /** Never reached by VTOrc. */
  invalid?: boolean;
  /** The latest poll failed. */
  down?: boolean;
  source?: number | null;
  executed?: string;
  readOnly?: boolean;
  running?: boolean;
  uuid?: string;
  lag?: number;
}

function inst(uid: number, s: Spec = {}): Instance {
  const type = s.type ?? TabletType.REPLICA;
  return {
    tablet: {
      alias: alias(uid),
      hostname: 'localhost',
      port_map: {},
      keyspace: 'ks',
      shard: '0',
      key_range: null,
      type,
      db_name_override: '',
      mysql_hostname: 'localhost',
      mysql_port: 17000 + uid,
      primary_term_start_time: s.term ? { seconds: s.term, nanoseconds: 0 } : null,
      default_conn_collation: 255,
    },
    status: s.invalid
      ? undefined
      : {
          serverUuid: s.uuid ?? `00000000-0000-0000-0000-000000000${uid}`,
          executed: GtidSet.parse(s.executed ?? `${P}:1-10`),
          readOnly: s.readOnly ?? type !== TabletType.PRIMARY,
          source: s.source === undefined ? (type === TabletType.PRIMARY ? null : alias(100)) : s.source === null ? null : alias(s.source),
          sourceUuid: s.source === null || type === TabletType.PRIMARY ? '' : P,
          ioRunning: s.running ?? type !== TabletType.PRIMARY,
          sqlRunning: s.running ?? type !== TabletType.PRIMARY,
          lastIoError: '',
          replicationLagSeconds: s.lag ?? 0,
        },
    lastCheckValid: !s.invalid && !s.down,
  };
}

const primary = (s: Spec = {}): Instance => inst(100, { type: TabletType.PRIMARY, term: 1000, ...s });

function analyze(instances: Instance[], shard: { primaryAlias?: string; term?: number } = {}): ReplicationAnalysis[] {
  return analyzeShard(
    { keyspace: 'ks', shard: '0', primaryAlias: shard.primaryAlias ?? 'zone1-0000000100', primaryTermStartSeconds: shard.term ?? 1000, instances },
    { reasonableReplicationLagSeconds: 10 },
  );
}

function codes(result: ReplicationAnalysis[]): Record<string, string> {
  return Object.fromEntries(result.map((a) => [a.AnalyzedInstanceAlias, a.Analysis]));
}

describe('analyzeShard', () => {
  it('finds nothing in a healthy shard, primary first', () => {
    const result = analyze([inst(101), primary(), inst(102, { type: TabletType.RDONLY })]);
    expect(result.map((a) => a.AnalyzedInstanceAlias)).toEqual(['zone1-0000000100', 'zone1-0000000101', 'zone1-0000000102']);
    expect(codes(result)).toEqual({ 'zone1-0000000100': 'NoProblem', 'zone1-0000000101': 'NoProblem', 'zone1-0000000102': 'NoProblem' });
    expect(result[0]).toMatchObject({ IsClusterPrimary: true, IsPrimary: true, CountReplicas: 2, CountValidReplicas: 2, CountValidReplicatingReplicas: 2 });
  });

  it('DeadPrimary: primary unreachable and none of its replicas replicating; the shard-wide action stops the analysis', () => {
    const result = analyze([primary({ down: true }), inst(101, { running: false }), inst(102, { type: TabletType.RDONLY, running: false })]);
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ AnalyzedInstanceAlias: 'zone1-0000000100', Analysis: 'DeadPrimary', HasShardWideAction: true, CountReplicas: 2, CountValidReplicas: 2, CountValidReplicatingReplicas: 0 });
    expect(result[0]!.Description).toBe('Primary cannot be reached by vtorc and none of its replicas is replicating');
  });

  it('UnreachablePrimary, not DeadPrimary, when the replicas still replicate (vttablet down, mysqld up)', () => {
    const result = analyze([primary({ down: true }), inst(101), inst(102, { running: false })]);
    expect(codes(result)['zone1-0000000100']).toBe('UnreachablePrimary');
    expect(result[0]!.HasShardWideAction).toBe(false);
  });

  it('DeadPrimaryAndSomeReplicas, DeadPrimaryAndReplicas, DeadPrimaryWithoutReplicas', () => {
    expect(analyze([primary({ down: true }), inst(101, { running: false }), inst(102, { down: true })])[0]!.Analysis).toBe('DeadPrimaryAndSomeReplicas');
    expect(analyze([primary({ down: true }), inst(101, { down: true }), inst(102, { down: true })])[0]!.Analysis).toBe('DeadPrimaryAndReplicas');
    expect(analyze([primary({ down: true })])[0]!.Analysis).toBe('DeadPrimaryWithoutReplicas');
  });

  it('a primary never reached whose replicas all stopped replicating is DeadPrimary (postProcessAnalyses)', () => {
    const result = analyze([primary({ invalid: true }), inst(101, { running: false }), inst(102, { down: true })]);
    expect(codes(result)).toEqual({ 'zone1-0000000100': 'DeadPrimary' });
    expect(codes(analyze([primary({ invalid: true }), inst(101)]))['zone1-0000000100']).toBe('InvalidPrimary');
  });

  it('fixes for a single tablet: ReplicaIsWritable, NotConnectedToPrimary, ConnectedToWrongPrimary, ReplicationStopped, PrimaryIsReadOnly', () => {
    expect(codes(analyze([primary(), inst(101, { readOnly: false })]))['zone1-0000000101']).toBe('ReplicaIsWritable');
    expect(codes(analyze([primary(), inst(101, { source: null })]))['zone1-0000000101']).toBe('NotConnectedToPrimary');
    expect(codes(analyze([primary(), inst(101), inst(111, { source: 101 })]))['zone1-0000000111']).toBe('ConnectedToWrongPrimary');
    expect(codes(analyze([primary(), inst(101, { running: false })]))['zone1-0000000101']).toBe('ReplicationStopped');
    expect(codes(analyze([primary({ readOnly: true }), inst(101)]))['zone1-0000000100']).toBe('PrimaryIsReadOnly');
  });

  it('PrimaryHasPrimary is shard-wide', () => {
    const result = analyze([primary({ source: 101, running: true }), inst(101)]);
    expect(result[0]).toMatchObject({ Analysis: 'PrimaryHasPrimary', HasShardWideAction: true });
    expect(result).toHaveLength(1);
  });

  it('ClusterHasNoPrimary without a primary term, PrimaryTabletDeleted with one', () => {
    const noPrimary = [inst(100, { source: null }), inst(101, { running: false }), inst(102, { type: TabletType.RDONLY, running: false })];
    expect(analyze(noPrimary, { primaryAlias: '', term: 0 }).map((a) => a.Analysis)).toEqual(['ClusterHasNoPrimary']);
    expect(analyze(noPrimary, { primaryAlias: '', term: 2000 }).map((a) => a.Analysis)).toEqual(['PrimaryTabletDeleted']);
  });

  it('the newest primary term is the cluster primary; ties go to the tablet the shard record names', () => {
    const oldPrimary = primary({ down: true, term: 1000 });
    const newPrimary = inst(101, { type: TabletType.PRIMARY, term: 1000, uuid: R1 });
    const replica = inst(102, { source: 101, running: true, type: TabletType.RDONLY });
    expect(codes(analyze([oldPrimary, newPrimary, replica], { primaryAlias: 'zone1-0000000101' }))).toEqual({
      'zone1-0000000101': 'NoProblem',
      'zone1-0000000100': 'NoProblem',
      'zone1-0000000102': 'NoProblem',
    });
    expect(analyze([oldPrimary, newPrimary, replica], { primaryAlias: 'zone1-0000000100' })[0]!.AnalyzedInstanceAlias).toBe('zone1-0000000100');
  });

  it('ErrantGTIDDetected: what a replica executed beyond its primary, its source\'s own GTIDs aside', () => {
    const errant = analyze([primary({ executed: `${P}:1-10` }), inst(101, { executed: `${P}:1-10,${R1}:1-2` })]);
    expect(errant[1]).toMatchObject({ Analysis: 'ErrantGTIDDetected', ErrantGTID: `${R1}:1-2` });
    // Ahead of the primary's last poll on the primary's own GTIDs: not errant.
    expect(codes(analyze([primary({ executed: `${P}:1-10` }), inst(101, { executed: `${P}:1-12` })]))['zone1-0000000101']).toBe('NoProblem');
    // A former primary back after a failover, replicating from nobody, compared with the new primary.
    const newPrimary = inst(101, { type: TabletType.PRIMARY, term: 2000, uuid: R1, executed: `${OLD}:1-5,${R1}:1-3` });
    const formerPrimary = inst(99, { uuid: OLD, source: null, executed: `${OLD}:1-7` });
    const result = analyze([newPrimary, formerPrimary, inst(102, { source: 101, running: true, uuid: R2, executed: `${OLD}:1-5,${R1}:1-3` })], { primaryAlias: 'zone1-0000000101', term: 2000 });
    expect(result.find((a) => a.AnalyzedInstanceAlias === 'zone1-0000000099')).toMatchObject({ Analysis: 'ErrantGTIDDetected', ErrantGTID: `${OLD}:6-7` });
  });

  it('a DRAINED tablet is not analysed as a replica', () => {
    expect(codes(analyze([primary(), inst(101, { type: TabletType.DRAINED, executed: `${P}:1-10,${R1}:1` })]))['zone1-0000000101']).toBe('NoProblem');
  });
});

describe('recoveryFor and the flags', () => {
  it('maps analyses to Vitess\'s recoveries, as the flags allow', () => {
    expect(recoveryFor('DeadPrimary', DEFAULT_VTORC_CONFIG)).toBe('RecoverDeadPrimary');
    expect(recoveryFor('DeadPrimary', { ...DEFAULT_VTORC_CONFIG, allowEmergencyReparent: false })).toBeUndefined();
    expect(recoveryFor('PrimaryTabletDeleted', DEFAULT_VTORC_CONFIG)).toBe('RecoverPrimaryTabletDeleted');
    expect(recoveryFor('ClusterHasNoPrimary', DEFAULT_VTORC_CONFIG)).toBe('ElectNewPrimary');
    expect(recoveryFor('ConnectedToWrongPrimary', DEFAULT_VTORC_CONFIG)).toBe('FixReplica');
    expect(recoveryFor('PrimaryIsReadOnly', DEFAULT_VTORC_CONFIG)).toBe('FixPrimary');
    expect(recoveryFor('PrimaryHasPrimary', DEFAULT_VTORC_CONFIG)).toBe('RecoverPrimaryHasPrimary');
    expect(recoveryFor('ErrantGTIDDetected', DEFAULT_VTORC_CONFIG)).toBeUndefined();
    expect(recoveryFor('ErrantGTIDDetected', { ...DEFAULT_VTORC_CONFIG, changeTabletsWithErrantGtidToDrained: true })).toBe('RecoverErrantGTIDDetected');
    expect(recoveryFor('UnreachablePrimary', DEFAULT_VTORC_CONFIG)).toBe('CheckAndRecoverGenericProblem');
    expect(recoveryFor('NoProblem', DEFAULT_VTORC_CONFIG)).toBeUndefined();
  });

  it('parses vtorc\'s flags over the local example\'s defaults', () => {
    expect(parseVtorcFlags([])).toEqual(DEFAULT_VTORC_CONFIG);
    const c = parseVtorcFlags(['--instance-poll-time', '500ms', '--recovery_poll_duration=2s', '--allow-emergency-reparent=false', '--change-tablets-with-errant-gtid-to-drained', '--port', '16001']);
    expect(c).toMatchObject({ instancePollTimeMs: 500, recoveryPollDurationMs: 2000, allowEmergencyReparent: false, changeTabletsWithErrantGtidToDrained: true, port: 16001, waitReplicasTimeoutMs: 30_000 });
    expect(() => parseVtorcFlags(['--no-such-flag'])).toThrow(/unknown flag: --no-such-flag/);
    expect(() => parseVtorcFlags(['--instance-poll-time', 'soon'])).toThrow(/invalid duration/);
    expect(() => parseVtorcFlags(['--instance-poll-time', '0'])).toThrow(/must be positive/);
  });
});
