// Issue 10, item 2: the `vttestserver` bin with vttestserver's command line. `--port P` gives
// vttestserver's layout (web P, one gRPC port P+1 serving vtgate's and vtctld's services, vtgate's
// MySQL P+3); the JSON config is the one stdout line; both flag spellings and Go's single dash are
// read; `--proto_topo` defines the keyspaces; `mysqladmin ping` answers; SIGTERM stops it with exit 0.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { VTSIM_ROOT } from '@vtsim/proto';
import { dialVtctld } from '@vtsim/vtctld';
import { VtgateClient } from '@vtsim/vtgate';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, freePort, vtsimEnv } from '../harness/vtsim-cli.js';

const vttestserverMain = join(VTSIM_ROOT, 'packages/cli/dist/vttestserver-main.js');
const mysqladminInstalled = spawnSync('mysqladmin', ['--version'], { stdio: 'ignore' }).status === 0;

/** A running vttestserver process: its stdout lines, stderr text, and exit. */
interface Served {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  config: Record<string, string | number>;
}

/** A free base port P whose P+1 and P+3 were free a moment ago too. */
async function freeBase(): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base > 65500) continue;
    const probe = await Promise.all([base + 1, base + 3].map((p) => new Promise<boolean>((resolve) => {
      const s = createServer().once('error', () => resolve(false)).listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    })));
    if (probe.every(Boolean)) return base;
  }
}

const root = mkdtempSync(join(tmpdir(), 'vttestserver-cli-'));
const running: ChildProcess[] = [];

