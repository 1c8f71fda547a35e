/**
 * A mysqld's datadir as text lines: what a server keeps across a restart (its databases, table
 * definitions, rows, AUTO_INCREMENT counters, server_uuid and gtid_executed; not what SET GLOBAL
 * changed, which a restart forgets),
 * written by {@link dumpMysqldDatadir} and read back by {@link loadMysqldDatadir}. The binlog is not
 * kept: the loaded server has purged everything it executed (gtid_purged = gtid_executed), so
 * positions stay valid, new transactions continue the GTID sequence, and readers positioned before
 * the dump get error 1236. Lines are JSON: a header, then per table a table line followed by one
 * line per row, then an end line (a missing end line means a truncated file).
 */
import { isBinary, isFloat, isIntegral, type SqlValue } from '@vtsim/proto';
import { GtidSet } from '@vtsim/binlog';
import { Database, TableEntry } from './catalog.js';
import { Mysqld, type MysqldOptions } from './mysqld.js';
import { TableData } from './table-data.js';
import { TableSchema, type ColumnDef, type TableDefinition } from './table-schema.js';

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
}

interface TableLine {
  table: TableDefinition;
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

function definitionJson(schema: TableSchema): TableDefinition {
  const columns = schema.columns.map((c) => (c.default.kind === 'value' ? { ...c, default: { kind: 'value', value: tagValue(c.default.value) } } : c));
  return { database: schema.database, name: schema.name, columns, indexes: schema.indexes, comment: schema.comment, partition: schema.partition } as TableDefinition;
}

function definitionFromJson(def: TableDefinition): TableDefinition {
  const columns = def.columns.map((c) =>
    c.default.kind === 'value' ? { ...c, default: { kind: 'value' as const, value: untagValue(c.default.value as unknown as TaggedValue) } } : c,
  );
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
 * datadir: its server_uuid, data and counters as dumped, GLOBAL variables at their defaults, gtid_executed =
 * gtid_purged = the dumped set (no binlog), read-only (super_read_only, as Vitess's my.cnf starts
 * it) and with no replication configured. Throws Error naming the line for a file of another
 * format or kind, a malformed or truncated one.
 */
export async function loadMysqldDatadir(lines: AsyncIterable<string> | Iterable<string>, opts: Omit<MysqldOptions, 'serverUuid'>): Promise<Mysqld> {
  let n = 0;
  let mysqld: Mysqld | undefined;
  let table: { data: TableData; kinds: ColumnKind[]; left: number; counters: { autoIncrement: bigint; nextRowId: bigint } } | undefined;
  let tables = 0;
  let ended = false;
  const fail = (why: string): Error => new Error(`line ${n}: ${why}`);
  for await (const text of lines) {
    n++;
    if (text === '') continue;
    let line: unknown;
    try {
      line = JSON.parse(text);
    } catch {
      throw fail('not JSON (the datadir file is corrupted)');
    }
    if (ended) throw fail('data after the end line');
    if (!mysqld) {
      const h = line as Partial<DatadirHeader>;
      if (typeof h !== 'object' || h === null || h.kind !== KIND) throw fail('not a vtsim mysqld datadir');
      if (h.format !== MYSQLD_DATADIR_FORMAT) {
        throw fail(`datadir format ${String(h.format)} is not the one this vtsim reads (${MYSQLD_DATADIR_FORMAT})`);
      }
      mysqld = new Mysqld({ ...opts, serverUuid: h.serverUuid! });
      mysqld.superReadOnly = true;
      mysqld.binlog.setGtidPurged(GtidSet.parse(h.gtidExecuted!));
      for (const name of h.databases!) mysqld.catalog.databases.set(name, new Database(name));
      continue;
    }
    if (table && table.left > 0) {
      if (!Array.isArray(line) || line.length !== table.kinds.length) throw fail(`expected a row of ${table.kinds.length} values`);
      const { data, kinds } = table;
      let row: SqlValue[];
      try {
        row = line.map((x, i) => decodeCell(x, kinds[i]!));
        data.insert(row, data.newRowKey(row));
      } catch (err) {
        throw fail((err as Error).message);
      }
      table.left--;
      continue;
    }
    if (table) finishTable(table);
    table = undefined;
    const o = line as Partial<TableLine & EndLine>;
    if (o.end === true) {
      if (o.tables !== tables) throw fail(`end line counts ${String(o.tables)} tables, the file has ${tables}`);
      ended = true;
      continue;
    }
    if (!o.table || typeof o.rows !== 'number') throw fail('expected a table line');
    const catalog = mysqld.catalog;
    const db = catalog.databases.get(o.table.database);
    if (!db) throw fail(`table ${o.table.name} of database ${o.table.database}, which the header does not list`);
    const schema = new TableSchema(definitionFromJson(o.table), catalog.newTableMapId());
    const counters = { autoIncrement: BigInt(o.autoIncrement!), nextRowId: BigInt(o.nextRowId!) };
    const data = TableData.create(schema, { autoIncrement: counters.autoIncrement, nextRowId: 1n });
    db.tables.set(schema.name, new TableEntry(schema, data));
    table = { data, kinds: schema.columns.map(columnKind), left: o.rows, counters };
    tables++;
  }
  if (!mysqld) throw new Error('empty datadir file');
  if (!ended) throw fail('the file ends before its end line (truncated)');
  mysqld.catalog.schemaVersion++;
  return mysqld;
}

/** Sets a loaded table's counters as dumped (hidden row ids were handed out afresh, in the same order). */
function finishTable(t: { data: TableData; left: number; counters: { autoIncrement: bigint; nextRowId: bigint } }): void {
  const c = t.data.counters;
  c.autoIncrement = t.counters.autoIncrement;
  if (t.counters.nextRowId > c.nextRowId) c.nextRowId = t.counters.nextRowId;
}
