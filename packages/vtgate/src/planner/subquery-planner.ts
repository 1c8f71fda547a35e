/**
 * Planning the subqueries of a SELECT that reaches a sharded keyspace (Vitess's subquery
 * planning): a subquery the outer route can carry stays in its text (same unsharded keyspace,
 * reference tables, or a correlated subquery whose tables join the outer ones on their vindex, so
 * that every shard holds the rows it needs); any other uncorrelated subquery is pulled out and
 * run first ({@link UncorrelatedSubquery}), its answer replacing it as bind variables; a
 * correlated one that cannot merge is refused as Vitess refuses it.
 */
import { parseStatement, SqlLexer, Tok, type Expr, type Statement } from '@vtsim/sql';
import type { Primitive } from '../engine/primitive.js';
import { UncorrelatedSubquery, type PulloutOpcode } from '../engine/uncorrelated-subquery.js';
import { conjuncts, identName, unsupported } from './ast.js';
import type { Plan, PlanContext } from './plan.js';
import { selectText } from './query-text.js';
import { collectTables, resolveTables, type ResolvedTable } from './table-refs.js';
import { colocated, type ScopedTable } from './vindex-predicates.js';

/** A subquery in an expression of the statement's text. */
export interface SubquerySpan {
  /** Where the replaced text starts (the `(`, or the EXISTS keyword) and ends (after the `)`). */
  start: number;
  end: number;
  /** The subquery's own text, inside the parentheses. */
  inner: string;
  opcode: PulloutOpcode;
}

/** What became of a statement's subqueries. */
export type SubqueryPlanning =
  /** Some were pulled out: the plan runs them first. */
  | { kind: 'pulled'; plan: Plan }
  /** Every subquery can stay in the outer query's text (and there is no derived table). */
  | { kind: 'merged' }
  /** A correlated EXISTS that cannot merge remains: the outer query needs a SemiJoin (see planJoin). */
  | { kind: 'semi' }
  /** Shapes not handled here (derived tables, CTEs, ANY/ALL): the caller decides. */
  | { kind: 'none' };

/**
 * Plans the expression subqueries of a SELECT whose outer tables are `top` (resolved). `plan`
 * plans a SELECT text (the caller's planner, for the outer query and the pulled-out ones).
 * A correlated subquery whose rows may live on other shards is left for a SemiJoin when it is an
 * EXISTS, else refused as Vitess refuses it (1235 `VT12001: unsupported: correlated subquery is
 * only supported for EXISTS`).
 */
export function planSubqueries(ast: Statement, text: string, ctx: PlanContext, top: ResolvedTable[], plan: (sql: string) => Plan): SubqueryPlanning {
  if (ast._next || ast.with) return { kind: 'none' };
  const spans = subquerySpans(text);
  if (!spans) return { kind: 'none' };
  const outerKs = top[0]?.table.keyspace;
  const outerScoped: ScopedTable[] = top.map((r) => ({ alias: r.ref.alias, table: r.table }));
  const outerPreds = conjuncts(ast.where as Expr);
  for (const f of (ast.from ?? []) as Expr[]) if (f.on) conjuncts(f.on as Expr, outerPreds);
  const pulled: SubquerySpan[] = [];
  let semi = false;
  for (const span of spans) {
    const inner = parseStatement(span.inner);
    const refs = collectTables(inner);
    const resolved = resolveTables(refs, ctx.vschema, ctx.keyspace, ctx.tabletType);
    const carried = resolved.every((r) => r.table.keyspace === outerKs && (!outerKs.sharded || r.table.type === 'reference'));
    if (carried) continue;
    if (correlated(inner, new Set(refs.map((r) => r.alias)))) {
      const innerTop = resolved.filter((r) => !r.ref.nested);
      const scoped = [...outerScoped, ...innerTop.map((r) => ({ alias: r.ref.alias, table: r.table }))];
      const merges = resolved.every((r) => r.table.keyspace === outerKs) && resolved.every((r) => !r.ref.nested || r.table.type === 'reference') && colocated(scoped, [...outerPreds, ...conjuncts(inner.where as Expr)]);
      if (!merges && span.opcode !== 'exists') throw unsupported('correlated subquery is only supported for EXISTS');
      semi ||= !merges;
      continue;
    }
    pulled.push(span);
  }
  // Derived tables are planned with the FROM list: only expression subqueries can merge here.
  if (pulled.length === 0 && semi) return { kind: 'semi' };
  if (pulled.length === 0) return ((ast.from ?? []) as Expr[]).some((f) => f.expr) ? { kind: 'none' } : { kind: 'merged' };

  // The outer text with each pulled-out subquery replaced by its bind variable; select items
  // that contained one keep their name as written.
  const names = pulled.map((_, i) => ({ value: `__sq${i + 1}`, hasValues: `__sq_has_values${i + 1}` }));
  const st = selectText(text);
  const items = ((ast.columns ?? []) as Expr[]);
  let outer = '';
  let copied = 0;
  const aliasAfter = new Map<number, string>();
  if (st && st.items.length === items.length) {
    st.items.forEach((r, i) => {
      if (!identName(items[i]!.as) && pulled.some((p) => p.start >= r.start && p.end <= r.end)) aliasAfter.set(r.end, text.slice(r.start, r.end));
    });
  }
  const cuts = [...pulled.map((p, i) => ({ at: p.start, end: p.end, text: replacement(p.opcode, names[i]!) })), ...[...aliasAfter].map(([at, name]) => ({ at, end: at, text: ` as \`${name.replace(/`/g, '``')}\`` }))].sort((a, b) => a.at - b.at || a.end - b.end);
  for (const c of cuts) {
    outer += text.slice(copied, c.at) + c.text;
    copied = c.end;
  }
  outer += text.slice(copied);

  // The first pullout runs first; a DECIMAL scalar's value is written into the text of everything after it.
  const build = (from: number, outerText: string): Primitive => {
    if (from === pulled.length) return plan(outerText).primitive;
    const p = pulled[from]!;
    const name = names[from]!;
    const placeholder = new RegExp(`:${name.value}(?![A-Za-z0-9_])`, 'g');
    return new UncorrelatedSubquery({
      opcode: p.opcode,
      subqueryName: name.value,
      hasValuesName: name.hasValues,
      subquery: plan(p.inner).primitive,
      outer: build(from + 1, outerText),
      outerWithLiteral: p.opcode === 'value' ? (literal) => build(from + 1, outerText.replace(placeholder, literal)) : undefined,
    });
  };
  const primitive = build(0, outer);
  return { kind: 'pulled', plan: { type: 'select', write: false, primitive } };
}

