import { describe, expect, it } from 'vitest';
import { Type } from '@vtsim/proto';
import { errorOf, ev, typeOf } from './helpers.js';

const hex = (v: unknown) => Buffer.from(v as Uint8Array).toString('hex');

// Expected values are MySQL 8's (its manual's examples), checked against Debian's MariaDB where the two agree.
describe('string functions added for MySQL 8 parity', () => {
  it('ORD and CHAR', () => {
    expect(ev("ord('a')")).toBe(97n);
    expect(ev("ord('é')")).toBe(50089n);
    expect(ev("ord('')")).toBe(0n);
    expect(ev('ord(null)')).toBeNull();
    expect(hex(ev('char(72, 105)'))).toBe('4869');
    expect(hex(ev('char(256, null, 1)'))).toBe('010001');
    expect(hex(ev('char(77, 77.3, 77.5)'))).toBe('4d4d4e');
    expect(typeOf('char(65)')).toBe(Type.VARBINARY);
  });

  it('INSERT', () => {
    expect(ev("insert('Quadratic', 3, 4, 'What')")).toBe('QuWhattic');
    expect(ev("insert('Quadratic', -1, 4, 'What')")).toBe('Quadratic');
    expect(ev("insert('Quadratic', 3, 100, 'What')")).toBe('QuWhat');
    expect(ev("insert('Quadratic', 10, 1, 'x')")).toBe('Quadratic');
    expect(ev("insert('日本語', 2, 1, 'x')")).toBe('日x語');
    expect(ev("insert('abc', 1, 1, null)")).toBeNull();
  });

  it('BIN, OCT, QUOTE, SOUNDEX', () => {
    expect(ev('bin(12)')).toBe('1100');
    expect(ev('oct(12)')).toBe('14');
    expect(ev('bin(5.7)')).toBe('101');
    expect(ev('bin(-1)')).toBe('1'.repeat(64));
    expect(ev("quote('Don''t!')")).toBe("'Don\\'t!'");
    expect(ev("quote('a\\\\b')")).toBe("'a\\\\b'");
    expect(ev('quote(null)')).toBe('NULL');
    expect(ev("soundex('Hello')")).toBe('H400');
    expect(ev("soundex('Quadratically')")).toBe('Q36324');
    expect(ev("soundex('Tymczak')")).toBe('T520');
    expect(ev("soundex('12 ab')")).toBe('A100');
    expect(ev("soundex('')")).toBe('');
  });
});

describe('numeric functions added for MySQL 8 parity', () => {
  it('trigonometry', () => {
    expect(ev('degrees(pi())')).toBe(180);
    expect(ev('radians(180)')).toBe(Math.PI);
    expect(ev('sin(0)')).toBe(0);
    expect(ev('cos(0)')).toBe(1);
    expect(ev('atan(1)')).toBe(Math.PI / 4);
    expect(ev('atan(-2, 2)')).toBe(-Math.PI / 4);
    expect(ev('atan2(1, 1)')).toBe(Math.PI / 4);
    expect(ev('asin(2)')).toBeNull();
    expect(ev('acos(1)')).toBe(0);
    expect(ev('cot(1)')).toBeCloseTo(0.6420926159343306, 15);
    expect(errorOf(() => ev('cot(0)')).errno).toBe(1690);
    expect(ev('sin(null)')).toBeNull();
  });

  it('BIT_COUNT and INTERVAL', () => {
    expect(ev('bit_count(255)')).toBe(8n);
    expect(ev('bit_count(-1)')).toBe(64n);
    expect(ev('bit_count(null)')).toBeNull();
    expect(ev('interval(23, 1, 15, 17, 30, 44, 200)')).toBe(3n);
    expect(ev('interval(10, 1, 10, 100, 1000)')).toBe(2n);
    expect(ev('interval(22, 23, 30, 44, 200)')).toBe(0n);
    expect(ev('interval(null, 1, 2)')).toBe(-1n);
  });

  it('INET_ATON and INET_NTOA', () => {
    expect(ev("inet_aton('10.0.5.9')")).toBe(167773449n);
    expect(ev("inet_aton('127.1')")).toBe(2130706433n);
    expect(ev("inet_aton('1.2.3')")).toBe(16908291n);
    expect(ev("inet_aton('1.2.3.')")).toBeNull();
    expect(ev("inet_aton('256.1.1.1')")).toBeNull();
    expect(ev("inet_aton('')")).toBeNull();
    expect(ev('inet_ntoa(167773449)')).toBe('10.0.5.9');
    expect(ev('inet_ntoa(4294967296)')).toBeNull();
    expect(ev('inet_ntoa(-1)')).toBeNull();
  });
});

