/** The `hash` vindex: DES (all-zero key) of the value as a big-endian uint64. */
import type { SqlValue } from '@vtsim/proto';
import { desZeroKey } from './des.js';
import { bytesUint64, toUint64Halves, u64 } from './uint64-value.js';
import { invalidKeyspaceId, mapEach, type Vindex } from './vindex.js';

/**
 * Vitess's `hash` vindex: unique, reversible, cost 1. Negative integers are cast bit-for-bit to
 * uint64 (-1 → 355550b2150e2451); NULL and values that are not integers have no destination.
 */
export class HashVindex implements Vindex {
  readonly type = 'hash';
  readonly cost = 1;
  readonly unique = true;

  constructor(readonly name: string) {}

  map(values: readonly SqlValue[]): (Uint8Array | null)[] {
    return mapEach(this, values);
  }

  mapOne(value: SqlValue): Uint8Array | null {
    const out = new Uint8Array(8);
    return this.mapInto(value, out) ? out : null;
  }

  mapInto(value: SqlValue, out: Uint8Array): boolean {
    if (!toUint64Halves(value, true)) return false;
    desZeroKey(u64.hi, u64.lo, out);
    return true;
  }

  /** Decrypts keyspace ids back to their uint64 values; throws for a keyspace id that is not 8 bytes. */
  reverseMap(ksids: readonly Uint8Array[]): SqlValue[] {
    return ksids.map((k) => {
      if (k.length !== 8) throw invalidKeyspaceId(k);
      const plain = new Uint8Array(8);
      desZeroKey(((k[0]! << 24) | (k[1]! << 16) | (k[2]! << 8) | k[3]!) >>> 0, ((k[4]! << 24) | (k[5]! << 16) | (k[6]! << 8) | k[7]!) >>> 0, plain);
      return bytesUint64(plain);
    });
  }
}
