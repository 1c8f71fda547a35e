import { describe, expect, it } from 'vitest';
import { Type } from '@vtsim/proto';
import {
  coerceToColumn, compareText, compareValues, isTrue, keyComparator, sqlLiteral, textKey, toBigInt, toBytes, toDouble,
  toText, textToBytes, typeOfValue, valueComparator, valueKey, valuesEqual,
} from '../src/index.js';
import { colType, errorOf } from './helpers.js';

describe('compareValues', () => {
  it('compares numbers numerically across bigint, double and decimal text', () => {
    expect(compareValues(1n, 2n)).toBeLessThan(0);
    expect(compareValues(2n, 1.5)).toBeGreaterThan(0);
    expect(compareValues(9007199254740993n, 9007199254740992)).toBeGreaterThan(0);
    expect(compareValues(10n, '9.5')).toBeGreaterThan(0);
    expect(compareValues(1.5, '1.50')).toBe(0);
    expect(compareValues('10', 9n)).toBeGreaterThan(0);
    expect(compareValues(0n, 'abc')).toBe(0);
  });

  it('orders NULL first and equal to NULL', () => {
    expect(compareValues(null, 0n)).toBeLessThan(0);
    expect(compareValues('', null)).toBeGreaterThan(0);
    expect(valuesEqual(null, null)).toBe(true);
  });

  it('compares text under utf8mb4_0900_ai_ci', () => {
    expect(compareValues('abc', 'ABC')).toBe(0);
    expect(compareValues('café', 'CAFE')).toBe(0);
    expect(compareValues('a', 'a ')).toBeLessThan(0);
    expect(compareValues('a', 'B')).toBeLessThan(0);
    expect(compareValues('_', 'a')).toBeLessThan(0);
    expect(compareValues('9', 'a')).toBeLessThan(0);
    expect(compareValues('Zebra', 'apple')).toBeGreaterThan(0);
    expect(compareText('straße', 'STRASSE')).toBe(0);
    expect(textKey('ÉCOLE')).toBe(textKey('ecole'));
  });

  it('compares binary bytewise', () => {
    expect(compareValues(Buffer.from('a'), Buffer.from('A'))).toBeGreaterThan(0);
    expect(compareValues(Buffer.from('ab'), 'ab')).toBe(0);
    expect(compareValues(Buffer.from([1]), Buffer.from([1, 0]))).toBeLessThan(0);
  });
});

describe('valueComparator and keyComparator', () => {
  it('compares decimal text numerically and enums by index', () => {
    const dec = valueComparator(colType('decimal(10,2)'));
    expect(dec('10.00', '9.50')).toBeGreaterThan(0);
    const en = valueComparator(colType("enum('z','a')"));
    expect(en('z', 'a')).toBeLessThan(0);
    const time = valueComparator(Type.TIME);
    expect(time('-01:00:00', '00:30:00')).toBeLessThan(0);
    expect(time('100:00:00', '99:00:00')).toBeGreaterThan(0);
  });

  it('orders composite keys with NULLs first and prefixes first', () => {
    const cmp = keyComparator([colType('bigint'), colType('varchar(10)')]);
    expect(cmp([1n, 'b'], [1n, 'A'])).toBeGreaterThan(0);
    expect(cmp([null, 'z'], [0n, 'a'])).toBeLessThan(0);
    expect(cmp([1n], [1n, 'a'])).toBeLessThan(0);
    expect(cmp([2n, 'x'], [2n, 'X'])).toBe(0);
  });

  it('builds equality keys', () => {
    expect(valueKey('ABC')).toBe(valueKey('abc'));
    expect(valueKey(1n)).toBe(valueKey(1));
    expect(valueKey('1.50', Type.DECIMAL)).toBe(valueKey('1.5', Type.DECIMAL));
    expect(valueKey(Buffer.from('a'))).not.toBe(valueKey(Buffer.from('A')));
    expect(valueKey(null)).not.toBe(valueKey(''));
  });
});

describe('conversions', () => {
  it('toBigInt, toDouble, toText, toBytes, isTrue', () => {
    expect(toBigInt('12abc')).toBe(12n);
    expect(toBigInt('1.9')).toBe(1n);
    expect(toBigInt(2.5)).toBe(3n);
    expect(toBigInt(-2.5)).toBe(-3n);
    expect(toBigInt(null)).toBeNull();
    expect(toDouble(' 1.5e2xyz')).toBe(150);
    expect(toDouble('abc')).toBe(0);
    expect(toText(1.5)).toBe('1.5');
    expect(toText(Buffer.from('hé'))).toBe('hé');
    expect(Buffer.from(toBytes(12n)!).toString()).toBe('12');
    expect(isTrue('0.0')).toBe(false);
    expect(isTrue('1abc')).toBe(true);
    expect(isTrue(null)).toBeNull();
    expect(isTrue(0.1)).toBe(true);
  });

  it('sqlLiteral and typeOfValue', () => {
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(-5n)).toBe('-5');
    expect(sqlLiteral("it's a \\ test\n")).toBe("'it''s a \\\\ test\\n'");
    expect(sqlLiteral(Buffer.from([0, 255]))).toBe("x'00ff'");
    expect(typeOfValue(1n)).toBe(Type.INT64);
    expect(typeOfValue(1.5)).toBe(Type.FLOAT64);
    expect(typeOfValue('x')).toBe(Type.VARCHAR);
    expect(typeOfValue(Buffer.from('x'))).toBe(Type.VARBINARY);
    expect(typeOfValue(null)).toBe(Type.NULL_TYPE);
  });
});