describe('date and time functions added for MySQL 8 parity', () => {
  it('TIME_FORMAT', () => {
    expect(ev("time_format('100:00:00', '%H %k %h %I %l')")).toBe('100 100 04 04 4');
    expect(ev("time_format('14:07:09', '%H.%i %p %r')")).toBe('14.07 PM 02:07:09 PM');
    expect(ev("time_format('-01:02:03.5', '%T %f')")).toBe('-01:02:03 500000');
    expect(ev("time_format('10:00:00', '%Y-%m-%d')")).toBe('0000-00-00');
    expect(ev("time_format('10:00:00', '%M')")).toBeNull();
    expect(ev("time_format('2024-01-02 10:11:12', '%H:%i')")).toBe('10:11');
  });

  it('MAKEDATE, MAKETIME, FROM_DAYS', () => {
    expect(ev('makedate(2011, 31)')).toBe('2011-01-31');
    expect(ev('makedate(2011, 32)')).toBe('2011-02-01');
    expect(ev('makedate(11, 365)')).toBe('2011-12-31');
    expect(ev('makedate(2011, 0)')).toBeNull();
    expect(ev('makedate(9999, 366)')).toBeNull();
    expect(typeOf('makedate(2011, 1)')).toBe(Type.DATE);
    expect(ev('maketime(12, 15, 30)')).toBe('12:15:30');
    expect(ev('maketime(12, 15, 30.5)')).toBe('12:15:30.5');
    expect(ev('maketime(-1, 2, 3)')).toBe('-01:02:03');
    expect(ev('maketime(900, 0, 0)')).toBe('838:59:59');
    expect(ev('maketime(1, 60, 0)')).toBeNull();
    expect(ev('from_days(730669)')).toBe('2000-07-03');
    expect(ev("from_days(to_days('2024-02-29'))")).toBe('2024-02-29');
    expect(ev('from_days(365)')).toBe('0000-00-00');
  });

  it('TIME_TO_SEC, SEC_TO_TIME, TIMESTAMP', () => {
    expect(ev("time_to_sec('22:23:00')")).toBe(80580n);
    expect(ev("time_to_sec('-01:00:01')")).toBe(-3601n);
    expect(ev("time_to_sec('2024-01-01 01:00:01')")).toBe(3601n);
    expect(ev('sec_to_time(2378)')).toBe('00:39:38');
    expect(ev('sec_to_time(-3661.5)')).toBe('-01:01:01.5');
    expect(ev('sec_to_time(99999999)')).toBe('838:59:59');
    expect(ev("timestamp('2003-12-31')")).toBe('2003-12-31 00:00:00');
    expect(ev("timestamp('2024-01-01 10:00:00.123456')")).toBe('2024-01-01 10:00:00.123456');
    expect(ev("timestamp('2003-12-31 12:00:00', '12:00:00')")).toBe('2004-01-01 00:00:00');
    expect(ev("timestamp('2003-12-31', '-01:00:00.5')")).toBe('2003-12-30 22:59:59.5');
    expect(ev("timestamp('nope')")).toBeNull();
    expect(typeOf("timestamp('2003-12-31')")).toBe(Type.DATETIME);
  });

  it('PERIOD_ADD and PERIOD_DIFF', () => {
    expect(ev('period_add(200801, 2)')).toBe(200803n);
    expect(ev('period_add(0801, 2)')).toBe(200803n);
    expect(ev('period_add(9912, 1)')).toBe(200001n);
    expect(ev('period_add(202401, -1)')).toBe(202312n);
    expect(ev('period_diff(200802, 200703)')).toBe(11n);
    expect(ev('period_diff(8002, 199703)')).toBe(-205n);
    expect(errorOf(() => ev('period_add(202413, 1)')).errno).toBe(1210);
    expect(errorOf(() => ev('period_diff(202400, 202401)')).errno).toBe(1210);
  });
});

