/**
 * MySQL's built-in scalar functions for the expression compiler: string, numeric, control-flow, date
 * and time, information, hashing, JSON and spatial functions. Each is compiled once into a closure with its
 * result type; NULL arguments give NULL unless MySQL says otherwise (CONCAT_WS, COALESCE, IFNULL, …).
 */
import { createHash } from 'node:crypto';
import { ER, SqlError, Type, sqlError, type SqlValue } from '@vtsim/proto';
import { numeric } from './arithmetic.js';
import { castResultType, castTargetOf, castValue, convertUsing } from './cast.js';
import { compareText, textKey } from './collation.js';
import { makeComparator } from './comparison.js';
import {
  constant, isBinaryCollated, isBinaryType, isDynamicType, isIntType, typed, unifyTypes, type CompiledExpr, type EvalEnv,
  type NamedLockSession,
} from './compiled-expr.js';
import {
  ceilDecimal, decimalFromBigInt, decimalFromDouble, floorDecimal, formatDecimal, roundDecimal, truncateDecimal, type Decimal,
} from './decimal.js';
import {
  DAY_NAMES, MONTH_NAMES, addInterval, calcWeek, dateFormat, dateTimeFromMicros, dateTimeFromNumber, dateTimeToMicros, dayOfYear,
  civilFromDays, daysFromCivil, daysInMonth, formatDate, formatDateTime, formatParts, formatTime, fractionDigits, isIntervalUnit, makeInterval,
  monthsBetween, parseDateTime, parseTime, parseWithFormat, timeFormat, timeFromMicros, timeToMicros, weekday, type DateTime, type IntervalUnit,
} from './datetime.js';
import type { ExprCompiler } from './expression.js';
import { formatWkt, geometryTypeName, loadGeometry, parseWkb, parseWkt, storeGeometry, toWkb, type Geometry } from './geometry.js';
import { JsonSyntaxError, evalJsonPath, formatJson, jsonDepth, jsonType, parseJson, parseJsonPath, sortedKeys, type JsonPath, type JsonValue } from './json.js';
import { jsonArrayAppend, jsonArrayInsert, jsonContains, jsonMergePreserve, jsonModify, jsonRemove, jsonSearch } from './json-modify.js';
import { likeMatcher, mysqlRegExp } from './like.js';
import { identName, stringValue, type Expr } from './parse.js';
import { INT64_RANGE, MAX_UINT64, bytesToText, doubleToBigInt, isTrue, textToBytes, toBytes, toDouble, toText, toTextOfType } from './values.js';

const INT64_MAX = INT64_RANGE[1];

type NonNull = Exclude<SqlValue, null>;

/** One function call being compiled. */
interface FnCall {
  /** The name as written (for error messages). */
  written: string;
  node: Expr;
  c: ExprCompiler;
}

type Builder = (args: CompiledExpr[], call: FnCall) => CompiledExpr;

interface FnDef {
  min: number;
  max: number;
  build: Builder;
}

const FUNCTIONS = new Map<string, FnDef>();

function def(names: string, min: number, max: number, build: Builder): void {
  for (const n of names.split(',')) FUNCTIONS.set(n, { min, max, build });
}

/** Wraps a one-argument function: NULL in, NULL out. */
function f1(a: CompiledExpr, type: Type, f: (v: NonNull) => SqlValue): CompiledExpr {
  return typed((env) => {
    const v = a(env);
    return v === null ? null : f(v);
  }, type);
}

/** Wraps a two-argument function: any NULL in, NULL out. */
function f2(a: CompiledExpr, b: CompiledExpr, type: Type, f: (x: NonNull, y: NonNull) => SqlValue): CompiledExpr {
  return typed((env) => {
    const x = a(env);
    if (x === null) return null;
    const y = b(env);
    return y === null ? null : f(x, y);
  }, type);
}

/** Wraps an n-argument function: any NULL in, NULL out. */
function fN(args: CompiledExpr[], type: Type, f: (vs: NonNull[], env: EvalEnv) => SqlValue): CompiledExpr {
  return typed((env) => {
    const vs: NonNull[] = [];
    for (const a of args) {
      const v = a(env);
      if (v === null) return null;
      vs.push(v);
    }
    return f(vs, env);
  }, type);
}

const str = (v: NonNull): string => toText(v)!;
const bool = (b: boolean): bigint => (b ? 1n : 0n);

/** An integer argument as a JS number (rounded as MySQL rounds numeric arguments). */
function intOf(v: NonNull, t: Type): number {
  return Number(castValue(v, t, { kind: 'SIGNED' }) as bigint);
}

const SURROGATE = /[\ud800-\udfff]/;

function cpLength(s: string): number {
  return SURROGATE.test(s) ? [...s].length : s.length;
}

function cpSlice(s: string, start: number, end?: number): string {
  return SURROGATE.test(s) ? [...s].slice(start, end).join('') : s.slice(start, end);
}

/** A string-or-bytes result: bytes when the input was bytes. */
function sliceValue(v: NonNull, start: number, end?: number): NonNull {
  if (v instanceof Uint8Array) return Buffer.from(v).subarray(start, end);
  return cpSlice(str(v), start, end);
}

function lengthOf(v: NonNull): number {
  return v instanceof Uint8Array ? v.length : cpLength(str(v));
}

/** The string type of a function result over arguments of these types (binary if any is binary). */
function stringType(...types: Type[]): Type {
  return types.some(isBinaryType) ? Type.VARBINARY : Type.VARCHAR;
}

/**
 * Converts a compiled expression's values to another static type (for CASE/IF/COALESCE/GREATEST branches
 * whose types differ): to text, bytes, DECIMAL, DOUBLE, integers or DATETIME. Same type → unchanged.
 */
export function convertToType(e: CompiledExpr, to: Type): CompiledExpr {
  const from = e.type;
  if (from === to || isDynamicType(to) || to === Type.NULL_TYPE || from === Type.NULL_TYPE || isDynamicType(from)) return e;
  let conv: ((v: NonNull) => SqlValue) | null = null;
  if (to === Type.VARCHAR) conv = (v) => toTextOfType(v, from);
  else if (to === Type.VARBINARY) conv = from === Type.FLOAT32 ? (v) => textToBytes(toTextOfType(v, from)!) : (v) => toBytes(v);
  else if (to === Type.DECIMAL) {
    conv = (v) => {
      const n = numeric(v, from);
      return n.k === 0 ? n.v.toString() : n.k === 1 ? formatDecimal(n.v) : Number.isFinite(n.v) ? formatDecimal(decimalFromDouble(n.v)) : null;
    };
  } else if (to === Type.FLOAT64) {
    conv = (v) => {
      const n = numeric(v, from);
      return n.k === 0 ? Number(n.v) : n.k === 1 ? Number(formatDecimal(n.v)) : n.v;
    };
  } else if (to === Type.INT64 || to === Type.UINT64) conv = (v) => (typeof v === 'bigint' ? v : castValue(v, from, { kind: to === Type.INT64 ? 'SIGNED' : 'UNSIGNED' }));
  else if (to === Type.DATETIME) conv = (v) => castValue(v, from, { kind: 'DATETIME', fsp: fractionDigits(str(v)) });
  if (!conv) return e;
  const f = conv;
  return typed((env) => {
    const v = e(env);
    return v === null ? null : f(v);
  }, to, e.columnType && e.columnType.type === to ? e.columnType : undefined);
}

// ---- dispatch ----------------------------------------------------------------------------------

/** Functions that exist only as window functions (`… OVER (…)`). */
const WINDOW_ONLY = new Set(['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value']);

/**
 * Compiles a `function` AST node. Throws SqlError 1305 `FUNCTION <db>.<name> does not exist` for unknown
 * functions (the database is the scope's, or the session's at evaluation time when the scope has none),
 * 1064 for a window function without OVER and 1582 `Incorrect parameter count in the call to native
 * function '<name>'` for a wrong arity.
 */
export function compileFunction(node: Expr, c: ExprCompiler): CompiledExpr {
  const parts: string[] = (node.name?.name ?? []).map((p: { value: unknown }) => identName(p));
  const written = parts.join('.');
  const name = (parts[parts.length - 1] ?? '').toLowerCase();
  const argNodes: Expr[] = node.args?.value ?? [];
  const call: FnCall = { written, node, c };
  const special = compileSpecial(name, argNodes, call);
  if (special) return special;
  const fn = parts.length === 1 ? FUNCTIONS.get(name) : undefined;
  // A window function without OVER is not in MySQL's grammar (window-functions.ts compiles those with it).
  if (parts.length === 1 && WINDOW_ONLY.has(name)) throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near '${written}'`);
  if (!fn) {
    const db = c.scope.database;
    if (db !== undefined) throw sqlError(ER.SP_DOES_NOT_EXIST, `FUNCTION ${db}.${written} does not exist`);
    return typed((env) => {
      throw sqlError(ER.SP_DOES_NOT_EXIST, `FUNCTION ${env.session.database}.${written} does not exist`);
    }, Type.EXPRESSION);
  }
  if (argNodes.length < fn.min || argNodes.length > fn.max) throw paramCount(written);
  let args = argNodes.map((a) => c.compile(a));
  if (STRING_ARGUMENTS.has(name)) args = args.map((a) => (a.type === Type.FLOAT32 ? convertToType(a, Type.VARCHAR) : a));
  return fn.build(args, call);
}

/**
 * Functions that read every argument as a string: a FLOAT argument is its 6-digit text there, as
 * MySQL's val_str of a FLOAT gives it (CONCAT(f) and UPPER(f) of FLOAT 3.1415927 are `3.14159`,
 * LENGTH(f) is 7).
 */
const STRING_ARGUMENTS = new Set([
  'concat', 'concat_ws', 'length', 'char_length', 'character_length', 'octet_length', 'upper', 'lower', 'ucase', 'lcase',
  'reverse', 'ltrim', 'rtrim', 'replace',
]);

function paramCount(written: string): SqlError {
  return sqlError(ER.WRONG_PARAMCOUNT_TO_NATIVE_FCT, `Incorrect parameter count in the call to native function '${written}'`);
}

/** `DEFAULT(col)`: the default value of a column of a base table in scope, typed as the column. */
function compileColumnDefault(args: Expr[], call: FnCall): CompiledExpr {
  const col = args[0];
  if (args.length !== 1 || col?.type !== 'column_ref') throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near 'default'`);
  const { scope } = call.c;
  if (!scope.columnDefault) throw sqlError(ER.NOT_SUPPORTED_YET, "This version of vtsim doesn't yet support 'DEFAULT(col) here'");
  const { value, type } = scope.columnDefault(col.table == null ? null : identName(col.table), identName(col.column));
  return typed(value, type.type, type);
}

