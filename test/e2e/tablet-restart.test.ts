// Issue 9, item 1 (process semantics): `vtsim tablet down` then `tablet up` restarts a tablet's
// vttablet in front of the mysqld that kept running, as the local example's vttablet-down.sh /
// vttablet-up.sh do. Run as a user runs it — the `vtsim` command as processes against a detached
// cluster with free ports — a replica and then the primary are restarted: each keeps its rows, its
// GTID position (one server UUID, one contiguous interval) and its replication, the primary comes
// back PRIMARY and takes writes through vtgate again (one sent while it was down waits in vtgate's
// buffer), and a gRPC VStream client on the shard (one on PRIMARY, one on REPLICA) sees every
// insert exactly once. `tablet delete` and vtctld's DeleteTablets forget the mysqld: the next
// `tablet up` starts on an empty one.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRowBytes } from '@vtsim/proto';
import { VtgateClient, type DecodedMessage } from '@vtsim/vtgate';
import { clusterPlace, ensureCliBuilt, runVtsim, type ClusterPlace } from '../harness/vtsim-cli.js';

interface StatusReply {
  tablets: { alias: string; type: string; serving: boolean; position: string }[];
}

/**
 * A VStream client on customer/0 from a given position: records every inserted id it sees (with
 * repeats) and the last VGTID; vtgate retries across tablet restarts, so the stream must not fail.
 */
class InsertWatcher {
  readonly ids: number[] = [];
  error: string | undefined;
  private readonly stop = new AbortController();
  private readonly done: Promise<void>;

  constructor(address: string, tabletType: 'PRIMARY' | 'REPLICA', position: string) {
    const client = VtgateClient.connect(address);
    const request = {
      tablet_type: tabletType,
      vgtid: { shard_gtids: [{ keyspace: 'customer', shard: '0', gtid: position }] },
      filter: { rules: [{ match: 'customer' }] },
    };
    this.done = (async () => {
      try {
        for await (const response of client.vstream(request, this.stop.signal)) {
          for (const e of response.events as DecodedMessage[]) {
            if (e.type !== 'ROW') continue;
            for (const change of e.row_event.row_changes as DecodedMessage[]) {
              const after = decodeRowBytes(change.after as { lengths: string[]; values: Buffer });
              this.ids.push(Number(after[0]!.toString('utf8')));
            }
          }
        }
      } catch (err) {
        if (!this.stop.signal.aborted) this.error = (err as Error).message;
      } finally {
        client.close();
      }
    })();
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.done;
  }
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeAll(ensureCliBuilt, 180_000);

describe('vtsim tablet down / tablet up restart the vttablet and keep its mysqld', () => {
  let place: ClusterPlace;
  let grpcAddress = '';
  let vtctldAddress = '';
  let conn: mysql.Connection | undefined;
  const watchers: InsertWatcher[] = [];
  const vtsim = (...args: string[]) => place.vtsim(...args);
  const status = async (): Promise<Map<string, StatusReply['tablets'][number]>> => {
    const r = await vtsim('status');
    expect(r.code).toBe(0);
    return new Map((JSON.parse(r.stdout) as StatusReply).tablets.map((t) => [t.alias, t]));
  };
  const insert = async (ids: number[]) => {
    for (const id of ids) await conn!.query(`insert into customer(customer_id, email) values (${id}, 'c${id}@x')`);
  };
  const dba = (alias: string, sql: string) => runVtsim(['vtctldclient', '--server', vtctldAddress, 'ExecuteFetchAsDBA', alias, sql], { env: place.env });
  /** The customer ids vtgate reads at a target (`customer` or `customer@replica`). */
  const rows = async (target: string) => {
    await conn!.query(`use \`${target}\``);
    try {
      const [result] = await conn!.query('select customer_id from customer order by customer_id');
      return (result as { customer_id: number }[]).map((r) => Number(r.customer_id));
    } finally {
      await conn!.query('use customer');
    }
  };

  beforeAll(async () => {
    place = await clusterPlace();
    grpcAddress = `127.0.0.1:${place.grpcPort}`;
    vtctldAddress = `127.0.0.1:${place.vtctldPort}`;
    const up = await vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort));
    expect(up.stderr).toBe('');
    for (const uid of ['200', '201']) {
      const r = await vtsim('tablet', 'up', '--keyspace', 'customer', '--shard', '0', '--uid', uid);
      expect(r.stderr).toBe('');
    }
    conn = await mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root', database: 'customer' });
    await conn.query('create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id))');
    const afterDdl = (await status()).get('zone1-0000000200')!.position;
    watchers.push(new InsertWatcher(grpcAddress, 'PRIMARY', afterDdl), new InsertWatcher(grpcAddress, 'REPLICA', afterDdl));
    await insert(range(1, 10));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(watchers.map((w) => w.close()));
    await conn?.end().catch(() => undefined);
    place?.stop();
  });

