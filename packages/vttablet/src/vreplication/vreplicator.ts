/**
 * VReplicator: one run of one VReplication stream against one source tablet (Vitess's vreplicator,
 * vcopier and vplayer together). It sets the copy up (`copy_state` rows, state Copying), streams
 * the source tablet's VStream (copy phase with catch-up when tables are left to copy, then the
 * binlog from `pos`) and applies every event to the target:
 * - row changes of a source transaction become one target transaction that also updates `pos`,
 *   `time_updated`, `transaction_timestamp` and `rows_copied` in `<sidecar>.vreplication`, so the
 *   bookkeeping lands in the target's binlog with the rows;
 * - copy packets insert their rows and move the table's `copy_state.lastpk` in the same
 *   transaction; a finished table's `copy_state` row is deleted; COPY_COMPLETED makes the stream
 *   Running;
 * - an empty source transaction saves nothing until the stream is idle for `idleSaveMs`, reaches
 *   its stop position or someone waits for the position (as Vitess's vplayer, to spare the binlog);
 * - DDL follows `on_ddl`; OTHER saves the position; HEARTBEAT updates `time_heartbeat`;
 * - JOURNAL: see {@link VReplicatorHost.registerJournal}.
 * The run ends normally when the stream stops (stop position, DDL with on_ddl STOP, journal, state
 * changed to Stopped/Error, signal aborted) and throws on any error, leaving the retry to the
 * controller.
 */
import { GtidSet, decodePosition, type Clock, type Logger } from '@vtsim/binlog';
import {
  Code,
  MigrationType,
  VEventType,
  VtError,
  type BinlogSource,
  type Journal,
  type QueryResultWire,
  type RowWire,
  type TableLastPK,
  type VEvent,
} from '@vtsim/proto';
import type { Mysqld, MysqlSession } from '../mysqld/mysqld.js';
import { compileRules, findRule, EXCLUDE_FILTER } from '../vstreamer/plan-builder.js';
import { OnDDLAction } from './binlog-source-text.js';
import type { CopyPacer, CopyPhaseControl } from './copy-phase-control.js';
import { formatLastPk, parseLastPk } from './lastpk-text.js';
import { StreamState, ident, isRunnable, readStreamRow, text, type StreamRow } from './stream-row.js';
import { TableApplier } from './table-applier.js';
import type { SourceTablet } from './tablet-picker.js';

/** What a stream needs from the engine that runs it. */
export interface VReplicatorHost {
  /** The target server. */
  readonly mysqld: Mysqld;
  /** The sidecar database holding `vreplication` and `copy_state`. */
  readonly sidecar: string;
  /** Source of `time_updated` and `time_heartbeat`. */
  readonly clock: Clock;
  /** How long an empty source transaction may stay unsaved while the stream is idle, in ms. */
  readonly idleSaveMs: number;
  /** The copy throttle and copy-cycle interrupts (vtsim's faults); none: copies run unthrottled, uninterrupted. */
  readonly copyPhase?: CopyPhaseControl;
  /** Where the stream logs its steps (copy started and done per table, copy phase done, stops). */
  readonly logger: Logger;
  /** Called after every write VReplication makes to the stream's row. */
  rowChanged(id: number): void;
  /** True when a waiter of this stream would be satisfied by saving position `pos` (`MySQL56/<set>`). */
  positionWanted(id: number, pos: string): boolean;
  /**
   * Registers that stream `id` reached `journal` (the stream then ends, its row untouched); throws
   * VtError when the stream cannot follow it, whose message the stream stops with.
   */
  registerJournal(journal: Journal, id: number): void;
}

/** Vitess's cap on `vreplication.message`. */
const MAX_MESSAGE_LENGTH = 1000;

