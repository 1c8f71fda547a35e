/** @vtsim/vindexes: the functional vindexes that map column values to keyspace ids (hash, xxhash, numeric, binary_md5, unicode_loose_md5, binary, reverse_bits). */
export { BinaryMd5Vindex } from './binary-md5.js';
export { BinaryVindex } from './binary.js';
export { HashVindex } from './hash.js';
export { NumericVindex } from './numeric.js';
export { createVindex, vindexTypes } from './registry.js';
export { ReverseBitsVindex } from './reverse-bits.js';
export { UnicodeLooseMd5Vindex, looseText } from './unicode-loose-md5.js';
export type { Vindex } from './vindex.js';
export { XxhashVindex } from './xxhash.js';
