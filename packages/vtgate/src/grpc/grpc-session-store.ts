/**
 * GrpcSessionStore: the vtgate sessions of gRPC clients, keyed by `Session.SessionUUID`. A gRPC
 * client carries its `vtgate.Session` from call to call; vtgate keeps the live session (target,
 * autocommit, open shard transactions, variables) under its UUID so a transaction spans calls,
 * and rebuilds it from the wire fields when the UUID is unknown (a new client, or one evicted).
 */
import { randomUUID } from 'node:crypto';
import { IncludedFields, bindVariableFromWire, bindVariableToWire, valueToText, type BindVariableWire, type SqlValue, type TabletAlias, type Target } from '@vtsim/proto';
import type { Executor } from '../executor.js';
import type { VtgateSession } from '../vtgate-session.js';

/** vtgate.Session.ShardSession as decoded. */
export interface ShardSessionWire {
  target: Target | null;
  transaction_id: string;
  tablet_alias: TabletAlias | null;
  reserved_id: string;
  read_only: boolean;
  rows_affected: boolean;
}

/** vtgate.Session as decoded (enums as numbers, 64-bit integers as strings); other fields are echoed back unchanged. */
export interface SessionWire {
  in_transaction: boolean;
  shard_sessions: ShardSessionWire[];
  autocommit: boolean;
  target_string: string;
  warnings: unknown[];
  last_insert_id: string;
  found_rows: string;
  row_count?: string;
  user_defined_variables: Record<string, BindVariableWire>;
  system_variables: Record<string, string>;
  SessionUUID: string;
  [field: string]: unknown;
}

/** What one call on a session produced: the session to send back, and the call's value or error. */
export interface SessionCallOutcome<T> {
  session: SessionWire;
  value?: T;
  error?: unknown;
}

interface Entry {
  readonly session: VtgateSession;
  /** Settles when the last queued call on this session is done. */
  tail: Promise<void>;
  busy: number;
}

/** The immediate caller vtgate names when a gRPC client sends no credentials (Vitess's `unsecure_grpc_client`). */
export const UNSECURE_GRPC_CLIENT = 'unsecure_grpc_client';

/** The gRPC clients' sessions of one vtgate. Calls on one session run one at a time, in arrival order. */
export class GrpcSessionStore {
  private readonly entries = new Map<string, Entry>();

  /** `maxSessions` bounds the store; the least recently used idle sessions beyond it are closed (rolled back). */
  constructor(
    private readonly executor: Executor,
    private readonly maxSessions = 10_000,
  ) {}

  /**
   * Runs `fn` on the session `wire` names. A null session is a new autocommit session (as Vitess
   * treats a missing one); otherwise the wire's `target_string` and `autocommit` apply to this call.
   * The session's `options.included_fields` (TYPE_AND_NAME when absent) says how much of each
   * field the tablets return, as in Vitess.
   * The call runs as `user` (the call's immediate caller). Failures of `fn` (and of switching the
   * target) are returned, never thrown.
   */
  async run<T>(wire: SessionWire | null, fn: (session: VtgateSession) => Promise<T>, user = UNSECURE_GRPC_CLIENT): Promise<SessionCallOutcome<T>> {
    const uuid = wire?.SessionUUID || randomUUID();
    let entry = this.entries.get(uuid);
    if (entry) {
      this.entries.delete(uuid);
      this.entries.set(uuid, entry);
    } else {
      entry = { session: this.restore(wire), tail: Promise.resolve(), busy: 0 };
      this.entries.set(uuid, entry);
      this.evictIdle();
    }
    entry.busy++;
    const previous = entry.tail;
    let release!: () => void;
    entry.tail = new Promise((resolve) => (release = resolve));
    await previous;
    const session = entry.session;
    session.user = user;
    session.includedFields = includedFieldsOf(wire);
    session.clientFoundRows = (wire?.options as { client_found_rows?: boolean } | null | undefined)?.client_found_rows === true;
    try {
      if (wire) {
        session.autocommit = wire.autocommit;
        if (wire.target_string !== session.targetString) await this.executor.useTarget(session, wire.target_string);
      }
      const value = await fn(session);
      return { session: sessionToWire(session, wire, uuid), value };
    } catch (error) {
      return { session: sessionToWire(session, wire, uuid), error };
    } finally {
      entry.busy--;
      release();
    }
  }

