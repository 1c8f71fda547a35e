/**
 * The tablet's VStream (Vitess's uvstreamer): resolves the start mode, runs the copy phase with
 * catch-up between tables, then streams the binlog from the last position, forever.
 *
 * Start modes (`position`, `table_last_p_ks`):
 * 1. a position (or `"current"`, which first sends `[GTID, OTHER]`), no last PKs: binlog only;
 * 2. `""`, no last PKs: copy every table the filter matches, then the binlog;
 * 3. `""` with last PKs: the same, each given table resumed after its last PK;
 * 4. a position with last PKs: catch up from the position, then copy the rest, then the binlog.
 *    vtsim treats tables that sort before the first given table as already copied (the copy goes
 *    in name order), so a resumed stream delivers every row change once.
 *
 * Copy phase, per table in name order: a consistent snapshot; the binlog between the stream's
 * position and the snapshot as normal transactions (catch-up: changes to tables not copied yet
 * are left out, the table being copied only shows changes to rows already copied, and internal
 * tables such as the heartbeat are not streamed); `[BEGIN, FIELD]`; `[GTID]` when the position
 * moved; `[ROW…, LASTPK, COMMIT]` per packet of rows;
 * `[BEGIN, LASTPK(completed), COMMIT]`. Then `[COPY_COMPLETED]`. Copy-phase events have no
 * timestamp and no current_time.
 */
import { GtidSet, decodePosition, encodePosition, positionFromGtidSet, type BinlogTransaction, type TableMap } from '@vtsim/binlog';
import {
  Code,
  ER,
  SqlError,
  VEventType,
  VtError,
  type Filter,
  type Rule,
  type SqlValue,
  type TableLastPK,
  type TabletVStreamRequest,
  type VEvent,
} from '@vtsim/proto';
import { valueComparator } from '@vtsim/sql';
import { EventParser, type CatchupGate, type ParserOptions } from './event-parser.js';
import { decodeLastPk, lastPkResult } from './last-pk.js';
import { DEFAULT_PACKET_SIZE } from './packet-buffer.js';
import { MATCH_ALL_FILTER, buildTablePlan, compileRules, streamedRule } from './plan-builder.js';
import { CopiedRowVEvent } from './row-events.js';
import { pkColumnsOf, pkFieldsOf, streamRows } from './row-streamer.js';
import type { VStreamerEnv } from './vstreamer-env.js';

/** Default idle time before a HEARTBEAT, as Vitess's vstreamer HeartbeatTime. */
export const HEARTBEAT_INTERVAL_MS = 900;

/** Transactions streamed back to back before giving the event loop a turn. */
const TRANSACTIONS_PER_TURN = 256;

/**
 * Streams one tablet VStream: each yielded array is one batch. Pull-based (nothing is read ahead
 * of the consumer). Returns normally when `signal` aborts; throws VtError for bad requests:
 * INVALID_ARGUMENT `GTIDSet Mismatch: requested source position:…, current target vrep
 * position: …`, `could not decode position …`, `table <t> is not present in the database`,
 * `stream needs a position or a table to copy`, and the plan errors of buildTablePlan; and UNKNOWN
 * `stream (at source tablet) error @ <gtid set>: Cannot replicate because the source purged required
 * binary logs. … (errno 1236) (sqlstate HY000)` when the binlog no longer holds transactions the
 * stream needs, as Vitess's vstreamer wraps the binlog connection's error.
 */
export async function* streamVEvents(env: VStreamerEnv, request: TabletVStreamRequest, signal: AbortSignal): AsyncGenerator<VEvent[], void, undefined> {
  const local = new AbortController();
  const onAbort = (): void => local.abort();
  if (signal.aborted) return;
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    yield* new UVStreamer(env, request, local.signal).stream();
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Wakes a binlog follower waiting for the next append, so it ends at once.
    local.abort();
  }
}

/** Copy progress of one table not fully copied yet. */
interface CopyState {
  rule: Rule;
  /** Primary key of the last row copied; null before the copy of the table starts. */
  lastpk: SqlValue[] | null;
}

class UVStreamer {
  private readonly filter: Filter;
  private readonly parserOptions: ParserOptions;
  private readonly catchupOptions: ParserOptions;
  private readonly packetSize: number;
  /** The stream's position: every transaction sent so far, or the snapshot the copy reached. */
  private pos: GtidSet = GtidSet.empty;
  /** Tables left to copy, in copy (name) order, with their progress. */
  private readonly toCopy = new Map<string, CopyState>();
  private streamedSinceTurn = 0;

  constructor(
    private readonly env: VStreamerEnv,
    private readonly request: TabletVStreamRequest,
    private readonly signal: AbortSignal,
  ) {
    this.filter = request.filter ?? MATCH_ALL_FILTER;
    const regexes = compileRules(this.filter);
    this.parserOptions = { filter: this.filter, regexes, internalTables: new Set(request.options?.internal_tables ?? []) };
    // Keyspace heartbeats (internal tables) are left out of the copy phase's catch-up.
    this.catchupOptions = { ...this.parserOptions, internalTables: new Set(), gate: this.gate };
    this.packetSize = env.packetSize ?? DEFAULT_PACKET_SIZE;
  }