/** One run of a stream; see the module comment. Create one per attempt. */
export class VReplicator {
  private readonly session: MysqlSession;
  private readonly sidecarTable: string;
  private readonly copyStateTable: string;
  private readonly tables = new Map<string, TableApplier>();
  private inTx = false;
  /** The position of the last event received (`MySQL56/<set>`). */
  private pos: string;
  /** An empty transaction's position was received and not saved; its timestamp. */
  private unsavedTimestamp: number | undefined;
  private lastSaveMs: number;
  private rowsCopied: number;
  private readonly stopPos: GtidSet | undefined;
  private wake: (() => void) | undefined;
  /** True until the copy phase of this run completes (the stop position does not apply meanwhile). */
  private copying = false;
  /** This run's share of the copy throttle, from its first throttled batch. */
  private pacer: CopyPacer | undefined;
  /** The stream's logger (its lines name the workflow and the stream id). */
  private readonly log: Logger;
  /** The tables whose copy this run logged as started. */
  private readonly copyLogged = new Set<string>();

  constructor(
    private readonly host: VReplicatorHost,
    private readonly row: StreamRow,
    private readonly source: BinlogSource,
    private readonly dbName: string,
    private readonly signal: AbortSignal,
  ) {
    this.session = host.mysqld.createSession({ database: dbName });
    // As Vitess's vreplicator (clearFKCheck): tables are copied and rows applied in an order that
    // foreign keys would refuse, so the stream's writes run with foreign_key_checks off.
    this.session.sessionVariables.set('foreign_key_checks', 0n);
    this.sidecarTable = `${ident(host.sidecar)}.vreplication`;
    this.copyStateTable = `${ident(host.sidecar)}.copy_state`;
    this.pos = row.pos;
    this.rowsCopied = row.rowsCopied;
    this.lastSaveMs = host.clock.now();
    this.stopPos = row.stopPos ? decodePosition(row.stopPos).gtidSet : undefined;
    this.log = host.logger.child({ workflow: row.workflow, stream_id: row.id, source_shard: `${source.keyspace}/${source.shard}` });
  }

  /** Wakes an idle stream so it saves an unsaved position now (a waiter wants it). */
  flush(): void {
    this.wake?.();
  }

  /** Runs the stream against `tablet` until it stops; see the module comment. */
  async run(tablet: SourceTablet): Promise<void> {
    try {
      for (;;) {
        if (this.signal.aborted) return;
        const row = readStreamRow(this.session, this.host.sidecar, this.row.id);
        if (!row || !isRunnable(row.state)) return;
        const copyState = this.readCopyState();
        if (row.pos === '' && copyState.length === 0) {
          if (!this.initTablesForCopy()) return;
          continue;
        }
        if (copyState.length === 0) {
          if (this.source.stop_after_copy) return this.setState(StreamState.STOPPED, 'Stopped after copy.');
          if (this.stopPos && decodePosition(row.pos).gtidSet.contains(this.stopPos)) {
            return this.setState(StreamState.STOPPED, `Stop position ${row.pos} already reached: ${row.stopPos}`);
          }
          if (row.state !== StreamState.RUNNING || row.message !== '') this.setState(StreamState.RUNNING, '');
        }
        this.pos = row.pos;
        if ((await this.stream(tablet, copyState)) !== INTERRUPTED) return;
        // The copy cycle ended (copy phase duration): what was not committed is copied again from
        // the saved last PKs, after the source catches the stream up.
        if (this.inTx) this.session.execute('rollback');
        this.inTx = false;
      }
    } finally {
      if (this.inTx) this.session.execute('rollback');
      this.session.close();
    }
  }

  /** The stream's `copy_state` rows: tables left to copy and their last PKs (null = not started). */
  private readCopyState(): TableLastPK[] {
    const rows = this.session.execute(`select table_name, lastpk from ${this.copyStateTable} where vrepl_id = :id order by table_name`, { id: BigInt(this.row.id) }).rows;
    return rows.map((r) => ({ table_name: text(r[0]), lastpk: r[1] === null ? null : parseLastPk(text(r[1])) }));
  }

