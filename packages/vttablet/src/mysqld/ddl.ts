/**
 * DDL: CREATE/DROP/ALTER/RENAME/TRUNCATE TABLE, CREATE/DROP INDEX, CREATE/DROP DATABASE. Each runs
 * after an implicit commit, changes the catalog (a new TableSchema and TableMap per changed table,
 * rows converted), bumps the schema version and appends one binlog transaction with the statement text.
 */
import { ER, sqlError, SqlError, type SqlValue } from '@vtsim/proto';
import { coerceToColumn, compileExpr, DEFAULT_SQL_MODE, parseColumnType, resolveCollation, type CollationInfo, type ColumnType, type Expr, type Statement } from '@vtsim/sql';
import { functionName, identName, tableNameOf, type TableName } from './ast-names.js';
import { Database, TableEntry, type Catalog } from './catalog.js';
import type { MysqlSession } from './mysql-session.js';
import { checkPartitioning, type PartitionChange, type PartitionSpec } from './partition-clause.js';
import { TableData, type TableCounters } from './table-data.js';
import { checkDropReferenced, checkExistingRows, checkTruncateReferenced, foreignKeyChecks } from './foreign-keys.js';
import { applyRowRules, rowRulesOf } from './row-rules.js';
import { type CheckConstraint, type ColumnDef, type ColumnDefault, type ForeignKey, type ForeignKeyAction, type IndexDef, TableSchema } from './table-schema.js';
import { createView, dropViews } from './views.js';

/**
 * Runs one DDL statement (already parsed) in a session; `text` is the statement as received and
 * `partition` the partitioning clause cut from it before parsing (partition-clause.ts). CREATE
 * TEMPORARY TABLE and DROP TEMPORARY TABLE (`temporary` set on a DROP's AST) change only the
 * session's temporary tables: no implicit commit, no binlog, as MySQL 8 with binlog_format=ROW.
 */
export function executeDdl(session: MysqlSession, ast: Statement, text: string, partition?: PartitionChange): void {
  const kind = String(ast.keyword ?? '').toLowerCase();
  if (kind === 'table' && ast.temporary) {
    if (ast.type === 'create') return createTable(session, ast, text, partition, true);
    if (ast.type === 'drop') return dropTemporaryTables(session, ast);
  }
  refuseTemporaryTarget(session, ast);
  session.runDdl(() => {
    switch (ast.type) {
      case 'create':
        if (kind === 'table') return createTable(session, ast, text, partition);
        if (kind === 'index') return alterTable(session, ast.table, [createIndexAction(ast)], text);
        if (kind === 'database' || kind === 'schema') return createDatabase(session, ast, text);
        if (kind === 'view') {
          createView(session, ast, text);
          return logDdl(session, text);
        }
        break;
      case 'drop':
        if (kind === 'table') return dropTables(session, ast, text);
        if (kind === 'index') return alterTable(session, ast.table, [{ action: 'drop', resource: 'index', index: identName(ast.name) }], text);
        if (kind === 'database' || kind === 'schema') return dropDatabase(session, ast, text);
        if (kind === 'view') {
          dropViews(session, ast);
          return logDdl(session, text);
        }
        break;
      case 'alter':
        return alterTable(session, ast.table[0], ast.expr as Record<string, any>[], text, partition);
      case 'truncate':
        return truncateTable(session, ast, text);
      case 'rename':
        return renameTables(session, ast, text);
    }
    throw sqlError(ER.NOT_SUPPORTED_YET, `This version of MySQL doesn't yet support '${ast.type} ${kind}'`);
  });
}

function logDdl(session: MysqlSession, text: string, kind: 'ddl' | 'other' = 'ddl'): void {
  const catalog = session.mysqld.catalog;
  catalog.schemaVersion++;
  if (!session.logBin) return;
  const sqlMode = session.mode.text === DEFAULT_SQL_MODE ? undefined : session.mode.text;
  session.mysqld.binlog.append([{ kind, database: session.database, statement: text, ...(sqlMode !== undefined ? { sqlMode } : {}) }]);
}

// ---- column and index definitions ----

interface DraftIndex {
  name: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
}

interface DraftColumn {
  def: ColumnDef;
  /** Position of the column in the old table, -1 for a new column. */
  from: number;
}

/** A CHECK constraint being defined; an empty name is generated when the table is finished. */
interface DraftCheck {
  name: string;
  expr: Expr;
  enforced: boolean;
}

interface Draft {
  database: string;
  name: string;
  columns: DraftColumn[];
  indexes: DraftIndex[];
  checks: DraftCheck[];
  /** Foreign keys; an empty name is generated when the table is finished. */
  foreignKeys: ForeignKey[];
  comment: string;
  autoIncrement: bigint | undefined;
  partition: PartitionSpec | undefined;
}

const NOW_FUNCTIONS = new Set(['current_timestamp', 'now', 'localtime', 'localtimestamp']);

