/**
 * The text-protocol result set of COM_QUERY: column count, one column definition per field, an
 * EOF (unless the client deprecated EOF), then one row packet per row, ended by writeEndOfRows.
 */
import { MySqlFlag, type Field, type SqlValue, Type, bitBytes, floatFieldText, valueToText, zerofillText } from '@vtsim/proto';
import { defaultCharsetOf, impliedFlagsOf, mysqlTypeOf } from './column-type.js';
import type { PacketWriter } from './packet-writer.js';
import { writeEof } from './response-packets.js';

/** Appends the column count and the column definitions (and the EOF after them unless `deprecateEof`). */
export function writeResultSetHeader(w: PacketWriter, fields: readonly Field[], deprecateEof: boolean, status: number): void {
  w.begin();
  w.lenencInt(fields.length);
  w.end();
  for (const f of fields) writeColumnDefinition(w, f);
  if (!deprecateEof) writeEof(w, status);
}

/** Appends one ColumnDefinition41 packet for a Vitess Field. */
export function writeColumnDefinition(w: PacketWriter, f: Field): void {
  w.begin();
  w.lenencString('def');
  w.lenencString(f.database);
  w.lenencString(f.table);
  w.lenencString(f.org_table);
  w.lenencString(f.name);
  w.lenencString(f.org_name);
  w.u8(0x0c);
  w.u16(f.charset || defaultCharsetOf(f.type));
  w.u32(f.column_length);
  w.u8(mysqlTypeOf(f.type));
  w.u16((f.flags | impliedFlagsOf(f.type)) & 0xffff);
  w.u8(f.decimals);
  w.u16(0);
  w.end();
}

/**
 * Appends one text-protocol row: each value as a length-encoded string of its MySQL text, NULL as
 * 0xFB, BIT values (bigints) as their big-endian bytes, FLOAT/DOUBLE values as floatFieldText (FLOAT
 * with 6 significant digits, FLOAT(m,d)/DOUBLE(m,d) with d decimals) and ZEROFILL numbers padded to
 * their display width, as MySQL sends them.
 */
export function writeTextRow(w: PacketWriter, row: readonly SqlValue[], fields: readonly Field[]): void {
  w.begin();
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (v === null) w.u8(0xfb);
    else if (typeof v === 'number') {
      const text = floatFieldText(v, fields[i]!);
      w.lenencString(fields[i]!.flags & MySqlFlag.ZEROFILL_FLAG ? zerofillText(text, fields[i]!.column_length) : text);
    } else if (fields[i]!.flags & MySqlFlag.ZEROFILL_FLAG && !(v instanceof Uint8Array)) w.lenencString(zerofillText(valueToText(v)!, fields[i]!.column_length));
    else if (typeof v === 'string') w.lenencString(v);
    else if (v instanceof Uint8Array) w.lenencBytes(v);
    else if (typeof v === 'bigint' && fields[i]!.type === Type.BIT) w.lenencBytes(bitBytes(v, fields[i]!.column_length));
    else w.lenencString(valueToText(v)!);
  }
  w.end();
}
