/**
 * Planning a SELECT with common table expressions (WITH): where every table it reads lives in one
 * unsharded keyspace, or is a reference table (or there is none), the statement goes to one shard
 * as written; otherwise each reference to a non-recursive CTE is rewritten into the derived table
 * it stands for, as Vitess's planner does, and the rewritten statement is planned. A recursive
 * CTE over sharded tables is refused.
 */
import { sqlError } from '@vtsim/proto';
import { parseStatement, SqlLexer, Tok, type Expr, type Statement } from '@vtsim/sql';
import { Route } from '../engine/route.js';
import { formatExpr, identName, unsupported } from './ast.js';
import type { Plan, PlanContext } from './plan.js';
import { quoteIdent, selectText, stripQualifiers } from './query-text.js';
import { collectTables, resolveTables } from './table-refs.js';

/** One common table expression of a WITH clause, as written. */
interface CteText {
  name: string;
  columns: string[];
  body: string;
}

/** Plans a SELECT with a WITH clause; `planText` plans the rewritten statement; `anyShard` sends text to one shard of the session's keyspace. */
export function planWith(ast: Statement, sql: string, ctx: PlanContext, planText: (sql: string) => Plan, anyShard: (sql: string) => Plan): Plan {
  const refs = collectTables(ast);
  if (refs.length === 0) return anyShard(sql);
  const resolved = resolveTables(refs, ctx.vschema, ctx.keyspace, ctx.tabletType);
  const ks = resolved[0]!.table.keyspace;
  if (resolved.every((r) => r.table.keyspace === ks && (!ks.sharded || r.table.type === 'reference'))) {
    const qualifiers = new Set(refs.map((r) => r.db).filter((d): d is string => d !== null && ctx.keyspaceNames.has(d)));
    const access = { tables: [...new Set(resolved.map((r) => r.table.name))], write: false };
    return { type: 'select', write: false, primitive: new Route({ keyspace: ks.name, opcode: ks.sharded ? 'reference' : 'unsharded', query: stripQualifiers(sql, qualifiers), access }) };
  }
  if (((ast.with ?? []) as Expr[]).some((w) => w.recursive)) throw unsupported('recursive common table expression across shards');
  const clause = withClause(sql);
  if (!clause) throw unsupported('WITH clause vtgate cannot split');
  const ctes: CteText[] = [];
  for (const cte of clause.ctes) {
    if (ctes.some((c) => c.name.toLowerCase() === cte.name.toLowerCase())) throw sqlNotUnique(cte.name);
    ctes.push({ ...cte, body: renameColumns(inlineCtes(cte.body, ctes), cte.columns) });
  }
  return planText(inlineCtes(clause.main, ctes));
}

/** MySQL's 1066 for a WITH clause naming a CTE twice. */
function sqlNotUnique(name: string) {
  return sqlError([1066, '42000'], `Not unique table/alias: '${name}'`);
}

/** The CTEs and the main statement of a WITH clause's text; undefined for text not in that shape. */
function withClause(sql: string): { ctes: CteText[]; main: string } | undefined {
  const lx = new SqlLexer(sql);
  if (lx.next() !== Tok.WORD || !lx.isWord('WITH')) return undefined;
  let k = lx.next();
  if (k === Tok.WORD && lx.isWord('RECURSIVE')) k = lx.next();
  const ctes: CteText[] = [];
  for (;;) {
    if (k !== Tok.WORD && k !== Tok.QUOTED_IDENT) return undefined;
    const name = k === Tok.QUOTED_IDENT ? lx.text().slice(1, -1).replace(/``/g, '`') : lx.text();
    const columns: string[] = [];
    k = lx.next();
    if (k === Tok.PUNCT && lx.isPunct('(')) {
      for (k = lx.next(); !(k === Tok.PUNCT && lx.isPunct(')')); k = lx.next()) {
        if (k === Tok.EOF) return undefined;
        if (k === Tok.WORD) columns.push(lx.text());
        else if (k === Tok.QUOTED_IDENT) columns.push(lx.text().slice(1, -1).replace(/``/g, '`'));
      }
      k = lx.next();
    }
    if (k !== Tok.WORD || !lx.isWord('AS')) return undefined;
    if (lx.next() !== Tok.PUNCT || !lx.isPunct('(')) return undefined;
    const start = lx.end;
    let depth = 1;
    while (depth > 0) {
      k = lx.next();
      if (k === Tok.EOF) return undefined;
      if (k === Tok.PUNCT && lx.isPunct('(')) depth++;
      else if (k === Tok.PUNCT && lx.isPunct(')')) depth--;
    }
    ctes.push({ name, columns, body: sql.slice(start, lx.start).trim() });
    k = lx.next();
    if (k === Tok.PUNCT && lx.isPunct(',')) {
      k = lx.next();
      continue;
    }
    return { ctes, main: sql.slice(lx.start) };
  }
}

