// Discovery as Vitess answers it, through the MySQL protocol (mysql2) and gRPC Execute and
// StreamExecute alike, with and without the `/*vt+ WORKLOAD_NAME=debezium */` prefix Debezium puts
// on every statement: SHOW VITESS_SHARDS / VITESS_TABLETS / KEYSPACES / VITESS_KEYSPACES /
// DATABASES with LIKE and WHERE, SHOW TABLES FROM, and statements under every target form Vitess's
// ParseDestination accepts. Three keyspaces: commerce (unsharded), customer_1 (-80, 80-) and
// customerx1 (-40, 40-80, 80-), so that `customer_1` unescaped in a LIKE also matches customerx1.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, decodeRowBytes, TabletType } from '@vtsim/proto';
import { VtgateClient, type DecodedMessage } from '../src/index.js';
import { parseTarget } from '../src/vtgate-session.js';
import { TestCluster, waitFor } from './vtgate-fixture.js';

/** A result as a client library sees it: column names, per-column type/charset/flags, rows as text. */
interface Seen {
  names: string[];
  meta: Array<[type: string | number, charset: number, flags: number]>;
  rows: (string | null)[][];
}

/** A failure as a client sees it: MySQL errno or gRPC code, and the message. */
interface Failure {
  code: string | number;
  message: string;
}

/** One way of reaching vtgate: runs a statement under a target string. */
interface Protocol {
  name: string;
  run(target: string, sql: string): Promise<Seen>;
}

const DEBEZIUM = '/*vt+ WORKLOAD_NAME=debezium */ ';

const ALL_SHARDS = [['commerce/0'], ['customer_1/-80'], ['customer_1/80-'], ['customerx1/-40'], ['customerx1/40-80'], ['customerx1/80-']];
const KEYSPACES = [['commerce'], ['customer_1'], ['customerx1']];
const TABLETS: Array<[string, string, string, number]> = [
  ['commerce', '0', 'PRIMARY', 100],
  ['commerce', '0', 'REPLICA', 101],
  ['customer_1', '-80', 'PRIMARY', 200],
  ['customer_1', '-80', 'REPLICA', 201],
  ['customer_1', '80-', 'PRIMARY', 210],
  ['customer_1', '80-', 'REPLICA', 211],
  ['customerx1', '-40', 'PRIMARY', 300],
  ['customerx1', '-40', 'REPLICA', 301],
  ['customerx1', '40-80', 'PRIMARY', 310],
  ['customerx1', '40-80', 'REPLICA', 311],
  ['customerx1', '80-', 'PRIMARY', 320],
  ['customerx1', '80-', 'REPLICA', 321],
];

const hostname = (uid: number) => `host-${uid}.zone1.internal`;

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}

let c: TestCluster;
let client: VtgateClient;
let conn: mysql.Connection;
let mysqlPort: number;

/** The MySQL protocol: `USE` the backquoted target (a bare USE for none), then the statement. */
const overMysql: Protocol = {
  name: 'MySQL protocol',
  async run(target, sql) {
    await conn.query(target === '' ? 'use' : `use \`${target}\``);
    const [rows, fields] = (await conn.query({ sql, rowsAsArray: true })) as unknown as [unknown[][], mysql.FieldPacket[]];
    return {
      names: fields.map((f) => f.name),
      meta: fields.map((f) => [f.columnType!, f.characterSet!, f.flags as number]),
      rows: rows.map((r) => r.map(text)),
    };
  },
};

function fromWire(fields: DecodedMessage[], rows: DecodedMessage[]): Seen {
  return {
    names: fields.map((f) => f.name as string),
    meta: fields.map((f) => [f.type as string, f.charset as number, f.flags as number]),
    rows: rows.map((r) => decodeRowBytes(r as { lengths: string[]; values: Buffer }).map((b) => (b === null ? null : b.toString('utf8')))),
  };
}

/** gRPC vtgateservice.Vitess/Execute with the target in the session's target_string. */
const overExecute: Protocol = {
  name: 'gRPC Execute',
  async run(target, sql) {
    const r = await client.execute({ session: { target_string: target, autocommit: true }, query: { sql } });
    if (r.error) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return fromWire(r.result.fields, r.result.rows);
  },
};