/** Starts vttestserver with `args`, resolving once its JSON config line is out (or rejecting with its output). */
async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [vttestserverMain, ...args], { env: vtsimEnv(join(root, 'vtdataroot')), cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (!out.includes('\n')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`vttestserver did not serve:\n${out}${err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, stdout: () => out, stderr: () => err, exited, config: JSON.parse(out) as Record<string, string | number> };
}

beforeAll(async () => {
  await ensureCliBuilt();
  mkdirSync(join(root, 'schema', 'a'), { recursive: true });
  mkdirSync(join(root, 'schema', 'b'), { recursive: true });
  writeFileSync(join(root, 'schema', 'a', '1.sql'), 'create table t(id bigint primary key, v varchar(10));\n');
  writeFileSync(join(root, 'schema', 'b', '1.sql'), 'create table u(id bigint primary key);\n');
  writeFileSync(join(root, 'schema', 'b', 'vschema.json'), JSON.stringify({ sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { u: { column_vindexes: [{ column: 'id', name: 'hash' }] } } }));
}, 60_000);

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('vttestserver --port P --keyspaces a,b --num_shards 1,2 --schema_dir D', () => {
  it('prints the JSON config alone on stdout and serves MySQL on P+3, VStream and vtctld on P+1; SIGTERM stops it', async () => {
    const base = await freeBase();
    const served = await serve(['--port', String(base), '--keyspaces', 'a,b', '--num_shards', '1,2', '--schema_dir', 'schema', '-mysql_server_version=8.0.99-test', '--extra_my_cnf', 'x.cnf']);
    expect(served.stdout().split('\n')).toHaveLength(2);
    expect(served.config).toEqual({
      bind_address: '127.0.0.1', port: base, 'grpc-bind-address': '127.0.0.1', socket: '', vtcombo_mysql_port: base + 3, mysql: base + 2,
      'grpc-port': base + 1, grpc_port: base + 1,
    });
    expect(served.stderr()).toContain('note: --extra-my-cnf is accepted and ignored');

    const conn = await mysql.createConnection({ host: '127.0.0.1', port: base + 3, user: 'root' });
    try {
      const [version] = await conn.query({ sql: 'select @@version', rowsAsArray: true });
      expect(version).toEqual([['8.0.99-test']]);
      const [shards] = await conn.query({ sql: 'show vitess_shards', rowsAsArray: true });
      expect(shards).toEqual([['a/0'], ['b/-80'], ['b/80-']]);
      await conn.query("insert into a.t values (1, 'x')");
      await conn.query('insert into b.u (id) values (1), (2), (3), (4)');
      const [rows] = await conn.query({ sql: 'select id from b.u order by id', rowsAsArray: true });
      expect(rows).toEqual([[1], [2], [3], [4]]);
    } finally {
      await conn.end();
    }

    // vtcombo's one gRPC port: vtctld's service…
    const vtctld = dialVtctld(`127.0.0.1:${base + 1}`);
    try {
      const keyspaces = await vtctld.call<{ keyspaces: { name: string }[] }>('GetKeyspaces', {});
      expect(keyspaces.keyspaces.map((k) => k.name).sort()).toEqual(['a', 'b']);
    } finally {
      vtctld.close();
    }
    // …and vtgate's, VStream included.
    const vtgate = VtgateClient.connect(`127.0.0.1:${base + 1}`, { enums: 'names' });
    const stop = new AbortController();
    try {
      const types: string[] = [];
      for await (const response of vtgate.vstream({ tablet_type: 'PRIMARY', vgtid: { shard_gtids: [{ keyspace: 'a', shard: '0', gtid: '' }] }, filter: { rules: [{ match: 't' }] } }, stop.signal)) {
        for (const event of (response as { events: { type: string }[] }).events) types.push(event.type);
        if (types.includes('ROW')) break;
      }
      expect(types).toContain('ROW');
    } finally {
      stop.abort();
      vtgate.close();
    }

    if (mysqladminInstalled) {
      const ping = spawnSync('mysqladmin', ['--no-defaults', 'ping', '-h127.0.0.1', `-P${base + 3}`], { encoding: 'utf8' });
      expect(ping.status, ping.stderr).toBe(0);
      expect(ping.stdout).toContain('mysqld is alive');
    } else if (process.env.CI) {
      throw new Error('mysqladmin is not installed; .ci/run installs mariadb-client');
    }

    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    expect(served.stderr()).toContain('vtsim cluster stopped');
  }, 60_000);

  it('reads --proto_topo, dashed flags and a random base port (vttestserver without --port)', async () => {
    const topo = 'keyspaces { name: "p" shards { name: "-80" } shards { name: "80-" } replica_count: 1 rdonly_count: 1 } cells: "c1" cells: "c2"';
    const served = await serve(['--proto-topo', topo, '--enable-online-ddl=false', '--transaction-mode', 'multi']);
    const base = served.config.port as number;
    expect(served.config.vtcombo_mysql_port).toBe(base + 3);
    const vtctld = dialVtctld(`127.0.0.1:${base + 1}`);
    try {
      const { tablets } = await vtctld.call<{ tablets: { alias: { cell: string; uid: number }; shard: string; type: string }[] }>('GetTablets', {});
      // vtcombo's placement: in the first cell a PRIMARY (replica_count 1 = the primary alone) and an
      // RDONLY per shard, in the second one replica_count REPLICAs and an RDONLY.
      expect(tablets.map((t) => `${t.alias.cell}-${t.alias.uid} ${t.shard} ${t.type}`).sort()).toEqual([
        'c1-1 -80 PRIMARY', 'c1-2 -80 RDONLY', 'c1-5 80- PRIMARY', 'c1-6 80- RDONLY',
        'c2-3 -80 REPLICA', 'c2-4 -80 RDONLY', 'c2-7 80- REPLICA', 'c2-8 80- RDONLY',
      ]);
    } finally {
      vtctld.close();
    }
    served.child.kill('SIGINT');
    expect(await served.exited).toBe(0);
  }, 60_000);

  it('--persistent_mode --data_dir keeps rows across a restart; --initialize_with_random_data seeds the first start only', async () => {
    const dataDir = join(root, 'persistent');
    const args = ['--keyspaces', 'a', '--num_shards', '1', '--schema_dir', 'schema', '--persistent_mode', '--data_dir', dataDir,
      '--initialize_with_random_data', '--min_table_shard_size', '5', '--max_table_shard_size', '10', '--rng_seed', '7'];
    const count = async (port: number): Promise<number> => {
      const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
      try {
        const [rows] = await conn.query({ sql: 'select count(*) from a.t', rowsAsArray: true });
        return Number((rows as unknown[][])[0]![0]);
      } finally {
        await conn.end();
      }
    };
    const first = await serve(args);
    const seeded = await count(first.config.vtcombo_mysql_port as number);
    expect(seeded).toBeGreaterThanOrEqual(5);
    expect(seeded).toBeLessThan(10);
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: first.config.vtcombo_mysql_port as number, user: 'root' });
    await conn.query("insert into a.t values (1000, 'kept')");
    await conn.end();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await serve(args);
    expect(await count(second.config.vtcombo_mysql_port as number)).toBe(seeded + 1);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
