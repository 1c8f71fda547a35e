/**
 * Insert: an INSERT/REPLACE … VALUES routed row by row (Vitess's engine.Insert). Missing or NULL
 * auto-increment values are filled from the table's sequence, each row goes to the shard of its
 * primary vindex value, and a multi-row insert becomes one insert per shard.
 */
import { ER, sqlError, valueToText, type BindVars, type Result, type SqlValue } from '@vtsim/proto';
import type { ServingShard } from '../resolver.js';
import type { Vindex } from '@vtsim/vindexes';
import type { TableModel } from '../vschema.js';
import type { PrimitiveDescription } from './plan-description.js';
import type { Primitive, QueryAccess, ShardQueries, ShardQuery, VCursor } from './primitive.js';
import { evaluateValue, type ValueSource } from './value-source.js';

/** One value of one row: its text as written and how to evaluate it (for routing and sequences). */
export interface InsertCell {
  /** The expression's text; '' for a column the planner added (the auto-increment column). */
  text: string;
  src: ValueSource;
  /** The text is exactly one bind variable (`:name`), so the per-shard text can rename it. */
  bindName?: string;
  /** The bind variables an expression cell's text names (`:a + 1` → `a`); the per-shard statement carries them along. */
  bindRefs?: string[];
}

/** How an insert is routed. */
export type InsertMode = 'unsharded' | 'sharded' | 'reference';

/** What an insert needs; see {@link Insert}. */
export interface InsertOptions {
  keyspace: string;
  mode: InsertMode;
  /** The statement as normalized (qualifiers stripped): used as is when nothing was generated and one shard gets every row. */
  passthroughQuery: string;
  /** `insert into \`t\` (\`a\`, \`b\`) values ` — the text before the rows of a generated statement. */
  head: string;
  /** Rows × the final column list (including a column added for the auto-increment value). */
  rows: InsertCell[][];
  /** Text after the rows (` on duplicate key update …`), or ''. */
  tail: string;
  /** Sharded mode: the primary vindex and its column index. */
  vindex?: Vindex;
  vindexColumn?: number;
  /** The auto-increment column index and its sequence. */
  autoIncrement?: { column: number; sequence: TableModel };
  access: QueryAccess;
}

/** A routed insert. */
export class Insert implements Primitive {
  /**
   * Every cell becomes a positional bind variable in the per-shard text (a single bind variable,
   * or an auto-increment value that is always generated), so that text depends only on the
   * number of rows and is built once per chunk size.
   */
  private readonly uniform: boolean;
  /** The per-shard text by number of rows, when {@link uniform}. */
  private readonly texts = new Map<number, string>();
  /** Cells per row. */
  private readonly width: number;
  /**
   * Per cell (row-major), the index of its value among the normalizer's positional values (`vtgN`
   * is index N-1), or -1 for a cell that names no bind variable (a literal or a constant
   * expression); undefined when a cell names any other bind variable, so only {@link execute} applies.
   */
  private readonly positions: Int32Array | undefined;

  constructor(readonly opts: InsertOptions) {
    const ai = opts.autoIncrement?.column;
    this.uniform = opts.rows.every((row) =>
      row.every((cell, c) => cell.bindName !== undefined || (c === ai && cell.src.kind === 'literal' && cell.src.value === null)),
    );
    this.width = opts.rows[0]?.length ?? 0;
    this.positions = normalizerPositions(opts.rows, this.width);
  }

  execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    return this.run(vc, undefined, () => bindVars);
  }

  /**
   * Runs with the normalizer's positional values, reading each cell's value from `values` without
   * the bind-variable object (built by `bindVars()` only when a shard gets the statement as it was
   * normalized); the same result, queries and errors as {@link execute} with that object.
   */
  executeValues(vc: VCursor, values: readonly SqlValue[], bindVars: () => BindVars): Promise<Result> {
    return this.positions ? this.run(vc, values, bindVars) : this.execute(vc, bindVars());
  }

  private async run(vc: VCursor, values: readonly SqlValue[] | undefined, lazyBindVars: () => BindVars): Promise<Result> {
    const o = this.opts;
    // With positional values, no cell names a bind variable outside them: none is read by name.
    const bindVars = values ? NO_BIND_VARS : lazyBindVars();
    const read: CellReader = { bindVars, values, session: vc.sessionContext };
    const generated = o.autoIncrement ? await this.generateIds(vc, read) : undefined;
    const all = vc.resolver.shards(o.keyspace, vc.tabletType);
    let groups: Map<ServingShard, number[]>;
    if (o.mode === 'sharded') {
      groups = this.groupByShard(vc, read, generated);
    } else {
      const rowIdx = o.rows.map((_, i) => i);
      groups = new Map((o.mode === 'reference' ? all : all.slice(0, 1)).map((shard) => [shard, rowIdx]));
    }
    if (!generated && (groups.size === 1 || o.mode === 'reference')) {
      const passthroughVars = lazyBindVars();
      const queries = [...groups.keys()].map((shard) => ({ shard, sql: o.passthroughQuery, bindVars: passthroughVars }));
      const results = queries.length === 1 ? [await vc.executeShard(queries[0]!, o.access)] : await vc.executeShards(queries, o.access);
      return this.combine(results.map((r) => [r]), undefined, o.mode === 'reference');
    }
    const perShard: ShardQueries[] = [];
    for (const shard of all) {
      const rows = groups.get(shard);
      if (!rows) continue;
      perShard.push({ shard, queries: binaryChunks(rows).map((chunk) => this.shardQuery(shard, chunk, read, generated)) });
    }
    return this.combine(await vc.executeShardsAtomically(perShard, o.access), generated, o.mode === 'reference');
  }

  describe(): PrimitiveDescription {
    const o = this.opts;
    return {
      OperatorType: 'Insert',
      Variant: o.mode === 'unsharded' ? 'Unsharded' : 'Sharded',
      Keyspace: { Name: o.keyspace, Sharded: o.mode !== 'unsharded' },
      TargetTabletType: 'PRIMARY',
      Query: o.passthroughQuery,
      TableName: o.access.tables.join(', '),
    };
  }

  /** Fills missing/NULL auto-increment values from the sequence; returns row → id for the generated ones. */
  private async generateIds(vc: VCursor, read: CellReader): Promise<Map<number, bigint> | undefined> {
    const ai = this.opts.autoIncrement!;
    const missing: number[] = [];
    for (let i = 0; i < this.opts.rows.length; i++) {
      if (this.value(i, ai.column, read) === null) missing.push(i);
    }
    if (missing.length === 0) return undefined;
    const first = await vc.nextSequenceIds(ai.sequence, missing.length);
    const ids = new Map<number, bigint>();
    missing.forEach((row, k) => ids.set(row, first + BigInt(k)));
    return ids;
  }

  /** The value of row `i`'s cell `c` in this execution. */
  private value(i: number, c: number, read: CellReader): SqlValue {
    if (read.values) {
      const p = this.positions![i * this.width + c]!;
      if (p >= 0) {
        const v = read.values[p];
        if (v === undefined) throw sqlError(ER.UNKNOWN_ERROR, `missing bind var vtg${p + 1}`);
        return v;
      }
    }
    return evaluateValue(this.opts.rows[i]![c]!.src, read.bindVars, read.session);
  }

  private groupByShard(vc: VCursor, read: CellReader, generated: Map<number, bigint> | undefined): Map<ServingShard, number[]> {
    const o = this.opts;
    const col = o.vindexColumn!;
    // A generated id is the vindex value only when the vindex column is the auto-increment one.
    const fromSequence = col === o.autoIncrement?.column ? generated : undefined;
    const vindex = o.vindex!;
    // The keyspace id only picks the shard: a vindex that can write it into one array does.
    const scratch = vindex.mapInto ? KEYSPACE_ID_SCRATCH : undefined;
    const values: SqlValue[] = o.rows.map((_, i) => fromSequence?.get(i) ?? this.value(i, col, read));
    const groups = new Map<ServingShard, number[]>();
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      const ksid = scratch ? (vindex.mapInto!(value, scratch) ? scratch : null) : vindex.mapOne(value);
      if (!ksid) throw sqlError(ER.UNKNOWN_ERROR, `could not map [${valueToText(value) ?? 'NULL'}] to a keyspace id`);
      const shard = vc.resolver.shardForKeyspaceId(o.keyspace, vc.tabletType, ksid);
      const list = groups.get(shard);
      if (list) list.push(i);
      else groups.set(shard, [i]);
    }
    return groups;
  }

  /**
   * Builds one shard's insert. Cells that are a single bind variable (and generated ids) become
   * positional bind variables `:_<column>_<row>`, so the text depends only on the number of rows
   * and tablets reuse their plans; other cells keep their text, and the bind variables they name
   * come along. The statement carries only the bind variables its own rows use.
   */
  private shardQuery(shard: ServingShard, rowIdx: number[], read: CellReader, generated: Map<number, bigint> | undefined): ShardQuery {
    const o = this.opts;
    const ai = o.autoIncrement?.column;
    const vars: BindVars = {};
    const uniform = this.uniform;
    let sql = uniform ? '' : o.head;
    for (let r = 0; r < rowIdx.length; r++) {
      const i = rowIdx[r]!;
      const row = o.rows[i]!;
      if (!uniform) sql += r === 0 ? '(' : ', (';
      for (let c = 0; c < row.length; c++) {
        const cell = row[c]!;
        const id = c === ai ? generated?.get(i) : undefined;
        if (id !== undefined || cell.bindName !== undefined) {
          const name = positionalName(c, r);
          vars[name] = id ?? (read.values ? this.value(i, c, read) : bindValue(read.bindVars, cell.bindName!));
          if (!uniform) sql += (c > 0 ? ', :' : ':') + name;
          continue;
        }
        if (c > 0) sql += ', ';
        sql += cell.text || 'null';
        const refs = cell.bindRefs;
        if (refs) {
          for (const ref of refs) {
            const v = read.bindVars[ref];
            if (v !== undefined) vars[ref] = v;
          }
        }
      }
      if (!uniform) sql += ')';
    }
    return { shard, sql: uniform ? this.uniformText(rowIdx.length, o.rows[0]!.length) : sql + o.tail, bindVars: vars };
  }

  /** The per-shard text of `rows` uniform rows of `columns` cells, built once per size. */
  private uniformText(rows: number, columns: number): string {
    let sql = this.texts.get(rows);
    if (sql !== undefined) return sql;
    const parts: string[] = [];
    for (let r = 0; r < rows; r++) {
      const cells: string[] = [];
      for (let c = 0; c < columns; c++) cells.push(':' + positionalName(c, r));
      parts.push(`(${cells.join(', ')})`);
    }
    sql = this.opts.head + parts.join(', ') + this.opts.tail;
    this.texts.set(rows, sql);
    return sql;
  }

  /** Sums rows affected (per shard; only the first shard's for reference tables, where every shard does the same) and picks the insert id. */
  private combine(perShard: Result[][], generated: Map<number, bigint> | undefined, sameOnEveryShard: boolean): Result {
    if (perShard.length === 1 && perShard[0]!.length === 1 && !generated) return perShard[0]![0]!;
    let rowsAffected = 0;
    let insertId = 0n;
    perShard.forEach((results, i) => {
      for (const r of results) {
        if (!sameOnEveryShard || i === 0) rowsAffected += r.rowsAffected;
        if (insertId === 0n && r.insertId) insertId = r.insertId;
      }
    });
    if (generated) insertId = generated.values().next().value!;
    return { fields: [], rows: [], rowsAffected, insertId };
  }
}