  /**
   * Creates a `copy_state` row per target table the filter selects and sets the state to Copying,
   * in one transaction; with no table, stops the stream ("There is nothing to replicate"). Returns
   * whether there is something to copy.
   */
  private initTablesForCopy(): boolean {
    const rules = this.source.filter ?? { rules: [] };
    const regexes = compileRules(rules);
    const tables = this.host.mysqld.tableNames(this.dbName).filter((name) => {
      const rule = findRule(name, rules, regexes);
      return rule !== undefined && rule.filter !== EXCLUDE_FILTER;
    });
    if (tables.length === 0) {
      this.setState(StreamState.STOPPED, 'There is nothing to replicate');
      return false;
    }
    this.begin();
    for (const t of tables) {
      this.session.execute(`insert into ${this.copyStateTable} (vrepl_id, table_name) values (:id, :t)`, { id: BigInt(this.row.id), t });
    }
    this.session.execute(`update ${this.sidecarTable} set state = :s, message = '' where id = :id`, { s: StreamState.COPYING, id: BigInt(this.row.id) });
    this.commit();
    return true;
  }

  /**
   * Streams from the source and applies the events until the stream stops, or until its copy
   * cycle is interrupted (INTERRUPTED: the run goes on with a new cycle).
   */
  private async stream(tablet: SourceTablet, copyState: TableLastPK[]): Promise<void | typeof INTERRUPTED> {
    const local = new AbortController();
    const onAbort = (): void => local.abort();
    this.signal.addEventListener('abort', onAbort, { once: true });
    const copying = copyState.length > 0;
    this.copying = copying;
    let interrupted = false;
    const unregister = copying
      ? this.host.copyPhase?.copyStarted(this.row.workflow, () => {
          interrupted = true;
          local.abort();
        })
      : undefined;
    const request = {
      target: { keyspace: this.source.keyspace, shard: this.source.shard, tablet_type: tablet.type, cell: tablet.alias.cell },
      position: this.pos,
      filter: this.source.filter ?? { rules: [{ match: '/.*', filter: '' }] },
      table_last_p_ks: copying ? copyState : [],
      options: { internal_tables: [], config_overrides: {}, tables_to_copy: copying ? copyState.map((t) => t.table_name) : [] },
    };
    const it = tablet.service.vstream(request, local.signal)[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<VEvent[]>> | undefined;
    try {
      for (;;) {
        pending ??= it.next();
        const next = await this.nextOrWake(pending, local.signal);
        if (this.signal.aborted) return;
        if (interrupted) return INTERRUPTED;
        if (next === WOKEN) {
          if (this.unsavedTimestamp !== undefined && !this.inTx) this.savePosition(this.unsavedTimestamp);
          continue;
        }
        pending = undefined;
        if (next.done) throw new VtError(Code.UNAVAILABLE, 'vstream ended');
        if ((await this.applyThrottled(next.value, local.signal)) === 'stop') return;
      }
    } finally {
      unregister?.();
      this.signal.removeEventListener('abort', onAbort);
      local.abort();
      void it.return?.(undefined)?.catch(() => undefined);
    }
  }

  /**
   * The next batch, or WOKEN when a flush was requested, an unsaved position idled long enough, or
   * `local` aborted (the run ending or its copy cycle interrupted, even if the source says nothing).
   */
  private nextOrWake(pending: Promise<IteratorResult<VEvent[]>>, local: AbortSignal): Promise<IteratorResult<VEvent[]> | typeof WOKEN> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const woken = new Promise<typeof WOKEN>((resolve) => {
      this.wake = () => resolve(WOKEN);
      onAbort = () => resolve(WOKEN);
      local.addEventListener('abort', onAbort, { once: true });
      if (local.aborted) resolve(WOKEN);
      if (this.unsavedTimestamp !== undefined) timer = setTimeout(() => resolve(WOKEN), this.host.idleSaveMs);
    });
    return Promise.race([pending, woken]).finally(() => {
      clearTimeout(timer);
      local.removeEventListener('abort', onAbort!);
      this.wake = undefined;
    });
  }

