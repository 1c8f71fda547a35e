/** Aggregate functions (COUNT, SUM, MIN, MAX, AVG, GROUP_CONCAT, BIT_*) and their cross-shard merges. */
import type { SqlValue, Type } from '@vtsim/proto';

/** The aggregate functions vtsim evaluates. */
export type AggregateName = 'COUNT' | 'SUM' | 'MIN' | 'MAX' | 'AVG' | 'GROUP_CONCAT' | 'BIT_AND' | 'BIT_OR' | 'BIT_XOR' | 'COUNT_DISTINCT';

/** Options of {@link createAggregate}. */
export interface AggregateOptions {
  /** Count/sum each distinct value once (`SUM(DISTINCT x)`); COUNT_DISTINCT implies it. */
  distinct?: boolean;
  /** Type of the argument expression (decides SUM/AVG result types and MIN/MAX's type). */
  argType?: Type;
  /** GROUP_CONCAT separator (default `,`). */
  separator?: string;
  /** COUNT(*): count every row, NULL or not. */
  star?: boolean;
}

/** One group's accumulator. */
export interface Aggregate {
  /** Feeds one row's argument value. */
  add(v: SqlValue): void;
  /** The aggregate's value for the rows added so far. */
  result(): SqlValue;
  /** Result type. */
  readonly type: Type;
}

/** Creates an accumulator with MySQL semantics for one group. */
export function createAggregate(name: AggregateName, opts?: AggregateOptions): Aggregate {
  throw new Error(`createAggregate: not implemented yet ${name} ${JSON.stringify(opts)}`);
}

/** Creates an accumulator that merges per-shard partial results of the named aggregate (vtgate scatter). */
export function createMergeAggregate(name: AggregateName, opts?: AggregateOptions): Aggregate {
  throw new Error(`createMergeAggregate: not implemented yet ${name} ${JSON.stringify(opts)}`);
}