/** Functions whose arguments are not plain expressions (keywords, INTERVAL, types, subqueries). */
function compileSpecial(name: string, args: Expr[], call: FnCall): CompiledExpr | null {
  const { c } = call;
  switch (name) {
    case 'trim': return compileTrim(args, call);
    case 'default':
      // The DEFAULT keyword as a value: INSERT's and UPDATE's planners read it; anywhere else vtsim refuses it.
      if (args.length === 0) throw sqlError(ER.NOT_SUPPORTED_YET, "This version of vtsim doesn't yet support 'DEFAULT outside INSERT … VALUES/SET and UPDATE … SET'");
      return compileColumnDefault(args, call);
    case 'position': {
      const inExpr = args[0];
      if (args.length !== 1 || inExpr?.type !== 'binary_expr' || String(inExpr.operator).toUpperCase() !== 'IN') throw paramCount(call.written);
      return locate(c.compile(inExpr.left), c.compile(inExpr.right.type === 'expr_list' ? inExpr.right.value[0] : inExpr.right), null);
    }
    case 'convert': {
      const using = args.length === 1 && typeof args[0]!.suffix === 'string' ? /^USING\s+(\w+)/i.exec(args[0]!.suffix) : null;
      if (using) {
        const v = c.compile(args[0]!);
        const cs = using[1]!;
        return typed((env) => convertUsing(v(env), cs), cs.toLowerCase() === 'binary' ? Type.VARBINARY : Type.VARCHAR);
      }
      if (args.length !== 2 || args[1]!.type !== 'datatype') throw paramCount(call.written);
      const v = c.compile(args[0]!);
      const target = castTargetOf(args[1] as unknown as { dataType: string });
      const { type, columnType } = castResultType(target);
      const from = v.type;
      return typed((env) => castValue(v(env), from, target), type, columnType);
    }
    case 'date_add': case 'date_sub': case 'adddate': case 'subdate': {
      if (args.length !== 2) throw paramCount(call.written);
      const date = c.compile(args[0]!);
      const sub = name === 'date_sub' || name === 'subdate';
      const iv = args[1]!;
      if (iv.type === 'interval') return dateArithmetic(date, c.compile(iv.expr), String(iv.unit), sub);
      if (name === 'adddate' || name === 'subdate') return dateArithmetic(date, c.compile(iv), 'DAY', sub);
      throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near '${call.written}'`);
    }
    case 'timestampadd': {
      if (args.length !== 3) throw paramCount(call.written);
      return dateArithmetic(c.compile(args[2]!), c.compile(args[1]!), unitName(args[0]!), false);
    }
    case 'timestampdiff': {
      if (args.length !== 3) throw paramCount(call.written);
      return timestampDiff(unitName(args[0]!), c.compile(args[1]!), c.compile(args[2]!));
    }
    case 'extract': return extract(unitName(args[0]!), c.compile(args[1]!));
    case 'values': {
      const col = args[0];
      if (args.length !== 1 || col?.type !== 'column_ref') throw paramCount(call.written);
      if (!c.scope.insertValue) throw sqlError(ER.NOT_SUPPORTED_YET, "This version of vtsim doesn't yet support 'VALUES() outside ON DUPLICATE KEY UPDATE'");
      const { index, type } = c.scope.insertValue(identName(col.column));
      return typed((env) => env.row[index]!, type ? type.type : Type.EXPRESSION, type ?? undefined);
    }
    default: return null;
  }
}

function unitName(node: Expr): string {
  const u = String(node.type === 'column_ref' ? identName(node.column) : node.value).toUpperCase();
  if (!isIntervalUnit(u)) throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near '${u.toLowerCase()}'`);
  return u;
}

// ---- string functions --------------------------------------------------------------------------

function compileTrim(args: Expr[], call: FnCall): CompiledExpr {
  const { c } = call;
  let mode = 'BOTH';
  let rest = args;
  if (rest[0]?.type === 'origin' && /^(LEADING|TRAILING|BOTH)$/i.test(String(rest[0].value))) {
    mode = String(rest[0].value).toUpperCase();
    rest = rest.slice(1);
  }
  const fromAt = rest.findIndex((a) => a.type === 'origin' && String(a.value).toUpperCase() === 'FROM');
  let remNode: Expr | null = null;
  let subjectNode: Expr | undefined;
  if (fromAt >= 0) {
    remNode = fromAt > 0 ? rest[0]! : null;
    subjectNode = rest[fromAt + 1];
  } else if (rest.length === 1) subjectNode = rest[0];
  if (!subjectNode) throw paramCount(call.written);
  const subject = c.compile(subjectNode);
  const rem = remNode ? c.compile(remNode) : constant(' ', Type.VARCHAR);
  return trimFn(subject, rem, mode);
}

function trimFn(subject: CompiledExpr, rem: CompiledExpr, mode: string): CompiledExpr {
  return f2(subject, rem, Type.VARCHAR, (v, r) => {
    let s = str(v);
    const p = str(r);
    if (p === '') return s;
    if (mode !== 'TRAILING') while (s.startsWith(p)) s = s.slice(p.length);
    if (mode !== 'LEADING') while (s.endsWith(p)) s = s.slice(0, s.length - p.length);
    return s;
  });
}

/** LOCATE(sub, s[, pos]): 1-based position of sub in s from pos, case- and accent-insensitive for text; 0 when absent. */
function locate(sub: CompiledExpr, s: CompiledExpr, pos: CompiledExpr | null): CompiledExpr {
  const binary = isBinaryType(sub.type) || isBinaryType(s.type);
  const fold = binary ? (x: string) => x : textKey;
  const posType = pos?.type ?? Type.INT64;
  return typed((env) => {
    const a = sub(env);
    const b = s(env);
    if (a === null || b === null) return null;
    let from = 0;
    if (pos) {
      const p = pos(env);
      if (p === null) return null;
      from = intOf(p, posType) - 1;
      if (from < 0) return 0n;
    }
    const hay = fold(str(b));
    const needle = fold(str(a));
    if (from > cpLength(hay)) return 0n;
    const i = hay.indexOf(needle, SURROGATE.test(hay) ? cpSlice(hay, 0, from).length : from);
    return i < 0 ? 0n : BigInt(cpLength(hay.slice(0, i)) + 1);
  }, Type.INT64);
}

def('concat', 1, Infinity, (args) => {
  const type = stringType(...args.map((a) => a.type));
  return fN(args, type, (vs) => {
    if (type === Type.VARBINARY || vs.some((v) => v instanceof Uint8Array)) return Buffer.concat(vs.map((v) => Buffer.from(toBytes(v)!)));
    let s = '';
    for (const v of vs) s += typeof v === 'string' ? v : str(v);
    return s;
  });
});
def('concat_ws', 2, Infinity, (args) => {
  const [sep, ...rest] = args;
  return typed((env) => {
    const s = sep!(env);
    if (s === null) return null;
    const parts: string[] = [];
    for (const a of rest) {
      const v = a(env);
      if (v !== null) parts.push(str(v));
    }
    return parts.join(str(s));
  }, Type.VARCHAR);
});
def('lower,lcase', 1, 1, ([a]) => f1(a!, a!.type === Type.VARBINARY ? Type.VARBINARY : Type.VARCHAR, (v) => (v instanceof Uint8Array ? v : str(v).toLowerCase())));
def('upper,ucase', 1, 1, ([a]) => f1(a!, a!.type === Type.VARBINARY ? Type.VARBINARY : Type.VARCHAR, (v) => (v instanceof Uint8Array ? v : str(v).toUpperCase())));
def('length,octet_length', 1, 1, ([a]) => f1(a!, Type.INT64, (v) => BigInt(v instanceof Uint8Array ? v.length : Buffer.byteLength(str(v)))));
def('char_length,character_length', 1, 1, ([a]) => f1(a!, Type.INT64, (v) => BigInt(lengthOf(v))));
def('bit_length', 1, 1, ([a]) => f1(a!, Type.INT64, (v) => BigInt(8 * (v instanceof Uint8Array ? v.length : Buffer.byteLength(str(v))))));
def('ascii', 1, 1, ([a]) => f1(a!, Type.INT64, (v) => {
  const b = toBytes(v)!;
  return BigInt(b.length ? b[0]! : 0);
}));
// ORD: the leftmost character's bytes read as a big-endian number (its code for a one-byte character).
def('ord', 1, 1, ([a]) => f1(a!, Type.INT64, (v) => {
  const s = typeof v === 'string' && !isBinaryType(a!.type) ? v : null;
  const bytes = s === null ? toBytes(v)!.subarray(0, 1) : Buffer.from(s === '' ? '' : String.fromCodePoint(s.codePointAt(0)!));
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  return n;
}));
// CHAR(N, …): each non-NULL N (as 32 bits) becomes its big-endian bytes without leading zero bytes.
def('char', 1, Infinity, (args) => typed((env) => {
  const out: number[] = [];
  for (const a of args) {
    const v = a(env);
    if (v === null) continue;
    const n = Number(BigInt.asUintN(32, castValue(v, a.type, { kind: 'SIGNED' }) as bigint));
    for (let shift = n >= 0x1000000 ? 24 : n >= 0x10000 ? 16 : n >= 0x100 ? 8 : 0; shift >= 0; shift -= 8) out.push((n >>> shift) & 0xff);
  }
  return Buffer.from(out);
}, Type.VARBINARY));
// INSERT(str, pos, len, newstr): pos outside the string leaves it; len past the end replaces the rest.
def('insert', 4, 4, (args) => fN(args, stringType(args[0]!.type, args[3]!.type), ([s, p, l, n]) => {
  const total = lengthOf(s!);
  const pos = intOf(p!, args[1]!.type);
  if (pos < 1 || pos > total) return s!;
  const len = intOf(l!, args[2]!.type);
  const end = len < 0 || len > total - pos + 1 ? total : pos - 1 + len;
  if (s instanceof Uint8Array || n instanceof Uint8Array) {
    const b = toBytes(s!)!;
    return Buffer.concat([b.subarray(0, pos - 1), toBytes(n!)!, b.subarray(end)]);
  }
  const text = str(s!);
  return cpSlice(text, 0, pos - 1) + str(n!) + cpSlice(text, end);
}));
// QUOTE: a single-quoted SQL literal (\, ', NUL and Ctrl-Z escaped); NULL gives the word NULL.
def('quote', 1, 1, ([a]) => typed((env) => {
  const v = a!(env);
  if (v === null) return 'NULL';
  return `'${str(v).replace(/[\\'\0\x1a]/g, (c) => (c === '\0' ? '\\0' : c === '\x1a' ? '\\Z' : '\\' + c))}'`;
}, Type.VARCHAR));
def('soundex', 1, 1, ([a]) => f1(a!, Type.VARCHAR, (v) => soundex(str(v))));
def('substring,substr,mid', 2, 3, (args) => {
  const [s, p, l] = args;
  return fN(args, stringType(s!.type), (vs) => {
    const n = lengthOf(vs[0]!);
    const pos = intOf(vs[1]!, p!.type);
    if (pos === 0 || Math.abs(pos) > n) return vs[0] instanceof Uint8Array ? Buffer.alloc(0) : '';
    const start = pos > 0 ? pos - 1 : n + pos;
    if (vs.length === 2) return sliceValue(vs[0]!, start);
    const len = intOf(vs[2]!, l!.type);
    return len <= 0 ? (vs[0] instanceof Uint8Array ? Buffer.alloc(0) : '') : sliceValue(vs[0]!, start, start + len);
  });
});
def('left', 2, 2, ([s, n]) => f2(s!, n!, stringType(s!.type), (v, k) => sliceValue(v, 0, Math.max(0, intOf(k, n!.type)))));
def('right', 2, 2, ([s, n]) => f2(s!, n!, stringType(s!.type), (v, k) => {
  const len = intOf(k, n!.type);
  const total = lengthOf(v);
  return len <= 0 ? sliceValue(v, total) : sliceValue(v, Math.max(0, total - len));
}));
def('ltrim', 1, 1, ([a]) => f1(a!, Type.VARCHAR, (v) => str(v).replace(/^ +/, '')));
def('rtrim', 1, 1, ([a]) => f1(a!, Type.VARCHAR, (v) => str(v).replace(/ +$/, '')));
def('replace', 3, 3, (args) => fN(args, stringType(args[0]!.type), ([s, from, to]) => {
  const f = str(from!);
  return f === '' ? str(s!) : str(s!).split(f).join(str(to!));
}));
def('locate', 2, 3, ([sub, s, pos]) => locate(sub!, s!, pos ?? null));
def('instr', 2, 2, ([s, sub]) => locate(sub!, s!, null));
def('lpad,rpad', 3, 3, (args, call) => {
  const left = call.written.toLowerCase() === 'lpad';
  return fN(args, Type.VARCHAR, ([s, n, p]) => {
    const len = intOf(n!, args[1]!.type);
    const text = str(s!);
    const pad = str(p!);
    if (len < 0) return null;
    const have = cpLength(text);
    if (have >= len) return cpSlice(text, 0, len);
    if (pad === '') return null;
    const need = len - have;
    const fill = cpSlice(pad.repeat(Math.ceil(need / cpLength(pad))), 0, need);
    return left ? fill + text : text + fill;
  });
});
def('reverse', 1, 1, ([a]) => f1(a!, stringType(a!.type), (v) => (v instanceof Uint8Array ? Buffer.from(v).reverse() : [...str(v)].reverse().join(''))));
def('repeat', 2, 2, ([s, n]) => f2(s!, n!, Type.VARCHAR, (v, k) => {
  const count = intOf(k, n!.type);
  return count <= 0 ? '' : str(v).repeat(count);
}));
def('space', 1, 1, ([n]) => f1(n!, Type.VARCHAR, (k) => ' '.repeat(Math.max(0, intOf(k, n!.type)))));
def('strcmp', 2, 2, ([a, b]) => f2(a!, b!, Type.INT64, (x, y) => BigInt(Math.sign(compareText(str(x), str(y))))));
def('substring_index', 3, 3, (args) => fN(args, Type.VARCHAR, ([s, d, n]) => {
  const text = str(s!);
  const delim = str(d!);
  const count = intOf(n!, args[2]!.type);
  if (delim === '' || count === 0) return '';
  const parts = text.split(delim);
  return count > 0 ? parts.slice(0, count).join(delim) : parts.slice(Math.max(0, parts.length + count)).join(delim);
}));
def('hex', 1, 1, ([a]) => f1(a!, Type.VARCHAR, (v) => {
  const t = a!.type;
  if (typeof v === 'string' && !isIntType(t) && t !== Type.DECIMAL && !isDynamicType(t)) return Buffer.from(v).toString('hex').toUpperCase();
  if (typeof v === 'string' || v instanceof Uint8Array) {
    if (v instanceof Uint8Array || t !== Type.DECIMAL) return Buffer.from(toBytes(v)!).toString('hex').toUpperCase();
  }
  return BigInt.asUintN(64, castValue(v, t, { kind: 'SIGNED' }) as bigint).toString(16).toUpperCase();
}));
def('unhex', 1, 1, ([a]) => f1(a!, Type.VARBINARY, (v) => {
  let h = str(v);
  if (!/^[0-9a-fA-F]*$/.test(h)) return null;
  if (h.length % 2) h = '0' + h;
  return Buffer.from(h, 'hex');
}));
def('to_base64', 1, 1, ([a]) => f1(a!, Type.VARCHAR, (v) => {
  const b64 = Buffer.from(toBytes(v)!).toString('base64');
  return b64.replace(/(.{76})(?=.)/g, '$1\n');
}));
def('from_base64', 1, 1, ([a]) => f1(a!, Type.VARBINARY, (v) => {
  const s = str(v).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) return null;
  return Buffer.from(s, 'base64');
}));
def('field', 2, Infinity, (args) => {
  const [first, ...rest] = args;
  const cmps = rest.map((r) => makeComparator(first!.type, r.type));
  return typed((env) => {
    const v = first!(env);
    if (v === null) return 0n;
    for (let i = 0; i < rest.length; i++) {
      const x = rest[i]!(env);
      if (x !== null && cmps[i]!(v, x) === 0) return BigInt(i + 1);
    }
    return 0n;
  }, Type.INT64);
});
def('elt', 2, Infinity, (args) => {
  const [n, ...rest] = args;
  return typed((env) => {
    const k = n!(env);
    if (k === null) return null;
    const i = intOf(k, n!.type);
    return i >= 1 && i <= rest.length ? rest[i - 1]!(env) : null;
  }, unifyTypes(rest.map((r) => r.type)));
});

