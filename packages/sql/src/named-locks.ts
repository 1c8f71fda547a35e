/**
 * A server's user-level named locks (GET_LOCK, RELEASE_LOCK, IS_FREE_LOCK, IS_USED_LOCK,
 * RELEASE_ALL_LOCKS): held by a connection, re-entrant (each GET_LOCK adds a level), released when the
 * connection ends. Names compare case-insensitively, as MySQL 8's do (MariaDB's are case-sensitive).
 * A tablet's mysqld keeps one; so does vtgate, for the tableless SELECTs it answers itself.
 */
import type { NamedLockSession } from './compiled-expr.js';

interface Held {
  connectionId: number;
  levels: number;
}

/** All named locks of one server. */
export class NamedLocks {
  private readonly held = new Map<string, Held>();

  /** The locks as the connection `connectionId` takes and releases them. */
  forSession(connectionId: number): NamedLockSession {
    return {
      get: (name) => this.get(name, connectionId),
      release: (name) => this.release(name, connectionId),
      holder: (name) => this.held.get(name.toLowerCase())?.connectionId ?? null,
      releaseAll: () => this.releaseAll(connectionId),
    };
  }

  private get(name: string, connectionId: number): boolean {
    const key = name.toLowerCase();
    const h = this.held.get(key);
    if (h === undefined) {
      this.held.set(key, { connectionId, levels: 1 });
      return true;
    }
    if (h.connectionId !== connectionId) return false;
    h.levels++;
    return true;
  }

  private release(name: string, connectionId: number): boolean | null {
    const key = name.toLowerCase();
    const h = this.held.get(key);
    if (h === undefined) return null;
    if (h.connectionId !== connectionId) return false;
    if (--h.levels === 0) this.held.delete(key);
    return true;
  }

  /** Releases every lock of the connection (RELEASE_ALL_LOCKS, and when it closes); returns the levels released. */
  releaseAll(connectionId: number): number {
    let n = 0;
    for (const [key, h] of this.held) {
      if (h.connectionId !== connectionId) continue;
      n += h.levels;
      this.held.delete(key);
    }
    return n;
  }
}
