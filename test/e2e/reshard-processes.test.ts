// Issue 14, acceptance "resharding under load with tablets as processes": etcd, a `vtsim up
// --topo-implementation etcd2` cluster (vtctld + vtgate) and one `vtsim vttablet` process per shard
// primary, every workflow step run with vtctldclient against the cluster's vtctld while writers
// insert, update and delete through vtgate's MySQL port. The local example's path: MoveTables
// commerce → customer (customer/0's VReplication copies and streams from commerce/0's process over
// queryservice gRPC; VDiff, SwitchTraffic with its reverse stream, Complete), then Reshard
// customer 0 → -80,80- onto two new primary processes (VDiff, SwitchTraffic for replica/rdonly and
// then primary, whose reverse streams run on shard 0's process, reading the new ones). A VStream
// client on vtgate's gRPC, started on shard 0 before the reshard, is moved to -80/80- at
// SwitchTraffic; at the end the tables hold exactly the acknowledged writes, the client's picture
// equals them, and the reverse streams kept shard 0 whole. Then `kill -9` of the 80- primary
// process: queries routed to 80- fail with Vitess's unavailable error while -80 serves.
import { SeededRandom } from '@vtsim/binlog';
import { decodeRowBytes } from '@vtsim/proto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KEYSPACE, SCHEMA, TABLES, VSCHEMA, Writer, modelOf, sorted, tableRows, waitFor, type Rows } from '../harness/customer-workload.js';
import { describeEtcd, startEtcd, type EtcdServer } from '../harness/etcd-server.js';
import { textRows } from '../harness/scenario.js';
import { PictureStream } from '../harness/vstream-picture.js';
import { clusterPlace, ensureCliBuilt, freePort, runVtsim, startVtsim, type ClusterPlace, type VtsimProcess } from '../harness/vtsim-cli.js';

beforeAll(ensureCliBuilt, 180_000);

