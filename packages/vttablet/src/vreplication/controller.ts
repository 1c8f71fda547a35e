/**
 * Controller: keeps one VReplication stream running (Vitess's vreplication controller). Each
 * attempt picks a source tablet (message `Picked source tablet: <alias>`, or `Error picking
 * tablet: …`), then runs a VReplicator. An attempt that fails records the error as the stream's
 * message and the controller retries after the retry delay (Vitess's `vreplication_retry_delay`,
 * 5 s), avoiding the tablet that failed; data errors that need a person (duplicate keys, bad
 * values, Vitess's list) put the stream in state Error instead, and it stays there.
 */
import { SqlError, tabletAliasString } from '@vtsim/proto';
import type { Mysqld } from '../mysqld/mysqld.js';
import { parseBinlogSource } from './binlog-source-text.js';
import { delay } from './copy-phase-control.js';
import { StreamState, ident, isRunnable, readStreamRow } from './stream-row.js';
import { parseTabletTypes, pickSourceTablet, type SourceTablet } from './tablet-picker.js';
import { VReplicator, truncateMessage, type VReplicatorHost } from './vreplicator.js';
import type { TopoServer } from '@vtsim/topo';
import type { TabletDialer } from '../query-service.js';

/** What a controller needs beyond what its VReplicator needs. */
export interface ControllerHost extends VReplicatorHost {
  readonly topo: TopoServer;
  readonly dialer: TabletDialer | undefined;
  /** The target tablet's database (`vt_<keyspace>`), used when a row's `db_name` is empty. */
  readonly dbName: string;
  /** Delay between two attempts of a failing stream, in ms. */
  readonly retryDelayMs: number;
}

/** MySQL errors after which Vitess puts a stream in state Error rather than retrying. */
const UNRECOVERABLE_ERRNOS = new Set([
  1048, 1062, 1264, 1265, 1292, 1364, 1366, 1367, 1406, 1411, 1416, 3037, 3140, 3141, 3142, 3144, 3146, 3150, 3157,
]);

/** Runs one stream until stop() or until the stream stops by itself; see the module comment. */
export class Controller {
  /** Settles when the controller has stopped (never rejects). */
  readonly done: Promise<void>;
  private readonly abort = new AbortController();
  private replicator: VReplicator | undefined;

  constructor(
    private readonly host: ControllerHost,
    readonly id: number,
  ) {
    this.done = this.run().catch(() => undefined);
  }

  /** Stops the stream (an open target transaction is rolled back) and waits for it. Idempotent. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  /** Asks the running attempt to save an unsaved position now. */
  flush(): void {
    this.replicator?.flush();
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const session = this.host.mysqld.createSession({ database: this.host.sidecar });
    const avoid = new Set<string>();
    try {
      while (!signal.aborted) {
        const row = readStreamRow(session, this.host.sidecar, this.id);
        if (!row || !isRunnable(row.state)) return;
        let tablet: SourceTablet | undefined;
        try {
          const source = parseBinlogSource(row.source);
          if (!this.host.dialer) throw new Error('this tablet has no dialer to reach source tablets');
          try {
            const cells = row.cell.split(',').map((c) => c.trim()).filter((c) => c !== '');
            tablet = await pickSourceTablet(this.host.topo, this.host.dialer, source.keyspace, source.shard, cells, parseTabletTypes(row.tabletTypes), avoid);
          } catch (err) {
            throw new Error(`Error picking tablet: ${(err as Error).message}`);
          }
          if (signal.aborted) return;
          this.host.logger.debug('vreplication picked source tablet', { workflow: row.workflow, stream_id: this.id, source_tablet: tabletAliasString(tablet.alias) });
          this.setMessage(session, `Picked source tablet: ${tabletAliasString(tablet.alias)}`);
          this.replicator = new VReplicator(this.host, row, source, row.dbName || this.host.dbName, signal);
          await this.replicator.run(tablet);
          return;
        } catch (err) {
          if (signal.aborted) return;
          const message = (err as Error).message;
          if (err instanceof SqlError && UNRECOVERABLE_ERRNOS.has(err.errno)) {
            this.host.logger.error('vreplication stream failed', { workflow: row.workflow, stream_id: this.id, error: message });
            this.write(session, `update ${ident(this.host.sidecar)}.vreplication set state = :s, message = :m where id = :id`, { s: StreamState.ERROR, m: truncateMessage(message) });
            return;
          }
          this.host.logger.warn('vreplication stream error, retrying', { workflow: row.workflow, stream_id: this.id, error: message, retry_ms: this.host.retryDelayMs });
          this.setMessage(session, message);
          if (tablet) avoid.add(tabletAliasString(tablet.alias));
          await delay(this.host.retryDelayMs, signal);
        } finally {
          this.replicator = undefined;
        }
      }
    } finally {
      session.close();
    }
  }

  private setMessage(session: ReturnType<Mysqld['createSession']>, message: string): void {
    this.write(session, `update ${ident(this.host.sidecar)}.vreplication set message = :m where id = :id`, { m: truncateMessage(message) });
  }

  /** Writes to the stream's row unless stopped; a failing write (read-only server) is left to the next attempt. */
  private write(session: ReturnType<Mysqld['createSession']>, sql: string, bind: Record<string, string>): void {
    if (this.abort.signal.aborted) return;
    try {
      session.execute(sql, { ...bind, id: BigInt(this.id) });
      this.host.rowChanged(this.id);
    } catch {
      // The row could not be written (e.g. the server went read-only); the next attempt retries.
    }
  }
}
