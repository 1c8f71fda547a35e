/**
 * MySQL spellings node-sql-parser's grammar does not read, respelt before parsing: the aggregates
 * `SUM|AVG|MIN|MAX(DISTINCT …)`, `SUM|AVG|MIN|MAX(ALL …)`, `STD(…)` and `VARIANCE(…)` become plain
 * function calls with a marker name, turned back after parsing into the aggregate nodes the rest of
 * vtsim reads; the window frames `RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW` and
 * `RANGE UNBOUNDED PRECEDING` (MySQL's default frame) are dropped, and `RANGE BETWEEN UNBOUNDED
 * PRECEDING AND UNBOUNDED FOLLOWING` becomes the equivalent ROWS frame, and other RANGE frames with
 * numeric or INTERVAL offsets become a marker ORDER BY item carrying their bounds, turned back into a
 * `{type: 'range'}` frame after parsing; a window specification that
 * starts from a named window (`OVER (w ORDER BY x)`, `WINDOW w2 AS (w …)`) gets the name as a marker
 * PARTITION BY column, turned back into the specification's `name` after parsing;
 * `SUBSTRING(s FROM n FOR m)` becomes `SUBSTRING(s, n, m)`; a text literal's character set
 * introducer (`_utf8mb4'x'`) is dropped; the BINARY operator (`BINARY x`)
 * becomes `CAST(x AS BINARY)`; a bind variable after REGEXP / RLIKE becomes a marker column,
 * turned back into the bind variable after parsing.
 */
import { SqlLexer, Tok, firstKeyword } from './sql-lexer.js';
import type { Expr } from './parse.js';