  /** Ends the session `wire` names: rolls back its transaction and forgets it. Unknown sessions with shard transactions are rolled back too. */
  async close(wire: SessionWire | null): Promise<void> {
    if (!wire) return;
    const entry = this.entries.get(wire.SessionUUID);
    if (entry) {
      this.entries.delete(wire.SessionUUID);
      await entry.tail;
      await this.executor.closeSession(entry.session);
    } else if (wire.shard_sessions.length > 0) {
      await this.executor.closeSession(this.restore(wire));
    }
  }

  /** Closes every session (rolling back open transactions). */
  async closeAll(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map(async (e) => {
      await e.tail;
      await this.executor.closeSession(e.session);
    }));
  }

  /** A new executor session holding the state the wire session carries. */
  private restore(wire: SessionWire | null): VtgateSession {
    const s = this.executor.newSession();
    if (!wire) return s;
    s.inTransaction = wire.in_transaction;
    s.inReservedConn = wire.in_reserved_conn === true;
    for (const ss of wire.shard_sessions) {
      if (ss.target && ss.tablet_alias && (ss.transaction_id !== '0' || ss.reserved_id !== '0')) {
        s.shardSessions.push({ target: ss.target, transactionId: Number(ss.transaction_id), reservedId: Number(ss.reserved_id), tabletAlias: ss.tablet_alias });
      }
    }
    for (const [name, bv] of Object.entries(wire.user_defined_variables)) {
      const v = bindVariableFromWire(bv);
      if (!Array.isArray(v)) s.userVariables.set(name, v);
    }
    for (const [name, text] of Object.entries(wire.system_variables)) s.systemVariables.set(name, text);
    s.savepoints = Array.isArray(wire.savepoints) ? (wire.savepoints as unknown[]).map(String) : [];
    s.lastInsertId = BigInt(wire.last_insert_id || '0');
    s.foundRows = BigInt(wire.found_rows || '0');
    s.rowCount = BigInt(wire.row_count || '-1');
    return s;
  }

  private evictIdle(): void {
    for (const [uuid, e] of this.entries) {
      if (this.entries.size <= this.maxSessions) return;
      if (e.busy > 0) continue;
      this.entries.delete(uuid);
      void this.executor.closeSession(e.session);
    }
  }
}

/** Session.options.included_fields as decoded (a number, or the default when options are absent). */
function includedFieldsOf(wire: SessionWire | null): IncludedFields {
  const options = wire?.options as { included_fields?: number } | null | undefined;
  return options?.included_fields ?? IncludedFields.TYPE_AND_NAME;
}

/** The wire session to send back: the client's own fields, overlaid with the session's current state. */
function sessionToWire(s: VtgateSession, base: SessionWire | null, uuid: string): SessionWire {
  const userVariables: Record<string, BindVariableWire> = {};
  for (const [name, v] of s.userVariables) userVariables[name] = bindVariableToWire(v);
  const systemVariables: Record<string, string> = {};
  for (const [name, v] of s.systemVariables) systemVariables[name] = systemVariableText(v);
  return {
    ...base,
    in_transaction: s.inTransaction,
    in_reserved_conn: s.inReservedConn,
    shard_sessions: s.shardSessions.map((ss) => ({
      target: ss.target,
      transaction_id: String(ss.transactionId),
      tablet_alias: ss.tabletAlias,
      reserved_id: String(ss.reservedId),
      read_only: false,
      rows_affected: false,
    })),
    autocommit: s.autocommit,
    savepoints: [...s.savepoints],
    target_string: s.targetString,
    warnings: [],
    last_insert_id: s.lastInsertId.toString(),
    found_rows: s.foundRows.toString(),
    row_count: s.rowCount.toString(),
    user_defined_variables: userVariables,
    system_variables: systemVariables,
    SessionUUID: uuid,
  };
}

function systemVariableText(v: SqlValue): string {
  return valueToText(v) ?? 'null';
}
