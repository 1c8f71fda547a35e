/**
 * A single MySQL GTID (`source_id:transaction_id`), as written in a binlog GTID event.
 */
import { GtidParseError } from './gtid-parse-error.js';

/** One transaction's global id: the originating server's UUID and its sequence number there. */
export interface Gtid {
  /** The originating server's `server_uuid`, lowercase canonical form (8-4-4-4-12 hex digits). */
  readonly sid: string;
  /** The transaction number on that server, an integer from 1 up to `Number.MAX_SAFE_INTEGER`. */
  readonly gno: number;
}

const SID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const GNO_PATTERN = /^[0-9]+$/;

/** Whether `sid` is a lowercase canonical UUID, the only form a Gtid or GtidSet stores. */
export function isCanonicalSid(sid: string): boolean {
  return SID_PATTERN.test(sid);
}

/**
 * Parses a server UUID (either case, with dashes) into its lowercase canonical form.
 * Throws GtidParseError (quoting `input`, the enclosing text) when it is not a UUID.
 */
export function parseSid(text: string, input: string = text): string {
  const sid = text.trim().toLowerCase();
  if (!SID_PATTERN.test(sid)) throw new GtidParseError(`invalid server UUID ${JSON.stringify(text)}`, input);
  return sid;
}

/**
 * Parses a transaction number (decimal digits, at least 1, at most `Number.MAX_SAFE_INTEGER`).
 * Throws GtidParseError (quoting `input`, the enclosing text) otherwise.
 */
export function parseGno(text: string, input: string = text): number {
  const trimmed = text.trim();
  if (!GNO_PATTERN.test(trimmed)) {
    throw new GtidParseError(`invalid transaction number ${JSON.stringify(text)}`, input);
  }
  const gno = Number(trimmed);
  if (gno < 1) throw new GtidParseError('transaction numbers start at 1', input);
  if (!Number.isSafeInteger(gno)) {
    throw new GtidParseError(`transaction number ${trimmed} is too large`, input);
  }
  return gno;
}

/** Formats a GTID as `uuid:gno`. */
export function formatGtid(gtid: Gtid): string {
  return `${gtid.sid}:${gtid.gno}`;
}

/**
 * Parses `uuid:gno` (surrounding whitespace ignored, UUID in either case) into a Gtid with a
 * lowercase sid. Throws GtidParseError on anything else, including ranges like `uuid:1-5`.
 */
export function parseGtid(text: string): Gtid {
  const colon = text.indexOf(':');
  if (colon < 0) throw new GtidParseError('missing ":" between server UUID and transaction number', text);
  const gnoText = text.slice(colon + 1);
  if (gnoText.includes(':') || gnoText.includes('-')) {
    throw new GtidParseError('a single GTID has exactly one transaction number', text);
  }
  return { sid: parseSid(text.slice(0, colon), text), gno: parseGno(gnoText, text) };
}
