/**
 * `PARTITION BY` clauses of CREATE TABLE and ALTER TABLE (and ALTER TABLE … REMOVE PARTITIONING):
 * found in the statement text (also inside executable `/*!50100 … *\/` comments, the form
 * SHOW CREATE TABLE and mysqldump write), checked against MySQL 8's grammar and rules, and kept as
 * the text MySQL 8's SHOW CREATE TABLE prints. The data stays in one table: partitioning changes
 * nothing a client of vtsim can observe except that text.
 *
 * Grammar (MySQL 8 `partition_options`):
 *   PARTITION BY { [LINEAR] HASH (expr) | [LINEAR] KEY [ALGORITHM = {1|2}] (cols)
 *                | RANGE {(expr) | COLUMNS (cols)} | LIST {(expr) | COLUMNS (cols)} }
 *   [PARTITIONS n] [SUBPARTITION BY {[LINEAR] HASH (expr) | [LINEAR] KEY [ALGORITHM = {1|2}] (cols)} [SUBPARTITIONS n]]
 *   [(PARTITION name [VALUES {LESS THAN {(values) | MAXVALUE} | IN (values)}] [options], …)]
 * Partition options kept: [STORAGE] ENGINE, COMMENT; others are accepted and dropped. Explicit
 * subpartition definitions are refused with 1235 (not supported here).
 */
import { ER, sqlError, SqlError } from '@vtsim/proto';
import { parseStatement, stripLeadingComments, type Expr, type Statement } from '@vtsim/sql';
import { functionName, identName } from './ast-names.js';

/** A table's partitioning as declared. */
export interface PartitionSpec {
  /** Lower-case names of the columns the partitioning function reads (KEY () lists none). */
  readonly columns: readonly string[];
  /** True for KEY () (the primary key's columns). */
  readonly keyOfPrimary: boolean;
  /** The clause as MySQL 8's SHOW CREATE TABLE prints it, from `/*!` to `*\/`. */
  readonly text: string;
}

/** What a statement asks for: a new partitioning, or `REMOVE PARTITIONING`. */
export type PartitionChange = { readonly kind: 'set'; readonly spec: PartitionSpec } | { readonly kind: 'remove' };

/** A statement split into the part node-sql-parser reads and its partitioning clause. */
export interface SplitStatement {
  readonly rest: string;
  readonly change: PartitionChange | undefined;
}

const CLAUSE_START = /^(?:partition\s+by|remove\s+partitioning)\b/i;

/**
 * Splits a CREATE/ALTER TABLE statement at a top-level `PARTITION BY` or `REMOVE PARTITIONING`
 * (at bracket depth 0, outside quotes and ordinary comments, or at the start of an executable
 * comment whose version MySQL 8 runs). Returns `change` undefined when there is none. Throws
 * SqlError 1064 for a clause that does not follow the grammar, 1492 for RANGE/LIST without
 * partition definitions.
 */
export function splitPartitionClause(sql: string): SplitStatement {
  const n = sql.length;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(sql, i);
      continue;
    }
    if (c === '#' || (c === '-' && sql.startsWith('-- ', i))) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const close = end < 0 ? n : end;
      const version = /^!(\d{5,6})?\s*/.exec(sql.slice(i + 2, close));
      if (version && depth === 0 && (version[1] === undefined || Number(version[1]) <= 80040)) {
        const body = sql.slice(i + 2 + version[0].length, close);
        if (CLAUSE_START.test(body)) {
          const after = sql.slice(close + 2).trim();
          if (after !== '' && after !== ';') throw syntaxError(after);
          return { rest: sql.slice(0, i), change: parseChange(body) };
        }
      }
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && (c === 'p' || c === 'P' || c === 'r' || c === 'R') && !/[\w$]/.test(sql[i - 1] ?? ' ') && CLAUSE_START.test(sql.slice(i, i + 40))) {
      return { rest: sql.slice(0, i), change: parseChange(sql.slice(i)) };
    }
    i++;
  }
  return { rest: sql, change: undefined };
}

/**
 * Parses a CREATE/ALTER TABLE statement with its partitioning clause cut off (node-sql-parser
 * reads no PARTITION BY). `change` is undefined when the statement has no clause, and `ast` then
 * the whole statement parsed as usual. `ALTER TABLE t` left alone (only a partitioning change)
 * becomes an ALTER without actions. Throws SqlError 1064 like parseStatement, and the clause's
 * errors (see splitPartitionClause).
 */