describe('coerceToColumn', () => {
  const c = (v: Parameters<typeof coerceToColumn>[0], ddl: string) => coerceToColumn(v, colType(ddl), 'x');
  const err = (v: Parameters<typeof coerceToColumn>[0], ddl: string) => {
    const e = errorOf(() => c(v, ddl));
    return `${e.errno} ${e.message}`;
  };

  it('integers', () => {
    expect(c('42', 'int')).toBe(42n);
    expect(c(' 7 ', 'bigint')).toBe(7n);
    expect(c('1.5', 'int')).toBe(2n);
    expect(c(2.5, 'int')).toBe(3n);
    expect(c('1e3', 'int')).toBe(1000n);
    expect(c(255n, 'tinyint unsigned')).toBe(255n);
    expect(err('abc', 'int')).toBe("1366 Incorrect integer value: 'abc' for column 'x' at row 1");
    expect(err('', 'int')).toBe("1366 Incorrect integer value: '' for column 'x' at row 1");
    expect(err('12abc', 'int')).toBe("1265 Data truncated for column 'x' at row 1");
    expect(err(128n, 'tinyint')).toBe("1264 Out of range value for column 'x' at row 1");
    expect(err(-1n, 'bigint unsigned')).toBe("1264 Out of range value for column 'x' at row 1");
    expect(err(18446744073709551616n, 'bigint unsigned')).toBe("1264 Out of range value for column 'x' at row 1");
    expect(c(null, 'int')).toBeNull();
  });

  it('decimals round half away from zero to the scale', () => {
    expect(c('1.005', 'decimal(10,2)')).toBe('1.01');
    expect(c(-1.005, 'decimal(10,2)')).toBe('-1.01');
    expect(c(5n, 'decimal(10,2)')).toBe('5.00');
    expect(c('99999999.994', 'decimal(10,2)')).toBe('99999999.99');
    expect(err('999999999', 'decimal(10,2)')).toBe("1264 Out of range value for column 'x' at row 1");
    expect(err('abc', 'decimal(10,2)')).toBe("1366 Incorrect decimal value: 'abc' for column 'x' at row 1");
  });

  it('floats and doubles', () => {
    expect(c('1.5', 'double')).toBe(1.5);
    expect(c(3n, 'double')).toBe(3);
    expect(err('abc', 'double')).toBe("1265 Data truncated for column 'x' at row 1");
  });

  // A FLOAT holds the IEEE single nearest the value (MySQL's Field_float::store casts the double to
  // float): `SELECT f + 0` of FLOAT 3.1415927 is 3.1415927410125732, of 0.1 0.10000000149011612, of
  // 16777217 16777216, of 1e20 1.0000000200408773e20 (checked on MariaDB 10.11, whose Field_float is
  // MySQL's); the text protocol's 6 digits (`3.14159`) are only how it is shown.
  it('FLOAT stores the float32 nearest the value', () => {
    expect(c(3.1415927, 'float')).toBe(3.1415927410125732);
    expect(c('3.1415927', 'float')).toBe(3.1415927410125732);
    expect(c('0.1', 'float')).toBe(0.10000000149011612);
    expect(c(16777217n, 'float')).toBe(16777216);
    expect(c('1e20', 'float')).toBe(1.0000000200408773e20);
    expect(c(1.23456789, 'float')).toBe(Math.fround(1.23456789));
    expect(c(3.1415927, 'double')).toBe(3.1415927);
    expect(Object.is(c(-0, 'float'), 0)).toBe(true);
    expect(Object.is(c(-0, 'double'), 0)).toBe(true);
    expect(c('3.40282e38', 'float')).toBe(Math.fround(3.40282e38));
    expect(err('3.5e38', 'float')).toBe("1264 Out of range value for column 'x' at row 1");
    expect(err(-1.5, 'float unsigned')).toBe("1264 Out of range value for column 'x' at row 1");
  });

  // FLOAT(m,d)/DOUBLE(m,d) keep d decimals the way Field_real::truncate does (rint of the fraction
  // times 10^d, on the double): 999.00009 → 999.0001, 12.34565 → 12.3456 (the double is just below
  // the half), 1.00005 → 1.0001; a FLOAT then stores that value's float32 (MariaDB 10.11 shows
  // `999.0001`, `12.3456`, `1.0001`, `3.1416` for FLOAT(7,4)).
  it('FLOAT(m,d) rounds to d decimals, then stores the float32', () => {
    expect(c(999.00009, 'float(7,4)')).toBe(Math.fround(999.0001));
    expect(c('3.1415927', 'float(7,4)')).toBe(Math.fround(3.1416));
    expect(c(12.34565, 'float(7,4)')).toBe(Math.fround(12.3456));
    expect(c(1.00005, 'float(7,4)')).toBe(Math.fround(1.0001));
    expect(c(12.34565, 'double(7,4)')).toBe(12.3456);
    expect(c(0.1, 'float(7,4)')).toBe(0.10000000149011612);
    expect(err(1000, 'float(7,4)')).toBe("1264 Out of range value for column 'x' at row 1");
    expect(c(999.99994, 'double(7,4)')).toBe(999.9999);
  });

  it('text, binary, enum and set', () => {
    expect(c(12n, 'varchar(10)')).toBe('12');
    expect(c('abc   ', 'varchar(3)')).toBe('abc');
    expect(c('ab  ', 'char(4)')).toBe('ab');
    expect(err('abcd', 'varchar(3)')).toBe("1406 Data too long for column 'x' at row 1");
    expect(c('日本語', 'varchar(3)')).toBe('日本語');
    expect(Buffer.from(c('ab', 'varbinary(4)') as Uint8Array).toString()).toBe('ab');
    expect([...(c('ab', 'binary(4)') as Uint8Array)]).toEqual([97, 98, 0, 0]);
    expect(err('abcde', 'varbinary(4)')).toBe("1406 Data too long for column 'x' at row 1");
    expect(c('B', "enum('a','b')")).toBe('b');
    expect(c(2n, "enum('a','b')")).toBe('b');
    expect(err('c', "enum('a','b')")).toBe("1265 Data truncated for column 'x' at row 1");
    expect(c('y,x', "set('x','y')")).toBe('x,y');
    expect(c(3n, "set('x','y')")).toBe('x,y');
    expect(err('z', "set('x','y')")).toBe("1265 Data truncated for column 'x' at row 1");
  });

  it('dates and times', () => {
    expect(c('2024-1-5', 'date')).toBe('2024-01-05');
    expect(c('2024-01-05 10:11:12', 'date')).toBe('2024-01-05');
    expect(c('2024-01-05', 'datetime')).toBe('2024-01-05 00:00:00');
    expect(c('2024-01-05 10:11:12.5', 'datetime')).toBe('2024-01-05 10:11:13');
    expect(c('2024-01-05 10:11:12.123456', 'datetime(3)')).toBe('2024-01-05 10:11:12.123');
    expect(c(20240105101112n, 'datetime')).toBe('2024-01-05 10:11:12');
    expect(c('10:11', 'time')).toBe('10:11:00');
    expect(c('-1 02:00:00', 'time')).toBe('-26:00:00');
    expect(c('99', 'year')).toBe(1999n);
    expect(c(2024n, 'year')).toBe(2024n);
    expect(err('2024-02-30', 'date')).toBe("1292 Incorrect date value: '2024-02-30' for column 'x' at row 1");
    expect(err('0000-00-00', 'date')).toBe("1292 Incorrect date value: '0000-00-00' for column 'x' at row 1");
    expect(err('nope', 'datetime')).toBe("1292 Incorrect datetime value: 'nope' for column 'x' at row 1");
    expect(err('1969-01-01 00:00:00', 'timestamp')).toBe("1292 Incorrect datetime value: '1969-01-01 00:00:00' for column 'x' at row 1");
    expect(err('25:61:00', 'time')).toBe("1292 Incorrect time value: '25:61:00' for column 'x' at row 1");
  });

  it('json and bit', () => {
    expect(c('{"b":1,"a":[1,2.5,"x"]}', 'json')).toBe('{"a": [1, 2.5, "x"], "b": 1}');
    expect(err('{bad', 'json')).toMatch(/^3140 Invalid JSON text: "Missing a name for object member." at position 1 in value for column 'x'\.$/);
    expect(c(5n, 'bit(3)')).toBe(5n);
    expect(c(Buffer.from([1, 0]), 'bit(16)')).toBe(256n);
    expect(err(8n, 'bit(3)')).toBe("1406 Data too long for column 'x' at row 1");
  });
});

describe('textToBytes', () => {
  it('encodes ASCII, non-ASCII (short and long) and empty text as UTF-8', () => {
    for (const s of ['', 'SKU-1', 'user1@example.com', 'é', 'a€b', 'x'.repeat(64) + 'é', 'y'.repeat(200), '\u0000\u007f', '😀']) {
      const bytes = textToBytes(s);
      expect(Buffer.isBuffer(bytes)).toBe(true);
      expect([...bytes]).toEqual([...Buffer.from(s, 'utf8')]);
    }
  });
});
