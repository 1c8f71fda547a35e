/**
 * The VReplication engine of one primary tablet (Vitess's vreplication.Engine): it runs one
 * Controller per stream row of `<sidecar>.vreplication` whose state is not Stopped or Error,
 * executes VReplicationExec statements and reconciles the running streams with the rows they
 * changed, answers VReplicationWaitForPos, and moves a workflow's streams to new source shards
 * when all of them have reached the same resharding journal.
 */
import { decodePosition, noopLogger, type Clock, type Logger } from '@vtsim/binlog';
import { Code, VtError, type Journal, type Result } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import type { Mysqld, MysqlSession } from '../mysqld/mysqld.js';
import type { TabletDialer } from '../query-service.js';
import { formatBinlogSource, parseBinlogSource } from './binlog-source-text.js';
import { Controller, type ControllerHost } from './controller.js';
import type { CopyPhaseControl } from './copy-phase-control.js';
import { StreamState, ident, isRunnable, readRowFingerprints, readStreamRow, readStreamRows, text } from './stream-row.js';

/** What an engine is made of. */
export interface VReplicationEngineOptions {
  mysqld: Mysqld;
  /** The tablet's keyspace database (`vt_<keyspace>`), the default target of streams. */
  dbName: string;
  sidecarDbName: string;
  topo: TopoServer;
  /** How source tablets are reached; streams fail (and retry) without one. */
  dialer: TabletDialer | undefined;
  clock: Clock;
  /** Delay before a failed stream retries, in ms; default 5000 (Vitess's vreplication_retry_delay). */
  retryDelayMs?: number;
  /** How long an empty source transaction may stay unsaved, in ms; default 1000 (Vitess's idleTimeout). */
  idleSaveMs?: number;
  /** The cluster's copy throttle and copy-cycle interrupts (vtsim's faults); none by default. */
  copyPhase?: CopyPhaseControl;
  /** Where the streams log their steps (copy per table, errors, journals); default: nowhere. */
  logger?: Logger;
}

interface PositionWaiter {
  readonly wake: () => void;
}

/** A journal being joined by the streams of one workflow, keyed by `<workflow>:<journal id>`. */
interface JournalJoin {
  readonly journal: Journal;
  /** Participant `keyspace:shard` → the id of the stream that reached the journal (0 = not yet). */
  readonly participants: Map<string, number>;
}

/** See the module comment. Lifecycle: open() / close(), both idempotent; reopening is allowed. */
export class VReplicationEngine implements ControllerHost {
  readonly mysqld: Mysqld;
  readonly sidecar: string;
  readonly clock: Clock;
  readonly topo: TopoServer;
  readonly dialer: TabletDialer | undefined;
  readonly dbName: string;
  readonly retryDelayMs: number;
  readonly idleSaveMs: number;
  readonly copyPhase: CopyPhaseControl | undefined;
  readonly logger: Logger;
  private readonly controllers = new Map<number, Controller>();
  private readonly waiters = new Map<number, Set<PositionWaiter>>();
  private readonly journals = new Map<string, JournalJoin>();
  private session: MysqlSession | undefined;
  /** Serializes exec, close and journal transitions. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: VReplicationEngineOptions) {
    this.mysqld = opts.mysqld;
    this.sidecar = opts.sidecarDbName;
    this.clock = opts.clock;
    this.topo = opts.topo;
    this.dialer = opts.dialer;
    this.dbName = opts.dbName;
    this.retryDelayMs = opts.retryDelayMs ?? 5000;
    this.idleSaveMs = opts.idleSaveMs ?? 1000;
    this.copyPhase = opts.copyPhase;
    this.logger = opts.logger ?? noopLogger;
  }

  /** True between open() and close(). */
  get isOpen(): boolean {
    return this.session !== undefined;
  }

  /** Starts a controller for every runnable stream row. Idempotent. */
  open(): void {
    if (this.session) return;
    this.session = this.mysqld.createSession({ database: this.sidecar });
    for (const row of readStreamRows(this.session, this.sidecar)) {
      if (isRunnable(row.state)) this.controllers.set(row.id, new Controller(this, row.id));
    }
  }

