/**
 * FOREIGN KEY constraints within one server, as InnoDB enforces them: a child row's key must exist
 * in the parent (1452), and deleting or updating a parent row that children reference is refused
 * (RESTRICT / NO ACTION, 1451) or cascades (CASCADE, SET NULL). `foreign_key_checks = 0` turns all
 * of it off. Lookups use the parent's primary key or an index led by the key columns when there is
 * one (InnoDB requires one in both tables), a scan otherwise.
 */
import { SqlError, type SqlValue } from '@vtsim/proto';
import { isTrue, valuesEqual } from '@vtsim/sql';
import type { Catalog, TableEntry } from './catalog.js';
import type { MysqlSession } from './mysql-session.js';
import type { ForeignKey, Key, Row, TableSchema } from './table-schema.js';
import type { TableData } from './table-data.js';
import type { Transaction } from './transaction.js';

/** A foreign key of a child table, with the child's entry and key column positions. */
interface Reference {
  readonly child: TableEntry;
  readonly fk: ForeignKey;
  /** Positions of the foreign key's columns in the child. */
  readonly columns: readonly number[];
}

const referencesCache = new WeakMap<Catalog, { version: number; byParent: Map<string, Reference[]> }>();

/** The foreign keys of every table that reference `database.table`. */
function referencesTo(catalog: Catalog, database: string, table: string): readonly Reference[] {
  let cache = referencesCache.get(catalog);
  if (cache === undefined || cache.version !== catalog.schemaVersion) {
    const byParent = new Map<string, Reference[]>();
    for (const db of catalog.databases.values()) {
      for (const child of db.tables.values()) {
        for (const fk of child.schema.foreignKeys) {
          const k = `${fk.refDatabase}.${fk.refTable}`;
          const list = byParent.get(k) ?? [];
          list.push({ child, fk, columns: fk.columns.map((c) => child.schema.columnIndex(c)) });
          byParent.set(k, list);
        }
      }
    }
    cache = { version: catalog.schemaVersion, byParent };
    referencesCache.set(catalog, cache);
  }
  return cache.byParent.get(`${database}.${table}`) ?? [];
}

/** True unless the session (or the server) turned `foreign_key_checks` off. */
export function foreignKeyChecks(session: MysqlSession): boolean {
  const v = session.sessionVariables.get('foreign_key_checks') ?? session.mysqld.globalVariables.get('foreign_key_checks');
  if (v === undefined) return true;
  const text = String(v).toLowerCase();
  if (text === 'off') return false;
  if (text === 'on') return true;
  return isTrue(v) !== false;
}

/** The `CONSTRAINT … FOREIGN KEY … REFERENCES …` clause as SHOW CREATE TABLE and the errors print it. */
export function foreignKeyText(fk: ForeignKey, childDatabase: string): string {
  const cols = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');
  const ref = fk.refDatabase === childDatabase ? `\`${fk.refTable}\`` : `\`${fk.refDatabase}\`.\`${fk.refTable}\``;
  let s = `CONSTRAINT \`${fk.name}\` FOREIGN KEY (${cols(fk.columns)}) REFERENCES ${ref} (${cols(fk.refColumns)})`;
  if (fk.onDelete) s += ` ON DELETE ${fk.onDelete}`;
  if (fk.onUpdate) s += ` ON UPDATE ${fk.onUpdate}`;
  return s;
}

function constraintFails(kind: 'child' | 'parent', schema: TableSchema, fk: ForeignKey): SqlError {
  const where = `(\`${schema.database}\`.\`${schema.name}\`, ${foreignKeyText(fk, schema.database)})`;
  return kind === 'child'
    ? new SqlError(1452, '23000', `Cannot add or update a child row: a foreign key constraint fails ${where}`)
    : new SqlError(1451, '23000', `Cannot delete or update a parent row: a foreign key constraint fails ${where}`);
}

/** The rows of `data` whose columns `columns` equal `values`, with their keys, using the primary key or an index led by those columns when there is one. */
function* matching(schema: TableSchema, data: TableData, columns: readonly number[], values: readonly SqlValue[]): Generator<[Key, Row]> {
  const same = (ix: readonly number[]) => columns.length <= ix.length && columns.every((c, i) => ix[i] === c);
  const pk = schema.primaryKey?.columns;
  if (pk && pk.length === columns.length && same(pk)) {
    const row = data.get(values);
    if (row !== undefined) yield [values, row];
    return;
  }
  const ix = schema.secondaryIndexes.findIndex((i) => same(i.columns));
  if (ix >= 0) {
    for (const key of [...data.indexLookup(ix, values)]) {
      const row = data.get(key);
      if (row !== undefined) yield [key, row];
    }
    return;
  }
  for (const [key, row] of [...data.entries()]) {
    if (columns.every((c, i) => valuesEqual(row[c]!, values[i]!))) yield [key, row];
  }
}

/**
 * Checks a row about to be stored in `child` (inserted, or updated from `before`): each foreign key
 * whose columns are all non-NULL (and changed, for an update) must find its parent row, else 1452.
 */
