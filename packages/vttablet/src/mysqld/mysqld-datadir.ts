/**
 * A mysqld's datadir as text lines, written by {@link dumpMysqldDatadir} and read back by
 * {@link loadMysqldDatadir}: what a server keeps across a restart (its databases, table
 * definitions, rows, AUTO_INCREMENT counters, views, server_uuid and gtid_executed; not what SET GLOBAL
 * changed, which a restart forgets). The binlog is not kept: the loaded server has purged
 * everything it executed (gtid_purged = gtid_executed), so positions stay valid, new transactions
 * continue the GTID sequence, and readers positioned before the dump get error 1236. Lines are
 * JSON: a header, then per table a table line followed by one line per row, then an end line (a
 * missing end line means a truncated file).
 */
import { isBinary, isFloat, isIntegral, type SqlValue } from '@vtsim/proto';
import { GtidSet } from '@vtsim/binlog';
import { Database, TableEntry } from './catalog.js';
import { Mysqld, type MysqldOptions } from './mysqld.js';
import { parseStatement } from '@vtsim/sql';
import { TableData } from './table-data.js';
import { TableSchema, type ColumnDef, type ColumnDefault, type Row, type TableDefinition } from './table-schema.js';
import { viewDefinition } from './views.js';

/** The datadir format this code writes and reads; a file with another one is refused. */
export const MYSQLD_DATADIR_FORMAT = 1;

const KIND = 'vtsim-mysqld-datadir';

/** A value where its column's kind does not say its JS type: `{s}` text, `{i}` integer, `{d}` double, `{b}` base64 bytes. */
type TaggedValue = null | { s: string } | { i: string } | { d: string } | { b: string };

interface DatadirHeader {
  format: number;
  kind: typeof KIND;
  serverUuid: string;
  gtidExecuted: string;
  databases: string[];
  /** Each view's database and CREATE VIEW statement, in creation order (absent: none). */
  views?: { database: string; statement: string }[];
}

/** A column as written: a literal default is tagged. */
type ColumnJson = Omit<ColumnDef, 'default'> & { default: Exclude<ColumnDefault, { kind: 'value' }> | { kind: 'value'; value: TaggedValue } };

/** A table definition as written. */
type TableDefinitionJson = Omit<TableDefinition, 'columns'> & { columns: ColumnJson[] };

interface TableLine {
  table: TableDefinitionJson;
  autoIncrement: string;
  nextRowId: string;
  rows: number;
}

interface EndLine {
  end: true;
  tables: number;
}

/** How a column's values are written: plain JSON of the JS type its column type stores, else tagged. */
type ColumnKind = 'int' | 'double' | 'bytes' | 'text';

function tagValue(v: SqlValue): TaggedValue {
  if (v === null) return null;
  if (typeof v === 'string') return { s: v };
  if (typeof v === 'bigint') return { i: v.toString() };
  if (typeof v === 'number') return { d: Object.is(v, -0) ? '-0' : String(v) };
  return { b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
}

function untagValue(t: TaggedValue): SqlValue {
  if (t === null) return null;
  if ('s' in t) return t.s;
  if ('i' in t) return BigInt(t.i);
  if ('d' in t) return Number(t.d);
  if ('b' in t) return Buffer.from(t.b, 'base64');
  throw new Error(`bad value ${JSON.stringify(t)}`);
}

function columnKind(c: ColumnDef): ColumnKind {
  const t = c.columnType.type;
  if (isIntegral(t)) return 'int';
  if (isFloat(t)) return 'double';
  if (isBinary(t)) return 'bytes';
  return 'text';
}

function encodeCell(v: SqlValue, kind: ColumnKind): unknown {
  if (v === null) return null;
  switch (kind) {
    case 'int':
      if (typeof v === 'bigint') return v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER ? Number(v) : v.toString();
      break;
    case 'double':
      if (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0)) return v;
      break;
    case 'bytes':
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      break;
    case 'text':
      if (typeof v === 'string') return v;
      break;
  }
  return tagValue(v);
}

