/**
 * The vstreamer's plan builder: which filter rule applies to a table, and what that rule means for
 * the table's rows (which pass) and columns (which are sent), as Vitess's vstreamer planbuilder.
 * Rules: `match` is a table name or `/regex`; `filter` is `""` (every row and column), a key range
 * (`-80`, using the table's primary vindex), or `select * | cols from t [where …]` with
 * `in_keyrange([cols, 'vindex',] 'range')`, `col op literal` (`= != <> < <= > >=`), `col in (…)`
 * and `col is not null`, joined by AND; or `exclude` (the table is not streamed).
 */
import type { TableMap } from '@vtsim/binlog';
import { Code, MySqlFlag, Type, VtError, type Field, type Filter, type Rule, type SqlValue, type ValueEncoder } from '@vtsim/proto';
import { compareValues, parseStatement, renderExpr, stringValue, type Expr, type Statement } from '@vtsim/sql';
import { keyRangeContains, parseShardingSpec } from '@vtsim/topo';
import type { Vindex } from '@vtsim/vindexes';
import { binlogEncoders, copyPhaseEncoders } from './binlog-values.js';
import type { LocalVSchema } from './local-vschema.js';

/** How one table is streamed: the rows that pass and the columns that are sent. */
export interface TablePlan {
  readonly tableName: string;
  /** Metadata of the sent columns, for FIELD events. */
  readonly fields: Field[];
  /** True when a row image passes every filter of the rule. */
  readonly matches: (row: readonly SqlValue[]) => boolean;
  /** The sent values of a row image; the image itself when every column is sent in table order. */
  readonly project: (row: readonly SqlValue[]) => readonly SqlValue[];
  /** True for sidecar tables streamed on request (`VStreamOptions.internal_tables`). */
  readonly isInternal: boolean;
  /**
   * The streaming phase's FieldEvent.enum_set_string_values: true when the table has an ENUM or SET
   * column (Vitess maps their binlog ordinals to strings then); the copy phase always sets it.
   */
  readonly enumSetStringValues: boolean;
  /** Wire encoders of the sent columns in the copy phase (MySQL's text protocol), see binlog-values.ts. */
  readonly copyEncoders: readonly ValueEncoder[];
  /** Wire encoders of the sent columns in the streaming phase (rbr.go's forms), see binlog-values.ts. */
  readonly binlogEncoders: readonly ValueEncoder[];
}

/** The rule `{match: "/.*"}` used when a request has no filter. */
export const MATCH_ALL_FILTER: Filter = { rules: [{ match: '/.*', filter: '' }] };

const KEY_RANGE = /^[0-9a-fA-F]*-[0-9a-fA-F]*$/;

/**
 * The compiled regexes of a filter's `/regex` rules, by rule index. Throws VtError
 * INVALID_ARGUMENT for a regex that does not compile.
 */
export function compileRules(filter: Filter): (RegExp | null)[] {
  return filter.rules.map((rule) => {
    if (!rule.match.startsWith('/')) return null;
    const source = rule.match.replace(/^\/+|\/+$/g, '');
    try {
      return new RegExp(source);
    } catch (err) {
      throw new VtError(Code.INVALID_ARGUMENT, `error parsing regexp: ${source}: ${(err as Error).message}`);
    }
  });
}

/** The first rule that names the table or whose regex finds it; undefined if none does. */
export function findRule(tableName: string, filter: Filter, regexes: readonly (RegExp | null)[]): Rule | undefined {
  for (let i = 0; i < filter.rules.length; i++) {
    const rule = filter.rules[i]!;
    const re = regexes[i];
    if (re ? re.test(tableName) : rule.match === tableName) return rule;
  }
  return undefined;
}

/** The filter value of a rule that keeps its table out of the stream (Reshard writes one per reference table). */
export const EXCLUDE_FILTER = 'exclude';

/** The rule a table is streamed with: {@link findRule}'s, unless that one excludes the table. */
export function streamedRule(tableName: string, filter: Filter, regexes: readonly (RegExp | null)[]): Rule | undefined {
  const rule = findRule(tableName, filter, regexes);
  return rule?.filter === EXCLUDE_FILTER ? undefined : rule;
}

