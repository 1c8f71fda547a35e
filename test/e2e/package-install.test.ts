// Issue 10, item 1: the installable package. `npm run package`'s tool builds dist/vtsim-<version>.tgz;
// it is installed into an empty prefix with an empty npm cache and --offline (nothing may come from
// the registry), and its executables are run as a user runs them: `vtsim --help`, `vttestserver`
// with vttestserver's command line (--port P: the JSON config on stdout, the real `mysql` client on
// P+3, the installed `vtctldclient` and `vtsim vstream` on the one gRPC port P+1), SIGTERM and
// `vtsim down` stopping it, and `npx ./dist/vtsim-<version>.tgz`.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import mysql from 'mysql2/promise';
import { mysqlCliInstalled, runMysql } from '../harness/mysql-cli.js';
import { VTSIM_ROOT } from '@vtsim/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, processAlive, runProcess, vtsimEnv } from '../harness/vtsim-cli.js';

/** A base port P with P+1 and P+3 free a moment ago (vttestserver's layout). */
async function freeBase(): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base < 65500 && (await isFree(base + 1)) && (await isFree(base + 3))) return base;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer().once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * Runs statements with the real `mysql` client (batch mode: rows as tab-separated text), or with
 * mysql2 where the client is not installed (outside CI, where its absence fails the test).
 */
async function sql(port: number, statements: string): Promise<string[][]> {
  if (mysqlCliInstalled) {
    const run = await runMysql(port, ['--batch', '--skip-column-names', '-e', statements]);
    if (run.code !== 0) throw new Error(run.stderr);
    return run.stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));
  }
  if (process.env.CI) throw new Error('the mysql client is not installed; .ci/run installs mariadb-client');
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', multipleStatements: true });
  try {
    const [rows] = await conn.query({ sql: statements, rowsAsArray: true });
    return Array.isArray(rows) && Array.isArray(rows[0]) ? (rows as unknown[][]).map((r) => r.map(String)) : [];
  } finally {
    await conn.end();
  }
}

/** Runs the installed `vtsim vstream` against a.t until its first ROW event; resolves with that output line. */
function firstVStreamRow(vtsimBin: string, grpcPort: number, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(vtsimBin, ['vstream', '--server', `127.0.0.1:${grpcPort}`, '--keyspace', 'a', '--filter', 't', '--format', 'json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const row = out.split('\n').find((line) => line.includes('"type":"ROW"'));
      if (row) {
        clearTimeout(timer);
        child.kill('SIGTERM');
        resolve(row);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`vtsim vstream ended without a ROW event:\n${out}${err}`));
    });
  });
}

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

  it('vttestserver --port P serves MySQL on P+3 and VStream and vtctld on P+1; SIGTERM and vtsim down leave no process', async () => {
    const schema = join(place, 'schema');
    mkdirSync(join(schema, 'a'), { recursive: true });
    mkdirSync(join(schema, 'b'), { recursive: true });
    writeFileSync(join(schema, 'a', 'schema.sql'), 'create table t(id bigint primary key, v varchar(10));\n');
    writeFileSync(join(schema, 'b', 'schema.sql'), 'create table u(id bigint primary key);\n');
    writeFileSync(join(schema, 'b', 'vschema.json'), JSON.stringify({ sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { u: { column_vindexes: [{ column: 'id', name: 'hash' }] } } }));
    const env = vtsimEnv(join(place, 'vtdataroot'));

    for (const stopWith of ['SIGTERM', 'vtsim down'] as const) {
      const base = await freeBase();
      server = spawn(bin('vttestserver'), ['--port', String(base), '--keyspaces', 'a,b', '--num_shards', '1,2', '--schema_dir', schema], { env, cwd: place, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      server.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
      server.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
      const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));
      const deadline = Date.now() + 20_000;
      while (!out.includes('\n')) {
        if (Date.now() > deadline || server.exitCode !== null) throw new Error(`vttestserver did not come up:\n${out}${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      // The JSON config is stdout's one line.
      expect(out.split('\n')).toEqual([expect.any(String), '']);
      expect(JSON.parse(out)).toMatchObject({ port: base, 'grpc-port': base + 1, vtcombo_mysql_port: base + 3 });

      await sql(base + 3, "insert into a.t values (1, 'x'); insert into b.u (id) values (1), (2), (3)");
      expect(await sql(base + 3, 'show vitess_shards')).toEqual([['a/0'], ['b/-80'], ['b/80-']]);
      expect(await sql(base + 3, 'select id from b.u order by id')).toEqual([['1'], ['2'], ['3']]);

      // One gRPC port: vtctld's service (the installed vtctldclient)…
      const keyspaces = await runProcess(bin('vtctldclient'), ['--server', `localhost:${base + 1}`, 'GetKeyspaces'], { env, cwd: place });
      expect(keyspaces.code, keyspaces.stderr).toBe(0);
      expect((JSON.parse(keyspaces.stdout) as { name: string }[]).map((k) => k.name).sort()).toEqual(['a', 'b']);
      // …and vtgate's VStream (the installed `vtsim vstream`), which copies a.t's row.
      expect(await firstVStreamRow(bin('vtsim'), base + 1, env)).toContain('"type":"ROW"');
      // The live view's page and script come from the package itself (web/), and its data with them.
      const page = await fetch(`http://127.0.0.1:${base}/`);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<script src="/view.js"></script>');
      expect((await fetch(`http://127.0.0.1:${base}/view.js`)).status).toBe(200);
      const view = (await (await fetch(`http://127.0.0.1:${base}/api/view`)).json()) as { keyspaces: { name: string; shards: { name: string }[] }[] };
      expect(view.keyspaces.map((k) => `${k.name}:${k.shards.map((sh) => sh.name).join(',')}`)).toEqual(['a:0', 'b:-80,80-']);

      if (stopWith === 'SIGTERM') server.kill('SIGTERM');
      else {
        const down = await runProcess(bin('vtsim'), ['down'], { env, cwd: place });
        expect(down.code, down.stderr).toBe(0);
      }
      expect(await exited).toBe(0);
      expect(err).toContain('vtsim cluster stopped');
      expect(existsSync(join(place, 'vtdataroot', 'tmp', 'vtsim.pid'))).toBe(false);
    }
  }, 90_000);

  it('npx runs the tarball', async () => {
    const run = await runProcess('npx', ['--yes', ...npmOffline, `./dist/vtsim-${version}.tgz`, '--help'], { env: process.env, cwd: VTSIM_ROOT });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^usage: vtsim <command>/);
  }, 60_000);
});