def('find_in_set', 2, 2, ([a, b]) => {
  const fold = isBinaryType(a!.type) || isBinaryType(b!.type) ? (x: string) => x : textKey;
  return f2(a!, b!, Type.INT64, (x, y) => {
    const needle = str(x);
    if (needle.includes(',')) return 0n;
    const i = str(y).split(',').findIndex((item) => fold(item) === fold(needle));
    return BigInt(i + 1);
  });
});
def('conv', 3, 3, (args) => fN(args, Type.VARCHAR, ([n, f, t]) => {
  const from = intOf(f!, args[1]!.type);
  const to = intOf(t!, args[2]!.type);
  if (Math.abs(from) < 2 || Math.abs(from) > 36 || Math.abs(to) < 2 || Math.abs(to) > 36) return null;
  return convertBase(str(n!), from, to);
}));
// FORMAT(X, D[, locale]) with en_US separators; another locale is refused rather than misformatted.
def('format', 2, 3, (args) => fN(args.slice(0, 2), Type.VARCHAR, ([x, d], env) => {
  const locale = args[2]?.(env);
  if (locale != null && str(locale).toLowerCase() !== 'en_us') {
    throw sqlError(ER.NOT_SUPPORTED_YET, `This version of vtsim doesn't yet support 'FORMAT with locale ${str(locale)}'`);
  }
  const digits = Math.min(30, Math.max(0, intOf(d!, args[1]!.type)));
  const n = numeric(x!, args[0]!.type);
  const dec = n.k === 0 ? decimalFromBigInt(n.v) : n.k === 1 ? n.v : Number.isFinite(n.v) ? decimalFromDouble(n.v) : null;
  if (dec === null) return null;
  const text = formatDecimal(roundDecimal(dec, digits));
  const neg = text.startsWith('-');
  const [int, frac] = (neg ? text.slice(1) : text).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + grouped + (digits > 0 ? '.' + (frac ?? '').padEnd(digits, '0') : '');
}));

def('bin,oct', 1, 1, ([a], call) => {
  const to = call.written.toLowerCase() === 'bin' ? 2 : 8;
  return f1(a!, Type.VARCHAR, (v) => convertBase(toTextOfType(v, a!.type)!, 10, to));
});

const SOUNDEX_CODES = '01230120022455012623010202';
const LETTER = /\p{L}/u;

/**
 * MySQL's SOUNDEX: the first letter (upper-cased), then the codes of the following letters, skipping
 * vowels (and H, W, Y and non-Latin letters) and a code equal to the last one written; padded to at
 * least four characters with '0' but never cut. Non-letters are ignored; no letter gives ''.
 */
function soundex(text: string): string {
  let out = '';
  let last = '';
  for (const ch of text) {
    if (!LETTER.test(ch)) continue;
    const upper = ch >= 'a' && ch <= 'z' ? ch.toUpperCase() : ch;
    const code = upper >= 'A' && upper <= 'Z' ? SOUNDEX_CODES[upper.charCodeAt(0) - 65]! : '0';
    if (out === '') {
      out = upper;
      last = code;
    } else if (code !== '0' && code !== last) {
      out += code;
      last = code;
    }
  }
  return out === '' ? '' : out.padEnd(4, '0');
}

/**
 * CONV's base conversion: the longest prefix of digits valid in |from| read as an unsigned 64-bit number
 * (saturating; a leading `-` negates it modulo 2^64, or reads a signed number for a negative `from`),
 * written in |to| upper-case, as a signed number when `to` is negative.
 */
function convertBase(text: string, from: number, to: number): string {
  const t = text.trim();
  const neg = t.startsWith('-');
  const digits = neg || t.startsWith('+') ? t.slice(1) : t;
  const base = BigInt(Math.abs(from));
  let v = 0n;
  for (const ch of digits.toLowerCase()) {
    const d = parseInt(ch, 36);
    if (Number.isNaN(d) || d >= Math.abs(from)) break;
    v = v * base + BigInt(d);
    if (v > MAX_UINT64) {
      v = MAX_UINT64;
      break;
    }
  }
  if (from < 0 && v > INT64_MAX) v = neg ? INT64_MAX + 1n : INT64_MAX;
  if (neg) v = BigInt.asUintN(64, -v);
  const signed = to < 0 && v > INT64_MAX;
  const out = (signed ? (1n << 64n) - v : v).toString(Math.abs(to)).toUpperCase();
  return signed ? '-' + out : out;
}

// ---- regular expressions (ICU semantics approximated with JavaScript's RegExp: see mysqlRegExp) ----

/** The regular expression of a REGEXP_* call, cached while the pattern and match_type stay the same. */
function regexpOf(args: CompiledExpr[], matchTypeAt: number, global: boolean): (vs: (SqlValue | undefined)[]) => RegExp {
  const binary = isBinaryCollated(args[0]!.type) || isBinaryCollated(args[1]!.type);
  let key: string | null = null;
  let re: RegExp | null = null;
  return (vs) => {
    const pattern = str(vs[1]!);
    const mt = vs[matchTypeAt] === undefined ? '' : str(vs[matchTypeAt]!);
    if (key !== pattern + '\0' + mt) {
      re = mysqlRegExp(pattern, binary, mt, global);
      key = pattern + '\0' + mt;
    }
    re!.lastIndex = 0;
    return re!;
  };
}

/** The code-unit offset of 1-based character position `pos` in `s`; SqlError 3686 past the end + 1. */
function charOffset(s: string, pos: number): number {
  if (pos < 1 || pos > cpLength(s) + 1) throw sqlError([3686, 'HY000'], 'Index out of bounds in regular expression search.');
  return cpSlice(s, 0, pos - 1).length;
}

/** The `occurrence`-th match of `re` (global) in `s` at or after code-unit offset `from`. */
function nthMatch(re: RegExp, s: string, from: number, occurrence: number): RegExpExecArray | null {
  re.lastIndex = from;
  let m: RegExpExecArray | null = null;
  for (let i = 0; i < Math.max(1, occurrence); i++) {
    m = re.exec(s);
    if (!m) return null;
    if (m[0] === '') re.lastIndex++;
  }
  return m;
}

/** Expands an ICU replacement (`$n` a group, `\x` the character x) for one match. */
function expandReplacement(repl: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i]!;
    if (c === '\\' && i + 1 < repl.length) out += repl[++i];
    else if (c === '$' && /\d/.test(repl[i + 1] ?? '')) {
      const g = Number(repl[++i]);
      if (g >= m.length) throw sqlError([3687, 'HY000'], 'Index out of bounds in regular expression search.');
      out += m[g] ?? '';
    } else out += c;
  }
  return out;
}

