import { describe, expect, it } from 'vitest';
import {
  appendGtid, decodePosition, encodePosition, GtidParseError, GtidSet, isZeroPosition,
  positionAtLeast, positionEqual, positionFromGtidSet, zeroPosition,
} from '../src/index.js';

const A = '060a409d-8e10-11eb-9bb5-04ed332e05c2';
const B = '2174b383-5441-11e8-b90a-c80aa9429562';

describe('position text', () => {
  it('encodes MySQL56/<set> and "" for the zero position', () => {
    expect(encodePosition(zeroPosition)).toBe('');
    expect(encodePosition(positionFromGtidSet(GtidSet.parse(`${B}:1-3,${A}:1-45`)))).toBe(`MySQL56/${A}:1-45,${B}:1-3`);
  });

  it('decodes "" and MySQL56/ as the zero position, and text without a flavor as MySQL56', () => {
    expect(isZeroPosition(decodePosition(''))).toBe(true);
    expect(isZeroPosition(decodePosition('MySQL56/'))).toBe(true);
    expect(encodePosition(decodePosition('MySQL56/'))).toBe('');
    const p = decodePosition(`${A}:1-45`);
    expect(p.flavor).toBe('MySQL56');
    expect(encodePosition(p)).toBe(`MySQL56/${A}:1-45`);
  });

  it('round-trips, normalizing the set', () => {
    const text = `MySQL56/${A}:1-45,${B}:1-29516`;
    expect(encodePosition(decodePosition(text))).toBe(text);
    expect(encodePosition(decodePosition(`MySQL56/${B}:5-9:1-4,\n${A.toUpperCase()}:3`))).toBe(`MySQL56/${A}:3,${B}:1-9`);
  });

  it('rejects other flavors and bad sets', () => {
    expect(() => decodePosition('MariaDB/0-1-100')).toThrow(GtidParseError);
    expect(() => decodePosition('MariaDB/0-1-100')).toThrow('unsupported replication flavor "MariaDB"');
    expect(() => decodePosition('FilePos/binlog.000001:4')).toThrow('unsupported replication flavor');
    expect(() => decodePosition(`MySQL56/${A}:0`)).toThrow(GtidParseError);
    expect(() => decodePosition('garbage')).toThrow(GtidParseError);
  });
});

describe('position comparison', () => {
  const p1 = decodePosition(`MySQL56/${A}:1-10`);
  const p2 = decodePosition(`MySQL56/${A}:1-12,${B}:1`);
  const p3 = decodePosition(`MySQL56/${B}:1-5`);

  it('positionAtLeast is set containment', () => {
    expect(positionAtLeast(p2, p1)).toBe(true);
    expect(positionAtLeast(p1, p2)).toBe(false);
    expect(positionAtLeast(p1, p1)).toBe(true);
    expect(positionAtLeast(p1, zeroPosition)).toBe(true);
    expect(positionAtLeast(zeroPosition, zeroPosition)).toBe(true);
    expect(positionAtLeast(zeroPosition, p1)).toBe(false);
    expect(positionAtLeast(p2, p3)).toBe(false);
    expect(positionAtLeast(p3, p2)).toBe(false);
  });

  it('positionEqual compares sets', () => {
    expect(positionEqual(p1, decodePosition(`${A}:1-5:6-10`))).toBe(true);
    expect(positionEqual(p1, p2)).toBe(false);
    expect(positionEqual(zeroPosition, decodePosition(''))).toBe(true);
  });

  it('appendGtid grows the position without touching the original', () => {
    const next = appendGtid(p1, { sid: A, gno: 11 });
    expect(encodePosition(next)).toBe(`MySQL56/${A}:1-11`);
    expect(encodePosition(p1)).toBe(`MySQL56/${A}:1-10`);
    expect(appendGtid(p1, { sid: A, gno: 3 })).toBe(p1);
    expect(encodePosition(appendGtid(zeroPosition, { sid: B, gno: 1 }))).toBe(`MySQL56/${B}:1`);
    expect(isZeroPosition(zeroPosition)).toBe(true);
  });
});