export function parseTableDdl(sql: string): { ast: Statement; change: PartitionChange | undefined } {
  const { rest, change } = splitPartitionClause(sql);
  if (!change) return { ast: parseStatement(sql), change };
  const bare = /^\s*alter\s+table\s+(.+?)\s*$/is.exec(stripLeadingComments(rest));
  if (bare && !/\s/.test(bare[1]!.replace(/`(?:[^`]|``)*`/g, ''))) {
    const from = parseStatement(`select * from ${bare[1]}`).from?.[0] as { db: unknown; table: unknown } | undefined;
    if (from) return { ast: { type: 'alter', table: [{ db: from.db, table: from.table }], expr: [] }, change };
  }
  return { ast: parseStatement(rest), change };
}

/**
 * Checks a partitioning against the table it applies to (MySQL's rules): every column it reads
 * exists (1054 `Unknown column 'x' in 'partition function'`), KEY () has a primary key to use
 * (1488), and every unique key, the primary key included, holds all of them (1503). `primary`
 * marks the primary key, or the unique key InnoDB uses as one when the table declares none.
 */
export function checkPartitioning(spec: PartitionSpec, columns: readonly string[], uniqueKeys: readonly { primary: boolean; columns: readonly string[] }[]): void {
  const known = new Set(columns.map((c) => c.toLowerCase()));
  for (const col of spec.columns) {
    if (!known.has(col)) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${col}' in 'partition function'`);
  }
  if (spec.keyOfPrimary) {
    if (!uniqueKeys.some((k) => k.primary)) throw new SqlError(1488, 'HY000', 'Field in list of fields for partition function not found in table');
    return;
  }
  for (const key of uniqueKeys) {
    const have = new Set(key.columns.map((c) => c.toLowerCase()));
    if (spec.columns.every((c) => have.has(c))) continue;
    const what = key.primary ? 'PRIMARY KEY' : 'UNIQUE INDEX';
    throw new SqlError(1503, 'HY000', `A ${what} must include all columns in the table's partitioning function (prefixed columns are not considered).`);
  }
}

// ---- the clause ----

type Token = { kind: 'word' | 'quoted' | 'number' | 'string' | 'punct'; text: string };

function syntaxError(near: string): SqlError {
  return sqlError(ER.PARSE_ERROR, `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${near.slice(0, 80)}'`);
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /\s+|(`(?:[^`]|``)*`)|('(?:[^'\\]|\\.|'')*')|(\d+(?:\.\d*)?(?:e[+-]?\d+)?)|([A-Za-z_$][\w$]*)|(<=|>=|<>|!=|[-+*/%(),=<>.;])/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    m = re.exec(text);
    if (!m) throw syntaxError(text.slice(at));
    at = re.lastIndex;
    if (m[1]) out.push({ kind: 'quoted', text: m[1].slice(1, -1).replace(/``/g, '`') });
    else if (m[2]) out.push({ kind: 'string', text: m[2] });
    else if (m[3]) out.push({ kind: 'number', text: m[3] });
    else if (m[4]) out.push({ kind: 'word', text: m[4] });
    else if (m[5] && m[5] !== ';') out.push({ kind: 'punct', text: m[5] });
  }
  return out;
}

class Reader {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  /** True (and consumed) when the next token is the keyword or punctuation `text`. */
  accept(text: string): boolean {
    const t = this.tokens[this.i];
    if (!t || (t.kind !== 'word' && t.kind !== 'punct') || t.text.toLowerCase() !== text) return false;
    this.i++;
    return true;
  }

  expect(text: string): void {
    if (!this.accept(text)) throw this.error();
  }

  next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw this.error();
    return t;
  }

  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  error(): SqlError {
    return syntaxError(this.tokens.slice(this.i).map((t) => t.text).join(' '));
  }

  /** An identifier (bare or backquoted). */
  name(): string {
    const t = this.next();
    if (t.kind !== 'word' && t.kind !== 'quoted') throw this.error();
    return t.text;
  }

  /** A positive integer. */
  count(): number {
    const t = this.next();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text) || Number(t.text) < 1) throw this.error();
    return Number(t.text);
  }

  /** The tokens up to the `)` closing an already consumed `(`. */
  parenthesized(): Token[] {
    const out: Token[] = [];
    let depth = 1;
    for (;;) {
      const t = this.next();
      if (t.kind === 'punct' && t.text === '(') depth++;
      if (t.kind === 'punct' && t.text === ')' && --depth === 0) return out;
      out.push(t);
    }
  }
}

