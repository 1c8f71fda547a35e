/**
 * Values and FIELDs of the tablet vstreamer, phase by phase: the copy phase sends MySQL's text
 * results, the streaming phase what Vitess decodes from row-based binlog events
 * (go/mysql/binlog/rbr.go CellValue). Expected values are MySQL's and rbr.go's forms.
 */
import { Type, VEventType, decodeRowBytes, type RowWire, type VEvent } from '@vtsim/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { goFormatFloat32E, rbrDecimalText } from '../src/vstreamer/binlog-values.js';
import { StreamReader, closeCluster, endsWith, exec, filterOf, newCluster, startTablet, type Cluster } from './vstreamer-fixture.js';

let c: Cluster;
beforeEach(async () => {
  c = await newCluster();
});
afterEach(async () => {
  await closeCluster(c);
});

const TABLE =
  'create table v (id int primary key, iz int(5) zerofill, y year, f float, d double, dm decimal(5,4), dz decimal(10,0), ' +
  "b1 bit(1), b8 bit(8), b16 bit(16), bn binary(4), vb varchar(8) collate utf8mb4_bin, e enum('a','b'), s set('x','y','z'), " +
  'ts timestamp(3), j json, g point, f2 float, fm float(7,4))';
const ROW =
  "(1, 42, 0, 1.5, 1e100, 0.5, 5, b'1', b'10000000', 256, 'ab', 'Aé', 'b', 'x,z', '2024-01-31 12:00:00.123', " +
  `'{"b": [1, 2], "a": 1}', st_geomfromtext('POINT(1 -1)'), 3.1415927, 3.1415927)`;
const ROW2 =
  "(2, 7, 2024, -0.1, -2.5e-7, -0.5, 1234567890, b'0', b'1', 0, 'abcd', '', 'a', '', '1970-01-01 00:00:01.000', '[]', point(0, 0), 1e20, 0.1)";

/** A row's values: hex for the binary-valued columns, text for the others. */
function show(row: RowWire | null | undefined, hexColumns: number[]): (string | null)[] {
  return decodeRowBytes(row!).map((b, i) => (b === null ? null : hexColumns.includes(i) ? b.toString('hex') : b.toString('utf8')));
}

const HEX = [7, 8, 9, 10, 16];

// Copy phase: MySQL 8's text protocol. ZEROFILL padded, YEAR 0 as 0000, DOUBLE shortest text, FLOAT
// with 6 significant digits (Field_float::val_str: 3.1415927 → 3.14159), FLOAT(7,4) with 4 decimals,
// DECIMAL with its leading zero, BIT as big-endian bytes, BINARY(4) zero-padded, JSON normalized
// (keys by length then bytes, ": " and ", "), GEOMETRY as SRID + WKB (the manual's POINT(1 -1) example).
const COPY_ROW = ['1', '00042', '0000', '1.5', '1e100', '0.5000', '5', '01', '80', '0100', '61620000', 'Aé', 'b', 'x,z', '2024-01-31 12:00:00.123', '{"a": 1, "b": [1, 2]}', '000000000101000000000000000000f03f000000000000f0bf', '3.14159', '3.1416'];
// Streaming phase (rbr.go CellValue): integers unpadded (AppendUint), YEAR 0 → "0000", FLOAT/DOUBLE
// via strconv.AppendFloat(…, 'E', -1, 32/64) of the stored float32/double (FLOAT 3.1415927 →
// 3.1415927E+00, FLOAT(7,4) → the float32 of 3.1416 → 3.1416E+00), DECIMAL with the integral zeros
// trimmed for scale > 0 and 9-digit zero-padded groups for scale 0, BIT bytes as they are, BINARY(n)
// re-padded to n.
const BINLOG_ROW = ['1', '42', '0000', '1.5E+00', '1E+100', '.5000', '000000005', '01', '80', '0100', '61620000', 'Aé', 'b', 'x,z', '2024-01-31 12:00:00.123', '{"a": 1, "b": [1, 2]}', '000000000101000000000000000000f03f000000000000f0bf', '3.1415927E+00', '3.1416E+00'];
const BINLOG_ROW2 = ['2', '7', '2024', '-1E-01', '-2.5E-07', '-.5000', '1234567890', '00', '01', '0000', '61626364', '', 'a', '', '1970-01-01 00:00:01.000', '[]', '00000000010100000000000000000000000000000000000000', '1E+20', '1E-01'];

