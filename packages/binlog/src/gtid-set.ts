/**
 * A MySQL56 GTID set: for each server UUID (sid), the transaction numbers it has executed, kept
 * as sorted, non-overlapping, non-adjacent closed intervals. This is what `gtid_executed` holds
 * and what a MySQL56 replication position is made of.
 */
import type { Gtid } from './gtid.js';
import { isCanonicalSid, parseGno, parseSid } from './gtid.js';
import { GtidParseError } from './gtid-parse-error.js';

/**
 * Intervals of one sid, flattened: `[start0, end0, start1, end1, …]`, ends inclusive, sorted,
 * with a gap of at least one number between consecutive intervals. Never mutated once built.
 */
type Ranges = readonly number[];

/**
 * An immutable set of GTIDs in MySQL56 form. Every operation returns a new set (or `this` when
 * nothing changes); sets may be shared freely between owners and across transactions.
 */
export class GtidSet {
  /** The set with no GTIDs. */
  static readonly empty: GtidSet = new GtidSet([], []);

  private text: string | undefined;

  private constructor(
    private readonly sidList: readonly string[],
    private readonly ranges: readonly Ranges[],
  ) {}

  /**
   * Parses MySQL's text form: `uuid:1-45,uuid2:1-3:7-9`, whitespace (including newlines, as
   * `gtid_executed` prints them) allowed around elements, `uuid:5` for a single number, the same
   * uuid allowed in several elements, intervals in any order (they are sorted and merged), UUIDs
   * in either case. Blank text is the empty set. Throws GtidParseError on anything else.
   */
  static parse(text: string): GtidSet {
    if (text.trim() === '') return GtidSet.empty;
    const pairsBySid = new Map<string, number[]>();
    for (const element of text.split(',')) {
      const fields = element.split(':');
      if (fields[0]!.trim() === '') throw new GtidParseError('empty element', text);
      const sid = parseSid(fields[0]!, text);
      if (fields.length < 2) throw new GtidParseError(`no interval after ${sid}`, text);
      let pairs = pairsBySid.get(sid);
      if (pairs === undefined) {
        pairs = [];
        pairsBySid.set(sid, pairs);
      }
      for (let i = 1; i < fields.length; i++) {
        const interval = fields[i]!;
        const dash = interval.indexOf('-');
        const start = parseGno(dash < 0 ? interval : interval.slice(0, dash), text);
        const end = dash < 0 ? start : parseGno(interval.slice(dash + 1), text);
        if (end < start) throw new GtidParseError(`interval ${start}-${end} ends before it starts`, text);
        pairs.push(start, end);
      }
    }
    const sids = [...pairsBySid.keys()].sort();
    return new GtidSet(sids, sids.map((sid) => normalize(pairsBySid.get(sid)!)));
  }

  /**
   * MySQL's text form: UUIDs in ascending order, each followed by its intervals as `:a-b`, or
   * `:a` when a interval holds one number, joined with `,` (no spaces); `''` for the empty set.
   * Canonical: equal sets give equal strings.
   */
  toString(): string {
    if (this.text === undefined) {
      const parts: string[] = [];
      for (let k = 0; k < this.sidList.length; k++) {
        let part = this.sidList[k]!;
        const r = this.ranges[k]!;
        for (let i = 0; i < r.length; i += 2) {
          part += r[i] === r[i + 1] ? `:${r[i]}` : `:${r[i]}-${r[i + 1]}`;
        }
        parts.push(part);
      }
      this.text = parts.join(',');
    }
    return this.text;
  }

