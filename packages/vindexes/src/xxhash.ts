/** The `xxhash` vindex: XXH64 (seed 0) of the value's bytes, stored little-endian. */
import type { SqlValue } from '@vtsim/proto';
import { valueBytes } from './uint64-value.js';
import { mapEach, type Vindex } from './vindex.js';
import { xxhash64LittleEndian } from './xxhash64.js';

/**
 * Vitess's `xxhash` vindex: unique, cost 1, not reversible. It hashes the value's text or raw
 * bytes (integer 1 hashes `"1"` → d46405367612b4b7). As in Vitess, NULL hashes the empty string
 * (99e9d85137db46ef), so every value has a destination.
 */
export class XxhashVindex implements Vindex {
  readonly type = 'xxhash';
  readonly cost = 1;
  readonly unique = true;

  constructor(readonly name: string) {}

  map(values: readonly SqlValue[]): (Uint8Array | null)[] {
    return mapEach(this, values);
  }

  mapOne(value: SqlValue): Uint8Array {
    const out = new Uint8Array(8);
    xxhash64LittleEndian(valueBytes(value), out);
    return out;
  }
}
