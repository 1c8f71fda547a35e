/**
 * The real `mysql` command-line client, for tests that check what a user sees. Tests that need it
 * call `describeMysqlCli` instead of `describe`: without the client they are skipped with the reason
 * printed, except under CI (`CI` set), where its absence fails them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

/** True when a `mysql` binary is on PATH. */
export const mysqlCliInstalled: boolean = spawnSync('mysql', ['--version'], { stdio: 'ignore' }).status === 0;

/** `describe` for suites that need the real mysql client (see the module comment). */
export function describeMysqlCli(name: string, body: () => void): void {
  if (mysqlCliInstalled) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it('needs the mysql command-line client', () => {
        throw new Error('the mysql client is not installed; .ci/run installs mariadb-client');
      });
    });
  } else {
    console.warn(`skipping '${name}': the mysql command-line client is not installed (apt-get install mariadb-client)`);
    describe.skip(name, body);
  }
}

/** What one run of the client printed. */
export interface MysqlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mysql -h 127.0.0.1 -P <port> -u root <args>` with `input` on stdin. */
export function runMysql(port: number, args: string[], input = '', cwd?: string): Promise<MysqlRun> {
  return runMysqlClient(['-h', '127.0.0.1', '-P', String(port)], args, input, cwd);
}

/** Runs `mysql <server…> -u root <args>` with `input` on stdin; `server` says where to connect (`-S socket`, `-h … -P …`). */
export function runMysqlClient(server: string[], args: string[], input = '', cwd?: string): Promise<MysqlRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('mysql', ['--no-defaults', ...server, '-u', 'root', ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}