  async *stream(): AsyncGenerator<VEvent[], void, undefined> {
    try {
      yield* this.phases();
    } catch (err) {
      if (err instanceof SqlError && err.errno === ER.MASTER_FATAL_ERROR_READING_BINLOG[0]) {
        throw new VtError(Code.UNKNOWN, `stream (at source tablet) error @ ${this.pos.toString()}: ${err.vitessMessage()}`);
      }
      throw err;
    }
  }

  /** The copy phase if any, then the binlog. */
  private async *phases(): AsyncGenerator<VEvent[], void, undefined> {
    const initial = this.init();
    if (initial) yield initial;
    if (this.toCopy.size > 0) {
      for (const name of [...this.toCopy.keys()]) {
        yield* this.copyTable(name);
        if (this.signal.aborted) return;
      }
      yield [this.event(VEventType.COPY_COMPLETED)];
    }
    yield* this.replicate();
  }

  /** Resolves the start mode; returns the `[GTID, OTHER]` batch of `"current"`. */
  private init(): VEvent[] | undefined {
    const position = this.request.position ?? '';
    const lastPks = this.request.table_last_p_ks ?? [];
    if (position === '' || lastPks.length > 0) this.planCopy(lastPks, position !== '');
    let initial: VEvent[] | undefined;
    if (position === 'current') {
      this.pos = this.env.mysqld.gtidExecuted();
      initial = [{ ...this.event(VEventType.GTID), gtid: positionText(this.pos) }, this.event(VEventType.OTHER)];
    } else if (position !== '') {
      let requested: GtidSet;
      try {
        requested = decodePosition(position).gtidSet;
      } catch (err) {
        throw new VtError(Code.INVALID_ARGUMENT, `could not decode position: ${(err as Error).message}`);
      }
      const current = this.env.mysqld.gtidExecuted();
      if (!current.contains(requested)) {
        throw new VtError(
          Code.INVALID_ARGUMENT,
          `GTIDSet Mismatch: requested source position:${positionText(requested)}, current target vrep position: ${positionText(current)}`,
        );
      }
      this.pos = requested;
    }
    if (this.pos.isEmpty() && this.toCopy.size === 0) throw new VtError(Code.INVALID_ARGUMENT, 'stream needs a position or a table to copy');
    this.checkPlans();
    return initial;
  }

  /** Builds the plan of every existing table the filter matches, so a bad filter fails the stream at once. */
  private checkPlans(): void {
    const { mysqld, dbName } = this.env;
    const vschema = this.env.vschema();
    for (const name of mysqld.tableNames(dbName)) {
      const rule = streamedRule(name, this.filter, this.parserOptions.regexes);
      const table = mysqld.tableMap(dbName, name);
      if (rule && table) buildTablePlan(table, rule, vschema);
    }
  }

  /** Chooses the tables to copy (name order) and where each copy starts. */
  private planCopy(lastPks: TableLastPK[], resuming: boolean): void {
    const { mysqld, dbName } = this.env;
    const tables = mysqld.tableNames(dbName);
    for (const rule of this.filter.rules) {
      if (!rule.match.startsWith('/') && !tables.includes(rule.match)) {
        throw new VtError(Code.INVALID_ARGUMENT, `table ${rule.match} is not present in the database`);
      }
    }
    const given = new Map(lastPks.map((t) => [t.table_name, t.lastpk]));
    const firstGiven = resuming && given.size > 0 ? [...given.keys()].sort()[0]! : undefined;
    const only = this.request.options?.tables_to_copy ?? [];
    const snapshot = mysqld.snapshot();
    for (const name of tables) {
      const rule = streamedRule(name, this.filter, this.parserOptions.regexes);
      if (!rule || (only.length > 0 && !only.includes(name))) continue;
      const table = snapshot.tableMap(dbName, name)!;
      const lastpk = given.has(name) ? decodeLastPk(name, given.get(name), pkFieldsOf(table)) : null;
      if (firstGiven !== undefined && lastpk === null && name < firstGiven) continue;
      this.toCopy.set(name, { rule, lastpk });
    }
  }

