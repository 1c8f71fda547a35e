/**
 * Locating the parts of a statement's text that the planner rewrites (select items and clauses,
 * insert rows, keyspace qualifiers), with the lexer. Rewriting text rather than regenerating it
 * from the AST keeps the user's spelling, so tablets name result columns exactly as MySQL would
 * and errors quote the query as it was written.
 */
import { SqlLexer, Tok, unquoteIdent } from '@vtsim/sql';

/** A half-open range [start, end) of the text. */
export interface TextRange {
  start: number;
  end: number;
}

/** The top-level clauses of a SELECT's text. */
export interface SelectText {
  /** The select items, in order, without the separating commas. */
  items: TextRange[];
  /** Where the first item starts (after SELECT and its modifiers). */
  itemsStart: number;
  /** Where the last item ends. */
  itemsEnd: number;
  /** Each clause's range, from its keyword to the next clause keyword. */
  clauses: Partial<Record<SelectClause, TextRange>>;
}

/** Clauses of a SELECT that the planner keeps, drops or replaces. */
export type SelectClause = 'from' | 'where' | 'groupBy' | 'having' | 'window' | 'orderBy' | 'limit' | 'tail';

const SELECT_MODIFIERS = new Set([
  'ALL', 'DISTINCT', 'DISTINCTROW', 'HIGH_PRIORITY', 'STRAIGHT_JOIN', 'SQL_SMALL_RESULT', 'SQL_BIG_RESULT',
  'SQL_BUFFER_RESULT', 'SQL_NO_CACHE', 'SQL_CACHE', 'SQL_CALC_FOUND_ROWS',
]);

const CLAUSE_WORDS: Record<string, SelectClause> = {
  FROM: 'from', WHERE: 'where', GROUP: 'groupBy', HAVING: 'having', WINDOW: 'window', ORDER: 'orderBy', LIMIT: 'limit',
  FOR: 'tail', LOCK: 'tail', INTO: 'tail',
};

/**
 * Splits a single SELECT (not a UNION) into items and clauses at nesting depth 0. Returns
 * undefined for text it does not recognise as one SELECT.
 */
export function selectText(sql: string): SelectText | undefined {
  const lx = new SqlLexer(sql);
  if (lx.next() !== Tok.WORD || !lx.isWord('SELECT')) return undefined;
  let k = lx.next();
  while (k === Tok.WORD && SELECT_MODIFIERS.has(lx.upper())) k = lx.next();
  const itemsStart = lx.start;
  const items: TextRange[] = [];
  const clauses: Partial<Record<SelectClause, TextRange>> = {};
  let depth = 0;
  let itemStart = itemsStart;
  let lastEnd = itemsStart;
  let current: SelectClause | undefined;
  let currentStart = 0;
  for (; k !== Tok.EOF; k = lx.next()) {
    if (k === Tok.PUNCT) {
      if (lx.isPunct('(')) depth++;
      else if (lx.isPunct(')')) depth--;
      else if (depth === 0 && lx.isPunct(';')) break;
      else if (depth === 0 && current === undefined && lx.isPunct(',')) {
        items.push({ start: itemStart, end: lastEnd });
        lastEnd = lx.end;
        itemStart = -1;
        continue;
      }
    } else if (k === Tok.WORD && depth === 0) {
      const u = lx.upper();
      if (u === 'UNION' || u === 'EXCEPT' || u === 'INTERSECT') return undefined;
      const clause = CLAUSE_WORDS[u];
      if (clause && clause !== current && !(current === 'tail' && clause !== 'tail')) {
        if (current === undefined) items.push({ start: itemStart, end: lastEnd });
        else clauses[current] = { start: currentStart, end: lastEnd };
        current = clause;
        currentStart = lx.start;
      }
    }
    if (itemStart < 0) itemStart = lx.start;
    lastEnd = lx.end;
  }
  if (current === undefined) items.push({ start: itemStart, end: lastEnd });
  else clauses[current] = { start: currentStart, end: lastEnd };
  if (items.some((r) => r.start < 0 || r.end <= r.start)) return undefined;
  return { items, itemsStart, itemsEnd: items[items.length - 1]!.end, clauses };
}

/** The rows of an `INSERT … VALUES` text. */
export interface InsertText {
  /** From the statement start to the table name (`insert ignore into `). */
  head: TextRange;
  /** Each row's value expressions. */
  rows: TextRange[][];
  /** What follows the last row (`on duplicate key update …`), possibly empty. */
  tail: TextRange;
}

