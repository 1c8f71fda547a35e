/**
 * Merging the results of a query scattered to several shards: cross-shard aggregation (GROUP BY,
 * aggregates, AVG from SUM and COUNT, HAVING), DISTINCT, ORDER BY, LIMIT/OFFSET and dropping the
 * hidden columns the planner added (Vitess's OrderedAggregate, Distinct, MergeSort, Limit and
 * SimpleProjection primitives, folded into one pass).
 */
import { ER, MySqlFlag, Type, sqlError, type BindVars, type Field, type Result, type SqlValue } from '@vtsim/proto';
import { createAggregate, createMergeAggregate, isTrue, toBigInt, valueComparator, type Aggregate, type AggregateName, type ColumnType, type CompiledExpr, type SessionContext } from '@vtsim/sql';
import { evaluateValue, type ValueSource } from './value-source.js';

/** A result column: by index, counted from the end (hidden columns after `*`), or by name (after `*`). */
export type ColumnPos = { index: number } | { fromEnd: number } | { name: string; table: string | null };

/** One ORDER BY key. */
export interface OrderKey {
  column: ColumnPos;
  desc: boolean;
}

/** How an aggregated output column is merged across shards. */
export type OutputColumnRole =
  /** A GROUP BY key. */
  | { kind: 'key' }
  /** A non-aggregated column outside GROUP BY: any row's value (the first). */
  | { kind: 'value' }
  /** A partial aggregate merged with the named merge aggregate. */
  | { kind: 'agg'; name: AggregateName }
  /** A SUM partial that becomes AVG = sum / count (the COUNT partial is at `countIndex`); `name` is the column's name. */
  | { kind: 'avg'; countIndex: number; name: string }
  /**
   * COUNT/SUM/AVG(DISTINCT x): the shards group by x as well (x is the column at `valueIndex`),
   * and the aggregate runs here over each group's distinct non-NULL values of x (Vitess's
   * AggregateCountDistinct / AggregateSumDistinct).
   */
  | { kind: 'distinct'; name: 'COUNT_DISTINCT' | 'SUM' | 'AVG'; valueIndex: number }
  /**
   * GROUP_CONCAT(x ORDER BY …): the shards group by x and the ORDER BY terms as well and count
   * each such row (`countIndex`); here each group's values are sorted by the terms (by their
   * types and collations), repeated as often as they occurred, and joined with the separator.
   */
  | { kind: 'groupConcat'; valueIndex: number; orderBy: { index: number; desc: boolean }[]; countIndex: number; separator: string; distinct: boolean }
  /** An expression over aggregates (`1 + count(*)`), evaluated on the merged row; the shard's field (same expression) gives its type. */
  | { kind: 'expr'; projection: AggregateProjection };

/** An expression over merged aggregate columns, compiled once per shape of the shard fields (Vitess's projection above an aggregation). */
export interface AggregateProjection {
  /** The compiled expression for these result fields: it reads the merged row. */
  compiled(fields: readonly Field[]): CompiledExpr;
}

/** Cross-shard aggregation: one role per result column (visible and hidden), the key columns, and HAVING. */
export interface AggregationSpec {
  roles: OutputColumnRole[];
  groupKeys: number[];
  having?: CompiledExpr;
}

/** Everything done to scattered results after they come back. */
export interface MergeSpec {
  aggregation?: AggregationSpec;
  /** Remove duplicate rows over the visible columns (SELECT DISTINCT without aggregates). */
  distinct: boolean;
  orderBy: OrderKey[];
  limit?: { count: ValueSource; offset?: ValueSource };
  /** How many trailing (hidden) columns to drop at the end. */
  hidden: number;
}

/**
 * Merges per-shard results into one. Results must share their fields (the same query ran on every
 * shard); `results` may be in any order, the merge is deterministic given the rows.
 */
export function mergeResults(spec: MergeSpec, results: Result[], bindVars: BindVars, session: SessionContext): Result {
  let fields = results[0]?.fields ?? [];
  let rows: SqlValue[][];
  if (results.length === 1) rows = results[0]!.rows.slice();
  else {
    rows = [];
    for (const r of results) for (const row of r.rows) rows.push(row);
  }
  const visible = fields.length - spec.hidden;
  const compare = columnComparators(fields);
  if (spec.aggregation) {
    ({ fields, rows } = aggregate(spec.aggregation, fields, rows, compare, bindVars, session));
  } else if (spec.distinct) {
    rows = distinct(rows, visible, compare);
  }
  if (spec.orderBy.length > 0) {
    const keys = spec.orderBy.map((k) => ({ index: resolveColumn(k.column, fields, spec.hidden), desc: k.desc }));
    rows.sort((a, b) => compareRows(a, b, keys, compare));
  }
  if (spec.limit) {
    const count = limitValue(spec.limit.count, bindVars, session);
    const offset = spec.limit.offset ? limitValue(spec.limit.offset, bindVars, session) : 0;
    rows = rows.slice(offset, offset + count);
  }
  if (spec.hidden > 0) {
    fields = fields.slice(0, visible);
    rows = rows.map((r) => r.slice(0, visible));
  }
  return { fields, rows, rowsAffected: 0, insertId: 0n };
}

