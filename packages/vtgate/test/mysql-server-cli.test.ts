// The MySQL server driven by the real `mysql` command-line client (Debian's is MariaDB's): batch
// mode, --table, < file, and an interactive session on a pseudo-terminal (util-linux `script`).
// Without the client these tests are skipped, except under CI, where its absence is a failure.
import { execFileSync, spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MysqlServer } from '../src/mysql-server/mysql-server.js';
import { type FixtureHandler, startFixtureServer, waitFor } from './mysql-server-fixture.js';

function onPath(cmd: string): boolean {
  try {
    execFileSync('/bin/sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const hasMysql = onPath('mysql');
const hasScript = onPath('script');
const inCi = !!process.env.CI;

it.runIf(inCi)('has the `mysql` command-line client installed (required when CI is set)', () => {
  expect(hasMysql).toBe(true);
});

let server: MysqlServer;
let port: number;
let handlers: FixtureHandler[];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a client binary against the fixture server, feeding `input` on stdin; never blocks the event loop. */
function run(binary: string, args: string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(binary, ['-h', '127.0.0.1', '-P', String(port), '-u', 'root', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(input);
  });
}

const mysqlCli = (args: string[], input = '') => run('mysql', args, input);

describe.skipIf(!hasMysql && !inCi)('MysqlServer with the mysql command-line client (skipped: `mysql` is not on PATH)', () => {
  beforeEach(async () => {
    ({ server, port, handlers } = await startFixtureServer());
  });

  afterEach(async () => {
    await server.close();
  });

  it('prints tab-separated results in batch mode (-e, --batch, -N)', async () => {
    const r = await mysqlCli(['-e', 'rows 2; types']);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'id\tname\n1\tname-1\n2\tname-2\n' +
        'i\tu\td\tf\ts\tb\tdt\tn\n' +
        '-5\t18446744073709551615\t12.50\t1.5\théllo ☃\t\\0\x01\x02\xff\t2024-01-31 12:00:00\tNULL\n'.replace('\xff', '\ufffd') +
        '7\t0\t-0.01\t1e-7\t\t\t1999-12-31 23:59:59\t3\n',
    });
    const n = await mysqlCli(['--batch', '-N', '-e', 'rows 3']);
    expect(n.stdout).toBe('1\tname-1\n2\tname-2\n3\tname-3\n');
    expect(handlers.flatMap((h) => h.calls)).toEqual(['rows 2', 'types', 'rows 3']);
    await waitFor(() => handlers.every((h) => h.closed === 1));
  });

  it('draws --table output with numbers right-aligned and NULL shown', async () => {
    const r = await mysqlCli(['--table', '-e', 'people; insert into t values (1); empty set']);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        '+-----+-------+---------+---------+------------+---------+',
        '| id  | name  | balance | score   | joined     | note    |',
        '+-----+-------+---------+---------+------------+---------+',
        '|   1 | Alice | 1234.50 |    0.25 | 2024-01-31 | NULL    |',
        '|  22 | Bob   |   -7.00 |     100 | 1999-12-31 | regular |',
        '| 333 | Zoë   |    0.00 | -1.5e-9 | 2000-02-29 |         |',
        '+-----+-------+---------+---------+------------+---------+',
        '',
      ].join('\n'),
    });
  });

  it('runs a script from stdin (< file): use, comments, multi-line statements and DELIMITER', async () => {
    const script = [
      '-- a comment line',
      'use commerce',
      'select database();',
      'select 1,',
      '  2;',
      '/* block */ rows 1;',
      'DELIMITER //',
      "select ';' //",
      'DELIMITER ;',
      'insert into t values (1);',
      '',
    ].join('\n');
    const r = await mysqlCli([], script);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: "database()\ncommerce\nsql\nselect 1,\\n  2\nid\tname\n1\tname-1\nsql\nselect ';'\n",
    });
    // The client strips ordinary comments and asks for the database after `use` (sent as COM_INIT_DB).
    expect(handlers[0]!.calls).toEqual([
      'SELECT DATABASE()',
      'useDatabase commerce',
      'select database()',
      'select 1,\n  2',
      'rows 1',
      "select ';'",
      'insert into t values (1)',
    ]);
  });

  it('reports errors as ERROR errno (sqlstate) at line N and exits non-zero', async () => {
    const r = await mysqlCli([], 'rows 1;\nfail 1146 42S02 Table vt_ks.x does not exist;\nrows 2;\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('id\tname\n1\tname-1\n');
    // MariaDB's client echoes the failed statement when reading a script, then the error line.
    expect(r.stderr).toMatch(/\nERROR 1146 \(42S02\) at line 2: Table vt_ks\.x does not exist\n$/);
    const u = await mysqlCli(['-e', 'use nosuchdb']);
    expect(u.stderr).toMatch(/ERROR 1049 \(42000\) at line 1: Unknown database 'nosuchdb'\n$/);
    await waitFor(() => handlers.length === 2 && handlers.every((h) => h.closed === 1));
  });

  it('connects to the database named with -D', async () => {
    const r = await mysqlCli(['-D', 'customer', '-N', '-e', 'select database()']);
    expect(r.stdout).toBe('customer\n');
    expect(handlers[0]!.info.database).toBe('customer');
  });

  it('answers mysqladmin ping and status (COM_PING, COM_STATISTICS)', async () => {
    const ping = await run('mysqladmin', ['ping']);
    expect(ping.stdout).toBe('mysqld is alive\n');
    const status = await run('mysqladmin', ['status']);
    expect(status.stdout).toMatch(/^Uptime: \d+  Threads: 1  Questions: \d+  Slow queries: 0 .*Queries per second avg: [\d.]+\n$/);
  });

  it.skipIf(!hasScript)('serves an interactive session on a terminal (skipped without util-linux `script`)', async () => {
    const p = spawn('script', ['-qfec', `mysql -h 127.0.0.1 -P ${port} -u root`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (screen += d));
    // eslint-disable-next-line no-control-regex
    const plain = () => screen.replace(/\x1b\[[0-9;]*[A-Za-z]|\x1b\(B|\r/g, '');
    const typeLine = async (line: string, expectText: string | RegExp) => {
      p.stdin.write(`${line}\n`);
      await waitFor(() => (typeof expectText === 'string' ? plain().includes(expectText) : expectText.test(plain()))).catch(() => {
        throw new Error(`expected ${String(expectText)} on the terminal, which shows:\n${plain()}\ncalls: ${JSON.stringify(handlers[0]?.calls)}`);
      });
    };
    await waitFor(() => plain().includes('MySQL [(none)]> '));
    expect(plain()).toContain('Server version: 8.0.30-Vitess vtsim fixture');
    await typeLine('rows 2;', '2 rows in set');
    expect(plain()).toContain(
      ['+------+--------+', '| id   | name   |', '+------+--------+', '|    1 | name-1 |', '|    2 | name-2 |', '+------+--------+'].join('\n'),
    );
    await typeLine('use commerce', 'MySQL [commerce]> ');
    expect(plain()).toContain('Database changed');
    await typeLine('insert into t values (1),(2);', 'Records: 2  Duplicates: 0  Warnings: 0');
    expect(plain()).toContain('Query OK, 2 rows affected');
    await typeLine('fail 1146 42S02 Table vt_commerce.x does not exist;', 'ERROR 1146 (42S02): Table vt_commerce.x does not exist');
    await typeLine('types\\G', '*************************** 2. row ***************************');
    expect(plain()).toContain(' u: 18446744073709551615\n');
    await typeLine('status', /Uptime:\s+\d+ sec/);
    await typeLine('quit', 'Bye');
    await new Promise((resolve) => p.on('close', resolve));
    await waitFor(() => handlers[0]!.closed === 1 && server.connectionCount === 0);
    expect(handlers[0]!.calls).toContain('insert into t values (1),(2)');
  });
});
