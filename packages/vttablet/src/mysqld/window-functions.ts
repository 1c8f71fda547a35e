/**
 * Window functions (MySQL 8's `… OVER (PARTITION BY … ORDER BY … ROWS …)` and `WINDOW w AS (…)`):
 * compiled against a query's post-GROUP BY row and evaluated over all of its rows at once, after
 * HAVING and before ORDER BY / DISTINCT / LIMIT, as MySQL's window step does.
 */
import { ER, Type, sqlError, type SqlValue } from '@vtsim/proto';
import {
  aggregateCall,
  compileExpr,
  datetime,
  toText,
  isNumericType,
  toDouble,
  createAggregate,
  toBigInt,
  valueComparator,
  type AggregateName,
  type AggregateOptions,
  type ColumnType,
  type CompiledExpr,
  type EvalEnv,
  type Expr,
  type ExprScope,
} from '@vtsim/sql';
import { identName } from './ast-names.js';

/** MySQL's ER_WRONG_ARGUMENTS (`Incorrect arguments to ntile`). */
const WRONG_ARGUMENTS: [number, string] = [1210, 'HY000'];

/**
 * One bound of a frame: the partition's edge, the current row (its peers for RANGE), or an offset
 * from it (rows for ROWS, an ORDER BY value difference for RANGE; negative: PRECEDING), or for RANGE
 * over a temporal ORDER BY value an INTERVAL before or after it.
 */
type FrameBound =
  | { kind: 'unbounded-preceding' | 'unbounded-following' | 'current' }
  | { kind: 'offset'; rows: number }
  | { kind: 'interval'; interval: datetime.Interval; preceding: boolean };

/** An explicit `ROWS|RANGE BETWEEN start AND end` frame. */
interface Frame {
  readonly unit: 'rows' | 'range';
  readonly start: FrameBound;
  readonly end: FrameBound;
}

interface WindowOrderKey {
  readonly expr: CompiledExpr;
  readonly desc: boolean;
  readonly compare: (a: SqlValue, b: SqlValue) => number;
}

/** A compiled window function call. */
export interface WindowFunction {
  /** Upper-case function name (ROW_NUMBER, LAG, SUM, …). */
  readonly name: string;
  readonly args: readonly CompiledExpr[];
  readonly partition: readonly CompiledExpr[];
  readonly order: readonly WindowOrderKey[];
  /** The explicit frame; null for the default frame. */
  readonly frame: Frame | null;
  /** Result type (for field metadata). */
  readonly type: ColumnType | Type;
}

/** The non-aggregate window functions and their argument counts [min, max]. */
const WINDOW_ONLY: Record<string, [number, number]> = {
  ROW_NUMBER: [0, 0],
  RANK: [0, 0],
  DENSE_RANK: [0, 0],
  PERCENT_RANK: [0, 0],
  CUME_DIST: [0, 0],
  NTILE: [1, 1],
  LAG: [1, 3],
  LEAD: [1, 3],
  FIRST_VALUE: [1, 1],
  LAST_VALUE: [1, 1],
  NTH_VALUE: [2, 2],
};

/** Aggregates MySQL 8 evaluates as window functions (all but GROUP_CONCAT and COUNT(DISTINCT …)). */
const WINDOW_AGGREGATES = new Set<AggregateName>(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'BIT_AND', 'BIT_OR', 'BIT_XOR', 'STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP', 'JSON_ARRAYAGG', 'JSON_OBJECTAGG']);

/** True if the node is a window function call (an aggregate or function with OVER). */
export function isWindowNode(node: Expr): boolean {
  return (node.type === 'aggr_func' || node.type === 'function') && node.over !== null && node.over !== undefined;
}

/** The window function's name as MySQL prints it in errors (lower case). */
export function windowFunctionName(node: Expr): string {
  return functionName(node).toLowerCase();
}

function functionName(node: Expr): string {
  const call = aggregateCall(node);
  if (call) return call.name === 'COUNT_DISTINCT' ? 'COUNT' : call.name;
  return (node.type === 'aggr_func' ? String(node.name) : identName(node.name)).toUpperCase();
}