describeEtcd('Reshard with every tablet a process', () => {
  let etcd: EtcdServer;
  let place: ClusterPlace;
  const tablets: VtsimProcess[] = [];
  let stream: PictureStream | undefined;
  const topoFlags = () => ['--topo-implementation', 'etcd2', '--topo-global-server-address', etcd.address, '--topo-global-root', '/vitess/global'];

  /** Starts tablet `uid` as the primary process of `keyspace/shard` and waits until it serves. */
  async function startPrimary(keyspace: string, shard: string, uid: number): Promise<VtsimProcess> {
    const alias = `zone1-${String(uid).padStart(10, '0')}`;
    const args = ['vttablet', '--tablet-path', alias, '--keyspace', keyspace, `--shard=${shard}`, '--port', String(await freePort()), '--grpc-port', String(await freePort()), ...topoFlags()];
    const tablet = startVtsim(args, place.env);
    tablets.push(tablet);
    await waitFor(() => tablet.output().includes(`serving ${keyspace}/${shard} as PRIMARY`) || tablet.child.exitCode !== null, `tablet ${alias} to serve`, 60_000);
    expect(tablet.child.exitCode, tablet.output()).toBeNull();
    return tablet;
  }

  /** Runs `vtctldclient --server <the cluster's vtctld> args`, failing with its stderr. */
  async function vtctldclient(...args: string[]): Promise<string> {
    const r = await runVtsim(['vtctldclient', '--server', `127.0.0.1:${place.vtctldPort}`, ...args], { env: place.env, timeoutMs: 120_000 });
    expect(r.code, `vtctldclient ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  }

  /** Runs one statement on a fresh connection to vtgate in the customer keyspace; rows as text. */
  const query = async (sql: string) => textRows(await mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root', database: KEYSPACE }), sql);

  beforeAll(async () => {
    etcd = await startEtcd();
    place = await clusterPlace();
  }, 30_000);

  afterAll(async () => {
    await stream?.close();
    for (const t of tablets) if (t.child.exitCode === null) t.child.kill('SIGKILL');
    if (place) await place.vtsim('down').catch(() => undefined);
    place?.stop();
    await etcd?.destroy();
  });

  /** A table's rows on one tablet, read with vtctldclient ExecuteFetchAsDBA (over tabletmanager gRPC), by primary key. */
  async function tabletRows(alias: string, table: string): Promise<Rows> {
    const result = JSON.parse(await vtctldclient('ExecuteFetchAsDBA', '--json', alias, `select * from ${table}`)) as { rows?: { lengths: string[]; values: string }[] };
    const rows = (result.rows ?? []).map((r) => decodeRowBytes({ lengths: r.lengths, values: Buffer.from(r.values, 'base64') }).map((b) => b?.toString('utf8') ?? null));
    return new Map(rows.map((r) => [r[0]!, r]));
  }

  /** Runs one of `workflow`'s steps (`create …`, `switchtraffic …`, `complete`) with vtctldclient's `kind` command (MoveTables, Reshard). */
  const step = (kind: string, workflow: string, ...args: string[]) => vtctldclient(kind, '--workflow', workflow, '--target-keyspace', KEYSPACE, ...args);

  /** Waits for `workflow`'s copy phase to end (as the local example's wait_for_workflow_running does), then checks VDiff finds no difference. */
  async function copiedAndDiffed(workflow: string): Promise<void> {
    await waitFor(async () => /Copy phase completed/.test(await vtctldclient('Workflow', '--keyspace', KEYSPACE, 'show', '--workflow', workflow)), `${workflow} to finish copying`, 90_000);
    await vtctldclient('VDiff', '--workflow', workflow, '--target-keyspace', KEYSPACE, 'create', '--wait');
    const diff = JSON.parse(await vtctldclient('VDiff', '--workflow', workflow, '--target-keyspace', KEYSPACE, 'show', 'last', '--format', 'json')) as { State: string; HasMismatch: boolean };
    expect(diff, `${workflow}: VDiff ${JSON.stringify(diff)}`).toMatchObject({ State: 'completed', HasMismatch: false });
  }

  it('MoveTables commerce → customer, then Reshard 0 → -80,80-, under writes: the VStream moves to the new shards with the tables\' picture; kill -9 of a new primary leaves the other shard serving', async () => {
    const up = await place.vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort), ...topoFlags());
    expect(up.code, up.stderr).toBe(0);
    // The local example's 101 and 201, each tablet a process: commerce/0 holds the tables, customer/0 is empty.
    await vtctldclient('CreateKeyspace', 'commerce');
    await startPrimary('commerce', '0', 100);
    await vtctldclient('ApplySchema', '--sql', SCHEMA, 'commerce');
    await vtctldclient('ApplyVSchema', '--vschema', JSON.stringify({ tables: { customer: {}, corder: {} } }), 'commerce');
    await vtctldclient('CreateKeyspace', KEYSPACE);
    await startPrimary(KEYSPACE, '0', 200);

    // The writers write in commerce until the MoveTables exists, then in customer (its routing rules
    // send them to commerce until SwitchTraffic, and to customer after it).
    let database = 'commerce';
    const connect = () => mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root', database });
    const writers = [1, 2].map((n) => new Writer(n, { connect, random: new SeededRandom(`reshard-processes-${n}`) }));
    let stopWriters = new AbortController();
    let writing = Promise.all(writers.map((w) => w.run(stopWriters.signal)));
    const total = () => writers.reduce((sum, w) => sum + w.ok, 0);
    /** Lets the writers write `n` more rows, so that each step happens under load. */
    const meanwhile = async (n: number) => {
      const goal = total() + n;
      await waitFor(() => total() >= goal || writers.some((w) => w.failures.length > 0), `${n} more writes`, 60_000);
    };
    try {
      await meanwhile(100);
      stopWriters.abort();
      await writing;
      await step('MoveTables', 'commerce2customer', 'create', '--source-keyspace', 'commerce', '--tables', 'customer,corder');
      database = KEYSPACE;
      stopWriters = new AbortController();
      writing = Promise.all(writers.map((w) => w.run(stopWriters.signal)));
      await copiedAndDiffed('commerce2customer');
      await step('MoveTables', 'commerce2customer', 'switchtraffic');
      await meanwhile(30);
      await step('MoveTables', 'commerce2customer', 'complete');
      await vtctldclient('ApplyVSchema', '--vschema', JSON.stringify(VSCHEMA), KEYSPACE);

      // A VStream client on customer/0 (from the beginning: a copy, then the binlog), before the reshard.
      stream = new PictureStream({ address: `127.0.0.1:${place.grpcPort}` });
      await meanwhile(30);
      await waitFor(() => stream!.shards.join(',') === '0', 'the VStream to start on shard 0', 30_000);

      await startPrimary(KEYSPACE, '-80', 300);
      await startPrimary(KEYSPACE, '80-', 400);
      await step('Reshard', 'cust2cust', 'create', '--source-shards', '0', '--target-shards', '-80,80-');
      await meanwhile(30);
      await copiedAndDiffed('cust2cust');
      await step('Reshard', 'cust2cust', 'switchtraffic', '--tablet-types', 'rdonly,replica');
      await meanwhile(30);
      await step('Reshard', 'cust2cust', 'switchtraffic', '--tablet-types', 'primary');
      await waitFor(() => stream!.shards.slice().sort().join(',') === '-80,80-', 'the VStream to move to -80,80-', 30_000);
      await meanwhile(30);
    } finally {
      stopWriters.abort();
      await writing;
    }
    for (const w of writers) expect(w.failures, 'writes that failed with an error that is not retriable').toEqual([]);
    const s = { mysql: (sql: string) => query(sql) };
    const tables: Record<(typeof TABLES)[number], Rows> = { customer: await tableRows(s, 'customer'), corder: await tableRows(s, 'corder') };
    for (const table of TABLES) {
      expect(sorted(tables[table]), `${table}: the table holds exactly the acknowledged writes`).toEqual(sorted(modelOf(writers, table)));
    }
    // The reverse stream (on shard 0's process, reading -80's and 80-'s over gRPC) kept shard 0 whole.
    const reversed = async () => JSON.stringify(sorted(await tabletRows('zone1-0000000200', 'customer'))) === JSON.stringify(sorted(tables.customer));
    await waitFor(reversed, 'shard 0 to hold every row through cust2cust_reverse', 30_000);
    const same = () => TABLES.every((t) => JSON.stringify(sorted(stream!.picture[t])) === JSON.stringify(sorted(tables[t])));
    await waitFor(same, 'the VStream picture to equal the tables').catch(() => undefined);
    await stream!.close();
    expect(stream!.problems).toEqual([]);
    for (const table of TABLES) expect(sorted(stream!.picture[table]), `${table}: the VStream picture`).toEqual(sorted(tables[table]));
    expect(stream!.shards.slice().sort()).toEqual(['-80', '80-']);

    // kill -9 of 80-'s primary: customer_id 4 hashes to 80- (d2fd8867…), 1 to -80 (166b40b4…).
    const killed = tablets.find((t) => t.output().includes(`serving ${KEYSPACE}/80- as PRIMARY`))!;
    killed.child.kill('SIGKILL');
    await killed.exited;
    await expect(query('select customer_id from customer where customer_id = 4')).rejects.toMatchObject({
      errno: 1105,
      message: expect.stringMatching(/^(upstream shard is not available: customer\/80- did not finish its failover .*no healthy tablet available for 'keyspace:"customer" shard:"80-" tablet_type:PRIMARY'|target: customer\.80-\.primary: vttablet: rpc error: code = Unavailable desc = )/),
    });
    expect(await query('select customer_id from customer where customer_id = 1')).toEqual([]);
  }, 300_000);
});
