import { describe, expect, it } from 'vitest';
import { MySqlFlag, Type, decodeRowBytes, encodeRow, resultToWire, textEncoders, type Field } from '../src/index.js';

function field(type: Type, column_length: number, flags = 0): Field {
  return { name: 'c', type, table: 't', org_table: 't', database: 'd', org_name: 'c', column_length, charset: 63, decimals: 0, flags, column_type: '' };
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
});