/** Locates the table name, rows and tail of an INSERT/REPLACE … VALUES statement; undefined for other shapes. */
export function insertText(sql: string): InsertText | undefined {
  const lx = new SqlLexer(sql);
  let k = lx.next();
  while (k === Tok.WORD && /^(INSERT|REPLACE|IGNORE|INTO|LOW_PRIORITY|DELAYED|HIGH_PRIORITY)$/.test(lx.upper())) k = lx.next();
  const head = { start: 0, end: lx.start };
  let depth = 0;
  for (; k !== Tok.EOF; k = lx.next()) {
    if (k === Tok.PUNCT && lx.isPunct('(')) depth++;
    else if (k === Tok.PUNCT && lx.isPunct(')')) depth--;
    else if (depth === 0 && k === Tok.WORD && (lx.isWord('VALUES') || lx.isWord('VALUE'))) break;
    else if (depth === 0 && k === Tok.WORD && (lx.isWord('SELECT') || lx.isWord('SET'))) return undefined;
  }
  if (k === Tok.EOF) return undefined;
  const rows: TextRange[][] = [];
  let tailStart = sql.length;
  for (k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (!(k === Tok.PUNCT && lx.isPunct('('))) {
      tailStart = lx.start;
      break;
    }
    const row: TextRange[] = [];
    let valueStart = -1;
    let lastEnd = lx.end;
    depth = 1;
    for (k = lx.next(); k !== Tok.EOF; k = lx.next()) {
      if (k === Tok.PUNCT && lx.isPunct('(')) depth++;
      else if (k === Tok.PUNCT && lx.isPunct(')')) {
        if (--depth === 0) break;
      } else if (depth === 1 && k === Tok.PUNCT && lx.isPunct(',')) {
        row.push({ start: valueStart, end: lastEnd });
        valueStart = -1;
        lastEnd = lx.end;
        continue;
      }
      if (valueStart < 0) valueStart = lx.start;
      lastEnd = lx.end;
    }
    if (valueStart >= 0) row.push({ start: valueStart, end: lastEnd });
    rows.push(row);
    k = lx.next();
    if (!(k === Tok.PUNCT && lx.isPunct(','))) {
      tailStart = k === Tok.EOF ? sql.length : lx.start;
      break;
    }
  }
  let tailEnd = sql.length;
  while (tailEnd > tailStart && /[\s;]/.test(sql[tailEnd - 1]!)) tailEnd--;
  return { head, rows, tail: { start: tailStart, end: Math.max(tailStart, tailEnd) } };
}

/**
 * `INSERT [modifiers] [INTO] table VALUES|SELECT …` with `(col, …)` written after the table name (as
 * Vitess adds a tracked table's columns to an INSERT without a column list); undefined when the
 * text has a column list, a PARTITION clause or another form.
 */
export function insertWithColumnList(sql: string, columns: readonly string[]): string | undefined {
  const lx = new SqlLexer(sql);
  let k = lx.next();
  while (k === Tok.WORD && /^(INSERT|REPLACE|IGNORE|INTO|LOW_PRIORITY|DELAYED|HIGH_PRIORITY)$/.test(lx.upper())) k = lx.next();
  if (k !== Tok.WORD && k !== Tok.QUOTED_IDENT) return undefined;
  let end = lx.end;
  k = lx.next();
  if (k === Tok.PUNCT && lx.isPunct('.')) {
    k = lx.next();
    if (k !== Tok.WORD && k !== Tok.QUOTED_IDENT) return undefined;
    end = lx.end;
    k = lx.next();
  }
  if (k !== Tok.WORD || !(lx.isWord('VALUES') || lx.isWord('VALUE') || lx.isWord('SELECT'))) return undefined;
  return `${sql.slice(0, end)} (${columns.map(quoteIdent).join(', ')})${sql.slice(end)}`;
}

/**
 * `INSERT … SET a = x, b = y [ON DUPLICATE KEY UPDATE …]` respelt as `INSERT … (a, b) VALUES (x, y)
 * [ON DUPLICATE KEY UPDATE …]`, as Vitess's parser reads the SET form; undefined when `sql` is not
 * that form.
 */
export function insertSetAsValues(sql: string): string | undefined {
  const lx = new SqlLexer(sql);
  let depth = 0;
  let k = lx.next();
  for (; k !== Tok.EOF; k = lx.next()) {
    if (k === Tok.PUNCT && lx.isPunct('(')) depth++;
    else if (k === Tok.PUNCT && lx.isPunct(')')) depth--;
    else if (depth === 0 && k === Tok.WORD && (lx.isWord('VALUES') || lx.isWord('VALUE') || lx.isWord('SELECT'))) return undefined;
    else if (depth === 0 && k === Tok.WORD && lx.isWord('SET')) break;
  }
  if (k === Tok.EOF) return undefined;
  const head = sql.slice(0, lx.start);
  const columns: string[] = [];
  const values: string[] = [];
  let tail = '';
  let partStart = lx.end;
  let equals = -1;
  const endAssignment = (end: number) => {
    if (equals < 0) return false;
    columns.push(sql.slice(partStart, equals).trim());
    values.push(sql.slice(equals + 1, end).trim());
    equals = -1;
    return true;
  };
  for (k = lx.next(); ; k = lx.next()) {
    if (k === Tok.EOF) {
      if (!endAssignment(sql.length)) return undefined;
      break;
    }
    if (k === Tok.PUNCT && lx.isPunct('(')) depth++;
    else if (k === Tok.PUNCT && lx.isPunct(')')) depth--;
    else if (depth === 0 && equals < 0 && k === Tok.PUNCT && lx.isPunct('=')) equals = lx.start;
    else if (depth === 0 && k === Tok.PUNCT && lx.isPunct(',')) {
      if (!endAssignment(lx.start)) return undefined;
      partStart = lx.end;
    } else if (depth === 0 && k === Tok.WORD && lx.isWord('ON') && equals >= 0) {
      if (!endAssignment(lx.start)) return undefined;
      tail = ` ${sql.slice(lx.start)}`;
      break;
    }
  }
  return `${head}(${columns.join(', ')}) values (${values.join(', ')})${tail}`;
}

