/**
 * Name resolution for a statement's FROM sources: the row layout (every source's columns side by side
 * in FROM order) and the ExprScope that compiles column references against it, per SQL clause.
 */
import { ER, sqlError, type Field, type SqlValue } from '@vtsim/proto';
import type { ColumnType, EvalEnv, Expr, ExprScope, Statement } from '@vtsim/sql';
import type { TableEntry } from './catalog.js';
import { columnDefaultValue } from './column-default.js';

/** One column a source provides. */
export interface SourceColumn {
  readonly name: string;
  /** Field metadata with `table` set to the source's alias. */
  readonly field: Field;
  readonly columnType: ColumnType | null;
}

/** One FROM item: a base table or a derived table, placed at `offset` in the combined row. */
export interface Source {
  readonly alias: string;
  readonly offset: number;
  readonly columns: readonly SourceColumn[];
  /** The base table (undefined for derived tables). */
  readonly entry?: TableEntry;
  /** An unaliased select item naming one of these columns is named as the column is declared (MySQL 8's information_schema). */
  readonly declaredNames?: boolean;
}

/** A column reference resolved to a source column and its index in the combined row. */
export interface ResolvedColumn {
  readonly source: number;
  readonly column: number;
  readonly index: number;
  readonly type: ColumnType | null;
}

/** Optional hooks and extra names of one clause's scope. */
export interface ScopeOptions {
  /** The clause named in 1054 errors: `field list`, `where clause`, `order clause`, `group statement`, `having clause`, `on clause`. */
  readonly clause: string;
  /** Names resolvable before source columns (select aliases in ORDER BY / HAVING), lower-case → row index. */
  readonly aliases?: ReadonlyMap<string, { index: number; type: ColumnType | null }>;
  readonly aggregate?: (node: Expr) => number;
  readonly subquery?: (ast: Statement) => (env: EvalEnv) => SqlValue[][];
  /** Resolves names that are not in these sources (an enclosing query's columns), or returns null. */
  readonly outer?: (table: string | null, name: string) => { index: number; type: ColumnType | null } | null;
}

/** The sources of one query level and how their columns are found. */
export class SourceLayout {
  /** Total number of values in a combined row. */
  readonly width: number;
  private readonly byName: Map<string, { source: number; column: number }[]>;

  constructor(
    readonly sources: readonly Source[],
    /** Lower-case names joined with USING: an unqualified reference picks the first source. */
    readonly usingColumns: ReadonlySet<string> = new Set(),
    /**
     * The column pairs USING joins (`kept` is the one `SELECT *` shows, once and first; `hidden` the
     * other), as source and column positions.
     */
    readonly coalesced: readonly { readonly kept: readonly [number, number]; readonly hidden: readonly [number, number] }[] = [],
  ) {
    let width = 0;
    this.byName = new Map();
    sources.forEach((s, si) => {
      width = Math.max(width, s.offset + s.columns.length);
      s.columns.forEach((c, ci) => {
        const k = c.name.toLowerCase();
        let list = this.byName.get(k);
        if (!list) this.byName.set(k, (list = []));
        list.push({ source: si, column: ci });
      });
    });
    this.width = width;
  }

  /** The source an alias names (exact match first, then case-insensitive), or -1. */
  sourceIndex(alias: string): number {
    const exact = this.sources.findIndex((s) => s.alias === alias);
    if (exact >= 0) return exact;
    const lower = alias.toLowerCase();
    return this.sources.findIndex((s) => s.alias.toLowerCase() === lower);
  }

  /**
   * Resolves `table.name` or `name` to a column, or null if no source has it. Throws SqlError 1052
   * `Column 'x' in <clause> is ambiguous` when several sources have an unqualified name.
   */
  resolve(table: string | null, name: string, clause: string): ResolvedColumn | null {
    const list = this.byName.get(name.toLowerCase());
    if (!list) return null;
    let hit: { source: number; column: number } | undefined;
    if (table) {
      const si = this.sourceIndex(table);
      if (si < 0) return null;
      hit = list.find((h) => h.source === si);
    } else {
      if (list.length > 1 && !this.usingColumns.has(name.toLowerCase())) {
        throw sqlError(ER.NON_UNIQ_ERROR, `Column '${name}' in ${clause} is ambiguous`);
      }
      hit = list[0];
    }
    if (!hit) return null;
    const s = this.sources[hit.source]!;
    return { source: hit.source, column: hit.column, index: s.offset + hit.column, type: s.columns[hit.column]!.columnType };
  }

  /** An ExprScope over this layout for one clause. */
  scope(options: ScopeOptions): ExprScope & { readonly layout: SourceLayout } {
    const layout = this;
    const scope: ExprScope & { readonly layout: SourceLayout } = {
      layout,
      column(table: string | null, name: string) {
        if (!table && options.aliases) {
          const a = options.aliases.get(name.toLowerCase());
          if (a) return a;
        }
        const r = layout.resolve(table, name, options.clause);
        if (r) return { index: r.index, type: r.type };
        if (table && layout.sourceIndex(table) < 0 && !options.outer) {
          throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${table}.${name}' in '${options.clause}'`);
        }
        const o = options.outer?.(table, name);
        if (o) return o;
        throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${table ? `${table}.` : ''}${name}' in '${options.clause}'`);
      },
    };
    scope.columnDefault = (table, name) => {
      const r = layout.resolve(table, name, options.clause);
      // Not a column of these sources: 1054 for an unknown name, else (an outer query's column) refused below.
      if (!r) scope.column(table, name);
      const c = r ? layout.sources[r.source]!.entry?.schema.columns[r.column] : undefined;
      if (!c || c.generated || c.autoIncrement) throw sqlError(ER.NOT_SUPPORTED_YET, "This version of vtsim doesn't yet support 'DEFAULT() of a derived, outer, generated or AUTO_INCREMENT column'");
      return { value: (env) => columnDefaultValue(c, env.session.now()), type: c.columnType };
    };
    if (options.aggregate) scope.aggregate = options.aggregate;
    if (options.subquery) scope.subquery = options.subquery;
    return scope;
  }
}