  /** Stops every controller and waits for them; waiters keep waiting until their timeout. Idempotent. */
  async close(): Promise<void> {
    await this.serialized(async () => {
      const session = this.session;
      if (!session) return;
      this.session = undefined;
      const stopping = [...this.controllers.values()].map((c) => c.stop());
      this.controllers.clear();
      this.journals.clear();
      await Promise.all(stopping);
      session.close();
    });
  }

  /**
   * Runs one statement in the sidecar database (binlogged), then stops the streams whose rows it
   * deleted or changed and starts those it created or changed whose state is runnable. Resolves
   * with the statement's result once the affected streams are stopped or started. Throws VtError
   * FAILED_PRECONDITION when the engine is closed, or the statement's SqlError.
   */
  exec(query: string): Promise<Result> {
    return this.serialized(async () => {
      const session = this.openSession();
      const before = readRowFingerprints(session, this.sidecar);
      const result = session.execute(query);
      const after = readRowFingerprints(session, this.sidecar);
      const changed: number[] = [];
      for (const [id, print] of before) if (after.get(id) !== print) changed.push(id);
      for (const id of after.keys()) if (!before.has(id)) changed.push(id);
      const deleted = changed.filter((id) => !after.has(id));
      if (deleted.length > 0) {
        session.execute(`delete from ${ident(this.sidecar)}.copy_state where vrepl_id in ::ids`, { ids: deleted.map((id) => BigInt(id)) });
      }
      await this.restart(changed);
      for (const id of changed) this.rowChanged(id);
      return result;
    });
  }

  /**
   * Resolves once stream `id` has saved a position containing `position`. Throws VtError
   * INVALID_ARGUMENT for a bad position, NOT_FOUND for an unknown stream, FAILED_PRECONDITION when
   * the stream is Stopped or in Error short of the position, DEADLINE_EXCEEDED after `timeoutMs`.
   */
  async waitForPos(id: number, position: string, timeoutMs: number): Promise<void> {
    let want;
    try {
      want = decodePosition(position).gtidSet;
    } catch (err) {
      throw new VtError(Code.INVALID_ARGUMENT, `invalid position ${position}: ${(err as Error).message}`);
    }
    let timedOut = false;
    let wake: () => void = () => undefined;
    const waiter: PositionWaiter = { wake: () => wake() };
    const timer = setTimeout(() => {
      timedOut = true;
      wake();
    }, timeoutMs);
    let set = this.waiters.get(id);
    if (!set) this.waiters.set(id, (set = new Set()));
    set.add(waiter);
    try {
      for (;;) {
        const woken = new Promise<void>((resolve) => (wake = resolve));
        const row = readStreamRow(this.openSession(), this.sidecar, id);
        if (!row) throw new VtError(Code.NOT_FOUND, `vreplication stream ${id} not found`);
        if (row.pos !== '' && decodePosition(row.pos).gtidSet.contains(want)) return;
        if (!isRunnable(row.state)) {
          throw new VtError(Code.FAILED_PRECONDITION, `replication has stopped at ${row.pos} before reaching position ${position}, message: ${row.message}`);
        }
        if (timedOut) throw new VtError(Code.DEADLINE_EXCEEDED, `timed out waiting for vreplication stream ${id} to reach ${position} (at ${row.pos || 'no position'})`);
        this.controllers.get(id)?.flush();
        await woken;
      }
    } finally {
      clearTimeout(timer);
      set.delete(waiter);
      if (set.size === 0) this.waiters.delete(id);
    }
  }

  /** @internal ControllerHost: wakes the waiters of a stream after its row changed. */
  rowChanged(id: number): void {
    for (const w of this.waiters.get(id) ?? []) w.wake();
  }

  /** @internal ControllerHost: true when stream `id` has waiters (they check `pos` themselves once it is saved). */
  positionWanted(id: number, pos: string): boolean {
    return pos !== '' && this.waiters.has(id);
  }