  /**
   * Applies one batch as {@link apply} does, copying at most the copy throttle's rows per second:
   * copied rows go in chunks of a tenth of a second's worth, each paced by the run's CopyPacer.
   * Each chunk is committed with its last PK before the wait (as a smaller vstream packet would
   * be), so that the copy's progress shows while it is slowed down; when the source's primary key
   * is not the target's, the rows wait in the batch's transaction for its own LASTPK. Returns
   * early, leaving the transaction open, when `signal` aborts (the run's end or an interrupted copy
   * cycle, whose caller rolls it back).
   */
  private async applyThrottled(batch: VEvent[], signal: AbortSignal): Promise<'stop' | undefined> {
    const control = this.host.copyPhase;
    const rate = control?.rowsPerSecond;
    if (!control || rate === undefined) return this.apply(batch);
    const pacer = (this.pacer ??= control.pacer());
    const chunk = Math.max(1, Math.floor(rate / 10));
    // Rows applied and not yet paced.
    let pending = 0;
    for (const ev of batch) {
      if (ev.type !== VEventType.ROW || ev.timestamp) {
        if (pending > 0) await pacer.take(pending, signal);
        pending = 0;
        if (signal.aborted) return undefined;
        if (this.apply([ev]) === 'stop') return 'stop';
        continue;
      }
      const re = ev.row_event!;
      for (let i = 0; i < re.row_changes.length; ) {
        const part = re.row_changes.slice(i, i + chunk - pending);
        i += part.length;
        if (this.apply([{ ...ev, row_event: { ...re, row_changes: part } }]) === 'stop') return 'stop';
        pending += part.length;
        if (pending < chunk) continue;
        this.commitCopied(re.table_name, part.at(-1)!.after);
        await pacer.take(pending, signal);
        pending = 0;
        if (signal.aborted) return undefined;
      }
    }
    if (pending > 0) await pacer.take(pending, signal);
    return undefined;
  }

  /**
   * Commits the copied rows of the open transaction with `row`'s key as the table's last PK (when
   * the source's primary key is the target's; otherwise leaves the transaction open).
   */
  private commitCopied(table: string, row: RowWire | null | undefined): void {
    const lastpk = this.copying && row ? this.tables.get(table)?.lastPk(row) : undefined;
    if (!lastpk || !this.inTx) return;
    this.saveLastPk(table, lastpk);
    this.updatePos(0);
    this.commit();
  }

  /** Writes `table`'s last copied PK into `copy_state`, in the open transaction. */
  private saveLastPk(table: string, lastpk: QueryResultWire): void {
    this.session.execute(`update ${this.copyStateTable} set lastpk = :pk where vrepl_id = :id and table_name = :t`, { pk: formatLastPk(lastpk), id: BigInt(this.row.id), t: table });
  }