function decodeCell(x: unknown, kind: ColumnKind): SqlValue {
  if (x === null) return null;
  if (typeof x === 'object') return untagValue(x as TaggedValue);
  switch (kind) {
    case 'int':
      if (typeof x === 'number' || typeof x === 'string') return BigInt(x);
      break;
    case 'double':
      if (typeof x === 'number') return x;
      break;
    case 'bytes':
      if (typeof x === 'string') return Buffer.from(x, 'base64');
      break;
    case 'text':
      if (typeof x === 'string') return x;
      break;
  }
  throw new Error(`bad ${kind} value ${JSON.stringify(x)}`);
}

function definitionJson(schema: TableSchema): TableDefinitionJson {
  const columns = schema.columns.map((c): ColumnJson => (c.default.kind === 'value' ? { ...c, default: { kind: 'value', value: tagValue(c.default.value) } } : { ...c, default: c.default }));
  return { database: schema.database, name: schema.name, columns, indexes: schema.indexes, comment: schema.comment, partition: schema.partition, checks: schema.checks, foreignKeys: schema.foreignKeys };
}

function definitionFromJson(def: TableDefinitionJson): TableDefinition {
  const columns = def.columns.map((c): ColumnDef => (c.default.kind === 'value' ? { ...c, default: { kind: 'value', value: untagValue(c.default.value) } } : { ...c, default: c.default }));
  return { ...def, columns };
}

/**
 * The server's datadir as lines (without newlines), for a file of one line each. The state is
 * captured when this is called (O(number of tables): committed table versions are immutable), so
 * commits made while the lines are consumed are not in it. Rows are produced lazily.
 */
export function dumpMysqldDatadir(mysqld: Mysqld): Iterable<string> {
  const header: DatadirHeader = {
    format: MYSQLD_DATADIR_FORMAT,
    kind: KIND,
    serverUuid: mysqld.serverUuid,
    gtidExecuted: mysqld.gtidExecutedText(),
    databases: mysqld.databases(),
  };
  const views = [...mysqld.catalog.databases.values()].flatMap((db) => [...db.views.values()].map((v) => ({ database: v.database, statement: v.statement })));
  if (views.length > 0) header.views = views;
  const tables: TableData[] = [];
  for (const name of header.databases) {
    for (const entry of mysqld.catalog.databases.get(name)!.tables.values()) tables.push(entry.data);
  }
  return (function* () {
    yield JSON.stringify(header);
    for (const data of tables) {
      const schema = data.schema;
      const line: TableLine = {
        table: definitionJson(schema),
        autoIncrement: data.counters.autoIncrement.toString(),
        nextRowId: data.counters.nextRowId.toString(),
        rows: data.size,
      };
      yield JSON.stringify(line);
      const kinds = schema.columns.map(columnKind);
      const cells = new Array<unknown>(kinds.length);
      for (const [, row] of data.entries()) {
        for (let i = 0; i < kinds.length; i++) cells[i] = encodeCell(row[i]!, kinds[i]!);
        yield JSON.stringify(cells);
      }
    }
    const end: EndLine = { end: true, tables: tables.length };
    yield JSON.stringify(end);
  })();
}

/**
 * Starts a server on a datadir written by {@link dumpMysqldDatadir}, as mysqld starts on a kept
 * datadir: its server_uuid, data and counters as dumped, GLOBAL variables at their defaults,
 * gtid_executed = gtid_purged = the dumped set (no binlog), read-only (super_read_only, as
 * Vitess's my.cnf starts it) and with no replication configured. Throws Error naming the line for
 * a file of another format or kind, a malformed or truncated one.
 */
export async function loadMysqldDatadir(lines: AsyncIterable<string> | Iterable<string>, opts: Omit<MysqldOptions, 'serverUuid'>): Promise<Mysqld> {
  const loader = new DatadirLoader(opts);
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text === '') continue;
    try {
      loader.line(text);
    } catch (err) {
      throw new Error(`line ${n}: ${(err as Error).message}`);
    }
  }
  if (n === 0) throw new Error('empty datadir file');
  try {
    return loader.finish();
  } catch (err) {
    throw new Error(`line ${n}: ${(err as Error).message}`);
  }
}

