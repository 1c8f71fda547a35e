/** The vindex registry: creates a vindex from its VSchema type name. */
import { BinaryMd5Vindex } from './binary-md5.js';
import { BinaryVindex } from './binary.js';
import { HashVindex } from './hash.js';
import { NumericVindex } from './numeric.js';
import { ReverseBitsVindex } from './reverse-bits.js';
import { UnicodeLooseMd5Vindex } from './unicode-loose-md5.js';
import type { Vindex } from './vindex.js';
import { XxhashVindex } from './xxhash.js';

const factories: Record<string, (name: string, params: Record<string, string>) => Vindex> = {
  binary: (name) => new BinaryVindex(name),
  binary_md5: (name) => new BinaryMd5Vindex(name),
  hash: (name) => new HashVindex(name),
  numeric: (name) => new NumericVindex(name),
  reverse_bits: (name) => new ReverseBitsVindex(name),
  unicode_loose_md5: (name) => new UnicodeLooseMd5Vindex(name),
  xxhash: (name) => new XxhashVindex(name),
};

/**
 * Creates the vindex `name` of type `type` (a VSchema `vindexes` entry). Unknown params are
 * ignored, as Vitess only warns about them. Throws `vindex type <type> not found` for a type
 * vtsim does not implement.
 */
export function createVindex(type: string, name: string, params: Record<string, string> = {}): Vindex {
  const make = Object.hasOwn(factories, type) ? factories[type] : undefined;
  if (!make) throw new Error(`vindex type ${type} not found`);
  return make(name, params);
}

/** The vindex types {@link createVindex} knows, sorted. */
export function vindexTypes(): string[] {
  return Object.keys(factories).sort();
}
