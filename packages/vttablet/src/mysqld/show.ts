/**
 * SHOW statements and DESCRIBE, recognized from the statement text (node-sql-parser covers few of
 * them), with MySQL 8's column names and text: SHOW [FULL] TABLES, DATABASES, TABLE STATUS, CREATE
 * TABLE/DATABASE, [FULL] COLUMNS, INDEX, VARIABLES, COLLATION, WARNINGS/ERRORS, COUNT(*)
 * WARNINGS/ERRORS, STATUS, MASTER/BINARY LOG STATUS. `LIKE` matches the first column and `WHERE`
 * is an expression over the result's columns, as in MySQL.
 */
import { Charset, ER, sqlError, Type, type Field, type Result, type SqlValue } from '@vtsim/proto';
import { collationById, compileExpr, resolveCollation, isTrue, parseStatement, renderExpr, resultField, toText, type Expr, type ExprScope } from '@vtsim/sql';
import type { MysqlSession } from './mysql-session.js';
import { columnDefaultText, columnExtraText, columnKeyFlag, orderedIndexes, valueText } from './column-metadata.js';
import { foreignKeyText } from './foreign-keys.js';
import { informationSchemaTable, SYSTEM_DATABASES } from './information-schema.js';
import { variableNames } from './system-variables.js';
import type { ColumnDef, TableSchema } from './table-schema.js';

/** A SHOW handler bound to its parsed arguments. */
export type ShowRunner = (session: MysqlSession) => Result;

const ID = '(?:`((?:[^`]|``)+)`|([\\w$]+))';
const LIKE = `(?:\\s+like\\s+'((?:[^']|'')*)'|\\s+where\\s+(.+))?`;

function ident(quoted: string | undefined, bare: string | undefined): string {
  return quoted !== undefined ? quoted.replace(/``/g, '`') : bare ?? '';
}

function textFields(names: readonly string[], numeric: readonly string[] = []): Field[] {
  return names.map((n) => resultField(n, numeric.includes(n) ? Type.INT64 : Type.VARCHAR));
}

function rowsResult(fields: Field[], rows: SqlValue[][]): Result {
  return { fields, rows, rowsAffected: 0, insertId: 0n };
}

/** A LIKE pattern as a case-insensitive regular expression. */
function likeRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += escapeRegex(pattern[++i]!);
    else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += escapeRegex(c);
  }
  return new RegExp(`^${re}$`, 'is');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The rows of a SHOW result its filter keeps: `LIKE 'pattern'` matches the first column
 * (case-insensitive), `WHERE expression` is evaluated over the result's columns by name, as MySQL does.
 */
function applyFilter(session: MysqlSession, result: Result, like: string | undefined, where: string | undefined): Result {
  if (like !== undefined) {
    const re = likeRegex(like.replace(/''/g, "'"));
    return { ...result, rows: result.rows.filter((r) => re.test(toText(r[0]!) ?? '')) };
  }
  if (where === undefined) return result;
  const ast = parseStatement(`select 1 from dual where ${where}`).where as Expr;
  const scope: ExprScope = {
    column(_table, name) {
      const index = result.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
      if (index < 0) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${name}' in 'where clause'`);
      return { index, type: null };
    },
  };
  const predicate = compileExpr(ast, scope);
  return { ...result, rows: result.rows.filter((row) => isTrue(predicate({ row, bindVars: {}, session })) === true) };
}

/** The words a statement {@link planShow} recognizes starts with. */
const SHOW_START = /^(?:show|describe|desc|explain)\b/i;

