// Issue 8's type fixture, in the style of a CDC connector's integration tests: one table per type
// family on a two-shard keyspace, rows inserted through vtgate, streamed by a gRPC VStream client
// built from the repo's .proto files through the copy phase, then updated, inserted and deleted
// and streamed again. Every FIELD and every value is compared with what Vitess sends:
// - FIELD: MySQL 8's column metadata with Vitess's type (go/sqltypes modifyType: a `_bin` collation
//   sets BINARY_FLAG and makes CHAR/VARCHAR/TEXT BINARY/VARBINARY/BLOB) and charset = the column's
//   collation id (vstreamer getExtColInfos); lengths = chars × the character set's bytes per char.
// - copy phase: MySQL's text results (rowstreamer passes them on);
// - streaming phase: go/mysql/binlog/rbr.go CellValue's forms, ENUM/SET mapped to strings.
// The same rows read through vtgate's MySQL protocol (mysql2) and gRPC Execute carry the text forms.
import { Cluster } from '@vtsim/cli';
import { decodeRowBytes } from '@vtsim/proto';
import { VtgateClient, type DecodedMessage } from '@vtsim/vtgate';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeMariadb, startMariadb } from '../harness/mariadb-server.js';

const KEYSPACE = 'cdc';

// MySQL column flags (mysql_com.h).
const NOT_NULL = 1, PRI = 2, BLOB = 16, UNSIGNED = 32, ZEROFILL = 64, BINARY = 128, ENUM = 256, SET = 2048;
const NO_DEFAULT = 4096, PART_KEY = 16384, NUM = 32768;
const ID_FLAGS = NOT_NULL | PRI | NO_DEFAULT | PART_KEY | NUM;

/** [name, Vitess type, column_length, charset (collation id), decimals, flags, column_type] */
type FieldSpec = [string, string, number, number, number, number, string];
/** Values of a row image as the wire carries them: text, or `0x…` hex for binary-valued columns. */
type Values = string[];

interface Family {
  table: string;
  columns: string;
  /** Columns shown as hex (their values are bytes). */
  hex: string[];
  fields: FieldSpec[];
  /** Rows inserted before the stream starts (ids 1 → -80 and 4 → 80-, by the hash vindex). */
  insert: string;
  /** The copy phase's rows (MySQL text results), by id. */
  copy: Values[];
  /** Statements run after the copy phase: insert id 2, update id 1, delete id 4. */
  changes: string[];
  /** The streaming phase's row changes (rbr.go forms), [before, after], in statement order. */
  streamed: [Values | null, Values | null][];
}

// Geometry values, written out by hand from the WKB spec: SRID 0, byte order 01, type, coordinates.
function hexDoubles(...xs: number[]): string {
  return xs.map((x) => { const b = Buffer.alloc(8); b.writeDoubleLE(x); return b.toString('hex'); }).join('');
}
const G_POINT_1_M1 = '0x' + '00000000' + '01' + '01000000' + '000000000000f03f' + '000000000000f0bf';
const G_POINT_1_2 = '0x' + '00000000' + '01' + '01000000' + '000000000000f03f' + '0000000000000040';
const G_POINT_0_0 = '0x' + '00000000' + '01' + '01000000' + '0000000000000000' + '0000000000000000';
const G_LINE_012 = '0x' + '00000000' + '01' + '02000000' + '03000000' + hexDoubles(0, 0, 1, 1, 2, 2);
const G_LINE_21 = '0x' + '00000000' + '01' + '02000000' + '02000000' + hexDoubles(2, 2, 1, 1);
const G_SQUARE = '0x' + '00000000' + '01' + '03000000' + '01000000' + '05000000' + hexDoubles(0, 0, 10, 0, 10, 10, 0, 10, 0, 0);

const ID: FieldSpec = ['id', 'INT64', 20, 63, 0, ID_FLAGS, 'bigint'];

