import { describe, expect, it } from 'vitest';
import { formatGtid, GtidParseError, parseGtid } from '../src/index.js';

const U = '060a409d-8e10-11eb-9bb5-04ed332e05c2';

describe('parseGtid / formatGtid', () => {
  it('round-trips and lowercases the sid', () => {
    expect(parseGtid(`${U}:45`)).toEqual({ sid: U, gno: 45 });
    expect(parseGtid(` ${U.toUpperCase()}:7 `)).toEqual({ sid: U, gno: 7 });
    expect(formatGtid({ sid: U, gno: 12 })).toBe(`${U}:12`);
    expect(formatGtid(parseGtid(`${U}:${Number.MAX_SAFE_INTEGER}`))).toBe(`${U}:${Number.MAX_SAFE_INTEGER}`);
  });

  it.each([
    ['', 'missing ":"'],
    [U, 'missing ":"'],
    [`${U}:0`, 'start at 1'],
    [`${U}:-1`, 'exactly one'],
    [`${U}:1-5`, 'exactly one'],
    [`${U}:1:2`, 'exactly one'],
    [`${U}:x`, 'invalid transaction number'],
    [`${U}:1.5`, 'invalid transaction number'],
    [`${U}:`, 'invalid transaction number'],
    [`${U}:99999999999999999999`, 'too large'],
    ['060a409d-8e10-11eb-9bb5:1', 'invalid server UUID'],
    ['zz0a409d-8e10-11eb-9bb5-04ed332e05c2:1', 'invalid server UUID'],
  ])('rejects %j', (text, message) => {
    expect(() => parseGtid(text)).toThrow(GtidParseError);
    expect(() => parseGtid(text)).toThrow(message);
  });

  it('quotes the whole input in the error', () => {
    try {
      parseGtid('nope:1');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(GtidParseError);
      expect((err as GtidParseError).input).toBe('nope:1');
      expect((err as Error).message).toContain('"nope:1"');
      expect((err as Error).name).toBe('GtidParseError');
    }
  });
});