/** Words after a table name that are not its alias. */
const NOT_ALIAS = new Set([
  'WHERE', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'CROSS', 'STRAIGHT_JOIN', 'NATURAL', 'ON', 'USING', 'GROUP', 'HAVING', 'ORDER',
  'LIMIT', 'UNION', 'WINDOW', 'FOR', 'LOCK', 'INTO',
]);
/** Words that end a FROM list at their nesting depth. */
const END_FROM = new Set(['WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'UNION', 'WINDOW', 'SELECT', 'ON', 'USING', 'FOR', 'LOCK', 'INTO']);

/** The text with every FROM-list reference to one of `ctes` replaced by its body as a derived table (`(body) as name`). */
function inlineCtes(text: string, ctes: CteText[]): string {
  if (ctes.length === 0) return text;
  const lx = new SqlLexer(text);
  const toks: { kind: Tok; start: number; end: number; upper: string; text: string }[] = [];
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) toks.push({ kind: k, start: lx.start, end: lx.end, upper: lx.upper(), text: lx.text() });
  const inFrom: boolean[] = [false];
  let out = '';
  let copied = 0;
  toks.forEach((t, i) => {
    const top = inFrom.length - 1;
    if (t.kind === Tok.PUNCT && t.text === '(') return void inFrom.push(false);
    if (t.kind === Tok.PUNCT && t.text === ')') return void (inFrom.length > 1 && inFrom.pop());
    if (t.kind === Tok.WORD && (t.upper === 'FROM' || t.upper.endsWith('JOIN'))) return void (inFrom[top] = true);
    if (t.kind === Tok.WORD && END_FROM.has(t.upper)) return void (inFrom[top] = false);
    if (t.kind !== Tok.WORD && t.kind !== Tok.QUOTED_IDENT) return;
    const prev = toks[i - 1];
    const atTable = prev && (prev.upper === 'FROM' || prev.upper.endsWith('JOIN') || (prev.text === ',' && inFrom[top]));
    const afterDot = toks[i + 1]?.text === '.' || prev?.text === '.';
    if (!atTable || afterDot) return;
    const name = t.kind === Tok.QUOTED_IDENT ? t.text.slice(1, -1).replace(/``/g, '`') : t.text;
    const cte = ctes.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (!cte) return;
    const next = toks[i + 1];
    const hasAlias = !!next && ((next.kind === Tok.WORD && !NOT_ALIAS.has(next.upper)) || next.kind === Tok.QUOTED_IDENT);
    out += text.slice(copied, t.start) + `(${cte.body})` + (hasAlias ? '' : ` as ${quoteIdent(cte.name)}`);
    copied = t.end;
  });
  return out + text.slice(copied);
}

/** A CTE body whose select items are renamed by the CTE's column list (`t (a, b) as (select …)`); a UNION body with a column list is refused. */
function renameColumns(body: string, columns: string[]): string {
  if (columns.length === 0) return body;
  const ast = parseStatement(body);
  if (ast._next) throw unsupported('column list of a common table expression over a union across shards');
  const st = selectText(body);
  const items = (ast.columns ?? []) as Expr[];
  if (items.length !== columns.length) throw sqlError([1353, 'HY000'], 'In definition of view, derived table or common table expression, SELECT list and column names list have different column counts');
  if (!st) throw unsupported('column list of a common table expression vtgate cannot rename');
  let out = body.slice(0, st.itemsStart);
  items.forEach((item, i) => {
    const text = identName(item.as) ? formatExpr(item.expr as Expr) : body.slice(st.items[i]!.start, st.items[i]!.end);
    out += `${i > 0 ? ', ' : ''}${text} as ${quoteIdent(columns[i]!)}`;
  });
  return out + body.slice(st.itemsEnd);
}
