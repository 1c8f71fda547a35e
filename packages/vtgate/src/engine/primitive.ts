/**
 * The execution side of a plan (Vitess's engine.Primitive): a primitive runs with the bind
 * variables of one execution through a VCursor, which owns the session, transactions and tablet
 * access. Plans are cached and shared, so primitives hold no per-execution state.
 */
import type { BindVars, Result, SqlValue, TabletType } from '@vtsim/proto';
import type { SessionContext } from '@vtsim/sql';
import type { Resolver, ServingShard } from '../resolver.js';
import type { TableModel } from '../vschema.js';
import type { PrimitiveDescription } from './plan-description.js';

/** What a query touches, for the checks made before it reaches a tablet (denied tables, writes on replicas). */
export interface QueryAccess {
  /** Table names as the tablet sees them (unqualified). */
  tables: readonly string[];
  /** The query writes (INSERT, UPDATE, DELETE, DDL). */
  write: boolean;
}

/** One query for one shard. */
export interface ShardQuery {
  shard: ServingShard;
  sql: string;
  bindVars: BindVars;
}

/** Several queries for one shard, to run as one unit. */
export interface ShardQueries {
  shard: ServingShard;
  queries: ShardQuery[];
}

/** The executor's services for one execution of a plan. */
export interface VCursor {
  /** The tablet type the session targets. */
  readonly tabletType: TabletType;
  readonly resolver: Resolver;
  /** The session as expressions see it (`DATABASE()`, `@@version`, `@x`, `LAST_INSERT_ID()`). */
  readonly sessionContext: SessionContext;
  /** Runs one query on one shard (inside the session's transaction if there is one). */
  executeShard(q: ShardQuery, access: QueryAccess): Promise<Result>;
  /**
   * Runs queries on several shards concurrently; results come back in the order of `queries`.
   * Every shard is checked before any query is sent; on failure, rejects with the first error in
   * order once every query has finished. Writes of an autocommit statement to several shards
   * run in transactions the executor commits only if the whole statement succeeds.
   */
  executeShards(queries: ShardQuery[], access: QueryAccess): Promise<Result[]>;
  /**
   * Runs each group's queries on its shard as one unit (inside the session's transaction if there
   * is one, else in a transaction of their own: all or nothing, across every group's shard), the
   * groups concurrently. Checked and reported like {@link executeShards}; results come back per
   * group, in order.
   */
  executeShardsAtomically(groups: ShardQueries[], access: QueryAccess): Promise<Result[][]>;
  /** Reserves `count` consecutive ids from a sequence table and returns the first. */
  nextSequenceIds(sequence: TableModel, count: number): Promise<bigint>;
}

/** A node of an execution plan. */
export interface Primitive {
  /** Runs the plan with one execution's bind variables. Errors are SqlErrors. */
  execute(vc: VCursor, bindVars: BindVars): Promise<Result>;
  /**
   * Optional: runs the plan of a statement whose only bind variables are the normalizer's `vtg1`…
   * `vtgN`, given as their values in order (`NormalizedQuery.values`), so that a large
   * statement needs no object with a key per value; `bindVars()` builds that object when the
   * primitive needs it after all. Same outcome as `execute(vc, bindVars())`.
   */
  executeValues?(vc: VCursor, values: readonly SqlValue[], bindVars: () => BindVars): Promise<Result>;
  /** The primitive and its inputs as `VEXPLAIN PLAN` shows them. */
  describe(): PrimitiveDescription;
}