def('regexp_like', 2, 3, (args) => {
  const reOf = regexpOf(args, 2, false);
  return fN(args, Type.INT64, (vs) => bool(reOf(vs).test(toTextOfType(vs[0]!, args[0]!.type)!)));
});
def('regexp_instr', 2, 6, (args) => {
  const reOf = regexpOf(args, 5, true);
  return fN(args, Type.INT64, (vs) => {
    const s = toTextOfType(vs[0]!, args[0]!.type)!;
    const from = charOffset(s, vs.length > 2 ? intOf(vs[2]!, args[2]!.type) : 1);
    const m = nthMatch(reOf(vs), s, from, vs.length > 3 ? intOf(vs[3]!, args[3]!.type) : 1);
    if (!m) return 0n;
    const end = vs.length > 4 && intOf(vs[4]!, args[4]!.type) !== 0;
    return BigInt(cpLength(s.slice(0, m.index + (end ? m[0].length : 0))) + 1);
  });
});
def('regexp_substr', 2, 5, (args) => {
  const reOf = regexpOf(args, 4, true);
  return fN(args, Type.VARCHAR, (vs) => {
    const s = toTextOfType(vs[0]!, args[0]!.type)!;
    const from = charOffset(s, vs.length > 2 ? intOf(vs[2]!, args[2]!.type) : 1);
    const m = nthMatch(reOf(vs), s, from, vs.length > 3 ? intOf(vs[3]!, args[3]!.type) : 1);
    return m ? m[0] : null;
  });
});
def('regexp_replace', 3, 6, (args) => {
  const reOf = regexpOf(args, 5, true);
  return fN(args, Type.VARCHAR, (vs) => {
    const s = toTextOfType(vs[0]!, args[0]!.type)!;
    const repl = str(vs[2]!);
    const from = charOffset(s, vs.length > 3 ? intOf(vs[3]!, args[3]!.type) : 1);
    const occurrence = vs.length > 4 ? intOf(vs[4]!, args[4]!.type) : 0;
    const re = reOf(vs);
    re.lastIndex = from;
    let out = s.slice(0, from);
    let at = from;
    for (let n = 1; ; n++) {
      const m = re.exec(s);
      if (!m) break;
      if (occurrence === 0 || n === occurrence) {
        out += s.slice(at, m.index) + expandReplacement(repl, m);
        at = m.index + m[0].length;
        if (occurrence !== 0) break;
      }
      if (m[0] === '') re.lastIndex++;
    }
    return out + s.slice(at);
  });
});

// ---- hashing -----------------------------------------------------------------------------------

function digest(alg: string, v: NonNull): string {
  return createHash(alg).update(toBytes(v)!).digest('hex');
}

def('md5', 1, 1, ([a]) => f1(a!, Type.VARCHAR, (v) => digest('md5', v)));
def('sha1,sha', 1, 1, ([a]) => f1(a!, Type.VARCHAR, (v) => digest('sha1', v)));
def('sha2', 2, 2, ([a, b]) => f2(a!, b!, Type.VARCHAR, (v, bits) => {
  const n = intOf(bits, b!.type);
  const alg = n === 0 || n === 256 ? 'sha256' : n === 224 ? 'sha224' : n === 384 ? 'sha384' : n === 512 ? 'sha512' : null;
  return alg ? digest(alg, v) : null;
}));

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

def('crc32', 1, 1, ([a]) => f1(a!, Type.UINT64, (v) => {
  let crc = 0xffffffff;
  for (const byte of toBytes(v)!) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return BigInt((crc ^ 0xffffffff) >>> 0);
}));

// ---- numeric functions -------------------------------------------------------------------------

function numericType(t: Type): Type {
  if (isIntType(t)) return t === Type.UINT64 ? Type.UINT64 : Type.INT64;
  if (t === Type.DECIMAL) return Type.DECIMAL;
  if (isDynamicType(t)) return Type.EXPRESSION;
  return Type.FLOAT64;
}

def('abs', 1, 1, ([a]) => {
  const t = a!.type;
  return f1(a!, numericType(t), (v) => {
    const n = numeric(v, t);
    if (n.k === 0) {
      if (n.v === -9223372036854775808n) throw sqlError([1690, '22003'], `BIGINT value is out of range in 'abs(${n.v})'`);
      return n.v < 0n ? -n.v : n.v;
    }
    if (n.k === 1) return formatDecimal({ unscaled: n.v.unscaled < 0n ? -n.v.unscaled : n.v.unscaled, scale: n.v.scale });
    return Math.abs(n.v);
  });
});
def('sign', 1, 1, ([a]) => f1(a!, Type.INT64, (v) => {
  const n = numeric(v, a!.type);
  const s = n.k === 0 ? (n.v > 0n ? 1 : n.v < 0n ? -1 : 0) : n.k === 1 ? (n.v.unscaled > 0n ? 1 : n.v.unscaled < 0n ? -1 : 0) : Math.sign(n.v);
  return BigInt(s);
}));
def('ceil,ceiling,floor', 1, 1, ([a], call) => {
  const up = call.written.toLowerCase() !== 'floor';
  const t = a!.type;
  return f1(a!, t === Type.DECIMAL || isIntType(t) ? Type.INT64 : numericType(t), (v) => {
    const n = numeric(v, t);
    if (n.k === 0) return n.v;
    if (n.k === 1) return up ? ceilDecimal(n.v) : floorDecimal(n.v);
    return up ? Math.ceil(n.v) + 0 : Math.floor(n.v) + 0;
  });
});

/** Rounds half to even, as MySQL's ROUND does for doubles (C rint). */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function roundLike(truncate: boolean): Builder {
  return (args) => {
    const [x, d] = args;
    const t = x!.type;
    return typed((env) => {
      const v = x!(env);
      if (v === null) return null;
      let places = 0;
      if (d) {
        const dv = d(env);
        if (dv === null) return null;
        places = Math.max(-66, Math.min(30, intOf(dv, d.type)));
      }
      const n = numeric(v, t);
      if (n.k === 2) {
        const p = 10 ** places;
        const scaled = n.v * p;
        const r = truncate ? Math.trunc(scaled) : rint(scaled);
        return places > 0 ? r / p : r / p + 0;
      }
      const dec: Decimal = n.k === 0 ? decimalFromBigInt(n.v) : n.v;
      const r = truncate ? truncateDecimal(dec, places) : roundDecimal(dec, places);
      if (n.k === 0) return r.unscaled / 10n ** BigInt(r.scale);
      return formatDecimal(places >= 0 ? r : { unscaled: r.unscaled, scale: 0 });
    }, numericType(t));
  };
}

def('round', 1, 2, roundLike(false));
def('truncate', 2, 2, roundLike(true));
def('mod', 2, 2, (_args, call) => call.c.compile({ type: 'binary_expr', operator: '%', left: call.node.args.value[0], right: call.node.args.value[1] }));

function doubleFn(f: (x: number) => number | null): Builder {
  return ([a]) => f1(a!, Type.FLOAT64, (v) => {
    const r = f(toDoubleTyped(v, a!.type));
    return r === null || !Number.isFinite(r) ? null : r;
  });
}

function toDoubleTyped(v: NonNull, t: Type): number {
  const n = numeric(v, t);
  return n.k === 0 ? Number(n.v) : n.k === 1 ? Number(formatDecimal(n.v)) : n.v;
}

def('sqrt', 1, 1, doubleFn((x) => (x < 0 ? null : Math.sqrt(x))));
def('exp', 1, 1, doubleFn((x) => Math.exp(x)));
def('log2', 1, 1, doubleFn((x) => (x <= 0 ? null : Math.log2(x))));
def('log10', 1, 1, doubleFn((x) => (x <= 0 ? null : Math.log10(x))));
const naturalLog = doubleFn((x) => (x <= 0 ? null : Math.log(x)));
def('ln', 1, 1, naturalLog);
def('log', 1, 2, (args, call) => {
  if (args.length === 1) return naturalLog(args, call);
  return f2(args[0]!, args[1]!, Type.FLOAT64, (b, x) => {
    const base = toDoubleTyped(b, args[0]!.type);
    const y = toDoubleTyped(x, args[1]!.type);
    return base <= 0 || base === 1 || y <= 0 ? null : Math.log(y) / Math.log(base);
  });
});
def('pow,power', 2, 2, ([a, b]) => f2(a!, b!, Type.FLOAT64, (x, y) => {
  const r = Math.pow(toDoubleTyped(x, a!.type), toDoubleTyped(y, b!.type));
  if (Number.isNaN(r)) return null;
  if (!Number.isFinite(r)) throw sqlError([1690, '22003'], `DOUBLE value is out of range in 'pow(${str(x)},${str(y)})'`);
  return r;
}));
def('degrees', 1, 1, doubleFn((x) => x * (180 / Math.PI)));
def('radians', 1, 1, doubleFn((x) => x * (Math.PI / 180)));
def('sin', 1, 1, doubleFn(Math.sin));
def('cos', 1, 1, doubleFn(Math.cos));
def('tan', 1, 1, doubleFn(Math.tan));
def('asin', 1, 1, doubleFn(Math.asin));
def('acos', 1, 1, doubleFn(Math.acos));
def('atan', 1, 2, (args, call) => (args.length === 1 ? doubleFn(Math.atan)(args, call) : atan2(args)));
def('atan2', 2, 2, (args) => atan2(args));
def('cot', 1, 1, ([a]) => f1(a!, Type.FLOAT64, (v) => {
  const r = 1 / Math.tan(toDoubleTyped(v, a!.type));
  if (!Number.isFinite(r)) throw sqlError([1690, '22003'], `DOUBLE value is out of range in 'cot(${str(v)})'`);
  return r;
}));
// BIT_COUNT: the set bits of the argument as an unsigned 64-bit integer.
def('bit_count', 1, 1, ([a]) => f1(a!, Type.INT64, (v) => {
  let n = castValue(v, a!.type, { kind: 'UNSIGNED' }) as bigint;
  let count = 0n;
  for (; n > 0n; n >>= 1n) count += n & 1n;
  return count;
}));

function atan2([y, x]: CompiledExpr[]): CompiledExpr {
  return f2(y!, x!, Type.FLOAT64, (a, b) => Math.atan2(toDoubleTyped(a, y!.type), toDoubleTyped(b, x!.type)));
}

def('pi', 0, 0, () => constant(Math.PI, Type.FLOAT64));
def('rand', 0, 1, (args, call) => {
  if (args.length === 0) return typed((env) => env.session.random(), Type.FLOAT64);
  const seedExpr = args[0]!;
  const constantSeed = ['number', 'bigint'].includes(call.node.args.value[0].type);
  let state: MySqlRandom | null = null;
  return typed((env) => {
    if (!state || !constantSeed) {
      const s = seedExpr(env);
      state = new MySqlRandom(s === null ? 0 : intOf(s, seedExpr.type));
    }
    return state.next();
  }, Type.FLOAT64);
});

