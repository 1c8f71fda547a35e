/**
 * Access paths: how a statement finds one table's candidate rows from its WHERE (or ON) conjuncts:
 * primary-key point lookups (equality / IN lists), a primary-key range scan, a secondary-index
 * equality lookup, or a full scan. Candidates are always re-checked by the full condition, so a path
 * only has to return a superset of the matching rows.
 */
import { ER, sqlError, type BindVars, type SqlValue } from '@vtsim/proto';
import { coerceToColumn, type CompiledExpr, type EvalEnv, type Expr } from '@vtsim/sql';
import type { TableData } from './table-data.js';
import type { Key, Row, TableSchema } from './table-schema.js';

/** Where one lookup value comes from: a compiled expression, or a bind variable that may hold a list. */
export type ValueSource = { readonly expr: CompiledExpr; readonly param?: undefined } | { readonly param: string };

/** The chosen path; see the module comment. */
export type AccessPath =
  | { readonly kind: 'full' }
  /** One list of alternatives per primary-key column (IN lists), combined as a cartesian product. */
  | { readonly kind: 'points'; readonly parts: readonly (readonly ValueSource[])[] }
  /** Equality on the leading primary-key columns, then optional inclusive bounds on the next one. */
  | { readonly kind: 'range'; readonly eq: readonly ValueSource[]; readonly low?: ValueSource; readonly high?: ValueSource }
  /** Equality on a prefix of secondary index `index` (position in `schema.secondaryIndexes`). */
  | { readonly kind: 'index'; readonly index: number; readonly eq: readonly ValueSource[] };

/** How the planner hands conjuncts to {@link chooseAccessPath}. */
export interface AccessPlanning {
  /** The table column a node refers to, or -1 if it is not a plain column of this table. */
  columnOf(node: Expr): number;
  /** True if the node's value is known before this table is read (constants, bind vars, earlier tables). */
  isAvailable(node: Expr): boolean;
  /** Compiles an available node. */
  compile(node: Expr): CompiledExpr;
}

const FLIP: Record<string, string> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=', '=': '=' };

/** Picks the cheapest path the conjuncts allow (points, then range, then index, then full). */
export function chooseAccessPath(schema: TableSchema, conjuncts: readonly Expr[], p: AccessPlanning): AccessPath {
  const eq = new Map<number, ValueSource[]>();
  const low = new Map<number, ValueSource>();
  const high = new Map<number, ValueSource>();
  const source = (node: Expr): ValueSource =>
    node.type === 'param' ? { param: String(node.value) } : { expr: p.compile(node) };
  for (const c of conjuncts) {
    if (c.type !== 'binary_expr') continue;
    const op = String(c.operator).toUpperCase();
    if (op === 'IN') {
      const col = p.columnOf(c.left);
      const right = c.right as Expr;
      if (col < 0) continue;
      if (right?.type === 'param') {
        if (!eq.has(col)) eq.set(col, [{ param: String(right.value) }]);
        continue;
      }
      if (right?.type !== 'expr_list' || !Array.isArray(right.value)) continue;
      const items = right.value as Expr[];
      if (items.length === 0 || !items.every((i) => typeof i.type === 'string' && p.isAvailable(i))) continue;
      if (!eq.has(col)) eq.set(col, items.map(source));
    } else if (op === 'BETWEEN') {
      const col = p.columnOf(c.left);
      const bounds = (c.right as Expr)?.value as Expr[] | undefined;
      if (col < 0 || !bounds || bounds.length !== 2 || !bounds.every((b) => p.isAvailable(b))) continue;
      low.set(col, source(bounds[0]!));
      high.set(col, source(bounds[1]!));
    } else if (op in FLIP) {
      let col = p.columnOf(c.left);
      let value = c.right as Expr;
      let o = op;
      if (col < 0 || !p.isAvailable(value)) {
        col = p.columnOf(c.right);
        value = c.left as Expr;
        o = FLIP[op]!;
        if (col < 0 || !p.isAvailable(value)) continue;
      }
      if (o === '=') {
        if (!eq.has(col)) eq.set(col, [source(value)]);
      } else if (o === '>' || o === '>=') low.set(col, source(value));
      else high.set(col, source(value));
    }
  }
  const pk = schema.primaryKey;
  if (pk) {
    if (pk.columns.every((c) => eq.has(c))) return { kind: 'points', parts: pk.columns.map((c) => eq.get(c)!) };
    const prefix: ValueSource[] = [];
    for (const c of pk.columns) {
      const e = eq.get(c);
      if (e && e.length === 1 && e[0]!.param === undefined) prefix.push(e[0]!);
      else {
        const l = low.get(c);
        const h = high.get(c);
        if (prefix.length > 0 || l || h) return { kind: 'range', eq: prefix, ...(l ? { low: l } : {}), ...(h ? { high: h } : {}) };
        break;
      }
    }
  }
  let best: { index: number; eq: ValueSource[]; unique: boolean } | undefined;
  schema.secondaryIndexes.forEach((ix, i) => {
    const prefix: ValueSource[] = [];
    for (const c of ix.columns) {
      const e = eq.get(c);
      if (!e || e.length !== 1 || e[0]!.param !== undefined) break;
      prefix.push(e[0]!);
    }
    if (prefix.length === 0) return;
    const unique = ix.unique && prefix.length === ix.columns.length;
    if (!best || (unique && !best.unique) || (unique === best.unique && prefix.length > best.eq.length)) {
      best = { index: i, eq: prefix, unique };
    }
  });
  if (best) return { kind: 'index', index: best.index, eq: best.eq };
  return { kind: 'full' };
}