/**
 * Builds the plan of `rule` for a table of this shape. Throws VtError for a filter vtsim does not
 * understand (INVALID_ARGUMENT, with Vitess's messages: `unsupported: …`, `unsupported constraint:
 * …`, `unexpected: …`), an unknown column (FAILED_PRECONDITION `column <c> not found in table
 * <t>`), a missing vindex (see LocalVSchema) or a non-unique one (INTERNAL).
 */
export function buildTablePlan(table: TableMap, rule: Rule, vschema: LocalVSchema, isInternal = false): TablePlan {
  const builder = new PlanBuilder(table, vschema);
  if (rule.match.startsWith('/') || rule.filter === '' || KEY_RANGE.test(rule.filter)) {
    if (rule.filter !== '') builder.keyRangeFilter(builder.primaryVindex(), rule.filter);
    return builder.build(null, isInternal);
  }
  const sel = parseFilterQuery(rule.filter);
  const from = sel.from?.[0] as { table?: unknown } | undefined;
  if (String(from?.table) !== table.name) {
    throw new VtError(Code.INVALID_ARGUMENT, `unsupported: select expression table ${String(from?.table)} does not match the table entry name ${table.name}`);
  }
  if (sel.where) for (const cond of splitAnd(sel.where)) builder.where(cond);
  return builder.build(builder.selectExprs(sel.columns), isInternal);
}

/**
 * The table a filter query (`select … from <table> …`) reads. Throws VtError INVALID_ARGUMENT for a
 * query that is not such a select (`unsupported: <query>`) or does not parse.
 */
export function filterQueryTable(query: string): string {
  return String((parseFilterQuery(query).from as Expr[])[0]!.table);
}

function parseFilterQuery(query: string): Statement {
  let sel: Statement;
  try {
    sel = parseStatement(query);
  } catch (err) {
    throw new VtError(Code.INVALID_ARGUMENT, (err as Error).message);
  }
  const from = sel.from as Expr[] | undefined;
  if (sel.type !== 'select' || !Array.isArray(from) || from.length !== 1 || typeof from[0]!.table !== 'string' || from[0]!.join) {
    throw new VtError(Code.INVALID_ARGUMENT, `unsupported: ${query}`);
  }
  return sel;
}

function splitAnd(node: Expr): Expr[] {
  if (node.type === 'binary_expr' && String(node.operator).toUpperCase() === 'AND') return [...splitAnd(node.left), ...splitAnd(node.right)];
  return [node];
}

/** One sent column: a table column, a keyspace id, or a constant. */
type ColExpr = { field: Field; column: number } | { field: Field; vindex: Vindex; columns: number[] } | { field: Field; fixed: SqlValue };

type RowFilter = (row: readonly SqlValue[]) => boolean;

const COMPARISONS: Record<string, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '!=': (c) => c !== 0,
  '<>': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

class PlanBuilder {
  private readonly filters: RowFilter[] = [];

  constructor(
    private readonly table: TableMap,
    private readonly vschema: LocalVSchema,
  ) {}

  primaryVindex(): { vindex: Vindex; columns: number[] } {
    const cv = this.vschema.findColVindex(this.table.name);
    return { vindex: cv.vindex, columns: cv.columns.map((c) => this.column(c)) };
  }

  /** Keeps rows whose keyspace id is in `spec`; `specNode` is the in_keyrange argument it came from, if any. */
  keyRangeFilter(v: { vindex: Vindex; columns: number[] }, spec: string, specNode?: Expr): void {
    let ranges;
    try {
      ranges = parseShardingSpec(spec);
    } catch (err) {
      throw new VtError(Code.INVALID_ARGUMENT, (err as Error).message);
    }
    if (ranges.length !== 1) {
      throw new VtError(Code.INVALID_ARGUMENT, specNode ? `unexpected in_keyrange parameter: ${renderExpr(specNode)}` : `error parsing keyrange: ${spec}`);
    }
    const kr = ranges[0]!;
    const ksid = keyspaceIdOf(v.vindex, v.columns);
    // A row whose vindex value maps nowhere (NULL) is in no key range.
    this.filters.push((row) => {
      const id = ksid(row);
      return id !== null && keyRangeContains(kr, id);
    });
  }