/** The `WINDOW w AS (…)` definitions of a SELECT, by name; throws 3591 for a name defined twice. */
export function namedWindows(windowClause: unknown): Map<string, Expr> {
  const out = new Map<string, Expr>();
  const list = ((windowClause as { expr?: { name: string; as_window_specification: Expr }[] } | null)?.expr ?? []);
  for (const w of list) {
    const name = String(w.name);
    if (out.has(name.toLowerCase())) throw sqlError([3591, 'HY000'], `Window '${name}' is defined twice.`);
    out.set(name.toLowerCase(), w.as_window_specification?.window_specification as Expr);
  }
  return out;
}

/**
 * Compiles one window function node against `scope` (the query's row after grouping). Throws 3579 for
 * an undefined window name, 1235 for DISTINCT or an aggregate MySQL cannot window, 1582 for a wrong
 * argument count and 1210 for a bad NTILE / LAG / LEAD / NTH_VALUE constant.
 */
export function compileWindowFunction(node: Expr, named: ReadonlyMap<string, Expr>, scope: ExprScope): WindowFunction {
  const name = functionName(node);
  const ref = node.over.as_window_specification;
  const spec = resolveSpec(typeof ref === 'string' ? { type: 'window_specification', name: ref } : (ref?.window_specification as Expr | undefined), named, []);
  const partition = ((spec?.partitionby ?? []) as { expr: Expr }[]).map((p) => compileExpr(p.expr, scope));
  const order = ((spec?.orderby ?? []) as { expr: Expr; type?: string | null }[]).map((o) => {
    const expr = compileExpr(o.expr, scope);
    return { expr, desc: String(o.type ?? '').toUpperCase() === 'DESC', compare: valueComparator(expr.columnType ?? expr.type) };
  });
  const frame = spec?.window_frame_clause ? explicitFrame(spec.window_frame_clause as Expr) : null;

  let argAsts: Expr[];
  const call = aggregateCall(node);
  if (call) {
    if (call.distinct) throw sqlError(ER.NOT_SUPPORTED_YET, "This version of MySQL doesn't yet support '<window function>(DISTINCT ..)'");
    if (!WINDOW_AGGREGATES.has(call.name)) throw sqlError(ER.NOT_SUPPORTED_YET, `This version of MySQL doesn't yet support '${name.toLowerCase()} as window function'`);
    argAsts = call.args;
    if (call.name === 'JSON_OBJECTAGG' ? argAsts.length !== 2 : argAsts.length > 1) {
      throw sqlError([1582, '42000'], `Incorrect parameter count in the call to native function '${name.toLowerCase()}'`);
    }
  } else {
    argAsts = (node.args?.value ?? []) as Expr[];
    const arity = WINDOW_ONLY[name];
    if (!arity) throw sqlError(ER.NOT_SUPPORTED_YET, `This version of MySQL doesn't yet support '${name.toLowerCase()} as window function'`);
    if (argAsts.length < arity[0] || argAsts.length > arity[1]) {
      throw sqlError([1582, '42000'], `Incorrect parameter count in the call to native function '${name.toLowerCase()}'`);
    }
  }
  const args = argAsts.map((a) => compileExpr(a, scope));
  if (name === 'NTILE' || name === 'NTH_VALUE' || ((name === 'LAG' || name === 'LEAD') && args.length > 1)) {
    const constant = argAsts[name === 'NTILE' ? 0 : 1]!;
    if (constant.type !== 'number' && constant.type !== 'param') throw sqlError(WRONG_ARGUMENTS, `Incorrect arguments to ${name.toLowerCase()}`);
  }
  return { name, args, partition, order, frame, type: resultType(name, args) };
}

/**
 * A window specification with the named window it starts from merged in (`OVER w`, `OVER (w ORDER BY
 * x)`, `WINDOW w2 AS (w …)`), by MySQL's rules: 3579 for an undefined name, 3581 when the referencing
 * window adds PARTITION BY, 3582 when both define ORDER BY, 3583 when the referenced window has a
 * frame, 3584 for a cycle.
 */