/** A table being loaded: its rows read so far and how many are still to come. */
interface LoadingTable {
  schema: TableSchema;
  db: Database;
  kinds: ColumnKind[];
  rows: Row[];
  left: number;
  counters: { autoIncrement: bigint; nextRowId: bigint };
}

/** The state of one load: the server once the header is read, the table whose rows are coming. */
class DatadirLoader {
  private mysqld: Mysqld | undefined;
  private table: LoadingTable | undefined;
  private tables = 0;
  private ended = false;
  private views: { database: string; statement: string }[] = [];

  constructor(private readonly opts: Omit<MysqldOptions, 'serverUuid'>) {}

  /** Takes the next line; throws Error saying what is wrong with it. */
  line(text: string): void {
    let line: unknown;
    try {
      line = JSON.parse(text);
    } catch {
      throw new Error('not JSON (the datadir file is corrupted)');
    }
    if (this.ended) throw new Error('data after the end line');
    if (!this.mysqld) return this.header(line as Partial<DatadirHeader>);
    const table = this.table;
    if (table && table.left > 0) {
      if (!Array.isArray(line) || line.length !== table.kinds.length) throw new Error(`expected a row of ${table.kinds.length} values`);
      const row = line as SqlValue[];
      for (let i = 0; i < row.length; i++) row[i] = decodeCell(row[i], table.kinds[i]!);
      table.rows.push(row);
      table.left--;
      return;
    }
    if (table) this.finishTable(table);
    const o = line as Partial<TableLine & EndLine>;
    if (o.end === true) {
      if (o.tables !== this.tables) throw new Error(`end line counts ${String(o.tables)} tables, the file has ${this.tables}`);
      this.ended = true;
      return;
    }
    if (!o.table || typeof o.rows !== 'number') throw new Error('expected a table line');
    const catalog = this.mysqld.catalog;
    const db = catalog.databases.get(o.table.database);
    if (!db) throw new Error(`table ${o.table.name} of database ${o.table.database}, which the header does not list`);
    const schema = new TableSchema(definitionFromJson(o.table), catalog.newTableMapId());
    const counters = { autoIncrement: BigInt(o.autoIncrement!), nextRowId: BigInt(o.nextRowId!) };
    this.table = { schema, db, kinds: schema.columns.map(columnKind), rows: [], left: o.rows, counters };
    this.tables++;
  }

  /**
   * Builds a table whose rows are all read (hidden row ids are handed out afresh, in the dumped
   * order) and sets its counters as dumped.
   */
  private finishTable(t: LoadingTable): void {
    this.table = undefined;
    const counters = { autoIncrement: t.counters.autoIncrement, nextRowId: 1n };
    const data = TableData.build(t.schema, counters, t.rows);
    if (t.counters.nextRowId > counters.nextRowId) counters.nextRowId = t.counters.nextRowId;
    t.db.tables.set(t.schema.name, new TableEntry(t.schema, data));
  }

  /** The loaded server; throws Error for a file that ended early. */
  finish(): Mysqld {
    if (!this.mysqld || !this.ended) throw new Error('the file ends before its end line (truncated)');
    for (const v of this.views) {
      const def = viewDefinition(parseStatement(v.statement), v.database, v.statement);
      this.mysqld.catalog.database(def.database).views.set(def.name, def);
    }
    this.mysqld.catalog.schemaVersion++;
    return this.mysqld;
  }

  private header(h: Partial<DatadirHeader>): void {
    if (typeof h !== 'object' || h === null || h.kind !== KIND) throw new Error('not a vtsim mysqld datadir');
    if (h.format !== MYSQLD_DATADIR_FORMAT) throw new Error(`datadir format ${String(h.format)} is not the one this vtsim reads (${MYSQLD_DATADIR_FORMAT})`);
    const mysqld = new Mysqld({ ...this.opts, serverUuid: String(h.serverUuid) });
    mysqld.superReadOnly = true;
    mysqld.binlog.setGtidPurged(GtidSet.parse(String(h.gtidExecuted)));
    for (const name of h.databases ?? []) mysqld.catalog.databases.set(name, new Database(name));
    this.views = Array.isArray(h.views) ? h.views : [];
    this.mysqld = mysqld;
  }
}