  /**
   * @internal ControllerHost: records that stream `id` reached `journal`. When every participant
   * shard has a stream of the workflow that reached it, the workflow's streams from those shards
   * are replaced, in one transaction, by streams from the journal's shards at the journal's
   * positions. Throws VtError FAILED_PRECONDITION when a participant has no stream in the
   * workflow (`cannot redirect on journal: not all sources are present in this workflow: missing
   * <keyspace>:<shard>`).
   */
  registerJournal(journal: Journal, id: number): void {
    const session = this.openSession();
    const row = readStreamRow(session, this.sidecar, id);
    if (!row) return;
    const workflowSources = new Set<string>();
    for (const r of readStreamRows(session, this.sidecar)) {
      if (r.workflow !== row.workflow) continue;
      const s = parseBinlogSource(r.source);
      workflowSources.add(`${s.keyspace}:${s.shard}`);
    }
    const key = `${row.workflow}:${journal.id}`;
    let join = this.journals.get(key);
    if (!join) this.journals.set(key, (join = { journal, participants: new Map() }));
    for (const p of journal.participants) {
      const ks = `${p.keyspace}:${p.shard}`;
      if (!workflowSources.has(ks)) {
        throw new VtError(Code.FAILED_PRECONDITION, `cannot redirect on journal: not all sources are present in this workflow: missing ${ks}`);
      }
      if (!join.participants.has(ks)) join.participants.set(ks, 0);
    }
    const source = parseBinlogSource(row.source);
    join.participants.set(`${source.keyspace}:${source.shard}`, id);
    if ([...join.participants.values()].some((pid) => pid === 0)) return;
    this.journals.delete(key);
    void this.serialized(() => this.transitionJournal(join));
  }

  /** Replaces the participants' streams by streams from the journal's shards; see registerJournal. */
  private async transitionJournal(join: JournalJoin): Promise<void> {
    const session = this.session;
    if (!session) return;
    const ids = [...join.participants.values()];
    const first = session.execute(
      `select workflow, source, max_tps, max_replication_lag, cell, tablet_types, db_name, workflow_type, workflow_sub_type, defer_secondary_keys from ${ident(this.sidecar)}.vreplication where id = :id`,
      { id: BigInt(ids[0]!) },
    ).rows[0];
    if (!first) return;
    const template = parseBinlogSource(text(first[1]));
    const now = BigInt(Math.floor(this.clock.now() / 1000));
    const created: number[] = [];
    session.execute('begin');
    try {
      for (const sg of join.journal.shard_gtids) {
        const source = formatBinlogSource({ ...template, keyspace: sg.keyspace, shard: sg.shard });
        const r = session.execute(
          `insert into ${ident(this.sidecar)}.vreplication (workflow, source, pos, max_tps, max_replication_lag, cell, tablet_types, time_updated, transaction_timestamp, state, db_name, workflow_type, workflow_sub_type, defer_secondary_keys) values (:wf, :src, :pos, :tps, :lag, :cell, :tt, :now, 0, :state, :db, :wt, :wst, :dsk)`,
          {
            wf: first[0]!, src: source, pos: sg.gtid, tps: first[2]!, lag: first[3]!, cell: first[4]!, tt: first[5]!, now,
            state: StreamState.RUNNING, db: first[6]!, wt: first[7]!, wst: first[8]!, dsk: first[9]!,
          },
        );
        created.push(Number(r.insertId));
      }
      const bigIds = ids.map((i) => BigInt(i));
      session.execute(`delete from ${ident(this.sidecar)}.vreplication where id in ::ids`, { ids: bigIds });
      session.execute(`delete from ${ident(this.sidecar)}.copy_state where vrepl_id in ::ids`, { ids: bigIds });
      session.execute('commit');
    } catch (err) {
      session.execute('rollback');
      throw err;
    }
    this.logger.info('vreplication streams followed the journal', { workflow: text(first[0]), journal_id: String(join.journal.id), stopped: ids, started: created });
    await this.restart([...ids, ...created]);
  }

  /** Stops the controllers of `ids`, then starts one for each of them whose row is runnable. */
  private async restart(ids: readonly number[]): Promise<void> {
    await Promise.all(ids.map((id) => this.controllers.get(id)?.stop()));
    const session = this.session;
    for (const id of ids) {
      this.controllers.delete(id);
      const row = session && readStreamRow(session, this.sidecar, id);
      if (row && isRunnable(row.state)) this.controllers.set(id, new Controller(this, id));
    }
  }

  private openSession(): MysqlSession {
    if (!this.session) throw new VtError(Code.FAILED_PRECONDITION, 'vreplication engine is closed');
    return this.session;
  }

  private serialized<T>(body: () => Promise<T>): Promise<T> {
    const run = this.queue.then(body, body);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
