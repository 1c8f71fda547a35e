import { describe, expect, it } from 'vitest';
import { binlogRetentionFrom, isBinlogRetention, parseBinlogRetention } from '../src/binlog-retention-flag.js';

describe('--binlog-retention', () => {
  it('reads a transaction count, a size in B/KB/MB/GB (powers of 1024), or both', () => {
    expect(parseBinlogRetention('100000')).toEqual({ maxTransactions: 100_000 });
    expect(parseBinlogRetention('64MB')).toEqual({ maxBytes: 64 * 1024 * 1024 });
    expect(parseBinlogRetention('2gb')).toEqual({ maxBytes: 2 * 1024 ** 3 });
    expect(parseBinlogRetention('512KB, 1000')).toEqual({ maxTransactions: 1000, maxBytes: 512 * 1024 });
    expect(parseBinlogRetention('10B')).toEqual({ maxBytes: 10 });
  });

  it('refuses anything else with an error naming the flag', () => {
    expect(() => parseBinlogRetention('0')).toThrow('invalid argument "0" for "--binlog-retention" flag: "0" must be a positive number');
    expect(() => parseBinlogRetention('64XB')).toThrow('"64XB" is neither a transaction count nor a size in B, KB, MB or GB');
    expect(() => parseBinlogRetention('1,2')).toThrow('two transaction counts');
    expect(() => parseBinlogRetention('1MB,2KB')).toThrow('two sizes');
    expect(() => parseBinlogRetention('1,2,3MB')).toThrow('at most a transaction count and a size');
    expect(() => parseBinlogRetention('')).toThrow('invalid argument "" for "--binlog-retention" flag');
  });

  it('takes either spelling', () => {
    expect(binlogRetentionFrom({})).toBeUndefined();
    expect(binlogRetentionFrom({ binlog_retention: '7' })).toEqual({ maxTransactions: 7 });
    expect(binlogRetentionFrom({ 'binlog-retention': '7,3MB' })).toEqual({ maxTransactions: 7, maxBytes: 3 * 1024 * 1024 });
  });

  it('checks a retention received over the control API', () => {
    expect(isBinlogRetention({ maxTransactions: 5 })).toBe(true);
    expect(isBinlogRetention({ maxTransactions: 5, maxBytes: 100 })).toBe(true);
    expect(isBinlogRetention({ maxTransactions: 0 })).toBe(false);
    expect(isBinlogRetention({ maxBytes: 1.5 })).toBe(false);
    expect(isBinlogRetention({ keep: 5 })).toBe(false);
    expect(isBinlogRetention('5')).toBe(false);
  });
});
