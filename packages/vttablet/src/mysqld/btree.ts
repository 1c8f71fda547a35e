/**
 * The `sorted-btree` B+ tree (O(1) copy-on-write `clone()`), imported so that it works both under
 * Node's CommonJS interop (the class nested in `default.default`) and under loaders that unwrap it.
 */
import * as sortedBtree from 'sorted-btree';
import type { default as BTreeModule } from 'sorted-btree';

/** A sorted map from K to V; see sorted-btree's documentation. */
export type BTree<K, V> = BTreeModule.default<K, V>;

const exported = sortedBtree as unknown as { default: { default?: unknown } };

/** Constructor of {@link BTree}. */
export const BTree = (exported.default.default ?? exported.default) as typeof sortedBtree.default.default;
