/**
 * INSERT (VALUES, SET, SELECT; IGNORE; ON DUPLICATE KEY UPDATE), REPLACE, UPDATE and DELETE compiled
 * into plans that run inside the session's transaction, with MySQL's affected-row counts and info text.
 */
import { ER, SqlError, sqlError, type BindVars, type Result, type SqlValue } from '@vtsim/proto';
import { coerceToColumn, compileExpr, isDefaultKeyword, isTrue, toBigInt, valueComparator, type CoercionContext, type CompiledExpr, type EvalEnv, type Expr, type ExprScope, type Statement } from '@vtsim/sql';
import { accessRows, chooseAccessPath, type AccessPath } from './access-path.js';
import { functionName, identName, tableNameOf } from './ast-names.js';
import { conjuncts, containsSubquery, rewriteExpr, walkExpr } from './ast-walk.js';
import type { TableEntry } from './catalog.js';
import type { MysqlSession } from './mysql-session.js';
import { compileJoinScan, compileSelect, type JoinScan, type PlanContext } from './select-plan.js';
import { SourceLayout, type Source } from './source-scope.js';
import { applyToChildren, checkParents } from './foreign-keys.js';
import { columnDefaultValue, nowValue } from './column-default.js';
import { applyRowRules, generatedColumnValueError } from './row-rules.js';
import { raiseAutoIncrement, rowsIdentical, type KeyConflict } from './table-data.js';
import { resolveTable } from './temporary-tables.js';
import type { ColumnDef, Key, Row, TableSchema } from './table-schema.js';
import type { Transaction, TxTable } from './transaction.js';

/** A compiled data-changing statement. */
export type DmlRunner = (session: MysqlSession, bindVars: BindVars) => Result;

const NEW_VALUES = '\u0000values';
const EMPTY_ROW: readonly SqlValue[] = [];

function tableSource(entry: TableEntry, alias: string, offset = 0): Source {
  const schema = entry.schema;
  return {
    alias,
    offset,
    entry,
    columns: schema.columns.map((c, i) => ({ name: c.name, field: schema.field(i), columnType: c.columnType })),
  };
}

/**
 * Converts a value for a column under the session's sql_mode (warnings go to the session), with
 * MySQL's NOT NULL rule and the row number in error and warning messages.
 */
function storeValue(v: SqlValue, c: ColumnDef, rowNumber: number, session: CoercionContext): SqlValue {
  if (v === null) {
    if (c.notNull) throw sqlError(ER.BAD_NULL_ERROR, `Column '${c.name}' cannot be null`);
    return null;
  }
  const ctx: CoercionContext =
    rowNumber === 1 || session.mode.strict ? session : { mode: session.mode, warn: (code, message) => session.warn(code, message.replace(/at row 1$/, `at row ${rowNumber}`)) };
  try {
    return coerceToColumn(v, c.columnType, c.name, ctx);
  } catch (err) {
    if (err instanceof SqlError && rowNumber !== 1) {
      throw new SqlError(err.errno, err.sqlState, err.message.replace(/at row 1$/, `at row ${rowNumber}`), err.code);
    }
    throw err;
  }
}

function valuesScope(clause: string): ExprScope {
  return {
    column(table, name) {
      throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${table ? `${table}.` : ''}${name}' in '${clause}'`);
    },
  };
}