const MARK = 'vtsim_aggregate_';
const HINT = /\b(?:std|variance)\s*\(|\(\s*(?:distinct|all)\b|\brange\s|\bwindow\s|\bover\s*\(\s*(?!partition\b|order\b|rows\b|range\b)\w|\b(?:regexp|rlike)\s*:|\bbinary\s*[\w`(@:]|\bsubstr(?:ing)?\s*\(|\b_(?:utf8mb4|utf8mb3|utf8|latin1|ascii)\s*['"]/i;
/** Character set introducers of text literals (`_utf8mb4'x'`) the grammar reads as a column aliased by the literal; vtsim's text is UTF-8 whatever the introducer. */
const TEXT_INTRODUCERS = new Set(['_UTF8MB4', '_UTF8MB3', '_UTF8', '_LATIN1', '_ASCII']);
/** A bind variable on the right of REGEXP / RLIKE (which the grammar reads only as a column or call there) becomes a column of this prefix. */
const PARAM_MARK = 'vtsim_param_';
/** Words after which BINARY is a type or character set name, not the BINARY operator. */
const NOT_BINARY_OPERATOR = new Set(['AS', 'SET', 'CHARSET', 'COLLATE', 'USING', 'CHARACTER']);
const WINDOW_MARK = 'vtsim_window_';
/** Words that may open a window specification; any other word there names a window. */
const SPEC_WORDS = new Set(['PARTITION', 'ORDER', 'ROWS', 'RANGE']);
const RANGE_FRAME = /range\s+(?:between\s+unbounded\s+preceding\s+and\s+(current\s+row|unbounded\s+following)|unbounded\s+preceding)\b/iy;
const DISTINCT_CAPABLE = new Set(['SUM', 'AVG', 'MIN', 'MAX']);
const BOUND = String.raw`unbounded\s+preceding|unbounded\s+following|current\s+row|(?:\d+(?:\.\d*)?|\.\d+|interval\s+(?:'(?:[^'\\]|\\.|'')*'|[-+]?(?:\d+(?:\.\d*)?|\.\d+))\s+[a-z_]+)\s+(?:preceding|following)`;
const RANGE_OFFSETS = new RegExp(String.raw`range\s+(?:between\s+(${BOUND})\s+and\s+(${BOUND})|(${BOUND}))\b`, 'iy');
const RANGE_MARK = 'vtsim_range_frame';

/** The respelt text, or null when `sql` holds none of these spellings. */
export function respellSyntax(sql: string): string | null {
  if (!HINT.test(sql)) return null;
  const lex = new SqlLexer(sql);
  let out = '';
  let last = 0;
  let prev: { start: number; end: number; upper: string } | null = null;
  let open: { name: { start: number; end: number; upper: string }; window: boolean } | null = null;
  let inWindowClause = false;
  const pendingCasts: number[] = [];
  // SUBSTRING(s FROM n [FOR m]): the parenthesis depths of the open SUBSTRING/SUBSTR calls.
  let depth = 0;
  const substringCalls: number[] = [];
  const binaryOperator = /\bbinary\b/i.test(sql) && !['CREATE', 'ALTER'].includes(firstKeyword(sql));
  while (lex.next() !== Tok.EOF) {
    if (lex.kind === Tok.PARAM && (prev?.upper === 'REGEXP' || prev?.upper === 'RLIKE') && sql[lex.start + 1] !== ':') {
      out += sql.slice(last, lex.start) + PARAM_MARK + sql.slice(lex.start + 1, lex.end);
      last = lex.end;
      prev = null;
      continue;
    }
    if (lex.kind === Tok.WORD && TEXT_INTRODUCERS.has(lex.upper()) && /^\s*['"]/.test(sql.slice(lex.end, lex.end + 64))) {
      out += sql.slice(last, lex.start);
      last = lex.end;
      prev = null;
      continue;
    }
    if (binaryOperator && lex.isWord('BINARY') && !NOT_BINARY_OPERATOR.has(prev?.upper ?? '')) {
      const end = binaryOperandEnd(sql, lex.end);
      if (end > 0) {
        // BINARY x is CAST(x AS BINARY); the operand is copied as written (and respelt by the loop's next iterations).
        out += sql.slice(last, lex.start) + 'CAST(';
        last = lex.end;
        pendingCasts.push(end);
        prev = null;
        continue;
      }
    }
    while (pendingCasts.length > 0 && lex.start >= pendingCasts[pendingCasts.length - 1]!) {
      out += sql.slice(last, pendingCasts[pendingCasts.length - 1]!) + ' AS BINARY)';
      last = pendingCasts.pop()!;
    }
    if (lex.isPunct('(')) {
      depth++;
      if (prev?.upper === 'SUBSTRING' || prev?.upper === 'SUBSTR') substringCalls.push(depth);
    } else if (lex.isPunct(')')) {
      if (substringCalls[substringCalls.length - 1] === depth) substringCalls.pop();
      depth--;
    } else if (substringCalls[substringCalls.length - 1] === depth && (lex.isWord('FROM') || lex.isWord('FOR'))) {
      out += sql.slice(last, lex.start) + ',';
      last = lex.end;
      prev = null;
      continue;
    }
    if (lex.isWord('RANGE')) {
      RANGE_FRAME.lastIndex = lex.start;
      const m = RANGE_FRAME.exec(sql);
      if (m) {
        out += sql.slice(last, lex.start) + (m[1] && /following/i.test(m[1]) ? 'ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING' : '');
        last = RANGE_FRAME.lastIndex;
        while (lex.end < last && lex.next() !== Tok.EOF);
        prev = null;
        continue;
      }
      RANGE_OFFSETS.lastIndex = lex.start;
      const r = RANGE_OFFSETS.exec(sql);
      if (r) {
        const [start, end] = r[3] ? [r[3], 'current row'] : [r[1]!, r[2]!];
        out += sql.slice(last, lex.start) + `, ${RANGE_MARK}(${boundLiteral(start)}, ${boundLiteral(end)})`;
        last = RANGE_OFFSETS.lastIndex;
        while (lex.end < last && lex.next() !== Tok.EOF);
        prev = null;
        continue;
      }
    }
    if (lex.isWord('WINDOW')) inWindowClause = true;
    else if (lex.isWord('SELECT') || lex.isWord('UNION')) inWindowClause = false;
    if (open?.window) {
      open = null;
      if (lex.kind === Tok.WORD && !SPEC_WORDS.has(lex.upper())) {
        out += sql.slice(last, lex.start) + `PARTITION BY ${WINDOW_MARK}${lex.text()}`;
        last = lex.end;
      }
    } else if (open) {
      const name = open.name;
      open = null;
      if (lex.kind === Tok.WORD && DISTINCT_CAPABLE.has(name.upper) && (lex.isWord('DISTINCT') || lex.isWord('ALL'))) {
        const suffix = lex.isWord('DISTINCT') ? '_distinct' : '';
        out += sql.slice(last, name.start) + MARK + name.upper.toLowerCase() + suffix + sql.slice(name.end, lex.start);
        last = lex.end;
      }
    } else if (lex.isPunct('(') && prev) {
      if (prev.upper === 'STD' || prev.upper === 'VARIANCE') {
        out += sql.slice(last, prev.start) + MARK + prev.upper.toLowerCase();
        last = prev.end;
      } else if (DISTINCT_CAPABLE.has(prev.upper)) open = { name: prev, window: false };
      else if (prev.upper === 'OVER' || (inWindowClause && prev.upper === 'AS')) open = { name: prev, window: true };
    }
    prev = lex.kind === Tok.WORD ? { start: lex.start, end: lex.end, upper: lex.upper() } : null;
  }
  while (pendingCasts.length > 0) {
    out += sql.slice(last, pendingCasts[pendingCasts.length - 1]!) + ' AS BINARY)';
    last = pendingCasts.pop()!;
  }
  return last === 0 ? null : out + sql.slice(last);
}

/**
 * Where the operand of a prefix BINARY starting after `from` ends: a number, variable, bind
 * variable, parenthesized expression, or a (qualified) name with its call arguments; -1 for none
 * (a string literal, which the grammar reads with BINARY as its introducer, or anything else).
 */
function binaryOperandEnd(sql: string, from: number): number {
  const lex = new SqlLexer(sql.slice(from));
  const kind = lex.next();
  if (kind === Tok.INTEGER || kind === Tok.DECIMAL || kind === Tok.HEX_OR_BIT || kind === Tok.VARIABLE || kind === Tok.PARAM) return from + lex.end;
  const closing = (): number => {
    for (let depth = 1; depth > 0;) {
      if (lex.next() === Tok.EOF) return -1;
      if (lex.isPunct('(')) depth++;
      else if (lex.isPunct(')')) depth--;
    }
    return lex.end;
  };
  if (lex.isPunct('(')) {
    const end = closing();
    return end < 0 ? -1 : from + end;
  }
  if (kind !== Tok.WORD && kind !== Tok.QUOTED_IDENT) return -1;
  let end = lex.end;
  for (;;) {
    lex.next();
    if (lex.isPunct('.')) {
      const k = lex.next();
      if (k !== Tok.WORD && k !== Tok.QUOTED_IDENT) return -1;
      end = lex.end;
      continue;
    }
    if (lex.isPunct('(') && lex.start === end) {
      end = closing();
      if (end < 0) return -1;
    }
    return from + end;
  }
}

/** A RANGE frame bound as a string literal of the marker call (spaces collapsed, quotes doubled). */
function boundLiteral(bound: string): string {
  return `'${bound.replace(/\s+/g, ' ').replace(/'/g, "''")}'`;
}

/** A copy of the parsed statement with the marker calls turned back into aggregate nodes. */
export function restoreRespelled<T>(root: T): T {
  const copy = (x: unknown): unknown => {
    if (x === null || typeof x !== 'object') return x;
    if (Array.isArray(x)) return x.map(copy);
    const node = x as Expr;
    const out: Record<string, unknown> = {};
    for (const k in node) out[k] = copy(node[k]);
    // The RANGE marker ends the ORDER BY list (or the PARTITION BY list of a window without ORDER BY).
    for (const list of ['orderby', 'partitionby']) {
      const items = out[list] as { expr?: Expr }[] | null | undefined;
      const frame = Array.isArray(items) ? items[items.length - 1]?.expr : undefined;
      if (frame?.type !== 'function' || String(frame.name?.name?.[0]?.value ?? '') !== RANGE_MARK) continue;
      const [start, end] = (frame.args?.value ?? []) as Expr[];
      out[list] = items!.length > 1 ? items!.slice(0, -1) : null;
      // The parser keeps a string literal's doubled quotes (an INTERVAL amount's): undouble them.
      const bound = (e: Expr | undefined) => ({ type: 'origin', value: String(e?.value ?? '').replace(/''/g, "'") });
      out.window_frame_clause = { type: 'range', start: bound(start), end: bound(end) };
    }
    const partition = out.partitionby as { expr?: Expr }[] | null | undefined;
    const ref = Array.isArray(partition) ? partition[0]?.expr : undefined;
    if (ref?.type === 'column_ref' && String(ref.column).startsWith(WINDOW_MARK)) {
      out.name = String(ref.column).slice(WINDOW_MARK.length);
      out.partitionby = partition!.length > 1 ? partition!.slice(1) : null;
      return out;
    }
    if (node.type === 'column_ref' && typeof node.column === 'string' && node.column.startsWith(PARAM_MARK)) {
      return { type: 'param', value: node.column.slice(PARAM_MARK.length) };
    }
    const marker = node.type === 'function' ? String(node.name?.name?.[0]?.value ?? '') : '';
    if (!marker.startsWith(MARK)) return out;
    const [fn, distinct] = marker.slice(MARK.length).split('_');
    if (fn === 'std' || fn === 'variance') return { ...out, name: { name: [{ type: 'default', value: fn }] } };
    const args = ((out.args as Expr | undefined)?.value ?? []) as Expr[];
    const aggregate: Expr = { type: 'aggr_func', name: fn!.toUpperCase(), args: { expr: args.length === 1 ? args[0] : { type: 'expr_list', value: args } }, over: out.over ?? null };
    if (distinct) aggregate.args.distinct = 'DISTINCT';
    return aggregate;
  };
  return copy(root) as T;
}
