/**
 * The SHOW statements vtgate answers itself, as Vitess's planbuilder (`show.go`) and executor
 * (`ShowShards`, `ShowTablets`) answer them:
 *
 * | statement                          | rows                                        | LIKE matches | WHERE     |
 * |------------------------------------|---------------------------------------------|--------------|-----------|
 * | SHOW DATABASES / SCHEMAS           | keyspaces, then the four system schemas     | the name     | ignored   |
 * | SHOW KEYSPACES / VITESS_KEYSPACES  | keyspaces                                   | the name     | ignored   |
 * | SHOW VITESS_SHARDS                 | `ks/shard` serving the session's type       | `ks/shard`   | ignored   |
 * | SHOW VITESS_TABLETS                | every tablet the health check follows       | the Hostname | ignored   |
 * | SHOW VSCHEMA TABLES / VINDEXES     | the VSchema's tables / vindexes             | —            | —         |
 * | SHOW [FULL] TABLES [FROM ks]       | a shard's answer, column 0 `Tables_in_<ks>` | sent on      | sent on   |
 * | SHOW TABLE STATUS [FROM ks]        | a shard's answer                            | sent on      | sent on   |
 * | SHOW [FULL] COLUMNS / INDEX FROM t | the routed table's shard's answer           | sent on      | sent on   |
 * | SHOW CHARACTER SET / CHARSET       | MySQL 8's character sets                    | the name     | charset = / like only |
 *
 * LIKE is case-sensitive (Vitess compiles it to a Go regexp) with `%`, `_` and the `\%`, `\_`
 * escapes; an empty pattern matches everything, as `sqlparser.LikeToRegexp("")` does. WHERE must
 * parse as an expression (1064 otherwise) and is then ignored, as Vitess logs and ignores it. The
 * answers are VARCHAR columns with utf8mb4_0900_ai_ci and NOT_NULL_FLAG (`buildVarCharFields`).
 * A session with a shard destination (`ks:-80`, `ks[40-80]`, `ks[deadbeef]`) sends every SHOW to
 * its shards unchanged (`buildByPassPlan`).
 */
import { Charset, Code, ER, MySqlFlag, TabletType, Type, sqlError, type BindVars, type Field, type Result, type SrvVSchema, type VindexDef } from '@vtsim/proto';
import { likeMatcher, parseStatement, SqlLexer, Tok, unquoteIdent, unquoteString } from '@vtsim/sql';
import { identName } from './planner/ast.js';
import { quoteIdent } from './planner/query-text.js';
import type { HealthCheck, TabletHealth } from './health-check.js';
import { noDatabase } from './planner/select-planner.js';
import type { Resolver, ServingShard } from './resolver.js';
import type { VSchema } from './vschema.js';
import { hasShardDestination, unknownDatabase, type VtgateSession } from './vtgate-session.js';

/** What the SHOW statements read from vtgate and how they reach a shard. */
export interface ShowBackend {
  /** The current routing model. */
  vschema(): VSchema;
  readonly resolver: Resolver;
  readonly healthCheck: HealthCheck;
  /** Names of the keyspaces of the serving graph of vtgate's cell, sorted (srvtopo's GetSrvKeyspaceNames). */
  srvKeyspaceNames(): Promise<string[]>;
  /** Every keyspace vtgate knows (VSchema and serving graph), sorted. */
  keyspaceNames(): Promise<string[]>;
  /** The SrvVSchema of vtgate's cell as the topology holds it (null when never built). */
  srvVSchema(): Promise<SrvVSchema | null>;
  /** True if the keyspace exists (its serving graph is loaded on demand). */
  keyspaceExists(keyspace: string): Promise<boolean>;
  /** Sends a statement unchanged to the shards of the session's destination (shard, keyspace id or key range). */
  sendToTargetShard(session: VtgateSession, sql: string, bindVars: BindVars): Promise<Result>;
  /** Sends a statement (keyspace qualifiers stripped) to one shard of the keyspace it names or the session's. */
  sendToAnyShard(session: VtgateSession, sql: string, bindVars: BindVars): Promise<Result>;
  /** Sends a statement to one shard, in the session. */
  sendToShard(session: VtgateSession, shard: ServingShard, sql: string, bindVars: BindVars): Promise<Result>;
}