  /** Catch-up, then the copy of one table from a fresh snapshot. */
  private async *copyTable(name: string): AsyncGenerator<VEvent[], void, undefined> {
    const { mysqld, dbName } = this.env;
    const state = this.toCopy.get(name)!;
    const snapshot = mysqld.snapshot();
    // Read synchronously with the snapshot: exactly the transactions the snapshot holds beyond pos.
    if (!this.pos.isEmpty()) yield* this.streamBinlog(mysqld.binlog.readFrom(this.pos), new EventParser(this.env, this.catchupOptions, this.packetSize));
    if (this.signal.aborted) return;
    const table = snapshot.tableMap(dbName, name);
    if (!table) {
      // Dropped since the stream started: nothing left to copy.
      this.toCopy.delete(name);
      return;
    }
    const plan = buildTablePlan(table, state.rule, this.env.vschema());
    yield [
      this.event(VEventType.BEGIN),
      {
        ...this.event(VEventType.FIELD),
        field_event: {
          table_name: name,
          fields: plan.fields,
          keyspace: this.env.keyspace,
          shard: this.env.shard,
          // Always set in the copy phase since Vitess v20: MySQL's text results carry ENUM/SET
          // strings (v20 release notes' copy-phase FIELD; vstreamer tests: always set in the copy phase).
          enum_set_string_values: true,
          is_internal_table: false,
        },
      },
    ];
    if (!snapshot.gtidSet.equals(this.pos)) {
      this.pos = snapshot.gtidSet;
      yield [{ ...this.event(VEventType.GTID), gtid: positionText(this.pos) }];
    }
    const pkFields = pkFieldsOf(table);
    const { keyspace, shard } = this.env;
    for (const packet of streamRows(snapshot, table, plan, state.lastpk, this.packetSize)) {
      if (this.signal.aborted) return;
      if (packet.rows.length > 0) {
        state.lastpk = packet.lastpk;
        const batch: VEvent[] = new Array(packet.rows.length + 2);
        for (let i = 0; i < packet.rows.length; i++) {
          batch[i] = new CopiedRowVEvent(keyspace, shard, name, packet.rows[i]!);
        }
        batch[packet.rows.length] = {
          ...this.event(VEventType.LASTPK),
          last_p_k_event: { table_last_p_k: { table_name: name, lastpk: lastPkResult(pkFields, packet.lastpk) }, completed: false },
        };
        batch[packet.rows.length + 1] = this.event(VEventType.COMMIT);
        yield batch;
      }
      await nextTurn();
    }
    if (this.signal.aborted) return;
    yield [
      this.event(VEventType.BEGIN),
      { ...this.event(VEventType.LASTPK), last_p_k_event: { table_last_p_k: { table_name: name, lastpk: null }, completed: true } },
      this.event(VEventType.COMMIT),
    ];
    this.toCopy.delete(name);
  }

  /**
   * What catch-up sends of a table's row changes: nothing for tables not copied yet, changes to
   * rows at or below the last PK for the table being copied (the rest arrive with the copy).
   */
  private readonly gate: CatchupGate = (table: TableMap) => {
    const state = this.toCopy.get(table.name);
    if (!state) return undefined;
    const lastpk = state.lastpk;
    if (!lastpk) return 'drop';
    const cols = pkColumnsOf(table);
    const compare = cols.map((c) => valueComparator(table.fields[c]!.type));
    return (row) => {
      for (let i = 0; i < cols.length; i++) {
        const c = compare[i]!(row[cols[i]!]!, lastpk[i]!);
        if (c !== 0) return c < 0;
      }
      return true;
    };
  };

  /** Streams the binlog from the stream's position forever, with HEARTBEATs when idle. */
  private async *replicate(): AsyncGenerator<VEvent[], void, undefined> {
    const parser = new EventParser(this.env, this.parserOptions, this.packetSize);
    const idleMs = this.env.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS;
    const follower = this.env.mysqld.binlog.follow(this.pos, this.signal)[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<BinlogTransaction>> | undefined;
    for (;;) {
      pending ??= follower.next();
      const next = await withTimeout(pending, idleMs);
      if (this.signal.aborted) return;
      if (next === TIMEOUT) {
        const now = this.env.clock.now();
        yield [{ ...this.event(VEventType.HEARTBEAT), timestamp: Math.floor(now / 1000), current_time: this.env.clock.nowNanos().toString() }];
        continue;
      }
      pending = undefined;
      if (next.done) return;
      yield* this.streamTransaction(parser, next.value);
      if (++this.streamedSinceTurn >= TRANSACTIONS_PER_TURN) {
        this.streamedSinceTurn = 0;
        await nextTurn();
      }
    }
  }

  /** Streams already-binlogged transactions (catch-up), giving the event loop turns. */
  private async *streamBinlog(txs: Iterable<BinlogTransaction>, parser: EventParser): AsyncGenerator<VEvent[], void, undefined> {
    for (const tx of txs) {
      if (this.signal.aborted) return;
      yield* this.streamTransaction(parser, tx);
      if (++this.streamedSinceTurn >= TRANSACTIONS_PER_TURN) {
        this.streamedSinceTurn = 0;
        await nextTurn();
      }
    }
  }

  private *streamTransaction(parser: EventParser, tx: BinlogTransaction): Generator<VEvent[], void, undefined> {
    const after = this.pos.add(tx.gtid);
    yield* parser.transaction(tx, positionText(after));
    this.pos = after;
  }

  private event(type: VEventType): VEvent {
    return { type, keyspace: this.env.keyspace, shard: this.env.shard };
  }
}

function positionText(set: GtidSet): string {
  return encodePosition(positionFromGtidSet(set));
}

const TIMEOUT = Symbol('timeout');

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Lets timers and I/O run between two pieces of synchronous work. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