/** Compiles INSERT / REPLACE. */
export function compileInsert(ast: Statement, ctx: PlanContext): DmlRunner {
  const replace = ast.type === 'replace';
  const ignore = /ignore/i.test(String(ast.prefix ?? ''));
  const name = tableNameOf(ast.table[0], ctx.database);
  const entry = resolveTable(ctx.catalog, ctx.temporaryTables, name.database, name.table);
  const schema = entry.schema;
  let columnAsts: unknown[] | null = Array.isArray(ast.columns) ? ast.columns : null;
  let valueRows: Expr[][] | null = null;
  let select: ReturnType<typeof compileSelect> | null = null;
  if (Array.isArray(ast.set) && ast.set.length > 0) {
    columnAsts = (ast.set as { column: unknown }[]).map((s) => s.column);
    valueRows = [(ast.set as { value: Expr }[]).map((s) => s.value)];
  } else if (ast.values?.type === 'values') {
    valueRows = (ast.values.values as { value: Expr[] }[]).map((r) => r.value);
  } else if (ast.values?.type === 'select' || ast.values?.ast) {
    select = compileSelect(ast.values.ast ?? ast.values, ctx);
  } else if (ast.select) {
    select = compileSelect(ast.select, ctx);
  } else {
    throw sqlError(ER.PARSE_ERROR, 'syntax error: INSERT without values');
  }
  const targets: number[] = columnAsts
    ? columnAsts.map((c) => {
        const n = identName(c);
        const i = schema.columnIndex(n);
        if (i < 0) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${n}' in 'field list'`);
        return i;
      })
    : schema.columns.map((_, i) => i);
  const seen = new Set<number>();
  for (const t of targets) {
    if (seen.has(t)) throw sqlError([1110, '42000'], `Column '${schema.columns[t]!.name}' specified twice`);
    seen.add(t);
  }
  // A generated column takes no value but DEFAULT (MySQL 8 accepts DEFAULT there and computes it).
  if (select) checkNotGenerated(schema, targets);
  for (const r of valueRows ?? []) checkNotGenerated(schema, targets.filter((_, i) => r[i] !== undefined && !isDefaultKeyword(r[i])));
  const scope = valuesScope('field list');
  // DEFAULT as a value is null here: the column is left to its default, as if not named.
  const compiledRows = valueRows?.map((r) => r.map((e) => (isDefaultKeyword(e) ? null : compileExpr(e, scope))));
  if (select && select.fields.length !== targets.length) {
    throw sqlError(ER.WRONG_VALUE_COUNT_ON_ROW, `Column count doesn't match value count at row 1`);
  }
  const odku = compileOnDuplicate(ast.on_duplicate_update, entry);
  const multiRow = select !== null || (valueRows !== null && valueRows.length > 1);

  return (session, bindVars) => {
    const env: EvalEnv = { row: EMPTY_ROW, bindVars, session };
    let sourceRows: (SqlValue | undefined)[][];
    if (compiledRows) {
      sourceRows = compiledRows.map((r, i) => {
        if (r.length !== targets.length) {
          throw sqlError(ER.WRONG_VALUE_COUNT_ON_ROW, `Column count doesn't match value count at row ${i + 1}`);
        }
        return r.map((e) => (e === null ? undefined : e(env)));
      });
    } else {
      sourceRows = select!.execute(session, bindVars);
    }
    return session.runWrite((tx) => {
      const t = tx.write(entry);
      const now = session.now();
      let affected = 0;
      let duplicates = 0;
      let firstGenerated: bigint | null = null;
      let lastExplicit = 0n;
      // INSERT IGNORE turns a CHECK or foreign key violation into a warning and skips the row,
      // which then does not count among the Records (as the MariaDB reference reports).
      let skippedRows = 0;
      const skipped = (err: unknown): boolean => {
        if (!ignore || !(err instanceof SqlError) || (err.errno !== 3819 && err.errno !== 1452)) return false;
        session.warn(err.errno, err.message);
        skippedRows++;
        return true;
      };
      sourceRows.forEach((values, ri) => {
        const row = buildRow(schema, targets, values, ri + 1, now, session);
        const ai = schema.autoIncrementColumn;
        if (ai >= 0) {
          const v = row[ai];
          if (v === null || v === 0n || v === 0 || v === '0') {
            const id = t.data.counters.autoIncrement++;
            row[ai] = storeValue(id, schema.columns[ai]!, ri + 1, session);
            if (firstGenerated === null) firstGenerated = id;
          } else {
            raiseAutoIncrement(t.data.counters, ai, row);
            lastExplicit = toBigInt(v) ?? 0n;
          }
        }
        try {
          applyRowRules(schema, row, session, (v, c) => storeValue(v, c, ri + 1, session));
        } catch (err) {
          if (skipped(err)) return;
          throw err;
        }
        const key = t.data.newRowKey(row);
        let conflict: KeyConflict | undefined;
        if (schema.foreignKeys.length === 0) {
          // No parent rows to check between the key check and the insert: one step does both.
          conflict = tx.tryInsert(t, row, key);
          if (!conflict) {
            affected++;
            return;
          }
        } else {
          conflict = t.data.findConflict(row, key);
          if (!conflict) {
            try {
              checkParents(session, tx, schema, row);
            } catch (err) {
              if (skipped(err)) return;
              throw err;
            }
            tx.insert(t, row, key);
            affected++;
            return;
          }
        }
        if (replace) {
          while (conflict) {
            deleteRow(session, tx, t, conflict.key);
            affected++;
            conflict = t.data.findConflict(row, key);
          }
          checkParents(session, tx, schema, row);
          tx.insert(t, row, key);
          affected++;
          duplicates++;
          return;
        }
        if (odku) {
          const existing = t.data.get(conflict.key)!;
          const updated = odku(existing, row, env, now);
          duplicates++;
          if (!rowsIdentical(existing, updated)) {
            updateRow(session, tx, t, conflict.key, existing, updated);
            affected += 2;
          } else if (session.clientFoundRows) {
            affected += 1;
          }
          return;
        }
        if (ignore) {
          duplicates++;
          return;
        }
        throw t.data.duplicateError(row, conflict);
      });
      if (firstGenerated !== null) session.lastInsertId = firstGenerated;
      const result: Result = {
        fields: [],
        rows: [],
        rowsAffected: affected,
        insertId: firstGenerated ?? lastExplicit,
      };
      if (multiRow) result.info = `Records: ${sourceRows.length - skippedRows}  Duplicates: ${duplicates}  Warnings: ${session.warnings.length}`;
      return result;
    }, entry.temporary);
  };
}