function aggregate(
  spec: AggregationSpec,
  fields: Field[],
  rows: SqlValue[][],
  compare: Comparators,
  bindVars: BindVars,
  session: SessionContext,
): { fields: Field[]; rows: SqlValue[][] } {
  const keys = spec.groupKeys.map((index) => ({ index, desc: false }));
  if (keys.length > 0) rows.sort((a, b) => compareRows(a, b, keys, compare));
  const out: SqlValue[][] = [];
  let accs: (Aggregate | undefined)[] = [];
  let current: SqlValue[] | undefined;
  const flush = () => {
    if (!current) return;
    for (let i = 0; i < accs.length; i++) if (accs[i]) current[i] = accs[i]!.result();
    out.push(current);
  };
  const newAccumulator = (role: OutputColumnRole, i: number): Aggregate | undefined => {
    const argType = fields[i]?.type;
    switch (role.kind) {
      case 'agg':
        return createMergeAggregate(role.name, { argType });
      case 'avg':
        return createMergeAggregate('SUM', { argType });
      case 'distinct':
        return createAggregate(role.name, { distinct: true, argType: fields[role.valueIndex]?.type });
      default:
        return undefined;
    }
  };
  const inputs = spec.roles.map((role, i) => (role.kind === 'distinct' ? role.valueIndex : i));
  const concats = spec.roles.flatMap((role, i) => (role.kind === 'groupConcat' ? [{ role, i }] : []));
  let groupRows: SqlValue[][] = [];
  const flushGroup = () => {
    if (current) for (const { role, i } of concats) current[i] = groupConcat(role, groupRows, fields, compare);
    flush();
  };
  for (const row of rows) {
    if (!current || compareRows(current, row, keys, compare) !== 0) {
      flushGroup();
      current = row.slice();
      accs = spec.roles.map(newAccumulator);
      groupRows = [];
    }
    for (let i = 0; i < accs.length; i++) accs[i]?.add(row[inputs[i]!]!);
    if (concats.length > 0) groupRows.push(row);
  }
  flushGroup();
  if (out.length === 0 && keys.length === 0) {
    // No rows at all (every shard empty): an aggregate without GROUP BY still returns one row.
    accs = spec.roles.map(newAccumulator);
    out.push(spec.roles.map((_, i) => (accs[i] ? accs[i]!.result() : null)));
  }
  let outFields = fields;
  spec.roles.forEach((role, i) => {
    if (role.kind !== 'avg') return;
    const sumField = fields[i];
    const isFloat = sumField?.type === Type.FLOAT64 || sumField?.type === Type.FLOAT32;
    for (const row of out) row[i] = average(row[i]!, row[role.countIndex]!, isFloat);
    if (sumField) {
      if (outFields === fields) outFields = fields.slice();
      outFields[i] = isFloat
        ? { ...sumField, name: role.name, org_name: '' }
        : { ...sumField, type: Type.DECIMAL, name: role.name, org_name: '', decimals: Math.min(sumField.decimals + 4, DECIMAL_MAX_SCALE), column_length: sumField.column_length + 4 };
    }
  });
  spec.roles.forEach((role, i) => {
    if (role.kind !== 'expr') return;
    const expr = role.projection.compiled(fields);
    for (const row of out) row[i] = expr({ row, bindVars, session });
  });
  const having = spec.having;
  const rowsOut = having ? out.filter((row) => isTrue(having({ row, bindVars, session })) === true) : out;
  return { fields: outFields, rows: rowsOut };
}

/** One group's GROUP_CONCAT from the shards' rows grouped by its value and ORDER BY terms (see the `groupConcat` role). */
function groupConcat(role: Extract<OutputColumnRole, { kind: 'groupConcat' }>, rows: SqlValue[][], fields: Field[], compare: Comparators): SqlValue {
  const sorted = role.orderBy.length > 0 ? rows.slice().sort((a, b) => compareRows(a, b, role.orderBy, compare)) : rows;
  const acc = createAggregate('GROUP_CONCAT', { argType: fields[role.valueIndex]?.type, separator: role.separator, distinct: role.distinct });
  for (const row of sorted) {
    const v = row[role.valueIndex]!;
    const n = role.distinct ? 1 : Number(toBigInt(row[role.countIndex]!) ?? 1n);
    for (let k = 0; k < n; k++) acc.add(v);
  }
  return acc.result();
}

