import { describe, expect, it } from 'vitest';
import { GtidParseError, GtidSet } from '../src/index.js';

const A = '060a409d-8e10-11eb-9bb5-04ed332e05c2';
const B = '2174b383-5441-11e8-b90a-c80aa9429562';
const C = 'f0000000-0000-1000-8000-000000000000';

const set = (text: string): GtidSet => GtidSet.parse(text);

describe('GtidSet.parse / toString', () => {
  it.each([
    ['', ''],
    ['   \n ', ''],
    [`${A}:1-45`, `${A}:1-45`],
    [`${A}:5`, `${A}:5`],
    [`${A}:5-5`, `${A}:5`],
    [`${B}:1-3:7-9,${A}:1`, `${A}:1,${B}:1-3:7-9`],
    [`${A}:1-3,\n${B}:1-2`, `${A}:1-3,${B}:1-2`],
    [` ${A}:1-3 ,  ${B}:4 `, `${A}:1-3,${B}:4`],
    [`${A.toUpperCase()}:1-2`, `${A}:1-2`],
    [`${A}:7-9:1-3`, `${A}:1-3:7-9`],
    [`${A}:1-3:4-6`, `${A}:1-6`],
    [`${A}:1-5:3-9`, `${A}:1-9`],
    [`${A}:2-3:1-10`, `${A}:1-10`],
    [`${A}:1-3,${A}:4-8:20`, `${A}:1-8:20`],
    [`${A}:10,${A}:1-2,${A}:3-9`, `${A}:1-10`],
  ])('parses %j as %j', (text, canonical) => {
    const s = set(text);
    expect(s.toString()).toBe(canonical);
    expect(set(s.toString()).equals(s)).toBe(true);
  });

  it('sorts sids as their bytes sort', () => {
    expect(set(`${C}:1,${B}:1,${A}:1`).sids()).toEqual([A, B, C]);
  });

  it.each([
    [`${A}`, 'no interval'],
    [`${A}:`, 'invalid transaction number'],
    [`${A}:1-`, 'invalid transaction number'],
    [`${A}:-3`, 'invalid transaction number'],
    [`${A}:0-3`, 'start at 1'],
    [`${A}:5-3`, 'ends before it starts'],
    [`${A}:1-2-3`, 'invalid transaction number'],
    [`${A}:a`, 'invalid transaction number'],
    [`${A}:1,`, 'empty element'],
    [`,${A}:1`, 'empty element'],
    [`${A}:1,,${B}:1`, 'empty element'],
    ['not-a-uuid:1', 'invalid server UUID'],
    [`:1`, 'empty element'],
  ])('rejects %j', (text, message) => {
    expect(() => set(text)).toThrow(GtidParseError);
    expect(() => set(text)).toThrow(message);
  });
});

