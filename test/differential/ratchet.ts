/**
 * The differential suite's ratchet, in one place: agreement (percent, one decimal) measured on
 * main, which the suite must not fall below. Raise these as issue 11 lands; issue 11's targets are
 * 97 % unsharded and 95 % sharded.
 */
export const RATCHET = {
  /** The suite never shrinks below this many statements. */
  minStatements: 700,
  /** Agreement on the unsharded keyspace, percent. */
  unsharded: 98.6,
  /** Agreement on the sharded (two shards, hash vindex) keyspace, percent. */
  sharded: 97.5,
} as const;
