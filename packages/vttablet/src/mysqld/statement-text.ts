/**
 * Lexical helpers over raw statement text: the select-list items as typed (MySQL names unaliased
 * result columns after their text), the text stored in the binlog for DDL, and the leading keywords
 * used to route statements node-sql-parser does not parse.
 */
import { stripLeadingComments } from '@vtsim/sql';

/** The statement as MySQL logs it: trimmed, without a trailing `;`. */
export function statementText(sql: string): string {
  return sql.trim().replace(/;\s*$/, '').trimEnd();
}

const SELECT_MODIFIERS = new Set([
  'distinct', 'all', 'distinctrow', 'high_priority', 'straight_join', 'sql_small_result', 'sql_big_result',
  'sql_buffer_result', 'sql_no_cache', 'sql_cache', 'sql_calc_found_rows',
]);
const SELECT_LIST_END = new Set([
  'from', 'where', 'group', 'having', 'order', 'limit', 'union', 'for', 'lock', 'into', 'window', 'except', 'intersect',
]);

/**
 * The raw text of each top-level select-list item of the statement's first SELECT (aliases included),
 * the one after the WITH clause in a statement with common table expressions, or undefined when the
 * text starts with neither SELECT nor WITH.
 */
export function selectListTexts(sql: string): string[] | undefined {
  const stripped = stripLeadingComments(sql);
  const s = /^with\b/i.test(stripped) ? afterWithClause(stripped) : stripped;
  if (s === undefined || !/^select\b/i.test(s)) return undefined;
  let i = 6;
  const items: string[] = [];
  let depth = 0;
  let start = -1;
  const n = s.length;
  while (i < n) {
    const ch = s[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      if (start < 0) start = i;
      i = skipQuoted(s, i);
      continue;
    }
    if (ch === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (ch === '(') {
      if (start < 0) start = i;
      depth++;
      i++;
      continue;
    }
    if (ch === ')') {
      depth--;
      i++;
      continue;
    }
    if (depth === 0 && ch === ',') {
      if (start >= 0) items.push(s.slice(start, i).trim());
      start = -1;
      i++;
      continue;
    }
    if (depth === 0 && ch === ';') break;
    if (/[A-Za-z_]/.test(ch) && (i === 0 || !/[\w$.@]/.test(s[i - 1]!))) {
      const m = /^[A-Za-z_][\w$]*/.exec(s.slice(i, i + 64))!;
      const word = m[0].toLowerCase();
      if (depth === 0 && SELECT_LIST_END.has(word)) break;
      if (depth === 0 && start < 0 && items.length === 0 && SELECT_MODIFIERS.has(word)) {
        i += m[0].length;
        continue;
      }
      if (start < 0) start = i;
      i += m[0].length;
      continue;
    }
    if (start < 0 && !/\s/.test(ch)) start = i;
    i++;
  }
  if (start >= 0) items.push(s.slice(start, i).trim());
  return items;
}

/** The text from the main SELECT of `WITH … SELECT …` on: the first SELECT outside the parenthesized CTE bodies. */
function afterWithClause(s: string): string | undefined {
  let depth = 0;
  let i = 4;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      i = skipQuoted(s, i);
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && /[sS]/.test(ch) && /^select\b/i.test(s.slice(i, i + 7)) && !/[\w$]/.test(s[i - 1]!)) return s.slice(i);
    i++;
  }
  return undefined;
}

function skipQuoted(s: string, i: number): number {
  const q = s[i]!;
  let j = i + 1;
  while (j < s.length) {
    const c = s[j]!;
    if (c === '\\' && q !== '`') {
      j += 2;
      continue;
    }
    if (c === q) {
      if (s[j + 1] === q) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return j;
}