export function checkParents(session: MysqlSession, tx: Transaction, child: TableSchema, row: Row, before?: Row): void {
  if (child.foreignKeys.length === 0 || !foreignKeyChecks(session)) return;
  const catalog = session.mysqld.catalog;
  for (const fk of child.foreignKeys) {
    const cols = fk.columns.map((c) => child.columnIndex(c));
    const values = cols.map((c) => row[c]!);
    if (values.some((v) => v === null)) continue;
    if (before && cols.every((c) => valuesEqual(before[c]!, row[c]!))) continue;
    const parent = catalog.findTable(fk.refDatabase, fk.refTable);
    if (!parent) throw constraintFails('child', child, fk);
    const refCols = fk.refColumns.map((c) => parent.schema.columnIndex(c));
    if (matching(parent.schema, tx.read(parent), refCols, values).next().done) throw constraintFails('child', child, fk);
  }
}

/**
 * Applies the foreign keys that reference `parent` to a parent row being deleted (`after`
 * undefined) or updated: RESTRICT / NO ACTION fail with 1451 when children reference it, CASCADE
 * deletes or updates them (recursively), SET NULL clears their key columns.
 */
export function applyToChildren(session: MysqlSession, tx: Transaction, parent: TableSchema, before: Row, after?: Row): void {
  const references = referencesTo(session.mysqld.catalog, parent.database, parent.name);
  if (references.length === 0 || !foreignKeyChecks(session)) return;
  for (const ref of references) {
    const refCols = ref.fk.refColumns.map((c) => parent.columnIndex(c));
    const oldValues = refCols.map((c) => before[c]!);
    if (oldValues.some((v) => v === null)) continue;
    if (after && refCols.every((c) => valuesEqual(before[c]!, after[c]!))) continue;
    const children = [...matching(ref.child.schema, tx.read(ref.child), ref.columns, oldValues)];
    if (children.length === 0) continue;
    const ct = tx.write(ref.child);
    const action = (after ? ref.fk.onUpdate : ref.fk.onDelete) ?? 'RESTRICT';
    if (action === 'RESTRICT' || action === 'NO ACTION') throw constraintFails('parent', ref.child.schema, ref.fk);
    for (const [key, row] of children) {
      if (action === 'CASCADE' && !after) {
        applyToChildren(session, tx, ct.schema, row);
        tx.delete(ct, key);
        continue;
      }
      const next = row.slice();
      ref.columns.forEach((c, i) => {
        if (action === 'SET NULL') {
          if (ct.schema.columns[c]!.notNull) throw constraintFails('parent', ref.child.schema, ref.fk);
          next[c] = null;
        } else next[c] = after![refCols[i]!]!;
      });
      applyToChildren(session, tx, ct.schema, row, next);
      tx.update(ct, key, row, next);
    }
  }
}

/**
 * Checks a table's rows against foreign keys ALTER TABLE adds (foreign_key_checks on): 1452 for the
 * first row whose parent is missing in the parent's committed data, or in `data` itself for a
 * self-reference (MySQL names its temporary copy of the table in the message; vtsim names the table).
 */
export function checkExistingRows(session: MysqlSession, schema: TableSchema, data: TableData, added: readonly ForeignKey[]): void {
  if (added.length === 0 || !foreignKeyChecks(session)) return;
  const catalog = session.mysqld.catalog;
  for (const fk of added) {
    const self = fk.refDatabase === schema.database && fk.refTable === schema.name;
    const parentSchema = self ? schema : catalog.table(fk.refDatabase, fk.refTable).schema;
    const parentData = self ? data : catalog.table(fk.refDatabase, fk.refTable).data;
    const cols = fk.columns.map((c) => schema.columnIndex(c));
    const refCols = fk.refColumns.map((c) => parentSchema.columnIndex(c));
    for (const [, row] of data.entries()) {
      const values = cols.map((c) => row[c]!);
      if (values.some((v) => v === null)) continue;
      if (matching(parentSchema, parentData, refCols, values).next().done) throw constraintFails('child', schema, fk);
    }
  }
}

/** SqlError 1701 when TRUNCATE TABLE would empty a table another table's foreign key references (foreign_key_checks on). */
export function checkTruncateReferenced(session: MysqlSession, database: string, table: string): void {
  if (!foreignKeyChecks(session)) return;
  for (const ref of referencesTo(session.mysqld.catalog, database, table)) {
    const child = ref.child.schema;
    if (child.database === database && child.name === table) continue;
    throw new SqlError(1701, '42000', `Cannot truncate a table referenced in a foreign key constraint (\`${child.database}\`.\`${child.name}\`, CONSTRAINT \`${ref.fk.name}\`)`);
  }
}

/** SqlError 3730 when DROP TABLE would leave another table's foreign key without its parent (foreign_key_checks on). */
export function checkDropReferenced(session: MysqlSession, database: string, table: string, dropping: ReadonlySet<string>): void {
  if (!foreignKeyChecks(session)) return;
  for (const ref of referencesTo(session.mysqld.catalog, database, table)) {
    const child = ref.child.schema;
    if (dropping.has(`${child.database}.${child.name}`)) continue;
    throw new SqlError(3730, 'HY000', `Cannot drop table '${table}' referenced by a foreign key constraint '${ref.fk.name}' on table '${child.name}'.`);
  }
}