function columnFromAst(session: MysqlSession, d: Record<string, any>, tableDefault?: CollationInfo): { def: ColumnDef; primary: boolean; unique: boolean; check?: DraftCheck } {
  const name = identName(d.column);
  const charset = identName(d.character_set?.value) || undefined;
  const collate = identName(d.collate?.collate?.name) || undefined;
  const columnType = parseColumnType(d.definition, { charset, collate, tableDefault });
  const primary = !!d.primary_key;
  const unique = !!d.unique;
  const notNull = d.nullable?.type === 'not null' || primary;
  const autoIncrement = !!d.auto_increment;
  const defaultNode = d.default_val?.value as Expr | undefined;
  let dflt: ColumnDefault = { kind: 'none' };
  let onUpdateNow = (d.reference_definition?.on_action ?? []).some((a: { type?: string }) => String(a.type).toLowerCase() === 'on update');
  if (defaultNode) {
    if (defaultNode.over?.type === 'on update') onUpdateNow = true;
    if ((defaultNode.type === 'function' && NOW_FUNCTIONS.has(functionName(defaultNode))) || isNowKeyword(defaultNode)) {
      dflt = { kind: 'now' };
    } else {
      dflt = { kind: 'value', value: literalDefault(session, defaultNode, name, columnType, notNull) };
    }
  }
  const comment = d.comment ? identName(d.comment.value) : '';
  const generated = d.generated?.expr ? { expr: d.generated.expr as Expr, stored: String(d.generated.storage_type).toLowerCase() === 'stored' } : undefined;
  const def: ColumnDef = { name, columnType, notNull, autoIncrement, default: dflt, onUpdateNow, comment, ...(generated ? { generated } : {}) };
  return { def, primary, unique, ...(d.check ? { check: checkFromAst(d.check) } : {}) };
}

/** A CHECK constraint of a column or table definition (node-sql-parser's `constraint_type: 'check'` node). */
function checkFromAst(d: Record<string, any>): DraftCheck {
  const expr = (Array.isArray(d.definition) ? d.definition[0] : d.definition) as Expr;
  return { name: identName(d.constraint), expr, enforced: !/^not\s+enforced$/i.test(String(d.enforced ?? '').trim()) };
}

/** A FOREIGN KEY definition (node-sql-parser's `constraint_type: 'foreign key'` node); the name is '' when not given. */
function foreignKeyFromAst(d: Record<string, any>, database: string): ForeignKey {
  const ref = d.reference_definition as Record<string, any>;
  const parent = tableNameOf(ref.table[0], database);
  const actions: { onDelete?: ForeignKeyAction; onUpdate?: ForeignKeyAction } = {};
  for (const a of (ref.on_action ?? []) as { type?: string; value?: { value?: string } }[]) {
    const action = String(a.value?.value ?? '').toUpperCase().replace(/\s+/g, ' ') as ForeignKeyAction;
    if (!['RESTRICT', 'CASCADE', 'SET NULL', 'NO ACTION'].includes(action)) {
      throw sqlError(ER.NOT_SUPPORTED_YET, `This version of MySQL doesn't yet support 'ON ${action}'`);
    }
    if (String(a.type).toLowerCase() === 'on delete') actions.onDelete = action;
    else actions.onUpdate = action;
  }
  return {
    name: identName(d.constraint) || identName(d.index),
    columns: indexColumns(d.definition),
    refDatabase: parent.database,
    refTable: parent.table,
    refColumns: indexColumns(ref.definition),
    ...actions,
  };
}

/**
 * Names unnamed foreign keys `<table>_ibfk_<n>` (counting on from the highest such name), checks the
 * columns and the parent (1072, 1824, 1822 as MySQL; the parent checks are skipped with
 * foreign_key_checks = 0) and adds the index InnoDB needs on the child columns when none leads with
 * them, named after the constraint if it was named, else after its first column.
 */
function finishForeignKeys(session: MysqlSession, draft: Draft): void {
  const prefix = `${draft.name.toLowerCase()}_ibfk_`;
  let n = 0;
  for (const fk of draft.foreignKeys) {
    const lower = fk.name.toLowerCase();
    if (lower.startsWith(prefix) && /^\d+$/.test(lower.slice(prefix.length))) n = Math.max(n, Number(lower.slice(prefix.length)));
  }
  const checking = foreignKeyChecks(session);
  const leads = (ix: { columns: readonly string[] }, cols: readonly string[]) =>
    cols.length <= ix.columns.length && cols.every((c, i) => ix.columns[i]!.toLowerCase() === c.toLowerCase());
  draft.foreignKeys = draft.foreignKeys.map((fk) => {
    const given = fk.name;
    const named = given ? fk : { ...fk, name: `${draft.name}_ibfk_${++n}` };
    for (const c of fk.columns) {
      if (findColumn(draft, c) < 0) throw sqlError([1072, '42000'], `Key column '${c}' doesn't exist in table`);
    }
    if (checking) {
      const self = fk.refDatabase === draft.database && fk.refTable === draft.name;
      const parent = self ? undefined : session.mysqld.catalog.findTable(fk.refDatabase, fk.refTable)?.schema;
      if (!self && !parent) throw new SqlError(1824, 'HY000', `Failed to open the referenced table '${fk.refTable}'`);
      const parentIndexes = self ? draft.indexes : parent!.indexes.map((ix) => ({ columns: ix.columns.map((c) => parent!.columns[c]!.name) }));
      if (!parentIndexes.some((ix) => leads(ix, fk.refColumns))) {
        throw new SqlError(1822, 'HY000', `Failed to add the foreign key constraint. Missing index for constraint '${named.name}' in the referenced table '${fk.refTable}'`);
      }
    }
    if (!draft.indexes.some((ix) => leads(ix, fk.columns))) {
      addIndex(draft, { name: given || fk.columns[0]!, columns: [...fk.columns], unique: false, primary: false });
    }
    return named;
  });
}

