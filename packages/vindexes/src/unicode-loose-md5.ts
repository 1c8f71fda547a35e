/** The `unicode_loose_md5` vindex: MD5 of a case-, accent- and width-insensitive form of the text. */
import type { SqlValue } from '@vtsim/proto';
import { md5 } from './binary-md5.js';
import { mapEach, type Vindex } from './vindex.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const MARKS = /\p{M}/gu;
const TRAILING_SPACES = / +$/;

/**
 * The loose form of a text: trailing spaces dropped (as MySQL's PAD SPACE collations do),
 * compatibility-decomposed (NFKD, so full-width letters become ASCII), combining marks removed
 * (é → e) and case folded (ß → ss). Null for bytes that are not valid UTF-8.
 */
export function looseText(value: SqlValue): string | null {
  let s: string;
  if (value === null) s = '';
  else if (value instanceof Uint8Array) {
    try {
      s = utf8.decode(value);
    } catch {
      return null;
    }
  } else s = String(value);
  return s.replace(TRAILING_SPACES, '').normalize('NFKD').replace(MARKS, '').toUpperCase().toLowerCase();
}

/**
 * The `unicode_loose_md5` vindex: unique, cost 1, not reversible. Texts that are equal at UCA
 * level 1 for Latin script (case, accents, width) map to the same keyspace id; invalid UTF-8 has
 * no destination. The keyspace ids are vtsim's own: Vitess hashes UCA level-1 collation weights
 * (DUCET tables vtsim does not carry), vtsim hashes the UTF-8 of {@link looseText}, so the
 * placement of a row differs from real Vitess, while the grouping of equal texts agrees.
 */
export class UnicodeLooseMd5Vindex implements Vindex {
  readonly type = 'unicode_loose_md5';
  readonly cost = 1;
  readonly unique = true;

  constructor(readonly name: string) {}

  map(values: readonly SqlValue[]): (Uint8Array | null)[] {
    return mapEach(this, values);
  }

  mapOne(value: SqlValue): Uint8Array | null {
    const t = looseText(value);
    return t === null ? null : md5(Buffer.from(t, 'utf8'));
  }
}
