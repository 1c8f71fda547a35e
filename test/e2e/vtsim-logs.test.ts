// Issue 10, item 4, logs: `vtsim up --log-format json --log-level info` run as a process writes one
// JSON object per line on stderr (stdout stays empty): a line per tablet state change, per
// reparent and per workflow step (Reshard create, each table's copy, SwitchTraffic with its
// journals, Complete). `--log-level warn` keeps only warnings and errors; a bad value is refused
// before anything starts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA, VSCHEMA } from '../harness/customer-workload.js';
import { clusterPlace, ensureCliBuilt, runVtsim, vtsimMain, type ClusterPlace } from '../harness/vtsim-cli.js';

/** A cluster log line as `--log-format json` writes it. */
interface LogRecord {
  time: string;
  level: string;
  msg: string;
  component?: string;
  [field: string]: unknown;
}

/** A foreground `vtsim up` and what it printed so far. */
interface Running {
  child: ChildProcess;
  stdout: () => string;
  records: () => LogRecord[];
  exited: Promise<number | null>;
}

let place: ClusterPlace | undefined;
let running: Running | undefined;

beforeAll(ensureCliBuilt, 180_000);

afterEach(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  running = undefined;
  place?.stop();
  place = undefined;
});

/** Starts `vtsim up` in the foreground on the place's ports with a `customer` keyspace (one shard, two replicas). */
async function up(p: ClusterPlace, ...logFlags: string[]): Promise<Running> {
  const schemaDir = join(p.root, 'schema');
  mkdirSync(join(schemaDir, 'customer'), { recursive: true });
  writeFileSync(join(schemaDir, 'customer', 'customer.sql'), SCHEMA);
  writeFileSync(join(schemaDir, 'customer', 'vschema.json'), JSON.stringify(VSCHEMA));
  const args = [vtsimMain, 'up', '--port', String(p.web), '--mysql-port', String(p.mysqlPort), '--grpc-port', String(p.grpcPort),
    '--vtctld-grpc-port', String(p.vtctldPort), '--keyspaces', 'customer', '--num-shards', '1', '--replica-count', '2', '--rdonly-count', '0',
    '--schema-dir', schemaDir, ...logFlags];
  const child = spawn(process.execPath, args, { env: p.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const run: Running = {
    child,
    stdout: () => stdout,
    // Every complete line must be a JSON object; a partial last line waits for its newline.
    records: () => stderr.split('\n').slice(0, -1).map((line) => JSON.parse(line) as LogRecord),
    exited,
  };
  // The cluster is ready when its control endpoint answers (the last thing up starts).
  await until('the cluster to answer', async () => (await fetch(`http://127.0.0.1:${p.web}/api/status`).then((r) => r.ok, () => false)) || child.exitCode !== null);
  if (child.exitCode !== null) throw new Error(`vtsim up exited with ${child.exitCode}:\n${stderr}`);
  return run;
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `vtsim vtctldclient --server <the place's vtctld> args` and expects success. */
async function vtctldclient(p: ClusterPlace, ...args: string[]): Promise<string> {
  const run = await runVtsim(['vtctldclient', '--server', `127.0.0.1:${p.vtctldPort}`, ...args], { env: p.env });
  expect(run.stderr, `vtctldclient ${args.join(' ')}`).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}

/** The records matching `fields` (a subset of each record's fields). */
function matching(records: LogRecord[], fields: Record<string, unknown>): LogRecord[] {
  return records.filter((r) => Object.entries(fields).every(([k, v]) => JSON.stringify(r[k]) === JSON.stringify(v)));
}

/** The tablet-state transitions logged for `tablet`, in order. */
function transitions(records: LogRecord[], tablet: string): string[] {
  return matching(records, { msg: 'tablet state changed', tablet }).map((r) => r.transition as string);
}

describe('vtsim up --log-format json --log-level info', () => {
  it('logs one JSON line per tablet state change, reparent and workflow step on stderr, nothing on stdout', async () => {
    place = await clusterPlace();
    const p = place;
    const run = (running = await up(p, '--log-format', 'json', '--log-level', 'info'));

    // Every line: an object with time, level, msg and the component that wrote it.
    for (const r of run.records()) {
      expect(r).toEqual(expect.objectContaining({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: 'INFO', msg: expect.any(String), component: expect.any(String) }));
    }
    expect(transitions(run.records(), 'zone1-0000000001')).toEqual(['REPLICA: Not Serving -> PRIMARY: Serving']);
    expect(transitions(run.records(), 'zone1-0000000002')).toEqual(['REPLICA: Not Serving -> REPLICA: Serving']);
    expect(matching(run.records(), { msg: 'tablet state changed', tablet: 'zone1-0000000001' })[0]).toMatchObject({
      component: 'vttablet', keyspace: 'customer', shard: '0', type: 'PRIMARY', serving: true,
    });
    expect(matching(run.records(), { component: 'vtgate', msg: 'vtgate up' })).toEqual([expect.objectContaining({ mysql_port: p.mysqlPort, grpc_port: p.grpcPort })]);
    expect(matching(run.records(), { component: 'vtsim', msg: 'vtsim cluster is up' })).toHaveLength(1);

    const db = await mysql.createConnection({ host: '127.0.0.1', port: p.mysqlPort, user: 'root', database: 'customer' });
    try {
      await db.query("insert into customer (customer_id, email) values (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
      await db.query("insert into corder (order_id, customer_id, sku, price) values (1, 1, 'x', 10), (2, 4, 'y', 20)");
    } finally {
      await db.end();
    }

    // A planned reparent: one line for vtctld's step, one per tablet whose type changed.
    await vtctldclient(p, 'PlannedReparentShard', 'customer/0', '--new-primary', 'zone1-0000000002');
    expect(matching(run.records(), { component: 'vtctld', msg: 'PlannedReparentShard done' })).toEqual([
      expect.objectContaining({ keyspace: 'customer', shard: '0', promoted_primary: 'zone1-0000000002' }),
    ]);
    expect(transitions(run.records(), 'zone1-0000000002').slice(1)).toEqual(['REPLICA: Serving -> PRIMARY: Serving']);
    expect(transitions(run.records(), 'zone1-0000000001').slice(1)).toEqual(['PRIMARY: Serving -> REPLICA: Serving']);

    // A Reshard 0 → -80, 80-: the new tablets, the step, each table's copy on each target, the cutover.
    for (const [shard, uids] of [['-80', [300, 301]], ['80-', [400, 401]]] as const) {
      for (const uid of uids) expect((await p.vtsim('tablet', 'up', '--keyspace', 'customer', '--shard', shard, '--uid', String(uid))).code).toBe(0);
    }
    expect(transitions(run.records(), 'zone1-0000000300')).toEqual(['REPLICA: Not Serving -> PRIMARY: Serving']);
    expect(transitions(run.records(), 'zone1-0000000401')).toEqual(['REPLICA: Not Serving -> REPLICA: Serving']);
    await vtctldclient(p, 'Reshard', '--workflow', 'cust2cust', '--target-keyspace', 'customer', 'create', '--source-shards', '0', '--target-shards', '-80,80-');
    expect(matching(run.records(), { component: 'vtctld', msg: 'Reshard create done' })).toEqual([
      expect.objectContaining({ workflow: 'cust2cust', keyspace: 'customer', source_shards: ['0'], target_shards: ['-80', '80-'] }),
    ]);
    await until('both copies to finish', () => matching(run.records(), { msg: 'vreplication copy phase done', workflow: 'cust2cust' }).length === 2);
    for (const tablet of ['zone1-0000000300', 'zone1-0000000400']) {
      const copy = matching(run.records(), { component: 'vttablet', tablet, workflow: 'cust2cust' }).filter((r) => r.msg.startsWith('vreplication table copy'));
      expect(copy.map((r) => `${r.msg} ${r.table as string}`).sort()).toEqual([
        'vreplication table copy done corder', 'vreplication table copy done customer',
        'vreplication table copy started corder', 'vreplication table copy started customer',
      ]);
      expect(copy.every((r) => r.source_shard === 'customer/0')).toBe(true);
    }

    await vtctldclient(p, 'Reshard', '--workflow', 'cust2cust', '--target-keyspace', 'customer', 'switchtraffic');
    expect(matching(run.records(), { component: 'vtctld', msg: 'SwitchTraffic: journals created' })).toEqual([
      expect.objectContaining({ workflow: 'cust2cust', keyspace: 'customer', journal_id: expect.stringMatching(/^\d+$/), source_shards: ['0'] }),
    ]);
    expect(matching(run.records(), { component: 'vtctld', msg: 'SwitchTraffic done', workflow: 'cust2cust' })).toHaveLength(1);
    await vtctldclient(p, 'Reshard', '--workflow', 'cust2cust', '--target-keyspace', 'customer', 'complete');
    expect(matching(run.records(), { component: 'vtctld', msg: 'Complete done', workflow: 'cust2cust', keyspace: 'customer' })).toHaveLength(1);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(matching(run.records(), { component: 'vtsim', msg: 'vtsim cluster stopped' })).toHaveLength(1);
    expect(run.records().every((r) => r.level === 'INFO' && typeof r.component === 'string')).toBe(true);
    // stdout holds vttestserver's JSON config line alone.
    expect(run.stdout().split('\n')).toEqual([expect.stringMatching(/^\{"bind_address":/), '']);
  }, 90_000);
});

describe('vtsim up --log-level warn', () => {
  it('writes the failed step and none of the info lines', async () => {
    place = await clusterPlace();
    const p = place;
    const run = (running = await up(p, '--log-format', 'json', '--log-level', 'warn'));
    const failed = await runVtsim(['vtctldclient', '--server', `127.0.0.1:${p.vtctldPort}`, 'PlannedReparentShard', 'customer/0', '--new-primary', 'zone1-0000000999'], { env: p.env });
    expect(failed.code).toBe(1);
    await vtctldclient(p, 'PlannedReparentShard', 'customer/0', '--new-primary', 'zone1-0000000002');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.records()).toEqual([
      expect.objectContaining({ level: 'ERROR', component: 'vtctld', msg: 'PlannedReparentShard failed', keyspace: 'customer', shard: '0', error: expect.any(String) }),
    ]);
  }, 60_000);
});

describe('bad logging flags', () => {
  it('are refused with the flag and the accepted values, exit 1, before anything listens', async () => {
    place = await clusterPlace();
    const p = place;
    expect(await p.vtsim('up', '--log-level', 'loud')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: invalid log-level "loud": expected debug, info, warn, or error\n' });
    expect(await p.vtsim('up', '--log-format', 'xml')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: invalid log-format "xml": expected text (or logfmt) or json\n' });
    await expect(fetch(`http://127.0.0.1:${p.web}/api/status`)).rejects.toThrow();
  });
});
