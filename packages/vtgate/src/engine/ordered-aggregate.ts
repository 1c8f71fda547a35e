/**
 * OrderedAggregate: GROUP BY and aggregate functions evaluated in vtgate over rows that no shard
 * can aggregate (the output of a Join), as Vitess's engine.OrderedAggregate does above a join:
 * rows are grouped by the GROUP BY values (compared by their types and collations), each
 * aggregate runs with MySQL's semantics (`createAggregate`), GROUP_CONCAT … ORDER BY sorts its
 * group's values first. Each output row is the group's first input row followed by the
 * aggregates' values, the shape a {@link RowLayout} with `aggregates` describes.
 */
import { Code, ER, Type, sqlError, type BindVars, type Field, type Result, type SqlValue } from '@vtsim/proto';
import { aggregateCall, columnTypeOf, createAggregate, keyComparator, renderExpr, resultField, valueComparator, type Aggregate, type AggregateCall, type CompiledExpr, type Expr } from '@vtsim/sql';
import type { PrimitiveDescription } from './plan-description.js';
import type { Primitive, VCursor } from './primitive.js';
import { RowExpr, type RowLayout } from './row-layout.js';

/** One aggregate call, decoded, with its argument and ORDER BY expressions over the input layout. */
interface AggregateSpec {
  call: AggregateCall;
  args: RowExpr[];
  orderBy: { expr: RowExpr; desc: boolean }[];
}

/** Aggregation of the input's rows by GROUP BY expressions. */
export class OrderedAggregate implements Primitive {
  private readonly groupBy: RowExpr[];
  private readonly specs: AggregateSpec[];

  /** `aggregates` are the aggregate call nodes, in the order the output layout holds them; one vtsim cannot evaluate is SqlError 1235 (VT12001). */
  constructor(
    readonly input: Primitive,
    layout: RowLayout,
    groupBy: readonly Expr[],
    readonly aggregates: readonly Expr[],
  ) {
    this.groupBy = groupBy.map((e) => new RowExpr(e, layout));
    this.specs = aggregates.map((node) => {
      const call = aggregateCall(node);
      if (!call) throw sqlError(ER.NOT_SUPPORTED_YET, `VT12001: unsupported: aggregate ${renderExpr(node)}`, Code.UNIMPLEMENTED);
      return {
        call,
        args: call.args.map((a) => new RowExpr(a, layout)),
        orderBy: call.orderBy.map((o) => ({ expr: new RowExpr(o.expr as Expr, layout), desc: String(o.type ?? '').toUpperCase() === 'DESC' })),
      };
    });
  }

  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const input = await this.input.execute(vc, bindVars);
    const session = vc.sessionContext;
    const keys = this.groupBy.map((g) => g.compiled(input.fields));
    const compiled = this.specs.map((s) => ({
      spec: s,
      args: s.args.map((a) => a.compiled(input.fields)),
      orderBy: s.orderBy.map((o) => ({ expr: o.expr.compiled(input.fields), desc: o.desc })),
    }));
    const compareKeys = keyComparator(keys.map((k) => k.columnType ?? columnTypeOf(k.type)));
    const groups: { key: SqlValue[]; first: SqlValue[]; rows: SqlValue[][] }[] = [];
    const env = { row: [] as readonly SqlValue[], bindVars, session };
    const keyed = input.rows.map((row) => {
      env.row = row;
      return { key: keys.map((k) => k(env)), row };
    });
    if (keys.length > 0) keyed.sort((a, b) => compareKeys(a.key, b.key));
    for (const { key, row } of keyed) {
      const last = groups[groups.length - 1];
      if (last && keys.length > 0 && compareKeys(last.key, key) === 0) last.rows.push(row);
      else if (last && keys.length === 0) last.rows.push(row);
      else groups.push({ key, first: row, rows: [row] });
    }
    if (groups.length === 0 && keys.length === 0) groups.push({ key: [], first: input.fields.map(() => null), rows: [] });
    const rows = groups.map((g) => {
      const values = compiled.map((c) => aggregateGroup(c, g.rows, bindVars, session));
      return [...g.first, ...values];
    });
    const fields: Field[] = [
      ...input.fields,
      ...compiled.map((c, i) => resultField(`agg${i}`, newAggregate(c.spec.call, c.args).type)),
    ];
    return { fields, rows, rowsAffected: 0, insertId: 0n };
  }

  describe(): PrimitiveDescription {
    return {
      OperatorType: 'Aggregate',
      Variant: this.groupBy.length > 0 ? 'Ordered' : 'Scalar',
      Aggregates: this.aggregates.map((a) => renderExpr(a)).join(', '),
      GroupBy: this.groupBy.map((g) => renderExpr(g.expr)).join(', '),
      Inputs: [this.input.describe()],
    };
  }
}

/** The accumulator of one aggregate call, typed by its argument. */
function newAggregate(call: AggregateCall, args: CompiledExpr[]): Aggregate {
  const first = args[0];
  return createAggregate(call.name, {
    distinct: call.distinct,
    star: first === undefined,
    ...(first ? { argType: args.length > 1 ? Type.VARCHAR : first.type } : {}),
    ...(args[1] ? { valueType: args[1].type } : {}),
    separator: call.separator,
  });
}

function aggregateGroup(
  c: { spec: AggregateSpec; args: CompiledExpr[]; orderBy: { expr: CompiledExpr; desc: boolean }[] },
  rows: SqlValue[][],
  bindVars: BindVars,
  session: VCursor['sessionContext'],
): SqlValue {
  const acc = newAggregate(c.spec.call, c.args);
  const env = { row: [] as readonly SqlValue[], bindVars, session };
  let ordered = rows;
  if (c.orderBy.length > 0) {
    const compares = c.orderBy.map((o) => valueComparator(o.expr.columnType ?? o.expr.type));
    const sortKeys = rows.map((row) => {
      env.row = row;
      return { row, keys: c.orderBy.map((o) => o.expr(env)) };
    });
    sortKeys.sort((a, b) => {
      for (let j = 0; j < compares.length; j++) {
        const d = compares[j]!(a.keys[j]!, b.keys[j]!);
        if (d !== 0) return c.orderBy[j]!.desc ? -d : d;
      }
      return 0;
    });
    ordered = sortKeys.map((s) => s.row);
  }
  for (const row of ordered) {
    env.row = row;
    if (c.args.length === 0) acc.add(1n);
    else if (c.args.length === 1) acc.add(c.args[0]!(env));
    else acc.addValues(c.args.map((a) => a(env)));
  }
  return acc.result();
}
