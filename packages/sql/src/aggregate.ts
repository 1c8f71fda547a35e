/**
 * Aggregate functions (COUNT, SUM, MIN, MAX, AVG, GROUP_CONCAT, BIT_*, the standard deviations and
 * variances, JSON_ARRAYAGG, JSON_OBJECTAGG) with MySQL semantics, and the
 * merges vtgate applies to per-shard partial results of a scatter query.
 */
import { ER, Type, isFloat, sqlError, type SqlValue } from '@vtsim/proto';
import { addDecimal, decimalFromBigInt, divDecimal, formatDecimal, parseDecimal, type Decimal } from './decimal.js';
import { isBinaryType, isDynamicType, isNumericType } from './compiled-expr.js';
import type { Expr } from './parse.js';
import { textToDouble, toBytes, toDecimal, toDouble, toText, valueComparator, valueKey } from './values.js';
import { castValue } from './cast.js';
import { toJsonValue } from './functions.js';
import { formatJson, type JsonObject, type JsonValue } from './json.js';

/** The aggregate functions vtsim evaluates. */
export type AggregateName =
  | 'COUNT' | 'SUM' | 'MIN' | 'MAX' | 'AVG' | 'GROUP_CONCAT' | 'BIT_AND' | 'BIT_OR' | 'BIT_XOR' | 'COUNT_DISTINCT'
  | 'STDDEV_POP' | 'STDDEV_SAMP' | 'VAR_POP' | 'VAR_SAMP' | 'JSON_ARRAYAGG' | 'JSON_OBJECTAGG';

/** Options of {@link createAggregate}. */
export interface AggregateOptions {
  /** Count/sum each distinct value once (`SUM(DISTINCT x)`); COUNT_DISTINCT implies it. */
  distinct?: boolean;
  /** Static type of the argument expression: decides SUM/AVG exactness and MIN/MAX ordering. */
  argType?: Type;
  /** GROUP_CONCAT separator (default `,`). */
  separator?: string;
  /** GROUP_CONCAT result limit in bytes (group_concat_max_len, default 1024). */
  maxLength?: number;
  /** COUNT(*): count every row, NULL or not. */
  star?: boolean;
  /** JSON_OBJECTAGG: static type of the value argument (the key's is `argType`). */
  valueType?: Type;
}

/** One group's accumulator. */
export interface Aggregate {
  /** Feeds one row's argument value. */
  add(v: SqlValue): void;
  /** Feeds one row's argument tuple (COUNT(DISTINCT a, b)): rows with a NULL are skipped. */
  addValues(vs: readonly SqlValue[]): void;
  /** The aggregate's value for the rows added so far (NULL for an empty set, except COUNT → 0 and BIT_AND/OR/XOR → their identity). */
  result(): SqlValue;
  /** Result type. */
  readonly type: Type;
}

/** A decoded aggregate call from the AST. */
export interface AggregateCall {
  name: AggregateName;
  /** Argument expressions; empty for COUNT(*). */
  args: Expr[];
  distinct: boolean;
  /** GROUP_CONCAT separator. */
  separator: string;
  /** GROUP_CONCAT ORDER BY items (`{expr, type: 'ASC'|'DESC'}`); callers feed values in that order. */
  orderBy: Expr[];
}

