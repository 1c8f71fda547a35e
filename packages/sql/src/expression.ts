/**
 * Compiles expression ASTs into closures evaluated per row (Vitess's evalengine): name resolution,
 * literal typing and the choice of MySQL semantics (integer/decimal/double arithmetic, collation, NULL
 * logic) happen once at compile time; evaluation walks no AST.
 */
import { ER, SqlError, Type, sqlError, type SqlValue } from '@vtsim/proto';
import { arithmetic, negate, type ArithOp } from './arithmetic.js';
import { castResultType, castTargetOf, castValue } from './cast.js';
import { fixedRealComparator, makeComparator, type Comparator } from './comparison.js';
import {
  arithmeticType, constant, isBinaryCollated, isIntType, isUnsignedType, typed, unifyTypes,
  type CompiledExpr, type EvalEnv, type ExprScope, type SubqueryRunner,
} from './compiled-expr.js';
import { formatDecimal, parseDecimal } from './decimal.js';
import { formatDate, formatDateTime, formatTime, parseDateTime, parseTime } from './datetime.js';
import { compileFunction, convertToType, dateArithmetic, jsonExtract, jsonUnquote } from './functions.js';
import { likeMatcher, regexpMatcher, type Matcher } from './like.js';
import { identName, stringValue, type Expr, type Statement } from './parse.js';
import { INT64_RANGE, MAX_UINT64, isTrue, toText, toTextOfType } from './values.js';
import { aggregateCall, aggregateResultType, isAggregateNode } from './aggregate.js';
import { systemVariableType } from './system-variable-defaults.js';
import { setUserVariable, userVariableType } from './user-variables.js';

export type { CompiledExpr, EvalEnv, ExprScope, NamedLockSession, SessionContext, SubqueryRunner } from './compiled-expr.js';

const TRUE = 1n;
const FALSE = 0n;

/** What function compilers need from the expression compiler. */
export interface ExprCompiler {
  readonly scope: ExprScope;
  compile(node: Expr): CompiledExpr;
  /** Renders a node as SQL text for error messages (MySQL's `'(a + 1)'` in error 1690). */
  render(node: Expr): string;
}

/**
 * Compiles an expression AST once into a closure tree; evaluation walks no AST.
 *
 * Compile-time errors: 1054/1052 from the scope, 1305 `FUNCTION <db>.<name> does not exist`, 1582
 * wrong argument count, 1111 aggregate where the scope has none, 1235 unsupported syntax, 1241 a row
 * where a value is needed. Evaluation errors: 1105 `missing bind var <name>`, 1690 BIGINT/DOUBLE out of
 * range, 1242 a scalar subquery returning more than one row, 3141 invalid JSON. The AST is only read.
 */
export function compileExpr(ast: Expr, scope: ExprScope): CompiledExpr {
  const compiler: ExprCompiler = { scope, compile: (n) => compileNode(n, compiler), render: renderExpr };
  return compiler.compile(ast);
}

function unsupported(what: string): SqlError {
  return sqlError(ER.NOT_SUPPORTED_YET, `This version of vtsim doesn't yet support '${what}'`);
}

