/**
 * `information_schema` as MySQL 8 presents it to ORMs: TABLES, COLUMNS, STATISTICS, KEY_COLUMN_USAGE,
 * REFERENTIAL_CONSTRAINTS, TABLE_CONSTRAINTS, SCHEMATA, VIEWS, CHECK_CONSTRAINTS, and the empty
 * ROUTINES and TRIGGERS (vtsim has no stored programs). Each is a virtual table materialized from the
 * catalog when a query reads it, so the ordinary SELECT machinery (WHERE, joins, ORDER BY, aggregates)
 * runs over it. Columns have MySQL 8's names, order and types (utf8mb3; schema and table names compare
 * case-sensitively through utf8mb3_bin, as with lower_case_table_names=0, other names through
 * utf8mb3_general_ci), and an unaliased column reads back under its upper-case name, as in MySQL 8.
 */
import { Type, type SqlValue } from '@vtsim/proto';
import { buildField, collationById, columnTypeOf, parseColumnType, renderExpr, type ColumnType } from '@vtsim/sql';
import type { Catalog, Database } from './catalog.js';
import type { SelectPlan } from './select-plan.js';
import { columnDefaultText, columnExtraText, columnKeyFlag, orderedIndexes } from './column-metadata.js';
import type { ColumnDef, TableSchema } from './table-schema.js';

/** The name of the schema, lower-case. */
export const INFORMATION_SCHEMA = 'information_schema';

/** The schemas every MySQL 8 server has besides the user's, as SHOW DATABASES lists them. */
export const SYSTEM_DATABASES = ['information_schema', 'mysql', 'performance_schema', 'sys'];

const META = 33; // utf8mb3_general_ci
const NAME = 83; // utf8mb3_bin: schema and table names (lower_case_table_names=0)

/** A VARCHAR of a utf8mb3 collation; a `_bin` one is typed VARBINARY, as Vitess types it, so it compares byte-wise. */
function varchar(n: number, collation = META): ColumnType {
  const ct = parseColumnType({ dataType: 'VARCHAR', length: n }, { collate: collation === NAME ? 'utf8mb3_bin' : 'utf8mb3_general_ci' });
  return collation === NAME ? { ...ct, type: Type.VARBINARY } : ct;
}
const longtext = (): ColumnType => parseColumnType({ dataType: 'LONGTEXT' }, { collate: 'utf8mb3_general_ci' });
const T = {
  name: varchar(64, NAME),
  meta: varchar(64),
  text: longtext(),
  bigintU: columnTypeOf(Type.UINT64),
  bigint: columnTypeOf(Type.INT64),
  intU: columnTypeOf(Type.UINT32),
  int: columnTypeOf(Type.INT32),
  datetime: columnTypeOf(Type.DATETIME),
  timestamp: columnTypeOf(Type.TIMESTAMP),
  v: varchar,
};

/** One virtual table: its columns (name, type, NOT NULL) and how its rows come from the catalog. */
interface VirtualTable {
  readonly columns: readonly (readonly [string, ColumnType, boolean?])[];
  rows(catalog: Catalog): SqlValue[][];
}

/** Every user database's tables (committed schema), in name order, with their database. */
function* tables(catalog: Catalog): Generator<[Database, TableSchema]> {
  for (const db of sortedDatabases(catalog)) {
    for (const name of [...db.tables.keys()].sort()) yield [db, db.tables.get(name)!.schema];
  }
}