/**
 * The value an UPDATE or ON DUPLICATE KEY UPDATE assigns to column `ci`: the expression compiled, or
 * for the DEFAULT keyword the column's default (see {@link columnDefaultValue}); null for DEFAULT
 * given to a generated column, which the row rules compute anyway. Throws SqlError 3105 for any
 * other value given to a generated column.
 */
function assignedValue(schema: TableSchema, ci: number, value: Expr, scope: ExprScope): ((env: EvalEnv) => SqlValue) | null {
  const c = schema.columns[ci]!;
  if (isDefaultKeyword(value)) return c.generated ? null : (env) => columnDefaultValue(c, env.session.now());
  checkNotGenerated(schema, [ci]);
  return compileExpr(value, scope);
}

/** Throws SqlError 3105 if a statement assigns one of these columns and it is a generated column. */
function checkNotGenerated(schema: TableSchema, columns: readonly number[]): void {
  for (const ci of columns) {
    const c = schema.columns[ci]!;
    if (c.generated) throw generatedColumnValueError(schema, c);
  }
}

/** The row to insert: `values` for `targets` (undefined: DEFAULT), column defaults elsewhere. */
function buildRow(schema: TableSchema, targets: readonly number[], values: readonly (SqlValue | undefined)[], rowNumber: number, now: number, session: CoercionContext): SqlValue[] {
  const C = schema.columns.length;
  // A slot still undefined after the given values is a column left to its default (a stored value is never undefined).
  const row = new Array<SqlValue>(C);
  for (let i = 0; i < targets.length; i++) {
    const ci = targets[i]!;
    const c = schema.columns[ci]!;
    const v = values[i];
    if (v === undefined) continue;
    row[ci] = v === null && c.autoIncrement ? null : storeValue(v, c, rowNumber, session);
  }
  for (let ci = 0; ci < C; ci++) {
    if (row[ci] !== undefined) continue;
    const c = schema.columns[ci]!;
    row[ci] = c.autoIncrement || c.generated ? null : columnDefaultValue(c, now);
  }
  return row;
}

type OnDuplicate = (existing: Row, inserted: Row, env: EvalEnv, now: number) => Row;

function compileOnDuplicate(odku: unknown, entry: TableEntry): OnDuplicate | null {
  const set = (odku as { set?: { column: unknown; value: Expr; table?: unknown }[] } | null)?.set;
  if (!Array.isArray(set) || set.length === 0) return null;
  const schema = entry.schema;
  const C = schema.columns.length;
  const target = tableSource(entry, schema.name);
  const values = tableSource(entry, NEW_VALUES, C);
  const layout = new SourceLayout([target, values], new Set(schema.columns.map((c) => c.name.toLowerCase())));
  const scope = layout.scope({ clause: 'field list' });
  const assignments = set.flatMap((s) => {
    const n = identName(s.column);
    const ci = schema.columnIndex(n);
    if (ci < 0) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${n}' in 'field list'`);
    const value = rewriteExpr(s.value, (node) => {
      if (node.type === 'function' && functionName(node) === 'values') {
        const arg = (node.args?.value ?? [])[0] as Expr | undefined;
        if (arg?.type === 'column_ref') return { type: 'column_ref', table: NEW_VALUES, column: identName(arg.column) };
      }
      return undefined;
    });
    const expr = assignedValue(schema, ci, value, scope);
    return expr ? [{ column: ci, expr }] : [];
  });
  const assigned = new Set(assignments.map((a) => a.column));
  return (existing, inserted, env, now) => {
    const row = existing.slice();
    const session = env.session as MysqlSession;
    for (const a of assignments) {
      env.row = row.concat(inserted);
      row[a.column] = storeValue(a.expr(env), schema.columns[a.column]!, 1, session);
    }
    touchOnUpdate(schema, row, existing, assigned, now);
    applyRowRules(schema, row, session, (v, c) => storeValue(v, c, 1, session));
    return row;
  };
}

