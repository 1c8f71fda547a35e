/**
 * VtgateSession: one client connection's state in vtgate (Vitess's vtgatepb.Session): the target
 * (`ks`, `ks/shard`, `ks@replica`, …), autocommit, the open transaction's shard sessions, user
 * and system variables, and the last insert id.
 */
import { ER, SqlError, TabletType, parseTabletType, sqlError, type SqlValue, type TabletAlias, type Target } from '@vtsim/proto';

/** A transaction open on one shard: its target, id and the tablet it is pinned to. */
export interface ShardSession {
  target: Target;
  transactionId: number;
  tabletAlias: TabletAlias;
}

/** A parsed target string. */
export interface SessionTarget {
  /** '' when no keyspace is selected. */
  keyspace: string;
  /** '' unless the session targets one shard (`ks/-80`, `ks:-80`). */
  shard: string;
  tabletType: TabletType;
}

/**
 * Parses a target string: `ks`, `ks/shard`, `ks:shard`, each optionally followed by
 * `@primary|@replica|@rdonly` (and the aliases `@master`, `@batch`); '' is no keyspace.
 * Throws SqlError 1105 for an unknown tablet type.
 */
export function parseTarget(s: string): SessionTarget {
  let rest = s.trim();
  let tabletType = TabletType.PRIMARY;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const t = parseTabletType(rest.slice(at + 1));
    if (t === undefined || (t !== TabletType.PRIMARY && t !== TabletType.REPLICA && t !== TabletType.RDONLY)) {
      throw sqlError(ER.UNKNOWN_ERROR, `invalid tablet type: ${rest.slice(at + 1)}`);
    }
    tabletType = t;
    rest = rest.slice(0, at);
  }
  const sep = rest.search(/[/:]/);
  if (sep < 0) return { keyspace: rest, shard: '', tabletType };
  return { keyspace: rest.slice(0, sep), shard: rest.slice(sep + 1), tabletType };
}

/** One connection's session. Owned by the executor that created it; not shared between connections. */
export class VtgateSession {
  /** The target as the client gave it (`customer/-80@replica`). */
  targetString = '';
  target: SessionTarget = { keyspace: '', shard: '', tabletType: TabletType.PRIMARY };
  autocommit = true;
  /** True after BEGIN, or once a statement ran with autocommit off, until COMMIT/ROLLBACK. */
  inTransaction = false;
  /** Open per-shard transactions, in the order they were begun (commit order). */
  shardSessions: ShardSession[] = [];
  readonly userVariables = new Map<string, SqlValue>();
  /** System variables set with SET (lower-cased names). */
  readonly systemVariables = new Map<string, SqlValue>();
  lastInsertId = 0n;
  /** Rows the last SELECT returned (FOUND_ROWS()). */
  foundRows = 0n;
  closed = false;

  constructor(
    readonly connectionId: number,
    readonly user: string,
  ) {}

  /** Sets the parsed target and its text. */
  setTarget(text: string, target: SessionTarget): void {
    this.targetString = text;
    this.target = target;
  }

  /** The open transaction on a shard, if any. */
  shardSession(keyspace: string, shard: string): ShardSession | undefined {
    for (const s of this.shardSessions) if (s.target.keyspace === keyspace && s.target.shard === shard) return s;
    return undefined;
  }
}

/** SqlError 1049 `Unknown database 'x'`. */
export function unknownDatabase(name: string): SqlError {
  return sqlError(ER.BAD_DB_ERROR, `Unknown database '${name}'`);
}