describe('vstreamer values', () => {
  it('sends MySQL text values in the copy phase and rbr.go values in the streaming phase', async () => {
    const t = await startTablet(c, 'ks', '0', 100);
    await exec(t, TABLE, `insert into v values ${ROW}`);
    const r = new StreamReader(t, '', filterOf('v'));
    const copy = (await r.until(endsWith(VEventType.COPY_COMPLETED))).flat();
    const field = copy.find((e) => e.type === VEventType.FIELD)!.field_event!;
    expect(field.enum_set_string_values).toBe(true);
    expect(field.fields.map((f) => [f.name, Type[f.type], f.column_length, f.charset, f.decimals, f.flags, f.column_type])).toEqual([
      ['id', 'INT32', 11, 63, 0, 53251, 'int'],
      ['iz', 'UINT32', 5, 63, 0, 32768 | 32 | 64, 'int(5) unsigned zerofill'],
      ['y', 'YEAR', 4, 63, 0, 32768 | 32 | 64, 'year'],
      ['f', 'FLOAT32', 12, 63, 31, 32768, 'float'],
      ['d', 'FLOAT64', 22, 63, 31, 32768, 'double'],
      ['dm', 'DECIMAL', 7, 63, 4, 32768, 'decimal(5,4)'],
      ['dz', 'DECIMAL', 11, 63, 0, 32768, 'decimal(10,0)'],
      ['b1', 'BIT', 1, 63, 0, 32, 'bit(1)'],
      ['b8', 'BIT', 8, 63, 0, 32, 'bit(8)'],
      ['b16', 'BIT', 16, 63, 0, 32, 'bit(16)'],
      ['bn', 'BINARY', 4, 63, 0, 128, 'binary(4)'],
      ['vb', 'VARBINARY', 32, 46, 0, 128, 'varchar(8)'],
      ['e', 'ENUM', 4, 255, 0, 256, "enum('a','b')"],
      ['s', 'SET', 20, 255, 0, 2048, "set('x','y','z')"],
      ['ts', 'TIMESTAMP', 23, 63, 3, 128 | 1024, 'timestamp(3)'],
      ['j', 'JSON', 4294967295, 63, 0, 144, 'json'],
      ['g', 'GEOMETRY', 4294967295, 63, 0, 144, 'point'],
      ['f2', 'FLOAT32', 12, 63, 31, 32768, 'float'],
      ['fm', 'FLOAT32', 7, 63, 4, 32768, 'float(7,4)'],
    ]);
    const copied = copy.filter((e) => e.type === VEventType.ROW).map((e) => show(e.row_event!.row_changes[0]!.after, HEX));
    expect(copied).toEqual([COPY_ROW]);

    await exec(t, `insert into v values ${ROW2}`, "update v set iz = 43 where id = 1", 'delete from v where id = 2');
    const events: VEvent[] = [];
    while (events.filter((e) => e.type === VEventType.COMMIT).length < 3) events.push(...(await r.next()));
    await r.close();
    const streamed = events.filter((e) => e.type === VEventType.FIELD)[0]!.field_event!;
    expect(streamed.enum_set_string_values).toBe(true);
    expect(streamed.fields).toEqual(field.fields);
    const changes = events.filter((e) => e.type === VEventType.ROW).map((e) => e.row_event!.row_changes[0]!);
    expect(changes.map((ch) => [ch.before ? show(ch.before, HEX) : null, ch.after ? show(ch.after, HEX) : null])).toEqual([
      [null, BINLOG_ROW2],
      [BINLOG_ROW, [...BINLOG_ROW.slice(0, 1), '43', ...BINLOG_ROW.slice(2)]],
      [BINLOG_ROW2, null],
    ]);
  });
});

describe('rbr.go forms', () => {
  it("formats FLOAT as Go's strconv.FormatFloat(float64(f), 'E', -1, 32)", () => {
    expect(goFormatFloat32E(1.5)).toBe('1.5E+00');
    expect(goFormatFloat32E(0.1)).toBe('1E-01');
    expect(goFormatFloat32E(3.14159265)).toBe('3.1415927E+00');
    expect(goFormatFloat32E(123456789)).toBe('1.2345679E+08');
    expect(goFormatFloat32E(0)).toBe('0E+00');
    expect(goFormatFloat32E(-0)).toBe('-0E+00');
    expect(goFormatFloat32E(3.4028234663852886e38)).toBe('3.4028235E+38');
    expect(goFormatFloat32E(16777217)).toBe('1.6777216E+07');
    expect(goFormatFloat32E(-0.30000001192092896)).toBe('-3E-01');
    expect(goFormatFloat32E(1e20)).toBe('1E+20');
    expect(goFormatFloat32E(1.0000000200408773e20)).toBe('1E+20');
    expect(goFormatFloat32E(3.1415927410125732)).toBe('3.1415927E+00');
    expect(goFormatFloat32E(0.10000000149011612)).toBe('1E-01');
    // math.SmallestNonzeroFloat32, a subnormal: Go prints 1E-45.
    expect(goFormatFloat32E(1.401298464324817e-45)).toBe('1E-45');
  });

  it('decodes DECIMAL as rbr.go does (TypeNewDecimal)', () => {
    expect(rbrDecimalText('0.5000', 5, 4)).toBe('.5000');
    expect(rbrDecimalText('-0.5000', 10, 4)).toBe('-.5000');
    expect(rbrDecimalText('1234567890.12', 12, 2)).toBe('1234567890.12');
    expect(rbrDecimalText('0.00', 12, 2)).toBe('.00');
    expect(rbrDecimalText('5', 5, 0)).toBe('5');
    expect(rbrDecimalText('0', 5, 0)).toBe('0');
    expect(rbrDecimalText('5', 10, 0)).toBe('000000005');
    expect(rbrDecimalText('-5', 9, 0)).toBe('-000000005');
    expect(rbrDecimalText('1234567890', 10, 0)).toBe('1234567890');
  });
});