  it('restarts a replica: it comes back REPLICA with its rows and resumes replication from its own position', async () => {
    const uuidPosition = (await status()).get('zone1-0000000200')!.position.replace(/:1-\d+$/, '');
    // A global variable lives in the running mysqld only (not in its binlog): it tells the kept mysqld from a new one.
    expect((await dba('zone1-0000000201', "set global sql_mode = 'ANSI_QUOTES'")).code).toBe(0);
    expect(await vtsim('tablet', 'down', '--uid', '201')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect([...(await status()).keys()]).toEqual(['zone1-0000000200']);
    await insert(range(11, 20));
    const up = await vtsim('tablet', 'up', '--keyspace', 'customer', '--shard', '0', '--uid', '201');
    expect(up).toEqual({ code: 0, stdout: 'vttablet for zone1-0000000201 is running as REPLICA\n', stderr: '' });
    // 1 DDL + 20 inserts, all with the primary's server UUID: the replica caught up from where it stopped.
    await waitFor('the replica to catch up', async () => (await status()).get('zone1-0000000201')?.position === `${uuidPosition}:1-21`);
    const tablets = await status();
    expect(tablets.get('zone1-0000000200')).toMatchObject({ type: 'PRIMARY', serving: true, position: `${uuidPosition}:1-21` });
    expect(tablets.get('zone1-0000000201')).toMatchObject({ type: 'REPLICA', serving: true });
    let lastError = '';
    await waitFor('vtgate to route replica reads to the restarted tablet', async () =>
      (await rows('customer@replica').catch((err: Error) => ((lastError = err.message), []))).length === 20,
    ).catch((err: Error) => { throw new Error(`${err.message}: ${lastError}`); });
    expect(await rows('customer@replica')).toEqual(range(1, 20));
    expect((await dba('zone1-0000000201', 'select @@global.sql_mode')).stdout).toContain('ANSI_QUOTES');
  });

  it('restarts the primary: it comes back PRIMARY with its data and GTID position, and vtgate writes to it again', async () => {
    const before = (await status()).get('zone1-0000000200')!.position;
    expect(before).toMatch(/:1-21$/);
    expect(await vtsim('tablet', 'down', '--uid', '200')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect([...(await status()).keys()]).toEqual(['zone1-0000000201']);
    // A write sent while the primary's vttablet is down waits in vtgate's buffer (the local example's --enable-buffer).
    let settled = false;
    const buffered = insert([21]).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    const up = await vtsim('tablet', 'up', '--keyspace', 'customer', '--shard', '0', '--uid', '200');
    expect(up).toEqual({ code: 0, stdout: 'vttablet for zone1-0000000200 is running as PRIMARY\n', stderr: '' });
    await buffered;
    // Its 21 transactions are still there, and the buffered write became the 22nd of the same server.
    expect((await status()).get('zone1-0000000200')).toMatchObject({ type: 'PRIMARY', serving: true, position: before.replace(/:1-21$/, ':1-22') });
    expect(await rows('customer')).toEqual(range(1, 21));
    await insert(range(22, 30));
    const after = before.replace(/:1-21$/, ':1-31');
    await waitFor('the replica to replicate the new writes', async () => (await status()).get('zone1-0000000201')?.position === after);
    expect((await status()).get('zone1-0000000200')!.position).toBe(after);
    expect(await rows('customer')).toEqual(range(1, 30));
  });

  it('the VStream clients on PRIMARY and on REPLICA saw every insert exactly once across both restarts', async () => {
    await waitFor('the VStream clients to see every insert', () => watchers.every((w) => w.error !== undefined || w.ids.length >= 30));
    for (const w of watchers) {
      expect(w.error).toBeUndefined();
      expect(w.ids).toEqual(range(1, 30));
    }
  });

  it('`tablet delete` refuses a primary without --allow-primary; with it, the tablet is forgotten and starts again from an empty mysqld', async () => {
    const refused = await vtsim('tablet', 'delete', '--uid', '200');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cannot delete tablet zone1-0000000200 as it is a primary, use allow_primary flag');
    expect((await status()).get('zone1-0000000200')).toMatchObject({ type: 'PRIMARY', serving: true });

    const serverUuid = async () => /[0-9a-f]{8}-[0-9a-f-]{27}/.exec((await dba('zone1-0000000200', 'select @@server_uuid')).stdout)?.[0];
    const oldUuid = await serverUuid();
    expect(oldUuid).toBeDefined();
    expect(await vtsim('tablet', 'delete', '--uid', '200', '--allow-primary')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect([...(await status()).keys()]).toEqual(['zone1-0000000201']);
    const up = await vtsim('tablet', 'up', '--keyspace', 'customer', '--shard', '0', '--uid', '200');
    expect(up).toEqual({ code: 0, stdout: 'vttablet for zone1-0000000200 is running as PRIMARY\n', stderr: '' });
    expect((await status()).get('zone1-0000000200')!.position).toBe('');
    // A new mysqld is a new server: its GTIDs cannot collide with the old one's on the replica.
    expect(await serverUuid()).not.toBe(oldUuid);
    const [result] = await conn!.query('select count(*) as n from customer').then(
      () => ['no error'],
      (err: Error) => [err.message],
    );
    expect(result).toContain("Table 'vt_customer.customer' doesn't exist");
  });

  it("a tablet deleted with vtctld's DeleteTablets while down also comes back on an empty mysqld", async () => {
    expect(await vtsim('tablet', 'down', '--uid', '201')).toEqual({ code: 0, stdout: '', stderr: '' });
    const deleted = await runVtsim(['vtctldclient', '--server', vtctldAddress, 'DeleteTablets', 'zone1-0000000201'], { env: place.env });
    expect(deleted).toMatchObject({ code: 0, stderr: '' });
    const up = await vtsim('tablet', 'up', '--keyspace', 'customer', '--shard', '0', '--uid', '201');
    expect(up).toEqual({ code: 0, stdout: 'vttablet for zone1-0000000201 is running as REPLICA\n', stderr: '' });
    expect((await status()).get('zone1-0000000201')).toMatchObject({ type: 'REPLICA', serving: true, position: '' });
    expect((await dba('zone1-0000000201', 'select @@global.sql_mode')).stdout).not.toContain('ANSI_QUOTES');
  });
});