/**
 * Splits row indexes into chunks whose sizes are distinct powers of two (largest first), so the
 * generated statement texts repeat across executions and tablets reuse their cached plans.
 */
export function binaryChunks(rows: number[]): number[][] {
  const out: number[][] = [];
  let start = 0;
  let left = rows.length;
  for (let size = 1 << (31 - Math.clz32(left || 1)); left > 0; size >>= 1) {
    if (left < size) continue;
    out.push(rows.slice(start, start + size));
    start += size;
    left -= size;
  }
  return out;
}

/** How one execution reads its cells: by bind-variable name, or from the normalizer's positional values. */
interface CellReader {
  bindVars: BindVars;
  values: readonly SqlValue[] | undefined;
  session: VCursor['sessionContext'];
}

const NO_BIND_VARS: BindVars = Object.freeze({});

/** The keyspace id of the row being routed, for vindexes with `mapInto` (routing is synchronous). */
const KEYSPACE_ID_SCRATCH = new Uint8Array(8);

/** The normalizer's bind-variable names, `vtg1`, `vtg2`, …: the number is the value's position plus one. */
const NORMALIZER_NAME = /^vtg([1-9][0-9]*)$/;

/**
 * Each cell's position among the normalizer's values (see {@link Insert}'s `positions`), or
 * undefined if a cell names a bind variable the normalizer did not make.
 */
function normalizerPositions(rows: readonly InsertCell[][], width: number): Int32Array | undefined {
  const positions = new Int32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    for (let c = 0; c < width; c++) {
      const cell = rows[i]![c]!;
      if (cell.bindRefs) return undefined;
      let p = -1;
      if (cell.src.kind === 'bind') {
        const m = cell.bindName !== undefined ? NORMALIZER_NAME.exec(cell.bindName) : null;
        if (!m) return undefined;
        p = Number(m[1]) - 1;
      }
      positions[i * width + c] = p;
    }
  }
  return positions;
}

/** The names `_<column>_<row>` of per-shard positional bind variables, made once. */
const POSITIONAL_NAMES: string[][] = [];

function positionalName(column: number, row: number): string {
  const names = (POSITIONAL_NAMES[column] ??= []);
  return (names[row] ??= `_${column}_${row}`);
}

function bindValue(bindVars: BindVars, name: string): SqlValue {
  const v = bindVars[name];
  if (v === undefined) throw sqlError(ER.UNKNOWN_ERROR, `missing bind var ${name}`);
  if (Array.isArray(v)) throw sqlError(ER.UNKNOWN_ERROR, `bind var ${name} is a list, a single value was expected`);
  return v;
}
