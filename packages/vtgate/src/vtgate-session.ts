/**
 * VtgateSession: one client connection's state in vtgate (Vitess's vtgatepb.Session): the target
 * (`ks`, `ks/shard`, `ks:shard@primary`, `ks[40-80]`, `ks@replica`, …) and how it parses,
 * autocommit, the shard sessions of its open transaction and of its reserved connections, user and
 * system variables, and the last insert id.
 */
import { Code, ER, IncludedFields, SqlError, TabletType, parseTabletAlias, parseTabletType, sqlError, type KeyRange, type SqlValue, type TabletAlias, type Target, type Type } from '@vtsim/proto';
import { hexToBytes, parseShardingSpec } from '@vtsim/topo';
import { stripLeadingComments } from '@vtsim/sql';

/**
 * A transaction or reserved connection open on one shard (vtgatepb.Session.ShardSession): its
 * target, the tablet it is pinned to, and its ids (0: none). With both, the transaction runs on the
 * reserved connection (the ids are equal).
 */
export interface ShardSession {
  target: Target;
  transactionId: number;
  /** The reserved connection on that tablet (Session.ShardSession.reserved_id); 0 for none. */
  reservedId: number;
  tabletAlias: TabletAlias;
}

/** A parsed target string (Vitess's keyspace, tablet type and destination). */
export interface SessionTarget {
  /** '' when no keyspace is selected. */
  keyspace: string;
  /** '' unless the session targets one shard (`ks/-80`, `ks:-80`). */
  shard: string;
  /** UNKNOWN for a name Vitess does not know (statements then fail where they need a tablet). */
  tabletType: TabletType;
  /** `ks[deadbeef]`: statements go to the shard holding this keyspace id. */
  keyspaceId?: Uint8Array;
  /** `ks[40-80]`: statements go to the shards that exactly cover this key range. */
  keyRange?: KeyRange;
  /** `@replica|zone1-0000000101`: statements go to this tablet of the target shard. */
  tabletAlias?: TabletAlias;
}

/**
 * Parses a target string as Vitess's `topoproto.ParseDestination` does:
 * `keyspace[:shard|/shard|[keyspace id]|[key range]][@tablet_type[|cell-uid]]`. The tablet type
 * is case-insensitive, `master` and `batch` are aliases of primary and rdonly, and an unknown
 * name becomes UNKNOWN (as in Vitess, which fails later when the type serves nothing); '' is no
 * keyspace and PRIMARY. Throws SqlError 1105 (INVALID_ARGUMENT) with Vitess's message for an
 * empty tablet type after `@`, a bad tablet type or alias after `|`, an alias without a shard and
 * a malformed range or keyspace id.
 */
export function parseTarget(s: string): SessionTarget {
  let rest = s;
  const target: SessionTarget = { keyspace: '', shard: '', tabletType: TabletType.PRIMARY };
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const after = rest.slice(at + 1);
    if (after === '') throw invalidTarget('empty tablet type after @');
    const pipe = after.indexOf('|');
    if (pipe >= 0) {
      const typeName = after.slice(0, pipe);
      const type = parseTabletType(typeName);
      if (type === undefined || type === TabletType.UNKNOWN) throw invalidTarget(`invalid tablet type in target: ${typeName}`);
      target.tabletType = type;
      target.tabletAlias = parseAlias(after.slice(pipe + 1));
    } else {
      target.tabletType = parseTabletType(after) ?? TabletType.UNKNOWN;
    }
    rest = rest.slice(0, at);
  }
  const sep = Math.max(rest.lastIndexOf('/'), rest.lastIndexOf(':'));
  if (sep >= 0) {
    target.shard = rest.slice(sep + 1);
    rest = rest.slice(0, sep);
  }
  const open = rest.lastIndexOf('[');
  if (open >= 0) {
    const close = rest.lastIndexOf(']');
    if (close < 0) throw invalidTarget("invalid key range provided. Couldn't find range end ']'");
    const spec = rest.slice(open + 1, close);
    target.shard = '';
    if (spec.includes('-')) target.keyRange = parseExactKeyRange(spec);
    else target.keyspaceId = parseKeyspaceId(spec);
    rest = rest.slice(0, open);
  }
  target.keyspace = rest;
  if (target.tabletAlias && !target.shard && !target.keyRange && !target.keyspaceId) throw invalidTarget('tablet alias must be used with a shard');
  return target;
}

/** True if the target sends statements to chosen shards (a shard, keyspace id or key range) rather than through the VSchema. */
export function hasShardDestination(t: SessionTarget): boolean {
  return t.shard !== '' || t.keyspaceId !== undefined || t.keyRange !== undefined;
}

function parseAlias(text: string): TabletAlias {
  try {
    const alias = parseTabletAlias(text);
    if (alias.cell.includes('-')) throw new Error('bad cell');
    return alias;
  } catch {
    throw invalidTarget(`invalid tablet alias in target: ${text}`);
  }
}

function parseExactKeyRange(spec: string): KeyRange {
  let ranges: KeyRange[];
  try {
    ranges = parseShardingSpec(spec);
  } catch (err) {
    throw invalidTarget((err as Error).message);
  }
  if (ranges.length !== 1) throw invalidTarget(`single keyrange expected in ${spec}`);
  return ranges[0]!;
}

function parseKeyspaceId(spec: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(spec)) throw invalidTarget(`expected valid hex in keyspace id ${spec}`);
  return hexToBytes(spec);
}