/**
 * Removes keyspace qualifiers (`commerce.customer` → `customer`, `` `commerce`.`customer`.id `` →
 * `` `customer`.id ``) for the given keyspace names. Only an identifier directly followed by `.`
 * and another identifier is removed; anything else is left untouched.
 */
export function stripQualifiers(sql: string, keyspaces: ReadonlySet<string>): string {
  if (keyspaces.size === 0) return sql;
  const lx = new SqlLexer(sql, false);
  let out = '';
  let last = 0;
  let prevDot = false;
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if ((k === Tok.WORD || k === Tok.QUOTED_IDENT) && !prevDot) {
      const name = k === Tok.WORD ? lx.text() : unquoteIdent(lx.text());
      if (keyspaces.has(name) && lx.sql.charCodeAt(lx.end) === 46) {
        const after = lx.sql.charCodeAt(lx.end + 1);
        if (after === 96 || isIdentStart(after)) {
          out += sql.slice(last, lx.start);
          last = lx.end + 1;
        }
      }
    }
    prevDot = k === Tok.PUNCT && lx.isPunct('.');
  }
  return last === 0 ? sql : out + sql.slice(last);
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c > 127 || (c >= 48 && c <= 57);
}

/** Quotes an identifier with backquotes (doubling embedded ones). */
export function quoteIdent(name: string): string {
  return '`' + name.replaceAll('`', '``') + '`';
}

/** The branches of a UNION's text and what follows the last one. */
export interface UnionText {
  /** Each branch's text, outer parentheses removed. */
  branches: string[];
  /** For each branch after the first: true when it is joined by UNION [DISTINCT], false for UNION ALL. */
  distinct: boolean[];
  /** ORDER BY / LIMIT applying to the whole union (from `order` or `limit` on), or ''. */
  tail: string;
}

/**
 * Splits `a UNION [ALL|DISTINCT] b …` at nesting depth 0. An ORDER BY or LIMIT at depth 0 after
 * the last UNION applies to the whole union (as MySQL reads it) and becomes the tail. Returns
 * undefined for text that is not a union (or has an ORDER BY/LIMIT before a later UNION).
 */
export function unionText(sql: string): UnionText | undefined {
  const lx = new SqlLexer(sql);
  const bounds: TextRange[] = [];
  const distinct: boolean[] = [];
  let depth = 0;
  let start = -1;
  let lastEnd = 0;
  let tailStart = -1;
  let afterUnion = false;
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (afterUnion) {
      afterUnion = false;
      const all = k === Tok.WORD && lx.isWord('ALL');
      distinct.push(!all);
      if (all || (k === Tok.WORD && lx.isWord('DISTINCT'))) continue;
    }
    if (k === Tok.PUNCT && lx.isPunct('(')) depth++;
    else if (k === Tok.PUNCT && lx.isPunct(')')) depth--;
    else if (depth === 0 && k === Tok.PUNCT && lx.isPunct(';')) break;
    else if (depth === 0 && k === Tok.WORD && lx.isWord('UNION')) {
      if (tailStart >= 0) return undefined;
      bounds.push({ start, end: lastEnd });
      afterUnion = true;
      start = -1;
      continue;
    } else if (depth === 0 && bounds.length > 0 && tailStart < 0 && k === Tok.WORD && (lx.isWord('ORDER') || lx.isWord('LIMIT'))) {
      tailStart = lx.start;
    }
    if (start < 0) start = lx.start;
    if (tailStart < 0) lastEnd = lx.end;
  }
  if (bounds.length === 0) return undefined;
  bounds.push({ start, end: lastEnd });
  if (bounds.some((b) => b.start < 0)) return undefined;
  const tail = tailStart >= 0 ? sql.slice(tailStart).trim().replace(/;\s*$/, '') : '';
  return { branches: bounds.map((b) => unparenthesize(sql.slice(b.start, b.end))), distinct, tail };
}

/** Removes parentheses enclosing the whole text (`((select 1))` → `select 1`). */
function unparenthesize(text: string): string {
  let t = text.trim();
  while (t.startsWith('(') && t.endsWith(')') && closingParen(t) === t.length - 1) t = t.slice(1, -1).trim();
  return t;
}

/** The index of the parenthesis closing the one at 0. */
function closingParen(text: string): number {
  const lx = new SqlLexer(text);
  let depth = 0;
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (k !== Tok.PUNCT) continue;
    if (lx.isPunct('(')) depth++;
    else if (lx.isPunct(')') && --depth === 0) return lx.start;
  }
  return -1;
}