describe('GtidSet.add', () => {
  it('extends the last interval, opens new ones, and fills gaps', () => {
    let s = GtidSet.empty;
    for (let gno = 1; gno <= 5; gno++) s = s.add({ sid: A, gno });
    expect(s.toString()).toBe(`${A}:1-5`);
    s = s.add({ sid: A, gno: 9 });
    expect(s.toString()).toBe(`${A}:1-5:9`);
    s = s.add({ sid: A, gno: 7 });
    expect(s.toString()).toBe(`${A}:1-5:7:9`);
    s = s.add({ sid: A, gno: 8 });
    expect(s.toString()).toBe(`${A}:1-5:7-9`);
    s = s.add({ sid: A, gno: 6 });
    expect(s.toString()).toBe(`${A}:1-9`);
  });

  it('joins the interval on its left or right only', () => {
    expect(set(`${A}:1-3:10`).add({ sid: A, gno: 4 }).toString()).toBe(`${A}:1-4:10`);
    expect(set(`${A}:1-3:10`).add({ sid: A, gno: 9 }).toString()).toBe(`${A}:1-3:9-10`);
    expect(set(`${A}:5-8`).add({ sid: A, gno: 4 }).toString()).toBe(`${A}:4-8`);
    expect(set(`${A}:5-8`).add({ sid: A, gno: 2 }).toString()).toBe(`${A}:2:5-8`);
  });

  it('keeps sids sorted when a new one arrives', () => {
    const s = set(`${A}:1,${C}:1`).add({ sid: B, gno: 3 });
    expect(s.sids()).toEqual([A, B, C]);
    expect(s.toString()).toBe(`${A}:1,${B}:3,${C}:1`);
  });

  it('returns the same set when the gtid is present and never mutates the original', () => {
    const s = set(`${A}:1-5:9`);
    expect(s.add({ sid: A, gno: 3 })).toBe(s);
    expect(s.add({ sid: A, gno: 9 })).toBe(s);
    const t = s.add({ sid: A, gno: 6 });
    expect(t.toString()).toBe(`${A}:1-6:9`);
    expect(s.toString()).toBe(`${A}:1-5:9`);
    s.add({ sid: B, gno: 1 });
    expect(s.sids()).toEqual([A]);
  });

  it('rejects malformed gtids', () => {
    expect(() => GtidSet.empty.add({ sid: A, gno: 0 })).toThrow(RangeError);
    expect(() => GtidSet.empty.add({ sid: A, gno: 1.5 })).toThrow(RangeError);
    expect(() => GtidSet.empty.add({ sid: A.toUpperCase(), gno: 1 })).toThrow(RangeError);
    expect(() => GtidSet.empty.add({ sid: 'x', gno: 1 })).toThrow(RangeError);
  });

  it('agrees with a naive model on random additions', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    let s = GtidSet.empty;
    const model = new Map<string, Set<number>>();
    for (let step = 0; step < 2000; step++) {
      const sid = [A, B, C][rnd(3)]!;
      const gno = 1 + rnd(200);
      s = s.add({ sid, gno });
      if (!model.has(sid)) model.set(sid, new Set());
      model.get(sid)!.add(gno);
      if (step % 97 === 0) expect(s.toString()).toBe(naiveFormat(model));
    }
    expect(s.toString()).toBe(naiveFormat(model));
    for (const sid of [A, B, C]) {
      for (let gno = 1; gno <= 201; gno++) {
        expect(s.containsGtid({ sid, gno })).toBe(model.get(sid)?.has(gno) ?? false);
      }
    }
  });

  it('adds a million consecutive gtids quickly', () => {
    let s = set(`${B}:1-10`);
    const started = performance.now();
    for (let gno = 1; gno <= 1_000_000; gno++) s = s.add({ sid: A, gno });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(s.toString()).toBe(`${A}:1-1000000,${B}:1-10`);
  });
});