  /**
   * Returns the set with `gtid` added (`this` if already present). Adding the number right after
   * a sid's last one (the normal case, once per commit) copies only that sid's small interval list.
   * Throws RangeError if the sid is not a lowercase canonical UUID or gno is not a positive safe integer.
   */
  add(gtid: Gtid): GtidSet {
    const { sid, gno } = gtid;
    if (!Number.isSafeInteger(gno) || gno < 1) throw new RangeError(`invalid GTID transaction number ${gno}`);
    const k = this.indexOfSid(sid);
    if (k < 0) {
      if (!isCanonicalSid(sid)) throw new RangeError(`GTID sid ${JSON.stringify(sid)} is not a lowercase UUID`);
      const at = ~k;
      const sids = this.sidList.slice();
      sids.splice(at, 0, sid);
      const ranges = this.ranges.slice();
      ranges.splice(at, 0, [gno, gno]);
      return new GtidSet(sids, ranges);
    }
    const r = this.ranges[k]!;
    const last = r.length - 1;
    let next: number[];
    if (gno === r[last]! + 1) {
      next = r.slice();
      next[last] = gno;
    } else if (gno > r[last]!) {
      next = r.slice();
      next.push(gno, gno);
    } else {
      const inserted = insertNumber(r, gno);
      if (inserted === r) return this;
      next = inserted as number[];
    }
    const ranges = this.ranges.slice();
    ranges[k] = next;
    return new GtidSet(this.sidList, ranges);
  }

  /** Returns the set of GTIDs in `this` or in `other` (`this` or `other` itself when one is empty). */
  union(other: GtidSet): GtidSet {
    if (other.isEmpty() || other === this) return this;
    if (this.isEmpty()) return other;
    const sids: string[] = [];
    const ranges: Ranges[] = [];
    let i = 0;
    let j = 0;
    while (i < this.sidList.length || j < other.sidList.length) {
      const a = this.sidList[i];
      const b = other.sidList[j];
      if (b === undefined || (a !== undefined && a < b)) {
        sids.push(a!);
        ranges.push(this.ranges[i++]!);
      } else if (a === undefined || b < a) {
        sids.push(b);
        ranges.push(other.ranges[j++]!);
      } else {
        sids.push(a);
        ranges.push(unionRanges(this.ranges[i++]!, other.ranges[j++]!));
      }
    }
    return new GtidSet(sids, ranges);
  }

  /** Returns the set of GTIDs in `this` but not in `other` (`this` itself when nothing is removed). */
  subtract(other: GtidSet): GtidSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    const sids: string[] = [];
    const ranges: Ranges[] = [];
    let changed = false;
    for (let k = 0; k < this.sidList.length; k++) {
      const sid = this.sidList[k]!;
      const j = other.indexOfSid(sid);
      const r = j < 0 ? this.ranges[k]! : subtractRanges(this.ranges[k]!, other.ranges[j]!);
      if (r !== this.ranges[k]) changed = true;
      if (r.length > 0) {
        sids.push(sid);
        ranges.push(r);
      }
    }
    return changed ? new GtidSet(sids, ranges) : this;
  }

  /** Whether every GTID of `other` is in `this` (superset or equal; always true for an empty `other`). */
  contains(other: GtidSet): boolean {
    if (other === this) return true;
    for (let j = 0; j < other.sidList.length; j++) {
      const k = this.indexOfSid(other.sidList[j]!);
      if (k < 0 || !rangesContain(this.ranges[k]!, other.ranges[j]!)) return false;
    }
    return true;
  }

  /** Whether `gtid` is in the set. */
  containsGtid(gtid: Gtid): boolean {
    const k = this.indexOfSid(gtid.sid);
    if (k < 0) return false;
    const r = this.ranges[k]!;
    const i = intervalAtOrBefore(r, gtid.gno);
    return i >= 0 && r[i + 1]! >= gtid.gno;
  }

  /** Whether both sets hold exactly the same GTIDs. */
  equals(other: GtidSet): boolean {
    if (other === this) return true;
    if (other.sidList.length !== this.sidList.length) return false;
    for (let k = 0; k < this.sidList.length; k++) {
      if (this.sidList[k] !== other.sidList[k]) return false;
      const a = this.ranges[k]!;
      const b = other.ranges[k]!;
      if (a === b) continue;
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    }
    return true;
  }

  /** Whether the set holds no GTID. */
  isEmpty(): boolean {
    return this.sidList.length === 0;
  }

  /** The highest transaction number of `sid` (lowercase UUID) in the set, or 0 if it has none. */
  lastGno(sid: string): number {
    const k = this.indexOfSid(sid);
    if (k < 0) return 0;
    const r = this.ranges[k]!;
    return r[r.length - 1]!;
  }

  /** The set's server UUIDs, ascending. The returned array belongs to the set: do not mutate it. */
  sids(): readonly string[] {
    return this.sidList;
  }

  /** Index of `sid` in sidList, or `~insertionPoint` when absent. */
  private indexOfSid(sid: string): number {
    let lo = 0;
    let hi = this.sidList.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.sidList[mid]!;
      if (s === sid) return mid;
      if (s < sid) lo = mid + 1;
      else hi = mid - 1;
    }
    return ~lo;
  }
}