/** Sets `ON UPDATE CURRENT_TIMESTAMP` columns that the statement did not assign, if the row changed. */
function touchOnUpdate(schema: TableSchema, row: SqlValue[], before: Row, assigned: ReadonlySet<number>, now: number): void {
  if (rowsIdentical(row, before)) return;
  schema.columns.forEach((c, i) => {
    if (c.onUpdateNow && !assigned.has(i)) row[i] = nowValue(c, now);
  });
}

interface SingleTableTarget {
  readonly entry: TableEntry;
  readonly layout: SourceLayout;
  readonly where: CompiledExpr | null;
  readonly access: AccessPath;
  readonly order: { expr: CompiledExpr; desc: boolean; compare: (a: SqlValue, b: SqlValue) => number }[];
  readonly limit: CompiledExpr | null;
}

function compileTarget(tableAst: { db?: unknown; table?: unknown; as?: unknown }, ast: Statement, ctx: PlanContext): SingleTableTarget {
  const name = tableNameOf(tableAst, ctx.database);
  const entry = resolveTable(ctx.catalog, ctx.temporaryTables, name.database, name.table);
  const alias = identName(tableAst.as) || name.table;
  const layout = new SourceLayout([tableSource(entry, alias)]);
  const subquery = (sub: Statement) => {
    const plan = compileSelect(sub, ctx);
    return Object.assign((env: EvalEnv) => plan.execute(env.session as MysqlSession, env.bindVars), { columnTypes: plan.columnTypes });
  };
  const whereScope = layout.scope({ clause: 'where clause', subquery });
  const whereAst = ast.where as Expr | null | undefined;
  const where = whereAst ? compileExpr(whereAst, whereScope) : null;
  const access = chooseAccessPath(entry.schema, conjuncts(whereAst), {
    columnOf(node) {
      if (node?.type !== 'column_ref') return -1;
      try {
        return layout.resolve(identName(node.table) || null, identName(node.column), 'where clause')?.column ?? -1;
      } catch {
        return -1;
      }
    },
    isAvailable(node) {
      if (!node || typeof node.type !== 'string' || containsSubquery(node)) return false;
      let ok = true;
      walkExpr(node, (n) => {
        if (n.type === 'column_ref' || n.type === 'aggr_func') ok = false;
      });
      return ok;
    },
    compile: (node) => compileExpr(node, whereScope),
  });
  const orderScope = layout.scope({ clause: 'order clause' });
  const order = (Array.isArray(ast.orderby) ? ast.orderby : []).map((o: { expr: Expr; type?: string }) => {
    const expr = compileExpr(o.expr, orderScope);
    return { expr, desc: String(o.type ?? '').toUpperCase() === 'DESC', compare: valueComparator(expr.columnType ?? expr.type) };
  });
  const lv = (ast.limit as { value?: Expr[] } | null | undefined)?.value;
  const limit = lv && lv.length > 0 ? compileExpr(lv[lv.length === 2 ? 1 : 0]!, valuesScope('limit clause')) : null;
  return { entry, layout, where, access, order, limit };
}

/** The rows a single-table UPDATE/DELETE affects, with their keys, in ORDER BY order and cut at LIMIT. */
function matchingRows(target: SingleTableTarget, t: TxTable, env: EvalEnv): [Key, Row][] {
  const schema = target.entry.schema;
  let rows: [Key, Row][] = [];
  for (const pair of accessRows(target.access, schema, t.data, env)) {
    if (target.where) {
      env.row = pair[1];
      if (isTrue(target.where(env)) !== true) continue;
    }
    rows.push(pair);
  }
  if (target.order.length > 0) {
    const keyed = rows.map((p) => {
      env.row = p[1];
      return { p, keys: target.order.map((o) => o.expr(env)) };
    });
    keyed.sort((a, b) => {
      for (let i = 0; i < target.order.length; i++) {
        const o = target.order[i]!;
        const c = o.compare(a.keys[i]!, b.keys[i]!);
        if (c !== 0) return o.desc ? -c : c;
      }
      return 0;
    });
    rows = keyed.map((k) => k.p);
  }
  if (target.limit) {
    env.row = EMPTY_ROW;
    const n = Number(toBigInt(target.limit(env)) ?? 0n);
    rows = rows.slice(0, Math.max(0, n));
  }
  return rows;
}