function compileNode(node: Expr, c: ExprCompiler): CompiledExpr {
  if (node.type === undefined && node.ast) return compileScalarSubquery(node.ast, c);
  switch (node.type) {
    case 'number': case 'bigint': return numberLiteral(node.value);
    case 'single_quote_string': case 'double_quote_string': case 'natural_string': case 'string': case 'regex_string':
      return stringLiteral(stringValue(node), node.prefix);
    case 'hex_string': case 'full_hex_string': {
      const hex = String(node.value);
      return constant(Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex'), Type.VARBINARY);
    }
    case 'bit_string': {
      const bits = String(node.value);
      const n = bits === '' ? 0n : BigInt('0b' + bits);
      const len = Math.max(1, Math.ceil(bits.length / 8));
      return constant(Buffer.from(n.toString(16).padStart(len * 2, '0'), 'hex'), Type.VARBINARY);
    }
    case 'null': return constant(null, Type.NULL_TYPE);
    case 'bool': return constant(node.value ? TRUE : FALSE, Type.INT64);
    case 'date': case 'time': case 'timestamp': case 'datetime': return temporalLiteral(node.type, String(node.value));
    case 'param': return compileParam(String(node.value));
    case 'origin':
      if (node.value === '?') throw sqlError(ER.UNKNOWN_ERROR, 'positional bind variables (?) are not supported; use :name');
      throw unsupported(String(node.value));
    case 'column_ref': return compileColumn(node, c);
    case 'var': return compileVariable(node);
    case 'assign': return compileAssign(node, c);
    case 'binary_expr': return compileBinary(node, c);
    case 'unary_expr': return compileUnary(node, c);
    case 'case': return compileCase(node, c);
    case 'function':
      if (isAggregateNode(node)) return compileAggregate(node, c);
      if (isExistsCall(node)) return compileExists(node.args.value[0].ast, c, false);
      return compileFunction(node, c);
    case 'aggr_func': return compileAggregate(node, c);
    case 'cast': return compileCast(node, c);
    case 'extract': return compileFunction({ type: 'function', name: { name: [{ value: 'extract' }] }, args: { type: 'expr_list', value: [{ type: 'origin', value: node.args.field }, node.args.source] } }, c);
    case 'expr_list': {
      const list: Expr[] = node.value ?? [];
      if (list.length === 1) return c.compile(list[0]!);
      throw sqlError(ER.OPERAND_COLUMNS, 'Operand should contain 1 column(s)');
    }
    case 'interval': throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near 'interval'`);
    default: throw unsupported(`expression ${node.type}`);
  }
}

// ---- literals ----------------------------------------------------------------------------------

/** Types a numeric literal as MySQL does: integers are BIGINT (UNSIGNED past 2^63−1, DECIMAL past 2^64−1), `1.5` is DECIMAL, `1e3` is DOUBLE. */
function numberLiteral(value: number | string): CompiledExpr {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Number.isSafeInteger(value)) return constant(BigInt(value), Type.INT64);
    return numberLiteral(String(value));
  }
  const text = value.trim();
  if (/[eE]/.test(text)) return constant(Number(text), Type.FLOAT64);
  const d = parseDecimal(text);
  if (d === null) throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near '${text}'`);
  if (d.scale > 0) return constant(formatDecimal(d), Type.DECIMAL);
  if (d.unscaled >= INT64_RANGE[0] && d.unscaled <= INT64_RANGE[1]) return constant(d.unscaled, Type.INT64);
  if (d.unscaled >= 0n && d.unscaled <= MAX_UINT64) return constant(d.unscaled, Type.UINT64);
  return constant(formatDecimal(d), Type.DECIMAL);
}

function stringLiteral(value: string, prefix: unknown): CompiledExpr {
  const p = typeof prefix === 'string' ? prefix.toLowerCase() : '';
  if (p === '_binary' || p === 'binary') return constant(Buffer.from(value, 'utf8'), Type.VARBINARY);
  return constant(value, Type.VARCHAR);
}

function temporalLiteral(kind: string, value: string): CompiledExpr {
  if (kind === 'time') {
    const t = parseTime(value);
    if (!t) throw sqlError(ER.TRUNCATED_WRONG_VALUE, `Incorrect TIME value: '${value}'`);
    return constant(formatTime(t, t.micro ? 6 : 0), Type.TIME);
  }
  const dt = parseDateTime(value);
  if (!dt) throw sqlError(ER.TRUNCATED_WRONG_VALUE, `Incorrect ${kind === 'date' ? 'DATE' : 'DATETIME'} value: '${value}'`);
  if (kind === 'date') return constant(formatDate(dt), Type.DATE);
  return constant(formatDateTime(dt, dt.micro ? 6 : 0), Type.DATETIME);
}

function compileParam(name: string): CompiledExpr {
  return typed((env) => {
    const v = env.bindVars[name];
    if (v === undefined) throw sqlError(ER.UNKNOWN_ERROR, `missing bind var ${name}`);
    if (Array.isArray(v)) throw sqlError(ER.OPERAND_COLUMNS, 'Operand should contain 1 column(s)');
    return v;
  }, Type.EXPRESSION);
}

// ---- names -------------------------------------------------------------------------------------

function compileColumn(node: Expr, c: ExprCompiler): CompiledExpr {
  const name = identName(node.column);
  if (name === '*') throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near '*'`);
  const table = node.table == null ? null : identName(node.table);
  const col = c.scope.column(table, name);
  const index = col.index;
  return typed((env) => env.row[index]!, col.type ? col.type.type : Type.EXPRESSION, col.type ?? undefined);
}

function systemVariableName(node: Expr): { name: string; scope: 'session' | 'global' } {
  const head = String(node.name).toLowerCase();
  const members: string[] = node.members ?? [];
  if ((head === 'session' || head === 'global' || head === 'local') && members.length > 0) {
    return { name: members.join('.').toLowerCase(), scope: head === 'global' ? 'global' : 'session' };
  }
  return { name: [head, ...members].join('.').toLowerCase(), scope: 'session' };
}

/**
 * `@@name` typed as MySQL types the variable (an integer variable SET to ON/OFF or a numeric string
 * reads as the number), `@name` typed by what it holds (see user-variables.ts).
 */
function compileVariable(node: Expr): CompiledExpr {
  if (node.prefix === '@@') {
    const { name, scope } = systemVariableName(node);
    const type = systemVariableType(name);
    if (type !== Type.INT64 && type !== Type.UINT64) return typed((env) => env.session.systemVariable(name, scope), type);
    return typed((env) => integerSetting(env.session.systemVariable(name, scope)), type);
  }
  const name = [String(node.name), ...(node.members ?? [])].join('.').toLowerCase();
  const read = typed((env) => env.session.userVariables.get(name) ?? null, Type.EXPRESSION);
  return Object.assign(read, { valueType: (env: EvalEnv) => userVariableType(env.session, name) });
}

/** An integer system variable's value held as text (`ON`, `OFF`, `'5'`) as its number; other values unchanged. */
function integerSetting(v: SqlValue): SqlValue {
  if (typeof v !== 'string') return v;
  const t = v.trim().toUpperCase();
  if (t === 'ON' || t === 'TRUE') return TRUE;
  if (t === 'OFF' || t === 'FALSE') return FALSE;
  return /^[-+]?\d+$/.test(t) ? BigInt(t) : v;
}

function compileAssign(node: Expr, c: ExprCompiler): CompiledExpr {
  const left = node.left as Expr;
  if (left.type !== 'var' || left.prefix !== '@') throw unsupported('assignment to ' + renderExpr(left));
  const name = [String(left.name), ...(left.members ?? [])].join('.').toLowerCase();
  const value = c.compile(node.right);
  return typed((env) => {
    const v = value(env);
    setUserVariable(env.session, name, v, value.valueType?.(env) ?? value.type);
    return v;
  }, value.type);
}

// ---- operators ---------------------------------------------------------------------------------

function bool(b: boolean | null): SqlValue {
  return b === null ? null : b ? TRUE : FALSE;
}

function compileBinary(node: Expr, c: ExprCompiler): CompiledExpr {
  const op = String(node.operator).toUpperCase();
  switch (op) {
    case 'AND': case '&&': return logical(c.compile(node.left), c.compile(node.right), 'AND');
    case 'OR': case '||': return logical(c.compile(node.left), c.compile(node.right), 'OR');
    case 'XOR': return logical(c.compile(node.left), c.compile(node.right), 'XOR');
    case '=': case '!=': case '<>': case '<': case '<=': case '>': case '>=': case '<=>':
      return compileComparison(op, node, c);
    case 'IS': case 'IS NOT': return compileIs(node, c, op === 'IS NOT');
    case 'IN': case 'NOT IN': return compileIn(node, c, op === 'NOT IN');
    case 'BETWEEN': case 'NOT BETWEEN': return compileBetween(node, c, op === 'NOT BETWEEN');
    case 'LIKE': case 'NOT LIKE': return compileLike(node, c, op === 'NOT LIKE');
    case 'REGEXP': case 'RLIKE': case 'NOT REGEXP': case 'NOT RLIKE': return compileRegexp(node, c, op.startsWith('NOT'));
    case '+': case '-':
      if (node.right?.type === 'interval' || node.left?.type === 'interval') return compileIntervalArithmetic(node, c, op);
      return compileArithmetic(op, node, c);
    case '*': case '/': case 'DIV': return compileArithmetic(op, node, c);
    case '%': case 'MOD': return compileArithmetic('%', node, c);
    case '&': case '|': case '^': case '<<': case '>>': return compileBitwise(op, c.compile(node.left), c.compile(node.right));
    case '->': case '->>': {
      const doc = c.compile(node.left);
      const path = c.compile(node.right);
      const extract = jsonExtract([doc, path], 'json_extract');
      return op === '->' ? extract : jsonUnquote(extract);
    }
    default: throw unsupported(`operator ${node.operator}`);
  }
}

function logical(l: CompiledExpr, r: CompiledExpr, op: 'AND' | 'OR' | 'XOR'): CompiledExpr {
  if (op === 'AND') {
    return typed((env) => {
      const a = isTrue(l(env));
      if (a === false) return FALSE;
      const b = isTrue(r(env));
      if (b === false) return FALSE;
      return a === null || b === null ? null : TRUE;
    }, Type.INT64);
  }
  if (op === 'OR') {
    return typed((env) => {
      const a = isTrue(l(env));
      if (a === true) return TRUE;
      const b = isTrue(r(env));
      if (b === true) return TRUE;
      return a === null || b === null ? null : FALSE;
    }, Type.INT64);
  }
  return typed((env) => {
    const a = isTrue(l(env));
    const b = isTrue(r(env));
    return a === null || b === null ? null : bool(a !== b);
  }, Type.INT64);
}

function isRow(node: Expr): boolean {
  return node.type === 'expr_list' && Array.isArray(node.value) && node.value.length > 1;
}

function testOf(op: string): (d: number) => boolean {
  switch (op) {
    case '=': case '<=>': return (d) => d === 0;
    case '!=': case '<>': return (d) => d !== 0;
    case '<': return (d) => d < 0;
    case '<=': return (d) => d <= 0;
    case '>': return (d) => d > 0;
    default: return (d) => d >= 0;
  }
}

function compileComparison(op: string, node: Expr, c: ExprCompiler): CompiledExpr {
  const quantifier = quantifierOf(node.right);
  if (quantifier !== null) return compileQuantified(op, node.left, quantifier, node.right.args.value[0], c);
  if (isRow(node.left) || isRow(node.right)) return compileRowComparison(op, node, c);
  const l = c.compile(node.left);
  const r = c.compile(node.right);
  const cmp = fixedRealComparator(l, r) ?? makeComparator(l.type, r.type);
  if (op === '<=>') {
    return typed((env) => {
      const a = l(env);
      const b = r(env);
      if (a === null || b === null) return bool(a === b);
      return bool(cmp(a, b) === 0);
    }, Type.INT64);
  }
  if (op === '=') {
    return typed((env) => {
      const a = l(env);
      if (a === null) return null;
      const b = r(env);
      if (b === null) return null;
      if (typeof a === 'bigint' && typeof b === 'bigint') return a === b ? TRUE : FALSE;
      return cmp(a, b) === 0 ? TRUE : FALSE;
    }, Type.INT64);
  }
  const test = testOf(op);
  return typed((env) => {
    const a = l(env);
    if (a === null) return null;
    const b = r(env);
    if (b === null) return null;
    return test(cmp(a, b)) ? TRUE : FALSE;
  }, Type.INT64);
}

/**
 * The quantifier of a comparison's right side written `ALL (…)`, `ANY (…)` or `SOME (…)` (which
 * node-sql-parser reads as a call), or null for any other operand. Throws SqlError 1064 when the
 * quantifier is not followed by a subquery, as MySQL's grammar allows nothing else there.
 */
function quantifierOf(right: Expr): 'ALL' | 'ANY' | null {
  if (right?.type !== 'function' || right.name?.name?.length !== 1) return null;
  const word = String(right.name.name[0].value).toUpperCase();
  if (word !== 'ALL' && word !== 'ANY' && word !== 'SOME') return null;
  const args: Expr[] = right.args?.value ?? [];
  if (args.length !== 1 || !args[0]!.ast || args[0]!.type) throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near '${word.toLowerCase()}'`);
  return word === 'ALL' ? 'ALL' : 'ANY';
}