/** Sorts `[start, end, …]` pairs by start and merges overlapping or adjacent ones. */
function normalize(pairs: number[]): Ranges {
  const order: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) order.push(i);
  order.sort((x, y) => pairs[x]! - pairs[y]!);
  const out: number[] = [];
  for (const i of order) {
    const start = pairs[i]!;
    const end = pairs[i + 1]!;
    if (out.length > 0 && start <= out[out.length - 1]! + 1) {
      if (end > out[out.length - 1]!) out[out.length - 1] = end;
    } else {
      out.push(start, end);
    }
  }
  return out;
}

/** Offset (even) of the last interval whose start is `<= gno`, or -1 if none. */
function intervalAtOrBefore(r: Ranges, gno: number): number {
  let lo = 0;
  let hi = r.length / 2 - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (r[2 * mid]! <= gno) {
      found = 2 * mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Returns `r` with `gno` added, merging with neighbours; returns `r` itself if it already holds gno. */
function insertNumber(r: Ranges, gno: number): Ranges {
  const before = intervalAtOrBefore(r, gno);
  if (before >= 0 && r[before + 1]! >= gno) return r;
  const after = before < 0 ? 0 : before + 2;
  const joinsBefore = before >= 0 && r[before + 1] === gno - 1;
  const joinsAfter = after < r.length && r[after] === gno + 1;
  const out = r.slice();
  if (joinsBefore && joinsAfter) out.splice(before + 1, 2);
  else if (joinsBefore) out[before + 1] = gno;
  else if (joinsAfter) out[after] = gno;
  else out.splice(after, 0, gno, gno);
  return out;
}

/** Merges two interval lists into one (returns one of them when it already covers the other). */
function unionRanges(a: Ranges, b: Ranges): Ranges {
  if (a === b || rangesContain(a, b)) return a;
  if (rangesContain(b, a)) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let start: number;
    let end: number;
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      start = a[i]!;
      end = a[i + 1]!;
      i += 2;
    } else {
      start = b[j]!;
      end = b[j + 1]!;
      j += 2;
    }
    if (out.length > 0 && start <= out[out.length - 1]! + 1) {
      if (end > out[out.length - 1]!) out[out.length - 1] = end;
    } else {
      out.push(start, end);
    }
  }
  return out;
}

/** Whether every interval of `b` lies inside some interval of `a`. */
function rangesContain(a: Ranges, b: Ranges): boolean {
  let i = 0;
  for (let j = 0; j < b.length; j += 2) {
    while (i < a.length && a[i + 1]! < b[j]!) i += 2;
    if (i >= a.length || a[i]! > b[j]! || a[i + 1]! < b[j + 1]!) return false;
  }
  return true;
}

/** The numbers of `a` not in `b` (returns `a` itself when they share none). */
function subtractRanges(a: Ranges, b: Ranges): Ranges {
  const out: number[] = [];
  let changed = false;
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let start = a[i]!;
    const end = a[i + 1]!;
    while (j < b.length && b[j + 1]! < start) j += 2;
    let k = j;
    while (k < b.length && b[k]! <= end && start <= end) {
      changed = true;
      if (b[k]! > start) out.push(start, b[k]! - 1);
      start = b[k + 1]! + 1;
      k += 2;
    }
    if (start <= end) out.push(start, end);
  }
  return changed ? out : a;
}