describe('GtidSet queries', () => {
  it('contains: superset, equal, empty and disjoint cases', () => {
    const big = set(`${A}:1-100,${B}:1-3:7-9`);
    expect(big.contains(GtidSet.empty)).toBe(true);
    expect(GtidSet.empty.contains(GtidSet.empty)).toBe(true);
    expect(GtidSet.empty.contains(big)).toBe(false);
    expect(big.contains(big)).toBe(true);
    expect(big.contains(set(big.toString()))).toBe(true);
    expect(big.contains(set(`${A}:5-50`))).toBe(true);
    expect(big.contains(set(`${A}:1-100,${B}:8`))).toBe(true);
    expect(big.contains(set(`${A}:1-101`))).toBe(false);
    expect(big.contains(set(`${B}:3-7`))).toBe(false);
    expect(big.contains(set(`${B}:4`))).toBe(false);
    expect(big.contains(set(`${C}:1`))).toBe(false);
    expect(big.contains(set(`${A}:1-2,${C}:1`))).toBe(false);
    expect(set(`${A}:1-3:7-9`).contains(set(`${A}:2:8-9`))).toBe(true);
    expect(set(`${A}:1-3:7-9`).contains(set(`${A}:2:6`))).toBe(false);
    expect(set(`${A}:1-3:7-9`).contains(set(`${A}:10`))).toBe(false);
  });

  it('union merges intervals and sids', () => {
    expect(set(`${A}:1-3`).union(set(`${A}:4-6`)).toString()).toBe(`${A}:1-6`);
    expect(set(`${A}:1-3:10-12`).union(set(`${A}:5-7,${B}:1`)).toString()).toBe(`${A}:1-3:5-7:10-12,${B}:1`);
    expect(set(`${A}:1-3:10-12`).union(set(`${A}:2-11`)).toString()).toBe(`${A}:1-12`);
    expect(set(`${C}:1`).union(set(`${A}:1`)).toString()).toBe(`${A}:1,${C}:1`);
    const s = set(`${A}:1-3`);
    expect(s.union(GtidSet.empty)).toBe(s);
    expect(GtidSet.empty.union(s)).toBe(s);
    expect(s.union(set(`${A}:2`)).equals(s)).toBe(true);
    const u = s.union(set(`${B}:1`));
    expect(u.contains(s)).toBe(true);
    expect(s.toString()).toBe(`${A}:1-3`);
  });

  it('equals compares content, not representation history', () => {
    const built = GtidSet.empty.add({ sid: B, gno: 2 }).add({ sid: A, gno: 1 }).add({ sid: B, gno: 1 });
    expect(built.equals(set(`${A}:1,${B}:1-2`))).toBe(true);
    expect(built.equals(set(`${A}:1,${B}:1-3`))).toBe(false);
    expect(built.equals(set(`${A}:1,${B}:1:3`))).toBe(false);
    expect(built.equals(set(`${A}:1`))).toBe(false);
    expect(built.equals(set(`${C}:1,${B}:1-2`))).toBe(false);
    expect(GtidSet.empty.equals(set(''))).toBe(true);
  });

  it('containsGtid, isEmpty, lastGno, sids', () => {
    const s = set(`${A}:1-3:7-9,${B}:4`);
    expect(s.containsGtid({ sid: A, gno: 1 })).toBe(true);
    expect(s.containsGtid({ sid: A, gno: 3 })).toBe(true);
    expect(s.containsGtid({ sid: A, gno: 4 })).toBe(false);
    expect(s.containsGtid({ sid: A, gno: 8 })).toBe(true);
    expect(s.containsGtid({ sid: A, gno: 10 })).toBe(false);
    expect(s.containsGtid({ sid: B, gno: 3 })).toBe(false);
    expect(s.containsGtid({ sid: C, gno: 1 })).toBe(false);
    expect(s.isEmpty()).toBe(false);
    expect(GtidSet.empty.isEmpty()).toBe(true);
    expect(s.lastGno(A)).toBe(9);
    expect(s.lastGno(B)).toBe(4);
    expect(s.lastGno(C)).toBe(0);
    expect(s.sids()).toEqual([A, B]);
  });
});

function naiveFormat(model: Map<string, Set<number>>): string {
  return [...model.keys()].sort().map((sid) => {
    const nums = [...model.get(sid)!].sort((x, y) => x - y);
    let text = sid;
    for (let i = 0; i < nums.length;) {
      let j = i;
      while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
      text += i === j ? `:${nums[i]}` : `:${nums[i]}-${nums[j]}`;
      i = j + 1;
    }
    return text;
  }).join(',');
}

describe('GtidSet.subtract', () => {
  const A = '060a409d-8e10-11eb-9bb5-04ed332e05c2';
  const B = '2174b383-5441-11e8-b90a-c80aa9429562';
  const minus = (a: string, b: string): string => GtidSet.parse(a).subtract(GtidSet.parse(b)).toString();

  it('removes numbers interval by interval and drops emptied sids', () => {
    expect(minus(`${A}:1-10`, `${A}:3-4:8`)).toBe(`${A}:1-2:5-7:9-10`);
    expect(minus(`${A}:1-10,${B}:1-5`, `${B}:1-9`)).toBe(`${A}:1-10`);
    expect(minus(`${A}:5-6:9-12`, `${A}:1-5:10-20`)).toBe(`${A}:6:9`);
    expect(minus(`${A}:1-3`, '')).toBe(`${A}:1-3`);
    expect(minus('', `${A}:1-3`)).toBe('');
  });

  it('returns the same set when nothing is removed', () => {
    const s = GtidSet.parse(`${A}:1-3`);
    expect(s.subtract(GtidSet.parse(`${A}:4-9,${B}:1`))).toBe(s);
  });
});