/** Recognizes a SHOW / DESCRIBE statement (comments stripped, no trailing `;`); undefined if it is not one. */
export function planShow(statement: string): ShowRunner | undefined {
  // Every form below starts so; the rest (BEGIN and COMMIT of every transaction among them) skip the patterns.
  if (!SHOW_START.test(statement)) return undefined;
  const text = statement.replace(/(\slike\s+)"((?:[^"]|"")*)"$/is, (_, kw: string, p: string) => `${kw}'${p.replace(/""/g, '"').replace(/'/g, "''")}'`);
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^show\\s+(full\\s+)?tables(?:\\s+(?:from|in)\\s+${ID})?${LIKE}$`, 'is').exec(text))) {
    const full = !!m[1];
    const dbArg = m[2] !== undefined || m[3] !== undefined ? ident(m[2], m[3]) : undefined;
    const [like, where] = [m[4], m[5]];
    return (session) => {
      const db = dbArg ?? session.database;
      if (!db) throw sqlError(ER.NO_DB_ERROR, 'No database selected');
      session.mysqld.catalog.database(db);
      const col = `Tables_in_${db}${like !== undefined ? ` (${like})` : ''}`;
      const views = session.mysqld.catalog.databases.get(db)?.views ?? new Map();
      const names = [...session.mysqld.tableNames(db), ...views.keys()].sort();
      const result = rowsResult(
        textFields(full ? [col, 'Table_type'] : [col]),
        names.map((n) => (full ? [n, views.has(n) ? 'VIEW' : 'BASE TABLE'] : [n])),
      );
      return applyFilter(session, result, like, where);
    };
  }
  if ((m = new RegExp(`^show\\s+(?:databases|schemas)${LIKE}$`, 'is').exec(text))) {
    const [like, where] = [m[1], m[2]];
    return (session) => {
      const names = [...new Set([...SYSTEM_DATABASES, ...session.mysqld.databases()])].sort();
      return applyFilter(session, rowsResult(textFields([`Database${like !== undefined ? ` (${like})` : ''}`]), names.map((n) => [n])), like, where);
    };
  }
  if ((m = new RegExp(`^show\\s+table\\s+status(?:\\s+(?:from|in)\\s+${ID})?${LIKE}$`, 'is').exec(text))) {
    const dbArg = m[1] !== undefined || m[2] !== undefined ? ident(m[1], m[2]) : undefined;
    const [like, where] = [m[3], m[4]];
    return (session) => {
      const db = dbArg ?? session.database;
      if (!db) throw sqlError(ER.NO_DB_ERROR, 'No database selected');
      session.mysqld.catalog.database(db);
      return applyFilter(session, tableStatus(session, db), like, where);
    };
  }
  if ((m = new RegExp(`^show\\s+create\\s+table\\s+${ID}(?:\\s*\\.\\s*${ID})?$`, 'is').exec(text))) {
    const [db, table] = qualified(m[1], m[2], m[3], m[4]);
    return (session) => {
      const schema = tableSchema(session, db, table);
      return rowsResult(textFields(['Table', 'Create Table']), [[schema.name, showCreateTable(session, schema)]]);
    };
  }
  if ((m = new RegExp(`^show\\s+create\\s+(?:database|schema)\\s+(?:if\\s+not\\s+exists\\s+)?${ID}$`, 'is').exec(text))) {
    const db = ident(m[1], m[2]);
    return (session) => {
      session.mysqld.catalog.database(db);
      return rowsResult(textFields(['Database', 'Create Database']), [
        [db, `CREATE DATABASE \`${db}\` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */`],
      ]);
    };
  }
  const columnsRe = new RegExp(
    `^(?:show\\s+(full\\s+)?(?:columns|fields)\\s+(?:from|in)\\s+${ID}(?:\\s*\\.\\s*${ID})?(?:\\s+(?:from|in)\\s+${ID})?${LIKE}|(?:describe|desc|explain)\\s+${ID}(?:\\s*\\.\\s*${ID})?)$`,
    'is',
  );
  if ((m = columnsRe.exec(text))) {
    const full = !!m[1];
    let db: string | undefined;
    let table: string;
    if (m[2] !== undefined || m[3] !== undefined) {
      [db, table] = qualified(m[2], m[3], m[4], m[5]);
      if (m[6] !== undefined || m[7] !== undefined) db = ident(m[6], m[7]);
    } else {
      [db, table] = qualified(m[10], m[11], m[12], m[13]);
    }
    const [like, where] = [m[8], m[9]];
    return (session) => applyFilter(session, describeTable(tableSchema(session, db, table), full), like, where);
  }
  if ((m = new RegExp(`^show\\s+(?:index|indexes|keys)\\s+(?:from|in)\\s+${ID}(?:\\s*\\.\\s*${ID})?(?:\\s+(?:from|in)\\s+${ID})?(?:\\s+where\\s+(.+))?$`, 'is').exec(text))) {
    let [db, table] = qualified(m[1], m[2], m[3], m[4]);
    if (m[5] !== undefined || m[6] !== undefined) db = ident(m[5], m[6]);
    const where = m[7];
    return (session) => applyFilter(session, showIndex(tableSchema(session, db, table)), undefined, where);
  }
  if ((m = new RegExp(`^show\\s+(global\\s+|session\\s+|local\\s+)?variables${LIKE}$`, 'is').exec(text))) {
    const scope = m[1]?.trim().toLowerCase() === 'global' ? 'global' : 'session';
    const [like, where] = [m[2], m[3]];
    return (session) =>
      applyFilter(session, rowsResult(textFields(['Variable_name', 'Value']), variableNames().map((n) => [n, variableText(n, session.systemVariable(n, scope))])), like, where);
  }
  if ((m = new RegExp(`^show\\s+(global\\s+|session\\s+|local\\s+)?status${LIKE}$`, 'is').exec(text))) {
    // The status variables vtsim keeps: the semi-sync source plugin's.
    const [like, where] = [m[2], m[3]];
    return (session) =>
      applyFilter(session, rowsResult(textFields(['Variable_name', 'Value']), session.mysqld.semiSync.statusVariables().map(([n, v]) => [n, String(v)])), like, where);
  }
  if ((m = new RegExp(`^show\\s+collation${LIKE}$`, 'is').exec(text))) {
    const [like, where] = [m[1], m[2]];
    return (session) => applyFilter(session, showCollation(), like, where);
  }
  if (/^show\s+errors(?:\s+limit\s+[\d\s,]+)?$/is.test(text)) {
    return () => rowsResult(textFields(['Level', 'Code', 'Message'], ['Code']), []);
  }
  if (/^show\s+warnings(?:\s+limit\s+[\d\s,]+)?$/is.test(text)) {
    return (session) => rowsResult(textFields(['Level', 'Code', 'Message'], ['Code']), session.warnings.map((w) => ['Warning', BigInt(w.code), w.message]));
  }
  if (/^show\s+count\s*\(\s*\*\s*\)\s+errors$/is.test(text)) {
    return () => rowsResult(textFields(['@@session.error_count'], ['@@session.error_count']), [[0n]]);
  }
  if (/^show\s+count\s*\(\s*\*\s*\)\s+warnings$/is.test(text)) {
    return (session) => rowsResult(textFields(['@@session.warning_count'], ['@@session.warning_count']), [[BigInt(session.warnings.length)]]);
  }
  if (/^show\s+(?:master|binary\s+log)\s+status$/is.test(text)) {
    return (session) =>
      rowsResult(textFields(['File', 'Position', 'Binlog_Do_DB', 'Binlog_Ignore_DB', 'Executed_Gtid_Set'], ['Position']), [
        ['binlog.000001', BigInt(session.mysqld.binlog.appended), '', '', session.mysqld.gtidExecutedText()],
      ]);
  }
  if (/^show\b/is.test(text)) {
    return () => {
      throw sqlError(ER.NOT_SUPPORTED_YET, `This version of MySQL doesn't yet support '${text}'`);
    };
  }
  return undefined;
}

