/**
 * A replication position: a GTID set tagged with its flavor, in the `<flavor>/<set>` text form
 * Vitess uses in VGTIDs, `_vt.vreplication.pos` and tablet status. Only MySQL56 is simulated.
 */
import type { Gtid } from './gtid.js';
import { GtidParseError } from './gtid-parse-error.js';
import { GtidSet } from './gtid-set.js';

/** The one replication flavor vtsim simulates. */
export const MYSQL56_FLAVOR = 'MySQL56';

/** A replication position: everything a server (or a stream) has executed. Immutable. */
export interface Position {
  readonly flavor: typeof MYSQL56_FLAVOR;
  readonly gtidSet: GtidSet;
}

/** The position before any transaction (empty GTID set); encodes as `""`. */
export const zeroPosition: Position = { flavor: MYSQL56_FLAVOR, gtidSet: GtidSet.empty };

/** Wraps a GTID set as a MySQL56 position. */
export function positionFromGtidSet(gtidSet: GtidSet): Position {
  return gtidSet.isEmpty() ? zeroPosition : { flavor: MYSQL56_FLAVOR, gtidSet };
}

/** Whether `p` is the zero position (its GTID set is empty). */
export function isZeroPosition(p: Position): boolean {
  return p.gtidSet.isEmpty();
}

/**
 * Encodes as `MySQL56/<set>`, or `""` for the zero position. Canonical: equal positions give
 * equal text (so `MySQL56/` decodes to the zero position and re-encodes as `""`).
 */
export function encodePosition(p: Position): string {
  return p.gtidSet.isEmpty() ? '' : `${p.flavor}/${p.gtidSet.toString()}`;
}

/**
 * Decodes `<flavor>/<set>`; `""` is the zero position, text without `/` is a MySQL56 set.
 * Throws GtidParseError for another flavor (`MariaDB`, `FilePos`, …) or a malformed set.
 */
export function decodePosition(text: string): Position {
  const slash = text.indexOf('/');
  if (slash < 0) return positionFromGtidSet(GtidSet.parse(text));
  const flavor = text.slice(0, slash).trim();
  if (flavor !== MYSQL56_FLAVOR) {
    throw new GtidParseError(`unsupported replication flavor ${JSON.stringify(flavor)} (only ${MYSQL56_FLAVOR})`, text);
  }
  return positionFromGtidSet(GtidSet.parse(text.slice(slash + 1)));
}

/** Whether `a` includes everything in `b` (true whenever `b` is the zero position). */
export function positionAtLeast(a: Position, b: Position): boolean {
  return a.gtidSet.contains(b.gtidSet);
}

/** Whether `a` and `b` hold the same GTIDs. */
export function positionEqual(a: Position, b: Position): boolean {
  return a.gtidSet.equals(b.gtidSet);
}

/** Returns `p` with one more transaction executed (`p` itself if it already holds `gtid`). */
export function appendGtid(p: Position, gtid: Gtid): Position {
  const gtidSet = p.gtidSet.add(gtid);
  return gtidSet === p.gtidSet ? p : { flavor: p.flavor, gtidSet };
}