const FAMILIES: Family[] = [
  {
    table: 'cdc_int',
    columns:
      'ti tinyint, tiu tinyint unsigned, si smallint, siu smallint unsigned, mi mediumint, miu mediumint unsigned, ' +
      'i int, iu int unsigned, bi bigint, biu bigint unsigned, iz int(6) zerofill, bz bigint zerofill',
    hex: [],
    // Lengths: MySQL's display widths (tinyint 4 / unsigned 3 … bigint 20); ZEROFILL keeps the declared
    // width (default: the unsigned width) and implies UNSIGNED (MariaDB 10.11 --column-type-info agrees).
    fields: [
      ID,
      ['ti', 'INT8', 4, 63, 0, NUM, 'tinyint'],
      ['tiu', 'UINT8', 3, 63, 0, NUM | UNSIGNED, 'tinyint unsigned'],
      ['si', 'INT16', 6, 63, 0, NUM, 'smallint'],
      ['siu', 'UINT16', 5, 63, 0, NUM | UNSIGNED, 'smallint unsigned'],
      ['mi', 'INT24', 9, 63, 0, NUM, 'mediumint'],
      ['miu', 'UINT24', 8, 63, 0, NUM | UNSIGNED, 'mediumint unsigned'],
      ['i', 'INT32', 11, 63, 0, NUM, 'int'],
      ['iu', 'UINT32', 10, 63, 0, NUM | UNSIGNED, 'int unsigned'],
      ['bi', 'INT64', 20, 63, 0, NUM, 'bigint'],
      ['biu', 'UINT64', 20, 63, 0, NUM | UNSIGNED, 'bigint unsigned'],
      ['iz', 'UINT32', 6, 63, 0, NUM | UNSIGNED | ZEROFILL, 'int(6) unsigned zerofill'],
      ['bz', 'UINT64', 20, 63, 0, NUM | UNSIGNED | ZEROFILL, 'bigint(20) unsigned zerofill'],
    ],
    insert:
      '(1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, 42, 7), ' +
      '(4, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0, 0, 0)',
    // Text results pad ZEROFILL to the display width.
    copy: [
      ['1', '-128', '255', '-32768', '65535', '-8388608', '16777215', '-2147483648', '4294967295', '-9223372036854775808', '18446744073709551615', '000042', '00000000000000000007'],
      ['4', '127', '0', '32767', '0', '8388607', '0', '2147483647', '0', '9223372036854775807', '0', '000000', '00000000000000000000'],
    ],
    changes: ['insert into cdc_int values (2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)', 'update cdc_int set iz = 43 where id = 1', 'delete from cdc_int where id = 4'],
    // rbr.go: strconv.AppendInt / AppendUint, no padding.
    streamed: [
      [null, ['2', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1']],
      [
        ['1', '-128', '255', '-32768', '65535', '-8388608', '16777215', '-2147483648', '4294967295', '-9223372036854775808', '18446744073709551615', '42', '7'],
        ['1', '-128', '255', '-32768', '65535', '-8388608', '16777215', '-2147483648', '4294967295', '-9223372036854775808', '18446744073709551615', '43', '7'],
      ],
      [['4', '127', '0', '32767', '0', '8388607', '0', '2147483647', '0', '9223372036854775807', '0', '0', '0'], null],
    ],
  },
  {
    table: 'cdc_decimal',
    columns: 'd decimal(10,4), dz decimal(12,0), du decimal(6,2) unsigned zerofill, dp decimal(4,4)',
    hex: [],
    // column_length = precision + 1 for the point (scale > 0) + 1 for the sign (signed); decimals = scale.
    fields: [
      ID,
      ['d', 'DECIMAL', 12, 63, 4, NUM, 'decimal(10,4)'],
      ['dz', 'DECIMAL', 13, 63, 0, NUM, 'decimal(12,0)'],
      ['du', 'DECIMAL', 7, 63, 2, NUM | UNSIGNED | ZEROFILL, 'decimal(6,2) unsigned zerofill'],
      ['dp', 'DECIMAL', 6, 63, 4, NUM, 'decimal(4,4)'],
    ],
    insert: '(1, 0.5, 5, 1.5, 0.1234), (4, -12345.6789, -123456789012, 9999.99, -0.5)',
    copy: [
      ['1', '0.5000', '5', '0001.50', '0.1234'],
      ['4', '-12345.6789', '-123456789012', '9999.99', '-0.5000'],
    ],
    changes: ['insert into cdc_decimal values (2, -0.5, 0, 0, 0)', 'update cdc_decimal set d = 1 where id = 1', 'delete from cdc_decimal where id = 4'],
    // rbr.go TypeNewDecimal: scale > 0 → trimPrecedingZeroes (".5000", "-.5000", ".00"); scale 0 →
    // the leading partial group only when non-zero, then 9-digit "%09d" groups ("000000005").
    streamed: [
      [null, ['2', '-.5000', '000000000', '.00', '.0000']],
      [['1', '.5000', '000000005', '1.50', '.1234'], ['1', '1.0000', '000000005', '1.50', '.1234']],
      [['4', '-12345.6789', '-123456789012', '9999.99', '-.5000'], null],
    ],
  },
  {
    table: 'cdc_float',
    columns: 'f float, d double, fm float(7,4)',
    hex: [],
    // FLOAT/DOUBLE without (M,D): length 12 / 22, decimals 31 (NOT_FIXED_DEC); FLOAT(7,4): 7 and 4.
    fields: [ID, ['f', 'FLOAT32', 12, 63, 31, NUM, 'float'], ['d', 'FLOAT64', 22, 63, 31, NUM, 'double'], ['fm', 'FLOAT32', 7, 63, 4, NUM, 'float(7,4)']],
    insert:
      '(1, 1.5, 1e100, 1.5), (4, -0.1, -0.0025, -0.1), (5, 3.1415927, 0.1, 999.00009), (6, 1e20, 2.5, 0), ' +
      '(7, 123456789, 3.1415927, -999.9999), (8, 16777217, -1.5, 12.34565)',
    // A FLOAT holds the float32 nearest the value; the text protocol shows it with 6 significant digits
    // (Field_float::val_str → my_gcvt(MY_GCVT_ARG_FLOAT): 3.1415927 → 3.14159, 123456789 → 123457000,
    // 16777217 → 16777200, 1e20 → 1e20) and FLOAT(m,d) with d decimals (my_fcvt), after the store kept
    // d decimals (Field_real::truncate: 999.00009 → 999.0001, 12.34565 → 12.3456). MariaDB 10.11 (the
    // differential check below) prints the same texts.
    copy: [
      ['1', '1.5', '1e100', '1.5000'],
      ['4', '-0.1', '-0.0025', '-0.1000'],
      ['5', '3.14159', '0.1', '999.0001'],
      ['6', '1e20', '2.5', '0.0000'],
      ['7', '123457000', '3.1415927', '-999.9999'],
      ['8', '16777200', '-1.5', '12.3456'],
    ],
    changes: [
      'insert into cdc_float values (2, 3.1415927, 123456789.125, 3.1415927)',
      'update cdc_float set f = 16777217, fm = 12.34565 where id = 1',
      'delete from cdc_float where id = 4',
    ],
    // rbr.go TypeFloat: strconv.AppendFloat(float64(f32), 'E', -1, 32), the float32's shortest digits
    // (3.1415927 → 3.1415927E+00 where the copy phase shows 3.14159; 16777217 → the float32 16777216 →
    // 1.6777216E+07; FLOAT(7,4) 3.1415927 → the float32 of 3.1416 → 3.1416E+00); TypeDouble:
    // AppendFloat(f64, 'E', -1, 64).
    streamed: [
      [null, ['2', '3.1415927E+00', '1.23456789125E+08', '3.1416E+00']],
      [['1', '1.5E+00', '1E+100', '1.5E+00'], ['1', '1.6777216E+07', '1E+100', '1.23456E+01']],
      [['4', '-1E-01', '-2.5E-03', '-1E-01'], null],
    ],
  },
  {
    table: 'cdc_bit',
    columns: 'b1 bit(1), b8 bit(8), b64 bit(64)',
    hex: ['b1', 'b8', 'b64'],
    // BIT(n): length n, UNSIGNED_FLAG, binary charset (Vitess endtoend compatibility_test.go TestMiscTypes:
    // bit(8) → ColumnLength 8, Flags 32, value "\x01").
    fields: [ID, ['b1', 'BIT', 1, 63, 0, UNSIGNED, 'bit(1)'], ['b8', 'BIT', 8, 63, 0, UNSIGNED, 'bit(8)'], ['b64', 'BIT', 64, 63, 0, UNSIGNED, 'bit(64)']],
    insert: `(1, b'1', b'10000000', b'${'1'.repeat(64)}'), (4, b'0', 1, 256)`,
    // ceil(n/8) big-endian bytes in both phases (text results; rbr.go TypeBit returns the row image's bytes).
    copy: [
      ['1', '0x01', '0x80', '0xffffffffffffffff'],
      ['4', '0x00', '0x01', '0x0000000000000100'],
    ],
    changes: ['insert into cdc_bit values (2, 1, 255, 0)', 'update cdc_bit set b8 = 2 where id = 1', 'delete from cdc_bit where id = 4'],
    streamed: [
      [null, ['2', '0x01', '0xff', '0x0000000000000000']],
      [['1', '0x01', '0x80', '0xffffffffffffffff'], ['1', '0x01', '0x02', '0xffffffffffffffff']],
      [['4', '0x00', '0x01', '0x0000000000000100'], null],
    ],
  },
  {
    table: 'cdc_time',
    columns: 'd date, t time(3), dt datetime(6), ts timestamp(2) null, dt0 datetime',
    hex: [],
    // Temporal lengths: 10, 10+1+fsp, 19+1+fsp; decimals = fsp; BINARY_FLAG. The TIMESTAMP's flags are
    // checked for BINARY_FLAG only (see the test).
    fields: [
      ID,
      ['d', 'DATE', 10, 63, 0, BINARY, 'date'],
      ['t', 'TIME', 14, 63, 3, BINARY, 'time(3)'],
      ['dt', 'DATETIME', 26, 63, 6, BINARY, 'datetime(6)'],
      ['ts', 'TIMESTAMP', 22, 63, 2, BINARY, 'timestamp(2)'],
      ['dt0', 'DATETIME', 19, 63, 0, BINARY, 'datetime'],
    ],
    insert:
      "(1, '2024-02-29', '-838:59:59', '2024-01-31 12:34:56.123456', '2038-01-19 03:14:07.99', '1000-01-01 00:00:00'), " +
      "(4, '1000-01-01', '12:00:00.5', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:01', '2024-01-31 12:00:00')",
    // fsp digits always printed; TIMESTAMP in the session time zone, UTC here.
    copy: [
      ['1', '2024-02-29', '-838:59:59.000', '2024-01-31 12:34:56.123456', '2038-01-19 03:14:07.99', '1000-01-01 00:00:00'],
      ['4', '1000-01-01', '12:00:00.500', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:01.00', '2024-01-31 12:00:00'],
    ],
    changes: [
      "insert into cdc_time values (2, '2000-01-01', '00:00:00.001', '2000-01-01 00:00:00.000001', '2000-01-01 00:00:00.01', '2000-01-01 00:00:00')",
      "update cdc_time set t = '-00:00:01.5' where id = 1",
      'delete from cdc_time where id = 4',
    ],
    // rbr.go: DATE %04d-%02d-%02d, TIME2/DATETIME2 with `metadata` fraction digits, TIMESTAMP2 in UTC.
    streamed: [
      [null, ['2', '2000-01-01', '00:00:00.001', '2000-01-01 00:00:00.000001', '2000-01-01 00:00:00.01', '2000-01-01 00:00:00']],
      [
        ['1', '2024-02-29', '-838:59:59.000', '2024-01-31 12:34:56.123456', '2038-01-19 03:14:07.99', '1000-01-01 00:00:00'],
        ['1', '2024-02-29', '-00:00:01.500', '2024-01-31 12:34:56.123456', '2038-01-19 03:14:07.99', '1000-01-01 00:00:00'],
      ],
      [['4', '1000-01-01', '12:00:00.500', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:01.00', '2024-01-31 12:00:00'], null],
    ],
  },
  {
    table: 'cdc_year',
    columns: 'y year',
    hex: [],
    // compatibility_test.go TestInts: YEAR → ColumnLength 4, Flags 32864.
    fields: [ID, ['y', 'YEAR', 4, 63, 0, NUM | UNSIGNED | ZEROFILL, 'year']],
    insert: '(1, 0), (4, 2155)',
    copy: [
      ['1', '0000'],
      ['4', '2155'],
    ],
    changes: ['insert into cdc_year values (2, 1901)', 'update cdc_year set y = 2024 where id = 1', 'delete from cdc_year where id = 4'],
    // rbr.go TypeYear: 0 → "0000", else 1900 + the byte.
    streamed: [
      [null, ['2', '1901']],
      [['1', '0000'], ['1', '2024']],
      [['4', '2155'], null],
    ],
  },
  {
    table: 'cdc_string',
    columns:
      'c char(10), vc varchar(20), cb char(10) collate utf8mb4_bin, vcb varchar(20) collate utf8mb4_bin, ' +
      'vl varchar(20) character set latin1 collate latin1_bin, va varchar(5) character set ascii collate ascii_bin, ' +
      'v3 varchar(4) character set utf8mb3 collate utf8mb3_bin, bn binary(8), vb varbinary(16)',
    hex: ['bn', 'vb'],
    // utf8mb4: 4 bytes per char, utf8mb3 3, latin1/ascii 1; `_bin` → BINARY_FLAG and a binary Vitess type,
    // charset = the collation id (utf8mb4_bin 46, latin1_bin 47, ascii_bin 65, utf8mb3_bin 83).
    fields: [
      ID,
      ['c', 'CHAR', 40, 255, 0, 0, 'char(10)'],
      ['vc', 'VARCHAR', 80, 255, 0, 0, 'varchar(20)'],
      ['cb', 'BINARY', 40, 46, 0, BINARY, 'char(10)'],
      ['vcb', 'VARBINARY', 80, 46, 0, BINARY, 'varchar(20)'],
      ['vl', 'VARBINARY', 20, 47, 0, BINARY, 'varchar(20)'],
      ['va', 'VARBINARY', 5, 65, 0, BINARY, 'varchar(5)'],
      ['v3', 'VARBINARY', 12, 83, 0, BINARY, 'varchar(4)'],
      ['bn', 'BINARY', 8, 63, 0, BINARY, 'binary(8)'],
      ['vb', 'VARBINARY', 16, 63, 0, BINARY, 'varbinary(16)'],
    ],
    insert: "(1, 'ab  ', 'héllo ', 'Ab', 'Aé☃', 'x', 'asc', 'z', 'ab', x'00ff'), (4, '', '', '', '', '', '', '', '', '')",
    // CHAR drops trailing spaces, VARCHAR keeps them; BINARY(8) is zero-padded to 8 bytes.
    copy: [
      ['1', 'ab', 'héllo ', 'Ab', 'Aé☃', 'x', 'asc', 'z', '0x6162000000000000', '0x00ff'],
      ['4', '', '', '', '', '', '', '', '0x0000000000000000', '0x'],
    ],
    changes: [
      "insert into cdc_string values (2, 'x', 'y', 'z ', 'é', 'L', 'a', 'b', 'abcdefgh', x'ff')",
      "update cdc_string set vc = 'bye' where id = 1",
      'delete from cdc_string where id = 4',
    ],
    // rbr.go: the row image's bytes; BINARY(n) re-padded when the column type starts with "binary".
    streamed: [
      [null, ['2', 'x', 'y', 'z', 'é', 'L', 'a', 'b', '0x6162636465666768', '0xff']],
      [['1', 'ab', 'héllo ', 'Ab', 'Aé☃', 'x', 'asc', 'z', '0x6162000000000000', '0x00ff'], ['1', 'ab', 'bye', 'Ab', 'Aé☃', 'x', 'asc', 'z', '0x6162000000000000', '0x00ff']],
      [['4', '', '', '', '', '', '', '', '0x0000000000000000', '0x'], null],
    ],
  },
  {
    table: 'cdc_lob',
    columns: 'tx text, btx text collate utf8mb4_bin, bl blob, mt mediumtext, lb longblob',
    hex: ['bl', 'lb'],
    // TEXT: max bytes × 4 for utf8mb4 (capped at 2^32-1), BLOB_FLAG; `_bin` TEXT is BLOB with BINARY_FLAG.
    fields: [
      ID,
      ['tx', 'TEXT', 262140, 255, 0, BLOB, 'text'],
      ['btx', 'BLOB', 262140, 46, 0, BLOB | BINARY, 'text'],
      ['bl', 'BLOB', 65535, 63, 0, BLOB | BINARY, 'blob'],
      ['mt', 'TEXT', 67108860, 255, 0, BLOB, 'mediumtext'],
      ['lb', 'BLOB', 4294967295, 63, 0, BLOB | BINARY, 'longblob'],
    ],
    insert: "(1, 'some text', 'Bin Text', x'000102', 'medium ☃', x'ff'), (4, '', '', '', '', '')",
    copy: [
      ['1', 'some text', 'Bin Text', '0x000102', 'medium ☃', '0xff'],
      ['4', '', '', '0x', '', '0x'],
    ],
    changes: ["insert into cdc_lob values (2, 't', 'b', x'00', 'm', x'01')", "update cdc_lob set tx = 'changed' where id = 1", 'delete from cdc_lob where id = 4'],
    streamed: [
      [null, ['2', 't', 'b', '0x00', 'm', '0x01']],
      [['1', 'some text', 'Bin Text', '0x000102', 'medium ☃', '0xff'], ['1', 'changed', 'Bin Text', '0x000102', 'medium ☃', '0xff']],
      [['4', '', '', '0x', '', '0x'], null],
    ],
  },
  {
    table: 'cdc_enum',
    columns: "e enum('small','medium','large'), s set('a','b','c')",
    hex: [],
    // ENUM: longest member × 4; SET: all members and commas × 4 (utf8mb4).
    fields: [ID, ['e', 'ENUM', 24, 255, 0, ENUM, "enum('small','medium','large')"], ['s', 'SET', 20, 255, 0, SET, "set('a','b','c')"]],
    insert: "(1, 'medium', 'a,c'), (4, 'small', '')",
    copy: [
      ['1', 'medium', 'a,c'],
      ['4', 'small', ''],
    ],
    changes: ["insert into cdc_enum values (2, 'large', 'b')", "update cdc_enum set s = 'c,b,a' where id = 1", 'delete from cdc_enum where id = 4'],
    // vstreamer extractRowAndFilter maps the binlog's ordinals / bitmaps to the member strings.
    streamed: [
      [null, ['2', 'large', 'b']],
      [['1', 'medium', 'a,c'], ['1', 'medium', 'a,b,c']],
      [['4', 'small', ''], null],
    ],
  },
  {
    table: 'cdc_json',
    columns: 'j json',
    hex: [],
    fields: [ID, ['j', 'JSON', 4294967295, 63, 0, BLOB | BINARY, 'json']],
    insert: `(1, '{"b": [1, 2.5, "x"], "a": null, "aa": true}'), (4, '[]')`,
    // MySQL's normalized text (keys by length then bytes, ": " and ", "); rbr.go's ParseBinaryJSON +
    // MarshalTo prints the same.
    copy: [
      ['1', '{"a": null, "b": [1, 2.5, "x"], "aa": true}'],
      ['4', '[]'],
    ],
    changes: [`insert into cdc_json values (2, '"str"')`, `update cdc_json set j = '{"k": {"n": 1}}' where id = 1`, 'delete from cdc_json where id = 4'],
    streamed: [
      [null, ['2', '"str"']],
      [['1', '{"a": null, "b": [1, 2.5, "x"], "aa": true}'], ['1', '{"k": {"n": 1}}']],
      [['4', '[]'], null],
    ],
  },
  {
    table: 'cdc_geo',
    columns: 'g geometry, p point, l linestring, pg polygon',
    hex: ['g', 'p', 'l', 'pg'],
    fields: [
      ID,
      ['g', 'GEOMETRY', 4294967295, 63, 0, BLOB | BINARY, 'geometry'],
      ['p', 'GEOMETRY', 4294967295, 63, 0, BLOB | BINARY, 'point'],
      ['l', 'GEOMETRY', 4294967295, 63, 0, BLOB | BINARY, 'linestring'],
      ['pg', 'GEOMETRY', 4294967295, 63, 0, BLOB | BINARY, 'polygon'],
    ],
    insert:
      "(1, st_geomfromtext('POINT(1 -1)'), point(1, 2), st_geomfromtext('LINESTRING(0 0,1 1,2 2)'), st_geomfromtext('POLYGON((0 0,10 0,10 10,0 10,0 0))')), " +
      "(4, st_geomfromtext('LINESTRING(0 0,1 1,2 2)'), point(0, 0), st_geomfromtext('LINESTRING(2 2,1 1)'), st_geomfromtext('POLYGON((0 0,10 0,10 10,0 10,0 0))'))",
    // MySQL's internal format: SRID (4 bytes LE) + WKB (byte order 01, type LE, doubles LE); the POINT(1 -1)
    // bytes are the manual's example (13.4.3), point(1, 2) is compatibility_test.go's point12 (TestMiscTypes:
    // GEOMETRY, ColumnLength 4294967295, Flags 144). rbr.go TypeGeometry returns the same bytes.
    copy: [['1', G_POINT_1_M1, G_POINT_1_2, G_LINE_012, G_SQUARE], ['4', G_LINE_012, G_POINT_0_0, G_LINE_21, G_SQUARE]],
    changes: ["insert into cdc_geo values (2, point(0, 0), point(0, 0), st_geomfromtext('LINESTRING(2 2,1 1)'), st_geomfromtext('POLYGON((0 0,10 0,10 10,0 10,0 0))'))", 'update cdc_geo set p = point(0, 0) where id = 1', 'delete from cdc_geo where id = 4'],
    streamed: [
      [null, ['2', G_POINT_0_0, G_POINT_0_0, G_LINE_21, G_SQUARE]],
      [['1', G_POINT_1_M1, G_POINT_1_2, G_LINE_012, G_SQUARE], ['1', G_POINT_1_M1, G_POINT_0_0, G_LINE_012, G_SQUARE]],
      [['4', G_LINE_012, G_POINT_0_0, G_LINE_21, G_SQUARE], null],
    ],
  },
];

const VSCHEMA = {
  sharded: true,
  vindexes: { hash: { type: 'hash' } },
  tables: Object.fromEntries(FAMILIES.map((f) => [f.table, { column_vindexes: [{ column: 'id', name: 'hash' }] }])),
};

/** A row image's values in the fixture's notation (hex for the family's binary-valued columns). */
function valuesOf(family: Family, row: { lengths: string[]; values: Buffer } | null): Values | null {
  if (!row) return null;
  const names = family.fields.map((f) => f[0]);
  return decodeRowBytes(row).map((b, i) => (b === null ? 'NULL' : family.hex.includes(names[i]!) ? '0x' + b.toString('hex') : b.toString('utf8')));
}

/** `(id, a, b, …)`: sharded inserts name their columns (VT09004 otherwise). */
function columnList(family: Family): string {
  return `(${family.fields.map((f) => f[0]).join(', ')})`;
}

/** Text-protocol rows (mysql2, rowsAsArray, typeCast off) in the fixture's notation, by id. */
function textRows(family: Family, rows: unknown): Values[] {
  const names = family.fields.map((f) => f[0]);
  return (rows as (Buffer | null)[][])
    .map((r) => r.map((b, i) => (b === null ? 'NULL' : family.hex.includes(names[i]!) ? '0x' + b.toString('hex') : b.toString('utf8'))))
    .sort((a, b) => Number(a[0]) - Number(b[0]));
}

function fieldSpecs(fields: DecodedMessage[]): FieldSpec[] {
  return fields.map((f) => [f.name, f.type, f.column_length, f.charset, f.decimals, f.flags, f.column_type]);
}

/** The fixture's expected FIELD, with the TIMESTAMP's flags taken from what came (only BINARY_FLAG is checked). */
/**
 * Checks fields against the family's table. `database` is the tablet's `vt_<keyspace>` in VStream
 * FIELD events, and the keyspace in query results with ALL fields (tabletserver renames it).
 */
function expectFields(family: Family, fields: DecodedMessage[], database = `vt_${KEYSPACE}`): void {
  const got = fieldSpecs(fields);
  const want = family.fields.map((w, i) => (w[1] === 'TIMESTAMP' ? ([...w.slice(0, 5), got[i]?.[5], w[6]] as FieldSpec) : w));
  expect(got, family.table).toEqual(want);
  for (const [i, w] of family.fields.entries()) if (w[1] === 'TIMESTAMP') expect(got[i]![5] & BINARY).toBe(BINARY);
  for (const f of fields) expect([f.table, f.org_table, f.database, f.org_name]).toEqual([family.table, family.table, database, f.name]);
}

let cluster: Cluster;
let grpc: VtgateClient;
let mysqlPort: number;
const responses: DecodedMessage[] = [];
const abort = new AbortController();
let reading: Promise<void>;
let streamError: unknown;

const events = () => responses.flatMap((r) => r.events as DecodedMessage[]);
const copyCompleted = () => events().some((e) => e.type === 'COPY_COMPLETED' && !e.keyspace);

async function waitFor(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (streamError) throw streamError;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function sql(statements: string[]): Promise<void> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: mysqlPort, user: 'root', database: KEYSPACE });
  try {
    for (const s of statements) await conn.query(s);
  } finally {
    await conn.end();
  }
}

beforeAll(async () => {
  cluster = await Cluster.start({ seed: 'cdc-type-fixture', mysqlPort: 0, grpcPort: 0 });
  await cluster.vtctld.createKeyspace({ name: KEYSPACE });
  for (const [shard, uids] of [['-80', [300, 301]], ['80-', [400, 401]]] as const) {
    for (const uid of uids) await cluster.addTablet({ keyspace: KEYSPACE, shard, uid });
  }
  await cluster.vtctld.applySchema({ keyspace: KEYSPACE, sql: FAMILIES.map((f) => `create table ${f.table} (id bigint primary key, ${f.columns})`) });
  await cluster.vtctld.applyVSchema({ keyspace: KEYSPACE, v_schema: VSCHEMA });
  const vtgate = await cluster.startVtgate();
  mysqlPort = vtgate.mysqlAddress!.port;
  grpc = VtgateClient.connect(`${vtgate.grpcAddress!.host}:${vtgate.grpcAddress!.port}`);
  await sql(FAMILIES.map((f) => `insert into ${f.table} ${columnList(f)} values ${f.insert}`));
  const request = {
    tablet_type: 'PRIMARY',
    vgtid: { shard_gtids: ['-80', '80-'].map((shard) => ({ keyspace: KEYSPACE, shard, gtid: '' })) },
    filter: { rules: [{ match: '/.*', filter: '' }] },
  };
  reading = (async () => {
    try {
      for await (const r of grpc.vstream(request, abort.signal)) responses.push(r);
    } catch (err) {
      streamError = err;
    }
  })();
  await waitFor(copyCompleted, 'the copy phase');
}, 60_000);

afterAll(async () => {
  abort.abort();
  await reading;
  grpc?.close();
  await cluster?.close();
});

describe('CDC type fixture on a two-shard keyspace', () => {
  it('copy phase: FIELD per table with Vitess metadata, rows as MySQL text results', () => {
    const copy = events();
    for (const family of FAMILIES) {
      const name = `${KEYSPACE}.${family.table}`;
      const fieldEvents = copy.filter((e) => e.type === 'FIELD' && e.field_event.table_name === name);
      expect(fieldEvents.map((e) => e.shard).sort(), family.table).toEqual(['-80', '80-']);
      for (const e of fieldEvents) {
        expectFields(family, e.field_event.fields);
        // Always set in the copy phase: Vitess v20's release notes show it on the copy phase's FIELD,
        // and its vstreamer tests say "This is always set in the copy phase".
        expect(e.field_event.enum_set_string_values).toBe(true);
      }
      const rows = copy
        .filter((e) => e.type === 'ROW' && e.row_event.table_name === name)
        .flatMap((e) => (e.row_event.row_changes as DecodedMessage[]).map((ch) => valuesOf(family, ch.after)!));
      rows.sort((a, b) => Number(a[0]) - Number(b[0]));
      expect(rows, family.table).toEqual(family.copy);
    }
  });

  it('vtgate gRPC Execute and the MySQL protocol return the same text values and metadata', async () => {
    for (const family of FAMILIES) {
      // Full field metadata over gRPC only when the session asks for it (ExecuteOptions ALL); the
      // default, TYPE_AND_NAME, is checked in packages/vtgate/test/grpc-execute.test.ts.
      const session = { target_string: KEYSPACE, autocommit: true, options: { included_fields: 'ALL' } };
      const res = await grpc.execute({ session, query: { sql: `select * from ${family.table}` } });
      expect(res.error, family.table).toBeNull();
      expectFields(family, res.result.fields, KEYSPACE);
      const rows = (res.result.rows as DecodedMessage[]).map((r) => valuesOf(family, r as never)!).sort((a, b) => Number(a[0]) - Number(b[0]));
      expect(rows, family.table).toEqual(family.copy);
    }
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: mysqlPort, user: 'root', database: KEYSPACE });
    try {
      for (const family of FAMILIES) {
        const [rows, fields] = await conn.query({ sql: `select * from ${family.table}`, rowsAsArray: true, typeCast: false });
        expect(fields.map((f) => [f.name, f.columnLength, f.characterSet, f.decimals]), family.table).toEqual(family.fields.map((f) => [f[0], f[2], f[3], f[4]]));
        expect(textRows(family, rows), family.table).toEqual(family.copy);
      }
      // mysql2 decodes BIT(1) to the bytes MySQL sends, as with MySQL.
      const [bits] = await conn.query('select b1, b8 from cdc_bit where id = 1');
      expect(bits).toEqual([{ b1: Buffer.from([1]), b8: Buffer.from([0x80]) }]);
    } finally {
      await conn.end();
    }
  });

  it('streaming phase: inserts, updates and deletes in rbr.go forms, FIELD as in the copy phase', async () => {
    const start = events().length;
    for (const family of FAMILIES) await sql(family.changes.map((c) => c.replace(` ${family.table} values`, ` ${family.table} ${columnList(family)} values`)));
    const streamed = () => events().slice(start);
    const total = FAMILIES.length * 3;
    await waitFor(() => streamed().filter((e) => e.type === 'ROW').length >= total, 'the streamed row changes');
    for (const family of FAMILIES) {
      const name = `${KEYSPACE}.${family.table}`;
      const fieldEvents = streamed().filter((e) => e.type === 'FIELD' && e.field_event.table_name === name);
      expect(fieldEvents.length, family.table).toBeGreaterThan(0);
      for (const e of fieldEvents) {
        expectFields(family, e.field_event.fields);
        // The streaming phase sets it when the table has an ENUM or SET column (vstreamer.go
        // buildTablePlan: len(plan.EnumSetValuesMap) > 0).
        expect(e.field_event.enum_set_string_values, family.table).toBe(family.fields.some((f) => f[1] === 'ENUM' || f[1] === 'SET'));
      }
      const changes = streamed()
        .filter((e) => e.type === 'ROW' && e.row_event.table_name === name)
        .flatMap((e) => (e.row_event.row_changes as DecodedMessage[]).map((ch) => [valuesOf(family, ch.before), valuesOf(family, ch.after)]));
      // Each change is its own transaction, on one of two shards: compare them in a canonical order.
      const canonical = (list: unknown[]) => list.map((x) => JSON.stringify(x)).sort();
      expect(canonical(changes), family.table).toEqual(canonical(family.streamed));
    }
  });
});

// The copy phase's expectations, checked against a real server: Debian's MariaDB answers the same
// text for these types as MySQL 8 (ZEROFILL, YEAR, DECIMAL, FLOAT/DOUBLE text, BIT bytes, fractional
// seconds, CHAR/BINARY padding, ENUM/SET, geometry bytes). JSON is left out: MariaDB keeps JSON text
// as written where MySQL 8 normalizes it.
describeMariadb('CDC type fixture: copy-phase values against MariaDB', () => {
  it('MariaDB returns the text values the fixture expects from MySQL 8', async () => {
    const server = await startMariadb();
    try {
      const conn = await server.connect();
      try {
        // MySQL 8's default character set (MariaDB's is latin1).
        await conn.query('create database fixture character set utf8mb4');
        await conn.query('use fixture');
        await conn.query("set time_zone = '+00:00'");
        for (const family of FAMILIES.filter((f) => f.table !== 'cdc_json')) {
          await conn.query(`create table ${family.table} (id bigint primary key, ${family.columns})`);
          await conn.query(`insert into ${family.table} ${columnList(family)} values ${family.insert}`);
          const [rows] = await conn.query({ sql: `select * from ${family.table}`, rowsAsArray: true, typeCast: false });
          expect(textRows(family, rows), family.table).toEqual(family.copy);
        }
      } finally {
        await conn.end();
      }
    } finally {
      await server.stop();
    }
  });
});
