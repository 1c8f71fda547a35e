/** The `binary_md5` vindex: MD5 of the value's bytes. */
import { createHash } from 'node:crypto';
import type { SqlValue } from '@vtsim/proto';
import { valueBytes } from './uint64-value.js';
import { mapEach, type Vindex } from './vindex.js';

/** MD5 digest of bytes as a plain Uint8Array. */
export function md5(bytes: Uint8Array): Uint8Array {
  const d = createHash('md5').update(bytes).digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/**
 * Vitess's `binary_md5` vindex: unique, cost 1, not reversible; case-sensitive (`Test` and `TEST`
 * differ). NULL hashes the empty string, as in Vitess.
 */
export class BinaryMd5Vindex implements Vindex {
  readonly type = 'binary_md5';
  readonly cost = 1;
  readonly unique = true;

  constructor(readonly name: string) {}

  map(values: readonly SqlValue[]): (Uint8Array | null)[] {
    return mapEach(this, values);
  }

  mapOne(value: SqlValue): Uint8Array {
    return md5(valueBytes(value));
  }
}