function invalidTarget(message: string): SqlError {
  return new SqlError(ER.UNKNOWN_ERROR[0], ER.UNKNOWN_ERROR[1], message, Code.INVALID_ARGUMENT);
}

/**
 * The access mode a BEGIN / START TRANSACTION statement names (Vitess's Begin.TxAccessModes):
 * true for READ ONLY, false for READ WRITE, undefined for none. Throws SqlError 1064 when it names
 * both or an unknown characteristic.
 */
export function beginAccessMode(sql: string): boolean | undefined {
  const m = /^\s*start\s+transaction\b(.*?)[\s;]*$/is.exec(stripLeadingComments(sql));
  if (!m || m[1]!.trim() === '') return undefined;
  let readOnly: boolean | undefined;
  for (const item of m[1]!.split(',')) {
    const c = item.trim().replace(/\s+/g, ' ').toLowerCase();
    if (c === 'with consistent snapshot') continue;
    if ((c !== 'read only' && c !== 'read write') || readOnly !== undefined) throw sqlError(ER.PARSE_ERROR, `syntax error at position ${sql.length + 1}`);
    readOnly = c === 'read only';
  }
  return readOnly;
}

/** One connection's session. Owned by the executor that created it; not shared between connections. */
export class VtgateSession {
  /** The target as the client gave it (`customer/-80@replica`). */
  targetString = '';
  target: SessionTarget = { keyspace: '', shard: '', tabletType: TabletType.PRIMARY };
  autocommit = true;
  /** True after BEGIN, or once a statement ran with autocommit off, until COMMIT/ROLLBACK. */
  inTransaction = false;
  /**
   * Open per-shard transactions and reserved connections, in the order they were begun (commit
   * order); a reserved connection stays here after its transaction ends, with transactionId 0.
   */
  shardSessions: ShardSession[] = [];
  /**
   * Session.in_reserved_conn: a statement needed the session's own tablet connections (CREATE
   * TEMPORARY TABLE, as Vitess's planner asks for one), so from now on every shard the session
   * reaches gets a reserved connection, released when the session ends.
   */
  inReservedConn = false;
  /**
   * The open transaction's SAVEPOINT / ROLLBACK TO / RELEASE statements, in order (Vitess's
   * Session.savepoints): replayed on each shard the transaction reaches later, right after its
   * begin, so every shard knows every savepoint.
   */
  savepoints: string[] = [];
  /** START TRANSACTION's access mode (true: READ ONLY), given to every shard's begin; undefined: the tablets' default. */
  transactionReadOnly: boolean | undefined;
  readonly userVariables = new Map<string, SqlValue>();
  /** The user variables' types (DECIMAL, BIGINT, …), as `select @x` reports them. */
  readonly userVariableTypes = new Map<string, Type>();
  /** System variables set with SET (lower-cased names). */
  readonly systemVariables = new Map<string, SqlValue>();
  lastInsertId = 0n;
  /** Rows the last SELECT returned (FOUND_ROWS()). */
  foundRows = 0n;
  /** ROW_COUNT(): rows the last DML affected, -1 after a SELECT (Vitess's Session.RowCount). */
  rowCount = -1n;
  /**
   * How much field metadata the tablets return (Session.options.included_fields): ALL for MySQL
   * protocol connections, as vtgate's MySQL server sets it; a gRPC session's own setting otherwise.
   */
  includedFields = IncludedFields.ALL;
  /**
   * Session.options.client_found_rows: the MySQL client asked for CLIENT_FOUND_ROWS (or a gRPC
   * session set it), so the tablets count an UPDATE's matched rows as affected.
   */
  clientFoundRows = false;
  closed = false;

  constructor(
    readonly connectionId: number,
    /** Who runs the statements: the MySQL login, or a gRPC call's immediate caller (set per call). */
    public user: string,
  ) {}

  /**
   * Forgets the open transaction (its shard transactions, savepoints and access mode) once it is
   * committed or rolled back; reserved connections stay, without a transaction.
   */
  endTransaction(): void {
    this.shardSessions = this.shardSessions.filter((s) => s.reservedId !== 0).map((s) => ({ ...s, transactionId: 0 }));
    this.savepoints = [];
    this.transactionReadOnly = undefined;
    this.inTransaction = false;
  }

  /** Sets the parsed target and its text. */
  setTarget(text: string, target: SessionTarget): void {
    this.targetString = text;
    this.target = target;
  }

  /** The shard session (transaction or reserved connection) open on a target's keyspace, shard and tablet type, if any. */
  shardSession(target: Target): ShardSession | undefined {
    for (const s of this.shardSessions) {
      if (s.target.keyspace === target.keyspace && s.target.shard === target.shard && s.target.tablet_type === target.tablet_type) return s;
    }
    return undefined;
  }

  /** The shard sessions with an open transaction. */
  transactionShardSessions(): ShardSession[] {
    return this.shardSessions.filter((s) => s.transactionId !== 0);
  }

  /** Forgets a shard session (its reserved connection was lost: Vitess's SafeSession.ResetShard). */
  resetShard(ss: ShardSession): void {
    this.shardSessions = this.shardSessions.filter((s) => s !== ss);
  }
}

/** SqlError 1049 `Unknown database 'x'`. */
export function unknownDatabase(name: string): SqlError {
  return sqlError(ER.BAD_DB_ERROR, `Unknown database '${name}'`);
}