/** Compiles UPDATE (single-table with ORDER BY / LIMIT, or multi-table over joins). */
export function compileUpdate(ast: Statement, ctx: PlanContext): DmlRunner {
  const tables = ast.table as { db?: unknown; table?: unknown; as?: unknown; join?: unknown }[];
  if (tables.length !== 1 || ast.from) return compileMultiUpdate(ast, ctx);
  const target = compileTarget(tables[0]!, ast, ctx);
  const schema = target.entry.schema;
  const scope = target.layout.scope({ clause: 'field list' });
  const assignments = (ast.set as { column: unknown; value: Expr; table?: unknown }[]).flatMap((s) => {
    const n = identName(s.column);
    const ci = schema.columnIndex(n);
    if (ci < 0) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${n}' in 'field list'`);
    const expr = assignedValue(schema, ci, s.value, scope);
    return expr ? [{ column: ci, expr }] : [];
  });
  const assigned = new Set(assignments.map((a) => a.column));
  return (session, bindVars) =>
    session.runWrite((tx) => {
      const env: EvalEnv = { row: EMPTY_ROW, bindVars, session };
      const t = tx.write(target.entry);
      const now = session.now();
      let changed = 0;
      const rows = matchingRows(target, t, env);
      for (const [key, before] of rows) {
        const current = t.data.get(key) ?? before;
        const row = current.slice();
        for (const a of assignments) {
          env.row = row;
          row[a.column] = storeValue(a.expr(env), schema.columns[a.column]!, 1, session);
        }
        touchOnUpdate(schema, row, current, assigned, now);
        applyRowRules(schema, row, session, (v, c) => storeValue(v, c, 1, session));
        if (rowsIdentical(row, current)) continue;
        updateRow(session, tx, t, key, current, row);
        changed++;
      }
      const rowsAffected = session.clientFoundRows ? rows.length : changed;
      return { fields: [], rows: [], rowsAffected, insertId: 0n, info: `Rows matched: ${rows.length}  Changed: ${changed}  Warnings: ${session.warnings.length}` };
    }, target.entry.temporary);
}

/** Deletes a stored row after applying the foreign keys that reference it; false if it is already gone. */
function deleteRow(session: MysqlSession, tx: Transaction, t: TxTable, key: Key): boolean {
  const row = t.data.get(key);
  if (row === undefined) return false;
  applyToChildren(session, tx, t.schema, row);
  return tx.delete(t, key) !== undefined;
}

/** Replaces a stored row, checking its foreign keys and applying those that reference it. */
function updateRow(session: MysqlSession, tx: Transaction, t: TxTable, key: Key, before: Row, after: Row): void {
  checkParents(session, tx, t.schema, after, before);
  applyToChildren(session, tx, t.schema, before, after);
  tx.update(t, key, before, after);
  raiseAutoIncrement(t.data.counters, t.schema.autoIncrementColumn, after);
}

/** Compiles DELETE (single-table with ORDER BY / LIMIT, or multi-table over joins). */
export function compileDelete(ast: Statement, ctx: PlanContext): DmlRunner {
  const from = ast.from as { db?: unknown; table?: unknown; as?: unknown; join?: unknown }[];
  const targets = (ast.table ?? []) as { addition?: boolean }[];
  if (from.length !== 1 || targets.some((t) => !t.addition)) return compileMultiDelete(ast, ctx);
  const target = compileTarget(from[0]!, ast, ctx);
  return (session, bindVars) =>
    session.runWrite((tx) => {
      const env: EvalEnv = { row: EMPTY_ROW, bindVars, session };
      const t = tx.write(target.entry);
      let deleted = 0;
      for (const [key] of matchingRows(target, t, env)) if (deleteRow(session, tx, t, key)) deleted++;
      return { fields: [], rows: [], rowsAffected: deleted, insertId: 0n };
    }, target.entry.temporary);
}

