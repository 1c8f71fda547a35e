/**
 * The prototext of a copy's last primary key as `_vt.copy_state.lastpk` holds it: a query.QueryResult
 * with the PK fields (name and type) and one row, e.g.
 * `fields:{name:"customer_id" type:INT64} rows:{lengths:1 values:"5"}`.
 */
import { Code, Type, VtError, type Field, type QueryResultWire, type RowWire } from '@vtsim/proto';
import { parsePrototext, quoteBytes, quoteString, textBytes, textEnum, textInteger, textMessage, textString, type TextField } from '../prototext.js';

const WHAT = 'query.QueryResult';
const TYPE_NAMES: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(Type).filter(([, v]) => typeof v === 'number') as [string, number][],
);

/** Formats a last-PK result (fields by name and type, then its rows) as compact prototext. */
export function formatLastPk(qr: QueryResultWire): string {
  const parts: string[] = [];
  for (const f of qr.fields) parts.push(`fields:{name:${quoteString(f.name)} type:${Type[f.type] ?? f.type}}`);
  for (const r of qr.rows) {
    const inner: string[] = r.lengths.map((l) => `lengths:${Number(l)}`);
    if (r.values.length > 0) inner.push(`values:${quoteBytes(r.values)}`);
    parts.push(`rows:{${inner.join(' ')}}`);
  }
  return parts.join(' ');
}

/**
 * Parses what {@link formatLastPk} writes (and the other fields of a QueryResult's fields, which
 * are ignored). Throws VtError INVALID_ARGUMENT for bad text.
 */
export function parseLastPk(text: string): QueryResultWire {
  const qr: QueryResultWire = { fields: [], rows_affected: '0', insert_id: '0', rows: [], info: '', session_state_changes: '', insert_id_changed: false };
  for (const f of parsePrototext(text, WHAT)) {
    if (f.name === 'fields') qr.fields.push(parseField(textMessage(f, WHAT)));
    else if (f.name === 'rows') qr.rows.push(parseRow(textMessage(f, WHAT)));
    else if (f.name !== 'rows_affected' && f.name !== 'insert_id') throw new VtError(Code.INVALID_ARGUMENT, `${WHAT}: unknown field ${f.name}`);
  }
  return qr;
}

function parseField(fields: TextField[]): Field {
  const field: Field = { name: '', type: Type.NULL_TYPE, table: '', org_table: '', database: '', org_name: '', column_length: 0, charset: 0, decimals: 0, flags: 0, column_type: '' };
  for (const f of fields) {
    if (f.name === 'name') field.name = textString(f, WHAT);
    else if (f.name === 'type') field.type = textEnum(f, WHAT, 'query.Type', TYPE_NAMES);
  }
  return field;
}

function parseRow(fields: TextField[]): RowWire {
  const row: RowWire = { lengths: [], values: new Uint8Array(0) };
  for (const f of fields) {
    if (f.name === 'lengths') row.lengths.push(textInteger(f, WHAT));
    else if (f.name === 'values') row.values = textBytes(f, WHAT);
    else throw new VtError(Code.INVALID_ARGUMENT, `${WHAT}: unknown field query.Row.${f.name}`);
  }
  return row;
}
