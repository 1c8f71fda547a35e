// Issue 10, item 1: the installable package. `npm run package`'s tool builds dist/vtsim-<version>.tgz;
// it is installed into an empty prefix with an empty npm cache and --offline (nothing may come from
// the registry), and its executables are run as a user runs them: `vtsim --help`, `vttestserver`
// serving a two-shard keyspace to mysql2 and the installed `vtctldclient`, `vtsim down` stopping it,
// and `npx ./dist/vtsim-<version>.tgz`.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import mysql from 'mysql2/promise';
import { VTSIM_ROOT } from '@vtsim/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, processAlive, runProcess, vtsimEnv } from '../harness/vtsim-cli.js';

const version = (JSON.parse(readFileSync(join(VTSIM_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const tarball = join(VTSIM_ROOT, 'dist', `vtsim-${version}.tgz`);

describe('the installable vtsim package', () => {
  const place = mkdtempSync(join(tmpdir(), 'vtsim-package-'));
  const prefix = join(place, 'prefix');
  const bin = (name: string) => join(prefix, 'bin', name);
  const npmOffline = ['--cache', join(place, 'npm-cache'), '--offline'];
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    const packed = await runProcess(process.execPath, [join(VTSIM_ROOT, 'tools', 'package.mjs')], { env: process.env });
    expect(packed.stderr).toBe('');
    expect(packed.stdout.trim()).toBe(tarball);
    const installed = await runProcess('npm', ['install', '-g', '--prefix', prefix, ...npmOffline, '--no-audit', '--no-fund', tarball], { env: process.env, cwd: place });
    expect(installed.code, installed.stderr).toBe(0);
  }, 120_000);

  afterAll(() => {
    if (server?.pid && processAlive(server.pid)) server.kill('SIGKILL');
    rmSync(place, { recursive: true, force: true });
  });

  it('holds one bundle with the .proto files and no dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'vtsim', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.name).toBe('vtsim');
    expect(pkg.dependencies).toBeUndefined();
    expect(Object.keys(pkg.bin as object).sort()).toEqual(['vtctldclient', 'vtsim', 'vttestserver']);
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'vtsim', 'proto', 'vtctlservice.proto'))).toBe(true);
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'vtsim', 'node_modules'))).toBe(false);
  });

  it('vtsim --help and vtctldclient --help answer from the installed bins', async () => {
    const help = await runProcess(bin('vtsim'), ['--help'], { env: process.env, cwd: place });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: vtsim <command>/);
    const ctl = await runProcess(bin('vtctldclient'), ['--help'], { env: process.env, cwd: place });
    expect(ctl.code).toBe(0);
    expect(ctl.stdout).toContain('vtctldclient [command]');
  });

  it('vttestserver serves a sharded keyspace to mysql2 and vtctldclient; vtsim down stops it', async () => {
    const [web, mysqlPort, grpcPort, vtctldPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env = vtsimEnv(join(place, 'vtdataroot'));
    const ports = ['--port', String(web), '--mysql-port', String(mysqlPort), '--grpc-port', String(grpcPort), '--vtctld-grpc-port', String(vtctldPort)];
    server = spawn(bin('vttestserver'), [...ports, '--keyspaces', 'ks', '--num-shards', '2'], { env, cwd: place, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    server.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    server.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!out.includes('vtsim cluster is up')) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`vttestserver did not come up:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    const conn = await mysql.createConnection({ host: '127.0.0.1', port: mysqlPort, user: 'root', database: 'ks' });
    try {
      const [shards] = await conn.query({ sql: 'show vitess_shards', rowsAsArray: true });
      expect(shards).toEqual([['ks/-80'], ['ks/80-']]);
      await conn.query('create table t(id bigint primary key, v varchar(10))');
      await conn.query("insert into t values (1, 'a'), (2, 'b'), (3, 'c')");
      const [rows] = await conn.query({ sql: 'select id, v from t order by id', rowsAsArray: true });
      expect(rows).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    } finally {
      await conn.end();
    }

    const keyspaces = await runProcess(bin('vtctldclient'), ['--server', `localhost:${vtctldPort}`, 'GetKeyspaces'], { env, cwd: place });
    expect(keyspaces.code, keyspaces.stderr).toBe(0);
    expect((JSON.parse(keyspaces.stdout) as { name: string }[]).map((k) => k.name)).toEqual(['ks']);

    const down = await runProcess(bin('vtsim'), ['down'], { env, cwd: place });
    expect(down.code, down.stderr).toBe(0);
    expect(await exited).toBe(0);
    expect(out).toContain('vtsim cluster stopped');
  }, 60_000);

  it('npx runs the tarball', async () => {
    const run = await runProcess('npx', ['--yes', ...npmOffline, `./dist/vtsim-${version}.tgz`, '--help'], { env: process.env, cwd: VTSIM_ROOT });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^usage: vtsim <command>/);
  }, 60_000);
});