/** A SHOW statement's filter (Vitess's sqlparser.ShowFilter): `LIKE 'pattern'` or `WHERE expression`. */
type ShowFilter = { like: string } | { where: string } | null;

/** The databases MySQL always has, which Vitess lists after the keyspaces in SHOW DATABASES. */
const SYSTEM_SCHEMAS = ['information_schema', 'mysql', 'sys', 'performance_schema'];

/** Runs a SHOW statement for a session. Errors are SqlErrors (1064 for a malformed filter). */
export async function executeShow(be: ShowBackend, session: VtgateSession, sql: string, bindVars: BindVars): Promise<Result> {
  if (hasShardDestination(session.target)) return be.sendToTargetShard(session, sql, bindVars);
  const lx = new SqlLexer(sql.replace(/[\s;]+$/, ''));
  lx.next();
  lx.next();
  const word = lx.kind === Tok.WORD ? lx.upper() : '';
  switch (word) {
    case 'DATABASES':
    case 'SCHEMAS':
      return showKeyspaces(be, parseFilter(lx), true);
    case 'KEYSPACES':
    case 'VITESS_KEYSPACES':
      return showKeyspaces(be, parseFilter(lx), false);
    case 'VITESS_SHARDS':
      return showShards(be, parseFilter(lx), session.target.tabletType);
    case 'VITESS_TABLETS':
      return showTablets(be.healthCheck.allTablets(), parseFilter(lx));
    case 'VITESS_TARGET':
      expectEnd(lx);
      return varcharResult(['Target'], [[session.targetString]]);
    case 'WARNINGS':
      expectEnd(lx);
      return warnings();
    case 'VSCHEMA':
      if (lx.next() === Tok.WORD && lx.isWord('TABLES')) {
        expectEnd(lx);
        return vschemaTables(be, session);
      }
      if (lx.isWord('VINDEXES')) return vschemaVindexes(be, session, lx);
      break;
    case 'FULL':
      if (lx.next() === Tok.WORD && lx.isWord('TABLES')) return showTables(be, session, lx, 'show full tables');
      if (lx.kind === Tok.WORD && (lx.isWord('COLUMNS') || lx.isWord('FIELDS'))) return showTableInfo(be, session, lx, 'show full columns');
      break;
    case 'COLUMNS':
    case 'FIELDS':
      return showTableInfo(be, session, lx, 'show columns');
    case 'INDEX':
    case 'INDEXES':
    case 'KEYS':
      return showTableInfo(be, session, lx, 'show index');
    case 'TABLES':
      return showTables(be, session, lx, 'show tables');
    case 'TABLE':
      if (lx.next() === Tok.WORD && lx.isWord('STATUS')) return showTables(be, session, lx, 'show table status');
      break;
    case 'CHARSET':
      return showCharset(parseFilter(lx));
    case 'CHARACTER':
      if (lx.next() === Tok.WORD && lx.isWord('SET')) return showCharset(parseFilter(lx));
      break;
  }
  return be.sendToAnyShard(session, sql, bindVars);
}

/** Parses what follows the SHOW command's words: nothing, `LIKE 'pattern'` or `WHERE expression`. */
function parseFilter(lx: SqlLexer): ShowFilter {
  const k = lx.next();
  if (k === Tok.EOF) return null;
  if (lx.isWord('LIKE')) {
    if (lx.next() !== Tok.STRING) throw lx.syntaxError();
    const like = unquoteString(lx.text());
    expectEnd(lx);
    return { like };
  }
  if (lx.isWord('WHERE')) {
    const start = lx.end;
    if (lx.next() === Tok.EOF) throw lx.syntaxError();
    const prefix = 'select 1 where';
    parseStatement(prefix.padEnd(start, ' ') + lx.sql.slice(start));
    return { where: lx.sql.slice(start).trim() };
  }
  throw lx.syntaxError();
}