/** A multi-table statement's target: a base table of the join, by source position. */
function targetSource(scan: JoinScan, source: number, statement: string): { entry: TableEntry; offset: number; width: number } {
  const s = scan.layout.sources[source]!;
  if (!s.entry) throw sqlError([1288, 'HY000'], `The target table ${s.alias} of the ${statement} is not updatable`);
  return { entry: s.entry, offset: s.offset, width: s.columns.length };
}

/** The stored row of a target in a combined row and its row key; undefined for an outer-join miss. */
function targetRow(t: TxTable, combined: readonly SqlValue[], offset: number, width: number): [Key, Row] | undefined {
  const part = combined.slice(offset, offset + width);
  const key = t.data.keyOfStoredRow(part);
  if (key === undefined) return undefined;
  const row = t.data.get(key);
  return row === undefined ? undefined : [key, row];
}

function compileMultiUpdate(ast: Statement, ctx: PlanContext): DmlRunner {
  const scan = compileJoinScan(ast.table, ast.where as Expr | null | undefined, ctx);
  const scope = scan.scope('field list');
  const assignments = (ast.set as { column: unknown; value: Expr; table?: unknown }[]).flatMap((a) => {
    const table = identName(a.table) || null;
    const name = identName(a.column);
    const r = scan.layout.resolve(table, name, 'field list');
    if (!r) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${table ? `${table}.` : ''}${name}' in 'field list'`);
    const entry = scan.layout.sources[r.source]!.entry;
    const expr = entry ? assignedValue(entry.schema, r.column, a.value, scope) : compileExpr(a.value, scope);
    return expr ? [{ source: r.source, column: r.column, expr }] : [];
  });
  const targets = [...new Set(assignments.map((a) => a.source))].map((source) => ({
    source,
    ...targetSource(scan, source, 'UPDATE'),
    assignments: assignments.filter((a) => a.source === source),
  }));
  return (session, bindVars) =>
    session.runWrite((tx) => {
      const env: EvalEnv = { row: EMPTY_ROW, bindVars, session };
      const now = session.now();
      const combinedRows = scan.rows(session, bindVars);
      let matched = 0;
      let changed = 0;
      for (const target of targets) {
        const t = tx.write(target.entry);
        const schema = t.schema;
        const assigned = new Set(target.assignments.map((a) => a.column));
        const done = new Set<string>();
        const updates: [Key, Row, Row][] = [];
        for (const combined of combinedRows) {
          const hit = targetRow(t, combined, target.offset, target.width);
          if (!hit) continue;
          const id = JSON.stringify(hit[0], (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
          if (done.has(id)) continue;
          done.add(id);
          matched++;
          env.row = combined;
          const row = hit[1].slice();
          for (const a of target.assignments) row[a.column] = storeValue(a.expr(env), schema.columns[a.column]!, 1, session);
          touchOnUpdate(schema, row, hit[1], assigned, now);
          applyRowRules(schema, row, session, (v, c) => storeValue(v, c, 1, session));
          if (!rowsIdentical(row, hit[1])) updates.push([hit[0], hit[1], row]);
        }
        for (const [key, before, after] of updates) {
          updateRow(session, tx, t, key, before, after);
          changed++;
        }
      }
      return { fields: [], rows: [], rowsAffected: session.clientFoundRows ? matched : changed, insertId: 0n, info: `Rows matched: ${matched}  Changed: ${changed}  Warnings: ${session.warnings.length}` };
    });
}

function compileMultiDelete(ast: Statement, ctx: PlanContext): DmlRunner {
  const scan = compileJoinScan(ast.from, ast.where as Expr | null | undefined, ctx);
  const targets = ((ast.table ?? []) as { db?: unknown; table?: unknown }[]).map((t) => {
    const alias = identName(t.table);
    const source = scan.layout.sourceIndex(alias);
    if (source < 0) throw sqlError([1109, '42S02'], `Unknown table '${alias}' in MULTI DELETE`);
    return targetSource(scan, source, 'DELETE');
  });
  return (session, bindVars) =>
    session.runWrite((tx) => {
      const combinedRows = scan.rows(session, bindVars);
      let deleted = 0;
      for (const target of targets) {
        const t = tx.write(target.entry);
        const keys: Key[] = [];
        for (const combined of combinedRows) {
          const hit = targetRow(t, combined, target.offset, target.width);
          if (hit) keys.push(hit[0]);
        }
        for (const key of keys) if (deleteRow(session, tx, t, key)) deleted++;
      }
      return { fields: [], rows: [], rowsAffected: deleted, insertId: 0n };
    });
}