/** How MySQL prints a partition name or a KEY/COLUMNS column: quoted only when it must be. */
function nameText(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) && !/^\d+$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

/**
 * A partitioning expression as MySQL 8 prints it (its item printer): columns backquoted, function
 * names in lower case with comma-separated arguments, each operator with its operands in
 * parentheses (`((year(`d`) * 100) + month(`d`))`); MOD(a, b) prints as `(a % b)`. Records the
 * columns it reads in `columns`. Throws SqlError 1064 for text that is not an expression.
 */
function exprText(tokens: Token[], columns: Set<string>): string {
  const text = tokens.map((t) => (t.kind === 'quoted' ? `\`${t.text.replace(/`/g, '``')}\`` : t.text)).join(' ');
  let ast: Expr;
  try {
    ast = (parseStatement(`select ${text}`).columns as { expr: Expr }[])[0]!.expr;
  } catch {
    throw syntaxError(text);
  }
  const print = (e: Expr): string => {
    switch (e.type) {
      case 'column_ref': {
        const name = identName(e.column);
        columns.add(name.toLowerCase());
        return `\`${name.replace(/`/g, '``')}\``;
      }
      case 'number':
        return String(e.value);
      case 'single_quote_string':
      case 'double_quote_string':
        return `'${String(e.value).replace(/'/g, "''")}'`;
      case 'binary_expr':
        return `(${print(e.left as Expr)} ${String(e.operator).toUpperCase() === 'MOD' ? '%' : String(e.operator)} ${print(e.right as Expr)})`;
      case 'function': {
        const args = ((e.args?.value ?? []) as Expr[]).map(print);
        const name = functionName(e);
        return name === 'mod' && args.length === 2 ? `(${args[0]} % ${args[1]})` : `${name}(${args.join(',')})`;
      }
    }
    throw syntaxError(text);
  };
  return print(ast);
}

/** Values of VALUES LESS THAN / IN as MySQL prints them (comma-separated, no spaces). */
function valuesText(tokens: Token[]): string {
  return tokens.map((t) => (t.kind === 'word' ? t.text.toUpperCase() : t.text)).join('');
}

interface Method {
  text: string;
  kind: 'hash' | 'key' | 'range' | 'list';
  columnsForm: boolean;
}

function method(r: Reader, columns: Set<string>, sub: boolean): Method & { keyOfPrimary: boolean } {
  const linear = r.accept('linear');
  const prefix = linear ? 'LINEAR ' : '';
  if (r.accept('hash')) {
    r.expect('(');
    return { text: `${prefix}HASH (${exprText(r.parenthesized(), columns)})`, kind: 'hash', columnsForm: false, keyOfPrimary: false };
  }
  if (r.accept('key')) {
    let algorithm = '';
    if (r.accept('algorithm')) {
      r.expect('=');
      const a = r.next().text;
      if (a !== '1' && a !== '2') throw r.error();
      algorithm = `ALGORITHM = ${a} `;
    }
    r.expect('(');
    const cols = columnList(r);
    cols.forEach((c) => columns.add(c.toLowerCase()));
    return { text: `${prefix}KEY ${algorithm}(${cols.map(nameText).join(',')})`, kind: 'key', columnsForm: false, keyOfPrimary: cols.length === 0 };
  }
  if (linear || sub) throw r.error();
  const kind = r.accept('range') ? 'range' : r.accept('list') ? 'list' : undefined;
  if (!kind) throw r.error();
  const word = kind.toUpperCase();
  if (r.accept('columns')) {
    r.expect('(');
    const cols = columnList(r);
    if (cols.length === 0) throw r.error();
    cols.forEach((c) => columns.add(c.toLowerCase()));
    return { text: `${word}  COLUMNS(${cols.map(nameText).join(',')})`, kind, columnsForm: true, keyOfPrimary: false };
  }
  r.expect('(');
  return { text: `${word} (${exprText(r.parenthesized(), columns)})`, kind, columnsForm: false, keyOfPrimary: false };
}

function columnList(r: Reader): string[] {
  const cols: string[] = [];
  if (r.accept(')')) return cols;
  for (;;) {
    cols.push(r.name());
    if (r.accept(')')) return cols;
    r.expect(',');
  }
}