/** A LIKE filter as a predicate, Vitess's way: case-sensitive, `\%`/`\_` escapes, '' matching everything; null and WHERE match everything. */
function filterMatcher(filter: ShowFilter): (s: string) => boolean {
  if (!filter || !('like' in filter) || filter.like === '') return () => true;
  return likeMatcher(filter.like, '\\', true);
}

/** MySQL 8's character sets: name, description, default collation, maximum bytes per character (SHOW CHARACTER SET). */
const CHARSETS: readonly (readonly [string, string, string, number])[] = [
  ['armscii8', 'ARMSCII-8 Armenian', 'armscii8_general_ci', 1], ['ascii', 'US ASCII', 'ascii_general_ci', 1],
  ['big5', 'Big5 Traditional Chinese', 'big5_chinese_ci', 2], ['binary', 'Binary pseudo charset', 'binary', 1],
  ['cp1250', 'Windows Central European', 'cp1250_general_ci', 1], ['cp1251', 'Windows Cyrillic', 'cp1251_general_ci', 1],
  ['cp1256', 'Windows Arabic', 'cp1256_general_ci', 1], ['cp1257', 'Windows Baltic', 'cp1257_general_ci', 1],
  ['cp850', 'DOS West European', 'cp850_general_ci', 1], ['cp852', 'DOS Central European', 'cp852_general_ci', 1],
  ['cp866', 'DOS Russian', 'cp866_general_ci', 1], ['cp932', 'SJIS for Windows Japanese', 'cp932_japanese_ci', 2],
  ['dec8', 'DEC West European', 'dec8_swedish_ci', 1], ['eucjpms', 'UJIS for Windows Japanese', 'eucjpms_japanese_ci', 3],
  ['euckr', 'EUC-KR Korean', 'euckr_korean_ci', 2], ['gb18030', 'China National Standard GB18030', 'gb18030_chinese_ci', 4],
  ['gb2312', 'GB2312 Simplified Chinese', 'gb2312_chinese_ci', 2], ['gbk', 'GBK Simplified Chinese', 'gbk_chinese_ci', 2],
  ['geostd8', 'GEOSTD8 Georgian', 'geostd8_general_ci', 1], ['greek', 'ISO 8859-7 Greek', 'greek_general_ci', 1],
  ['hebrew', 'ISO 8859-8 Hebrew', 'hebrew_general_ci', 1], ['hp8', 'HP West European', 'hp8_english_ci', 1],
  ['keybcs2', 'DOS Kamenicky Czech-Slovak', 'keybcs2_general_ci', 1], ['koi8r', 'KOI8-R Relcom Russian', 'koi8r_general_ci', 1],
  ['koi8u', 'KOI8-U Ukrainian', 'koi8u_general_ci', 1], ['latin1', 'cp1252 West European', 'latin1_swedish_ci', 1],
  ['latin2', 'ISO 8859-2 Central European', 'latin2_general_ci', 1], ['latin5', 'ISO 8859-9 Turkish', 'latin5_turkish_ci', 1],
  ['latin7', 'ISO 8859-13 Baltic', 'latin7_general_ci', 1], ['macce', 'Mac Central European', 'macce_general_ci', 1],
  ['macroman', 'Mac West European', 'macroman_general_ci', 1], ['sjis', 'Shift-JIS Japanese', 'sjis_japanese_ci', 2],
  ['swe7', '7bit Swedish', 'swe7_swedish_ci', 1], ['tis620', 'TIS620 Thai', 'tis620_thai_ci', 1],
  ['ucs2', 'UCS-2 Unicode', 'ucs2_general_ci', 2], ['ujis', 'EUC-JP Japanese', 'ujis_japanese_ci', 3],
  ['utf16', 'UTF-16 Unicode', 'utf16_general_ci', 4], ['utf16le', 'UTF-16LE Unicode', 'utf16le_general_ci', 4],
  ['utf32', 'UTF-32 Unicode', 'utf32_general_ci', 4], ['utf8mb3', 'UTF-8 Unicode', 'utf8mb3_general_ci', 3],
  ['utf8mb4', 'UTF-8 Unicode', 'utf8mb4_0900_ai_ci', 4],
];