/** MySQL's RAND(N) generator (my_rnd): deterministic for a seed. */
class MySqlRandom {
  private static readonly MAX = 0x3fffffff;
  private s1: number;
  private s2: number;
  constructor(seed: number) {
    const n = BigInt.asUintN(32, BigInt(seed));
    this.s1 = Number((n * 0x10001n + 55555555n) % BigInt(MySqlRandom.MAX));
    this.s2 = Number((n * 0x10000001n) % BigInt(MySqlRandom.MAX));
  }
  next(): number {
    this.s1 = (this.s1 * 3 + this.s2) % MySqlRandom.MAX;
    this.s2 = (this.s1 + this.s2 + 33) % MySqlRandom.MAX;
    return this.s1 / MySqlRandom.MAX;
  }
}

// ---- control flow ------------------------------------------------------------------------------

def('if', 3, 3, ([cond, a, b]) => {
  const type = unifyTypes([a!.type, b!.type]);
  const x = convertToType(a!, type);
  const y = convertToType(b!, type);
  return typed((env) => (isTrue(cond!(env)) === true ? x(env) : y(env)), type);
});
def('ifnull', 2, 2, ([a, b]) => {
  const type = unifyTypes([a!.type, b!.type]);
  const x = convertToType(a!, type);
  const y = convertToType(b!, type);
  return typed((env) => {
    const v = x(env);
    return v !== null ? v : y(env);
  }, type);
});
def('coalesce', 1, Infinity, (args) => {
  const type = unifyTypes(args.map((a) => a.type));
  const xs = args.map((a) => convertToType(a, type));
  return typed((env) => {
    for (const x of xs) {
      const v = x(env);
      if (v !== null) return v;
    }
    return null;
  }, type);
});
def('nullif', 2, 2, ([a, b]) => {
  const cmp = makeComparator(a!.type, b!.type);
  return typed((env) => {
    const x = a!(env);
    if (x === null) return null;
    const y = b!(env);
    return y !== null && cmp(x, y) === 0 ? null : x;
  }, a!.type);
});
def('isnull', 1, 1, ([a]) => typed((env) => bool(a!(env) === null), Type.INT64));
def('greatest,least', 2, Infinity, (args, call) => {
  const greatest = call.written.toLowerCase() === 'greatest';
  const type = unifyTypes(args.map((a) => a.type));
  const xs = args.map((a) => convertToType(a, type));
  const cmp = makeComparator(type, type);
  return fN(xs, type, (vs) => {
    let best = vs[0]!;
    for (let i = 1; i < vs.length; i++) {
      const d = cmp(vs[i]!, best);
      if (greatest ? d > 0 : d < 0) best = vs[i]!;
    }
    return best;
  });
});

// INET_ATON: dotted IPv4 text as a number; short forms ('127.1' is 127.0.0.1) as MySQL reads them, and NULL
// for anything else (an empty string, an octet over 255, a trailing dot, any other character).
def('inet_aton', 1, 1, ([a]) => f1(a!, Type.INT64, (v) => {
  const text = str(v);
  if (text === '' || text.endsWith('.')) return null;
  let result = 0n;
  let octet = 0;
  let dots = 0;
  for (const ch of text) {
    if (ch >= '0' && ch <= '9') {
      octet = octet * 10 + (ch.charCodeAt(0) - 48);
      if (octet > 255) return null;
    } else if (ch === '.') {
      dots++;
      result = (result << 8n) + BigInt(octet);
      octet = 0;
    } else return null;
  }
  if (dots === 1) result <<= 16n;
  else if (dots === 2) result <<= 8n;
  return (result << 8n) + BigInt(octet);
}));
// INET_NTOA: a number 0–4294967295 (rounded as integer arguments are) as dotted IPv4 text, else NULL.
def('inet_ntoa', 1, 1, ([a]) => f1(a!, Type.VARCHAR, (v) => {
  const n = castValue(v, a!.type, { kind: 'SIGNED' }) as bigint;
  if (n < 0n || n > 0xffffffffn) return null;
  return [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 0xffn)).join('.');
}));

// INTERVAL(N, N1, N2, …): how many of N1, N2, … (meant to be ascending) N reaches: the index of the first
// one greater than N; -1 for a NULL N. A NULL bound is never greater.
def('interval', 2, Infinity, ([n, ...bounds]) => typed((env) => {
  const v = n!(env);
  if (v === null) return -1n;
  const x = toDoubleTyped(v, n!.type);
  let i = 0;
  for (; i < bounds.length; i++) {
    const b = bounds[i]!(env);
    if (b !== null && toDoubleTyped(b, bounds[i]!.type) > x) break;
  }
  return BigInt(i);
}, Type.INT64));

// ---- date and time -----------------------------------------------------------------------------

/** Reads a date/datetime argument; null when it is not a valid date. */
function dateTimeArg(v: NonNull): DateTime | null {
  if (typeof v === 'bigint') return dateTimeFromNumber(v);
  if (typeof v === 'number') return dateTimeFromNumber(doubleToBigInt(Math.trunc(v)));
  return parseDateTime(str(v));
}

function nowOf(env: EvalEnv): DateTime {
  return dateTimeFromMicros(Math.floor(env.session.now()) * 1000);
}

function fspArg(args: CompiledExpr[], env: EvalEnv): number {
  if (args.length === 0) return 0;
  const v = args[0]!(env);
  const fsp = v === null ? 0 : intOf(v, args[0]!.type);
  if (fsp < 0 || fsp > 6) throw sqlError(ER.TOO_BIG_PRECISION, `Too-big precision ${fsp} specified for 'now'. Maximum is 6.`);
  return fsp;
}

def('now,current_timestamp,localtime,localtimestamp,sysdate,utc_timestamp', 0, 1, (args) =>
  typed((env) => formatDateTime(nowOf(env), fspArg(args, env)), Type.DATETIME));
def('curdate,current_date,utc_date', 0, 0, () => typed((env) => formatDate(nowOf(env)), Type.DATE));
def('curtime,current_time,utc_time', 0, 1, (args) => typed((env) => {
  const dt = nowOf(env);
  return formatTime({ neg: false, hour: dt.hour, minute: dt.minute, second: dt.second, micro: dt.micro }, fspArg(args, env));
}, Type.TIME));
def('unix_timestamp', 0, 1, (args) => {
  if (args.length === 0) return typed((env) => BigInt(Math.floor(env.session.now() / 1000)), Type.INT64);
  const a = args[0]!;
  const fractional = (a.columnType?.precision ?? 0) > 0;
  return f1(a, fractional ? Type.DECIMAL : Type.INT64, (v) => {
    const dt = dateTimeArg(v);
    if (!dt) return null;
    const us = dateTimeToMicros(dt);
    if (us < 0) return 0n;
    const digits = fractional ? a.columnType!.precision : typeof v === 'string' ? fractionDigits(v) : 0;
    if (digits === 0) return BigInt(Math.floor(us / 1e6));
    return formatDecimal(roundDecimal({ unscaled: BigInt(us), scale: 6 }, digits));
  });
});
def('from_unixtime', 1, 2, (args) => {
  const a = args[0]!;
  return fN(args, args.length === 2 ? Type.VARCHAR : Type.DATETIME, (vs) => {
    const n = numeric(vs[0]!, a.type);
    let us: number;
    let fsp = 0;
    if (n.k === 0) us = Number(n.v) * 1e6;
    else if (n.k === 1) {
      fsp = Math.min(6, n.v.scale);
      us = Number(roundDecimal(n.v, 6).unscaled);
    } else {
      fsp = 6;
      us = Math.round(n.v * 1e6);
    }
    if (us < 0 || us > 32536771199999999) return null;
    const dt = dateTimeFromMicros(us);
    return vs.length === 2 ? dateFormat(dt, str(vs[1]!)) : formatDateTime(dt, fsp);
  });
});
def('date_format', 2, 2, ([d, f]) => f2(d!, f!, Type.VARCHAR, (v, fmt) => {
  const dt = dateTimeArg(v);
  return dt ? dateFormat(dt, str(fmt)) : null;
}));
def('date', 1, 1, ([a]) => f1(a!, Type.DATE, (v) => {
  const dt = dateTimeArg(v);
  return dt ? formatDate(dt) : null;
}));
def('time', 1, 1, ([a]) => f1(a!, Type.TIME, (v) => {
  const t = parseTime(str(v));
  return t ? formatTime(t, t.micro ? 6 : 0) : null;
}));

function datePart(f: (dt: DateTime) => number | string, type = Type.INT64): Builder {
  return ([a]) => f1(a!, type, (v) => {
    const dt = dateTimeArg(v);
    if (!dt) return null;
    const r = f(dt);
    return typeof r === 'number' ? BigInt(r) : r;
  });
}

function timePart(f: (t: { hour: number; minute: number; second: number; micro: number }) => number): Builder {
  return ([a]) => f1(a!, Type.INT64, (v) => {
    const t = parseTime(typeof v === 'bigint' ? v.toString() : str(v));
    return t ? BigInt(f(t)) : null;
  });
}

def('year', 1, 1, datePart((d) => d.year));
def('month', 1, 1, datePart((d) => d.month));
def('quarter', 1, 1, datePart((d) => Math.ceil(d.month / 3)));
def('day,dayofmonth', 1, 1, datePart((d) => d.day));
def('dayofweek', 1, 1, datePart((d) => weekday(d) + 1));
def('weekday', 1, 1, datePart((d) => (weekday(d) + 6) % 7));
def('dayofyear', 1, 1, datePart((d) => dayOfYear(d)));
def('dayname', 1, 1, datePart((d) => DAY_NAMES[weekday(d)]!, Type.VARCHAR));
def('monthname', 1, 1, datePart((d) => MONTH_NAMES[d.month - 1]!, Type.VARCHAR));
def('to_days', 1, 1, datePart((d) => daysFromCivil(d.year, d.month, d.day) + 719528));
def('last_day', 1, 1, datePart((d) => formatDate({ ...d, day: daysInMonth(d.year, d.month) }), Type.DATE));
// FROM_DAYS: the inverse of TO_DAYS; day numbers ≤ 365 or ≥ 3652500 give the zero date, those in year
// 10000 NULL.
def('from_days', 1, 1, ([a]) => f1(a!, Type.DATE, (v) => {
  const n = intOf(v, a!.type);
  if (n <= 365 || n >= 3652500) return '0000-00-00';
  const date = civilFromDays(n - 719528);
  return date.year > 9999 ? null : formatDate({ ...date, hour: 0, minute: 0, second: 0, micro: 0 });
}));
// MAKEDATE(year, dayofyear): NULL for a day ≤ 0 or a year outside 0–9999; years 0–69/70–99 are 20xx/19xx.
def('makedate', 2, 2, (args) => fN(args, Type.DATE, ([y, d]) => {
  let year = intOf(y!, args[0]!.type);
  const day = intOf(d!, args[1]!.type);
  if (day <= 0 || year < 0 || year > 9999) return null;
  if (year < 70) year += 2000;
  else if (year < 100) year += 1900;
  const date = civilFromDays(daysFromCivil(year, 1, 1) + day - 1);
  return date.year > 9999 ? null : formatDate({ ...date, hour: 0, minute: 0, second: 0, micro: 0 });
}));
// MAKETIME(hour, minute, second): NULL unless 0 ≤ minute ≤ 59 and 0 ≤ second < 60; clamped to ±838:59:59.
def('maketime', 3, 3, (args) => fN(args, Type.TIME, ([h, m, s]) => {
  const hour = intOf(h!, args[0]!.type);
  const minute = intOf(m!, args[1]!.type);
  const second = toDoubleTyped(s!, args[2]!.type);
  if (minute < 0 || minute > 59 || second < 0 || second >= 60) return null;
  const fsp = isIntType(args[2]!.type) ? 0 : args[2]!.type === Type.DECIMAL ? Math.min(6, fractionDigits(str(s!))) : 6;
  const us = (Math.abs(hour) * 3600 + minute * 60) * 1e6 + Math.round(second * 1e6);
  return timeResult(hour < 0 ? -us : us, fsp);
}));
// PERIOD_ADD / PERIOD_DIFF over YYMM or YYYYMM periods; a month outside 1–12 or a negative period is
// refused with ER_WRONG_ARGUMENTS, as MySQL 8.0.28+ does.
def('period_add', 2, 2, (args) => fN(args, Type.INT64, ([p, n]) => {
  const period = validPeriod(intOf(p!, args[0]!.type), 'period_add');
  if (period === 0) return 0n;
  const months = periodMonths(period) + intOf(n!, args[1]!.type);
  return BigInt(Math.floor(months / 12) * 100 + (months % 12) + 1);
}));
def('period_diff', 2, 2, (args) => fN(args, Type.INT64, ([a, b]) =>
  BigInt(periodMonths(validPeriod(intOf(a!, args[0]!.type), 'period_diff')) - periodMonths(validPeriod(intOf(b!, args[1]!.type), 'period_diff')))));

