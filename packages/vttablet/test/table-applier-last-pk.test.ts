import { describe, expect, it } from 'vitest';
import type { TableMap } from '@vtsim/binlog';
import { MySqlFlag, Type, encodeRow, type Field } from '@vtsim/proto';
import { formatLastPk } from '../src/vreplication/index.js';
import { TableApplier } from '../src/vreplication/table-applier.js';

const field = (name: string, type: Type, pk = false): Field => ({
  name, type, table: 't', org_table: 't', database: 'vt_ks', org_name: name, column_length: 20, charset: 63, decimals: 0,
  flags: pk ? MySqlFlag.PRI_KEY_FLAG | MySqlFlag.NOT_NULL_FLAG : 0, column_type: '',
});
const target = (fields: Field[], pkColumns: number[]): TableMap => ({ id: 1, database: 'vt_ks', name: 't', fields, pkColumns });

describe('TableApplier.lastPk (a throttled copy commits each chunk with it)', () => {
  it("is a copied row's primary key, in the key's order, as the source's LASTPK carries it", () => {
    // Source and target key (b, a), the source's columns in another order.
    const fields = [field('a', Type.INT64, true), field('b', Type.VARCHAR, true), field('c', Type.VARCHAR)];
    const applier = new TableApplier('vt_ks', target([field('b', Type.VARCHAR), field('a', Type.INT64), field('c', Type.VARCHAR)], [0, 1]), fields);
    expect(formatLastPk(applier.lastPk(encodeRow([7n, 'x', 'long text']))!)).toBe('fields:{name:"b" type:VARCHAR} fields:{name:"a" type:INT64} rows:{lengths:1 lengths:1 values:"x7"}');
  });

  it('is undefined when the source has another key than the target, or the target none', () => {
    const fields = [field('a', Type.INT64, true), field('b', Type.VARCHAR)];
    expect(new TableApplier('vt_ks', target([field('a', Type.INT64), field('b', Type.VARCHAR)], [1]), fields).lastPk(encodeRow([1n, 'x']))).toBeUndefined();
    expect(new TableApplier('vt_ks', target([field('a', Type.INT64), field('b', Type.VARCHAR)], []), fields).lastPk(encodeRow([1n, 'x']))).toBeUndefined();
  });
});
