// A seam fixture for the MySQL server tests: a session handler that records every call and
// answers a small command language with Results built here, plus a started server around it.
import { Charset, type Field, type Result, type SqlValue, SqlError, Type } from '@vtsim/proto';
import type { MysqlConnectionInfo, MysqlSessionHandler, MysqlSessionStatus } from '../src/mysql-server/mysql-handler.js';
import { MysqlServer, type MysqlServerOptions } from '../src/mysql-server/mysql-server.js';

/** Builds a Field with the defaults a tablet would fill in. */
export function field(name: string, type: Type, extra: Partial<Field> = {}): Field {
  return {
    name,
    type,
    table: 't',
    org_table: 't',
    database: 'vt_ks',
    org_name: name,
    column_length: 0,
    charset: 0,
    decimals: 0,
    flags: 0,
    column_type: '',
    ...extra,
  };
}

function rowsResult(fields: Field[], rows: SqlValue[][]): Result {
  return { fields, rows, rowsAffected: 0, insertId: 0n };
}

/** The session handler of one connection; everything it is asked is appended to `calls`. */
export class FixtureHandler implements MysqlSessionHandler {
  readonly calls: string[] = [];
  closed = 0;
  private inTx = false;
  private db: string;
  /** Resolvers of `hang` statements still waiting. */
  readonly hanging: Array<() => void> = [];

  constructor(readonly info: MysqlConnectionInfo) {
    this.db = info.database;
  }

