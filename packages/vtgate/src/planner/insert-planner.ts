/**
 * Planning INSERT/REPLACE: unsharded inserts go to the keyspace's shard as written; sharded ones
 * are routed row by row on the primary vindex (a missing column list is filled from the tracked
 * columns); auto-increment columns missing or NULL are filled from the VSchema sequence.
 */
import { ER, Type, sqlError } from '@vtsim/proto';
import { compileExpr, isDefaultKeyword, parseStatement, parseStatements, SqlLexer, Tok, type CompiledExpr, type Expr, type Statement } from '@vtsim/sql';
import { Insert, type InsertCell, type InsertMode } from '../engine/insert.js';
import { InsertSelect } from '../engine/insert-select.js';
import type { QueryAccess } from '../engine/primitive.js';
import { Route } from '../engine/route.js';
import { SchemaTrackingNeeded } from '../schema-tracker.js';
import type { TableModel } from '../vschema.js';
import { NO_COLUMNS, identName, literalValue, unsupported } from './ast.js';
import type { Plan, PlanContext } from './plan.js';
import { insertSetAsValues, insertText, insertWithColumnList, quoteIdent, stripQualifiers } from './query-text.js';
import { planSelect } from './select-planner.js';
import { collectTables, resolveTables } from './table-refs.js';

/** Plans an INSERT or REPLACE. `sql` is the normalized text the AST was parsed from. */
export function planInsert(ast: Statement, sql: string, ctx: PlanContext): Plan {
  const target = (ast.table as Expr[])[0]!;
  const db = identName(target.db);
  const table = ctx.vschema.findRoutedTable(db ?? ctx.keyspace, identName(target.table)!, ctx.tabletType);
  const ks = table.keyspace;
  const text = stripQualifiers(sql, db && ctx.keyspaceNames.has(db) ? new Set([db]) : new Set());
  const access: QueryAccess = { tables: [table.name], write: true };
  const plan = (primitive: Route | Insert | InsertSelect): Plan => ({ type: 'insert', primitive, write: true });
  const isValues = ast.values?.type === 'values' && Array.isArray(ast.columns);
  if (ks.sharded && !Array.isArray(ast.columns) && !Array.isArray(ast.set)) {
    // Vitess needs the column list to route: the tracked columns stand in for a missing one.
    const withColumns = insertWithColumnList(text, trackedColumns(ctx, table));
    if (!withColumns) throw noColumnList();
    return planInsert(parseStatements(withColumns)[0]!, withColumns, ctx);
  }
  if (ast.values?.type === 'select') {
    const insertSelect = planInsertSelect(ast, text, table, ctx);
    if (insertSelect) return plan(insertSelect);
  }
  if (!ks.sharded && !table.autoIncrement) return plan(new Route({ keyspace: ks.name, opcode: 'unsharded', query: text, access }));
  // INSERT … SET is planned as the VALUES form it means (Vitess's parser reads it so).
  const asValues = Array.isArray(ast.set) ? insertSetAsValues(sql) : undefined;
  if (asValues !== undefined) return planInsert(parseStatements(asValues)[0]!, asValues, ctx);
  if (!isValues) {
    if (!ks.sharded) return plan(new Route({ keyspace: ks.name, opcode: 'unsharded', query: text, access }));
    return plan(new Route({ keyspace: ks.name, opcode: 'scatter', query: text, access, multiShardError: 'insert into a sharded table without VALUES' }));
  }

  const it = insertText(text);
  const rowsAst = (ast.values.values as Expr[]).map((r) => r.value as Expr[]);
  if (!it || it.rows.length !== rowsAst.length || it.rows.some((r, i) => r.length !== rowsAst[i]!.length)) {
    throw unsupported('INSERT text vtgate cannot split into rows');
  }
  const columns = (ast.columns as unknown[]).map((c) => String(identName(c)));
  const lower = columns.map((c) => c.toLowerCase());
  if (rowsAst.some((r) => r.length !== columns.length)) throw sqlError(ER.WRONG_VALUE_COUNT_ON_ROW, "Column count doesn't match value count at row 1");
  const rows: InsertCell[][] = rowsAst.map((row, r) =>
    row.map((e, c) => {
      const range = it.rows[r]![c]!;
      return insertCell(e, text.slice(range.start, range.end));
    }),
  );

  const autoIncrement = autoIncrementColumn(table, columns, lower);
  if (autoIncrement?.added) {
    for (const row of rows) row.push({ text: '', src: { kind: 'literal', value: null } });
  }

  let mode: InsertMode = 'unsharded';
  let vindexColumn: number | undefined;
  const primary = table.columnVindexes[0];
  if (ks.sharded && table.type === 'reference') mode = 'reference';
  else if (ks.sharded) {
    if (!primary) throw sqlError(ER.UNKNOWN_ERROR, `table ${table.name} has no primary vindex`);
    mode = 'sharded';
    vindexColumn = lower.indexOf(primary.column);
    if (vindexColumn < 0) throw sqlError(ER.UNKNOWN_ERROR, 'could not map [NULL] to a keyspace id');
    for (const set of (ast.on_duplicate_update?.set ?? []) as Expr[]) {
      if (table.columnVindexes.some((cv) => cv.column === String(identName(set.column)).toLowerCase())) {
        throw unsupported(`DML cannot update vindex column`);
      }
    }
  }
  const head = `${text.slice(it.head.start, it.head.end)}${quoteIdent(table.name)} (${columns.map(quoteIdent).join(', ')}) values `;
  const tail = it.tail.end > it.tail.start ? ' ' + text.slice(it.tail.start, it.tail.end) : '';
  return plan(
    new Insert({
      keyspace: ks.name,
      mode,
      passthroughQuery: text,
      head,
      rows,
      tail,
      vindex: primary?.vindex,
      vindexColumn,
      autoIncrement,
      access,
    }),
  );
}