/** gRPC vtgateservice.Vitess/StreamExecute: fields first, then rows, then the session. */
const overStreamExecute: Protocol = {
  name: 'gRPC StreamExecute',
  async run(target, sql) {
    let fields: DecodedMessage[] = [];
    const rows: DecodedMessage[] = [];
    for await (const part of client.streamExecute({ session: { target_string: target, autocommit: true }, query: { sql } })) {
      if (!part.result) continue;
      if (part.result.fields.length > 0) fields = part.result.fields;
      rows.push(...part.result.rows);
    }
    return fromWire(fields, rows);
  },
};

const PROTOCOLS = [overMysql, overExecute, overStreamExecute];

/** What a VARCHAR column of vtgate's own answers looks like on each protocol (utf8mb4_0900_ai_ci, NOT_NULL_FLAG). */
function varcharMeta(p: Protocol, n: number): Seen['meta'] {
  const type = p === overMysql ? 253 : 'VARCHAR';
  return Array.from({ length: n }, () => [type, 255, 1] as [string | number, number, number]);
}

/** The failure a statement ends with, as the protocol reports it. */
async function failure(p: Protocol, target: string, sql: string): Promise<Failure> {
  try {
    await p.run(target, sql);
  } catch (err) {
    const e = err as { errno?: number; code?: string | number; message: string; details?: string };
    if (p === overMysql) return { code: e.errno!, message: e.message };
    if (p === overStreamExecute) return { code: Code[e.code as number]!, message: e.details ?? e.message };
    return { code: e.code!, message: e.message };
  }
  throw new Error(`${sql} under '${target}' did not fail`);
}

beforeAll(async () => {
  c = await TestCluster.create();
  const opts = { refreshVtgate: false, hostname };
  await c.addShard('commerce', '0', [100, 101], opts);
  await c.addShard('customer_1', '-80', [200, 201], opts);
  await c.addShard('customer_1', '80-', [210, 211], opts);
  await c.addShard('customerx1', '-40', [300, 301], opts);
  await c.addShard('customerx1', '40-80', [310, 311], opts);
  await c.addShard('customerx1', '80-', [320, 321], opts);
  await c.startVtgate(0, 50, 0);
  for (const ks of ['commerce', 'customer_1', 'customerx1']) {
    await c.exec(await c.session(ks), 'create table t (id bigint not null, note varchar(20), primary key (id))');
  }
  await c.applyVSchema('commerce', { tables: { t: {} } });
  const rows: Array<[string, number, string]> = [
    ['commerce:0', 1, 'only'],
    ['customer_1:-80', 1, 'low'],
    ['customer_1:80-', 2, 'high'],
    ['customerx1:-40', 1, 'first'],
    ['customerx1:40-80', 2, 'second'],
    ['customerx1:80-', 3, 'third'],
  ];
  for (const [target, id, note] of rows) await c.exec(await c.session(target), `insert into t (id, note) values (${id}, '${note}')`);
  mysqlPort = c.vtgate.mysqlAddress!.port;
  conn = await mysql.createConnection({ host: '127.0.0.1', port: mysqlPort, user: 'vt_app' });
  client = VtgateClient.connect(`127.0.0.1:${c.vtgate.grpcAddress!.port}`, { enums: 'names' });
});

afterAll(async () => {
  await conn?.end();
  client?.close();
  await c?.close();
});