function validPeriod(period: number, fn: string): number {
  const month = period % 100;
  if (period < 0 || (month === 0 && period !== 0) || month > 12) throw sqlError([1210, 'HY000'], `Incorrect arguments to ${fn}`);
  return period;
}

/** A period as months since year 0 (two-digit years 00–69 are 20xx, 70–99 are 19xx; period 0 is 0). */
function periodMonths(period: number): number {
  if (period === 0) return 0;
  let year = Math.floor(period / 100);
  if (year < 70) year += 2000;
  else if (year < 100) year += 1900;
  return year * 12 + (period % 100) - 1;
}

def('time_format', 2, 2, ([a, f]) => f2(a!, f!, Type.VARCHAR, (v, fmt) => {
  const t = parseTime(typeof v === 'bigint' ? v.toString() : str(v));
  return t ? timeFormat(t, str(fmt)) : null;
}));
// TIME_TO_SEC: a time (or a datetime's time of day) as whole seconds, negative for a negative time.
def('time_to_sec', 1, 1, ([a]) => f1(a!, Type.INT64, (v) => {
  const t = parseTime(typeof v === 'bigint' ? v.toString() : str(v));
  if (!t) return null;
  const s = (t.hour * 60 + t.minute) * 60 + t.second;
  return BigInt(t.neg ? -s : s);
}));
// SEC_TO_TIME: seconds as a TIME (keeping the argument's fraction digits), clamped to ±838:59:59.
def('sec_to_time', 1, 1, ([a]) => f1(a!, Type.TIME, (v) => {
  const t = a!.type;
  const fsp = isIntType(t) ? 0 : t === Type.DECIMAL ? Math.min(6, fractionDigits(str(v))) : 6;
  return timeResult(Math.round(toDoubleTyped(v, t) * 1e6), fsp);
}));
// TIMESTAMP(expr[, time]): the date or datetime as a DATETIME, plus the time when given.
def('timestamp', 1, 2, (args) => fN(args, Type.DATETIME, (vs) => {
  const p = temporalArg(vs[0]!, Type.DATETIME);
  if (!p) return null;
  if (vs.length === 1) return formatDateTime(dateTimeFromMicros(p.us), p.fsp);
  const q = temporalArg(vs[1]!, Type.TIME);
  if (!q) return null;
  const dt = dateTimeFromMicros(p.us + q.us);
  return dt.year < 0 || dt.year > 9999 ? null : formatDateTime(dt, Math.max(p.fsp, q.fsp));
}));
def('hour', 1, 1, timePart((t) => t.hour));
def('minute', 1, 1, timePart((t) => t.minute));
def('second', 1, 1, timePart((t) => t.second));
def('microsecond', 1, 1, timePart((t) => t.micro));
def('datediff', 2, 2, ([a, b]) => f2(a!, b!, Type.INT64, (x, y) => {
  const p = dateTimeArg(x);
  const q = dateTimeArg(y);
  if (!p || !q) return null;
  return BigInt(daysFromCivil(p.year, p.month, p.day) - daysFromCivil(q.year, q.month, q.day));
}));

const MAX_TIME_US = 3020399000000;

/**
 * A TIME or DATETIME argument as microseconds, with which it is (TIMEDIFF/ADDTIME read either), and its
 * fraction digits: the result carries as many as the longer argument (MySQL's time_precision of a
 * constant string; a non-constant string column would give 6 in MySQL).
 */
function temporalArg(v: NonNull, t: Type): { datetime: boolean; us: number; fsp: number } | null {
  const text = typeof v === 'bigint' ? v.toString() : str(v);
  const fsp = fractionDigits(text);
  const isDate = t === Type.DATETIME || t === Type.TIMESTAMP || t === Type.DATE
    || (t !== Type.TIME && (typeof v === 'bigint' ? v > 99999999n : /^\s*\d+[-/._]\d+[-/._]\d+(\s|T|$)/.test(text)));
  if (isDate) {
    const dt = typeof v === 'bigint' ? dateTimeFromNumber(v) : parseDateTime(text);
    return dt ? { datetime: true, us: dateTimeToMicros(dt), fsp } : null;
  }
  const tm = parseTime(text);
  return tm ? { datetime: false, us: timeToMicros(tm), fsp } : null;
}

/** A TIME result from microseconds, clamped to ±838:59:59 as MySQL does. */
function timeResult(us: number, fsp: number): string {
  const clamped = Math.max(-MAX_TIME_US, Math.min(MAX_TIME_US, us));
  return formatTime(timeFromMicros(clamped), clamped === us ? fsp : 0);
}

def('timediff', 2, 2, ([a, b]) => f2(a!, b!, Type.TIME, (x, y) => {
  const p = temporalArg(x, a!.type);
  const q = temporalArg(y, b!.type);
  if (!p || !q || p.datetime !== q.datetime) return null;
  return timeResult(p.us - q.us, Math.max(p.fsp, q.fsp));
}));
def('addtime,subtime', 2, 2, ([a, b], call) => {
  const sign = call.written.toLowerCase() === 'addtime' ? 1 : -1;
  const dateFirst = a!.type === Type.DATETIME || a!.type === Type.TIMESTAMP || a!.type === Type.DATE;
  const type = dateFirst ? Type.DATETIME : a!.type === Type.TIME ? Type.TIME : Type.VARCHAR;
  return f2(a!, b!, type, (x, y) => {
    const p = temporalArg(x, a!.type);
    const q = temporalArg(y, b!.type === Type.TIME ? Type.TIME : Type.VARCHAR);
    if (!p || !q || q.datetime) return null;
    const fsp = Math.max(p.fsp, q.fsp);
    if (!p.datetime) return timeResult(p.us + sign * q.us, fsp);
    const dt = dateTimeFromMicros(p.us + sign * q.us);
    return dt.year < 0 || dt.year > 9999 ? null : formatDateTime(dt, fsp);
  });
});
def('week', 1, 2, (args) => fN(args, Type.INT64, (vs) => {
  const dt = dateTimeArg(vs[0]!);
  return dt ? BigInt(calcWeek(dt, vs.length > 1 ? intOf(vs[1]!, args[1]!.type) : 0).week) : null;
}));
def('weekofyear', 1, 1, datePart((d) => calcWeek(d, 3).week));
def('yearweek', 1, 2, (args) => fN(args, Type.INT64, (vs) => {
  const dt = dateTimeArg(vs[0]!);
  if (!dt) return null;
  const w = calcWeek(dt, vs.length > 1 ? intOf(vs[1]!, args[1]!.type) : 0, true);
  return BigInt(w.year * 100 + w.week);
}));
def('str_to_date', 2, 2, ([a, f], call) => {
  const formatNode: Expr = call.node.args.value[1];
  const constantFormat = /string$/.test(String(formatNode.type)) ? stringValue(formatNode) : null;
  const parts = constantFormat === null ? null : formatParts(constantFormat);
  const type = parts === null || (parts.hasDate && parts.hasTime) ? Type.DATETIME : parts.hasDate ? Type.DATE : Type.TIME;
  return f2(a!, f!, type, (x, y) => {
    const r = parseWithFormat(str(x), str(y));
    if (!r) return null;
    const dt = r.value;
    const fsp = r.hasFraction ? 6 : 0;
    if (type === Type.TIME) return formatTime({ neg: false, hour: dt.hour, minute: dt.minute, second: dt.second, micro: dt.micro }, fsp);
    if (dt.month === 0 || dt.day === 0 || dt.day > daysInMonth(dt.year, dt.month)) return null;
    return type === Type.DATE ? formatDate(dt) : formatDateTime(dt, fsp);
  });
});

/**
 * A time zone as minutes east of UTC: an offset `[+-]HH:MM` (−13:59 to +14:00) or `SYSTEM` (vtsim runs
 * in UTC); null for named zones, as in a MySQL without loaded time zone tables.
 */
function zoneOffset(zone: string): number | null {
  if (/^\s*system\s*$/i.test(zone)) return 0;
  const m = /^\s*([+-])(\d{1,2}):(\d{2})\s*$/.exec(zone);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[3]) > 59) return null;
  const signed = m[1] === '-' ? -minutes : minutes;
  return signed < -(13 * 60 + 59) || signed > 14 * 60 ? null : signed;
}

const TIMESTAMP_MIN_US = 1_000_000;
const TIMESTAMP_MAX_US = 2_147_483_647_999_999;

def('convert_tz', 3, 3, (args) => {
  const colFsp = args[0]!.columnType?.precision ?? 0;
  return fN(args, Type.DATETIME, ([d, from, to]) => {
    const dt = dateTimeArg(d!);
    const f = zoneOffset(str(from!));
    const t = zoneOffset(str(to!));
    if (!dt || f === null || t === null) return null;
    const fsp = Math.max(colFsp, typeof d === 'string' ? fractionDigits(d) : 0);
    const utc = dateTimeToMicros(dt) - f * 60_000_000;
    // Outside TIMESTAMP's range MySQL leaves the value as it is.
    if (utc < TIMESTAMP_MIN_US || utc > TIMESTAMP_MAX_US) return formatDateTime(dt, fsp);
    return formatDateTime(dateTimeFromMicros(utc + t * 60_000_000), fsp);
  });
});

const DATE_ONLY_UNITS = new Set(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'YEAR_MONTH']);

/**
 * DATE_ADD/DATE_SUB and `d ± INTERVAL n unit`: the result is a DATE for a DATE operand and a date-only
 * unit, a DATETIME for DATETIME/TIMESTAMP operands, and text in the operand's form for strings; NULL
 * when the operand is not a date or the result leaves years 0–9999.
 */