  /** Applies one batch; 'stop' when the stream must end. */
  private apply(batch: VEvent[]): 'stop' | undefined {
    for (const ev of batch) {
      if (this.signal.aborted) return 'stop';
      switch (ev.type) {
        case VEventType.GTID:
          this.pos = ev.gtid ?? this.pos;
          this.unsavedTimestamp = undefined;
          break;
        case VEventType.FIELD: {
          const fe = ev.field_event!;
          const target = this.host.mysqld.tableMap(this.dbName, fe.table_name);
          if (!target) throw new VtError(Code.NOT_FOUND, `table ${fe.table_name} not found in ${this.dbName}`);
          this.tables.set(fe.table_name, new TableApplier(this.dbName, target, fe.fields));
          if (this.copying && !ev.timestamp && !this.copyLogged.has(fe.table_name)) {
            this.copyLogged.add(fe.table_name);
            this.log.info('vreplication table copy started', { table: fe.table_name });
          }
          break;
        }
        case VEventType.ROW: {
          const re = ev.row_event!;
          const applier = this.tables.get(re.table_name);
          if (!applier) throw new VtError(Code.INTERNAL, `unexpected event on table ${re.table_name}`);
          this.begin();
          for (const change of re.row_changes) applier.apply(this.session, change);
          if (!ev.timestamp) this.rowsCopied += re.row_changes.length;
          break;
        }
        case VEventType.LASTPK: {
          const lp = ev.last_p_k_event!;
          const table = lp.table_last_p_k?.table_name ?? '';
          this.begin();
          if (lp.completed) {
            this.log.info('vreplication table copy done', { table, rows_copied: this.rowsCopied });
            this.session.execute(`delete from ${this.copyStateTable} where vrepl_id = :id and table_name = :t`, { id: BigInt(this.row.id), t: table });
          } else {
            this.saveLastPk(table, lp.table_last_p_k!.lastpk as QueryResultWire);
          }
          break;
        }
        case VEventType.COMMIT: {
          const mustSave = this.stopReached();
          if (!this.inTx && !mustSave) {
            this.unsavedTimestamp = ev.timestamp ?? 0;
            if (this.host.positionWanted(this.row.id, this.pos) || this.host.clock.now() - this.lastSaveMs >= this.host.idleSaveMs) {
              this.savePosition(this.unsavedTimestamp);
            }
            break;
          }
          this.begin();
          this.updatePos(ev.timestamp ?? 0);
          this.commit();
          if (mustSave) return this.stopAtPosition();
          break;
        }
        case VEventType.DDL:
          if (this.applyDdl(ev) === 'stop') return 'stop';
          break;
        case VEventType.OTHER:
          this.savePosition(ev.timestamp ?? 0);
          if (this.stopReached()) return this.stopAtPosition();
          break;
        case VEventType.JOURNAL:
          if (this.onJournal(ev.journal!) === 'stop') return 'stop';
          break;
        case VEventType.HEARTBEAT:
          if (!this.inTx) this.heartbeat();
          break;
        case VEventType.COPY_COMPLETED:
          if (this.copyCompleted() === 'stop') return 'stop';
          break;
        default:
          break;
      }
    }
    return undefined;
  }

  private applyDdl(ev: VEvent): 'stop' | undefined {
    const statement = ev.statement ?? '';
    switch (this.source.on_ddl) {
      case OnDDLAction.STOP:
        this.begin();
        this.updatePos(ev.timestamp ?? 0);
        this.writeState(StreamState.STOPPED, `Stopped at DDL ${statement}`);
        this.commit();
        return 'stop';
      case OnDDLAction.EXEC:
        this.session.execute(statement);
        break;
      case OnDDLAction.EXEC_IGNORE:
        try {
          this.session.execute(statement);
        } catch {
          // Ignored by definition of EXEC_IGNORE.
        }
        break;
      default:
        break;
    }
    this.savePosition(ev.timestamp ?? 0);
    return this.stopReached() ? this.stopAtPosition() : undefined;
  }

  /**
   * A journal from the source: a TABLES journal none of whose tables this stream copies is
   * ignored, one naming only some of them stops the stream; any other is registered with the
   * engine and ends the run.
   */
  private onJournal(journal: Journal): 'stop' | undefined {
    if (journal.migration_type === MigrationType.TABLES) {
      const mine = [...this.streamedTables()];
      const named = new Set(journal.tables);
      const found = mine.some((t) => named.has(t));
      const notFound = mine.some((t) => !named.has(t));
      if (found && notFound) {
        this.setState(StreamState.STOPPED, 'unable to handle journal event: tables were partially matched');
        return 'stop';
      }
      if (!found) return undefined;
    }
    try {
      this.host.registerJournal(journal, this.row.id);
    } catch (err) {
      this.setState(StreamState.STOPPED, (err as Error).message);
    }
    return 'stop';
  }

  /** The target tables this stream's filter selects. */
  private streamedTables(): Set<string> {
    const rules = this.source.filter ?? { rules: [] };
    const regexes = compileRules(rules);
    return new Set(this.host.mysqld.tableNames(this.dbName).filter((name) => {
      const rule = findRule(name, rules, regexes);
      return rule !== undefined && rule.filter !== EXCLUDE_FILTER;
    }));
  }

