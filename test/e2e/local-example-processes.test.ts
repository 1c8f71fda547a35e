// Issue 14, item 3: the local example's scripts with `TOPO=etcd2 VTSIM_PROCESSES=1` start one
// process per component, as Vitess's own scripts do — etcd (topo-up.sh), `vtsim vtctld`,
// `vtsim vtgate`, `vtsim vtorc` and a `vtsim vttablet` per tablet — each with its pid file and
// output under VTDATAROOT, on free ports given through the scripts' environment (never the
// contract ports, which local-example-scripts.test.ts owns). The documented outputs are those of
// the in-memory run (local-example-output.ts): 101 → 306, MoveTables and Reshard running from the
// vtctld process through the tablets' TabletManager gRPC service, their VReplication inside the
// target tablets' processes; the seed document's three VStream clients (seed-transcript.ts),
// attached through the vtgate process after 205, see 301–306 event by event as the same clients
// do in an in-memory run of the same steps; then `kill -9` of a primary's process under writers and a VStream
// client, which the VTOrc process repairs (EmergencyReparentShard) with no acknowledged write lost
// and the client's picture equal to the tables; 401 stops every process and frees every port.
import { readFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SeededRandom } from '@vtsim/binlog';
import { Code, VTSIM_ROOT, errorCode } from '@vtsim/proto';
import { VtgateClient } from '@vtsim/vtgate';
import mysql from 'mysql2/promise';
import { KEYSPACE, TABLES, Writer, cutoverErrorKind, modelOf, sorted, waitFor, type Rows, type WriteErrorKind } from '../harness/customer-workload.js';
import { examplePorts, exampleEnv } from '../bench/local-example.mjs';
import { describeEtcd } from '../harness/etcd-server.js';
import { SELECT_COMMERCE_OUTPUT, selectCustomerOutput } from '../harness/local-example-output.js';
import { mysqlCliInstalled } from '../harness/mysql-cli.js';
import { PictureStream } from '../harness/vstream-picture.js';
import { firstDifference, seedSession, seedTranscriptsInMemory, type SeedStepName, type SeedTranscripts } from '../harness/seed-transcript.js';
import { ensureCliBuilt, listening, processAlive, runProcess, type ProcessRun } from '../harness/vtsim-cli.js';

const scriptsDir = join(VTSIM_ROOT, 'scripts');


/** The scripts of the seed steps. */
const SEED_SCRIPTS: Record<SeedStepName, string> = {
  '301': '301_customer_sharded.sh',
  '302': '302_new_shards.sh',
  '303': '303_reshard.sh',
  '304': '304_switch_reads.sh',
  '305': '305_switch_writes.sh',
  '306': '306_down_shard_0.sh',
};

/** The lines a run printed on stdout. */
function lines(run: ProcessRun): string[] {
  return run.stdout.split('\n').filter((l) => l !== '');
}

/** The pid a pid file names. */
function pidIn(file: string): number {
  return Number(readFileSync(file, 'utf8').trim());
}

/** A commit in flight on the killed primary loses its connection: it may or may not be in the data. */
function classify(err: { errno?: number; code?: string; message: string }): WriteErrorKind {
  if (/Lost connection to MySQL server during query/.test(err.message)) return 'ambiguous';
  return cutoverErrorKind(err);
}

/** The command line of a running process. */
function commandLine(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
}

beforeAll(ensureCliBuilt, 180_000);

