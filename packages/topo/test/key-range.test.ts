import { describe, expect, it } from 'vitest';
import {
  evenShardsKeyRange,
  generateShardRanges,
  hexToBytes,
  keyRangeContains,
  keyRangeEqual,
  keyRangeFromShardName,
  keyRangeIntersect,
  keyRangeIsComplete,
  keyRangeStartsBefore,
  keyRangeString,
  parseKeyRangeParts,
  parseShardingSpec,
} from '../src/index.js';

const kr = (name: string) => keyRangeFromShardName(name);
const id = (hex: string) => hexToBytes(hex);

describe('key ranges', () => {
  it('parses shard names', () => {
    expect(keyRangeString(kr('-80'))).toBe('-80');
    expect(keyRangeString(kr('80-'))).toBe('80-');
    expect(keyRangeString(kr('40-80'))).toBe('40-80');
    expect(keyRangeString(kr('-'))).toBe('-');
    expect(keyRangeString(kr('0'))).toBe('-');
    expect(keyRangeIsComplete(kr('0'))).toBe(true);
    expect(keyRangeIsComplete(kr('-'))).toBe(true);
    expect(keyRangeIsComplete(kr('-80'))).toBe(false);
    expect(keyRangeIsComplete(null)).toBe(true);
    expect(keyRangeString(null)).toBe('-');
    expect(() => kr('80-40')).toThrow(/must be less than/);
    expect(() => kr('-80-c0')).toThrow(/exactly one key range/);
    expect(() => kr('8-')).toThrow(/invalid hex/);
    expect(() => kr('zz-')).toThrow(/invalid hex/);
  });

  it('parses sharding specs', () => {
    expect(parseShardingSpec('-80-c0-').map(keyRangeString)).toEqual(['-80', '80-c0', 'c0-']);
    expect(parseShardingSpec('-').map(keyRangeString)).toEqual(['-']);
    expect(parseShardingSpec('0').map(keyRangeString)).toEqual(['-']);
    expect(parseShardingSpec('40-80-c0').map(keyRangeString)).toEqual(['40-80', '80-c0']);
    expect(() => parseShardingSpec('-80--c0')).toThrow(/middle/);
    expect(() => parseShardingSpec('-c0-80-')).toThrow(/less than/);
    expect(() => parseShardingSpec('80')).toThrow(/range/);
    expect(keyRangeString(parseKeyRangeParts('', '80'))).toBe('-80');
  });

  it('contains: half-open, with trailing zero normalization', () => {
    expect(keyRangeContains(kr('-80'), id('7f'))).toBe(true);
    expect(keyRangeContains(kr('-80'), id('7fffffffffffffff'))).toBe(true);
    expect(keyRangeContains(kr('-80'), id('80'))).toBe(false);
    expect(keyRangeContains(kr('-80'), id('8000000000000000'))).toBe(false);
    expect(keyRangeContains(kr('80-'), id('80'))).toBe(true);
    expect(keyRangeContains(kr('80-'), id('ffffffffffffffff'))).toBe(true);
    expect(keyRangeContains(kr('80-'), id('7fff'))).toBe(false);
    expect(keyRangeContains(kr('40-80'), id('40'))).toBe(true);
    expect(keyRangeContains(kr('40-80'), id('4000'))).toBe(true);
    expect(keyRangeContains(kr('40-80'), id('3fff'))).toBe(false);
    expect(keyRangeContains(parseKeyRangeParts('8000', ''), id('80'))).toBe(true);
    expect(keyRangeContains(kr('-'), id('00'))).toBe(true);
    expect(keyRangeContains(null, id('ff'))).toBe(true);
    expect(keyRangeContains(kr('-80'), new Uint8Array(0))).toBe(true);
    // The hash vindex's keyspace ids of 1 and 4 (local example placements).
    expect(keyRangeContains(kr('-80'), id('166b40b44aba4bd6'))).toBe(true);
    expect(keyRangeContains(kr('80-'), id('d2fd8867d50d2dfe'))).toBe(true);
  });

  it('intersects and compares', () => {
    expect(keyRangeIntersect(kr('-80'), kr('80-'))).toBe(false);
    expect(keyRangeIntersect(kr('-80'), kr('40-c0'))).toBe(true);
    expect(keyRangeIntersect(kr('40-80'), kr('-40'))).toBe(false);
    expect(keyRangeIntersect(kr('40-80'), kr('7f-'))).toBe(true);
    expect(keyRangeIntersect(kr('0'), kr('80-'))).toBe(true);
    expect(keyRangeIntersect(null, kr('-80'))).toBe(true);
    expect(keyRangeEqual(kr('-80'), parseKeyRangeParts('', '8000'))).toBe(true);
    expect(keyRangeEqual(kr('-80'), kr('-c0'))).toBe(false);
    expect(keyRangeEqual(kr('0'), null)).toBe(true);
    expect(keyRangeEqual(kr('0'), kr('80-'))).toBe(false);
    expect(keyRangeEqual(kr('80-'), parseKeyRangeParts('80', ''))).toBe(true);
    expect(keyRangeStartsBefore(kr('-80'), kr('80-'))).toBe(true);
    expect(keyRangeStartsBefore(kr('80-'), kr('-80'))).toBe(false);
    expect(keyRangeStartsBefore(kr('40-80'), kr('40-c0'))).toBe(false);
    const sorted = ['c0-', '-40', '80-c0', '40-80'].map(kr).sort((a, b) => (keyRangeStartsBefore(a, b) ? -1 : keyRangeStartsBefore(b, a) ? 1 : 0));
    expect(sorted.map(keyRangeString)).toEqual(['-40', '40-80', '80-c0', 'c0-']);
  });

  it('generates even shard ranges', () => {
    expect(generateShardRanges(2)).toEqual(['-80', '80-']);
    expect(generateShardRanges(4)).toEqual(['-40', '40-80', '80-c0', 'c0-']);
    expect(generateShardRanges(1)).toEqual(['-']);
    expect(generateShardRanges(256)[1]).toBe('01-02');
    expect(() => generateShardRanges(0)).toThrow();
    expect(() => generateShardRanges(257)).toThrow();
    expect([0, 1].map((i) => keyRangeString(evenShardsKeyRange(i, 2)))).toEqual(['-80', '80-']);
    expect([0, 1, 2, 3].map((i) => keyRangeString(evenShardsKeyRange(i, 4)))).toEqual(['-40', '40-80', '80-c0', 'c0-']);
    expect(keyRangeString(evenShardsKeyRange(0, 1))).toBe('-');
    expect(keyRangeString(evenShardsKeyRange(1, 512))).toBe('0080-01');
    expect(keyRangeString(evenShardsKeyRange(511, 512))).toBe('ff80-');
    expect(() => evenShardsKeyRange(0, 3)).toThrow(/power of two/);
    expect(() => evenShardsKeyRange(4, 4)).toThrow();
  });
});