  private copyCompleted(): 'stop' | undefined {
    this.copying = false;
    this.log.info('vreplication copy phase done', { rows_copied: this.rowsCopied });
    this.session.execute(`delete from ${this.copyStateTable} where vrepl_id = :id`, { id: BigInt(this.row.id) });
    if (this.source.stop_after_copy) {
      this.setState(StreamState.STOPPED, 'Stopped after copy.');
      return 'stop';
    }
    this.setState(StreamState.RUNNING, '');
    return undefined;
  }

  private heartbeat(): void {
    const now = BigInt(Math.floor(this.host.clock.now() / 1000));
    this.session.execute(`update ${this.sidecarTable} set time_updated = :t, time_heartbeat = :t where id = :id`, { t: now, id: BigInt(this.row.id) });
    if (this.unsavedTimestamp !== undefined && this.host.clock.now() - this.lastSaveMs >= this.host.idleSaveMs) this.savePosition(this.unsavedTimestamp);
  }

  /** True when a stop position is set and the received position contains it. */
  private stopReached(): boolean {
    return !this.copying && this.stopPos !== undefined && this.pos !== '' && this.posSet().contains(this.stopPos);
  }

  private stopAtPosition(): 'stop' {
    this.setState(StreamState.STOPPED, `Stopped at position ${this.row.stopPos}`);
    return 'stop';
  }

  private posSet(): GtidSet {
    return this.pos === '' ? GtidSet.empty : decodePosition(this.pos).gtidSet;
  }

  /** Saves the received position in its own transaction (empty transactions, OTHER, DDL). */
  private savePosition(timestamp: number): void {
    if (this.inTx) throw new VtError(Code.INTERNAL, 'vreplication: position save inside a transaction');
    this.begin();
    this.updatePos(timestamp);
    this.commit();
  }

  /** Writes the position update into the open transaction. */
  private updatePos(timestamp: number): void {
    const now = BigInt(Math.floor(this.host.clock.now() / 1000));
    const bind = { pos: this.pos, now, ts: BigInt(timestamp), rc: BigInt(this.rowsCopied), id: BigInt(this.row.id) };
    if (timestamp) {
      this.session.execute(`update ${this.sidecarTable} set pos = :pos, time_updated = :now, transaction_timestamp = :ts, rows_copied = :rc, message = '' where id = :id`, bind);
    } else {
      this.session.execute(`update ${this.sidecarTable} set pos = :pos, time_updated = :now, rows_copied = :rc, message = '' where id = :id`, bind);
    }
    this.unsavedTimestamp = undefined;
    this.lastSaveMs = this.host.clock.now();
  }

  /** Sets state and message in its own transaction (or the open one). */
  private setState(state: string, message: string): void {
    if (state === StreamState.STOPPED) this.log.info('vreplication stream stopped', { message });
    this.writeState(state, message);
    this.host.rowChanged(this.row.id);
  }

  private writeState(state: string, message: string): void {
    this.session.execute(`update ${this.sidecarTable} set state = :s, message = :m where id = :id`, {
      s: state,
      m: truncateMessage(message),
      id: BigInt(this.row.id),
    });
  }

  private begin(): void {
    if (this.inTx) return;
    this.session.execute('begin');
    this.inTx = true;
  }

  /** Commits the open transaction, unless the stream was stopped meanwhile (then rolls it back). */
  private commit(): void {
    this.inTx = false;
    if (this.signal.aborted) {
      this.session.execute('rollback');
      return;
    }
    this.session.execute('commit');
    this.host.rowChanged(this.row.id);
  }
}

/** Truncates a message to what `vreplication.message` holds. */
export function truncateMessage(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH ? message.slice(0, MAX_MESSAGE_LENGTH - 3) + '...' : message;
}

const WOKEN = Symbol('woken');
const INTERRUPTED = Symbol('interrupted');

