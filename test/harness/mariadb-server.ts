/**
 * A throwaway Debian mariadb-server, for differential checks of the values vtsim answers where
 * MariaDB and MySQL 8 agree. Tests that need it call `describeMariadb` instead of `describe`:
 * without the server they are skipped with the reason printed, except under CI (`CI` set), where
 * its absence fails them (.ci/run installs mariadb-server).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { describe, it } from 'vitest';

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';

/** True when mariadbd and mariadb-install-db are installed (Debian's paths). */
export const mariadbInstalled: boolean = existsSync(MARIADBD) && existsSync(INSTALL_DB);

/** `describe` for suites that need mariadb-server (see the module comment). */
export function describeMariadb(name: string, body: () => void): void {
  if (mariadbInstalled) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it('needs mariadb-server', () => {
        throw new Error('mariadb-server is not installed; .ci/run installs it');
      });
    });
  } else {
    console.warn(`skipping '${name}': mariadb-server is not installed (apt-get install mariadb-server)`);
    describe.skip(name, body);
  }
}

/** A running mariadbd on a Unix socket in a temporary directory; stop() ends it and removes the directory. */
export interface MariadbServer {
  readonly socketPath: string;
  connect(database?: string): Promise<mysql.Connection>;
  stop(): Promise<void>;
}

/** Initializes a data directory and starts mariadbd on it (no TCP port), waiting until it accepts connections. */
export async function startMariadb(): Promise<MariadbServer> {
  const dir = mkdtempSync(join(tmpdir(), 'vtsim-mariadb-'));
  const datadir = join(dir, 'data');
  const socketPath = join(dir, 'mysqld.sock');
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  const init = spawnSync(INSTALL_DB, ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', ...asRoot], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr}`);
  const child = spawn(MARIADBD, ['--no-defaults', `--datadir=${datadir}`, `--socket=${socketPath}`, '--skip-networking', `--pid-file=${join(dir, 'pid')}`, `--log-error=${join(dir, 'error.log')}`, ...asRoot], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const connect = (database?: string) => mysql.createConnection({ socketPath, user: 'root', database });
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await (await connect()).end();
      break;
    } catch (err) {
      if (Date.now() > deadline || child.exitCode !== null) {
        await stop();
        throw new Error(`mariadbd did not start: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { socketPath, connect, stop };
}
