/**
 * CHECK constraints' `[NOT] ENFORCED`, which node-sql-parser accepts only after a column's check:
 * cut from the statement text before parsing (also in the versioned-comment form SHOW CREATE TABLE
 * prints, `/*!80016 NOT ENFORCED *\/`), then put back on the parsed checks in statement order.
 */
import type { Statement } from '@vtsim/sql';
import { parseTableDdl, type PartitionChange } from './partition-clause.js';

/** parseTableDdl (partition-clause.ts) for a CREATE / ALTER TABLE whose CHECKs may say `[NOT] ENFORCED`. */
export function parseTableDdlWithChecks(sql: string): { ast: Statement; change: PartitionChange | undefined } {
  const { text, notEnforced } = cutCheckEnforcement(sql);
  const parsed = parseTableDdl(text);
  restoreCheckEnforcement(parsed.ast, notEnforced);
  return parsed;
}

const VERSIONED = /\/\*!(?:\d{5})?\s*((?:not\s+)?enforced)\s*\*\//gi;

/**
 * The statement without the ENFORCED clauses of its CHECKs, and per CHECK in text order whether it
 * is NOT ENFORCED. The text is returned unchanged when it has no such clause.
 */
function cutCheckEnforcement(sql: string): { text: string; notEnforced: boolean[] } {
  if (!/enforced/i.test(sql)) return { text: sql, notEnforced: [] };
  const s = sql.replace(VERSIONED, ' $1 ');
  const notEnforced: boolean[] = [];
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = quotedEnd(s, i);
      out += s.slice(i, end);
      i = end;
      continue;
    }
    const check = /^check\s*\(/i.exec(s.slice(i, i + 40));
    if (check && !/[\w$]/.test(s[i - 1] ?? ' ')) {
      const close = closingParen(s, i + check[0].length - 1);
      out += s.slice(i, close + 1);
      i = close + 1;
      const clause = /^\s*(not\s+)?enforced\b/i.exec(s.slice(i));
      notEnforced.push(clause?.[1] !== undefined);
      if (clause) i += clause[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return { text: out, notEnforced };
}

/** Marks the parsed CHECKs of a CREATE or ALTER TABLE (column and table level, in statement order) NOT ENFORCED as `notEnforced` says. */
function restoreCheckEnforcement(ast: Statement, notEnforced: readonly boolean[]): void {
  if (!notEnforced.includes(true)) return;
  let n = 0;
  const mark = (check: Record<string, unknown>) => {
    if (notEnforced[n++]) check.enforced = 'not enforced';
  };
  const visit = (d: Record<string, any> | undefined) => {
    if (!d) return;
    if (d.check) mark(d.check);
    if (String(d.constraint_type ?? '').toLowerCase() === 'check') mark(d);
    if (d.create_definitions && !Array.isArray(d.create_definitions)) visit(d.create_definitions);
  };
  const items = (Array.isArray(ast.create_definitions) ? ast.create_definitions : Array.isArray(ast.expr) ? ast.expr : []) as Record<string, any>[];
  for (const d of items) visit(d);
}

function quotedEnd(s: string, start: number): number {
  const q = s[start]!;
  let j = start + 1;
  while (j < s.length) {
    if (s[j] === '\\' && q !== '`') j += 2;
    else if (s[j] === q) {
      if (s[j + 1] === q) j += 2;
      else return j + 1;
    } else j++;
  }
  return s.length;
}

/** Position of the parenthesis closing the one at `open` (quotes skipped); the end of the text if unbalanced. */
function closingParen(s: string, open: number): number {
  let depth = 0;
  let j = open;
  while (j < s.length) {
    const c = s[j]!;
    if (c === "'" || c === '"' || c === '`') {
      j = quotedEnd(s, j);
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j;
    j++;
  }
  return s.length - 1;
}