/** SHOW TABLE STATUS: information_schema.TABLES of one database, under SHOW's column names. */
function tableStatus(session: MysqlSession, db: string): Result {
  const plan = informationSchemaTable('TABLES', session.mysqld.catalog)!;
  const names = ['Name', 'Engine', 'Version', 'Row_format', 'Rows', 'Avg_row_length', 'Data_length', 'Max_data_length', 'Index_length', 'Data_free', 'Auto_increment', 'Create_time', 'Update_time', 'Check_time', 'Collation', 'Checksum', 'Create_options', 'Comment'];
  // TABLE_NAME, then ENGINE … TABLE_COMMENT (TABLE_TYPE is not shown).
  const at = [2, ...names.slice(1).map((_, i) => 4 + i)];
  // SHOW TABLE STATUS types Create_time DATETIME where information_schema has TIMESTAMP.
  const fields = names.map((name, i) => (name === 'Create_time' ? resultField(name, Type.DATETIME) : { ...plan.fields[at[i]!]!, name, org_name: name, table: '', org_table: '' }));
  const rows = plan.execute(session, {}).filter((r) => r[1] === db).map((r) => at.map((i) => r[i]!));
  return rowsResult(fields, rows);
}

/** SHOW COLLATION: every collation vtsim knows, in name order, with MySQL 8's Default, Sortlen and Pad_attribute. */
function showCollation(): Result {
  const rows: SqlValue[][] = [];
  for (let id = 1; id < 512; id++) {
    const c = collationById(id);
    if (!c || c.name === 'binary') continue;
    const nopad = c.name.includes('_0900_');
    const isDefault = resolveCollation(c.charset, undefined).id === id;
    rows.push([c.name, c.charset, BigInt(id), isDefault ? 'Yes' : '', 'Yes', nopad ? 0n : c.name.includes('unicode') ? 8n : 1n, nopad ? 'NO PAD' : 'PAD SPACE']);
  }
  rows.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
  return rowsResult(textFields(['Collation', 'Charset', 'Id', 'Default', 'Compiled', 'Sortlen', 'Pad_attribute'], ['Id', 'Sortlen']), rows);
}