/**
 * The candidate rows of a table along a path, with their row keys, in key order (reversed if
 * `descending`) for points, ranges and full scans. Falls back to a full scan when a lookup value
 * cannot be converted to the key column's type.
 */
export function accessRows(
  path: AccessPath,
  schema: TableSchema,
  data: TableData,
  env: EvalEnv,
  descending = false,
): Iterable<[Key, Row]> {
  switch (path.kind) {
    case 'full':
      return descending ? data.entriesReversed() : data.entries();
    case 'points': {
      const keys = pointKeys(path.parts, schema, env);
      if (keys === undefined) return descending ? data.entriesReversed() : data.entries();
      if (descending) keys.reverse();
      return lookupKeys(data, keys);
    }
    case 'range': {
      const cols = schema.primaryKey!.columns;
      const eq = convertAll(path.eq, cols, schema, env);
      const lowValue = path.low ? convertOne(path.low, cols[eq?.length ?? 0]!, schema, env) : undefined;
      const highValue = path.high ? convertOne(path.high, cols[eq?.length ?? 0]!, schema, env) : undefined;
      if (eq === undefined || lowValue === FAILED || highValue === FAILED) {
        return descending ? data.entriesReversed() : data.entries();
      }
      const lowKey = lowValue === undefined ? eq : [...eq, lowValue];
      const highKey = highValue === undefined ? eq : [...eq, highValue];
      const rows = rangeRows(data, schema, lowKey, highKey);
      return descending ? [...rows].reverse() : rows;
    }
    case 'index': {
      const ix = schema.secondaryIndexes[path.index]!;
      const prefix = convertAll(path.eq, ix.columns, schema, env);
      if (prefix === undefined) return data.entries();
      if (prefix.includes(null)) return [];
      return lookupKeys(data, [...data.indexLookup(path.index, prefix)]);
    }
  }
}

const FAILED = Symbol('conversion failed');

function valuesOf(s: ValueSource, env: EvalEnv): SqlValue[] {
  if (s.param === undefined) return [s.expr(env)];
  const v = lookupBindVar(env.bindVars, s.param);
  return Array.isArray(v) ? v : [v];
}

/** A bind variable's value; throws SqlError 1105 `missing bind var <name>`. */
export function lookupBindVar(bindVars: BindVars, name: string): SqlValue | SqlValue[] {
  const v = bindVars[name];
  if (v === undefined) throw sqlError(ER.UNKNOWN_ERROR, `missing bind var ${name}`);
  return v;
}

function convert(v: SqlValue, col: number, schema: TableSchema): SqlValue | typeof FAILED {
  if (v === null) return null;
  const c = schema.columns[col]!;
  try {
    return coerceToColumn(v, c.columnType, c.name);
  } catch {
    return FAILED;
  }
}

function convertOne(s: ValueSource, col: number, schema: TableSchema, env: EvalEnv): SqlValue | typeof FAILED {
  const vs = valuesOf(s, env);
  return vs.length === 1 ? convert(vs[0]!, col, schema) : FAILED;
}

function convertAll(sources: readonly ValueSource[], cols: readonly number[], schema: TableSchema, env: EvalEnv): SqlValue[] | undefined {
  const out: SqlValue[] = [];
  for (let i = 0; i < sources.length; i++) {
    const v = convertOne(sources[i]!, cols[i]!, schema, env);
    if (v === FAILED) return undefined;
    out.push(v);
  }
  return out;
}

function pointKeys(parts: readonly (readonly ValueSource[])[], schema: TableSchema, env: EvalEnv): SqlValue[][] | undefined {
  const cols = schema.primaryKey!.columns;
  if (parts.length === 1 && parts[0]!.length === 1) {
    const vs = valuesOf(parts[0]![0]!, env);
    if (vs.length === 1) {
      const v = convert(vs[0]!, cols[0]!, schema);
      if (v === FAILED) return undefined;
      return v === null ? [] : [[v]];
    }
  }
  let keys: SqlValue[][] = [[]];
  for (let i = 0; i < parts.length; i++) {
    const alternatives: SqlValue[] = [];
    for (const s of parts[i]!) {
      for (const raw of valuesOf(s, env)) {
        const v = convert(raw, cols[i]!, schema);
        if (v === FAILED) return undefined;
        if (v !== null) alternatives.push(v);
      }
    }
    const next: SqlValue[][] = [];
    for (const k of keys) for (const v of alternatives) next.push([...k, v]);
    keys = next;
  }
  keys.sort(schema.compareKeys);
  return keys.filter((k, i) => i === 0 || schema.compareKeys(keys[i - 1]!, k) !== 0);
}

function* lookupKeys(data: TableData, keys: readonly Key[]): Generator<[Key, Row]> {
  for (const k of keys) {
    const row = data.get(k);
    if (row !== undefined) yield [k, row];
  }
}

function* rangeRows(data: TableData, schema: TableSchema, lowKey: Key, highKey: Key): Generator<[Key, Row]> {
  const cmp = schema.compareKeys;
  const n = highKey.length;
  for (const pair of lowKey.length > 0 ? data.entries(lowKey) : data.entries()) {
    if (n > 0) {
      const k = pair[0];
      if (cmp(k.length === n ? k : k.slice(0, n), highKey) > 0) return;
    }
    yield pair;
  }
}