/** Gives unnamed CHECK constraints MySQL's generated names `<table>_chk_<n>`, counting on from the highest such name. */
function nameChecks(draft: Draft): CheckConstraint[] {
  const prefix = `${draft.name.toLowerCase()}_chk_`;
  let n = 0;
  for (const k of draft.checks) {
    const lower = k.name.toLowerCase();
    if (lower.startsWith(prefix) && /^\d+$/.test(lower.slice(prefix.length))) n = Math.max(n, Number(lower.slice(prefix.length)));
  }
  const seen = new Set<string>();
  return draft.checks.map((k) => {
    const name = k.name || `${draft.name}_chk_${++n}`;
    if (seen.has(name.toLowerCase())) throw new SqlError(3822, 'HY000', `Duplicate check constraint name '${name}'.`);
    seen.add(name.toLowerCase());
    return { name, expr: k.expr, enforced: k.enforced };
  });
}

function isNowKeyword(node: Expr): boolean {
  return node.type === 'origin' && NOW_FUNCTIONS.has(String(node.value).toLowerCase());
}

function literalDefault(session: MysqlSession, node: Expr, name: string, ct: ColumnType, notNull: boolean): SqlValue {
  const invalid = () => sqlError(ER.INVALID_DEFAULT, `Invalid default value for '${name}'`);
  let v: SqlValue;
  try {
    const expr = compileExpr(node, {
      column() {
        throw invalid();
      },
    });
    v = expr({ row: [], bindVars: {}, session });
  } catch (err) {
    if (err instanceof SqlError) throw invalid();
    throw err;
  }
  if (v === null) {
    if (notNull) throw invalid();
    return null;
  }
  try {
    // A default is judged strictly, with the session's rules for zero dates.
    return coerceToColumn(v, ct, name, { mode: { ...session.mode, strict: true }, warn: () => undefined });
  } catch {
    throw invalid();
  }
}

function indexColumns(defs: unknown): string[] {
  return (Array.isArray(defs) ? defs : []).map((c) => identName(c));
}

/** Turns a create_definitions / ALTER ADD item describing a key into a draft index (undefined for ignored kinds). */
function indexFromAst(d: Record<string, any>): DraftIndex | undefined {
  const ctype = String(d.constraint_type ?? '').toLowerCase();
  const keyword = String(d.keyword ?? '').toLowerCase();
  if (ctype === 'primary key') return { name: 'PRIMARY', columns: indexColumns(d.definition), unique: true, primary: true };
  if (ctype.startsWith('unique')) return { name: identName(d.index), columns: indexColumns(d.definition), unique: true, primary: false };
  if (ctype) return undefined;
  if (keyword.startsWith('fulltext') || keyword.startsWith('spatial')) return undefined;
  return { name: identName(d.index), columns: indexColumns(d.definition), unique: false, primary: false };
}

function addIndex(draft: Draft, ix: DraftIndex): void {
  for (const c of ix.columns) {
    if (!draft.columns.some((dc) => dc.def.name.toLowerCase() === c.toLowerCase())) {
      throw sqlError([1072, '42000'], `Key column '${c}' doesn't exist in table`);
    }
  }
  if (ix.primary) {
    if (draft.indexes.some((i) => i.primary)) throw sqlError(ER.MULTIPLE_PRI_KEY, 'Multiple primary key defined');
    draft.indexes.unshift(ix);
    for (const c of ix.columns) {
      const dc = draft.columns.find((x) => x.def.name.toLowerCase() === c.toLowerCase())!;
      if (!dc.def.notNull) dc.def = { ...dc.def, notNull: true };
    }
    return;
  }
  let name = ix.name;
  if (!name) {
    const base = ix.columns[0]!;
    name = base;
    for (let n = 2; draft.indexes.some((i) => i.name.toLowerCase() === name.toLowerCase()); n++) name = `${base}_${n}`;
  } else if (draft.indexes.some((i) => i.name.toLowerCase() === name.toLowerCase()) || name.toUpperCase() === 'PRIMARY') {
    throw sqlError(ER.DUP_KEYNAME, `Duplicate key name '${name}'`);
  }
  draft.indexes.push({ ...ix, name });
}