function partitionDefinition(r: Reader, m: Method): string {
  r.expect('partition');
  let text = `PARTITION ${nameText(r.name())}`;
  if (r.accept('values')) {
    if (r.accept('less')) {
      r.expect('than');
      if (m.kind !== 'range') throw new SqlError(1480, 'HY000', 'Only RANGE PARTITIONING can use VALUES LESS THAN in partition definition');
      if (!m.columnsForm && r.accept('maxvalue')) text += ' VALUES LESS THAN MAXVALUE';
      else {
        r.expect('(');
        text += ` VALUES LESS THAN (${valuesText(r.parenthesized())})`;
      }
    } else if (r.accept('in')) {
      if (m.kind !== 'list') throw new SqlError(1480, 'HY000', 'Only LIST PARTITIONING can use VALUES IN in partition definition');
      r.expect('(');
      text += ` VALUES IN (${valuesText(r.parenthesized())})`;
    } else throw r.error();
  } else if (m.kind === 'range' || m.kind === 'list') {
    throw new SqlError(1479, 'HY000', `Syntax error: ${m.kind.toUpperCase()} PARTITIONING requires definition of VALUES ${m.kind === 'range' ? 'LESS THAN' : 'IN'} for each partition`);
  }
  let comment = '';
  for (;;) {
    if (r.accept('storage') || r.peek()?.text.toLowerCase() === 'engine') {
      r.expect('engine');
      r.accept('=');
      r.name();
    } else if (r.accept('comment')) {
      r.accept('=');
      const t = r.next();
      if (t.kind !== 'string') throw r.error();
      comment = ` COMMENT = ${t.text}`;
    } else if (['data', 'index'].includes(r.peek()?.text.toLowerCase() ?? '')) {
      r.next();
      r.expect('directory');
      r.accept('=');
      r.next();
    } else if (['max_rows', 'min_rows', 'tablespace', 'nodegroup'].includes(r.peek()?.text.toLowerCase() ?? '')) {
      r.next();
      r.accept('=');
      r.next();
    } else break;
  }
  if (r.peek()?.text === '(') throw sqlError(ER.NOT_SUPPORTED_YET, "This version of MySQL doesn't yet support 'subpartition definitions'");
  return `${text}${comment} ENGINE = InnoDB`;
}

function parseChange(clause: string): PartitionChange {
  const r = new Reader(tokenize(clause));
  if (r.accept('remove')) {
    r.expect('partitioning');
    if (!r.done) throw r.error();
    return { kind: 'remove' };
  }
  r.expect('partition');
  r.expect('by');
  const columns = new Set<string>();
  const m = method(r, columns, false);
  let text = `PARTITION BY ${m.text}`;
  let count: number | undefined;
  if (r.accept('partitions')) count = r.count();
  if (r.accept('subpartition')) {
    r.expect('by');
    if (m.kind !== 'range' && m.kind !== 'list') {
      throw new SqlError(1500, 'HY000', 'It is only possible to mix RANGE/LIST partitioning with HASH/KEY partitioning for subpartitioning');
    }
    text += `\nSUBPARTITION BY ${method(r, columns, true).text}`;
    if (r.accept('subpartitions')) text += `\nSUBPARTITIONS ${r.count()}`;
  }
  const definitions: string[] = [];
  if (r.accept('(')) {
    for (;;) {
      definitions.push(partitionDefinition(r, m));
      if (r.accept(')')) break;
      r.expect(',');
    }
  }
  if (!r.done) throw r.error();
  if ((m.kind === 'range' || m.kind === 'list') && definitions.length === 0) {
    throw new SqlError(1492, 'HY000', `For ${m.kind.toUpperCase()} partitions each partition must be defined`);
  }
  if (count !== undefined && definitions.length > 0 && count !== definitions.length) {
    throw sqlError(ER.PARSE_ERROR, "Wrong number of partitions defined, mismatch with previous setting near ')'");
  }
  if (definitions.length > 0) text += `\n(${definitions.join(',\n ')})`;
  else text += `\nPARTITIONS ${count ?? 1}`;
  const version = m.columnsForm ? '50500' : '50100';
  return { kind: 'set', spec: { columns: [...columns], keyOfPrimary: m.keyOfPrimary, text: `/*!${version} ${text} */` } };
}

function skipQuoted(sql: string, i: number): number {
  const quote = sql[i]!;
  let j = i + 1;
  while (j < sql.length) {
    const c = sql[j]!;
    if (c === '\\' && quote !== '`') j += 2;
    else if (c === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}
