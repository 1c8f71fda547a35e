/**
 * The binary-protocol rows of COM_STMT_EXECUTE results: a 0x00 header, a NULL bitmap (offset 2),
 * then each non-NULL value in its type's binary form (fixed-width little-endian integers and
 * floats, packed dates and times, length-encoded strings for everything else).
 */
import { bitBytes, type Field, type SqlValue, valueToText } from '@vtsim/proto';
import { MysqlType } from './column-type.js';
import type { PacketWriter } from './packet-writer.js';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/;
const TIME = /^(-)?(\d{1,3}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/**
 * Throws an Error naming the first value of `rows` that cannot go in its column's binary form
 * (an integer column holding a string, a DATETIME that is not canonical text…). Call it before
 * sending anything of a result, since {@link writeBinaryRow} assumes it passed.
 */
export function checkBinaryRows(fields: readonly Field[], types: Uint8Array, rows: readonly (readonly SqlValue[])[]): void {
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const v = row[i]!;
      if (v !== null && !fitsBinary(types[i]!, v)) {
        throw new Error(`internal error: value ${String(valueToText(v))} does not fit binary column ${fields[i]!.name} (type ${types[i]})`);
      }
    }
  }
}

function fitsBinary(type: number, v: SqlValue): boolean {
  switch (type) {
    case MysqlType.TINY:
    case MysqlType.SHORT:
    case MysqlType.YEAR:
    case MysqlType.LONG:
    case MysqlType.INT24:
    case MysqlType.LONGLONG:
      return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
    case MysqlType.FLOAT:
    case MysqlType.DOUBLE:
      return typeof v === 'number' || typeof v === 'bigint';
    case MysqlType.DATE:
    case MysqlType.DATETIME:
    case MysqlType.TIMESTAMP:
      return typeof v === 'string' && DATE_TIME.test(v);
    case MysqlType.TIME:
      return typeof v === 'string' && TIME.test(v);
    default:
      return true;
  }
}

/** Appends one binary row; `types` holds each column's protocol type byte. */
export function writeBinaryRow(w: PacketWriter, row: readonly SqlValue[], fields: readonly Field[], types: Uint8Array): void {
  w.begin();
  w.u8(0);
  const bitmapBytes = (row.length + 9) >> 3;
  for (let b = 0; b < bitmapBytes; b++) {
    let byte = 0;
    for (let bit = 0; bit < 8; bit++) {
      const col = b * 8 + bit - 2;
      if (col >= 0 && col < row.length && row[col] === null) byte |= 1 << bit;
    }
    w.u8(byte);
  }
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (v !== null) writeBinaryValue(w, types[i]!, v, fields[i]!);
  }
  w.end();
}

function writeBinaryValue(w: PacketWriter, type: number, v: SqlValue, f: Field): void {
  switch (type) {
    case MysqlType.TINY:
      w.u8(Number(BigInt.asUintN(8, BigInt(v as bigint | number))));
      return;
    case MysqlType.SHORT:
    case MysqlType.YEAR:
      w.u16(Number(BigInt.asUintN(16, BigInt(v as bigint | number))));
      return;
    case MysqlType.LONG:
    case MysqlType.INT24:
      w.u32(Number(BigInt.asUintN(32, BigInt(v as bigint | number))));
      return;
    case MysqlType.LONGLONG:
      w.u64(BigInt(v as bigint | number));
      return;
    case MysqlType.FLOAT:
      w.f32(Number(v));
      return;
    case MysqlType.DOUBLE:
      w.f64(Number(v));
      return;
    case MysqlType.DATE:
    case MysqlType.DATETIME:
    case MysqlType.TIMESTAMP:
      writeDateTime(w, v as string);
      return;
    case MysqlType.TIME:
      writeTime(w, v as string);
      return;
  }
  if (typeof v === 'string') w.lenencString(v);
  else if (v instanceof Uint8Array) w.lenencBytes(v);
  else if (typeof v === 'bigint' && type === MysqlType.BIT) w.lenencBytes(bitBytes(v, f.column_length));
  else w.lenencString(valueToText(v)!);
}

function micros(frac: string | undefined): number {
  return frac === undefined ? 0 : Number(frac.padEnd(6, '0'));
}

function writeDateTime(w: PacketWriter, text: string): void {
  const m = DATE_TIME.exec(text)!;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const us = micros(m[7]);
  const len = us !== 0 ? 11 : hour || minute || second ? 7 : year || month || day ? 4 : 0;
  w.u8(len);
  if (len === 0) return;
  w.u16(year);
  w.u8(month);
  w.u8(day);
  if (len === 4) return;
  w.u8(hour);
  w.u8(minute);
  w.u8(second);
  if (len === 11) w.u32(us);
}

function writeTime(w: PacketWriter, text: string): void {
  const m = TIME.exec(text)!;
  const hours = Number(m[2]);
  const [minute, second, us] = [Number(m[3]), Number(m[4]), micros(m[5])];
  const len = us !== 0 ? 12 : hours || minute || second ? 8 : 0;
  w.u8(len);
  if (len === 0) return;
  w.u8(m[1] ? 1 : 0);
  w.u32(Math.floor(hours / 24));
  w.u8(hours % 24);
  w.u8(minute);
  w.u8(second);
  if (len === 12) w.u32(us);
}