export function dateArithmetic(date: CompiledExpr, amount: CompiledExpr, unitText: string, subtract: boolean): CompiledExpr {
  const unit = unitText.toUpperCase();
  if (!isIntervalUnit(unit)) throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near '${unitText}'`);
  const dateOnlyUnit = DATE_ONLY_UNITS.has(unit);
  const t = date.type;
  const type = t === Type.DATE && dateOnlyUnit ? Type.DATE : t === Type.DATETIME || t === Type.TIMESTAMP || t === Type.DATE ? Type.DATETIME : Type.VARCHAR;
  const colFsp = date.columnType?.precision ?? 0;
  return typed((env) => {
    const v = date(env);
    if (v === null) return null;
    const a = amount(env);
    if (a === null) return null;
    const dt = dateTimeArg(v);
    if (!dt) return null;
    const iv = makeInterval(typeof a === 'bigint' ? Number(a) : typeof a === 'number' ? a : str(a), unit as IntervalUnit);
    if (!iv) return null;
    const r = addInterval(dt, subtract ? { months: -iv.months, micros: -iv.micros } : iv);
    if (!r) return null;
    const textHasTime = typeof v === 'string' && /\d[ T]+\d/.test(v.trim());
    if (type === Type.DATE || (type === Type.VARCHAR && dateOnlyUnit && !textHasTime && typeof v === 'string')) return formatDate(r);
    const fsp = Math.max(colFsp, typeof v === 'string' ? fractionDigits(v) : 0, r.micro !== 0 ? 6 : 0);
    return formatDateTime(r, fsp);
  }, type);
}

function timestampDiff(unit: string, a: CompiledExpr, b: CompiledExpr): CompiledExpr {
  const micros: Record<string, number> = {
    MICROSECOND: 1, SECOND: 1e6, MINUTE: 6e7, HOUR: 3.6e9, DAY: 8.64e10, WEEK: 6.048e11,
  };
  return f2(a, b, Type.INT64, (x, y) => {
    const p = dateTimeArg(x);
    const q = dateTimeArg(y);
    if (!p || !q) return null;
    if (unit === 'MONTH' || unit === 'QUARTER' || unit === 'YEAR') {
      const months = monthsBetween(p, q);
      return BigInt(Math.trunc(months / (unit === 'MONTH' ? 1 : unit === 'QUARTER' ? 3 : 12)));
    }
    const per = micros[unit];
    if (per === undefined) throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near '${unit.toLowerCase()}'`);
    return BigInt(Math.trunc((dateTimeToMicros(q) - dateTimeToMicros(p)) / per));
  });
}

