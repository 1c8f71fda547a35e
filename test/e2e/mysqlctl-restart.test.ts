// Issue 9, item 1 (process semantics) under load, run as a user runs it: the `vtsim` command as
// processes against a detached cluster on free ports, the commands the local example's
// mysqlctl-down.sh / mysqlctl-up.sh and vttablet-down.sh / vttablet-up.sh run (`vtsim mysqlctl
// down|up`, `vtsim tablet down|up`), a semi_sync keyspace (as 201 sets it), four writers through
// vtgate (mysql2) and a VStream client replaying ROW events into a picture of the tables.
// The replica's mysqld goes down (the primary's commits wait for its ack) and up; the primary's
// vttablet restarts; the primary's mysqld goes down (the replicas report the lost source as MySQL's
// IO thread does) and up; the replica's vttablet restarts. Every mysqld keeps its data, nothing is
// lost or applied twice: the tables equal what the writers were told succeeded, and the VStream
// picture equals the tables.
import mysql from 'mysql2/promise';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { SeededRandom } from '@vtsim/binlog';
import { SCHEMA, TABLES, Writer, cutoverErrorKind, modelOf, sorted, waitFor, type Rows, type TableName } from '../harness/customer-workload.js';
import { PictureStream } from '../harness/vstream-picture.js';
import { VTSIM_COMMAND_TIMEOUT_MS, clusterPlace, ensureCliBuilt, runVtsim, type ClusterPlace } from '../harness/vtsim-cli.js';

interface StatusReply {
  tablets: { alias: string; type: string; serving: boolean; position: string }[];
}

beforeAll(ensureCliBuilt, 180_000);