describe('JSON functions added for MySQL 8 parity', () => {
  const j = `'["a", {"b": [1, 2]}, [3, 4]]'`;

  it('JSON_DEPTH', () => {
    expect(ev(`json_depth('{}')`)).toBe(1n);
    expect(ev(`json_depth('true')`)).toBe(1n);
    expect(ev(`json_depth('[10, {"a": 20}]')`)).toBe(3n);
    expect(ev('json_depth(null)')).toBeNull();
    expect(errorOf(() => ev(`json_depth('[')`)).errno).toBe(3141);
  });

  it('JSON_ARRAY_APPEND and JSON_ARRAY_INSERT', () => {
    expect(ev(`json_array_append('["a", ["b", "c"], "d"]', '$[1][0]', 3)`)).toBe('["a", [["b", 3], "c"], "d"]');
    expect(ev(`json_array_append('{"a": 1, "b": [2, 3], "c": 4}', '$.b', 'x', '$.c', 'y')`)).toBe('{"a": 1, "b": [2, 3, "x"], "c": [4, "y"]}');
    expect(ev(`json_array_append('{"a": 1}', '$', 'z')`)).toBe('[{"a": 1}, "z"]');
    expect(ev(`json_array_append('[1]', '$.x', 2)`)).toBe('[1]');
    expect(ev(`json_array_append('[1]', null, 2)`)).toBeNull();
    expect(errorOf(() => ev(`json_array_append('[1]', '$[*]', 2)`)).errno).toBe(3149);
    expect(errorOf(() => ev(`json_array_append('[1]', '$')`)).errno).toBe(1582);
    expect(ev(`json_array_insert(${j}, '$[1]', 'x')`)).toBe('["a", "x", {"b": [1, 2]}, [3, 4]]');
    expect(ev(`json_array_insert(${j}, '$[100]', 'x')`)).toBe('["a", {"b": [1, 2]}, [3, 4], "x"]');
    expect(ev(`json_array_insert(${j}, '$[1].b[0]', 'x')`)).toBe('["a", {"b": ["x", 1, 2]}, [3, 4]]');
    expect(ev(`json_array_insert(${j}, '$[0]', 'x', '$[2][1]', 'y')`)).toBe('["x", "a", {"b": [1, 2]}, [3, 4]]');
    expect(errorOf(() => ev(`json_array_insert('[1]', '$.a', 'x')`)).errno).toBe(3165);
  });

  it('JSON_MERGE_PRESERVE', () => {
    expect(ev(`json_merge_preserve('[1, 2]', '[true, false]')`)).toBe('[1, 2, true, false]');
    expect(ev(`json_merge_preserve('{"name": "x"}', '{"id": 47}')`)).toBe('{"id": 47, "name": "x"}');
    expect(ev(`json_merge_preserve('1', 'true')`)).toBe('[1, true]');
    expect(ev(`json_merge_preserve('[1, 2]', '{"id": 47}')`)).toBe('[1, 2, {"id": 47}]');
    expect(ev(`json_merge_preserve('{"a": 1, "b": 2}', '{"a": 3, "c": 4}', '{"a": 5, "d": 6}')`)).toBe('{"a": [1, 3, 5], "b": 2, "c": 4, "d": 6}');
    expect(ev(`json_merge_preserve('[1]', null)`)).toBeNull();
  });
});