  async query(sql: string): Promise<Result> {
    this.calls.push(sql);
    const lower = sql.toLowerCase();
    if (lower.startsWith('select @@')) {
      const names = sql.slice(7).replace(/ limit 1$/i, '').split(/,\s*/);
      return rowsResult(
        names.map((n) => field(n, Type.VARCHAR, { table: '', org_table: '', database: '' })),
        [names.map((n) => (n.startsWith('@@character_set') ? 'utf8mb4' : 'vtsim fixture'))],
      );
    }
    if (lower === 'select database(), user() limit 1') {
      return rowsResult([field('DATABASE()', Type.VARCHAR), field('USER()', Type.VARCHAR)], [[this.db === '' ? null : this.db, `${this.info.user}@localhost`]]);
    }
    if (lower === 'select database()') return rowsResult([field('database()', Type.VARCHAR)], [[this.db === '' ? null : this.db]]);
    if (lower.startsWith('use ')) {
      this.db = sql.slice(4).replace(/`/g, '').trim();
      return { fields: [], rows: [], rowsAffected: 0, insertId: 0n };
    }
    if (lower === 'begin') {
      this.inTx = true;
      return { fields: [], rows: [], rowsAffected: 0, insertId: 0n };
    }
    if (lower === 'commit' || lower === 'rollback') {
      this.inTx = false;
      return { fields: [], rows: [], rowsAffected: 0, insertId: 0n };
    }
    if (lower.startsWith('insert')) {
      return { fields: [], rows: [], rowsAffected: 2, insertId: 42n, info: 'Records: 2  Duplicates: 0  Warnings: 0' };
    }
    let m = /^rows (\d+)$/.exec(lower);
    if (m) {
      const n = Number(m[1]);
      const rows: SqlValue[][] = [];
      for (let i = 0; i < n; i++) rows.push([BigInt(i + 1), `name-${i + 1}`]);
      return rowsResult([field('id', Type.INT64), field('name', Type.VARCHAR)], rows);
    }
    m = /^fail (\d+) (\w{5}) (.*)$/.exec(sql);
    if (m) throw new SqlError(Number(m[1]), m[2]!, m[3]!);
    if (lower === 'boom') throw new Error('the fixture exploded');
    if (lower === 'hang') {
      await new Promise<void>((resolve) => this.hanging.push(resolve));
      return { fields: [], rows: [], rowsAffected: 0, insertId: 0n };
    }
    if (lower === 'types') {
      return rowsResult(
        [
          field('i', Type.INT64),
          field('u', Type.UINT64),
          field('d', Type.DECIMAL, { decimals: 2 }),
          field('f', Type.FLOAT64),
          field('s', Type.VARCHAR),
          field('b', Type.VARBINARY),
          field('dt', Type.DATETIME),
          field('n', Type.INT32),
        ],
        [
          [-5n, 18446744073709551615n, '12.50', 1.5, 'héllo ☃', Buffer.from([0, 1, 2, 255]), '2024-01-31 12:00:00', null],
          [7n, 0n, '-0.01', 1e-7, '', Buffer.alloc(0), '1999-12-31 23:59:59', 3n],
        ],
      );
    }
    if (lower.startsWith('show ')) return rowsResult([field('Tables', Type.VARCHAR, { table: '', org_table: '', database: '' })], []);
    if (lower === 'people') {
      return rowsResult(
        [
          field('id', Type.INT64, { flags: 3 }),
          field('name', Type.VARCHAR),
          field('balance', Type.DECIMAL, { decimals: 2 }),
          field('score', Type.FLOAT64),
          field('joined', Type.DATE),
          field('note', Type.TEXT),
        ],
        [
          [1n, 'Alice', '1234.50', 0.25, '2024-01-31', null],
          [22n, 'Bob', '-7.00', 100, '1999-12-31', 'regular'],
          [333n, 'Zoë', '0.00', -1.5e-9, '2000-02-29', ''],
        ],
      );
    }
    if (lower === 'bits') {
      return rowsResult([field('b1', Type.BIT, { column_length: 1 }), field('b12', Type.BIT, { column_length: 12 }), field('b', Type.BIT)], [[1n, 0xabcn, 0x10203n]]);
    }
    if (lower === 'temporal') {
      return rowsResult(
        [field('dt', Type.DATETIME, { decimals: 6 }), field('d', Type.DATE), field('t', Type.TIME), field('ts', Type.TIMESTAMP), field('y', Type.YEAR), field('f', Type.FLOAT32)],
        [
          ['2024-02-29 23:59:58.123456', '2024-02-29', '-26:03:04', '1999-12-31 00:00:00', 2024n, 0.5],
          ['1000-01-01 00:00:00', '0000-00-00', '838:59:59.5', '2038-01-19 03:14:07', 1901n, -2.25],
        ],
      );
    }
    if (lower === 'empty set') return rowsResult([field('id', Type.INT64)], []);
    if (lower === 'ragged') return rowsResult([field('a', Type.INT64), field('b', Type.INT64)], [[1n]]);
    if (lower.startsWith('length ')) {
      return rowsResult([field('length', Type.INT64)], [[BigInt(Buffer.byteLength(sql, 'utf8'))]]);
    }
    if (lower.startsWith('echo ')) return rowsResult([field('echo', Type.VARCHAR, { charset: Charset.UTF8MB4 })], [[sql.slice(5)]]);
    if (lower.startsWith('big value ')) {
      const n = Number(lower.slice('big value '.length));
      return rowsResult([field('v', Type.BLOB)], [[Buffer.alloc(n, 0x61)]]);
    }
    if (lower.startsWith('select ')) {
      return rowsResult([field('sql', Type.VARCHAR, { table: '', org_table: '', database: '' })], [[sql]]);
    }
    throw new SqlError(1064, '42000', `You have an error in your SQL syntax near '${sql}'`);
  }

  async useDatabase(db: string): Promise<void> {
    this.calls.push(`useDatabase ${db}`);
    if (db === 'nosuchdb') throw new SqlError(1049, '42000', `Unknown database '${db}'`);
    this.db = db;
  }

  status(): MysqlSessionStatus {
    return { inTransaction: this.inTx, autocommit: true };
  }

  close(): void {
    this.closed++;
  }
}

/** A MysqlServer on an ephemeral port whose handlers are FixtureHandlers, all kept in `handlers`. */
export async function startFixtureServer(opts: Partial<MysqlServerOptions> = {}): Promise<{
  server: MysqlServer;
  port: number;
  handlers: FixtureHandler[];
  logs: string[];
}> {
  const handlers: FixtureHandler[] = [];
  const logs: string[] = [];
  const server = new MysqlServer({
    port: 0,
    handlerFactory: (info) => {
      if (info.user === 'denied') throw new SqlError(1045, '28000', `Access denied for user '${info.user}'`);
      const h = new FixtureHandler(info);
      handlers.push(h);
      return h;
    },
    log: (line) => logs.push(line),
    ...opts,
  });
  const { port } = await server.listen();
  return { server, port, handlers, logs };
}

/** Resolves once `cond` holds, polling; rejects after `ms`. */
export async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