/**
 * `x op ALL (subquery)` and `x op ANY|SOME (subquery)` with MySQL's three-valued logic: ALL over no
 * rows is TRUE and ANY over no rows is FALSE (whatever x is); otherwise a row deciding the answer
 * (a false comparison for ALL, a true one for ANY) wins, and a NULL on either side without such a row
 * makes the result NULL. The subquery must return one column (SqlError 1241).
 */
function compileQuantified(op: string, leftNode: Expr, quantifier: 'ALL' | 'ANY', sub: Expr, c: ExprCompiler): CompiledExpr {
  if (isRow(leftNode)) throw sqlError(ER.OPERAND_COLUMNS, 'Operand should contain 1 column(s)');
  const run = subqueryRunner(sub.ast, c);
  const left = c.compile(leftNode);
  const cmp = makeComparator(left.type, Type.EXPRESSION);
  const test = testOf(op);
  const all = quantifier === 'ALL';
  return typed((env) => {
    const a = left(env);
    const rows = run(env);
    let sawNull = false;
    for (const row of rows) {
      if (row.length !== 1) throw sqlError(ER.OPERAND_COLUMNS, 'Operand should contain 1 column(s)');
      const b = row[0]!;
      let holds: boolean | null;
      if (a === null || b === null) holds = op === '<=>' ? a === b : null;
      else holds = test(cmp(a, b));
      if (holds === null) sawNull = true;
      else if (holds !== all) return all ? FALSE : TRUE;
    }
    return sawNull ? null : all ? TRUE : FALSE;
  }, Type.INT64);
}