function sortedDatabases(catalog: Catalog): Database[] {
  return [...catalog.databases.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const TABLES: VirtualTable = {
  columns: [
    ['TABLE_CATALOG', T.meta, true], ['TABLE_SCHEMA', T.name, true], ['TABLE_NAME', T.name, true], ['TABLE_TYPE', T.v(11), true],
    ['ENGINE', T.meta], ['VERSION', T.int], ['ROW_FORMAT', T.v(10)], ['TABLE_ROWS', T.bigintU], ['AVG_ROW_LENGTH', T.bigintU],
    ['DATA_LENGTH', T.bigintU], ['MAX_DATA_LENGTH', T.bigintU], ['INDEX_LENGTH', T.bigintU], ['DATA_FREE', T.bigintU],
    ['AUTO_INCREMENT', T.bigintU], ['CREATE_TIME', T.timestamp], ['UPDATE_TIME', T.datetime], ['CHECK_TIME', T.datetime],
    ['TABLE_COLLATION', T.meta], ['CHECKSUM', T.bigint], ['CREATE_OPTIONS', T.v(256)], ['TABLE_COMMENT', T.text],
  ],
  rows(catalog) {
    const out: SqlValue[][] = [];
    for (const db of sortedDatabases(catalog)) {
      const names = [...new Set([...db.tables.keys(), ...db.views.keys()])].sort();
      for (const name of names) {
        const entry = db.tables.get(name);
        if (!entry) {
          out.push(['def', db.name, name, 'VIEW', null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, 'VIEW']);
          continue;
        }
        const s = entry.schema;
        const rows = BigInt(entry.data.size);
        const autoIncrement = s.autoIncrementColumn >= 0 ? entry.data.counters.autoIncrement : null;
        out.push([
          'def', db.name, name, 'BASE TABLE', 'InnoDB', 10n, 'Dynamic', rows, 0n, 16384n, 0n, 0n, 0n, autoIncrement,
          null, null, null, 'utf8mb4_0900_ai_ci', null, s.partition ? 'partitioned' : '', s.comment,
        ]);
      }
    }
    return out;
  },
};

/** The type name of a COLUMN_TYPE (`decimal(10,2)` → `decimal`, `int unsigned` → `int`). */
function dataType(c: ColumnDef): string {
  return /^[a-z]+/.exec(c.columnType.columnType)![0];
}

const INTEGER_PRECISION: Record<string, [number, number]> = { tinyint: [3, 3], smallint: [5, 5], mediumint: [7, 8], int: [10, 10], bigint: [19, 20] };
const TEXT_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set']);
const BINARY_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);

/** CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION. */
function typeNumbers(c: ColumnDef): SqlValue[] {
  const ct = c.columnType;
  const t = dataType(c);
  if (TEXT_TYPES.has(t)) {
    const chars = t === 'enum' || t === 'set' ? enumLength(t, ct.enumValues ?? []) : ct.length;
    const maxLen = collationById(ct.charset)?.charset === 'utf8mb4' ? 4 : collationById(ct.charset)?.charset === 'utf8mb3' ? 3 : 1;
    const octets = /text$/.test(t) ? ct.length : chars * maxLen;
    return [BigInt(chars), BigInt(octets), null, null, null];
  }
  if (BINARY_TYPES.has(t)) return [BigInt(ct.length), BigInt(ct.length), null, null, null];
  const int = INTEGER_PRECISION[t];
  if (int) return [null, null, BigInt(int[ct.unsigned ? 1 : 0]), 0n, null];
  if (t === 'decimal') return [null, null, BigInt(ct.precision), BigInt(ct.scale), null];
  if (t === 'float' || t === 'double') return [null, null, BigInt(ct.precision || (t === 'float' ? 12 : 22)), ct.precision ? BigInt(ct.scale) : null, null];
  if (t === 'bit') return [null, null, BigInt(ct.length), null, null];
  if (t === 'datetime' || t === 'timestamp' || t === 'time') return [null, null, null, null, BigInt(ct.precision)];
  return [null, null, null, null, null];
}

function enumLength(t: string, values: readonly string[]): number {
  if (t === 'set') return values.reduce((n, v) => n + [...v].length, 0) + Math.max(0, values.length - 1);
  return values.reduce((n, v) => Math.max(n, [...v].length), 0);
}

const COLUMNS: VirtualTable = {
  columns: [
    ['TABLE_CATALOG', T.meta, true], ['TABLE_SCHEMA', T.name, true], ['TABLE_NAME', T.name, true], ['COLUMN_NAME', T.meta],
    ['ORDINAL_POSITION', T.intU, true], ['COLUMN_DEFAULT', T.text], ['IS_NULLABLE', T.v(3), true], ['DATA_TYPE', T.text],
    ['CHARACTER_MAXIMUM_LENGTH', T.bigint], ['CHARACTER_OCTET_LENGTH', T.bigint], ['NUMERIC_PRECISION', T.bigintU],
    ['NUMERIC_SCALE', T.bigintU], ['DATETIME_PRECISION', T.intU], ['CHARACTER_SET_NAME', T.meta], ['COLLATION_NAME', T.meta],
    ['COLUMN_TYPE', T.text, true], ['COLUMN_KEY', T.v(3), true], ['EXTRA', T.v(256)], ['PRIVILEGES', T.v(154)],
    ['COLUMN_COMMENT', T.text, true], ['GENERATION_EXPRESSION', T.text, true], ['SRS_ID', T.intU],
  ],
  rows(catalog) {
    const out: SqlValue[][] = [];
    for (const [db, s] of tables(catalog)) {
      s.columns.forEach((c, i) => {
        const collation = TEXT_TYPES.has(dataType(c)) ? collationById(c.columnType.charset) : undefined;
        out.push([
          'def', db.name, s.name, c.name, BigInt(i + 1), columnDefaultText(c), c.notNull ? 'NO' : 'YES', dataType(c),
          ...typeNumbers(c), collation?.charset ?? null, collation?.name ?? null, c.columnType.columnType, columnKeyFlag(s, i),
          columnExtraText(c), 'select,insert,update,references', c.comment, c.generated ? renderExpr(c.generated.expr) : '', null,
        ]);
      });
    }
    return out;
  },
};

const STATISTICS: VirtualTable = {
  columns: [
    ['TABLE_CATALOG', T.meta, true], ['TABLE_SCHEMA', T.name, true], ['TABLE_NAME', T.name, true], ['NON_UNIQUE', T.int, true],
    ['INDEX_SCHEMA', T.name, true], ['INDEX_NAME', T.meta], ['SEQ_IN_INDEX', T.intU, true], ['COLUMN_NAME', T.meta],
    ['COLLATION', T.v(1)], ['CARDINALITY', T.bigint], ['SUB_PART', T.bigint], ['PACKED', T.v(0)], ['NULLABLE', T.v(3), true],
    ['INDEX_TYPE', T.v(11), true], ['COMMENT', T.v(8), true], ['INDEX_COMMENT', T.v(2048), true], ['IS_VISIBLE', T.v(3), true],
    ['EXPRESSION', T.text],
  ],
  rows(catalog) {
    const out: SqlValue[][] = [];
    for (const [db, s] of tables(catalog)) {
      for (const ix of orderedIndexes(s)) {
        ix.columns.forEach((ci, seq) => {
          const c = s.columns[ci]!;
          out.push(['def', db.name, s.name, ix.unique ? 0n : 1n, db.name, ix.name, BigInt(seq + 1), c.name, 'A', 0n, null, null, c.notNull ? '' : 'YES', 'BTREE', '', '', 'YES', null]);
        });
      }
    }
    return out;
  },
};

const KEY_COLUMN_USAGE: VirtualTable = {
  columns: [
    ['CONSTRAINT_CATALOG', T.meta, true], ['CONSTRAINT_SCHEMA', T.name, true], ['CONSTRAINT_NAME', T.meta], ['TABLE_CATALOG', T.meta, true],
    ['TABLE_SCHEMA', T.name, true], ['TABLE_NAME', T.name, true], ['COLUMN_NAME', T.meta], ['ORDINAL_POSITION', T.intU, true],
    ['POSITION_IN_UNIQUE_CONSTRAINT', T.intU], ['REFERENCED_TABLE_SCHEMA', T.name], ['REFERENCED_TABLE_NAME', T.name], ['REFERENCED_COLUMN_NAME', T.meta],
  ],
  rows(catalog) {
    const out: SqlValue[][] = [];
    for (const [db, s] of tables(catalog)) {
      for (const ix of orderedIndexes(s)) {
        if (!ix.unique) continue;
        ix.columns.forEach((ci, seq) => out.push(['def', db.name, ix.name, 'def', db.name, s.name, s.columns[ci]!.name, BigInt(seq + 1), null, null, null, null]));
      }
      for (const fk of s.foreignKeys) {
        fk.columns.forEach((col, i) => out.push(['def', db.name, fk.name, 'def', db.name, s.name, col, BigInt(i + 1), BigInt(i + 1), fk.refDatabase, fk.refTable, fk.refColumns[i] ?? null]));
      }
    }
    return out;
  },
};

const REFERENTIAL_CONSTRAINTS: VirtualTable = {
  columns: [
    ['CONSTRAINT_CATALOG', T.meta, true], ['CONSTRAINT_SCHEMA', T.name, true], ['CONSTRAINT_NAME', T.meta], ['UNIQUE_CONSTRAINT_CATALOG', T.meta, true],
    ['UNIQUE_CONSTRAINT_SCHEMA', T.name, true], ['UNIQUE_CONSTRAINT_NAME', T.meta], ['MATCH_OPTION', T.v(7), true], ['UPDATE_RULE', T.v(11), true],
    ['DELETE_RULE', T.v(11), true], ['TABLE_NAME', T.name, true], ['REFERENCED_TABLE_NAME', T.name, true],
  ],
  rows(catalog) {
    const out: SqlValue[][] = [];
    for (const [db, s] of tables(catalog)) {
      for (const fk of s.foreignKeys) {
        const parent = catalog.findTable(fk.refDatabase, fk.refTable)?.schema;
        const unique = parent?.indexes.find((ix) => ix.unique && ix.columns.length === fk.refColumns.length && ix.columns.every((ci, k) => parent.columns[ci]!.name.toLowerCase() === fk.refColumns[k]!.toLowerCase()));
        out.push(['def', db.name, fk.name, 'def', fk.refDatabase, unique?.name ?? null, 'NONE', fk.onUpdate ?? 'NO ACTION', fk.onDelete ?? 'NO ACTION', s.name, fk.refTable]);
      }
    }
    return out;
  },
};

const TABLE_CONSTRAINTS: VirtualTable = {
  columns: [
    ['CONSTRAINT_CATALOG', T.meta, true], ['CONSTRAINT_SCHEMA', T.name, true], ['CONSTRAINT_NAME', T.meta], ['TABLE_SCHEMA', T.name, true],
    ['TABLE_NAME', T.name, true], ['CONSTRAINT_TYPE', T.v(11), true], ['ENFORCED', T.v(3), true],
  ],
  rows(catalog) {
    const out: SqlValue[][] = [];
    for (const [db, s] of tables(catalog)) {
      const row = (name: string, type: string, enforced = true) => out.push(['def', db.name, name, db.name, s.name, type, enforced ? 'YES' : 'NO']);
      for (const ix of orderedIndexes(s)) if (ix.unique) row(ix.name, ix.primary ? 'PRIMARY KEY' : 'UNIQUE');
      for (const fk of s.foreignKeys) row(fk.name, 'FOREIGN KEY');
      for (const k of s.checks) row(k.name, 'CHECK', k.enforced);
    }
    return out;
  },
};

const CHECK_CONSTRAINTS: VirtualTable = {
  columns: [['CONSTRAINT_CATALOG', T.meta, true], ['CONSTRAINT_SCHEMA', T.name, true], ['CONSTRAINT_NAME', T.meta, true], ['CHECK_CLAUSE', T.text, true]],
  rows(catalog) {
    const out: SqlValue[][] = [];
    for (const [db, s] of tables(catalog)) for (const k of s.checks) out.push(['def', db.name, k.name, renderExpr(k.expr)]);
    return out;
  },
};

const SCHEMATA: VirtualTable = {
  columns: [
    ['CATALOG_NAME', T.meta, true], ['SCHEMA_NAME', T.name, true], ['DEFAULT_CHARACTER_SET_NAME', T.meta, true],
    ['DEFAULT_COLLATION_NAME', T.meta, true], ['SQL_PATH', T.v(0)], ['DEFAULT_ENCRYPTION', T.v(3), true],
  ],
  rows(catalog) {
    const names = [...new Set([...SYSTEM_DATABASES, ...catalog.databases.keys()])].sort();
    return names.map((n) => (n === INFORMATION_SCHEMA ? ['def', n, 'utf8mb3', 'utf8mb3_general_ci', null, 'NO'] : ['def', n, 'utf8mb4', 'utf8mb4_0900_ai_ci', null, 'NO']));
  },
};

const VIEWS: VirtualTable = {
  columns: [
    ['TABLE_CATALOG', T.meta, true], ['TABLE_SCHEMA', T.name, true], ['TABLE_NAME', T.name, true], ['VIEW_DEFINITION', T.text],
    ['CHECK_OPTION', T.v(8)], ['IS_UPDATABLE', T.v(3)], ['DEFINER', T.v(288)], ['SECURITY_TYPE', T.v(7)],
    ['CHARACTER_SET_CLIENT', T.meta, true], ['COLLATION_CONNECTION', T.meta, true],
  ],
  rows(catalog) {
    const out: SqlValue[][] = [];
    for (const db of sortedDatabases(catalog)) {
      for (const name of [...db.views.keys()].sort()) {
        const v = db.views.get(name)!;
        const definition = /\bas\s+((?:select|with|\()[\s\S]*)$/i.exec(v.statement)?.[1] ?? '';
        const s = v.select as { from?: unknown[]; groupby?: unknown; distinct?: unknown; _next?: unknown };
        const updatable = (s.from?.length ?? 0) === 1 && !s.groupby && !s.distinct && !s._next;
        out.push(['def', db.name, name, definition, 'NONE', updatable ? 'YES' : 'NO', 'vt_dba@localhost', 'DEFINER', 'utf8mb4', 'utf8mb4_0900_ai_ci']);
      }
    }
    return out;
  },
};

/** The non-VARCHAR columns of ROUTINES and TRIGGERS. */
const EMPTY_TABLE_TYPES: Record<string, ColumnType> = {
  CHARACTER_MAXIMUM_LENGTH: T.int, CHARACTER_OCTET_LENGTH: T.int, NUMERIC_PRECISION: T.intU, NUMERIC_SCALE: T.intU,
  DATETIME_PRECISION: T.intU, DTD_IDENTIFIER: T.text, ROUTINE_DEFINITION: T.text, ROUTINE_COMMENT: T.text, CREATED: T.timestamp,
  LAST_ALTERED: T.timestamp, ACTION_ORDER: T.intU, ACTION_CONDITION: T.text, ACTION_STATEMENT: T.text,
};

/** A table vtsim has no rows for (no stored routines or triggers): its columns only. */
function empty(names: readonly string[]): VirtualTable {
  return { columns: names.map((n) => [n, EMPTY_TABLE_TYPES[n] ?? T.meta] as const), rows: () => [] };
}

const ROUTINES = empty([
  'SPECIFIC_NAME', 'ROUTINE_CATALOG', 'ROUTINE_SCHEMA', 'ROUTINE_NAME', 'ROUTINE_TYPE', 'DATA_TYPE', 'CHARACTER_MAXIMUM_LENGTH',
  'CHARACTER_OCTET_LENGTH', 'NUMERIC_PRECISION', 'NUMERIC_SCALE', 'DATETIME_PRECISION', 'CHARACTER_SET_NAME', 'COLLATION_NAME',
  'DTD_IDENTIFIER', 'ROUTINE_BODY', 'ROUTINE_DEFINITION', 'EXTERNAL_NAME', 'EXTERNAL_LANGUAGE', 'PARAMETER_STYLE', 'IS_DETERMINISTIC',
  'SQL_DATA_ACCESS', 'SQL_PATH', 'SECURITY_TYPE', 'CREATED', 'LAST_ALTERED', 'SQL_MODE', 'ROUTINE_COMMENT', 'DEFINER',
  'CHARACTER_SET_CLIENT', 'COLLATION_CONNECTION', 'DATABASE_COLLATION',
]);

const TRIGGERS = empty([
  'TRIGGER_CATALOG', 'TRIGGER_SCHEMA', 'TRIGGER_NAME', 'EVENT_MANIPULATION', 'EVENT_OBJECT_CATALOG', 'EVENT_OBJECT_SCHEMA',
  'EVENT_OBJECT_TABLE', 'ACTION_ORDER', 'ACTION_CONDITION', 'ACTION_STATEMENT', 'ACTION_ORIENTATION', 'ACTION_TIMING',
  'ACTION_REFERENCE_OLD_TABLE', 'ACTION_REFERENCE_NEW_TABLE', 'ACTION_REFERENCE_OLD_ROW', 'ACTION_REFERENCE_NEW_ROW', 'CREATED',
  'SQL_MODE', 'DEFINER', 'CHARACTER_SET_CLIENT', 'COLLATION_CONNECTION', 'DATABASE_COLLATION',
]);

const VIRTUAL_TABLES: ReadonlyMap<string, VirtualTable> = new Map([
  ['TABLES', TABLES], ['COLUMNS', COLUMNS], ['STATISTICS', STATISTICS], ['KEY_COLUMN_USAGE', KEY_COLUMN_USAGE],
  ['REFERENTIAL_CONSTRAINTS', REFERENTIAL_CONSTRAINTS], ['TABLE_CONSTRAINTS', TABLE_CONSTRAINTS], ['CHECK_CONSTRAINTS', CHECK_CONSTRAINTS],
  ['SCHEMATA', SCHEMATA], ['VIEWS', VIEWS], ['ROUTINES', ROUTINES], ['TRIGGERS', TRIGGERS],
]);

/** True if `database` names information_schema (any letter case, as MySQL 8 accepts it). */
export function isInformationSchema(database: string): boolean {
  return database.toLowerCase() === INFORMATION_SCHEMA;
}

/**
 * The plan reading one information_schema table (name in any letter case), or undefined for a table
 * vtsim does not provide. Rows are read from the catalog each time the plan runs.
 */
export function informationSchemaTable(table: string, catalog: Catalog): SelectPlan | undefined {
  const upper = table.toUpperCase();
  const vt = VIRTUAL_TABLES.get(upper);
  if (!vt) return undefined;
  const fields = vt.columns.map(([name, columnType, notNull]) =>
    Object.freeze(buildField({
      name, table: upper, database: INFORMATION_SCHEMA, columnType, notNull: !!notNull,
      autoIncrement: false, hasDefault: true, primaryKey: false, uniqueKey: false, multipleKey: false, partOfKey: false,
    })),
  );
  return { fields, columnTypes: vt.columns.map(([, t]) => t), execute: () => vt.rows(catalog) };
}