const SUPPORTED = new Set(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG', 'GROUP_CONCAT', 'BIT_AND', 'BIT_OR', 'BIT_XOR', 'STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP', 'JSON_ARRAYAGG', 'JSON_OBJECTAGG']);

/** MySQL's synonyms of aggregate names. */
const SYNONYMS: Record<string, string> = { STD: 'STDDEV_POP', STDDEV: 'STDDEV_POP', VARIANCE: 'VAR_POP' };

/**
 * Decodes an aggregate call node (`aggr_func`, or a `function` named BIT_*, STD*, VAR*, VARIANCE or
 * JSON_*AGG); null when the node is not an aggregate vtsim supports. COUNT(DISTINCT …) decodes as
 * COUNT_DISTINCT; STD and STDDEV as STDDEV_POP, VARIANCE as VAR_POP.
 */
export function aggregateCall(node: Expr): AggregateCall | null {
  let name: string;
  let args: Expr[];
  let distinct = false;
  let separator = ',';
  let orderBy: Expr[] = [];
  if (node.type === 'aggr_func') {
    name = String(node.name).toUpperCase();
    const a = node.args ?? {};
    const expr = a.expr as Expr | undefined;
    args = !expr || expr.type === 'star' ? [] : expr.type === 'expr_list' ? expr.value : [expr];
    distinct = String(a.distinct ?? '').toUpperCase() === 'DISTINCT';
    if (a.separator) separator = String(a.separator.value?.value ?? a.separator.value ?? ',');
    orderBy = a.orderby ?? [];
  } else if (node.type === 'function') {
    name = String(node.name?.name?.[0]?.value ?? '').toUpperCase();
    args = node.args?.value ?? [];
  } else return null;
  name = SYNONYMS[name] ?? name;
  if (!SUPPORTED.has(name)) return null;
  if (name === 'COUNT' && distinct) name = 'COUNT_DISTINCT';
  return { name: name as AggregateName, args, distinct, separator, orderBy };
}

/** True when the node is an aggregate call (supported or not): callers use it to find grouped queries. */
export function isAggregateNode(node: Expr): boolean {
  if (node.type === 'aggr_func') return true;
  if (node.type !== 'function') return false;
  const name = String(node.name?.name?.[0]?.value ?? '').toUpperCase();
  return SUPPORTED.has(SYNONYMS[name] ?? name);
}

/** The result type of an aggregate over an argument of type `argType`. */
export function aggregateResultType(name: AggregateName, argType: Type): Type {
  switch (name) {
    case 'COUNT': case 'COUNT_DISTINCT': return Type.INT64;
    case 'SUM': case 'AVG':
      if (isDynamicType(argType)) return Type.EXPRESSION;
      return isFloat(argType) || !isNumericType(argType) ? Type.FLOAT64 : Type.DECIMAL;
    case 'MIN': case 'MAX': return argType;
    case 'GROUP_CONCAT': return isBinaryType(argType) ? Type.VARBINARY : Type.VARCHAR;
    case 'STDDEV_POP': case 'STDDEV_SAMP': case 'VAR_POP': case 'VAR_SAMP': return Type.FLOAT64;
    case 'JSON_ARRAYAGG': case 'JSON_OBJECTAGG': return Type.JSON;
    default: return Type.UINT64;
  }
}

const ALL_ONES = 18446744073709551615n;

/** Running SUM: exact (decimal) until a double arrives, double from then on. */
class Sum {
  exact: Decimal = decimalFromBigInt(0n);
  double = 0;
  isDouble: boolean;
  count = 0;
  constructor(private readonly argType: Type) {
    this.isDouble = isFloat(argType) || (!isNumericType(argType) && !isDynamicType(argType) && argType !== Type.NULL_TYPE);
  }
  add(v: SqlValue): void {
    this.count++;
    if (!this.isDouble) {
      if (typeof v === 'bigint') {
        this.exact = addDecimal(this.exact, decimalFromBigInt(v));
        return;
      }
      if (typeof v === 'string' && (this.argType === Type.DECIMAL || isDynamicType(this.argType))) {
        const d = parseDecimal(v);
        if (d) {
          this.exact = addDecimal(this.exact, d);
          return;
        }
      }
      this.isDouble = true;
      this.double = Number(formatDecimal(this.exact));
    }
    this.double += typeof v === 'string' && this.argType === Type.DECIMAL ? Number(v) : toDouble(v)!;
  }
  sum(): SqlValue {
    if (this.count === 0) return null;
    return this.isDouble ? this.double : formatDecimal(this.exact);
  }
  avg(): SqlValue {
    if (this.count === 0) return null;
    if (this.isDouble) return this.double / this.count;
    return formatDecimal(divDecimal(this.exact, decimalFromBigInt(BigInt(this.count)))!);
  }
}

/** Filters repeated values for DISTINCT aggregates. */
function distinctFilter(argType: Type): (v: SqlValue) => boolean {
  const seen = new Set<string>();
  return (v) => {
    const k = valueKey(v, argType);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  };
}

/**
 * Creates an accumulator with MySQL semantics for one group: COUNT counts non-NULL values (all rows with
 * `star`); SUM of integers/decimals is an exact DECIMAL text, of doubles or strings a double; AVG is SUM ÷
 * COUNT with 4 more digits of scale (a double for doubles); MIN/MAX order by the argument type; NULLs are
 * ignored everywhere. GROUP_CONCAT joins values in the order they are added (callers sort for ORDER BY).
 */
export function createAggregate(name: AggregateName, opts: AggregateOptions = {}): Aggregate {
  const argType = opts.argType ?? Type.EXPRESSION;
  const type = aggregateResultType(name, argType);
  const distinct = opts.distinct || name === 'COUNT_DISTINCT' ? distinctFilter(argType) : null;
  const base = (add: (v: SqlValue) => void, result: () => SqlValue): Aggregate => ({
    type,
    add(v) {
      if (v === null && !(opts.star && name === 'COUNT')) return;
      if (distinct && !distinct(v)) return;
      add(v);
    },
    addValues(vs) {
      if (vs.includes(null)) return;
      if (vs.length === 1) return this.add(vs[0]!);
      const key = vs.map((v) => valueKey(v, argType)).join('\u0001');
      if (distinct && !distinct(key)) return;
      add(key);
    },
    result,
  });
  switch (name) {
    case 'COUNT': case 'COUNT_DISTINCT': {
      let n = 0n;
      return base(() => void n++, () => n);
    }
    case 'SUM': case 'AVG': {
      const s = new Sum(argType);
      return base((v) => s.add(v), name === 'SUM' ? () => s.sum() : () => s.avg());
    }
    case 'MIN': case 'MAX': {
      const cmp = valueComparator(argType);
      const sign = name === 'MIN' ? -1 : 1;
      let best: SqlValue = null;
      return base((v) => {
        if (best === null || cmp(v, best) * sign > 0) best = v;
      }, () => best);
    }
    case 'GROUP_CONCAT': return groupConcat(type, opts.separator ?? ',', opts.maxLength ?? 1024, base);
    case 'STDDEV_POP': case 'STDDEV_SAMP': case 'VAR_POP': case 'VAR_SAMP': {
      // Welford's running mean and sum of squared deviations, in doubles as MySQL computes them.
      let n = 0;
      let mean = 0;
      let m2 = 0;
      const sample = name === 'STDDEV_SAMP' || name === 'VAR_SAMP';
      const root = name === 'STDDEV_POP' || name === 'STDDEV_SAMP';
      return base((v) => {
        const x = typeof v === 'string' ? textToDouble(v) : toDouble(v)!;
        n++;
        const d = x - mean;
        mean += d / n;
        m2 += d * (x - mean);
      }, () => {
        if (n === 0 || (sample && n === 1)) return null;
        const variance = m2 / (sample ? n - 1 : n);
        return root ? Math.sqrt(variance) : variance;
      });
    }
    case 'JSON_ARRAYAGG': {
      const items: JsonValue[] = [];
      return {
        type,
        add(v) {
          items.push(toJsonValue(v, argType));
        },
        addValues(vs) {
          for (const v of vs) this.add(v);
        },
        result: () => (items.length === 0 ? null : formatJson(items)),
      };
    }
    case 'JSON_OBJECTAGG': {
      const obj: JsonObject = Object.create(null) as JsonObject;
      let seen = false;
      const valueType = opts.valueType ?? Type.EXPRESSION;
      return {
        type,
        add() {
          throw sqlError([1582, '42000'], "Incorrect parameter count in the call to native function 'json_objectagg'");
        },
        addValues([k, v]) {
          if (k === null || k === undefined) throw sqlError([3158, '22032'], 'JSON documents may not contain NULL member names.');
          seen = true;
          obj[toText(k)!] = toJsonValue(v ?? null, valueType);
        },
        result: () => (seen ? formatJson(obj) : null),
      };
    }
    case 'BIT_AND': case 'BIT_OR': case 'BIT_XOR': {
      let acc = name === 'BIT_AND' ? ALL_ONES : 0n;
      return base((v) => {
        const x = castValue(v, argType === Type.EXPRESSION ? Type.VARCHAR : argType, { kind: 'UNSIGNED' }) as bigint;
        acc = name === 'BIT_AND' ? acc & x : name === 'BIT_OR' ? acc | x : acc ^ x;
      }, () => acc);
    }
  }
}

function groupConcat(
  type: Type,
  separator: string,
  maxLength: number,
  base: (add: (v: SqlValue) => void, result: () => SqlValue) => Aggregate,
): Aggregate {
  const parts: SqlValue[] = [];
  return base((v) => void parts.push(v), () => {
    if (parts.length === 0) return null;
    if (type === Type.VARBINARY) {
      const sep = Buffer.from(separator);
      const bufs: Buffer[] = [];
      parts.forEach((p, i) => {
        if (i > 0) bufs.push(sep);
        bufs.push(Buffer.from(toBytes(p)!));
      });
      return Buffer.concat(bufs).subarray(0, maxLength);
    }
    const s = parts.map((p) => toText(p)).join(separator);
    const bytes = Buffer.from(s);
    return bytes.length <= maxLength ? s : bytes.subarray(0, maxLength).toString('utf8').replace(/\uFFFD$/, '');
  });
}

/**
 * Creates an accumulator that merges per-shard partial results of the named aggregate (vtgate scatter):
 * COUNT partials are summed (an integer), SUM partials summed (exact unless a partial is a double), MIN/MAX
 * partials compared, BIT_* partials combined, GROUP_CONCAT partials joined with the separator. NULL
 * partials (empty shards) are ignored.
 *
 * AVG and COUNT_DISTINCT cannot be merged from their own partials: rewrite `AVG(x)` into `SUM(x)` and
 * `COUNT(x)` per shard, merge each, and finish with {@link averageOf}; evaluate COUNT(DISTINCT x) at the
 * gate over the shards' `SELECT DISTINCT x` rows with {@link createAggregate}. Both throw SqlError 1235 here.
 */
export function createMergeAggregate(name: AggregateName, opts: AggregateOptions = {}): Aggregate {
  const argType = opts.argType ?? Type.EXPRESSION;
  switch (name) {
    case 'COUNT': {
      let n = 0n;
      let seen = false;
      return merger(Type.INT64, (v) => {
        seen = true;
        n += typeof v === 'bigint' ? v : BigInt(Math.trunc(toDouble(v)!));
      }, () => (seen ? n : 0n));
    }
    case 'SUM': {
      // Partial sums of exact values arrive as DECIMAL text.
      const s = new Sum(isFloat(argType) ? Type.FLOAT64 : Type.DECIMAL);
      return merger(aggregateResultType('SUM', argType), (v) => s.add(v), () => s.sum());
    }
    case 'MIN': case 'MAX': case 'GROUP_CONCAT': case 'BIT_AND': case 'BIT_OR': case 'BIT_XOR': {
      const agg = createAggregate(name, { ...opts, distinct: false, star: false });
      return merger(agg.type, (v) => agg.add(v), () => agg.result());
    }
    case 'AVG': case 'COUNT_DISTINCT': case 'STDDEV_POP': case 'STDDEV_SAMP': case 'VAR_POP': case 'VAR_SAMP': case 'JSON_ARRAYAGG': case 'JSON_OBJECTAGG':
      throw sqlError(ER.NOT_SUPPORTED_YET, `${name} partials cannot be merged: rewrite the query per shard (see createMergeAggregate)`);
  }
}

function merger(type: Type, add: (v: SqlValue) => void, result: () => SqlValue): Aggregate {
  return {
    type,
    add(v) {
      if (v !== null) add(v);
    },
    addValues(vs) {
      for (const v of vs) this.add(v);
    },
    result,
  };
}

/**
 * Finishes a rewritten AVG: the merged SUM divided by the merged COUNT, with MySQL's AVG scale (4 more
 * digits for an exact sum; a double for a double sum). NULL when the count is zero.
 */
export function averageOf(sum: SqlValue, count: SqlValue): SqlValue {
  if (sum === null || count === null) return null;
  const n = typeof count === 'bigint' ? count : BigInt(Math.trunc(textToDouble(toText(count)!)));
  if (n === 0n) return null;
  if (typeof sum === 'number') return sum / Number(n);
  return formatDecimal(divDecimal(toDecimal(sum)!, decimalFromBigInt(n))!);
}