describe('parseTarget follows topoproto.ParseDestination', () => {
  it('parses every target form', () => {
    expect(parseTarget('ks:-80@MASTER')).toEqual({ keyspace: 'ks', shard: '-80', tabletType: TabletType.PRIMARY });
    expect(parseTarget('ks/80-@primary')).toEqual({ keyspace: 'ks', shard: '80-', tabletType: TabletType.PRIMARY });
    expect(parseTarget('ks@replica')).toEqual({ keyspace: 'ks', shard: '', tabletType: TabletType.REPLICA });
    expect(parseTarget('ks:0')).toEqual({ keyspace: 'ks', shard: '0', tabletType: TabletType.PRIMARY });
    expect(parseTarget('ks')).toEqual({ keyspace: 'ks', shard: '', tabletType: TabletType.PRIMARY });
    expect(parseTarget('@replica')).toEqual({ keyspace: '', shard: '', tabletType: TabletType.REPLICA });
    expect(parseTarget(':-80@primary')).toEqual({ keyspace: '', shard: '-80', tabletType: TabletType.PRIMARY });
    expect(parseTarget('ks@Master').tabletType).toBe(TabletType.PRIMARY);
    expect(parseTarget('ks@BATCH').tabletType).toBe(TabletType.RDONLY);
    expect(parseTarget('ks@drained').tabletType).toBe(TabletType.DRAINED);
    expect(parseTarget('ks@bogus').tabletType).toBe(TabletType.UNKNOWN);
    expect(parseTarget('ks[10-20]@primary').keyRange).toEqual({ start: Uint8Array.of(0x10), end: Uint8Array.of(0x20) });
    expect(parseTarget('ks[-]').keyRange).toEqual({ start: new Uint8Array(0), end: new Uint8Array(0) });
    expect(parseTarget('ks[deadbeef]@replica')).toMatchObject({ keyspace: 'ks', shard: '', keyspaceId: Uint8Array.of(0xde, 0xad, 0xbe, 0xef), tabletType: TabletType.REPLICA });
    expect(parseTarget('ks:-80@replica|zone1-0000000101')).toMatchObject({ shard: '-80', tabletType: TabletType.REPLICA, tabletAlias: { cell: 'zone1', uid: 101 } });
  });

  it("refuses malformed targets with Vitess's messages (INVALID_ARGUMENT)", () => {
    const refused = (t: string) => {
      try {
        parseTarget(t);
      } catch (err) {
        return err;
      }
      throw new Error(`${t} was accepted`);
    };
    expect(refused('ks@')).toMatchObject({ errno: 1105, message: 'empty tablet type after @', code: Code.INVALID_ARGUMENT });
    expect(refused('ks:-80@bogus|zone1-100')).toMatchObject({ message: 'invalid tablet type in target: bogus' });
    expect(refused('ks:-80@replica|zone1')).toMatchObject({ message: 'invalid tablet alias in target: zone1' });
    expect(refused('ks@replica|zone1-100')).toMatchObject({ message: 'tablet alias must be used with a shard' });
    expect(refused('ks[10-20')).toMatchObject({ message: "invalid key range provided. Couldn't find range end ']'" });
    expect(refused('ks[20-40-60]')).toMatchObject({ message: 'single keyrange expected in 20-40-60' });
    expect(refused('ks[qrnqorrs]@primary')).toMatchObject({ message: 'expected valid hex in keyspace id qrnqorrs' });
  });
});