/** What replaces a pulled-out subquery in the outer text. */
function replacement(opcode: PulloutOpcode, names: { value: string; hasValues: string }): string {
  switch (opcode) {
    case 'value':
      return `:${names.value}`;
    case 'in':
      return `(:${names.value})`;
    case 'exists':
      return `:${names.hasValues}`;
  }
}

/**
 * The subqueries of the text's expressions that are not nested in another subquery (derived
 * tables skipped), with how each is used; undefined when one is used in a way not pulled out
 * here (ANY/ALL/SOME).
 */
export function subquerySpans(text: string): SubquerySpan[] | undefined {
  const from = selectText(text)?.clauses.from;
  const lx = new SqlLexer(text);
  const toks: { kind: Tok; start: number; end: number; upper: string }[] = [];
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) toks.push({ kind: k, start: lx.start, end: lx.end, upper: lx.upper() });
  const spans: SubquerySpan[] = [];
  for (let i = 1; i < toks.length; i++) {
    const t = toks[i]!;
    if (!(t.kind === Tok.PUNCT && t.upper === '(')) continue;
    const next = toks[i + 1];
    if (!next || next.kind !== Tok.WORD || (next.upper !== 'SELECT' && next.upper !== 'WITH')) continue;
    let depth = 0;
    let j = i;
    for (; j < toks.length; j++) {
      const u = toks[j]!;
      if (u.kind === Tok.PUNCT && u.upper === '(') depth++;
      else if (u.kind === Tok.PUNCT && u.upper === ')' && --depth === 0) break;
    }
    if (j >= toks.length) return undefined;
    const prev = toks[i - 1]!;
    const inner = text.slice(next.start, toks[j]!.start);
    const end = toks[j]!.end;
    if (prev.kind === Tok.WORD && ['ANY', 'SOME', 'ALL'].includes(prev.upper)) return undefined;
    // A derived table (planned with the FROM list), not an expression.
    const derived = (prev.kind === Tok.WORD && (prev.upper === 'FROM' || prev.upper.endsWith('JOIN'))) || (prev.upper === ',' && from && t.start >= from.start && t.start < from.end);
    if (derived) {
      i = j;
      continue;
    }
    if (prev.kind === Tok.WORD && prev.upper === 'EXISTS') spans.push({ start: prev.start, end, inner, opcode: 'exists' });
    else if (prev.kind === Tok.WORD && prev.upper === 'IN') spans.push({ start: t.start, end, inner, opcode: 'in' });
    else spans.push({ start: t.start, end, inner, opcode: 'value' });
    i = j;
  }
  return spans;
}

/** True if a subquery names a column of a table it does not define itself (an outer query's). */
function correlated(inner: Statement, aliases: Set<string>): boolean {
  let found = false;
  const visit = (n: unknown): void => {
    if (found || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const node = n as Expr;
    if (node.type === 'column_ref') {
      const t = identName(node.table);
      if (t !== null && !aliases.has(t)) found = true;
      return;
    }
    for (const k in node) visit(node[k]);
  };
  visit(inner);
  return found;
}