/** Removes rows equal (under their columns' types and collations) to an earlier row, keeping the first of each. */
export function distinct(rows: SqlValue[][], visible: number, compare: Comparators): SqlValue[][] {
  const keys = Array.from({ length: visible }, (_, index) => ({ index, desc: false }));
  const sorted = rows.map((row, i) => ({ row, i })).sort((a, b) => compareRows(a.row, b.row, keys, compare) || a.i - b.i);
  const kept: { row: SqlValue[]; i: number }[] = [];
  for (const e of sorted) if (kept.length === 0 || compareRows(kept[kept.length - 1]!.row, e.row, keys, compare) !== 0) kept.push(e);
  return kept.sort((a, b) => a.i - b.i).map((e) => e.row);
}

/** One comparator per result column. */
export type Comparators = ((a: SqlValue, b: SqlValue) => number)[];

/**
 * The comparator of each result column, from its field as the shards described it (Vitess's
 * evalengine NullsafeCompare with the field's type and collation): numbers (DECIMAL text too) as
 * numbers, text by the column's collation (`_bin` ones by code point), binary strings bytewise,
 * temporal values by time; NULL first.
 */
export function columnComparators(fields: readonly Field[]): Comparators {
  return fields.map((f) => valueComparator(fieldColumnType(f)));
}

/** A result field's type in the terms expressions and comparators take (its collation included). */
export function fieldColumnType(f: Field): ColumnType {
  return { type: f.type, charset: f.charset, columnType: f.column_type, length: f.column_length, precision: 0, scale: f.decimals, unsigned: (f.flags & MySqlFlag.UNSIGNED_FLAG) !== 0 };
}

/** Compares rows on keys with MySQL's ordering: NULL first ascending, each column by its type and collation. */
function compareRows(a: readonly SqlValue[], b: readonly SqlValue[], keys: { index: number; desc: boolean }[], compare: Comparators): number {
  for (let k = 0; k < keys.length; k++) {
    const { index, desc } = keys[k]!;
    const c = compare[index]!(a[index]!, b[index]!);
    if (c !== 0) return desc ? -c : c;
  }
  return 0;
}

function resolveColumn(pos: ColumnPos, fields: Field[], hidden: number): number {
  if ('index' in pos) {
    if (pos.index < 0 || pos.index >= fields.length) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${pos.index + 1}' in 'order clause'`);
    return pos.index;
  }
  if ('fromEnd' in pos) return fields.length - pos.fromEnd;
  const name = pos.name.toLowerCase();
  const limit = fields.length - hidden;
  for (let i = 0; i < limit; i++) {
    const f = fields[i]!;
    if (f.name.toLowerCase() === name && (pos.table === null || f.table === pos.table)) return i;
  }
  throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${pos.table ? `${pos.table}.` : ''}${pos.name}' in 'order clause'`);
}

function limitValue(src: ValueSource, bindVars: BindVars, session: SessionContext): number {
  const v = toBigInt(evaluateValue(src, bindVars, session));
  if (v === null || v < 0n) throw sqlError(ER.WRONG_VALUE_FOR_VAR, 'Incorrect arguments to LIMIT');
  return Number(v);
}

/** MySQL's largest DECIMAL scale (DECIMAL_MAX_SCALE): AVG's 4 more digits never go past it. */
const DECIMAL_MAX_SCALE = 30;

/** AVG from a SUM partial and a COUNT partial: a double for float sums, else a decimal with 4 more digits of scale, as MySQL computes AVG. */
function average(sum: SqlValue, count: SqlValue, isFloat: boolean): SqlValue {
  const n = toBigInt(count) ?? 0n;
  if (sum === null || n === 0n) return null;
  if (isFloat || typeof sum === 'number') return Number(sum) / Number(n);
  return divideDecimal(typeof sum === 'bigint' ? sum.toString() : String(sum), n);
}

/** Divides decimal text by a positive integer, keeping the dividend's scale plus 4, rounding half away from zero. */
export function divideDecimal(text: string, divisor: bigint): string {
  const negative = text.startsWith('-');
  const body = negative || text.startsWith('+') ? text.slice(1) : text;
  const dot = body.indexOf('.');
  const scale = dot < 0 ? 0 : body.length - dot - 1;
  const digits = BigInt((dot < 0 ? body : body.slice(0, dot) + body.slice(dot + 1)) || '0');
  const scaled = digits * 10000n;
  let q = scaled / divisor;
  if ((scaled % divisor) * 2n >= divisor) q += 1n;
  const outScale = scale + 4;
  const s = q.toString().padStart(outScale + 1, '0');
  const res = `${s.slice(0, s.length - outScale)}.${s.slice(s.length - outScale)}`;
  return negative && q !== 0n ? `-${res}` : res;
}