describe.each(PROTOCOLS)('discovery over the $name', (p) => {
  const both = (sql: string) => [sql, DEBEZIUM + sql];

  it.each(both("SHOW VITESS_SHARDS LIKE 'customer\\_1/%'"))('%s: the escaped _ matches itself only (Debezium)', async (sql) => {
    const r = await p.run('', sql);
    expect(r.names).toEqual(['Shards']);
    expect(r.meta).toEqual(varcharMeta(p, 1));
    expect(r.rows).toEqual([['customer_1/-80'], ['customer_1/80-']]);
  });

  it('matches LIKE on keyspace/shard: _ and % are wildcards, case matters, an empty pattern matches all', async () => {
    expect((await p.run('', "show vitess_shards like 'customer_1/%'")).rows).toEqual(ALL_SHARDS.slice(1));
    expect((await p.run('', 'show vitess_shards like "commerce/%"')).rows).toEqual([['commerce/0']]);
    expect((await p.run('', "show vitess_shards like '%/80-'")).rows).toEqual([['customer_1/80-'], ['customerx1/80-']]);
    expect((await p.run('', "show vitess_shards like 'Commerce/%'")).rows).toEqual([]);
    expect((await p.run('', "show vitess_shards like ''")).rows).toEqual(ALL_SHARDS);
    expect((await p.run('', 'show vitess_shards')).rows).toEqual(ALL_SHARDS);
  });

  it('accepts a WHERE clause and ignores it, as Vitess does; a malformed one is a syntax error', async () => {
    expect((await p.run('', "show vitess_shards where Shards = 'commerce/0'")).rows).toEqual(ALL_SHARDS);
    expect((await p.run('', "show vitess_tablets where Keyspace = 'commerce'")).rows).toHaveLength(TABLETS.length);
    expect((await p.run('', "show keyspaces where `Database` like 'c%'")).rows).toEqual(KEYSPACES);
    const bad = await failure(p, '', 'show vitess_shards where and');
    expect(bad.code).toBe(p === overMysql ? 1064 : 'INVALID_ARGUMENT');
    expect(bad.message).toContain('syntax error at position');
  });

  it('lists keyspaces and databases, filtered by LIKE on the name (PlanetScale)', async () => {
    const ks = await p.run('', 'show vitess_keyspaces like "%cust%"');
    expect(ks.names).toEqual(['Database']);
    expect(ks.meta).toEqual(varcharMeta(p, 1));
    expect(ks.rows).toEqual([['customer_1'], ['customerx1']]);
    expect((await p.run('', 'show keyspaces')).rows).toEqual(KEYSPACES);
    expect((await p.run('', "SHOW KEYSPACES LIKE 'customer\\_%'")).rows).toEqual([['customer_1']]);
    for (const sql of both('SHOW DATABASES')) {
      expect((await p.run('', sql)).rows).toEqual([...KEYSPACES, ['information_schema'], ['mysql'], ['sys'], ['performance_schema']]);
    }
    expect((await p.run('', "show schemas like '%s%'")).rows).toEqual([['customer_1'], ['customerx1'], ['information_schema'], ['mysql'], ['sys'], ['performance_schema']]);
  });

  it.each(both('SHOW VITESS_TABLETS'))("%s: Vitess's columns and order; Debezium reads keyspace and shard from columns 2 and 3", async (sql) => {
    const r = await p.run('', sql);
    expect(r.names).toEqual(['Cell', 'Keyspace', 'Shard', 'TabletType', 'State', 'Alias', 'Hostname', 'PrimaryTermStartTime']);
    expect(r.meta).toEqual(varcharMeta(p, 8));
    expect(r.rows.map((row) => row.slice(0, 7))).toEqual(
      TABLETS.map(([ks, shard, type, uid]) => ['zone1', ks, shard, type, 'SERVING', `zone1-${String(uid).padStart(10, '0')}`, hostname(uid)]),
    );
    for (const row of r.rows) expect(row[7]).toMatch(row[3] === 'PRIMARY' ? /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/ : /^$/);
    expect(new Set(r.rows.map((row) => `${row[1]}/${row[2]}`))).toEqual(new Set(ALL_SHARDS.map(([s]) => s)));
  });

  it('filters SHOW VITESS_TABLETS with LIKE on the hostname', async () => {
    const r = await p.run('', "show vitess_tablets like 'host-2%'");
    expect(r.rows.map((row) => row[5])).toEqual(['zone1-0000000200', 'zone1-0000000201', 'zone1-0000000210', 'zone1-0000000211']);
    expect((await p.run('', "show vitess_tablets like 'customer%'")).rows).toEqual([]);
  });

  it.each(both('SHOW TABLES FROM `customer_1`'))('%s: names the column Tables_in_<keyspace>', async (sql) => {
    const r = await p.run('', sql);
    expect(r.names).toEqual(['Tables_in_customer_1']);
    expect(r.rows).toEqual([['t']]);
  });

  it('answers SHOW [FULL] TABLES for the session keyspace or the one named', async () => {
    const full = await p.run('commerce', 'show full tables from customerx1');
    expect(full.names).toEqual(['Tables_in_customerx1', 'Table_type']);
    expect(full.rows).toEqual([['t', 'BASE TABLE']]);
    const own = await p.run('commerce', "show tables like 't%'");
    expect(own.names).toEqual(['Tables_in_commerce']);
    expect(own.rows).toEqual([['t']]);
    expect(await failure(p, 'commerce', 'show tables from nosuch')).toMatchObject({ code: p === overMysql ? 1049 : 'NOT_FOUND' });
  });

  it("sends SHOW unchanged to the shard of a shard target (Vitess's bypass plan: MySQL's own column name)", async () => {
    const r = await p.run('customer_1:80-@MASTER', 'show tables');
    expect(r.names).toEqual(['Tables_in_vt_customer_1']);
    expect(r.rows).toEqual([['t']]);
  });

  it.each([
    ['customer_1:-80@MASTER', [['1', 'low']]],
    ['customer_1:80-@master', [['2', 'high']]],
    ['customer_1/-80@primary', [['1', 'low']]],
    ['customer_1:80-', [['2', 'high']]],
    ['customerx1/40-80@PRIMARY', [['2', 'second']]],
    ['customerx1[40-]@master', [['2', 'second'], ['3', 'third']]],
    ['customerx1[45]', [['2', 'second']]],
    ['commerce', [['1', 'only']]],
  ])('runs statements under the target %s', async (target, rows) => {
    for (const sql of both('select id, note from t order by id')) expect((await p.run(target, sql)).rows).toEqual(rows);
  });

  it('reads from replicas under ks@replica and a shard@replica target', async () => {
    await waitFor(async () => (await p.run('commerce@replica', 'select id, note from t')).rows.length === 1);
    expect((await p.run('commerce@REPLICA', 'select id, note from t')).rows).toEqual([['1', 'only']]);
    await waitFor(async () => (await p.run('customer_1:80-@replica', 'select id from t')).rows.length === 1);
    expect((await p.run('customer_1:80-@replica|zone1-0000000211', 'select id, note from t')).rows).toEqual([['2', 'high']]);
  });

  it("refuses what Vitess refuses, with Vitess's errors", async () => {
    const unknown = await failure(p, 'commerce@bogus', 'select id from t');
    expect(unknown.message).toContain('No partition found for tabletType unknown in keyspace commerce');
    const shardUnknown = await failure(p, 'customer_1:-80@bogus', 'select id from t');
    expect(shardUnknown.message).toContain(`no healthy tablet available for 'keyspace:"customer_1" shard:"-80" tablet_type:UNKNOWN'`);
    const empty = await failure(p, 'commerce@', 'select 1');
    expect(empty.message).toContain('empty tablet type after @');
    const misaligned = await failure(p, 'customerx1[50-80]', 'select id from t');
    expect(misaligned.message).toContain('keyrange 50-80 does not exactly match shards');
  });
});