function finishDraft(session: MysqlSession, draft: Draft): TableSchema {
  const cols = draft.columns.map((c) => c.def);
  const pos = (name: string) => cols.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
  const autos = cols.filter((c) => c.autoIncrement);
  const autoKeyed = autos.length === 0 || draft.indexes.some((ix) => ix.columns.length > 0 && pos(ix.columns[0]!) === cols.indexOf(autos[0]!));
  if (autos.length > 1 || !autoKeyed) {
    throw sqlError(ER.WRONG_AUTO_KEY, 'Incorrect table definition; there can be only one auto column and it must be defined as a key');
  }
  const indexes: IndexDef[] = draft.indexes.map((ix) => ({
    name: ix.name,
    columns: ix.columns.map(pos),
    unique: ix.unique,
    primary: ix.primary,
  }));
  if (draft.partition) {
    // Without a primary key, InnoDB takes the first unique key over NOT NULL columns as the primary key.
    const notNull = (ix: DraftIndex) => ix.columns.every((c) => cols[pos(c)]?.notNull);
    const implicit = draft.indexes.some((ix) => ix.primary) ? undefined : draft.indexes.find((ix) => ix.unique && notNull(ix));
    const uniqueKeys = draft.indexes.filter((ix) => ix.unique).map((ix) => ({ columns: ix.columns, primary: ix.primary || ix === implicit }));
    checkPartitioning(draft.partition, cols.map((c) => c.name), uniqueKeys);
  }
  const checks = nameChecks(draft);
  const foreignKeys = draft.foreignKeys;
  const schema = new TableSchema(
    {
      database: draft.database,
      name: draft.name,
      columns: cols,
      indexes,
      comment: draft.comment,
      partition: draft.partition,
      ...(checks.length > 0 ? { checks } : {}),
      ...(foreignKeys.length > 0 ? { foreignKeys } : {}),
    },
    session.mysqld.catalog.newTableMapId(),
  );
  rowRulesOf(schema);
  return schema;
}

function tableOptionText(v: unknown): string {
  const s = identName(v);
  return /^'.*'$/s.test(s) ? s.slice(1, -1).replace(/''/g, "'") : s;
}

// ---- CREATE TABLE ----

function createTable(session: MysqlSession, ast: Statement, text: string, partition: PartitionChange | undefined, temporary = false): void {
  const catalog = session.mysqld.catalog;
  const name = tableNameOf(ast.table[0], session.database);
  const db = catalog.database(name.database);
  if (temporary ? session.temporaryTables.find(name.database, name.table) : db.tables.has(name.table) || db.views.has(name.table)) {
    if (!ast.if_not_exists) throw sqlError(ER.TABLE_EXISTS_ERROR, `Table '${name.table}' already exists`);
    if (!temporary) logDdl(session, text);
    return;
  }
  let draft: Draft;
  if (ast.like) {
    const src = tableNameOf(ast.like.table[0], session.database);
    const from = catalog.table(src.database, src.table).schema;
    draft = draftOf(from);
    draft.database = name.database;
    draft.name = name.table;
    draft.columns = draft.columns.map((c) => ({ ...c, from: -1 }));
    // As MySQL: LIKE keeps CHECK constraints (generated names are generated anew) but not foreign keys.
    const generatedCheck = new RegExp(`^${from.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_chk_\\d+$`, 'i');
    draft.checks = draft.checks.map((k) => (generatedCheck.test(k.name) ? { ...k, name: '' } : k));
    draft.foreignKeys = [];
  } else {
    draft = { database: name.database, name: name.table, columns: [], indexes: [], checks: [], foreignKeys: [], comment: '', autoIncrement: undefined, partition: undefined };
    const later: DraftIndex[] = [];
    const tableDefault = defaultCollationOf(ast.table_options);
    for (const d of (ast.create_definitions ?? []) as Record<string, any>[]) {
      if (d.resource === 'column') {
        const { def, primary, unique, check } = columnFromAst(session, d, tableDefault);
        if (draft.columns.some((c) => c.def.name.toLowerCase() === def.name.toLowerCase())) {
          throw sqlError(ER.DUP_FIELDNAME, `Duplicate column name '${def.name}'`);
        }
        draft.columns.push({ def, from: -1 });
        if (check) draft.checks.push(check);
        if (primary) later.unshift({ name: 'PRIMARY', columns: [def.name], unique: true, primary: true });
        if (unique) later.push({ name: '', columns: [def.name], unique: true, primary: false });
      } else if (String(d.constraint_type ?? '').toLowerCase() === 'check') {
        draft.checks.push(checkFromAst(d));
      } else if (String(d.constraint_type ?? '').toLowerCase() === 'foreign key') {
        draft.foreignKeys.push(foreignKeyFromAst(d, name.database));
      } else {
        const ix = indexFromAst(d);
        if (ix) later.push(ix);
      }
    }
    for (const ix of later) addIndex(draft, ix);
    finishForeignKeys(session, draft);
    applyTableOptions(draft, ast.table_options);
  }
  if (partition?.kind === 'remove') throw sqlError(ER.PARSE_ERROR, "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'REMOVE PARTITIONING'");
  if (partition) draft.partition = partition.spec;
  // InnoDB keeps no foreign keys on temporary tables.
  if (temporary && draft.foreignKeys.length > 0) throw new SqlError(1215, 'HY000', 'Cannot add foreign key constraint');
  const schema = finishDraft(session, draft);
  const counters: TableCounters = { autoIncrement: draft.autoIncrement ?? 1n, nextRowId: 1n };
  const entry = new TableEntry(schema, TableData.create(schema, counters), temporary);
  if (temporary) {
    session.temporaryTables.add(name.database, name.table, entry);
    return;
  }
  db.tables.set(name.table, entry);
  logDdl(session, text);
}