describeEtcd('the local example scripts with TOPO=etcd2 VTSIM_PROCESSES=1', () => {
  const vtdataroot = mkdtempSync(join(tmpdir(), 'vtsim-procs-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'vtsim-cwd-'));
  let env: NodeJS.ProcessEnv;
  let ports: number[];
  /** The VStream client of the failover (closed in afterAll when a failure left it running). */
  let stream: PictureStream | undefined;
  const pidFiles = () => [
    ...['etcd', 'vtctld', 'vtgate', 'vtorc'].map((n) => join(vtdataroot, 'tmp', `${n}.pid`)),
    ...(existsSync(vtdataroot) ? readdirSync(vtdataroot).filter((d) => d.startsWith('vt_')).map((d) => join(vtdataroot, d, 'vttablet.pid')) : []),
  ].filter((f) => existsSync(f));

  const script = (name: string, extra: NodeJS.ProcessEnv = {}) =>
    runProcess(join(scriptsDir, name), [], { env: { ...env, ...extra }, cwd: elsewhere, timeoutMs: 120_000 });
  const lib = (name: string, args: string[], extra: NodeJS.ProcessEnv = {}) =>
    runProcess(join(scriptsDir, 'lib', name), args, { env: { ...env, ...extra }, cwd: elsewhere, timeoutMs: 120_000 });
  const withEnv = (text: string) =>
    runProcess('bash', ['-c', `set -euo pipefail\nsource ${join(scriptsDir, 'env.sh')}\n${text}`], { env, cwd: elsewhere, timeoutMs: 120_000 });
  const unbuffered = mysqlCliInstalled ? '--unbuffered ' : '';
  const select = (file: string) => withEnv(`mysql ${unbuffered}--table < ${join(scriptsDir, file)}`);

  beforeAll(async () => {
    const chosen = await examplePorts();
    ports = chosen.all;
    env = exampleEnv(vtdataroot, chosen, true);
  });

  afterAll(async () => {
    await stream?.close();
    // A failed test may leave processes running: stop each by the pid its pid file names.
    for (const file of pidFiles()) {
      const pid = pidIn(file);
      if (processAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    for (const dir of [vtdataroot, elsewhere]) rmSync(dir, { recursive: true, force: true });
  });

  it('VTSIM_PROCESSES=1 needs TOPO=etcd2; a component whose port is taken or whose etcd does not answer fails with its error, leaving no pid file', async () => {
    const memory = await lib('topo-up.sh', [], { TOPO: 'memory' });
    expect(memory.code).toBe(1);
    expect(memory.stderr).toBe('ERROR: VTSIM_PROCESSES=1 needs TOPO=etcd2: separate processes share the topology in etcd\n');

    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(Number(env.VTSIM_VTCTLD_GRPC_PORT), '127.0.0.1', resolve));
    const taken = await lib('vtctld-up.sh', []);
    holder.close();
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe(`ERROR: port ${env.VTSIM_VTCTLD_GRPC_PORT} (vtctld gRPC) is already in use on 127.0.0.1\nERROR: vtctld could not be started!\n`);

    const vtctld = await lib('vtctld-up.sh', []);
    expect(vtctld.code).toBe(1);
    expect(lines(vtctld)).toEqual(['Starting vtctld...']);
    expect(vtctld.stderr).toBe(`ERROR: cannot use the etcd2 topology at ${env.ETCD_SERVER} (root /vitess/global): no answer\nERROR: vtctld could not be started!\n`);
    expect(pidFiles()).toEqual([]);
  }, 60_000);

  // The NEWEST sequence of Vitess's local-example check, as local-example-scripts.test.ts runs it
  // in memory, then a kill -9 of a primary's process with the VTOrc process running.
  it('101 → 306 with one process per component, the documented selects at each step; kill -9 of a primary: VTOrc promotes a replica, nothing acknowledged lost, the VStream picture equals the tables; 401 stops them all', async () => {
    const run = async (name: string) => {
      const r = await script(name);
      expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 0, stderr: '' });
      return r;
    };

    const initial = await run('101_initial_cluster.sh');
    const out = lines(initial);
    expect(out.slice(0, 5)).toEqual(['Starting etcd...', 'add zone1 CellInfo', 'etcd is running!', 'Starting vtctld...', 'vtctld is running!']);
    for (const uid of [100, 101, 102]) expect(out).toContain(`vttablet for zone1-0000000${uid} is running!`);
    expect(out).toEqual(expect.arrayContaining(['Starting vtorc...', 'vtorc is running!', `  - UI: http://localhost:${env.VTSIM_VTORC_PORT}`]));
    expect(out.slice(-2)).toEqual(['Starting vtgate...', 'vtgate is up!']);
    // One process per component, each named by its pid file.
    expect(commandLine(pidIn(join(vtdataroot, 'tmp', 'vtctld.pid')))).toContain(' vtctld --topo_implementation etcd2 ');
    expect(commandLine(pidIn(join(vtdataroot, 'tmp', 'vtgate.pid')))).toContain(' vtgate --topo_implementation etcd2 ');
    expect(commandLine(pidIn(join(vtdataroot, 'tmp', 'vtorc.pid')))).toContain(' vtorc --topo_implementation etcd2 ');
    expect(commandLine(pidIn(join(vtdataroot, 'vt_0000000101', 'vttablet.pid')))).toContain(' vttablet --topo_implementation etcd2 ');
    const vars = (await (await fetch(`http://127.0.0.1:${env.VTSIM_VTGATE_WEB_PORT}/debug/vars`)).json()) as Record<string, unknown>;
    expect(vars).toHaveProperty('HealthcheckConnections');

    expect(await withEnv(`mysql < ${join(scriptsDir, 'insert_commerce_data.sql')}`)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await select('select_commerce_data.sql')).toEqual({ code: 0, stdout: SELECT_COMMERCE_OUTPUT, stderr: '' });
    const tablets = await withEnv('vtctldclient GetTablets --keyspace commerce --shard 0');
    expect(lines(tablets).map((l) => l.split(/\s+/).slice(0, 4).join(' ')).sort()).toEqual([
      'zone1-0000000100 commerce 0 primary',
      'zone1-0000000101 commerce 0 replica',
      'zone1-0000000102 commerce 0 rdonly',
    ]);

    await run('201_customer_tablets.sh');
    // MoveTables from vtctld's process: VReplication in the customer tablets' processes copies from commerce's.
    const moved = await run('202_move_tables.sh');
    expect(moved.stdout).toContain('The following vreplication streams exist for workflow customer.commerce2customer:');
    expect(moved.stdout).toMatch(/The commerce2customer workflow in the customer keyspace is now running\. Copy phase completed at /);
    await run('203_switch_reads.sh');
    const writes = await run('204_switch_writes.sh');
    expect(writes.stdout).toContain('SwitchTraffic was successful for workflow customer.commerce2customer');
    expect(writes.stdout).toContain('Current State: All Reads Switched. Writes Switched');
    expect(await select('select_customer0_data.sql')).toEqual({ code: 0, stdout: selectCustomerOutput('0', [1, 2, 3, 4, 5]), stderr: '' });
    const cleaned = await run('205_clean_commerce.sh');
    expect(cleaned.stdout).toContain('Successfully completed the commerce2customer workflow in the customer keyspace');

    // The seed document's session through the vtgate process's gRPC port, 301–306 by the scripts;
    // its transcripts must equal, event by event, those of the same session in memory.
    const grpc = VtgateClient.connect(`127.0.0.1:${env.VTSIM_GRPC_PORT}`);
    let inProcesses: SeedTranscripts;
    try {
      inProcesses = await seedSession({
        grpc,
        quietMs: 1000,
        step: async (name) => {
          const done = await run(SEED_SCRIPTS[name]);
          if (name !== '305') return;
          expect(done.stdout).toContain('SwitchTraffic was successful for workflow customer.cust2cust');
          expect(await select('select_customer-80_data.sql')).toEqual({ code: 0, stdout: selectCustomerOutput('-80', [1, 2, 3, 5]), stderr: '' });
          expect(await select('select_customer80-_data.sql')).toEqual({ code: 0, stdout: selectCustomerOutput('80-', [4]), stderr: '' });
        },
        insert: async (sql) => expect(await withEnv(`mysql customer <<'SQL'\n${sql}\nSQL`)).toEqual({ code: 0, stdout: '', stderr: '' }),
      });
    } finally {
      grpc.close();
    }
    const inMemory = await seedTranscriptsInMemory();
    for (const name of Object.keys(inMemory) as (keyof SeedTranscripts)[]) {
      expect.soft(firstDifference(inProcesses[name], inMemory[name]), `the ${name} client's events, in processes against in memory`).toBeUndefined();
    }

    // A second replica in -80 (semi_sync: the promoted one needs a replica to acknowledge its commits).
    const extra = await lib('vttablet-up.sh', [], { KEYSPACE: 'customer', SHARD: '-80', TABLET_UID: '311' });
    expect([extra.code, extra.stderr]).toEqual([0, '']);
    const primaryOf = async () => (JSON.parse((await withEnv('vtctldclient GetShard customer/-80')).stdout) as { shard: { primary_alias: { uid: number } | null } }).shard.primary_alias?.uid;
    expect(await primaryOf()).toBe(300);
    const writers = [1, 2].map(
      (n) => new Writer(n, { connect: () => mysql.createConnection({ host: '127.0.0.1', port: Number(env.VTSIM_MYSQL_PORT), user: 'root', database: KEYSPACE }), random: new SeededRandom(`procs-writer-${n}`), classify }),
    );
    // The example's rows carry no version for the VStream client's order checks: they go, once shown.
    expect((await withEnv('mysql customer -e "delete from corder; delete from customer"')).code).toBe(0);
    // A VStream client through the vtgate process, from the start of both shards, across the failover.
    stream = new PictureStream({ address: `127.0.0.1:${env.VTSIM_GRPC_PORT}`, shards: ['-80', '80-'], resumable: (err) => errorCode(err) === Code.UNAVAILABLE });
    const stop = new AbortController();
    const writing = Promise.all(writers.map((w) => w.run(stop.signal)));
    const total = () => writers.reduce((n, w) => n + w.ok, 0);
    let promoted: number | undefined;
    try {
      await waitFor(() => total() > 50, 'the writers to start', 60_000);
      // The real fault: the primary's process (its vttablet and mysqld) dies at once.
      process.kill(pidIn(join(vtdataroot, 'vt_0000000300', 'vttablet.pid')), 'SIGKILL');
      await waitFor(async () => {
        promoted = await primaryOf();
        return promoted !== undefined && promoted !== 300;
      }, 'VTOrc to promote a new primary of customer/-80', 60_000);
      const goal = total() + 50;
      await waitFor(() => total() >= goal, '50 more writes after the failover', 60_000);
    } finally {
      stop.abort();
      await writing;
    }
    expect(promoted).toBe(301);
    for (const w of writers) expect(w.failures, 'writes that failed with an error neither retriable nor of unknown outcome').toEqual([]);
    const recoveries = (await (await fetch(`http://127.0.0.1:${env.VTSIM_VTORC_PORT}/api/recent-recoveries`)).json()) as { RecoveryName: string; SuccessorAlias: string; IsSuccessful: boolean }[];
    expect(recoveries).toContainEqual(expect.objectContaining({ RecoveryName: 'RecoverDeadPrimary', SuccessorAlias: 'zone1-0000000301', IsSuccessful: true }));
    // Every acknowledged write, and nothing else, is in the tables; the VStream client's picture equals them.
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: Number(env.VTSIM_MYSQL_PORT), user: 'root', database: KEYSPACE });
    const tables = { customer: new Map(), corder: new Map() } as Record<(typeof TABLES)[number], Rows>;
    try {
      for (const table of TABLES) {
        const [rows] = await conn.query({ sql: `select * from ${table}`, rowsAsArray: true, typeCast: false });
        tables[table] = new Map((rows as unknown as (Buffer | null)[][]).map((r) => [r[0]!.toString(), r.map((v) => (v === null ? null : v.toString()))]));
        expect(sorted(tables[table]), `${table}: every acknowledged write and nothing else`).toEqual(sorted(modelOf(writers, table)));
      }
    } finally {
      await conn.end();
    }
    const client = stream;
    const same = () => TABLES.every((t) => JSON.stringify(sorted(client.picture[t])) === JSON.stringify(sorted(tables[t])));
    await waitFor(same, 'the VStream picture to equal the tables', 30_000).catch(() => undefined);
    await client.close();
    expect(client.problems).toEqual([]);
    for (const table of TABLES) expect(sorted(client.picture[table]), `${table}: the VStream picture`).toEqual(sorted(tables[table]));

    const pids = pidFiles().map(pidIn);
    const teardown = await run('401_teardown.sh');
    expect(lines(teardown).slice(0, 3)).toEqual(['Stopping vtorc.', 'Stopping vtgate...', 'Shutting down tablet zone1-0000000100']);
    for (const uid of [101, 102, 300, 301, 302, 311, 400, 401, 402]) {
      expect(lines(teardown)).toContain(`Shutting down tablet zone1-0000000${uid}`);
      expect(lines(teardown)).toContain(`Shutting down MySQL for tablet zone1-0000000${uid}...`);
    }
    expect(lines(teardown).slice(-4)).toEqual(['mysqlctls are stopped!', 'Stopping vtctld...', 'Stopping etcd...', 'All good! It looks like every process has shut down']);
    for (const pid of pids) expect(processAlive(pid)).toBe(false);
    expect(readdirSync(vtdataroot)).toEqual([]);
    for (const port of ports) expect(await listening(port)).toBe(false);
  }, 600_000);
});
