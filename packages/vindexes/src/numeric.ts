/** The `numeric` vindex: the value itself as a big-endian uint64. */
import type { SqlValue } from '@vtsim/proto';
import { bytesUint64, toUint64Halves, u64, uint64Bytes } from './uint64-value.js';
import { invalidKeyspaceId, mapEach, type Vindex } from './vindex.js';

/**
 * Vitess's `numeric` vindex: unique, reversible, cost 0. Values that are not unsigned integers
 * (NULL, negatives, fractions, non-numeric text) have no destination.
 */
export class NumericVindex implements Vindex {
  readonly type = 'numeric';
  readonly cost = 0;
  readonly unique = true;

  constructor(readonly name: string) {}

  map(values: readonly SqlValue[]): (Uint8Array | null)[] {
    return mapEach(this, values);
  }

  mapOne(value: SqlValue): Uint8Array | null {
    return toUint64Halves(value, false) ? uint64Bytes(u64.hi, u64.lo) : null;
  }

  /** Reads keyspace ids back as uint64 values; throws for a keyspace id that is not 8 bytes. */
  reverseMap(ksids: readonly Uint8Array[]): SqlValue[] {
    return ksids.map((k) => {
      if (k.length !== 8) throw invalidKeyspaceId(k);
      return bytesUint64(k);
    });
  }
}