function resolveSpec(spec: Expr | undefined, named: ReadonlyMap<string, Expr>, seen: readonly string[]): Expr | undefined {
  const baseName = spec?.name as string | null | undefined;
  if (!spec || !baseName) return spec;
  const key = baseName.toLowerCase();
  if (seen.includes(key)) throw sqlError([3584, 'HY000'], 'There is a circularity in the window dependency graph.');
  const own = named.get(key);
  if (!own) throw sqlError([3579, 'HY000'], `Window name '${baseName}' is not defined.`);
  const base = resolveSpec(own, named, [...seen, key])!;
  const refersOnly = !spec.partitionby && !spec.orderby && !spec.window_frame_clause;
  if (refersOnly) return base;
  if (spec.partitionby) throw sqlError([3581, 'HY000'], 'A window which depends on another cannot define partitioning.');
  if (spec.orderby && base.orderby) throw sqlError([3582, 'HY000'], `Window '<unnamed window>' cannot inherit '${baseName}' since both contain an ORDER BY clause.`);
  if (base.window_frame_clause) throw sqlError([3583, 'HY000'], `Window '${baseName}' has a frame definition, so cannot be referenced by another window.`);
  return { ...base, name: null, orderby: spec.orderby ?? base.orderby, window_frame_clause: spec.window_frame_clause ?? null };
}

function resultType(name: string, args: readonly CompiledExpr[]): ColumnType | Type {
  switch (name) {
    case 'ROW_NUMBER': case 'RANK': case 'DENSE_RANK': case 'NTILE': return Type.UINT64;
    case 'PERCENT_RANK': case 'CUME_DIST': return Type.FLOAT64;
    case 'LAG': case 'LEAD': case 'FIRST_VALUE': case 'LAST_VALUE': case 'NTH_VALUE': return args[0]!.columnType ?? args[0]!.type;
    default: return createAggregate(name as AggregateName, aggregateOptions(args)).type;
  }
}

function aggregateOptions(args: readonly CompiledExpr[]): AggregateOptions {
  if (args.length === 0) return { star: true };
  return { argType: args[0]!.type, ...(args[1] ? { valueType: args[1].type } : {}) };
}

/** The frame of a parsed frame clause (RANGE frames come from node-sql-parser's gap, see syntax-respelling.ts). */
function explicitFrame(clause: Expr): Frame {
  let frame: Frame;
  if (clause.type === 'rows') frame = { unit: 'rows', start: frameBound(clause.expr, 'rows'), end: { kind: 'current' } };
  else if (clause.type === 'range') frame = { unit: 'range', start: frameBound(clause.start, 'range'), end: frameBound(clause.end, 'range') };
  else if (clause.type === 'binary_expr' && String(clause.operator).toUpperCase() === 'BETWEEN') {
    const [start, end] = clause.right.value as Expr[];
    frame = { unit: 'rows', start: frameBound(start!, 'rows'), end: frameBound(end!, 'rows') };
  } else throw sqlError(ER.NOT_SUPPORTED_YET, "This version of MySQL doesn't yet support 'this window frame'");
  if (frame.start.kind === 'unbounded-following' || frame.end.kind === 'unbounded-preceding') {
    throw sqlError([3586, 'HY000'], 'Window <unnamed window>: frame start or end is negative, NULL or of non-integral type');
  }
  return frame;
}