function applyTableOptions(draft: Draft, options: unknown): void {
  for (const o of (Array.isArray(options) ? options : []) as Record<string, any>[]) {
    const k = String(o.keyword ?? '').toLowerCase();
    if (k === 'comment') draft.comment = tableOptionText(o.value);
    else if (k === 'auto_increment') draft.autoIncrement = BigInt(String(o.value));
  }
}

/** The default collation of a CREATE TABLE's `[DEFAULT] CHARSET=… [COLLATE=…]` options; undefined when it names neither. */
function defaultCollationOf(options: unknown): CollationInfo | undefined {
  let charset: string | undefined;
  let collate: string | undefined;
  for (const o of (Array.isArray(options) ? options : []) as Record<string, any>[]) {
    const k = String(o.keyword ?? '').toLowerCase().replace(/^default /, '');
    if (k === 'charset' || k === 'character set') charset = identName(o.value?.value ?? o.value);
    else if (k === 'collate') collate = identName(o.value?.value ?? o.value);
  }
  return charset === undefined && collate === undefined ? undefined : resolveCollation(charset, collate);
}

function draftOf(schema: TableSchema): Draft {
  return {
    database: schema.database,
    name: schema.name,
    columns: schema.columns.map((def, from) => ({ def, from })),
    indexes: schema.indexes.map((ix) => ({
      name: ix.name,
      columns: ix.columns.map((c) => schema.columns[c]!.name),
      unique: ix.unique,
      primary: ix.primary,
    })),
    checks: schema.checks.map((k) => ({ ...k })),
    foreignKeys: [...schema.foreignKeys],
    comment: schema.comment,
    autoIncrement: undefined,
    partition: schema.partition,
  };
}

// ---- ALTER TABLE (also CREATE INDEX / DROP INDEX) ----

function createIndexAction(ast: Statement): Record<string, any> {
  const unique = String(ast.index_type ?? '').toLowerCase() === 'unique';
  return {
    action: 'add',
    resource: 'index',
    index: identName(ast.index),
    keyword: unique ? 'unique' : 'index',
    definition: ast.index_columns,
    unique,
  };
}

function findColumn(draft: Draft, name: string): number {
  return draft.columns.findIndex((c) => c.def.name.toLowerCase() === name.toLowerCase());
}

function cantDrop(name: string): SqlError {
  return sqlError(ER.CANT_DROP_FIELD_OR_KEY, `Can't DROP '${name}'; check that column/key exists`);
}

function placeColumn(draft: Draft, col: DraftColumn, suffix: Record<string, any> | undefined, at: number): void {
  const kw = String(suffix?.keyword ?? '').toLowerCase();
  if (kw === 'first') draft.columns.splice(0, 0, col);
  else if (kw === 'after') {
    const after = findColumn(draft, identName(suffix!.expr));
    if (after < 0) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${identName(suffix!.expr)}' in '${draft.name}'`);
    draft.columns.splice(after + 1, 0, col);
  } else draft.columns.splice(at, 0, col);
}

