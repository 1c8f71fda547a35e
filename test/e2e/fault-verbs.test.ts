// Issue 9, item 4: every fault verb once, through the cluster's TS API, under four writers and a
// VStream client replaying its ROW events into a picture of the tables (customer keyspace, shards
// -80 and 80-). After each fault is healed: the tables hold exactly what the writers were told
// succeeded, the client's picture equals the tables, and the errors clients saw carry Vitess's
// codes (errno 1105 with `code = Unavailable` through vtgate, DEADLINE_EXCEEDED from vtctld,
// UNAVAILABLE ending VStreams). The fault's own effect is checked while it is in force.
import { SeededRandom } from '@vtsim/binlog';
import { FaultInputError } from '@vtsim/cli';
import { Code, decodeRowBytes, errorCode } from '@vtsim/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEYSPACE,
  SCHEMA,
  TABLES,
  VSCHEMA,
  Writer,
  cutoverErrorKind,
  modelOf,
  sorted,
  tableRows,
  waitFor,
  type WriteErrorKind,
} from '../harness/customer-workload.js';
import { startScenario, type Scenario } from '../harness/scenario.js';
import { PictureStream } from '../harness/vstream-picture.js';

/** The timeouts of calls to a partitioned tablet, shortened from Vitess's 20 s / 15 s. */
const KEEPALIVE_MS = 1000;
const REMOTE_OPERATION_TIMEOUT_MS = 600;

/** An error a writer saw: its MySQL errno and message, and how it was classified. */
interface SeenError {
  errno?: number;
  code?: string;
  message: string;
  kind: WriteErrorKind;
}

/**
 * How the writers classify errors: a call vtgate gave up on over a dead network (keepalive) may
 * have been applied, as may a statement whose connection vtgate dropped (its restart); a refused
 * connection never reached vtgate; the rest as in a cut-over.
 */
function classify(err: { errno?: number; code?: string; message: string }): WriteErrorKind {
  if (/keepalive ping failed/.test(err.message)) return 'ambiguous';
  if (err.code === 'ECONNREFUSED') return 'retriable';
  if (err.code === 'PROTOCOL_CONNECTION_LOST' || err.code === 'ECONNRESET' || err.code === 'EPIPE') return 'ambiguous';
  return cutoverErrorKind(err);
}