/**
 * SHOW CHARACTER SET / SHOW CHARSET, answered by vtgate as Vitess's `buildCharsetPlan` does: LIKE
 * matches the name; WHERE accepts only `charset = 'x'` or `charset like 'x'` (VT12001 otherwise,
 * 1054 for another column). Maxlen is an unsigned INT.
 */
function showCharset(filter: ShowFilter): Result {
  let match = filterMatcher(filter);
  if (filter && 'where' in filter) {
    const where = parseStatement(`select 1 from dual where ${filter.where}`).where as { type?: string; operator?: string; left?: { type?: string; column?: unknown }; right?: { type?: string; value?: unknown } };
    if (where.type !== 'binary_expr' || (where.operator !== '=' && where.operator !== 'LIKE')) throw sqlError(ER.NOT_SUPPORTED_YET, "VT12001: unsupported: expect a 'LIKE' or '=' expression", Code.UNIMPLEMENTED);
    const column = where.left?.type === 'column_ref' ? String(identName(where.left.column)) : '';
    if (!column) throw sqlError(ER.NOT_SUPPORTED_YET, "VT12001: unsupported: expect left side to be 'charset'", Code.UNIMPLEMENTED);
    if (column.toLowerCase() !== 'charset') throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${column}' in 'where clause'`, Code.INVALID_ARGUMENT);
    if (typeof where.right?.value !== 'string') throw sqlError(ER.NOT_SUPPORTED_YET, 'VT12001: unsupported: we expect the right side to be a string', Code.UNIMPLEMENTED);
    const value = where.right.value;
    match = where.operator === '=' ? (name) => name === value : filterMatcher({ like: value });
  }
  const fields = varcharFields(['Charset', 'Description', 'Default collation']);
  fields.push({ ...fields[0]!, name: 'Maxlen', type: Type.UINT32, charset: Charset.BINARY, flags: MySqlFlag.NUM_FLAG | MySqlFlag.NOT_NULL_FLAG | MySqlFlag.UNSIGNED_FLAG | MySqlFlag.NO_DEFAULT_VALUE_FLAG });
  const rows = CHARSETS.filter(([name]) => match(name)).map(([name, description, collation, maxLen]) => [name, description, collation, BigInt(maxLen)]);
  return { fields, rows, rowsAffected: 0, insertId: 0n };
}

/** VARCHAR columns as Vitess's `buildVarCharFields` declares them. */
function varcharFields(names: string[]): Field[] {
  return names.map((name) => ({
    name,
    type: Type.VARCHAR,
    table: '',
    org_table: '',
    database: '',
    org_name: '',
    column_length: 0,
    charset: Charset.UTF8MB4,
    decimals: 0,
    flags: MySqlFlag.NOT_NULL_FLAG,
    column_type: '',
  }));
}

function varcharResult(names: string[], rows: string[][]): Result {
  return { fields: varcharFields(names), rows, rowsAffected: 0, insertId: 0n };
}

/** SHOW DATABASES (with the system schemas) and SHOW KEYSPACES: one `Database` column. */
async function showKeyspaces(be: ShowBackend, filter: ShowFilter, withSystemSchemas: boolean): Promise<Result> {
  const keyspaces = await be.keyspaceNames();
  if (keyspaces.length === 0) throw noDatabase();
  const names = withSystemSchemas ? [...keyspaces, ...SYSTEM_SCHEMAS] : keyspaces;
  const match = filterMatcher(filter);
  return varcharResult(['Database'], names.filter(match).map((n) => [n]));
}