describe('targets over the MySQL protocol', () => {
  it('takes USE with a backquoted shard target and @type, and a target named at login', async () => {
    await conn.query('use `customer_1:-80`@primary');
    expect((await conn.query({ sql: 'select note from t', rowsAsArray: true }))[0]).toEqual([['low']]);
    await conn.query('use customer_1@replica');
    const [target] = (await conn.query({ sql: 'show vitess_target', rowsAsArray: true })) as unknown as [unknown[][]];
    expect(target).toEqual([['customer_1@replica']]);
    const login = await mysql.createConnection({ host: '127.0.0.1', port: mysqlPort, user: 'vt_app', database: 'customer_1:80-@MASTER' });
    try {
      expect((await login.query({ sql: 'select note from t', rowsAsArray: true }))[0]).toEqual([['high']]);
    } finally {
      await login.end();
    }
  });

  it('keeps a transaction on a shard target and refuses a replica target inside it', async () => {
    await conn.query('use `customer_1:80-@MASTER`');
    await conn.query('begin');
    await conn.query("insert into t (id, note) values (10, 'tx')");
    await expect(conn.query('use customer_1@replica')).rejects.toMatchObject({ errno: 1192 });
    await conn.query('rollback');
    expect((await conn.query({ sql: 'select count(*) from t where id = 10', rowsAsArray: true }))[0]).toEqual([[0]]);
  });
});