function alterTable(
  session: MysqlSession,
  tableAst: { db?: unknown; table?: unknown },
  actions: Record<string, any>[],
  text: string,
  partition?: PartitionChange,
): void {
  const catalog = session.mysqld.catalog;
  const name = tableNameOf(tableAst, session.database);
  const entry = catalog.table(name.database, name.table);
  const old = entry.schema;
  const draft = draftOf(old);
  let renameTo: TableName | undefined;
  let changesRows = false;
  let addsForeignKey = false;
  for (const a of actions) {
    const action = String(a.action ?? '').toLowerCase();
    const resource = String(a.resource ?? '').toLowerCase();
    if (resource === 'column' && action === 'add') {
      const { def, primary, unique, check } = columnFromAst(session, a);
      if (findColumn(draft, def.name) >= 0) throw sqlError(ER.DUP_FIELDNAME, `Duplicate column name '${def.name}'`);
      placeColumn(draft, { def, from: -1 }, a.suffix, draft.columns.length);
      if (check) draft.checks.push(check);
      if (primary) addIndex(draft, { name: 'PRIMARY', columns: [def.name], unique: true, primary: true });
      if (unique) addIndex(draft, { name: '', columns: [def.name], unique: true, primary: false });
      changesRows = true;
    } else if (resource === 'column' && action === 'drop') {
      const n = identName(a.column);
      const i = findColumn(draft, n);
      if (i < 0) throw cantDrop(n);
      const removed = draft.columns.splice(i, 1)[0]!.def.name.toLowerCase();
      for (const ix of draft.indexes) ix.columns = ix.columns.filter((c) => c.toLowerCase() !== removed);
      draft.indexes = draft.indexes.filter((ix) => ix.columns.length > 0);
      changesRows = true;
    } else if (resource === 'column' && (action === 'change' || action === 'modify')) {
      const oldName = identName(action === 'change' ? a.old_column : a.column);
      const i = findColumn(draft, oldName);
      if (i < 0) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${oldName}' in '${old.name}'`);
      const { def, primary, unique } = columnFromAst(session, a);
      if (def.name.toLowerCase() !== oldName.toLowerCase() && findColumn(draft, def.name) >= 0) {
        throw sqlError(ER.DUP_FIELDNAME, `Duplicate column name '${def.name}'`);
      }
      const [col] = draft.columns.splice(i, 1);
      const inPk = draft.indexes.some((ix) => ix.primary && ix.columns.some((c) => c.toLowerCase() === oldName.toLowerCase()));
      placeColumn(draft, { def: inPk && !def.notNull ? { ...def, notNull: true } : def, from: col!.from }, a.suffix, i);
      for (const ix of draft.indexes) ix.columns = ix.columns.map((c) => (c.toLowerCase() === oldName.toLowerCase() ? def.name : c));
      if (primary) addIndex(draft, { name: 'PRIMARY', columns: [def.name], unique: true, primary: true });
      if (unique) addIndex(draft, { name: '', columns: [def.name], unique: true, primary: false });
      changesRows = true;
    } else if (resource === 'column' && action === 'rename') {
      const from = identName(a.old_column);
      const to = identName(a.column);
      const i = findColumn(draft, from);
      if (i < 0) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${from}' in '${old.name}'`);
      if (findColumn(draft, to) >= 0) throw sqlError(ER.DUP_FIELDNAME, `Duplicate column name '${to}'`);
      draft.columns[i] = { ...draft.columns[i]!, def: { ...draft.columns[i]!.def, name: to } };
      for (const ix of draft.indexes) ix.columns = ix.columns.map((c) => (c.toLowerCase() === from.toLowerCase() ? to : c));
    } else if (resource === 'constraint' && action === 'add' && String(a.create_definitions?.constraint_type ?? '').toLowerCase() === 'check') {
      draft.checks.push(checkFromAst(a.create_definitions));
      changesRows = true;
    } else if (resource === 'constraint' && action === 'add' && String(a.create_definitions?.constraint_type ?? '').toLowerCase() === 'foreign key') {
      draft.foreignKeys.push(foreignKeyFromAst(a.create_definitions, name.database));
      addsForeignKey = true;
    } else if (resource === 'constraint' && action === 'drop' && ['check', 'constraint'].includes(String(a.keyword ?? '').toLowerCase())) {
      const checkName = identName(a.constraint);
      const i = draft.checks.findIndex((k) => k.name.toLowerCase() === checkName.toLowerCase());
      if (i < 0) throw new SqlError(3821, 'HY000', `Check constraint '${checkName}' is not found in the table.`);
      draft.checks.splice(i, 1);
    } else if ((resource === 'index' || resource === 'constraint') && action === 'add') {
      const def = resource === 'constraint' ? (a.create_definitions as Record<string, any>) : a;
      const ix = a.unique
        ? { name: identName(a.index), columns: indexColumns(a.definition), unique: true, primary: false }
        : indexFromAst(def);
      if (ix) addIndex(draft, ix);
      changesRows = true;
    } else if ((resource === 'index' || resource === 'key') && action === 'drop') {
      const keyword = String(a.keyword ?? '').toLowerCase();
      if (keyword === 'foreign key') {
        const fkName = identName(a.key ?? a.index);
        const i = draft.foreignKeys.findIndex((fk) => fk.name.toLowerCase() === fkName.toLowerCase());
        if (i < 0) throw cantDrop(fkName);
        draft.foreignKeys.splice(i, 1);
        continue;
      }
      const ixName = keyword === 'primary key' ? 'PRIMARY' : identName(a.index ?? a.key);
      const i = draft.indexes.findIndex((ix) => ix.name.toLowerCase() === ixName.toLowerCase());
      if (i < 0) throw cantDrop(ixName);
      draft.indexes.splice(i, 1);
      changesRows = true;
    } else if (resource === 'table' && action === 'rename') {
      renameTo = tableNameOf({ table: a.table, db: a.db }, name.database);
    } else if (resource === 'auto_increment') {
      draft.autoIncrement = BigInt(String(a.auto_increment));
    } else if (resource === 'comment') {
      draft.comment = tableOptionText(a.comment);
    }
  }
  if (partition?.kind === 'remove') {
    if (!draft.partition) throw new SqlError(1505, 'HY000', 'Partition management on a not partitioned table is not possible');
    draft.partition = undefined;
  } else if (partition) draft.partition = partition.spec;
  if (renameTo) {
    const target = catalog.database(renameTo.database);
    if (target.tables.has(renameTo.table) && (renameTo.database !== name.database || renameTo.table !== name.table)) {
      throw sqlError(ER.TABLE_EXISTS_ERROR, `Table '${renameTo.table}' already exists`);
    }
    draft.database = renameTo.database;
    draft.name = renameTo.table;
  }
  if (addsForeignKey) finishForeignKeys(session, draft);
  const schema = finishDraft(session, draft);
  const counters = entry.data.counters;
  // A foreign key added without a usable index brings its own index, whose entries must be built.
  if (schema.indexes.length !== old.indexes.length) changesRows = true;
  const data = changesRows ? convertRows(session, entry.data, schema, draft, counters) : entry.data.withSchema(schema);
  if (addsForeignKey) checkExistingRows(session, schema, data, schema.foreignKeys.filter((fk) => !old.foreignKeys.some((o) => o.name === fk.name)));
  if (draft.autoIncrement !== undefined && draft.autoIncrement > counters.autoIncrement) counters.autoIncrement = draft.autoIncrement;
  entry.schema = schema;
  entry.data = data;
  if (renameTo) {
    catalog.database(name.database).tables.delete(name.table);
    catalog.database(renameTo.database).tables.set(renameTo.table, entry);
  }
  logDdl(session, text);
}