/**
 * Plans `INSERT … SELECT` as Vitess's InsertSelect when the SELECT cannot run where the rows are
 * written (the target is sharded, or the SELECT reads another keyspace). Undefined when the whole
 * statement can go to the target's one shard as written.
 */
function planInsertSelect(ast: Statement, text: string, table: TableModel, ctx: PlanContext): InsertSelect | undefined {
  const ks = table.keyspace;
  const selectSql = insertSelectText(text);
  if (!selectSql) throw unsupported('INSERT … SELECT text vtgate cannot split');
  const selectAst = parseStatement(selectSql);
  const reads = resolveTables(collectTables(selectAst), ctx.vschema, ctx.keyspace, ctx.tabletType);
  if (!ks.sharded && !table.autoIncrement && reads.every((r) => r.table.keyspace === ks)) return undefined;
  if (!Array.isArray(ast.columns)) {
    throw unsupported('INSERT … SELECT without a column list across keyspaces');
  }
  if (ast.on_duplicate_update) throw unsupported('ON DUPLICATE KEY UPDATE with INSERT … SELECT across shards');
  const columns = (ast.columns as unknown[]).map((c) => String(identName(c)));
  const selected = columns.length;
  const autoIncrement = autoIncrementColumn(table, columns, columns.map((c) => c.toLowerCase()));
  const primary = table.columnVindexes[0];
  const mode: InsertMode = !ks.sharded ? 'unsharded' : table.type === 'reference' ? 'reference' : 'sharded';
  let vindexColumn: number | undefined;
  if (mode === 'sharded') {
    if (!primary) throw sqlError(ER.UNKNOWN_ERROR, `table ${table.name} has no primary vindex`);
    vindexColumn = columns.map((c) => c.toLowerCase()).indexOf(primary.column);
    if (vindexColumn < 0) throw sqlError(ER.UNKNOWN_ERROR, 'could not map [NULL] to a keyspace id');
  }
  const verb = /^\s*(insert|replace)\s+(ignore\s+)?/i.exec(text);
  const head = `${verb?.[1]?.toLowerCase() ?? 'insert'} ${verb?.[2] ? 'ignore ' : ''}into ${quoteIdent(table.name)} (${columns.map(quoteIdent).join(', ')}) values `;
  return new InsertSelect({
    select: planSelect(selectAst, selectSql, ctx).primitive,
    columns: selected,
    insert: { keyspace: ks.name, mode, head, tail: '', vindex: primary?.vindex, vindexColumn, autoIncrement, access: { tables: [table.name], write: true } },
  });
}