/** The variables MySQL 8 shows as ON/OFF in SHOW VARIABLES (their `@@` value is 1/0). */
const BOOLEAN_VARIABLES = new Set([
  'autocommit', 'foreign_key_checks', 'unique_checks', 'sql_safe_updates', 'read_only', 'super_read_only', 'sql_log_bin',
  'transaction_read_only', 'tx_read_only', 'rpl_semi_sync_source_enabled', 'rpl_semi_sync_replica_enabled', 'sql_auto_is_null',
  'sql_big_selects', 'sql_buffer_result', 'sql_quote_show_create', 'sql_notes', 'sql_warnings', 'log_bin', 'local_infile',
  'explicit_defaults_for_timestamp', 'skip_name_resolve', 'log_replica_updates', 'log_slave_updates', 'binlog_rows_query_log_events',
]);

/** A variable's value as SHOW VARIABLES prints it. */
function variableText(name: string, v: SqlValue): string {
  if (BOOLEAN_VARIABLES.has(name) && (v === 0n || v === 1n)) return v === 1n ? 'ON' : 'OFF';
  return toText(v) ?? '';
}

function qualified(q1: string | undefined, b1: string | undefined, q2: string | undefined, b2: string | undefined): [string | undefined, string] {
  const first = ident(q1, b1);
  if (q2 !== undefined || b2 !== undefined) return [first, ident(q2, b2)];
  return [undefined, first];
}

function tableSchema(session: MysqlSession, db: string | undefined, table: string): TableSchema {
  const database = db ?? session.database;
  if (!database) throw sqlError(ER.NO_DB_ERROR, 'No database selected');
  return session.mysqld.catalog.table(database, table).schema;
}

function collationOf(c: ColumnDef): string | null {
  return hasCollation(c) ? collationById(c.columnType.charset)!.name : null;
}

/** True for text, ENUM and SET columns (the ones with a collation). */
function hasCollation(c: ColumnDef): boolean {
  return c.columnType.charset !== Charset.BINARY && collationById(c.columnType.charset) !== undefined;
}

/** The `CHARACTER SET … COLLATE …` a column prints with when it differs from the table's utf8mb4_0900_ai_ci, as MySQL 8 does. */
function charsetClause(c: ColumnDef): string {
  if (!hasCollation(c) || c.columnType.charset === Charset.UTF8MB4) return '';
  const info = collationById(c.columnType.charset)!;
  return info.charset === 'utf8mb4' ? ` COLLATE ${info.name}` : ` CHARACTER SET ${info.charset} COLLATE ${info.name}`;
}

function describeTable(schema: TableSchema, full: boolean): Result {
  const names = full
    ? ['Field', 'Type', 'Collation', 'Null', 'Key', 'Default', 'Extra', 'Privileges', 'Comment']
    : ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra'];
  const rows: SqlValue[][] = [];
  schema.columns.forEach((c, i) => {
    const base: SqlValue[] = [c.name, c.columnType.columnType];
    if (full) base.push(collationOf(c));
    base.push(c.notNull ? 'NO' : 'YES', columnKeyFlag(schema, i), columnDefaultText(c), columnExtraText(c));
    if (full) base.push('select,insert,update,references', c.comment);
    rows.push(base);
  });
  return rowsResult(textFields(names), rows);
}

