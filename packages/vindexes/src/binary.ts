/** The `binary` vindex: the value's bytes are the keyspace id. */
import type { SqlValue } from '@vtsim/proto';
import { valueBytes } from './uint64-value.js';
import { mapEach, type Vindex } from './vindex.js';

/**
 * Vitess's `binary` vindex: unique, reversible, cost 0. The keyspace id is a copy of the value's
 * bytes (text as UTF-8, integers as decimal text); NULL maps to the empty keyspace id, as in Vitess.
 */
export class BinaryVindex implements Vindex {
  readonly type = 'binary';
  readonly cost = 0;
  readonly unique = true;

  constructor(readonly name: string) {}

  map(values: readonly SqlValue[]): (Uint8Array | null)[] {
    return mapEach(this, values);
  }

  mapOne(value: SqlValue): Uint8Array {
    return Uint8Array.from(valueBytes(value));
  }

  /** The keyspace ids themselves, as binary values. */
  reverseMap(ksids: readonly Uint8Array[]): SqlValue[] {
    return ksids.map((k) => Uint8Array.from(k));
  }
}