describe('mysqlctl down/up and vttablet down/up under load keep every mysqld\'s data', () => {
  let place: ClusterPlace;
  const vtsim = async (...args: string[]) => {
    const r = await place.vtsim(...args);
    expect(r.stderr, `vtsim ${args.join(' ')}`).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  };
  const vtctldclient = (...args: string[]) => runVtsim(['vtctldclient', '--server', `127.0.0.1:${place.vtctldPort}`, ...args], { env: place.env, timeoutMs: VTSIM_COMMAND_TIMEOUT_MS });
  const tabletsOf = (reply: StatusReply) => new Map(reply.tablets.map((t) => [t.alias, t]));
  /** The tablets `vtsim status` reports, read over HTTP (polled by the waits below). */
  const status = async () => tabletsOf((await place.status()) as StatusReply);
  const connect = () => mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root', database: 'customer' });

  beforeAll(async () => {
    place = await clusterPlace();
    await vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort));
    for (const uid of ['200', '201', '202']) {
      await vtsim('mysqlctl', 'up', '--uid', uid);
      await vtsim('tablet', 'up', '--keyspace', 'customer', '--shard', '0', '--uid', uid);
    }
    expect((await vtctldclient('SetKeyspaceDurabilityPolicy', '--durability-policy=semi_sync', 'customer')).code).toBe(0);
    // The tablets apply a policy change on their next durability check (as vttablet does when VTOrc
    // fixes semi-sync): the test's stall below needs the primary waiting for its replica's acks.
    const fullStatus = async (alias: string) => JSON.parse((await vtctldclient('GetFullStatus', alias)).stdout) as { semi_sync_primary_enabled?: boolean; semi_sync_replica_enabled?: boolean };
    await waitFor(
      async () => (await fullStatus('zone1-0000000200')).semi_sync_primary_enabled === true && (await fullStatus('zone1-0000000201')).semi_sync_replica_enabled === true,
      'the primary to wait for semi-sync acks and its replica to send them',
    );
    const conn = await connect();
    for (const ddl of SCHEMA.split(';').map((q) => q.trim()).filter(Boolean)) await conn.query(ddl);
    await conn.end();
  }, 60_000);

  afterAll(() => place?.stop());

  it('nothing lost or repeated: tables = what the writers were told, VStream picture = tables', async () => {
    // The cluster's log outlives a failure: test-results/mysqlctl-restart/vtsim-<pid>.log.
    onTestFailed(() => {
      if (!existsSync(place.logFile)) return;
      mkdirSync('test-results/mysqlctl-restart', { recursive: true });
      copyFileSync(place.logFile, `test-results/mysqlctl-restart/vtsim-${process.pid}.log`);
    });
    // A commit cut off by its mysqld stopping (2013) may or may not have happened: read it back.
    const classify = (err: { errno?: number; message: string }) => (err.errno === 2013 || /errno 2013|Lost connection/.test(err.message) ? 'ambiguous' : cutoverErrorKind(err));
    const writers: Writer[] = [];
    for (let n = 1; n <= 4; n++) writers.push(new Writer(n, { connect, random: new SeededRandom(`mysqlctl-writer-${n}`), classify }));
    const stopWriters = new AbortController();
    const writing = Promise.all(writers.map((w) => w.run(stopWriters.signal)));
    const stream = new PictureStream({ address: `127.0.0.1:${place.grpcPort}`, resumable: (err) => /UNAVAILABLE|not serving/i.test(err.message) });
    const total = () => writers.reduce((sum, w) => sum + w.ok, 0);
    const meanwhile = async (n: number) => {
      const goal = total() + n;
      await waitFor(() => total() >= goal || writers.some((w) => w.failures.length > 0), `${n} more writes`, 30_000);
    };
    try {
      await meanwhile(50);

      // The replica's mysqld stops: its vttablet stops serving, and with semi_sync (the rdonly sends
      // no acks) the primary's commits wait until the replica is back.
      await vtsim('mysqlctl', 'down', '--uid', '201');
      await waitFor(async () => (await status()).get('zone1-0000000201')?.serving === false, 'the replica to stop serving');
      const stalled = total();
      await new Promise((r) => setTimeout(r, 300));
      expect(total() - stalled).toBeLessThanOrEqual(4);
      await vtsim('mysqlctl', 'up', '--uid', '201');
      await waitFor(async () => (await status()).get('zone1-0000000201')?.serving === true, 'the replica to serve again');
      await meanwhile(50);

      // The primary's vttablet restarts in front of its running mysqld.
      await vtsim('tablet', 'down', '--uid', '200');
      expect(await vtsim('tablet', 'up', '--keyspace', 'customer', '--shard', '0', '--uid', '200')).toBe('vttablet for zone1-0000000200 is running as PRIMARY\n');
      await meanwhile(50);

      // The primary's mysqld stops: the replicas' IO threads lose it and retry.
      const before = tabletsOf(JSON.parse(await vtsim('status')) as StatusReply).get('zone1-0000000200')!.position;
      await vtsim('mysqlctl', 'down', '--uid', '200');
      await waitFor(async () => {
        const full = JSON.parse((await vtctldclient('GetFullStatus', 'zone1-0000000201')).stdout) as { replication_status: { io_state: number; last_io_error: string } };
        return full.replication_status.io_state === 2 && /Lost connection to MySQL server during query|Can't connect to MySQL server on 'localhost:17200'/.test(full.replication_status.last_io_error);
      }, 'the replica to report its lost source');
      expect((await status()).get('zone1-0000000200')).toMatchObject({ type: 'PRIMARY', serving: false });
      await vtsim('mysqlctl', 'up', '--uid', '200');
      await waitFor(async () => (await status()).get('zone1-0000000200')?.serving === true, 'the primary to serve again');
      // Its data and GTID history are the ones it had (writes in flight may have added to them).
      expect((await status()).get('zone1-0000000200')!.position.startsWith(before.replace(/-\d+$/, '-'))).toBe(true);
      await meanwhile(50);

      // The replica's vttablet restarts; its mysqld keeps replicating (and acknowledging) meanwhile.
      await vtsim('tablet', 'down', '--uid', '201');
      await meanwhile(20);
      await vtsim('tablet', 'up', '--keyspace', 'customer', '--shard', '0', '--uid', '201');
      await meanwhile(50);
    } finally {
      stopWriters.abort();
      await writing;
    }
    for (const w of writers) expect(w.failures).toEqual([]);

    const conn = await connect();
    const tableRows = async (table: TableName): Promise<Rows> => {
      const [rows] = await conn.query({ sql: `select * from ${table}`, rowsAsArray: true, typeCast: false, timeout: 30_000 });
      return new Map((rows as unknown as (Buffer | null)[][]).map((r) => r.map((v) => (v === null ? null : v.toString('utf8')))).map((r) => [r[0]!, r]));
    };
    try {
      for (const table of TABLES) expect(sorted(await tableRows(table)), table).toEqual(sorted(modelOf(writers, table)));
      await waitFor(async () => {
        for (const table of TABLES) if (JSON.stringify(sorted(stream.picture[table])) !== JSON.stringify(sorted(await tableRows(table)))) return false;
        return true;
      }, 'the VStream picture to equal the tables');
    } finally {
      await stream.close();
      await conn.end();
    }
    expect(stream.problems).toEqual([]);
    const tablets = await status();
    const primary = tablets.get('zone1-0000000200')!.position;
    await waitFor(async () => [...(await status()).values()].every((t) => t.position === primary), 'every tablet to converge');
  }, 180_000);
});