/**
 * SHOW VITESS_SHARDS: `ks/shard` for each shard the serving graph lists for the session's tablet
 * type, keyspaces in name order and shards in partition order; a keyspace without a partition for
 * the type is skipped, as Vitess skips keyspaces it cannot resolve.
 */
async function showShards(be: ShowBackend, filter: ShowFilter, tabletType: TabletType): Promise<Result> {
  const match = filterMatcher(filter);
  const rows: string[][] = [];
  for (const keyspace of await be.srvKeyspaceNames()) {
    let shards: ServingShard[];
    try {
      if (!(await be.keyspaceExists(keyspace))) continue;
      shards = be.resolver.shards(keyspace, tabletType);
    } catch {
      continue;
    }
    for (const s of shards) {
      const name = `${keyspace}/${s.name}`;
      if (match(name)) rows.push([name]);
    }
  }
  return varcharResult(['Shards'], rows);
}

/**
 * SHOW VITESS_TABLETS: Cell, Keyspace, Shard, TabletType, State, Alias, Hostname,
 * PrimaryTermStartTime (RFC 3339 in UTC, '' when not a primary), in the health check cache's order
 * (cell, keyspace, shard, tablet type, then alias); LIKE matches the hostname.
 */
function showTablets(tablets: TabletHealth[], filter: ShowFilter): Result {
  const match = filterMatcher(filter);
  const groupKey = (h: TabletHealth) => `${h.alias.cell}.${h.target.keyspace}.${h.target.shard}.${String.fromCharCode(h.target.tablet_type)}`;
  const sorted = tablets
    .filter((h) => match(h.tablet.hostname))
    .sort((a, b) => compare(groupKey(a), groupKey(b)) || compare(a.aliasString, b.aliasString));
  const rows = sorted.map((h) => [
    h.alias.cell,
    h.target.keyspace,
    h.target.shard,
    TabletType[h.target.tablet_type] ?? 'UNKNOWN',
    h.serving ? 'SERVING' : 'NOT_SERVING',
    h.aliasString,
    h.tablet.hostname,
    h.primaryTermStartTime > 0 ? formatTermStart(h.primaryTermStartTime) : '',
  ]);
  return varcharResult(['Cell', 'Keyspace', 'Shard', 'TabletType', 'State', 'Alias', 'Hostname', 'PrimaryTermStartTime'], rows);
}

/**
 * SHOW [FULL] TABLES / SHOW TABLE STATUS [FROM|IN db] [LIKE|WHERE]: sent without the database to one
 * shard of the keyspace (a system schema is kept and sent to any keyspace), as Vitess's
 * buildPlanWithDB; SHOW TABLES's column 0 is renamed `Tables_in_<db>`.
 */
async function showTables(be: ShowBackend, session: VtgateSession, lx: SqlLexer, head: string): Promise<Result> {
  let db = '';
  let tailStart = lx.end;
  const k = lx.next();
  if (k === Tok.WORD && (lx.isWord('FROM') || lx.isWord('IN'))) {
    const n = lx.next();
    if (n !== Tok.WORD && n !== Tok.QUOTED_IDENT) throw lx.syntaxError();
    db = n === Tok.WORD ? lx.text() : unquoteIdent(lx.text());
    tailStart = lx.end;
  }
  const tail = lx.sql.slice(tailStart);
  parseFilter(new SqlLexer(tail));
  const system = SYSTEM_SCHEMAS.includes(db.toLowerCase());
  const keyspace = db && !system ? db : session.target.keyspace || (system ? (await be.keyspaceNames())[0] ?? '' : '');
  if (!keyspace) throw noDatabase();
  if (!(await be.keyspaceExists(keyspace))) throw unknownDatabase(keyspace);
  const shard = be.resolver.shards(keyspace, session.target.tabletType)[0];
  if (!shard) throw sqlError(ER.UNKNOWN_ERROR, `keyspace ${keyspace} has no shards`);
  const query = system ? `${head} from ${db}${tail}` : `${head}${tail}`;
  const r = await be.sendToShard(session, shard, query, {});
  if (head === 'show table status') return r;
  const header = `Tables_in_${db || keyspace}`;
  return { ...r, fields: r.fields.map((f, i) => (i === 0 ? { ...f, name: header } : f)) };
}