function convertRows(session: MysqlSession, old: TableData, schema: TableSchema, draft: Draft, counters: TableCounters): TableData {
  const data = TableData.create(schema, counters);
  let rowNumber = 0;
  for (const [, row] of old.entries()) {
    rowNumber++;
    const next = draft.columns.map((dc) => {
      const c = dc.def;
      if (dc.from < 0) {
        if (c.autoIncrement) return counters.autoIncrement++;
        if (c.default.kind === 'value') return c.default.value;
        return c.notNull ? implicitDefault(c.columnType, c.name) : null;
      }
      const v = row[dc.from]!;
      if (v === null) {
        if (c.notNull) throw new SqlError(1138, '22004', 'Invalid use of NULL value');
        return null;
      }
      try {
        return coerceToColumn(v, c.columnType, c.name, session);
      } catch (err) {
        if (err instanceof SqlError) throw new SqlError(err.errno, err.sqlState, err.message.replace(/at row 1$/, `at row ${rowNumber}`), err.code);
        throw err;
      }
    });
    applyRowRules(schema, next, session, (v, c) => (v === null ? null : coerceToColumn(v, c.columnType, c.name, session)));
    data.insert(next, data.newRowKey(next));
  }
  return data;
}

function implicitDefault(ct: ColumnType, name: string): SqlValue {
  for (const candidate of [0n, '', '0000-00-00 00:00:00', '00:00:00']) {
    try {
      return coerceToColumn(candidate, ct, name);
    } catch {
      // try the next candidate
    }
  }
  return null;
}

// ---- DROP / TRUNCATE / RENAME ----

/** The tables a DROP TABLE names; SqlError 1051 for those `exists` rejects, unless IF EXISTS. */
function droppedNames(session: MysqlSession, ast: Statement, exists: (n: TableName) => boolean): TableName[] {
  const names = (ast.name as { db?: unknown; table?: unknown }[]).map((n) => tableNameOf(n, session.database));
  const missing = names.filter((n) => !exists(n));
  if (missing.length > 0 && !/if exists/i.test(String(ast.prefix ?? ''))) {
    throw sqlError(ER.BAD_TABLE_ERROR, `Unknown table '${missing.map((n) => `${n.database}.${n.table}`).join(',')}'`);
  }
  return names;
}

/** DROP TEMPORARY TABLE: drops only the session's temporary tables (1051 for any other name). */
function dropTemporaryTables(session: MysqlSession, ast: Statement): void {
  const temporary = session.temporaryTables;
  for (const n of droppedNames(session, ast, (n) => !!temporary.find(n.database, n.table))) temporary.drop(n.database, n.table);
}

/**
 * DROP TABLE: a name the session has a temporary table of drops that one (as in MySQL); the binlog
 * gets the statement, or when it also dropped temporary tables, a DROP TABLE of the base tables alone
 * (nothing when there are none).
 */