function showIndex(schema: TableSchema): Result {
  const names = ['Table', 'Non_unique', 'Key_name', 'Seq_in_index', 'Column_name', 'Collation', 'Cardinality', 'Sub_part', 'Packed', 'Null', 'Index_type', 'Comment', 'Index_comment', 'Visible', 'Expression'];
  const rows: SqlValue[][] = [];
  for (const ix of orderedIndexes(schema)) {
    ix.columns.forEach((ci, seq) => {
      const c = schema.columns[ci]!;
      rows.push([schema.name, ix.unique ? 0n : 1n, ix.name, BigInt(seq + 1), c.name, 'A', 0n, null, null, c.notNull ? '' : 'YES', 'BTREE', '', '', 'YES', null]);
    });
  }
  return rowsResult(textFields(names, ['Non_unique', 'Seq_in_index', 'Cardinality', 'Sub_part']), rows);
}

function quoteString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

const NO_NULL_DEFAULT = /^(tiny|medium|long)?(text|blob)$|^json$/;

/** The `SHOW CREATE TABLE` text of a table, as MySQL 8 prints it. */
export function showCreateTable(session: MysqlSession, schema: TableSchema): string {
  const lines: string[] = schema.columns.map((c) => {
    let s = `  \`${c.name}\` ${c.columnType.columnType}${charsetClause(c)}`;
    if (c.generated) {
      s += ` GENERATED ALWAYS AS (${renderExpr(c.generated.expr)}) ${c.generated.stored ? 'STORED' : 'VIRTUAL'}`;
      if (c.notNull) s += ' NOT NULL';
      if (c.comment) s += ` COMMENT ${quoteString(c.comment)}`;
      return s;
    }
    const isTimestamp = c.columnType.type === Type.TIMESTAMP;
    if (c.notNull) s += ' NOT NULL';
    else if (isTimestamp) s += ' NULL';
    if (c.default.kind === 'now') s += ` DEFAULT ${columnDefaultText(c)!}`;
    else if (c.default.kind === 'value') s += c.default.value === null ? ' DEFAULT NULL' : ` DEFAULT ${quoteString(valueText(c.default.value) ?? '')}`;
    else if (!c.notNull && !c.autoIncrement && !NO_NULL_DEFAULT.test(c.columnType.columnType)) s += ' DEFAULT NULL';
    if (c.autoIncrement) s += ' AUTO_INCREMENT';
    if (c.onUpdateNow) s += ` ON UPDATE ${c.columnType.precision > 0 ? `CURRENT_TIMESTAMP(${c.columnType.precision})` : 'CURRENT_TIMESTAMP'}`;
    if (c.comment) s += ` COMMENT ${quoteString(c.comment)}`;
    return s;
  });
  for (const ix of orderedIndexes(schema)) {
    const cols = ix.columns.map((i) => `\`${schema.columns[i]!.name}\``).join(',');
    if (ix.primary) lines.push(`  PRIMARY KEY (${cols})`);
    else lines.push(`  ${ix.unique ? 'UNIQUE KEY' : 'KEY'} \`${ix.name}\` (${cols})`);
  }
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const fk of [...schema.foreignKeys].sort(byName)) lines.push(`  ${foreignKeyText(fk, schema.database)}`);
  for (const k of [...schema.checks].sort(byName)) {
    lines.push(`  CONSTRAINT \`${k.name}\` CHECK (${renderExpr(k.expr)})${k.enforced ? '' : ' /*!80016 NOT ENFORCED */'}`);
  }
  let options = ') ENGINE=InnoDB';
  const entry = session.mysqld.catalog.findTable(schema.database, schema.name);
  const next = entry?.data.counters.autoIncrement ?? 1n;
  if (schema.autoIncrementColumn >= 0 && next > 1n) options += ` AUTO_INCREMENT=${next}`;
  options += ' DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci';
  if (schema.comment) options += ` COMMENT=${quoteString(schema.comment)}`;
  if (schema.partition) options += `\n${schema.partition.text}`;
  return `CREATE TABLE \`${schema.name}\` (\n${lines.join(',\n')}\n${options}`;
}
