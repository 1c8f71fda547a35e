/**
 * ONLY_FULL_GROUP_BY: finds the nonaggregated column MySQL 8 refuses in an aggregated query. A
 * column passes when it is grouped, when the whole expression it sits in is a GROUP BY expression,
 * or when it is functionally dependent on the grouped columns because they cover its table's
 * primary key or a unique key over NOT NULL columns. (MySQL 8 also derives dependencies from
 * `col = constant` in WHERE and from join conditions; vtsim does not, and so refuses those queries.)
 */
import { SqlError } from '@vtsim/proto';
import { isAggregateNode, type Expr } from '@vtsim/sql';
import { identName } from './ast-names.js';
import { walkExpr } from './ast-walk.js';
import type { ResolvedColumn, SourceLayout } from './source-scope.js';

/** One select-list item: its expression, or the column a `*` expanded to. */
export interface GroupCheckItem {
  readonly ast: Expr | null;
  readonly direct: ResolvedColumn | null;
}

/** What the check reads of a compiled SELECT. */
export interface GroupCheckInput {
  readonly layout: SourceLayout;
  readonly items: readonly GroupCheckItem[];
  /** GROUP BY expressions with positions and select aliases replaced by the items they name. */
  readonly groupBy: readonly Expr[];
  /** ORDER BY expressions that are not select-list positions or aliases. */
  readonly orderBy: readonly (Expr | null)[];
}

const INCOMPATIBLE = 'this is incompatible with sql_mode=only_full_group_by';

/**
 * The error MySQL 8 raises for this aggregated query under ONLY_FULL_GROUP_BY, or undefined when
 * it is valid: 1055 (42000) with GROUP BY, 1140 (42000) without (aggregates only).
 */
export function fullGroupByError(input: GroupCheckInput): SqlError | undefined {
  const { layout, items, groupBy, orderBy } = input;
  const groupedColumns = new Set<number>();
  const groupedExprs = new Set<string>();
  for (const g of groupBy) {
    groupedExprs.add(JSON.stringify(g));
    const r = columnOf(layout, g);
    if (r) groupedColumns.add(r.index);
  }
  const dependent = new Set<number>();
  layout.sources.forEach((s, si) => {
    const schema = s.entry?.schema;
    if (!schema) return;
    const covers = (cols: readonly number[]) => cols.length > 0 && cols.every((c) => groupedColumns.has(s.offset + c));
    const keys = schema.indexes.filter((ix) => ix.primary || (ix.unique && ix.columns.every((c) => schema.columns[c]!.notNull)));
    if (keys.some((ix) => covers(ix.columns))) dependent.add(si);
  });
  const nameOf = (r: ResolvedColumn): string => {
    const s = layout.sources[r.source]!;
    const db = s.entry?.schema.database;
    return `${db ? `${db}.` : ''}${s.alias}.${s.columns[r.column]!.name}`;
  };
  const offending = (r: ResolvedColumn): boolean => !groupedColumns.has(r.index) && !dependent.has(r.source);
  const firstOffending = (ast: Expr): string | undefined => {
    let bad: string | undefined;
    walkExpr(ast, (node) => {
      // A window function's arguments are read from the grouped rows: they must be grouped too.
      if (bad !== undefined || (isAggregateNode(node) && !node.over) || groupedExprs.has(JSON.stringify(node))) return false;
      if (node.type !== 'column_ref') return;
      const r = columnOf(layout, node);
      if (r && offending(r)) bad = nameOf(r);
      return false;
    });
    return bad;
  };
  const grouped = groupBy.length > 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    const bad = it.ast ? firstOffending(it.ast) : it.direct && offending(it.direct) ? nameOf(it.direct) : undefined;
    if (bad === undefined) continue;
    if (!grouped) {
      return new SqlError(1140, '42000', `In aggregated query without GROUP BY, expression #${i + 1} of SELECT list contains nonaggregated column '${bad}'; ${INCOMPATIBLE}`);
    }
    return notInGroupBy(`Expression #${i + 1} of SELECT list`, bad);
  }
  if (!grouped) return undefined;
  for (let i = 0; i < orderBy.length; i++) {
    const o = orderBy[i];
    const bad = o ? firstOffending(o) : undefined;
    if (bad !== undefined) return notInGroupBy(`Expression #${i + 1} of ORDER BY clause`, bad);
  }
  return undefined;
}

function notInGroupBy(what: string, column: string): SqlError {
  return new SqlError(1055, '42000', `${what} is not in GROUP BY clause and contains nonaggregated column '${column}' which is not functionally dependent on columns in GROUP BY clause; ${INCOMPATIBLE}`);
}

/** The source column a bare column reference names in this layout (null for anything else). */
function columnOf(layout: SourceLayout, e: Expr): ResolvedColumn | null {
  if (e.type !== 'column_ref') return null;
  const name = identName(e.column);
  if (name === '*') return null;
  try {
    return layout.resolve(identName(e.table) || null, name, 'group statement');
  } catch {
    return null;
  }
}