function dropTables(session: MysqlSession, ast: Statement, text: string): void {
  const catalog = session.mysqld.catalog;
  const temporary = session.temporaryTables;
  const names = droppedNames(session, ast, (n) => !!temporary.find(n.database, n.table) || !!catalog.findTable(n.database, n.table));
  const base = names.filter((n) => !temporary.drop(n.database, n.table));
  const dropping = new Set(base.map((n) => `${n.database}.${n.table}`));
  for (const n of base) checkDropReferenced(session, n.database, n.table, dropping);
  for (const n of base) {
    const db = catalog.databases.get(n.database);
    const entry = db?.tables.get(n.table);
    if (!entry) continue;
    entry.dropped = true;
    db!.tables.delete(n.table);
  }
  if (base.length === names.length) return logDdl(session, text);
  if (base.length > 0) logDdl(session, `DROP TABLE ${base.map((n) => `\`${n.database}\`.\`${n.table}\``).join(',')} /* generated by server */`);
}

/**
 * Refuses (SqlError 1235) ALTER, RENAME, TRUNCATE, CREATE INDEX and DROP INDEX of a name the session
 * has a temporary table of, rather than changing the base table it shadows.
 */
function refuseTemporaryTarget(session: MysqlSession, ast: Statement): void {
  if (session.temporaryTables.size === 0) return;
  const kind = String(ast.keyword ?? '').toLowerCase();
  let targets: unknown[] = [];
  if (ast.type === 'alter') targets = [ast.table[0]];
  else if ((ast.type === 'create' || ast.type === 'drop') && kind === 'index') targets = [ast.table];
  else if (ast.type === 'truncate') targets = ast.name as unknown[];
  else if (ast.type === 'rename') targets = (ast.table as unknown[][]).map((pair) => pair[0]);
  for (const t of targets) {
    const n = tableNameOf(t as { db?: unknown; table?: unknown }, session.database);
    if (session.temporaryTables.find(n.database, n.table)) {
      throw sqlError(ER.NOT_SUPPORTED_YET, `This version of vtsim doesn't yet support '${ast.type.toUpperCase()} of a temporary table'`);
    }
  }
}

function truncateTable(session: MysqlSession, ast: Statement, text: string): void {
  const name = tableNameOf((ast.name as { db?: unknown; table?: unknown }[])[0]!, session.database);
  const entry = session.mysqld.catalog.table(name.database, name.table);
  checkTruncateReferenced(session, name.database, name.table);
  const counters = entry.data.counters;
  counters.autoIncrement = 1n;
  entry.data = TableData.create(entry.schema, counters);
  logDdl(session, text);
}

function renameTables(session: MysqlSession, ast: Statement, text: string): void {
  const catalog = session.mysqld.catalog;
  const pairs = (ast.table as { db?: unknown; table?: unknown }[][]).map(([from, to]) => [
    tableNameOf(from!, session.database),
    tableNameOf(to!, session.database),
  ] as const);
  const key = (n: TableName) => `${n.database}\u0000${n.table}`;
  const exists = new Map<string, boolean>();
  const has = (n: TableName) => exists.get(key(n)) ?? !!catalog.findTable(n.database, n.table);
  for (const [from, to] of pairs) {
    if (!has(from)) throw sqlError(ER.NO_SUCH_TABLE, `Table '${from.database}.${from.table}' doesn't exist`);
    catalog.database(to.database);
    if (has(to)) throw sqlError(ER.TABLE_EXISTS_ERROR, `Table '${to.table}' already exists`);
    exists.set(key(from), false);
    exists.set(key(to), true);
  }
  for (const [from, to] of pairs) {
    const entry = catalog.table(from.database, from.table);
    const draft = draftOf(entry.schema);
    draft.database = to.database;
    draft.name = to.table;
    const schema = finishDraft(session, draft);
    entry.schema = schema;
    entry.data = entry.data.withSchema(schema);
    catalog.database(from.database).tables.delete(from.table);
    catalog.database(to.database).tables.set(to.table, entry);
  }
  logDdl(session, text);
}

// ---- databases ----

function databaseName(ast: Statement): string {
  const d = ast.database ?? ast.schema ?? ast.name;
  if (d && typeof d === 'object' && Array.isArray(d.schema)) return d.schema.map(identName).join('.');
  return identName(d);
}

function createDatabase(session: MysqlSession, ast: Statement, text: string): void {
  const catalog: Catalog = session.mysqld.catalog;
  const name = databaseName(ast);
  if (catalog.databases.has(name)) {
    if (!ast.if_not_exists) throw sqlError(ER.DB_CREATE_EXISTS, `Can't create database '${name}'; database exists`);
  } else {
    catalog.databases.set(name, new Database(name));
  }
  logDdl(session, text, 'other');
}

function dropDatabase(session: MysqlSession, ast: Statement, text: string): void {
  const catalog = session.mysqld.catalog;
  const name = databaseName(ast);
  const db = catalog.databases.get(name);
  if (!db) {
    if (!/if exists/i.test(String(ast.prefix ?? ''))) {
      throw sqlError(ER.DB_DROP_EXISTS, `Can't drop database '${name}'; database doesn't exist`);
    }
  } else {
    for (const entry of db.tables.values()) entry.dropped = true;
    catalog.databases.delete(name);
    if (session.database === name) session.database = '';
  }
  logDdl(session, text, 'other');
}