  where(cond: Expr): void {
    if (cond.type === 'function' && functionName(cond) === 'in_keyrange') return this.inKeyRange(cond);
    if (cond.type !== 'binary_expr') throw new VtError(Code.INVALID_ARGUMENT, `unsupported constraint: ${renderExpr(cond)}`);
    const op = String(cond.operator).toUpperCase();
    if (op === 'IS NOT') {
      if (cond.right?.type !== 'null') throw new VtError(Code.INVALID_ARGUMENT, `unsupported constraint: ${renderExpr(cond)}`);
      const col = this.columnRef(cond.left, cond);
      this.filters.push((row) => row[col] !== null);
      return;
    }
    if (op === 'IN') {
      const col = this.columnRef(cond.left, cond);
      if (cond.right?.type !== 'expr_list') throw new VtError(Code.INVALID_ARGUMENT, `unexpected: ${renderExpr(cond)}`);
      const values = (cond.right.value as Expr[]).map((v) => literal(v, cond));
      this.filters.push((row) => {
        const v = row[col]!;
        return v !== null && values.some((x) => x !== null && compareValues(v, x) === 0);
      });
      return;
    }
    const test = COMPARISONS[op];
    if (!test) throw new VtError(Code.INVALID_ARGUMENT, `unsupported constraint: ${renderExpr(cond)}`);
    const col = this.columnRef(cond.left, cond);
    const value = literal(cond.right, cond);
    // NULL on either side never matches, as in SQL.
    this.filters.push((row) => {
      const v = row[col]!;
      return v !== null && value !== null && test(compareValues(v, value));
    });
  }

  selectExprs(columns: unknown): ColExpr[] | null {
    const list = columns as { expr: Expr; as: string | null }[] | '*';
    if (list === '*' || (list.length === 1 && list[0]!.expr.type === 'column_ref' && list[0]!.expr.column === '*')) return null;
    return list.map(({ expr }) => this.selectExpr(expr));
  }

  build(cols: ColExpr[] | null, isInternal: boolean): TablePlan {
    const filters = this.filters;
    const matches: RowFilter = filters.length === 0 ? () => true : filters.length === 1 ? filters[0]! : (row) => filters.every((f) => f(row));
    const fields = cols ? cols.map((c) => c.field) : [...this.table.fields];
    return {
      tableName: this.table.name,
      fields,
      matches,
      project: cols ? projector(cols) : (row) => row,
      isInternal,
      enumSetStringValues: this.table.fields.some((f) => f.type === Type.ENUM || f.type === Type.SET),
      copyEncoders: copyPhaseEncoders(fields),
      binlogEncoders: binlogEncoders(fields),
    };
  }

  private selectExpr(expr: Expr): ColExpr {
    if (expr.type === 'column_ref') {
      const column = this.columnRef(expr, expr);
      return { field: this.table.fields[column]!, column };
    }
    if (expr.type === 'number') {
      if (String(expr.value) !== '1') throw new VtError(Code.INVALID_ARGUMENT, 'only the integer literal 1 is supported');
      return { field: syntheticField('1', Type.INT64, MySqlFlag.NOT_NULL_FLAG | MySqlFlag.NUM_FLAG), fixed: 1n };
    }
    if (expr.type === 'function') {
      const name = functionName(expr);
      const args = (expr.args?.value ?? []) as Expr[];
      if (name === 'keyspace_id' && args.length === 0) {
        const pv = this.primaryVindex();
        return { field: syntheticField('keyspace_id', Type.VARBINARY, MySqlFlag.BINARY_FLAG), ...pv };
      }
      if (name === 'convert' && args.length === 1 && args[0]!.type === 'column_ref') {
        const column = this.columnRef(args[0]!, expr);
        return { field: this.table.fields[column]!, column };
      }
      throw new VtError(Code.INVALID_ARGUMENT, `unsupported function: ${renderExpr(expr)}`);
    }
    throw new VtError(Code.INVALID_ARGUMENT, `unsupported: ${renderExpr(expr)}`);
  }

