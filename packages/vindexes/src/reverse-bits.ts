/** The `reverse_bits` vindex: the uint64 with its 64 bits in reverse order, big-endian. */
import type { SqlValue } from '@vtsim/proto';
import { bytesUint64, toUint64Halves, u64, uint64Bytes } from './uint64-value.js';
import { invalidKeyspaceId, mapEach, type Vindex } from './vindex.js';

function reverse32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> 0;
}

/**
 * Vitess's `reverse_bits` vindex: unique, reversible, cost 1; 1 → 8000000000000000,
 * 2 → 4000000000000000. Values that are not unsigned integers have no destination.
 */
export class ReverseBitsVindex implements Vindex {
  readonly type = 'reverse_bits';
  readonly cost = 1;
  readonly unique = true;

  constructor(readonly name: string) {}

  map(values: readonly SqlValue[]): (Uint8Array | null)[] {
    return mapEach(this, values);
  }

  mapOne(value: SqlValue): Uint8Array | null {
    return toUint64Halves(value, false) ? uint64Bytes(reverse32(u64.lo), reverse32(u64.hi)) : null;
  }

  /** Reverses the bits back; throws for a keyspace id that is not 8 bytes. */
  reverseMap(ksids: readonly Uint8Array[]): SqlValue[] {
    return ksids.map((k) => {
      if (k.length !== 8) throw invalidKeyspaceId(k);
      const hi = ((k[0]! << 24) | (k[1]! << 16) | (k[2]! << 8) | k[3]!) >>> 0;
      const lo = ((k[4]! << 24) | (k[5]! << 16) | (k[6]! << 8) | k[7]!) >>> 0;
      return bytesUint64(uint64Bytes(reverse32(lo), reverse32(hi)));
    });
  }
}
