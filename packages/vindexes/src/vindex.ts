/** The Vindex interface: how a column value maps to a keyspace id (Vitess's vindexes.Vindex). */
import type { SqlValue } from '@vtsim/proto';

/**
 * A functional vindex: maps column values to keyspace ids without any lookup. Implementations are
 * pure and stateless, so one instance may serve every query.
 */
export interface Vindex {
  /** The vindex's name in the VSchema (e.g. `hash`). */
  readonly name: string;
  /** The vindex type (e.g. `hash`, `xxhash`). */
  readonly type: string;
  /** Vitess's cost: 0 for identity-like vindexes, 1 for hashing ones. */
  readonly cost: number;
  /** True when every value maps to at most one keyspace id. */
  readonly unique: boolean;
  /** Maps each value to its keyspace id, or null when it has no destination (e.g. NULL or an unparsable number). */
  map(values: readonly SqlValue[]): (Uint8Array | null)[];
  /** Maps one value, as {@link map} does for each element; the hot-path form (no array). */
  mapOne(value: SqlValue): Uint8Array | null;
  /**
   * For vindexes whose keyspace ids are always 8 bytes: writes the id {@link mapOne} would return
   * into `out` (8 bytes) and returns true, or returns false when the value has no destination. A
   * caller that only routes by the id reuses one array instead of allocating one per value.
   */
  mapInto?(value: SqlValue, out: Uint8Array): boolean;
  /**
   * For reversible vindexes: the values the keyspace ids came from. Throws
   * `invalid keyspace id: <hex>` for a keyspace id the vindex cannot produce.
   */
  reverseMap?(ksids: readonly Uint8Array[]): SqlValue[];
}

/** Maps every value with `vindex.mapOne`; the shared implementation of {@link Vindex.map}. */
export function mapEach(vindex: Vindex, values: readonly SqlValue[]): (Uint8Array | null)[] {
  const out = new Array<Uint8Array | null>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = vindex.mapOne(values[i]!);
  return out;
}

/** The error a reverse map throws for a keyspace id of the wrong shape. */
export function invalidKeyspaceId(ksid: Uint8Array): Error {
  return new Error(`invalid keyspace id: ${Buffer.from(ksid.buffer, ksid.byteOffset, ksid.byteLength).toString('hex')}`);
}