  private inKeyRange(cond: Expr): void {
    const args = (cond.args?.value ?? []) as Expr[];
    if (args.length === 1) return this.keyRangeFilter(this.primaryVindex(), literalString(args[0]!, cond), args[0]);
    if (args.length < 3) throw new VtError(Code.INTERNAL, `[BUG] unexpected in_keyrange parameters: ${renderExpr(cond)}`);
    const columns = args.slice(0, -2).map((a) => this.columnRef(a, cond));
    const name = literalString(args[args.length - 2]!, cond);
    const vindex = this.vschema.findOrCreateVindex(name);
    if (!vindex.unique) throw new VtError(Code.INTERNAL, `vindex must be Unique to be used for VReplication: ${name}`);
    this.keyRangeFilter({ vindex, columns }, literalString(args[args.length - 1]!, cond), args[args.length - 1]);
  }

  private columnRef(node: Expr, context: Expr): number {
    if (node?.type !== 'column_ref') throw new VtError(Code.INVALID_ARGUMENT, `unexpected: ${renderExpr(context)}`);
    if (node.table) throw new VtError(Code.INVALID_ARGUMENT, `unsupported qualifier for column: ${renderExpr(node)}`);
    return this.column(identifier(node.column));
  }

  private column(name: string): number {
    const lower = name.toLowerCase();
    const i = this.table.fields.findIndex((f) => f.name.toLowerCase() === lower);
    if (i < 0) throw new VtError(Code.FAILED_PRECONDITION, `column ${name} not found in table ${this.table.name}`);
    return i;
  }
}

function keyspaceIdOf(vindex: Vindex, columns: number[]): (row: readonly SqlValue[]) => Uint8Array | null {
  if (columns.length !== 1) {
    throw new VtError(Code.UNIMPLEMENTED, `vindex ${vindex.name} over ${columns.length} columns is not supported by vtsim`);
  }
  const col = columns[0]!;
  return (row) => vindex.mapOne(row[col]!);
}

function projector(cols: ColExpr[]): (row: readonly SqlValue[]) => SqlValue[] {
  const getters = cols.map((c): ((row: readonly SqlValue[]) => SqlValue) => {
    if ('column' in c) {
      const i = c.column;
      return (row) => row[i]!;
    }
    if ('vindex' in c) {
      const ksid = keyspaceIdOf(c.vindex, c.columns);
      return (row) => ksid(row);
    }
    const v = c.fixed;
    return () => v;
  });
  return (row) => {
    const out = new Array<SqlValue>(getters.length);
    for (let i = 0; i < getters.length; i++) out[i] = getters[i]!(row);
    return out;
  };
}

function syntheticField(name: string, type: Type, flags: number): Field {
  return { name, type, table: '', org_table: '', database: '', org_name: '', column_length: 0, charset: 63, decimals: 0, flags, column_type: '' };
}

function functionName(node: Expr): string {
  const parts = (node.name?.name ?? []) as { value: string }[];
  return parts.map((p) => p.value).join('.').toLowerCase();
}

function identifier(x: unknown): string {
  if (typeof x === 'string') return x;
  const o = x as { expr?: { value?: unknown }; value?: unknown };
  return String(o?.expr?.value ?? o?.value ?? '');
}

/** A literal's value: integers as bigint, strings as text; anything else is `unexpected`. */
function literal(node: Expr, context: Expr): SqlValue {
  if (node?.type === 'number') {
    const text = String(node.value);
    return /^-?\d+$/.test(text) ? BigInt(text) : Number(text);
  }
  if (node?.type === 'unary_expr' && node.operator === '-' && node.expr?.type === 'number') {
    const v = literal(node.expr, context);
    return typeof v === 'bigint' ? -v : -(v as number);
  }
  if (node?.type === 'null') return null;
  if (node?.type === 'single_quote_string' || node?.type === 'double_quote_string') return stringValue(node);
  throw new VtError(Code.INVALID_ARGUMENT, `unexpected: ${renderExpr(context)}`);
}

function literalString(node: Expr, context: Expr): string {
  if (node?.type === 'single_quote_string' || node?.type === 'double_quote_string') return stringValue(node);
  throw new VtError(Code.INVALID_ARGUMENT, `unsupported: ${renderExpr(node ?? context)}`);
}