/**
 * SHOW [FULL] COLUMNS / SHOW INDEX FROM [db.]t [FROM db] [LIKE|WHERE], as Vitess's buildShowTblPlan:
 * the table is found through the VSchema and its routing rules (a sharded keyspace's table must be
 * in it: VT05004 otherwise) and the statement, naming the routed table without its database, goes
 * to one shard of the table's keyspace; a system schema's table goes to any keyspace as written.
 */
async function showTableInfo(be: ShowBackend, session: VtgateSession, lx: SqlLexer, head: string): Promise<Result> {
  if (!(lx.next() === Tok.WORD && (lx.isWord('FROM') || lx.isWord('IN')))) throw lx.syntaxError();
  let table = nameToken(lx);
  let qualifier = '';
  let tailStart = lx.end;
  let k = lx.next();
  if (k === Tok.PUNCT && lx.isPunct('.')) {
    qualifier = table;
    table = nameToken(lx);
    tailStart = lx.end;
    k = lx.next();
  }
  if (k === Tok.WORD && (lx.isWord('FROM') || lx.isWord('IN'))) {
    qualifier = nameToken(lx);
    tailStart = lx.end;
  }
  const tail = lx.sql.slice(tailStart);
  parseFilter(new SqlLexer(tail));
  let keyspace: string;
  let query: string;
  if (qualifier && SYSTEM_SCHEMAS.includes(qualifier.toLowerCase())) {
    keyspace = session.target.keyspace || (await be.keyspaceNames())[0] || '';
    if (!keyspace) throw noDatabase();
    query = `${head} from ${quoteIdent(qualifier)}.${quoteIdent(table)}${tail}`;
  } else {
    const routed = await routedTable(be, session, qualifier || session.target.keyspace, table);
    keyspace = routed.keyspace;
    query = `${head} from ${quoteIdent(routed.table)}${tail}`;
  }
  const shard = be.resolver.shards(keyspace, session.target.tabletType)[0];
  if (!shard) throw sqlError(ER.UNKNOWN_ERROR, `keyspace ${keyspace} has no shards`);
  return be.sendToShard(session, shard, query, {});
}

/** The keyspace and name a SHOW statement's table routes to (VT05003 for an unknown keyspace, VT05004 for a table a sharded keyspace lacks). */
async function routedTable(be: ShowBackend, session: VtgateSession, keyspace: string, table: string): Promise<{ keyspace: string; table: string }> {
  try {
    const t = be.vschema().findRoutedTable(keyspace, table, session.target.tabletType);
    return { keyspace: t.keyspace.name, table: t.name };
  } catch (e) {
    const errno = (e as { errno?: number }).errno;
    if (errno === ER.BAD_DB_ERROR[0] && keyspace && (await be.keyspaceExists(keyspace))) return { keyspace, table };
    if (errno === ER.BAD_DB_ERROR[0]) throw sqlError(ER.BAD_DB_ERROR, `VT05003: unknown database '${keyspace}' in vschema`, Code.NOT_FOUND);
    if (errno === ER.NO_SUCH_TABLE[0]) throw sqlError([1109, '42S02'], `VT05004: table '${table}' does not exist`, Code.NOT_FOUND);
    throw e;
  }
}

function vschemaTables(be: ShowBackend, session: VtgateSession): Result {
  const ks = be.vschema().keyspace(session.target.keyspace);
  if (!ks) throw noDatabase();
  return varcharResult(['Tables'], [...ks.tables.keys()].sort().map((t) => [t]));
}

