/**
 * Executable statement plans and the server-wide plan cache, keyed by (current database, SQL text) and
 * invalidated by any schema change.
 */
import type { BindVars, Result } from '@vtsim/proto';
import type { MysqlSession } from './mysql-session.js';

/** One compiled statement, runnable any number of times in any session of its server. */
export interface Plan {
  /** The catalog schema version it was compiled against. */
  readonly schemaVersion: number;
  /** False for statements that must be planned on every execution (DDL, SHOW, transaction control). */
  readonly cacheable: boolean;
  run(session: MysqlSession, bindVars: BindVars): Result;
}

/** Bounded cache of cacheable plans; entries of an older schema version are ignored and replaced. */
export class PlanCache {
  private readonly byDatabase = new Map<string, Map<string, Plan>>();
  private size = 0;

  constructor(private readonly capacity = 10_000) {}

  /** The cached plan for this text in this database, if compiled at `schemaVersion`. */
  get(database: string, sql: string, schemaVersion: number): Plan | undefined {
    const p = this.byDatabase.get(database)?.get(sql);
    return p !== undefined && p.schemaVersion === schemaVersion ? p : undefined;
  }

  /** Caches a plan (clearing everything first when full). */
  set(database: string, sql: string, plan: Plan): void {
    if (this.size >= this.capacity) {
      this.byDatabase.clear();
      this.size = 0;
    }
    let m = this.byDatabase.get(database);
    if (!m) this.byDatabase.set(database, (m = new Map()));
    if (!m.has(sql)) this.size++;
    m.set(sql, plan);
  }
}
