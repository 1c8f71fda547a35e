/**
 * Planning INSERT/REPLACE: unsharded inserts go to the keyspace's shard as written; sharded ones
 * are routed row by row on the primary vindex; auto-increment columns missing or NULL are filled
 * from the VSchema sequence.
 */
import { ER, Type, sqlError } from '@vtsim/proto';
import { compileExpr, isDefaultKeyword, parseStatements, SqlLexer, Tok, type CompiledExpr, type Expr, type Statement } from '@vtsim/sql';
import { Insert, type InsertCell, type InsertMode } from '../engine/insert.js';
import type { QueryAccess } from '../engine/primitive.js';
import { Route } from '../engine/route.js';
import type { TableModel } from '../vschema.js';
import { NO_COLUMNS, identName, literalValue, unsupported } from './ast.js';
import type { Plan, PlanContext } from './plan.js';
import { insertSetAsValues, insertText, quoteIdent, stripQualifiers } from './query-text.js';

/** Plans an INSERT or REPLACE. `sql` is the normalized text the AST was parsed from. */
export function planInsert(ast: Statement, sql: string, ctx: PlanContext): Plan {
  const target = (ast.table as Expr[])[0]!;
  const db = identName(target.db);
  const table = ctx.vschema.findRoutedTable(db ?? ctx.keyspace, identName(target.table)!, ctx.tabletType);
  const ks = table.keyspace;
  const text = stripQualifiers(sql, db && ctx.keyspaceNames.has(db) ? new Set([db]) : new Set());
  const access: QueryAccess = { tables: [table.name], write: true };
  const plan = (primitive: Route | Insert): Plan => ({ type: 'insert', primitive, write: true });
  const isValues = ast.values?.type === 'values' && Array.isArray(ast.columns);
  if (!ks.sharded && !table.autoIncrement) return plan(new Route({ keyspace: ks.name, opcode: 'unsharded', query: text, access }));
  // INSERT … SET is planned as the VALUES form it means (Vitess's parser reads it so).
  const asValues = Array.isArray(ast.set) ? insertSetAsValues(sql) : undefined;
  if (asValues !== undefined) return planInsert(parseStatements(asValues)[0]!, asValues, ctx);
  if (!isValues) {
    if (ks.sharded && !ast.columns && ast.values?.type === 'values') {
      throw sqlError(ER.UNKNOWN_ERROR, 'VT09004: INSERT should contain column list or the table should have authoritative columns in vschema');
    }
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

  let autoIncrement: { column: number; sequence: TableModel } | undefined;
  if (table.autoIncrement) {
    const ai = table.autoIncrement;
    if (ai.error || !ai.sequence) throw sqlError(ER.UNKNOWN_ERROR, ai.error ?? `sequence for ${table.name} not found`);
    let col = lower.indexOf(ai.column);
    if (col < 0) {
      columns.push(ai.column);
      lower.push(ai.column);
      col = columns.length - 1;
      for (const row of rows) row.push({ text: '', src: { kind: 'literal', value: null } });
    }
    autoIncrement = { column: col, sequence: ai.sequence };
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
