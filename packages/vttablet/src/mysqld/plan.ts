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

/**
 * Bounded cache of cacheable plans; entries of an older schema version are ignored and replaced.
 * Bounded in entries and in the length of their statement texts: a plan holds its statement's
 * parsed literals, 20 to 40 bytes of heap per byte of text (measured), so ten thousand 1000-row
 * inserts written with literals (as a DBA connection sends them; vtgate's normalized statements
 * carry bind variables instead) would otherwise keep gigabytes after their rows are gone, as
 * Vitess's vttablet bounds its plan cache in bytes (`--queryserver-config-query-cache-memory`).
 */
export class PlanCache {
  private readonly byDatabase = new Map<string, Map<string, Plan>>();
  private size = 0;
  private textLength = 0;

  /**
   * @param capacity most plans kept
   * @param maxTextLength most statement text kept, in UTF-16 code units; a statement longer than a
   *   sixteenth of it is not cached
   */
  constructor(
    private readonly capacity = 10_000,
    private readonly maxTextLength = 1024 * 1024,
  ) {}

  /** The cached plan for this text in this database, if compiled at `schemaVersion`. */
  get(database: string, sql: string, schemaVersion: number): Plan | undefined {
    const p = this.byDatabase.get(database)?.get(sql);
    return p !== undefined && p.schemaVersion === schemaVersion ? p : undefined;
  }

  /** Caches a plan (clearing everything first when full); a statement too long to cache is left out. */
  set(database: string, sql: string, plan: Plan): void {
    if (sql.length > this.maxTextLength / 16) return;
    let m = this.byDatabase.get(database);
    if (m?.has(sql)) {
      m.set(sql, plan);
      return;
    }
    if (this.size >= this.capacity || this.textLength + sql.length > this.maxTextLength) {
      this.byDatabase.clear();
      this.size = 0;
      this.textLength = 0;
      m = undefined;
    }
    if (!m) this.byDatabase.set(database, (m = new Map()));
    this.size++;
    this.textLength += sql.length;
    m.set(sql, plan);
  }
}