/** Row values: `(a, b) = (1, 2)` and `(a, b) < (1, 2)` compare element-wise with SQL NULL logic. */
function compileRowComparison(op: string, node: Expr, c: ExprCompiler): CompiledExpr {
  const ls = rowItems(node.left, c);
  const rs = rowItems(node.right, c);
  if (ls.length !== rs.length) throw sqlError(ER.OPERAND_COLUMNS, `Operand should contain ${ls.length} column(s)`);
  const rowCmp = rowComparator(ls, rs);
  const test = testOf(op);
  return typed((env) => {
    const d = rowCmp(env, op === '<=>');
    return d === null ? null : bool(test(d));
  }, Type.INT64);
}

function rowItems(node: Expr, c: ExprCompiler): CompiledExpr[] {
  return node.type === 'expr_list' ? (node.value as Expr[]).map((n) => c.compile(n)) : [c.compile(node)];
}

/** Lexicographic row comparison; null when a NULL decides the result (unless `nullSafe`). */
function rowComparator(ls: CompiledExpr[], rs: CompiledExpr[]): (env: EvalEnv, nullSafe: boolean) => number | null {
  const cmps = ls.map((l, i) => makeComparator(l.type, rs[i]!.type));
  return (env, nullSafe) => {
    let sawNull = false;
    for (let i = 0; i < ls.length; i++) {
      const a = ls[i]!(env);
      const b = rs[i]!(env);
      if (a === null || b === null) {
        if (nullSafe) {
          if (a !== b) return a === null ? -1 : 1;
          continue;
        }
        sawNull = true;
        continue;
      }
      const d = cmps[i]!(a, b);
      if (d !== 0) return sawNull ? null : d;
    }
    return sawNull ? null : 0;
  };
}

