/**
 * How MySQL names an unaliased select-list item that is not a column: a literal by its value
 * (`TRUE`, `NULL`, a string's unescaped text), anything else by its text as the server received
 * it, which for a query that went through vtgate is the text with vttablet's bind variables
 * written back as literals (vttablet sends MySQL the bound query, so `:vtg1` never names a column).
 */
import type { BindVars, SqlValue } from '@vtsim/proto';
import type { Expr } from './parse.js';
import { stringValue } from './parse.js';
import { SqlLexer, Tok, unquoteString } from './sql-lexer.js';
import { sqlLiteral } from './values.js';

/**
 * The name MySQL gives a literal select item, or undefined when `e` is not a literal named by its
 * value: `TRUE`/`FALSE`/`NULL` in capitals whatever their spelling, a string by its unescaped text
 * (adjacent strings `'a' 'b'` by the first one, as MySQL 8 does; an introducer or `N` is not part
 * of the name). `text` is the item as written, when known.
 */
export function literalItemName(e: Expr, text?: string): string | undefined {
  switch (e.type) {
    case 'bool':
      return e.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'single_quote_string':
    case 'double_quote_string':
    case 'natural_string':
    case 'string':
      return (text !== undefined ? firstStringOf(text) : undefined) ?? stringValue(e);
    default:
      return undefined;
  }
}

/** The unescaped first string token of `text` (after at most one introducer word), if it starts with one. */
function firstStringOf(text: string): string | undefined {
  const lx = new SqlLexer(text);
  let kind = lx.next();
  if (kind === Tok.WORD) kind = lx.next();
  return kind === Tok.STRING ? unquoteString(lx.text()) : undefined;
}

/** True when `name` holds a bind variable token (`:name` / `::name`) outside strings and quoted identifiers. */
export function hasBindVarToken(name: string): boolean {
  if (!name.includes(':')) return false;
  const lx = new SqlLexer(name);
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) if (k === Tok.PARAM) return true;
  return false;
}

/**
 * `text` with each bind variable written as the literal vttablet substitutes for it (a list as
 * `(a, b)`); a name missing from `bindVars` stays as it is.
 */
export function bindVarsIntoText(text: string, bindVars: BindVars): string {
  const lx = new SqlLexer(text);
  let out = '';
  let last = 0;
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (k !== Tok.PARAM) continue;
    const token = lx.text();
    const v = bindVars[token.replace(/^::?/, '')] as SqlValue | SqlValue[] | undefined;
    if (v === undefined) continue;
    out += text.slice(last, lx.start) + (Array.isArray(v) ? `(${v.map(sqlLiteral).join(', ')})` : sqlLiteral(v));
    last = lx.end;
  }
  return last === 0 ? text : out + text.slice(last);
}