function extract(unit: string, a: CompiledExpr): CompiledExpr {
  return f1(a, Type.INT64, (v) => {
    const s = str(v);
    const dt = parseDateTime(s);
    const t = dt ?? (() => {
      const tm = parseTime(s);
      return tm ? { year: 0, month: 0, day: 0, hour: tm.hour, minute: tm.minute, second: tm.second, micro: tm.micro } : null;
    })();
    if (!t) return null;
    const fields: Record<string, number> = {
      YEAR: t.year, QUARTER: Math.ceil(t.month / 3), MONTH: t.month, DAY: t.day, HOUR: t.hour, MINUTE: t.minute,
      SECOND: t.second, MICROSECOND: t.micro,
    };
    if (unit in fields) return BigInt(fields[unit]!);
    if (unit === 'WEEK' && dt) return BigInt(Math.floor((dayOfYear(dt) - 1 + weekday({ ...dt, month: 1, day: 1 })) / 7));
    const pieces = unit.split('_');
    if (pieces.every((p) => p in fields)) {
      let out = '';
      pieces.forEach((p, i) => {
        const n = fields[p]!;
        out += i === 0 ? String(n) : String(n).padStart(p === 'MICROSECOND' ? 6 : 2, '0');
      });
      return BigInt(out);
    }
    throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near '${unit.toLowerCase()}'`);
  });
}

// ---- information -------------------------------------------------------------------------------

function userWithHost(user: string, host: string): string {
  return user.includes('@') ? user : `${user}@${host}`;
}

def('database,schema', 0, 0, () => typed((env) => env.session.database || null, Type.VARCHAR));
def('user,session_user,system_user', 0, 0, () => typed((env) => userWithHost(env.session.user, 'localhost'), Type.VARCHAR));
def('current_user', 0, 0, () => typed((env) => userWithHost(env.session.user, '%'), Type.VARCHAR));
def('version', 0, 0, () => typed((env) => toText(env.session.systemVariable('version', 'session')), Type.VARCHAR));
def('connection_id', 0, 0, () => typed((env) => BigInt(env.session.connectionId), Type.UINT64));
def('last_insert_id', 0, 1, (args) => {
  if (args.length === 0) return typed((env) => env.session.lastInsertId, Type.UINT64);
  const a = args[0]!;
  return typed((env) => {
    const v = a(env);
    if (v === null) return null;
    const n = BigInt.asUintN(64, castValue(v, a.type, { kind: 'SIGNED' }) as bigint);
    env.session.lastInsertId = n;
    return n;
  }, Type.UINT64);
});
def('row_count', 0, 0, () => typed((env) => env.session.rowCount ?? -1n, Type.INT64));
def('found_rows', 0, 0, () => typed((env) => env.session.foundRows ?? 0n, Type.UINT64));

/** The session's named locks; SqlError 1235 where no server keeps them (vtgate evaluating alone). */
function namedLocks(env: EvalEnv): NamedLockSession {
  const locks = env.session.namedLocks;
  if (!locks) throw sqlError(ER.NOT_SUPPORTED_YET, "This version of vtsim doesn't yet support 'named locks outside a keyspace'");
  return locks;
}

/** A lock name: MySQL refuses empty names and names over 64 characters (3057). */
function lockName(v: NonNull): string {
  const name = str(v);
  if (name === '' || cpLength(name) > 64) throw sqlError([3057, '42000'], `Incorrect user-level lock name '${name}'.`);
  return name;
}

def('get_lock', 2, 2, ([n, t]) => typed((env) => {
  const v = n!(env);
  if (v === null) throw sqlError([3057, '42000'], "Incorrect user-level lock name 'NULL'.");
  t!(env);
  // Statements run to completion one at a time, so a lock held elsewhere cannot be released while
  // waiting: the wait times out at once (MySQL returns 0 after the timeout too).
  return bool(namedLocks(env).get(lockName(v)));
}, Type.INT64));
def('release_lock', 1, 1, ([n]) => typed((env) => {
  const v = n!(env);
  if (v === null) return null;
  const r = namedLocks(env).release(lockName(v));
  return r === null ? null : bool(r);
}, Type.INT64));
def('is_free_lock', 1, 1, ([n]) => typed((env) => {
  const v = n!(env);
  return v === null ? null : bool(namedLocks(env).holder(lockName(v)) === null);
}, Type.INT64));
def('is_used_lock', 1, 1, ([n]) => typed((env) => {
  const v = n!(env);
  if (v === null) return null;
  const holder = namedLocks(env).holder(lockName(v));
  return holder === null ? null : BigInt(holder);
}, Type.UINT64));
def('release_all_locks', 0, 0, () => typed((env) => BigInt(namedLocks(env).releaseAll()), Type.INT64));
def('uuid', 0, 0, () => typed((env) => {
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(env.session.random() * 16).toString(16);
    return s;
  };
  const variant = (8 + Math.floor(env.session.random() * 4)).toString(16);
  return `${hex(8)}-${hex(4)}-1${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}, Type.VARCHAR));

// ---- JSON --------------------------------------------------------------------------------------

function jsonArg(v: NonNull, t: Type, fn: string, argNo: number): JsonValue {
  if (typeof v === 'bigint' || typeof v === 'number') {
    if (t === Type.JSON) return v;
    throw sqlError([3146, '22032'], `Invalid data type for JSON data in argument ${argNo} to function ${fn}; a JSON string or JSON type is required.`);
  }
  try {
    return parseJson(typeof v === 'string' ? v : bytesToText(v));
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw sqlError([3141, '22032'], `Invalid JSON text in argument ${argNo} to function ${fn}: "${e.reason}" at position ${e.position}.`);
  }
}

/**
 * A SQL value as a JSON value inside JSON_OBJECT/JSON_ARRAY/JSON_SET…: JSON-typed text is embedded,
 * other text is a string, and the value of a boolean expression (`boolean`) is true/false.
 */
export function toJsonValue(v: SqlValue, t: Type, boolean = false): JsonValue {
  if (v === null) return null;
  if (boolean && typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (t === Type.JSON && typeof v === 'string') return parseJson(v);
  if (t === Type.DECIMAL && typeof v === 'string') return Number(v);
  if (v instanceof Uint8Array) return `base64:type15:${Buffer.from(v).toString('base64')}`;
  return v;
}

const BOOLEAN_OPERATORS = new Set([
  '=', '!=', '<>', '<', '<=', '>', '>=', '<=>', 'AND', '&&', 'OR', '||', 'XOR', 'IS', 'IS NOT', 'IN', 'NOT IN',
  'LIKE', 'NOT LIKE', 'BETWEEN', 'NOT BETWEEN', 'REGEXP', 'RLIKE', 'NOT REGEXP', 'NOT RLIKE',
]);

/** Whether an argument is a boolean expression (TRUE/FALSE, a comparison, a logical operator): MySQL's is_bool_func, which JSON renders as true/false. */
function isBooleanNode(node: Expr | undefined): boolean {
  if (!node) return false;
  if (node.type === 'bool') return true;
  if (node.type === 'binary_expr') return BOOLEAN_OPERATORS.has(String(node.operator).toUpperCase());
  if (node.type === 'unary_expr') return /^(NOT|!|EXISTS|NOT EXISTS)$/i.test(String(node.operator));
  return false;
}

/** For each argument of a call, whether it is a boolean expression (see {@link isBooleanNode}). */
function booleanArgs(call: FnCall): boolean[] {
  return ((call.node.args?.value ?? []) as Expr[]).map(isBooleanNode);
}

const pathCache = new Map<string, JsonPath>();

function jsonPath(p: string): JsonPath {
  let path = pathCache.get(p);
  if (!path) {
    path = parseJsonPath(p);
    if (pathCache.size > 1000) pathCache.clear();
    pathCache.set(p, path);
  }
  return path;
}

/** JSON_EXTRACT(doc, path, …): the selected value as JSON text; several paths or wildcards give an array; NULL when nothing matches. */
export function jsonExtract(args: CompiledExpr[], fn: string): CompiledExpr {
  const docType = args[0]!.type;
  return fN(args, Type.JSON, (vs) => {
    const doc = jsonArg(vs[0]!, docType, fn, 1);
    const paths = vs.slice(1).map((p) => jsonPath(str(p)));
    const found: JsonValue[] = [];
    for (const p of paths) found.push(...evalJsonPath(doc, p));
    if (paths.length === 1 && !paths[0]!.multi) return found.length ? formatJson(found[0]!) : null;
    return found.length ? formatJson(found) : null;
  });
}

/** JSON_UNQUOTE(x): a JSON string literal's content; any other text unchanged. */
export function jsonUnquote(a: CompiledExpr): CompiledExpr {
  return f1(a, Type.VARCHAR, (v) => {
    const s = str(v);
    if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
      try {
        const parsed = parseJson(s);
        if (typeof parsed === 'string') return parsed;
      } catch {
        throw sqlError([3141, '22032'], `Invalid JSON text in argument 1 to function json_unquote: "Missing a closing quotation mark in string." at position ${s.length}.`);
      }
    }
    return s;
  });
}

def('json_extract', 2, Infinity, (args) => jsonExtract(args, 'json_extract'));
def('json_unquote', 1, 1, ([a]) => jsonUnquote(a!));
def('json_object', 0, Infinity, (args, call) => {
  if (args.length % 2) throw paramCount(call.written);
  const booleans = booleanArgs(call);
  return typed((env) => {
    const obj: Record<string, JsonValue> = Object.create(null);
    for (let i = 0; i < args.length; i += 2) {
      const k = args[i]!(env);
      if (k === null) throw sqlError([3158, '22032'], 'JSON documents may not contain NULL member names.');
      obj[str(k)] = toJsonValue(args[i + 1]!(env), args[i + 1]!.type, booleans[i + 1]);
    }
    return formatJson(obj);
  }, Type.JSON);
});
def('json_array', 0, Infinity, (args, call) => {
  const booleans = booleanArgs(call);
  return typed((env) => formatJson(args.map((a, i) => toJsonValue(a(env), a.type, booleans[i]))), Type.JSON);
});
def('json_valid', 1, 1, ([a]) => f1(a!, Type.INT64, (v) => {
  if (a!.type === Type.JSON) return 1n;
  if (typeof v === 'bigint' || typeof v === 'number') return 0n;
  try {
    parseJson(str(v));
    return 1n;
  } catch (e) {
    if (e instanceof JsonSyntaxError) return 0n;
    throw e;
  }
}));
def('json_length', 1, 2, (args) => fN(args, Type.INT64, (vs) => {
  let doc = jsonArg(vs[0]!, args[0]!.type, 'json_length', 1);
  if (vs.length === 2) {
    const found = evalJsonPath(doc, jsonPath(str(vs[1]!)));
    if (found.length === 0) return null;
    doc = found[0]!;
  }
  if (Array.isArray(doc)) return BigInt(doc.length);
  if (doc !== null && typeof doc === 'object') return BigInt(Object.keys(doc).length);
  return 1n;
}));
def('json_depth', 1, 1, ([a]) => f1(a!, Type.INT64, (v) => BigInt(jsonDepth(jsonArg(v, a!.type, 'json_depth', 1)))));
def('json_type', 1, 1, ([a]) => f1(a!, Type.VARCHAR, (v) => jsonType(jsonArg(v, a!.type, 'json_type', 1))));
def('json_keys', 1, 2, (args) => fN(args, Type.JSON, (vs) => {
  let doc = jsonArg(vs[0]!, args[0]!.type, 'json_keys', 1);
  if (vs.length === 2) {
    const found = evalJsonPath(doc, jsonPath(str(vs[1]!)));
    if (found.length === 0) return null;
    doc = found[0]!;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return null;
  return formatJson(sortedKeys(doc));
}));
/** The JSON functions that change a document at (path, value) pairs, by name. */
const JSON_PATH_VALUE_CHANGES: Record<string, (doc: JsonValue, path: JsonPath, value: JsonValue) => JsonValue> = {
  json_set: (doc, path, value) => jsonModify(doc, path, value, 'set'),
  json_insert: (doc, path, value) => jsonModify(doc, path, value, 'insert'),
  json_replace: (doc, path, value) => jsonModify(doc, path, value, 'replace'),
  json_array_append: jsonArrayAppend,
  json_array_insert: jsonArrayInsert,
};
def(Object.keys(JSON_PATH_VALUE_CHANGES).join(','), 3, Infinity, (args, call) => {
  if (args.length % 2 === 0) throw paramCount(call.written);
  const fn = call.written.toLowerCase();
  const apply = JSON_PATH_VALUE_CHANGES[fn]!;
  const booleans = booleanArgs(call);
  return typed((env) => {
    const d = args[0]!(env);
    if (d === null) return null;
    let doc = jsonArg(d, args[0]!.type, fn, 1);
    for (let i = 1; i < args.length; i += 2) {
      const p = args[i]!(env);
      if (p === null) return null;
      doc = apply(doc, jsonPath(str(p)), toJsonValue(args[i + 1]!(env), args[i + 1]!.type, booleans[i + 1]));
    }
    return formatJson(doc);
  }, Type.JSON);
});
def('json_merge_preserve,json_merge', 2, Infinity, (args, call) => fN(args, Type.JSON, (vs) => {
  const fn = call.written.toLowerCase();
  let doc = jsonArg(vs[0]!, args[0]!.type, fn, 1);
  for (let i = 1; i < vs.length; i++) doc = jsonMergePreserve(doc, jsonArg(vs[i]!, args[i]!.type, fn, i + 1));
  return formatJson(doc);
}));
def('json_remove', 2, Infinity, (args) => fN(args, Type.JSON, (vs) => {
  let doc = jsonArg(vs[0]!, args[0]!.type, 'json_remove', 1);
  for (const p of vs.slice(1)) doc = jsonRemove(doc, jsonPath(str(p)));
  return formatJson(doc);
}));
def('json_contains', 2, 3, (args) => fN(args, Type.INT64, (vs) => {
  let target = jsonArg(vs[0]!, args[0]!.type, 'json_contains', 1);
  const candidate = jsonArg(vs[1]!, args[1]!.type, 'json_contains', 2);
  if (vs.length === 3) {
    const path = jsonPath(str(vs[2]!));
    if (path.multi) throw sqlError([3149, '42000'], 'In this situation, path expressions may not contain the * and ** tokens.');
    const found = evalJsonPath(target, path);
    if (found.length === 0) return null;
    target = found[0]!;
  }
  return bool(jsonContains(target, candidate));
}));
def('json_contains_path', 3, Infinity, (args) => fN(args, Type.INT64, (vs) => {
  const doc = jsonArg(vs[0]!, args[0]!.type, 'json_contains_path', 1);
  const all = oneOrAll(vs[1]!, 'json_contains_path');
  const hits = vs.slice(2).map((p) => evalJsonPath(doc, jsonPath(str(p))).length > 0);
  return bool(all ? hits.every(Boolean) : hits.some(Boolean));
}));
def('json_search', 3, Infinity, (args) => typed((env) => {
  const vs = args.map((a) => a(env));
  if (vs[0] === null || vs[1] === null || vs[2] === null) return null;
  const doc = jsonArg(vs[0]!, args[0]!.type, 'json_search', 1);
  const all = oneOrAll(vs[1]!, 'json_search');
  const escape = vs.length > 3 && vs[3] !== null ? str(vs[3]!) : '\\';
  if (vs.slice(4).some((p) => p === null)) return null;
  const paths = vs.slice(4).map((p) => jsonPath(str(p!)));
  const found = jsonSearch(doc, paths, likeMatcher(str(vs[2]!), escape, false), !all);
  if (found.length === 0) return null;
  return formatJson(found.length === 1 ? found[0]! : found);
}, Type.JSON));

/** The one_or_all argument of JSON_SEARCH/JSON_CONTAINS_PATH: true for 'all'; SqlError 3154 otherwise. */
function oneOrAll(v: NonNull, fn: string): boolean {
  const s = str(v).toLowerCase();
  if (s !== 'one' && s !== 'all') throw sqlError([3154, '42000'], `The oneOrAll argument to ${fn} may take these values: 'one' or 'all'.`);
  return s === 'all';
}
// JSON_QUOTE returns a string (utf8mb4), not a JSON value, in MySQL 8.
def('json_quote', 1, 1, ([a]) => f1(a!, Type.VARCHAR, (v) => formatJson(str(v))));

// ---- spatial (values in MySQL's internal format: SRID + WKB) ----

/** The SRID argument of a spatial constructor (0 when absent). */
function sridArg(vs: NonNull[], at: number, t: Type): number {
  return vs.length > at ? intOf(vs[at]!, t) : 0;
}

/** A stored geometry argument, or SqlError 3037 naming the function. */
function geometryArg(v: NonNull, fn: string): { srid: number; geometry: Geometry } {
  if (!(v instanceof Uint8Array)) throw sqlError([3037, '22023'], `Invalid GIS data provided to function ${fn}.`);
  return loadGeometry(v, fn);
}

/** A constructor's geometry, checked against the kind its name promises (ST_PointFromText: 1, …; 0 for any). */
function constructed(g: Geometry, kind: number, fn: string): Geometry {
  if (kind !== 0 && g.kind !== kind) throw sqlError([3037, '22023'], `Invalid GIS data provided to function ${fn}.`);
  return g;
}

/** The geometry kind each typed constructor requires. */
const CONSTRUCTOR_KINDS: Record<string, number> = {
  st_geomfromtext: 0, st_geometryfromtext: 0, st_pointfromtext: 1, st_linefromtext: 2, st_linestringfromtext: 2, st_polyfromtext: 3, st_polygonfromtext: 3,
  st_geomfromwkb: 0, st_geometryfromwkb: 0, st_pointfromwkb: 1, st_linefromwkb: 2, st_linestringfromwkb: 2, st_polyfromwkb: 3, st_polygonfromwkb: 3,
};

def(Object.keys(CONSTRUCTOR_KINDS).filter((n) => n.endsWith('text')).join(','), 1, 3, (args, call) => {
  const fn = call.written.toLowerCase();
  const kind = CONSTRUCTOR_KINDS[fn] ?? 0;
  return fN(args, Type.GEOMETRY, (vs) => storeGeometry(constructed(parseWkt(str(vs[0]!), fn), kind, fn), sridArg(vs, 1, args[1]?.type ?? Type.INT64), fn));
});
def(Object.keys(CONSTRUCTOR_KINDS).filter((n) => n.endsWith('wkb')).join(','), 1, 3, (args, call) => {
  const fn = call.written.toLowerCase();
  const kind = CONSTRUCTOR_KINDS[fn] ?? 0;
  return fN(args, Type.GEOMETRY, (vs) => storeGeometry(constructed(parseWkb(toBytes(vs[0]!)!, fn), kind, fn), sridArg(vs, 1, args[1]?.type ?? Type.INT64), fn));
});
def('point', 2, 2, ([x, y]) => f2(x!, y!, Type.GEOMETRY, (a, b) => storeGeometry({ kind: 1, point: [toDouble(a)!, toDouble(b)!] }, 0, 'point')));
def('st_astext,st_aswkt', 1, 1, ([a], call) => f1(a!, Type.VARCHAR, (v) => formatWkt(geometryArg(v, call.written.toLowerCase()).geometry)));
def('st_asbinary,st_aswkb', 1, 1, ([a], call) => f1(a!, Type.VARBINARY, (v) => toWkb(geometryArg(v, call.written.toLowerCase()).geometry)));
def('st_srid', 1, 1, ([a]) => f1(a!, Type.UINT32, (v) => BigInt(geometryArg(v, 'st_srid').srid)));
def('st_x,st_y', 1, 1, ([a], call) => {
  const fn = call.written.toLowerCase();
  return f1(a!, Type.FLOAT64, (v) => {
    const g = geometryArg(v, fn).geometry;
    if (g.kind !== 1) throw sqlError([3516, '22S01'], `POINT value is a geometry of unexpected type ${geometryTypeName(g.kind)} in ${fn}.`);
    return fn === 'st_x' ? g.point[0] : g.point[1];
  });
});
