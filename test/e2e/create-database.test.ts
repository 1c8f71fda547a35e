// Issue 10 item 3: CREATE DATABASE / DROP DATABASE through vtgate, as vtcombo's DBDDL plugin does
// them. `CREATE DATABASE x` from the real mysql client creates an unsharded keyspace `x` (shard 0,
// a primary, a replica and an rdonly) that takes `use x; create table …; insert …` as soon as the
// statement returns; `DROP DATABASE x` removes the keyspace, its tablets and its serving graph.
// Errors are Vitess's (1007 / 1008 with their VT codes) and IF [NOT] EXISTS makes them no-ops (a
// vtgate without a plugin refuses both: packages/vtgate/test/vtgate-vschema-ddl.test.ts).
// The errno/SQLSTATE of each outcome is checked against a real MariaDB server (Debian's
// mariadb-server, skipped without it except under CI).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cluster } from '@vtsim/cli';
import { TabletType } from '@vtsim/proto';
import { describeMysqlCli, runMysql, runMysqlClient, type MysqlRun } from '../harness/mysql-cli.js';

describeMysqlCli('CREATE / DROP DATABASE through vtgate (mysql client)', () => {
  let cluster: Cluster;
  let port: number;

  beforeAll(async () => {
    cluster = await Cluster.start({ mysqlPort: 0 });
    await cluster.addTablet({ keyspace: 'commerce', shard: '0', uid: 100 });
    port = (await cluster.startVtgate()).mysqlAddress!.port;
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('creates a keyspace ready for DDL and DML at once, then drops it', async () => {
    const created = await runMysql(port, ['-vv'], 'create database fixture1;\nuse fixture1;\ncreate table t (id bigint primary key, v varchar(10));\ninsert into t values (1, \'a\'), (2, \'b\');\nselect id, v from t order by id;\n');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Query OK, 1 row affected');
    expect(created.stdout).toMatch(/1\ta\n2\tb\n/);
    const tablets = await cluster.topo.getTabletsByShard('fixture1', '0');
    expect(tablets.map((t) => TabletType[t.tablet.type]).sort()).toEqual(['PRIMARY', 'RDONLY', 'REPLICA']);
    expect(tablets.every((t) => t.tablet.alias.uid >= 200)).toBe(true);

    const shown = await runMysql(port, ['-N', '-e', 'show databases like "fixture%"']);
    expect(shown.stdout).toBe('fixture1\n');

    const dropped = await runMysql(port, ['-e', 'drop database fixture1; show databases like "fixture%"']);
    expect(dropped.stderr).toBe('');
    expect(dropped.stdout).toBe('');
    expect(await cluster.topo.getKeyspaces()).toEqual(['commerce']);
    expect([...cluster.tabletMap().keys()]).toEqual(['zone1-0000000100']);
    const use = await runMysql(port, ['-e', 'use fixture1']);
    expect(use.stderr).toContain("ERROR 1049 (42000) at line 1: Unknown database 'fixture1'");

    // The name can be used again: a new, empty keyspace.
    const again = await runMysql(port, ['-e', 'create database fixture1; use fixture1; show tables; create table t (id int primary key); insert into t values (9); select * from t; drop database fixture1']);
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe('id\n9\n');
  });

  it("answers Vitess's errors for an existing or missing database, and no-ops with IF [NOT] EXISTS", async () => {
    const exists = await runMysql(port, ['-e', 'create database commerce']);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain("ERROR 1007 (HY000) at line 1: VT06001: cannot create database 'commerce'; database exists");
    const missing = await runMysql(port, ['-e', 'drop database nosuch']);
    expect(missing.stderr).toContain("ERROR 1008 (HY000) at line 1: VT05001: cannot drop database 'nosuch'; database does not exists");
    const quiet = await runMysql(port, ['-e', 'create database if not exists commerce; drop schema if exists nosuch; select 1']);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe('1\n1\n');
    const syntax = await runMysql(port, ['-e', 'create database']);
    expect(syntax.stderr).toContain('ERROR 1064 (42000) at line 1: syntax error at position 16');
    expect(await cluster.topo.getKeyspaces()).toEqual(['commerce']);
  });

  it('serves concurrent clients, each creating, filling and dropping its own database', async () => {
    const names = ['par_a', 'par_b', 'par_c', 'par_d', 'par_e'];
    const runs = await Promise.all(names.map((db, i) =>
      runMysql(port, ['-N', '-e', `create database ${db}; use ${db}; create table t (id int primary key); insert into t values (${i}); select id from t; drop database ${db}`]),
    ));
    expect(runs.map((r) => r.stderr)).toEqual(names.map(() => ''));
    expect(runs.map((r) => r.stdout)).toEqual(names.map((_, i) => `${i}\n`));
    const same = await Promise.all([0, 1, 2].map(() => runMysql(port, ['-e', 'create database twice'])));
    expect(same.filter((r) => r.code === 0)).toHaveLength(1);
    for (const r of same.filter((x) => x.code !== 0)) expect(r.stderr).toContain("ERROR 1007 (HY000) at line 1: VT06001: cannot create database 'twice'; database exists");
    await runMysql(port, ['-e', 'drop database twice']);
    expect(await cluster.topo.getKeyspaces()).toEqual(['commerce']);
  });

  it('creates a database with create options, back to back with others', async () => {
    const r = await runMysql(port, ['-e', 'create database f2 default character set utf8mb4 collate utf8mb4_0900_ai_ci; create schema f3; use f3; create table u (id int primary key); insert into u values (7); select * from f3.u; drop database f2; drop database f3']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('id\n7\n');
    expect(await cluster.topo.getKeyspaces()).toEqual(['commerce']);
  });
});

/** True when Debian's mariadb-server is installed (the differential reference). */
const mariadbInstalled = spawnSync('mariadbd', ['--version'], { stdio: 'ignore' }).status === 0;

/** A throwaway MariaDB server on a socket in a temporary directory (no grant tables, no network). */
async function startMariadb(): Promise<{ run(sql: string): Promise<MysqlRun>; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'vtsim-mariadb-'));
  mkdirSync(join(dir, 'data'));
  const socket = join(dir, 'sock');
  const user = spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim();
  const server: ChildProcess = spawn('mariadbd', ['--no-defaults', `--datadir=${join(dir, 'data')}`, `--socket=${socket}`, '--skip-networking', '--skip-grant-tables', `--user=${user}`, '--innodb-buffer-pool-size=8M'], { stdio: 'ignore' });
  const run = (sql: string) => runMysqlClient(['-S', socket], ['-e', sql]);
  const deadline = Date.now() + 20_000;
  while (!existsSync(socket) || (await run('select 1')).code !== 0) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error('mariadbd did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    run,
    async stop() {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `ERROR errno (state)` of a client run, or `OK`. */
function errorCode(r: MysqlRun): string {
  return /^ERROR (\d+ \([0-9A-Z]+\))/m.exec(r.stderr)?.[1] ?? (r.code === 0 ? 'OK' : r.stderr);
}

describeMysqlCli('CREATE / DROP DATABASE error codes against MariaDB (differential)', () => {
  if (!mariadbInstalled) {
    if (process.env.CI) it('needs mariadb-server', () => expect.fail('mariadbd is not installed; .ci/run installs mariadb-server'));
    else it.skip('needs mariadb-server (apt-get install mariadb-server)', () => undefined);
    return;
  }
  let cluster: Cluster;
  let port: number;
  let maria: Awaited<ReturnType<typeof startMariadb>>;
  beforeAll(async () => {
    maria = await startMariadb();
    cluster = await Cluster.start({ mysqlPort: 0 });
    port = (await cluster.startVtgate()).mysqlAddress!.port;
  });
  afterAll(async () => {
    await cluster?.close();
    await maria?.stop();
  });

  it('answers the errno and SQLSTATE MySQL/MariaDB answer', async () => {
    const statements = [
      'create database d1',
      'create database d1',
      'create database if not exists d1',
      'create schema d1',
      'drop database nosuch',
      'drop database if exists nosuch',
      'drop schema d1',
      'drop database d1',
    ];
    const vtsim: string[] = [];
    const mariadb: string[] = [];
    for (const sql of statements) {
      vtsim.push(`${sql}: ${errorCode(await runMysql(port, ['-e', sql]))}`);
      mariadb.push(`${sql}: ${errorCode(await maria.run(sql))}`);
    }
    expect(vtsim).toEqual(mariadb);
    expect(vtsim).toEqual([
      'create database d1: OK',
      'create database d1: 1007 (HY000)',
      'create database if not exists d1: OK',
      'create schema d1: 1007 (HY000)',
      'drop database nosuch: 1008 (HY000)',
      'drop database if exists nosuch: OK',
      'drop schema d1: OK',
      'drop database d1: 1008 (HY000)',
    ]);
  });
});
