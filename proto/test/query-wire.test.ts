import { describe, expect, it } from 'vitest';
import { MySqlFlag, Type, decodeRowBytes, encodeRow, formatFloat32, resultToWire, textEncoders, type Field } from '../src/index.js';

function field(type: Type, column_length: number, flags = 0, decimals = 0): Field {
  return { name: 'c', type, table: 't', org_table: 't', database: 'd', org_name: 'c', column_length, charset: 63, decimals, flags, column_type: '' };
}

describe('text-protocol encoding of values (what MySQL sends in text result sets)', () => {
  it('sends BIT as big-endian bytes of ceil(n/8) bytes', () => {
    const fields = [field(Type.BIT, 1, MySqlFlag.UNSIGNED_FLAG), field(Type.BIT, 8), field(Type.BIT, 16), field(Type.BIT, 64)];
    const row = encodeRow([1n, 0x80n, 256n, 0xffffffffffffffffn], textEncoders(fields));
    expect(decodeRowBytes(row).map((b) => b!.toString('hex'))).toEqual(['01', '80', '0100', 'ffffffffffffffff']);
  });

  it('pads ZEROFILL numbers and YEAR to their display width', () => {
    const zf = MySqlFlag.ZEROFILL_FLAG | MySqlFlag.UNSIGNED_FLAG | MySqlFlag.NUM_FLAG;
    const fields = [field(Type.UINT32, 5, zf), field(Type.YEAR, 4, zf), field(Type.YEAR, 4, zf), field(Type.DECIMAL, 7, zf), field(Type.INT64, 20, MySqlFlag.NUM_FLAG)];
    const wire = resultToWire({ fields, rows: [[42n, 0n, 2024n, '1.50', 7n]], rowsAffected: 0, insertId: 0n });
    expect(decodeRowBytes(wire.rows[0]!).map((b) => b!.toString())).toEqual(['00042', '0000', '2024', '0001.50', '7']);
  });

  // FLOAT columns hold float32 values; MySQL shows them with my_gcvt(MY_GCVT_ARG_FLOAT): 6 significant
  // digits, halves to even, fixed notation while 10^-15 ≤ |v| < 10^15. Every expected text below is
  // what MariaDB 10.11 (same dtoa.c and Field_float::val_str as MySQL 8) printed for the FLOAT column.
  it('sends FLOAT with 6 significant digits, FLOAT(m,d) and DOUBLE(m,d) with d decimals', () => {
    const cases: [number, string][] = [
      [3.1415927, '3.14159'], [0.1, '0.1'], [1e20, '1e20'], [16777217, '16777200'], [123456789, '123457000'],
      [1234.125, '1234.12'], [1234565, '1234560'], [12345.25, '12345.2'], [999.00009, '999'], [1e15, '1e15'],
      [1e14, '100000000000000'], [1e-15, '0.000000000000001'], [1e-16, '1e-16'], [1e-10, '0.0000000001'],
      [1.5e-10, '0.00000000015'], [0.000123456, '0.000123456'], [3.40282e38, '3.40282e38'], [100000, '100000'],
      [-3.1415927, '-3.14159'], [-0, '0'], [0, '0'],
    ];
    for (const [v, text] of cases) expect([v, formatFloat32(Math.fround(v))]).toEqual([v, text]);
    const fields = [field(Type.FLOAT32, 12, 0, 31), field(Type.FLOAT32, 7, 0, 4), field(Type.FLOAT64, 8, 0, 3), field(Type.FLOAT64, 22, 0, 31)];
    const wire = resultToWire({ fields, rows: [[Math.fround(3.1415927), Math.fround(1.5), 12.345, 3.1415927]], rowsAffected: 0, insertId: 0n });
    expect(decodeRowBytes(wire.rows[0]!).map((b) => b!.toString())).toEqual(['3.14159', '1.5000', '12.345', '3.1415927']);
  });
});

describe('encodeRow text', () => {
  it('encodes short and long, ASCII and non-ASCII text as UTF-8, NULLs in between, call after call', () => {
    const cases: (string | null)[][] = [
      ['id-1', 'é', '€', '𝄞', '\ud800x', 'x'.repeat(64), 'y'.repeat(65), 'ü'.repeat(40), ''],
      [null, 'abc', null],
      [null, null, null],
      ['z', null, '12345678901234567890'],
    ];
    for (const values of cases) {
      const row = encodeRow(values);
      const parts = values.map((v) => (v === null ? null : Buffer.from(v, 'utf8')));
      expect(row.lengths).toEqual(parts.map((p) => (p === null ? -1 : p.length)));
      expect(Buffer.from(row.values)).toEqual(Buffer.concat(parts.flatMap((p) => (p === null ? [] : [p]))));
    }
  });
});