function compileIs(node: Expr, c: ExprCompiler, not: boolean): CompiledExpr {
  const v = c.compile(node.left);
  const right = node.right as Expr;
  let test: (x: SqlValue) => boolean;
  if (right.type === 'null' || (right.type === 'column_ref' && identName(right.column).toLowerCase() === 'unknown')) {
    test = (x) => isTrue(x) === null;
  } else if (right.type === 'bool') {
    const want = Boolean(right.value);
    test = (x) => isTrue(x) === want;
  } else {
    throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near '${renderExpr(right)}'`);
  }
  return typed((env) => bool(test(v(env)) !== not), Type.INT64);
}

function compileIn(node: Expr, c: ExprCompiler, not: boolean): CompiledExpr {
  const right = node.right as Expr;
  const items: Expr[] = right.type === 'expr_list' ? right.value : [right];
  if (items.length === 1 && items[0]!.ast && !items[0]!.type) return compileInSubquery(node.left, items[0]!.ast, c, not);
  if (isRow(node.left)) return compileRowIn(node.left, items, c, not);
  const left = c.compile(node.left);
  // `a IN (:list)` with a list-valued bind variable (vtgate's normalized IN).
  if (items.length === 1 && items[0]!.type === 'param') {
    const name = String(items[0]!.value);
    const cmp = makeComparator(left.type, Type.EXPRESSION);
    return typed((env) => {
      const a = left(env);
      const bv = env.bindVars[name];
      if (bv === undefined) throw sqlError(ER.UNKNOWN_ERROR, `missing bind var ${name}`);
      return inResult(a, Array.isArray(bv) ? bv : [bv], cmp, not);
    }, Type.INT64);
  }
  const compiled = items.map((n) => c.compile(n));
  // All-integer literal lists against an integer operand: a hash lookup.
  if (isIntType(left.type) && items.every((n) => n.type === 'number' || n.type === 'bigint') && compiled.every((e) => e.type === Type.INT64 || e.type === Type.UINT64)) {
    const noEnv = undefined as unknown as EvalEnv;
    const set = new Set(compiled.map((e) => e(noEnv) as bigint));
    return typed((env) => {
      const a = left(env);
      if (a === null) return null;
      if (typeof a === 'bigint') return bool(set.has(a) !== not);
      return inResult(a, [...set], makeComparator(left.type, Type.INT64), not);
    }, Type.INT64);
  }
  const cmps = compiled.map((e) => makeComparator(left.type, e.type));
  return typed((env) => {
    const a = left(env);
    if (a === null) return null;
    let sawNull = false;
    for (let i = 0; i < compiled.length; i++) {
      const b = compiled[i]!(env);
      if (b === null) {
        sawNull = true;
        continue;
      }
      if (cmps[i]!(a, b) === 0) return not ? FALSE : TRUE;
    }
    return sawNull ? null : not ? TRUE : FALSE;
  }, Type.INT64);
}

function inResult(a: SqlValue, list: readonly SqlValue[], cmp: Comparator, not: boolean): SqlValue {
  // Only a list bind variable is empty (vtgate's pulled-out `IN (subquery)` without rows): NULL IN () is false, as over an empty subquery.
  if (list.length === 0) return not ? TRUE : FALSE;
  if (a === null) return null;
  let sawNull = false;
  for (const b of list) {
    if (b === null) {
      sawNull = true;
      continue;
    }
    if (cmp(a, b) === 0) return not ? FALSE : TRUE;
  }
  return sawNull ? null : not ? TRUE : FALSE;
}

function compileRowIn(leftNode: Expr, items: Expr[], c: ExprCompiler, not: boolean): CompiledExpr {
  const ls = rowItems(leftNode, c);
  const rows = items.map((item) => {
    const rs = rowItems(item, c);
    if (rs.length !== ls.length) throw sqlError(ER.OPERAND_COLUMNS, `Operand should contain ${ls.length} column(s)`);
    return rowComparator(ls, rs);
  });
  return typed((env) => {
    let sawNull = false;
    for (const cmp of rows) {
      const d = cmp(env, false);
      if (d === null) sawNull = true;
      else if (d === 0) return not ? FALSE : TRUE;
    }
    return sawNull ? null : not ? TRUE : FALSE;
  }, Type.INT64);
}

function subqueryRunner(ast: Statement, c: ExprCompiler): SubqueryRunner {
  if (!c.scope.subquery) throw unsupported('subqueries here');
  return c.scope.subquery(ast);
}

function compileInSubquery(leftNode: Expr, ast: Statement, c: ExprCompiler, not: boolean): CompiledExpr {
  const run = subqueryRunner(ast, c);
  const ls = rowItems(leftNode, c);
  const cmps = ls.map((l) => makeComparator(l.type, Type.EXPRESSION));
  return typed((env) => {
    const a = ls.map((l) => l(env));
    const rows = run(env);
    let sawNull = a.includes(null) && rows.length > 0;
    for (const row of rows) {
      if (row.length !== a.length) throw sqlError(ER.OPERAND_COLUMNS, `Operand should contain ${a.length} column(s)`);
      let eq: boolean | null = true;
      for (let i = 0; i < a.length; i++) {
        const x = a[i]!;
        const y = row[i]!;
        if (x === null || y === null) eq = eq === false ? false : null;
        else if (cmps[i]!(x, y) !== 0) eq = false;
      }
      if (eq === true) return not ? FALSE : TRUE;
      if (eq === null) sawNull = true;
    }
    return sawNull ? null : not ? TRUE : FALSE;
  }, Type.INT64);
}

/** A scalar subquery: typed as its one column where the planner knows that column's type. */
function compileScalarSubquery(ast: Statement, c: ExprCompiler): CompiledExpr {
  const run = subqueryRunner(ast, c);
  const column = run.columnTypes?.length === 1 ? run.columnTypes[0] : null;
  return typed((env) => {
    const rows = run(env);
    if (rows.length === 0) return null;
    if (rows.length > 1) throw sqlError(ER.SUBQUERY_NO_1_ROW, 'Subquery returns more than 1 row');
    if (rows[0]!.length !== 1) throw sqlError(ER.OPERAND_COLUMNS, 'Operand should contain 1 column(s)');
    return rows[0]![0]!;
  }, column ? column.type : Type.EXPRESSION, column ?? undefined);
}

function isExistsCall(node: Expr): boolean {
  const name = node.name?.name;
  return name?.length === 1 && String(name[0].value).toLowerCase() === 'exists' && node.args?.value?.length === 1 && !!node.args.value[0].ast;
}

/** EXISTS (subquery) / NOT EXISTS (subquery). */
function compileExists(ast: Statement, c: ExprCompiler, not: boolean): CompiledExpr {
  const run = subqueryRunner(ast, c);
  return typed((env) => bool((run(env).length > 0) !== not), Type.INT64);
}

function compileBetween(node: Expr, c: ExprCompiler, not: boolean): CompiledExpr {
  const v = c.compile(node.left);
  const [loNode, hiNode] = node.right.value as Expr[];
  const lo = c.compile(loNode!);
  const hi = c.compile(hiNode!);
  const cl = makeComparator(v.type, lo.type);
  const ch = makeComparator(v.type, hi.type);
  return typed((env) => {
    const x = v(env);
    const a = lo(env);
    const b = hi(env);
    const geLo = x === null || a === null ? null : cl(x, a) >= 0;
    const leHi = x === null || b === null ? null : ch(x, b) <= 0;
    let r: boolean | null;
    if (geLo === false || leHi === false) r = false;
    else if (geLo === null || leHi === null) r = null;
    else r = true;
    return r === null ? null : bool(r !== not);
  }, Type.INT64);
}

function compileLike(node: Expr, c: ExprCompiler, not: boolean): CompiledExpr {
  const subject = c.compile(node.left);
  const patternNode = node.right as Expr;
  const pattern = c.compile(patternNode);
  const escapeNode: Expr | undefined = patternNode.escape?.value;
  const escape = escapeNode ? stringValue(escapeNode) : '\\';
  const binary = isBinaryCollated(subject.type) || isBinaryCollated(pattern.type);
  const matcherFor = cachedMatcher((p) => likeMatcher(p, escape, binary));
  return typed((env) => {
    const s = subject(env);
    const p = pattern(env);
    if (s === null || p === null) return null;
    return bool(matcherFor(toText(p)!)(toTextOfType(s, subject.type)!) !== not);
  }, Type.INT64);
}

function compileRegexp(node: Expr, c: ExprCompiler, not: boolean): CompiledExpr {
  const subject = c.compile(node.left);
  const pattern = c.compile(node.right);
  const binary = isBinaryCollated(subject.type) || isBinaryCollated(pattern.type);
  const matcherFor = cachedMatcher((p) => regexpMatcher(p, binary));
  return typed((env) => {
    const s = subject(env);
    const p = pattern(env);
    if (s === null || p === null) return null;
    return bool(matcherFor(toText(p)!)(toTextOfType(s, subject.type)!) !== not);
  }, Type.INT64);
}

/** Memoizes the matcher of the last pattern seen (patterns are usually constant). */
function cachedMatcher(build: (pattern: string) => Matcher): (pattern: string) => Matcher {
  let lastPattern: string | null = null;
  let last: Matcher | null = null;
  return (p) => {
    if (p !== lastPattern) {
      last = build(p);
      lastPattern = p;
    }
    return last!;
  };
}

/** The result type of `l aop r` for operand types `lt` and `rt` (DECIMAL for `/` of exact numbers, an integer for DIV). */
function arithmeticResultType(aop: ArithOp, lt: Type, rt: Type): Type {
  if (aop === 'DIV') return isUnsignedType(lt) || isUnsignedType(rt) ? Type.UINT64 : Type.INT64;
  const type = arithmeticType(lt, rt);
  return aop === '/' && type !== Type.FLOAT64 && type !== Type.EXPRESSION ? Type.DECIMAL : type;
}

/**
 * An arithmetic operand as MySQL reads it in a numeric context: a hex literal (`0x41`, `x'41'`) of
 * at most 8 bytes is the unsigned integer of its bytes, the NULL literal is typed as the string it
 * is (so the result is DOUBLE, as MySQL types `1 + NULL`), anything else is compiled as usual.
 */
function numericOperand(node: Expr, c: ExprCompiler): CompiledExpr {
  if ((node.type === 'full_hex_string' || node.type === 'hex_string') && typeof node.value === 'string' && /^[0-9a-f]{1,16}$/i.test(node.value)) {
    return constant(BigInt(`0x${node.value}`), Type.UINT64);
  }
  if (node.type === 'null') return constant(null, Type.VARBINARY);
  return c.compile(node);
}

function compileArithmetic(op: string, node: Expr, c: ExprCompiler): CompiledExpr {
  const l = numericOperand(node.left, c);
  const r = numericOperand(node.right, c);
  const aop = (op === 'MOD' ? '%' : op) as ArithOp;
  const type = arithmeticResultType(aop, l.type, r.type);
  const unsigned = isUnsignedType(l.type) || isUnsignedType(r.type);
  const lt = l.type;
  const rt = r.type;
  const text = () => renderExpr(node);
  const nullable = aop === '/' || aop === 'DIV' || aop === '%' || l.nullable !== false || r.nullable !== false;
  if (type === Type.EXPRESSION && (l.valueType || r.valueType)) {
    // An operand whose type the session knows (a user variable: a DECIMAL held as text) is computed,
    // and types the result, as that type in that session.
    const lIn = (env: EvalEnv) => l.valueType?.(env) ?? lt;
    const rIn = (env: EvalEnv) => r.valueType?.(env) ?? rt;
    const compiled = typed((env) => {
      const a = l(env);
      const b = r(env);
      const at = lIn(env);
      const bt = rIn(env);
      const v = arithmetic(aop, a, b, at, bt, isUnsignedType(at) || isUnsignedType(bt), text);
      if (v === null && a !== null && b !== null && (aop === '/' || aop === 'DIV' || aop === '%')) env.session.warn?.(ER.DIVISION_BY_ZERO[0], 'Division by 0');
      return v;
    }, type, undefined, nullable);
    return Object.assign(compiled, { valueType: (env: EvalEnv) => arithmeticResultType(aop, lIn(env), rIn(env)) });
  }
  if (aop === '/' || aop === 'DIV' || aop === '%') {
    // Division by zero is NULL with warning 1365 (an error only where sql_mode makes it one in DML).
    return typed((env) => {
      const a = l(env);
      const b = r(env);
      const v = arithmetic(aop, a, b, lt, rt, unsigned, text);
      if (v === null && a !== null && b !== null) env.session.warn?.(ER.DIVISION_BY_ZERO[0], 'Division by 0');
      return v;
    }, type, undefined, nullable);
  }
  return typed((env) => arithmetic(aop, l(env), r(env), lt, rt, unsigned, text), type, undefined, nullable);
}

function compileIntervalArithmetic(node: Expr, c: ExprCompiler, op: string): CompiledExpr {
  const intervalOnLeft = node.left?.type === 'interval';
  if (intervalOnLeft && op === '-') throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near '-'`);
  const iv = (intervalOnLeft ? node.left : node.right) as Expr;
  const date = c.compile(intervalOnLeft ? node.right : node.left);
  return dateArithmetic(date, c.compile(iv.expr), String(iv.unit), op === '-');
}

