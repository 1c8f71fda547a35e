/** Shared helpers of the mysqld tests: a server with a manual clock and a seeded random source. */
import { ManualClock, SeededRandom } from '@vtsim/binlog';
import { SqlError } from '@vtsim/proto';
import { expect } from 'vitest';
import { Mysqld, type MysqlSession } from '../src/mysqld/mysqld.js';

export const UUID_A = '060a409d-8e10-11eb-9bb5-04ed332e05c2';
export const UUID_B = '6294dcba-8e10-11eb-9bb5-04ed332e05c2';

/** A fresh server with database `vt_commerce` (not binlogged) and a session using it. */
export function newServer(uuid = UUID_A): { mysqld: Mysqld; session: MysqlSession; clock: ManualClock } {
  const clock = new ManualClock(Date.UTC(2024, 0, 31, 12, 0, 0));
  const mysqld = new Mysqld({ serverUuid: uuid, clock, random: new SeededRandom(uuid) });
  mysqld.createDatabase('vt_commerce', { logBin: false });
  const session = mysqld.createSession({ database: 'vt_commerce' });
  return { mysqld, session, clock };
}

/** The local example's commerce schema. */
export const COMMERCE_SCHEMA = [
  'create table product(  sku varbinary(128), description varbinary(128), price bigint, primary key(sku) ) ENGINE=InnoDB',
  'create table customer( customer_id bigint not null auto_increment, email varbinary(128), primary key(customer_id) ) ENGINE=InnoDB',
  'create table corder(   order_id bigint not null auto_increment, customer_id bigint, sku varbinary(128), price bigint, primary key(order_id) ) ENGINE=InnoDB',
];

/** Runs statements one by one. */
export function run(session: MysqlSession, ...sqls: string[]): void {
  for (const s of sqls) session.execute(s);
}

/** Result rows with values rendered as text (bytes decoded), for compact assertions. */
export function rowsOf(session: MysqlSession, sql: string, bindVars = {}): (string | null)[][] {
  return session.execute(sql, bindVars).rows.map((r) =>
    r.map((v) => (v === null ? null : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v))),
  );
}

/** Asserts that running `sql` throws a SqlError with this errno (and message, if given). */
export function expectError(session: MysqlSession, sql: string, errno: number, message?: string, bindVars = {}): SqlError {
  let caught: unknown;
  try {
    session.execute(sql, bindVars);
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${sql} to fail with ${errno}`).toBeInstanceOf(SqlError);
  const err = caught as SqlError;
  if (message !== undefined) expect(err.message).toBe(message);
  expect(err.errno).toBe(errno);
  return err;
}