/**
 * SHOW VSCHEMA VINDEXES: every keyspace's vindexes from the SrvVSchema (Keyspace, Name, Type,
 * Params as sorted `k=v` joined by `; `, Owner), keyspaces and vindexes in name order. With
 * `ON [ks.]t`: the table's column vindexes (Columns, Name, Type, Params, Owner); none for an
 * unsharded keyspace; 1146 `table 't' does not exist in keyspace 'ks'` for a table a sharded
 * keyspace's VSchema lacks.
 */
async function vschemaVindexes(be: ShowBackend, session: VtgateSession, lx: SqlLexer): Promise<Result> {
  const srv = await be.srvVSchema();
  const params = (def: VindexDef | undefined) => Object.entries(def?.params ?? {}).map(([k, v]) => `${k}=${v}`).sort().join('; ');
  if (lx.next() === Tok.EOF) {
    const rows: string[][] = [];
    for (const ks of Object.keys(srv?.keyspaces ?? {}).sort()) {
      const vindexes = srv!.keyspaces[ks]!.vindexes ?? {};
      for (const name of Object.keys(vindexes).sort()) rows.push([ks, name, vindexes[name]!.type, params(vindexes[name]), vindexes[name]!.owner ?? '']);
    }
    return varcharResult(['Keyspace', 'Name', 'Type', 'Params', 'Owner'], rows);
  }
  if (!lx.isWord('ON') && !lx.isWord('FROM')) throw lx.syntaxError();
  const first = nameToken(lx);
  let keyspace = '';
  let table = first;
  if (lx.next() === Tok.PUNCT && lx.isPunct('.')) {
    keyspace = first;
    table = nameToken(lx);
    lx.next();
  }
  if (lx.kind !== Tok.EOF) throw lx.syntaxError();
  keyspace ||= session.target.keyspace;
  if (!keyspace) throw noDatabase();
  if (!(await be.keyspaceExists(keyspace))) throw sqlError(ER.BAD_DB_ERROR, `VT05003: unknown database '${keyspace}' in vschema`, Code.NOT_FOUND);
  const ks = srv?.keyspaces[keyspace];
  const rows: string[][] = [];
  if (ks?.sharded) {
    const t = ks.tables?.[table];
    if (!t) throw sqlError(ER.NO_SUCH_TABLE, `table '${table}' does not exist in keyspace '${keyspace}'`, Code.NOT_FOUND);
    for (const cv of t.column_vindexes ?? []) {
      const def = ks.vindexes?.[cv.name];
      const columns = cv.columns?.length ? cv.columns.join(', ') : cv.column;
      rows.push([columns, cv.name, def?.type ?? '', params(def), def?.owner ?? '']);
    }
  }
  return varcharResult(['Columns', 'Name', 'Type', 'Params', 'Owner'], rows);
}

/** The identifier after the current token (a word or a backquoted name); 1064 otherwise. */
function nameToken(lx: SqlLexer): string {
  const k = lx.next();
  if (k === Tok.WORD) return lx.text();
  if (k === Tok.QUOTED_IDENT) return unquoteIdent(lx.text());
  throw lx.syntaxError();
}

/** SHOW WARNINGS: vtgate keeps no warnings of its own yet, so the list is empty (Level, Code, Message). */
function warnings(): Result {
  const fields = varcharFields(['Level', 'Code', 'Message']);
  fields[1] = { ...fields[1]!, type: Type.UINT16, charset: Charset.BINARY, flags: MySqlFlag.NUM_FLAG | MySqlFlag.UNSIGNED_FLAG };
  fields[0]!.flags = 0;
  fields[2]!.flags = 0;
  return { fields, rows: [], rowsAffected: 0, insertId: 0n };
}

function expectEnd(lx: SqlLexer): void {
  if (lx.next() !== Tok.EOF) throw lx.syntaxError();
}


function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function formatTermStart(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