function toUint64(v: SqlValue, t: Type): bigint {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  const n = castValue(v, t, { kind: 'UNSIGNED' });
  return n as bigint;
}

function compileBitwise(op: string, l: CompiledExpr, r: CompiledExpr): CompiledExpr {
  const lt = l.type;
  const rt = r.type;
  const f: (a: bigint, b: bigint) => bigint =
    op === '&' ? (a, b) => a & b
      : op === '|' ? (a, b) => a | b
        : op === '^' ? (a, b) => a ^ b
          : op === '<<' ? (a, b) => (b >= 64n ? 0n : BigInt.asUintN(64, a << b))
            : (a, b) => (b >= 64n ? 0n : a >> b);
  return typed((env) => {
    const a = l(env);
    const b = r(env);
    if (a === null || b === null) return null;
    return f(toUint64(a, lt), toUint64(b, rt));
  }, Type.UINT64);
}

function compileUnary(node: Expr, c: ExprCompiler): CompiledExpr {
  const op = String(node.operator).toUpperCase();
  if (op === 'NOT EXISTS' || op === 'EXISTS') {
    const inner = node.expr as Expr;
    const ast = inner.ast ?? (inner.type === 'expr_list' ? inner.value?.[0]?.ast : undefined);
    if (!ast) throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near 'exists'`);
    return compileExists(ast, c, op === 'NOT EXISTS');
  }
  const v = c.compile(node.expr);
  switch (op) {
    case 'NOT': case '!':
      return typed((env) => {
        const b = isTrue(v(env));
        return b === null ? null : bool(!b);
      }, Type.INT64);
    case '-': {
      const t = v.type;
      const inner = node.expr as Expr;
      if (inner.type === 'unary_expr' && inner.operator === '-' && (inner.expr.type === 'bigint' || inner.expr.type === 'number') && BigInt(String(inner.expr.value)) === -INT64_RANGE[0]) {
        // `-(-9223372036854775808)`: negating the BIGINT literal LLONG_MIN gives a DECIMAL (MySQL's Item_int::neg).
        return constant((-INT64_RANGE[0]).toString(), Type.DECIMAL);
      }
      if ((node.expr.type === 'bigint' || node.expr.type === 'number') && t === Type.UINT64) {
        // MySQL's lexer-level negation: `-9223372036854775808` is BIGINT, anything further out is DECIMAL.
        const magnitude = BigInt(String(node.expr.value));
        return magnitude === -INT64_RANGE[0] ? constant(INT64_RANGE[0], Type.INT64) : constant(`-${magnitude}`, Type.DECIMAL);
      }
      const text = () => renderExpr(node);
      const type = isIntType(t) ? Type.INT64 : t === Type.DECIMAL || t === Type.EXPRESSION ? t : Type.FLOAT64;
      return typed((env) => negate(v(env), t, text), type, undefined, v.nullable !== false);
    }
    case '+': return v;
    case '~': {
      const t = v.type;
      return typed((env) => {
        const a = v(env);
        return a === null ? null : BigInt.asUintN(64, ~toUint64(a, t));
      }, Type.UINT64);
    }
    default: throw unsupported(`operator ${node.operator}`);
  }
}

function compileCase(node: Expr, c: ExprCompiler): CompiledExpr {
  const args: Expr[] = node.args ?? [];
  const whens = args.filter((a) => a.type === 'when');
  const elseNode = args.find((a) => a.type === 'else');
  const results = whens.map((w) => c.compile(w.result));
  const elseExpr = elseNode ? c.compile(elseNode.result) : constant(null, Type.NULL_TYPE);
  const type = unifyTypes([...results.map((r) => r.type), elseExpr.type]);
  const conv = (e: CompiledExpr) => convertToType(e, type);
  const outs = results.map(conv);
  const otherwise = conv(elseExpr);
  if (node.expr) {
    const subject = c.compile(node.expr);
    const conds = whens.map((w) => c.compile(w.cond));
    const cmps = conds.map((cd) => makeComparator(subject.type, cd.type));
    return typed((env) => {
      const s = subject(env);
      if (s !== null) {
        for (let i = 0; i < conds.length; i++) {
          const w = conds[i]!(env);
          if (w !== null && cmps[i]!(s, w) === 0) return outs[i]!(env);
        }
      }
      return otherwise(env);
    }, type);
  }
  const conds = whens.map((w) => c.compile(w.cond));
  return typed((env) => {
    for (let i = 0; i < conds.length; i++) if (isTrue(conds[i]!(env)) === true) return outs[i]!(env);
    return otherwise(env);
  }, type);
}

function compileAggregate(node: Expr, c: ExprCompiler): CompiledExpr {
  if (!c.scope.aggregate) throw sqlError(ER.INVALID_GROUP_FUNC_USE, 'Invalid use of group function');
  const call = aggregateCall(node);
  if (!call) throw unsupported(`aggregate ${renderExpr(node)}`);
  let argType: Type = Type.EXPRESSION;
  if (call.args.length === 1) {
    try {
      argType = compileExpr(call.args[0]!, { column: (t, n) => c.scope.column(t, n) }).type;
    } catch (e) {
      if (!(e instanceof SqlError)) throw e;
    }
  }
  const index = c.scope.aggregate(node);
  const counts = call.name === 'COUNT' || call.name === 'COUNT_DISTINCT';
  return typed((env) => env.row[index]!, aggregateResultType(call.name, argType), undefined, !counts);
}

function compileCast(node: Expr, c: ExprCompiler): CompiledExpr {
  const v = c.compile(node.expr);
  const targetDef = (node.target as Expr[])[0]!;
  const target = castTargetOf(targetDef as unknown as { dataType: string });
  const { type, columnType } = castResultType(target);
  const from = v.type;
  return typed((env) => castValue(v(env), from, target), type, columnType);
}

// ---- rendering ---------------------------------------------------------------------------------

/** Renders an expression AST as SQL text, the way MySQL quotes expressions in error messages. */
export function renderExpr(node: Expr): string {
  if (!node) return '';
  if (node.type === undefined && node.ast) return '(subquery)';
  switch (node.type) {
    case 'number': case 'bigint': return String(node.value);
    case 'single_quote_string': case 'double_quote_string': case 'natural_string': case 'string': return `'${node.value}'`;
    case 'hex_string': case 'full_hex_string': return `0x${node.value}`;
    case 'bit_string': return `b'${node.value}'`;
    case 'null': return 'NULL';
    case 'bool': return node.value ? 'true' : 'false';
    case 'param': return `:${node.value}`;
    case 'column_ref': {
      const col = `\`${identName(node.column)}\``;
      return node.table == null ? col : `\`${identName(node.table)}\`.${col}`;
    }
    case 'var': return `${node.prefix}${[node.name, ...(node.members ?? [])].join('.')}`;
    case 'binary_expr': {
      if (node.right?.type === 'expr_list') return `(${renderExpr(node.left)} ${String(node.operator).toLowerCase()} (${(node.right.value as Expr[]).map(renderExpr).join(',')}))`;
      return `(${renderExpr(node.left)} ${String(node.operator).toLowerCase()} ${renderExpr(node.right)})`;
    }
    case 'unary_expr': return `${node.operator}${renderExpr(node.expr)}`;
    case 'function': {
      const name = (node.name?.name ?? []).map((p: { value: string }) => p.value).join('.');
      return `${name}(${((node.args?.value ?? []) as Expr[]).map(renderExpr).join(',')})`;
    }
    case 'aggr_func': return `${String(node.name).toLowerCase()}(${node.args?.expr ? renderExpr(node.args.expr) : ''})`;
    case 'cast': return `cast(${renderExpr(node.expr)} as ${String(node.target?.[0]?.dataType).toLowerCase()})`;
    case 'expr_list': return (node.value as Expr[]).map(renderExpr).join(',');
    case 'interval': return `interval ${renderExpr(node.expr)} ${node.unit}`;
    default: return String(node.value ?? node.type);
  }
}