/** The SELECT of an `INSERT … [(columns)] SELECT …` text (parentheses around it dropped). */
function insertSelectText(text: string): string | undefined {
  const lx = new SqlLexer(text);
  let depth = 0;
  let afterColumns = false;
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (k === Tok.PUNCT && lx.isPunct('(')) {
      if (depth === 0 && afterColumns) {
        const inner = text.slice(lx.end).trim();
        return inner.endsWith(')') && /^(select|with)\b/i.test(inner) ? inner.slice(0, -1) : undefined;
      }
      depth++;
    } else if (k === Tok.PUNCT && lx.isPunct(')')) {
      depth--;
      if (depth === 0) afterColumns = true;
    } else if (depth === 0 && k === Tok.WORD && (lx.isWord('SELECT') || lx.isWord('WITH'))) return text.slice(lx.start);
    else if (depth === 0 && k === Tok.WORD && !afterColumns && lx.isWord('VALUES')) return undefined;
    else if (depth === 0 && k !== Tok.WORD && k !== Tok.QUOTED_IDENT && !(k === Tok.PUNCT && lx.isPunct('.'))) afterColumns = true;
  }
  return undefined;
}

function insertCell(e: Expr, text: string): InsertCell {
  if (e.type === 'param') {
    const name = String(e.value);
    return text === `:${name}` ? { text, src: { kind: 'bind', name }, bindName: name } : { text, src: { kind: 'bind', name }, bindRefs: [name] };
  }
  const v = literalValue(e);
  if (v !== undefined) return { text, src: { kind: 'literal', value: v } };
  // DEFAULT: the tablet stores the column default; for the auto-increment column it is NULL, so the sequence fills it (as in Vitess).
  if (isDefaultKeyword(e)) return { text, src: { kind: 'literal', value: null } };
  const bindRefs = bindVariablesIn(text);
  let expr: CompiledExpr;
  try {
    expr = compileExpr(e, NO_COLUMNS);
  } catch (err) {
    expr = Object.assign(
      () => {
        throw err;
      },
      { type: Type.NULL_TYPE },
    );
  }
  return bindRefs.length > 0 ? { text, src: { kind: 'expr', expr }, bindRefs } : { text, src: { kind: 'expr', expr } };
}

/** The bind variables a cell's text names, in order (`:a + ::b` → a, b). */
function bindVariablesIn(text: string): string[] {
  const names: string[] = [];
  const lx = new SqlLexer(text);
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (k === Tok.PARAM) names.push(lx.text().replace(/^::?/, ''));
  }
  return names;
}

/** Vitess's VT09004 for an INSERT without a column list into a sharded table whose columns vtgate does not know. */
function noColumnList() {
  return sqlError(ER.UNKNOWN_ERROR, 'VT09004: INSERT should contain column list or the table should have authoritative columns in vschema');
}

/**
 * The table's columns as vtgate's schema tracker knows them; SchemaTrackingNeeded when its keyspace
 * is not loaded yet (the executor loads it and plans again), VT09004 when the table is not tracked.
 */
function trackedColumns(ctx: PlanContext, table: TableModel): readonly string[] {
  const schema = ctx.schema;
  if (!schema) throw noColumnList();
  if (!schema.loaded(table.keyspace.name)) throw new SchemaTrackingNeeded(table.keyspace.name, noColumnList());
  const columns = schema.columns(table.keyspace.name, table.name);
  if (!columns || columns.length === 0) throw noColumnList();
  return columns;
}

/**
 * The column a table's sequence fills (its VSchema auto_increment) among the INSERT's `columns`
 * (`lower`: the same names lower-cased), appended to both when the INSERT does not name it
 * (`added`); undefined for a table without one, VT errors for a sequence that cannot be used.
 */
function autoIncrementColumn(table: TableModel, columns: string[], lower: string[]): { column: number; sequence: TableModel; added: boolean } | undefined {
  const ai = table.autoIncrement;
  if (!ai) return undefined;
  if (ai.error || !ai.sequence) throw sqlError(ER.UNKNOWN_ERROR, ai.error ?? `sequence for ${table.name} not found`);
  const col = lower.indexOf(ai.column);
  if (col >= 0) return { column: col, sequence: ai.sequence, added: false };
  columns.push(ai.column);
  lower.push(ai.column);
  return { column: columns.length - 1, sequence: ai.sequence, added: true };
}