describe('fault verbs under four writers and a VStream client', () => {
  let s: Scenario;
  const log: string[] = [];
  const seen: SeenError[] = [];
  const streamErrors: { code: Code; message: string }[] = [];
  let writers: Writer[];
  let stream: PictureStream;

  beforeAll(async () => {
    s = await startScenario({
      seed: 'fault-verbs',
      keyspaces: { customer: { shards: { '-80': [300, 301, 302], '80-': [400, 401, 402] }, schema: SCHEMA, vschema: VSCHEMA } },
      faults: { faultTimeouts: { keepaliveMs: KEEPALIVE_MS, remoteOperationTimeoutMs: REMOTE_OPERATION_TIMEOUT_MS }, faultLog: (line) => log.push(line) },
    });
    writers = [1, 2, 3, 4].map(
      (n) =>
        new Writer(n, {
          connect: () => s.connect(KEYSPACE),
          random: new SeededRandom(`fault-writer-${n}`),
          classify: (err) => {
            const kind = classify(err);
            seen.push({ errno: err.errno, code: err.code, message: err.message, kind });
            return kind;
          },
        }),
    );
    stream = new PictureStream({
      address: s.grpcAddress,
      shards: ['-80', '80-'],
      resumable: (err) => {
        const code = errorCode(err);
        streamErrors.push({ code, message: err.message });
        return code === Code.UNAVAILABLE || code === Code.DEADLINE_EXCEEDED;
      },
    });
  }, 60_000);

  afterAll(async () => {
    await stream?.close();
    await s?.close();
  });

  const totalWrites = () => writers.reduce((n, w) => n + w.ok, 0);
  /** Waits until the writers have had `n` more writes succeed. */
  const moreWrites = async (n: number) => {
    const goal = totalWrites() + n;
    await waitFor(() => totalWrites() >= goal || writers.some((w) => w.failures.length > 0), `${n} more writes`, 30_000);
  };

  /**
   * Runs `fault` while the four writers write (before and after it, too), then stops them and
   * checks: no write failed unexpectedly, the tables equal the writers' models, the VStream
   * picture equals the tables (no problem found by the client).
   */
  async function underLoad(fault: () => Promise<void>): Promise<void> {
    const stop = new AbortController();
    const running = Promise.all(writers.map((w) => w.run(stop.signal)));
    try {
      await moreWrites(40);
      await fault();
      await moreWrites(40);
    } finally {
      stop.abort();
      await running;
    }
    for (const w of writers) expect(w.failures, 'writes that failed with an error that is not retriable').toEqual([]);
    const tables = { customer: await tableRows(s, 'customer'), corder: await tableRows(s, 'corder') };
    for (const table of TABLES) expect(sorted(tables[table]), `${table}: the table holds exactly the successful writes`).toEqual(sorted(modelOf(writers, table)));
    const same = () => TABLES.every((t) => JSON.stringify(sorted(stream.picture[t])) === JSON.stringify(sorted(tables[t])));
    await waitFor(same, 'the VStream picture to equal the tables').catch(() => undefined);
    expect(stream.problems).toEqual([]);
    for (const table of TABLES) expect(sorted(stream.picture[table]), `${table}: the VStream picture`).toEqual(sorted(tables[table]));
    expect(s.cluster.faults.active()).toEqual([]);
  }

  /** Errors seen by writers since `from` (an index into `seen`). */
  const errorsSince = (from: number) => seen.slice(from);

  it('stall-shard: the shard answers nothing for --ms ms, then everything goes through', async () => {
    const from = seen.length;
    await underLoad(async () => {
      const line = await s.cluster.faults.stallShard({ keyspace: KEYSPACE, shard: '-80', ms: 1500 });
      expect(line).toBe('fault stall-shard --keyspace customer --shard -80 --ms 1500');
      expect(s.cluster.faults.active()).toMatchObject([{ verb: 'stall-shard', args: { keyspace: 'customer', shard: '-80', ms: 1500 } }]);
      const mark = s.binlogMark(KEYSPACE, '-80');
      const started = Date.now();
      // A scatter query waits for the stalled shard.
      const rows = await s.mysql('select count(*) from customer', KEYSPACE);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(Number(rows[0]![0])).toBeGreaterThan(0);
      // The other shard kept serving meanwhile; the stalled one resumes committing once it ends.
      await waitFor(() => s.cluster.faults.active().length === 0, 'the stall to heal itself');
      await waitFor(() => s.transactionsSince(mark).length > 0, 'writes to -80 after the stall');
    });
    expect(log).toContain('fault healed stall-shard --keyspace customer --shard -80 --ms 1500');
    // A stall delays; it fails nothing.
    expect(errorsSince(from)).toEqual([]);
  }, 90_000);

  it('partition-tablet: vtgate gives up after its keepalive (errno 1105, code = Unavailable), vtctld after its RPC timeout (DEADLINE_EXCEEDED)', async () => {
    const from = seen.length;
    const primary = s.primary(KEYSPACE, '80-');
    await underLoad(async () => {
      const line = await s.cluster.faults.partitionTablet({ uid: primary.alias.uid, ms: 4000 });
      expect(line).toBe(`fault partition-tablet --uid ${primary.alias.uid} --ms 4000`);
      const started = Date.now();
      const status = await s.cluster.vtctld.getFullStatus({ tablet_alias: primary.alias }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(errorCode(status), String(status)).toBe(Code.DEADLINE_EXCEEDED);
      expect((status as Error).message).toBe('rpc error: code = DeadlineExceeded desc = context deadline exceeded');
      expect(Date.now() - started).toBeGreaterThanOrEqual(REMOTE_OPERATION_TIMEOUT_MS - 50);
      await waitFor(() => errorsSince(from).some((e) => e.errno === 1105), 'a writer to see the partition');
      await waitFor(() => s.cluster.faults.active().length === 0, 'the partition to heal itself');
    });
    const errors = errorsSince(from);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.errno, e.message).toBe(1105);
      expect(e.message).toMatch(/^target: customer\.80-\.primary: (vttablet: rpc error: code = Unavailable desc = keepalive ping failed to receive ACK within timeout|no healthy tablet available)/);
    }
    expect(errors.some((e) => e.message.includes('code = Unavailable desc = keepalive ping failed to receive ACK within timeout'))).toBe(true);
  }, 90_000);

  it('drop-vstreams: vtgate ends the open VStream with the code asked for; the client resumes from its VGTID', async () => {
    const from = seen.length;
    await underLoad(async () => {
      await waitFor(() => stream.responses > 0, 'the VStream to stream');
      const before = streamErrors.length;
      const line = await s.cluster.faults.dropVStreams({ code: 'UNAVAILABLE' });
      expect(line).toBe('fault drop-vstreams --code UNAVAILABLE (1 VStreams)');
      await waitFor(() => streamErrors.length > before, 'the client to see the drop');
      expect(streamErrors[before]).toEqual({ code: Code.UNAVAILABLE, message: 'vstream dropped by vtgate (fault drop-vstreams): UNAVAILABLE' });
    });
    expect(errorsSince(from), 'writers are not affected').toEqual([]);
    await expect(s.cluster.faults.dropVStreams({ code: 'OK' })).rejects.toBeInstanceOf(FaultInputError);
    await expect(s.cluster.faults.dropVStreams({ code: 'NOPE' })).rejects.toThrow(/--code must be a vtrpc code/);
  }, 90_000);

  it('restart-vtgate: vtgate comes back on the same ports; writers reconnect, the VStream resumes', async () => {
    const port = s.port;
    const grpc = s.grpcAddress;
    const from = seen.length;
    const resumes = stream.resumes;
    await underLoad(async () => {
      expect(await s.cluster.faults.restartVtgate()).toBe('fault restart-vtgate');
      expect(s.cluster.vtgate!.mysqlAddress!.port).toBe(port);
      expect(s.grpcAddress).toBe(grpc);
      await waitFor(() => stream.resumes > resumes, 'the VStream to resume');
    });
    // Clients lost their connections (the MySQL protocol's codes) or their stream (gRPC UNAVAILABLE).
    for (const e of errorsSince(from)) expect(e.code ?? '', e.message).toMatch(/^(PROTOCOL_CONNECTION_LOST|ECONNREFUSED|ECONNRESET|EPIPE)$/);
    expect(streamErrors.at(-1)?.code).toBe(Code.UNAVAILABLE);
  }, 90_000);

  it('kill-tablet and restart-tablet: a killed replica loses its mysqld and comes back on its data, catching up with its primary', async () => {
    const from = seen.length;
    const primary = s.primary(KEYSPACE, '-80');
    await underLoad(async () => {
      expect(await s.cluster.faults.killTablet({ uid: 301 })).toBe('fault kill-tablet --uid 301');
      expect(s.cluster.tablet(301)).toBeUndefined();
      await moreWrites(40);
      expect(await s.cluster.faults.restartTablet({ uid: 301 })).toBe('fault restart-tablet --uid 301');
      const replica = s.tablet(301);
      await waitFor(() => replica.isServing && replica.mysqld.gtidExecuted().contains(primary.mysqld.gtidExecuted()), 'the restarted replica to catch up');
    });
    expect(errorsSince(from), 'writers are not affected by a replica dying').toEqual([]);
    await expect(s.cluster.faults.killTablet({ uid: 999 })).rejects.toBeInstanceOf(FaultInputError);
    await expect(s.cluster.faults.restartTablet({ uid: 999 })).rejects.toThrow('tablet zone1-0000000999 was never started in this cluster');
  }, 90_000);

  it('replication-delay: the replica applies each transaction --ms ms late until healed, then catches up', async () => {
    const from = seen.length;
    const primary = s.primary(KEYSPACE, '80-');
    const replica = s.tablet(401);
    await underLoad(async () => {
      expect(await s.cluster.faults.replicationDelay({ uid: 401, ms: 2000 })).toBe('fault replication-delay --uid 401 --ms 2000');
      expect(s.cluster.faults.active().map((f) => f.verb)).toEqual(['replication-delay']);
      await moreWrites(40);
      expect(replica.mysqld.gtidExecuted().contains(primary.mysqld.gtidExecuted()), 'the delayed replica lags').toBe(false);
      const status = await s.cluster.vtctld.getFullStatus({ tablet_alias: replica.alias });
      expect(status.status?.replication_status?.sql_delay).toBe(2);
      expect(await s.cluster.faults.heal()).toBe('fault heal (1 faults)');
      await waitFor(() => replica.mysqld.gtidExecuted().contains(primary.mysqld.gtidExecuted()), 'the replica to catch up once healed');
    });
    expect(errorsSince(from)).toEqual([]);
  }, 90_000);

  it('purge-binlogs: the tablet keeps only --keep transactions; its GTIDs move to gtid_purged', async () => {
    const from = seen.length;
    await underLoad(async () => {
      const binlog = s.tablet(302).mysqld.binlog;
      const appended = binlog.appended;
      expect(binlog.length).toBeGreaterThan(3);
      expect(await s.cluster.faults.purgeBinlogs({ uid: 302, keep: 3 })).toBe('fault purge-binlogs --uid 302 --keep 3');
      // Every transaction but the last three at the time of the purge is gone (replication appends on).
      expect(binlog.appended - binlog.length).toBeGreaterThanOrEqual(appended - 3);
      expect(binlog.purged().toString()).not.toBe('');
    });
    expect(errorsSince(from)).toEqual([]);
    await expect(s.cluster.faults.purgeBinlogs({ uid: 999 })).rejects.toThrow('tablet zone1-0000000999 is not running');
  }, 90_000);

  it('copy-rate and interrupt-copy: a throttled Reshard copy, its copy cycle ended, resumes from its last PKs and completes once healed; a stalled target shard applies nothing', async () => {
    const workflow = 'split80';
    const vtctld = s.cluster.vtctld;
    const from = seen.length;
    const streams = async () => {
      const { workflows } = await vtctld.getWorkflows({ keyspace: KEYSPACE, workflow });
      return workflows.flatMap((w) => Object.values(w.shard_streams).flatMap((ss) => ss.streams));
    };
    await underLoad(async () => {
      for (const [shard, base] of [['80-c0', 500], ['c0-', 600]] as const) {
        for (let i = 0; i < 3; i++) await s.startTablet(KEYSPACE, shard, base + i);
      }
      expect(await s.cluster.faults.copyRate({ rowsPerSec: 20 })).toBe('fault copy-rate --rows-per-sec 20');
      await vtctld.reshardCreate({ workflow, keyspace: KEYSPACE, source_shards: ['80-'], target_shards: ['80-c0', 'c0-'] });
      await waitFor(async () => {
        const st = await streams();
        return st.length === 2 && st.every((x) => x.state === 'Copying' && x.copy_states.length > 0);
      }, 'both streams to copy');
      expect(await s.cluster.faults.interruptCopy({ workflow })).toBe('fault interrupt-copy --workflow split80 (2 streams)');
      // Still copying, from the saved last PKs, at the throttled rate.
      expect((await streams()).every((st) => st.copy_states.length > 0)).toBe(true);
      await expect(s.cluster.faults.interruptCopy({ workflow: 'nope' })).rejects.toThrow(`no stream of workflow 'nope' is copying (copying: ${workflow})`);
      expect(await s.cluster.faults.heal()).toBe('fault heal (1 faults)');
      await waitFor(async () => {
        const st = await streams();
        return st.length === 2 && st.every((x) => x.state === 'Running' && x.copy_states.length === 0);
      }, `${workflow} to finish copying`, 60_000);
      // A stalled target shard's VReplication sends nothing either: its primary applies nothing
      // from 80- while the stall lasts, and catches up after.
      await s.cluster.faults.stallShard({ keyspace: KEYSPACE, shard: '80-c0', ms: 1000 });
      await new Promise((r) => setTimeout(r, 100));
      const mark = s.binlogMark(KEYSPACE, '80-c0');
      await new Promise((r) => setTimeout(r, 700));
      s.expectBinlogUnchanged(mark);
      await waitFor(() => s.transactionsSince(mark).length > 0, '80-c0 to apply changes after the stall');
    });
    expect(errorsSince(from)).toEqual([]);
    // VDiff: the new shards hold exactly the source's rows.
    await vtctld.vDiffCreate({ workflow, target_keyspace: KEYSPACE, wait: true });
    const diff = await vtctld.vDiffShow({ workflow, target_keyspace: KEYSPACE, arg: 'last' });
    expect(Object.keys(diff.tablet_responses).sort()).toEqual(['80-c0', 'c0-']);
    for (const [shard, answer] of Object.entries(diff.tablet_responses)) {
      const out = answer.output!;
      const mismatch = out.fields.findIndex((f) => f.name === 'has_mismatch');
      const state = out.fields.findIndex((f) => f.name === 'vdiff_state');
      for (const row of out.rows) {
        const cells = decodeRowBytes(row).map((b) => b?.toString('utf8'));
        expect({ shard, state: cells[state], mismatch: cells[mismatch] }).toEqual({ shard, state: 'completed', mismatch: '0' });
      }
    }
  }, 180_000);

  it('heal: undoes every fault in force at once, and logs each verb with its arguments', async () => {
    const from = seen.length;
    await underLoad(async () => {
      await s.cluster.faults.stallShard({ keyspace: KEYSPACE, shard: '80-', ms: 60_000 });
      await s.cluster.faults.partitionTablet({ uid: 301 });
      expect(s.cluster.faults.active().map((f) => f.verb)).toEqual(['stall-shard', 'partition-tablet']);
      expect(await s.cluster.faults.heal()).toBe('fault heal (2 faults)');
    });
    expect(errorsSince(from)).toEqual([]);
    await expect(s.cluster.faults.stallShard({ keyspace: KEYSPACE, shard: '-40', ms: 10 })).rejects.toThrow('shard customer/-40 does not exist');
    await expect(s.cluster.faults.stallShard({ keyspace: KEYSPACE, shard: '-80', ms: 0 })).rejects.toThrow('--ms must be a positive integer, not 0');
    expect(log.filter((l) => !l.startsWith('fault healed'))).toEqual(s.cluster.faults.history.map((h) => h.line));
    expect(s.cluster.faults.history.map((h) => h.verb)).toEqual([
      'stall-shard', 'partition-tablet', 'drop-vstreams', 'restart-vtgate', 'kill-tablet', 'restart-tablet', 'replication-delay', 'heal',
      'purge-binlogs', 'copy-rate', 'interrupt-copy', 'heal', 'stall-shard',
      'stall-shard', 'partition-tablet', 'heal',
    ]);
    expect(streamErrors.every((e) => e.code === Code.UNAVAILABLE || e.code === Code.DEADLINE_EXCEEDED)).toBe(true);
  }, 90_000);
});