function frameBound(e: Expr, unit: 'rows' | 'range'): FrameBound {
  const text = String(e.value ?? '').trim().toUpperCase().replace(/\s+/g, ' ');
  if (text === 'UNBOUNDED PRECEDING') return { kind: 'unbounded-preceding' };
  if (text === 'UNBOUNDED FOLLOWING') return { kind: 'unbounded-following' };
  if (text === 'CURRENT ROW') return { kind: 'current' };
  const iv = unit === 'range' ? /^INTERVAL (?:'((?:[^'\\]|\\.)*)'|(\S+)) (\w+) (PRECEDING|FOLLOWING)$/.exec(text) : null;
  if (iv) {
    const amount = iv[1] ?? iv[2]!;
    const intervalUnit = iv[3]!;
    if (!datetime.isIntervalUnit(intervalUnit)) throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near '${iv[3]!.toLowerCase()}'`);
    const interval = /^\s*-/.test(amount) ? null : datetime.makeInterval(iv[2] !== undefined ? Number(amount) : amount, intervalUnit);
    if (interval === null) throw sqlError([3586, 'HY000'], 'Window <unnamed window>: frame start or end is negative, NULL or of non-integral type');
    return { kind: 'interval', interval, preceding: iv[4] === 'PRECEDING' };
  }
  const m = (unit === 'rows' ? /^(\d+) (PRECEDING|FOLLOWING)$/ : /^(\d+(?:\.\d*)?|\.\d+) (PRECEDING|FOLLOWING)$/).exec(text);
  if (!m) throw sqlError([3586, 'HY000'], 'Window <unnamed window>: frame start or end is negative, NULL or of non-integral type');
  const n = Number(m[1]);
  return { kind: 'offset', rows: m[2] === 'PRECEDING' ? -n : n };
}

/**
 * Evaluates `fns` over `rows` (each row long enough to hold slot `slot + k` for function k) and stores
 * each function's value there. Returns the rows in the order of the last window's sort, the order
 * MySQL produces them in when the query has no ORDER BY.
 */
export function evaluateWindows(rows: SqlValue[][], fns: readonly WindowFunction[], slot: number, env: EvalEnv): SqlValue[][] {
  let ordered = rows;
  fns.forEach((fn, k) => {
    ordered = sortForWindow(ordered, fn, env);
    if (ordered.length === 0) return;
    let start = 0;
    const keyOf = (r: SqlValue[]) => {
      env.row = r;
      return fn.partition.map((p) => p(env));
    };
    const cmps = fn.partition.map((p) => valueComparator(p.columnType ?? p.type));
    let current = keyOf(ordered[0]!);
    for (let i = 1; i <= ordered.length; i++) {
      const next = i < ordered.length ? keyOf(ordered[i]!) : null;
      if (next === null || cmps.some((c, j) => c(current[j]!, next[j]!) !== 0)) {
        evaluatePartition(ordered, start, i, fn, slot + k, env);
        start = i;
        if (next) current = next;
      }
    }
  });
  return ordered;
}

function sortForWindow(rows: SqlValue[][], fn: WindowFunction, env: EvalEnv): SqlValue[][] {
  if (fn.partition.length === 0 && fn.order.length === 0) return rows;
  const keys: { row: SqlValue[]; key: SqlValue[] }[] = rows.map((row) => {
    env.row = row;
    return { row, key: [...fn.partition.map((p) => p(env)), ...fn.order.map((o) => o.expr(env))] };
  });
  const cmps = [
    ...fn.partition.map((p) => ({ compare: valueComparator(p.columnType ?? p.type), desc: false })),
    ...fn.order,
  ];
  keys.sort((a, b) => {
    for (let i = 0; i < cmps.length; i++) {
      const c = cmps[i]!.compare(a.key[i]!, b.key[i]!);
      if (c !== 0) return cmps[i]!.desc ? -c : c;
    }
    return 0;
  });
  return keys.map((k) => k.row);
}

/**
 * The frame of each row of a partition for a RANGE frame: rows whose ORDER BY value lies within the
 * offsets of the current row's (peers for CURRENT ROW; a NULL value's frame is its NULL peers).
 * Offsets need exactly one ORDER BY key (3587): numeric for a number (3590 for a temporal key),
 * temporal for an INTERVAL (3589 for a numeric key).
 */
function rangeBounds(fn: WindowFunction, orderKeys: readonly SqlValue[][], peerEnd: readonly number[]): (i: number) => [number, number] {
  const frame = fn.frame!;
  const n = orderKeys.length;
  const bounds = [frame.start.kind, frame.end.kind];
  const keyType = fn.order[0]?.expr.columnType?.type ?? fn.order[0]?.expr.type;
  const temporal = keyType === Type.DATE || keyType === Type.DATETIME || keyType === Type.TIMESTAMP || keyType === Type.TIME;
  if (bounds.includes('offset') || bounds.includes('interval')) {
    if (fn.order.length !== 1 || (!temporal && !isNumericType(keyType!))) {
      throw sqlError([3587, 'HY000'], "Window '<unnamed window>' with RANGE N PRECEDING/FOLLOWING frame requires exactly one ORDER BY expression, of numeric or temporal type");
    }
    if (temporal && bounds.includes('offset')) {
      throw sqlError([3590, 'HY000'], "Window '<unnamed window>' with RANGE frame has ORDER BY expression of datetime type. Only INTERVAL bound value allowed.");
    }
    if (!temporal && bounds.includes('interval')) {
      throw sqlError([3589, 'HY000'], "Window '<unnamed window>' with RANGE frame has ORDER BY expression of numeric type. INTERVAL bound value not allowed.");
    }
  }
  // Keys as ascending numbers (negated for DESC; temporal values as microseconds), NULL where the key is NULL.
  const sign = fn.order[0]?.desc ? -1 : 1;
  const instants = temporal ? orderKeys.map((k) => (k[0] === null || k[0] === undefined ? null : temporalInstant(k[0], keyType!))) : null;
  const keys = instants
    ? instants.map((dt) => (dt === null ? null : sign * datetime.dateTimeToMicros(dt)))
    : orderKeys.map((k) => (k.length === 0 || k[0] === null ? null : sign * toDouble(k[0]!)!));
  const peerStart = new Array<number>(n);
  for (let i = 0; i < n; i++) peerStart[i] = i > 0 && peerEnd[i - 1] === peerEnd[i] ? peerStart[i - 1]! : i;
  let lo = 0;
  while (lo < n && keys[lo] === null) lo++;
  let hi = n;
  while (hi > lo && keys[hi - 1] === null) hi--;
  /** First index in the non-NULL run whose key is >= x (or > x when `strict`). */
  const search = (x: number, strict: boolean): number => {
    let a = lo;
    let b = hi;
    while (a < b) {
      const m = (a + b) >> 1;
      const k = keys[m]!;
      if (strict ? k <= x : k < x) a = m + 1;
      else b = m;
    }
    return a;
  };
  return (i) => {
    const v = keys[i];
    const edge = (b: FrameBound, isEnd: boolean): number => {
      switch (b.kind) {
        case 'unbounded-preceding': return 0;
        case 'unbounded-following': return n;
        case 'current': return isEnd ? peerEnd[i]! : peerStart[i]!;
        case 'offset':
          if (v === null || v === undefined) return isEnd ? peerEnd[i]! : peerStart[i]!;
          return search(v + b.rows, isEnd);
        case 'interval': {
          const dt = instants![i];
          if (v === null || v === undefined || !dt) return isEnd ? peerEnd[i]! : peerStart[i]!;
          // PRECEDING moves against the window order: back in time ascending, forward descending.
          const toward = b.preceding === (sign === 1) ? -1 : 1;
          const moved = datetime.addInterval(dt, { months: toward * b.interval.months, micros: toward * b.interval.micros });
          if (moved === null) return toward * sign < 0 ? lo : hi;
          return search(sign * datetime.dateTimeToMicros(moved), isEnd);
        }
      }
    };
    return [edge(frame.start, false), edge(frame.end, true)];
  };
}

/** A DATE, DATETIME, TIMESTAMP or TIME value as a point in time (a TIME as that long after the epoch). */
function temporalInstant(v: SqlValue, type: Type): datetime.DateTime | null {
  const text = toText(v)!;
  if (type === Type.TIME) {
    const t = datetime.parseTime(text);
    return t === null ? null : datetime.dateTimeFromMicros(datetime.timeToMicros(t));
  }
  return datetime.parseDateTime(text);
}

/** Evaluates one function over rows[start, end) (one partition, in window order) into column `at`. */
function evaluatePartition(rows: SqlValue[][], start: number, end: number, fn: WindowFunction, at: number, env: EvalEnv): void {
  const n = end - start;
  const orderKeys = rows.slice(start, end).map((r) => {
    env.row = r;
    return fn.order.map((o) => o.expr(env));
  });
  const peer = (a: number, b: number) => fn.order.every((o, j) => o.compare(orderKeys[a]![j]!, orderKeys[b]![j]!) === 0);
  // peerEnd[i]: one past the last row (partition-relative) that is a peer of row i.
  const peerEnd = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) peerEnd[i] = i + 1 < n && peer(i, i + 1) ? peerEnd[i + 1]! : i + 1;
  const arg = (i: number, a: number): SqlValue => {
    env.row = rows[start + i]!;
    return fn.args[a]!(env);
  };
  const set = (i: number, v: SqlValue) => {
    rows[start + i]![at] = v;
  };
  const constant = (a: number, fallback: bigint): bigint => {
    if (fn.args.length <= a) return fallback;
    env.row = rows[start]!;
    const v = toBigInt(fn.args[a]!(env));
    if (v === null || v < 0n || (fn.name !== 'LAG' && fn.name !== 'LEAD' && v === 0n)) {
      throw sqlError(WRONG_ARGUMENTS, `Incorrect arguments to ${fn.name.toLowerCase()}`);
    }
    return v;
  };
  switch (fn.name) {
    case 'ROW_NUMBER':
      for (let i = 0; i < n; i++) set(i, BigInt(i + 1));
      return;
    case 'RANK': case 'DENSE_RANK': case 'PERCENT_RANK': case 'CUME_DIST': {
      let rank = 1;
      let dense = 1;
      for (let i = 0; i < n; i = peerEnd[i]!) {
        for (let j = i; j < peerEnd[i]!; j++) {
          if (fn.name === 'RANK') set(j, BigInt(rank));
          else if (fn.name === 'DENSE_RANK') set(j, BigInt(dense));
          else if (fn.name === 'PERCENT_RANK') set(j, n > 1 ? (rank - 1) / (n - 1) : 0);
          else set(j, peerEnd[i]! / n);
        }
        rank = peerEnd[i]! + 1;
        dense++;
      }
      return;
    }
    case 'NTILE': {
      const buckets = constant(0, 1n);
      const b = buckets > BigInt(n) ? n : Number(buckets);
      const size = Math.floor(n / b);
      const extra = n % b;
      let i = 0;
      for (let bucket = 1; bucket <= b; bucket++) {
        const len = size + (bucket <= extra ? 1 : 0);
        for (let j = 0; j < len; j++) set(i++, BigInt(bucket));
      }
      return;
    }
    case 'LAG': case 'LEAD': {
      const offset = Number(constant(1, 1n));
      const sign = fn.name === 'LAG' ? -1 : 1;
      const values = Array.from({ length: n }, (_, i) => arg(i, 0));
      for (let i = 0; i < n; i++) {
        const j = i + sign * offset;
        set(i, j >= 0 && j < n ? values[j]! : fn.args.length > 2 ? arg(i, 2) : null);
      }
      return;
    }
  }
  // Framed functions: first_value, last_value, nth_value and the aggregates.
  const range = fn.frame?.unit === 'range' ? rangeBounds(fn, orderKeys, peerEnd) : null;
  const bounds = (i: number): [number, number] => {
    if (!fn.frame) return fn.order.length === 0 ? [0, n] : [0, peerEnd[i]!];
    if (range) return range(i);
    const pos = (b: FrameBound, isEnd: boolean): number => {
      switch (b.kind) {
        case 'unbounded-preceding': return 0;
        case 'unbounded-following': return n;
        case 'current': return isEnd ? i + 1 : i;
        case 'offset': return isEnd ? i + b.rows + 1 : i + b.rows;
        case 'interval': throw new Error('an INTERVAL bound is read for RANGE frames only');
      }
    };
    return [Math.max(0, pos(fn.frame.start, false)), Math.min(n, pos(fn.frame.end, true))];
  };
  const values = fn.args.length > 0 ? Array.from({ length: n }, (_, i) => arg(i, 0)) : null;
  if (fn.name === 'FIRST_VALUE' || fn.name === 'LAST_VALUE' || fn.name === 'NTH_VALUE') {
    const nth = fn.name === 'NTH_VALUE' ? Number(constant(1, 1n)) : 1;
    for (let i = 0; i < n; i++) {
      const [lo, hi] = bounds(i);
      const j = fn.name === 'LAST_VALUE' ? hi - 1 : lo + nth - 1;
      set(i, lo < hi && j >= lo && j < hi ? values![j]! : null);
    }
    return;
  }
  const aggName = fn.name as AggregateName;
  const opts = aggregateOptions(fn.args);
  const pairs = fn.args.length > 1 ? Array.from({ length: n }, (_, i) => [values![i]!, arg(i, 1)]) : null;
  const feed = (agg: ReturnType<typeof createAggregate>, j: number) => (pairs ? agg.addValues(pairs[j]!) : agg.add(values ? values[j]! : 1n));
  const growing = !fn.frame || (fn.frame.start.kind === 'unbounded-preceding' && fn.frame.unit === 'rows');
  if (growing) {
    // Frames that all start at the partition's first row only grow: accumulate once.
    const agg = createAggregate(aggName, opts);
    let fed = 0;
    for (let i = 0; i < n; i++) {
      const [, hi] = bounds(i);
      while (fed < hi) feed(agg, fed++);
      set(i, agg.result());
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const [lo, hi] = bounds(i);
    const agg = createAggregate(aggName, opts);
    for (let j = lo; j < hi; j++) feed(agg, j);
    set(i, agg.result());
  }
}
