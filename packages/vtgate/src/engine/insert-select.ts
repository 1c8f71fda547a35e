/**
 * InsertSelect: `INSERT … SELECT` into a table whose rows cannot all be written where the SELECT
 * runs (Vitess's engine.InsertSelect): the SELECT runs through vtgate's own plan, then its rows
 * are inserted as an {@link Insert} of bind-variable rows, each routed to the shard of its primary
 * vindex value (missing auto-increment values filled from the sequence).
 */
import { ER, emptyResult, sqlError, type BindVars, type Result } from '@vtsim/proto';
import { Insert, type InsertCell, type InsertOptions } from './insert.js';
import type { PrimitiveDescription } from './plan-description.js';
import type { Primitive, VCursor } from './primitive.js';

/** What an INSERT … SELECT needs: the SELECT's plan and the insert, without its rows. */
export interface InsertSelectOptions {
  select: Primitive;
  insert: Omit<InsertOptions, 'rows' | 'passthroughQuery'>;
  /** How many columns the SELECT must return (the insert's column list, without an added auto-increment column). */
  columns: number;
}

/** An INSERT whose rows come from a SELECT run first. */
export class InsertSelect implements Primitive {
  constructor(readonly opts: InsertSelectOptions) {}

  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const o = this.opts;
    const selected = await o.select.execute(vc, bindVars);
    if (selected.fields.length !== o.columns) throw sqlError(ER.WRONG_VALUE_COUNT_ON_ROW, "Column count doesn't match value count at row 1");
    if (selected.rows.length === 0) return emptyResult();
    const vars: BindVars = { ...bindVars };
    const rows: InsertCell[][] = selected.rows.map((row, r) => {
      const cells: InsertCell[] = row.map((value, c) => {
        const name = `__is_${c}_${r}`;
        vars[name] = value;
        return { text: `:${name}`, src: { kind: 'bind', name }, bindName: name };
      });
      if (o.insert.autoIncrement && o.insert.autoIncrement.column === o.columns) cells.push({ text: '', src: { kind: 'literal', value: null } });
      return cells;
    });
    const values = rows.map((cells) => `(${cells.map((c) => c.text || 'null').join(', ')})`).join(', ');
    const insert = new Insert({ ...o.insert, rows, passthroughQuery: o.insert.head + values + o.insert.tail });
    return insert.execute(vc, vars);
  }

  describe(): PrimitiveDescription {
    const i = this.opts.insert;
    return {
      OperatorType: 'Insert',
      Variant: 'Select',
      Keyspace: { Name: i.keyspace, Sharded: i.mode !== 'unsharded' },
      TargetTabletType: 'PRIMARY',
      TableName: i.access.tables.join(', '),
      Inputs: [this.opts.select.describe()],
    };
  }
}
