/**
 * TabletGrpcClient: a tablet in another process, reached over its gRPC port. It implements the
 * same QueryService and TabletManagerClient the in-process Tablet does, so vtgate, vtctld, VTOrc
 * and VReplication call it unchanged: answers decode into the same values, and failures come back
 * as the SqlError the tablet threw (its vtrpc code, MySQL errno and SQLSTATE; see rpc-error.ts).
 * A tablet that cannot be reached fails calls with UNAVAILABLE.
 */
import { Metadata, connectivityState, credentials, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import {
  Code,
  Type,
  SqlError,
  bindVariableToWire,
  tabletAliasString,
  type BindVars,
  type Result,
  type TabletAlias,
  type TabletType,
  type TabletVStreamRequest,
  type Target,
  type Tablet as TopoTablet,
  type VEvent,
  type RowWire,
  type VStreamRowsRequest,
  type VStreamRowsResponse,
} from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import type { ExecuteOptions, QueryService, ReservedState, StreamHealthResponse } from '../query-service.js';
import type { TabletFullStatus, TabletManagerClient, TabletReplicationStatus } from '../tablet-manager.js';
import { resultFromWire, type QueryResultDecoded } from './query-result-wire.js';
import { fullStatusFromWire, replicationStatusFromWire, type FullStatusWire, type ReplicationStatusWire } from './replication-status-wire.js';
import { errorFromGrpcStatus, type RPCErrorWire } from './rpc-error.js';
import { executeOptionsToWire } from './execute-request-wire.js';
import { GRPC_MESSAGE_SIZE_OPTIONS, loadTabletProtos } from './tablet-protos.js';

type Stub = Client & Record<string, (...args: unknown[]) => unknown>;

/** The stubs of `queryservice.Query` and `tabletmanagerservice.TabletManager`, sharing one channel. */
interface Stubs {
  query: Stub;
  tm: Stub;
}

/** How to reach a tablet. */
export interface TabletGrpcClientOptions {
  /**
   * `host:port` of the tablet's gRPC server, or how to find it (the tablet record's hostname and
   * `port_map.grpc`, read on the first call and again after the tablet was unreachable).
   */
  address: string | (() => Promise<string>);
  alias: TabletAlias;
  /** Where `tablet()` reads the tablet's record (as Vitess's vtctld reads it from the topology). */
  topo: TopoServer;
  /** The channel's keepalive pings (default {@link DEFAULT_GRPC_KEEPALIVE}, Vitess's grpcclient defaults). */
  keepalive?: GrpcKeepalive;
}

/**
 * gRPC client keepalive, as Vitess's grpcclient flags `--grpc_keepalive_time` and
 * `--grpc_keepalive_timeout` set it: after `timeMs` without activity the client pings, and a ping
 * unanswered for `timeoutMs` closes the connection, failing its calls (a health stream included)
 * with UNAVAILABLE. A network partition sends no RST: without the pings a stream to a tablet
 * behind it would wait forever. `timeMs` 0: no pings.
 */
export interface GrpcKeepalive {
  timeMs: number;
  timeoutMs: number;
}

/** Vitess's grpcclient defaults: ping after 10 s without activity, give up 10 s later. */
export const DEFAULT_GRPC_KEEPALIVE: GrpcKeepalive = { timeMs: 10_000, timeoutMs: 10_000 };

/** grpc-js channel options for `keepalive` (pings also without calls in flight, as Vitess's PermitWithoutStream); none for `timeMs` 0. */
function keepaliveChannelOptions({ timeMs, timeoutMs }: GrpcKeepalive): Record<string, number> {
  if (timeMs === 0) return {};
  return { 'grpc.keepalive_time_ms': timeMs, 'grpc.keepalive_timeout_ms': timeoutMs, 'grpc.keepalive_permit_without_calls': 1 };
}

/** See the module comment. close() closes the channel; it is safe twice. */
export class TabletGrpcClient implements QueryService, TabletManagerClient {
  readonly alias: TabletAlias;
  private readonly topo: TopoServer;
  private readonly address: () => Promise<string>;
  private readonly keepalive: GrpcKeepalive;
  private stubs: Promise<Stubs> | undefined;
  private closed = false;
  /** Date.now() when a call last found the tablet unreachable (UNAVAILABLE from gRPC); 0 after a success. */
  private unreachableAt = 0;
  /** True once a call reached the tablet. */
  private reached = false;

  constructor(opts: TabletGrpcClientOptions) {
    this.alias = opts.alias;
    this.topo = opts.topo;
    const { address } = opts;
    this.address = typeof address === 'string' ? async () => address : address;
    this.keepalive = opts.keepalive ?? DEFAULT_GRPC_KEEPALIVE;
  }

  /**
   * True when a call to the tablet failed as unreachable within the last `withinMs` (and none
   * succeeded since). A tablet never reached yet does not count: a starting tablet's record is
   * written before its gRPC port listens, and it must not count as down once it does.
   */
  unreachableWithin(withinMs: number, now = Date.now()): boolean {
    return this.unreachableAt !== 0 && now - this.unreachableAt < withinMs;
  }

  /** Closes the connection; calls after it fail with UNAVAILABLE. Safe twice. */
  close(): void {
    this.closed = true;
    this.disconnect();
  }

  private disconnect(): void {
    const stubs = this.stubs;
    this.stubs = undefined;
    void stubs?.then((s) => s.query.close(), () => undefined);
  }

  /** The stubs of the tablet's two services on one channel, connecting (lazily) on first use. */
  private connect(): Promise<Stubs> {
    if (this.closed) return Promise.reject(new SqlError(1105, 'HY000', `tablet ${tabletAliasString(this.alias)}: connection closed`, Code.UNAVAILABLE));
    this.stubs ??= this.address().then(
      (address) => {
        const protos = loadTabletProtos();
        const creds = credentials.createInsecure();
        const query = new protos.Query(address, creds, { ...GRPC_MESSAGE_SIZE_OPTIONS, ...keepaliveChannelOptions(this.keepalive) }) as unknown as Stub;
        // The second stub shares the first one's channel.
        const tm = new protos.TabletManager(address, creds, { channelOverride: query.getChannel() }) as unknown as Stub;
        return { query, tm };
      },
      (err: unknown) => {
        this.stubs = undefined;
        const why = err instanceof Error ? err.message : String(err);
        throw new SqlError(1105, 'HY000', `tablet ${tabletAliasString(this.alias)} has no gRPC address: ${why}`, Code.UNAVAILABLE);
      },
    );
    return this.stubs;
  }

  private async unary<T>(service: keyof Stubs, method: string, request: object, timeoutMs?: number): Promise<T> {
    const stub = (await this.connect())[service];
    return new Promise<T>((resolve, reject) => {
      const options = timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs };
      stub[method]!.call(stub, request, new Metadata(), options, (err: ServiceError | null, response: T) => {
        if (err) return reject(this.error(err, stub));
        this.unreachableAt = 0;
        this.reached = true;
        resolve(response);
      });
    });
  }

  /**
   * The error a failed call stands for. A call that failed because the channel is down (not an
   * UNAVAILABLE the tablet itself answered) marks a tablet reached before unreachable, and its
   * address is read again on the next call.
   */
  private error(err: ServiceError, stub: Stub): SqlError {
    if (err.code === (Code.UNAVAILABLE as number) && stub.getChannel().getConnectivityState(false) !== connectivityState.READY) {
      if (this.reached) this.unreachableAt = Date.now();
      this.disconnect();
    }
    return errorFromGrpcStatus({ code: err.code, details: err.details || err.message });
  }

  /** Yields a server stream's messages as the consumer pulls them; cancels the call when `signal` aborts. */
  private async *stream<T>(service: keyof Stubs, method: string, request: object, signal: AbortSignal): AsyncGenerator<T> {
    if (signal.aborted) return;
    const stub = (await this.connect())[service];
    const call = stub[method]!.call(stub, request, new Metadata()) as ClientReadableStream<T>;
    const cancel = (): void => call.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      for await (const message of call) {
        this.unreachableAt = 0;
        this.reached = true;
        yield message as T;
      }
    } catch (err) {
      if (signal.aborted) return;
      throw this.error(err as ServiceError, stub);
    } finally {
      signal.removeEventListener('abort', cancel);
      call.cancel();
    }
  }

  // --- QueryService ------------------------------------------------------------------------

  async execute(target: Target, sql: string, bindVars: BindVars, transactionId: number, options?: ExecuteOptions, reservedId = 0): Promise<Result> {
    const response = await this.unary<{ result: QueryResultDecoded }>('query', 'Execute', {
      target,
      query: boundQueryToWire(sql, bindVars),
      transaction_id: String(transactionId),
      reserved_id: String(reservedId),
      ...executeOptionsToWire(options),
    });
    return resultFromWire(response.result);
  }

  async begin(target: Target, options?: { readOnly?: boolean; reservedId?: number }): Promise<number> {
    const response = await this.unary<{ transaction_id: string }>('query', 'Begin', {
      target,
      options: executeOptionsToWire(undefined, options?.readOnly).options,
      vtsim_reserved_id: String(options?.reservedId ?? 0),
    });
    return Number(response.transaction_id);
  }

  async commit(target: Target, transactionId: number): Promise<number> {
    return Number((await this.unary<{ reserved_id: string }>('query', 'Commit', { target, transaction_id: String(transactionId) })).reserved_id);
  }

  async rollback(target: Target, transactionId: number): Promise<number> {
    return Number((await this.unary<{ reserved_id: string }>('query', 'Rollback', { target, transaction_id: String(transactionId) })).reserved_id);
  }

  async reserveExecute(target: Target, preQueries: string[], sql: string, bindVars: BindVars, transactionId: number, options?: ExecuteOptions): Promise<ReservedState> {
    const response = await this.unary<ReservedResponseWire>('query', 'ReserveExecute', {
      target,
      query: boundQueryToWire(sql, bindVars),
      transaction_id: String(transactionId),
      pre_queries: preQueries,
      ...executeOptionsToWire(options),
    });
    return reservedStateFromWire(response, transactionId);
  }

  async reserveBeginExecute(target: Target, preQueries: string[], postBeginQueries: string[], sql: string, bindVars: BindVars, options?: ExecuteOptions & { readOnly?: boolean }): Promise<ReservedState> {
    const response = await this.unary<ReservedResponseWire & { transaction_id: string }>('query', 'ReserveBeginExecute', {
      target,
      query: boundQueryToWire(sql, bindVars),
      pre_queries: preQueries,
      post_begin_queries: postBeginQueries,
      ...executeOptionsToWire(options, options?.readOnly),
    });
    return reservedStateFromWire(response, Number(response.transaction_id));
  }

  async release(target: Target, transactionId: number, reservedId: number): Promise<void> {
    await this.unary('query', 'Release', { target, transaction_id: String(transactionId), reserved_id: String(reservedId) });
  }

  async *streamHealth(signal: AbortSignal): AsyncIterable<StreamHealthResponse> {
    for await (const h of this.stream<HealthWire>('query', 'StreamHealth', {}, signal)) {
      yield {
        target: h.target,
        serving: h.serving,
        primary_term_start_timestamp: Number(h.primary_term_start_timestamp),
        realtime_stats: { health_error: h.realtime_stats.health_error, replication_lag_seconds: h.realtime_stats.replication_lag_seconds, position: h.realtime_stats.vtsim_position },
        tablet_alias: h.tablet_alias,
      };
    }
  }

  async *vstream(request: TabletVStreamRequest, signal: AbortSignal): AsyncIterable<VEvent[]> {
    for await (const batch of this.stream<{ events: Record<string, unknown>[] }>('query', 'VStream', request, signal)) {
      yield batch.events.map(veventFromWire);
    }
  }

  async *vstreamRows(request: VStreamRowsRequest, signal: AbortSignal): AsyncIterable<VStreamRowsResponse> {
    type Decoded = Omit<VStreamRowsResponse, 'rows' | 'lastpk'> & { rows: RowWireDecoded[]; lastpk: RowWireDecoded | null };
    for await (const r of this.stream<Decoded>('query', 'VStreamRows', request, signal)) {
      yield { fields: r.fields, pkfields: r.pkfields, gtid: r.gtid, rows: r.rows.map((row) => rowFromWire(row)), lastpk: rowFromWire(r.lastpk) };
    }
  }

  // --- TabletManagerClient -------------------------------------------------------------------

  async tablet(): Promise<TopoTablet> {
    return (await this.topo.getTablet(this.alias)).tablet;
  }

  async changeType(type: TabletType): Promise<void> {
    await this.unary('tm', 'ChangeType', { tablet_type: type });
  }

  async setReadOnly(): Promise<void> {
    await this.unary('tm', 'SetReadOnly', {});
  }

  async setReadWrite(): Promise<void> {
    await this.unary('tm', 'SetReadWrite', {});
  }

  async primaryPosition(): Promise<string> {
    return (await this.unary<{ position: string }>('tm', 'PrimaryPosition', {})).position;
  }

  async waitForPosition(position: string, timeoutMs: number): Promise<void> {
    await this.deadlined(this.unary('tm', 'WaitForPosition', { position }, timeoutMs));
  }

  async setReplicationSource(source: TabletAlias | null): Promise<void> {
    if (source) await this.unary('tm', 'SetReplicationSource', { parent: source, force_start_replication: true });
    else await this.unary('tm', 'ResetReplicationParameters', {});
  }

  async stopReplication(): Promise<void> {
    await this.unary('tm', 'StopReplication', {});
  }

  async startReplication(): Promise<void> {
    await this.unary('tm', 'StartReplication', {});
  }

  async getReplicationStatus(): Promise<TabletReplicationStatus | null> {
    const { status, vtsim_last_io_errno } = await this.unary<{ status: ReplicationStatusWire | null; vtsim_last_io_errno: number }>('tm', 'ReplicationStatus', {});
    return status && replicationStatusFromWire(status, this.alias.cell, vtsim_last_io_errno);
  }

  async fullStatus(): Promise<TabletFullStatus> {
    const response = await this.unary<{ status: FullStatusWire; vtsim_position: string; vtsim_last_io_errno: number }>('tm', 'FullStatus', {});
    return fullStatusFromWire(response.status, response.vtsim_position, this.alias.cell, response.vtsim_last_io_errno);
  }

  async executeFetchAsDba(sql: string, database?: string, opts?: { disableForeignKeyChecks?: boolean }): Promise<Result> {
    const request = { query: Buffer.from(sql, 'utf8'), db_name: database ?? '', disable_foreign_key_checks: !!opts?.disableForeignKeyChecks };
    return resultFromWire((await this.unary<{ result: QueryResultDecoded }>('tm', 'ExecuteFetchAsDba', request)).result);
  }

  async refreshState(): Promise<void> {
    await this.unary('tm', 'RefreshState', {});
  }

  async promoteReplica(): Promise<string> {
    return (await this.unary<{ position: string }>('tm', 'PromoteReplica', {})).position;
  }

  async demotePrimary(): Promise<string> {
    return (await this.unary<{ primary_status: { position: string } }>('tm', 'DemotePrimary', {})).primary_status.position;
  }

  async vreplicationExec(query: string): Promise<Result> {
    return resultFromWire((await this.unary<{ result: QueryResultDecoded }>('tm', 'VReplicationExec', { query })).result);
  }

  async vreplicationWaitForPos(id: number, position: string, timeoutMs: number): Promise<void> {
    await this.deadlined(this.unary('tm', 'VReplicationWaitForPos', { id, position }, timeoutMs));
  }

  /**
   * A wait whose deadline passed on the way fails as the tablet's own timeout does
   * (DEADLINE_EXCEEDED), not with gRPC's bare `Deadline exceeded`.
   */
  private async deadlined(call: Promise<unknown>): Promise<void> {
    try {
      await call;
    } catch (err) {
      if (err instanceof SqlError && err.code === Code.DEADLINE_EXCEEDED && /^Deadline exceeded/.test(err.message)) {
        throw new SqlError(err.errno, err.sqlState, `tablet ${tabletAliasString(this.alias)}: context deadline exceeded`, Code.DEADLINE_EXCEEDED);
      }
      throw err;
    }
  }
}

/** query.BoundQuery of a statement and its bind variables (a list goes as a TUPLE). */
function boundQueryToWire(sql: string, bindVars: BindVars): object {
  const bind_variables: Record<string, object> = {};
  for (const [name, v] of Object.entries(bindVars)) {
    bind_variables[name] = Array.isArray(v) ? { type: Type.TUPLE, value: Buffer.alloc(0), values: v.map(bindVariableToWire) } : bindVariableToWire(v);
  }
  return { sql, bind_variables };
}

/** query.ReserveExecuteResponse / ReserveBeginExecuteResponse as decoded (the fields vtsim reads). */
interface ReservedResponseWire {
  error: RPCErrorWire | null;
  result: QueryResultDecoded | null;
  reserved_id: string;
}

/** A reservation's outcome: the statement's failure (in the response's error) as the in-process tablet's error, or its result. */
function reservedStateFromWire(w: ReservedResponseWire, transactionId: number): ReservedState {
  const ids = { reservedId: Number(w.reserved_id), transactionId };
  if (w.error) return { ...ids, error: errorFromGrpcStatus({ code: w.error.code, details: w.error.message }) };
  return { ...ids, result: resultFromWire(w.result!) };
}

/** query.StreamHealthResponse as decoded. */
interface HealthWire {
  target: Target;
  serving: boolean;
  primary_term_start_timestamp: string;
  realtime_stats: { health_error: string; replication_lag_seconds: number; vtsim_position: string };
  tablet_alias: TabletAlias;
}

type RowWireDecoded = { lengths: (number | string)[]; values: Uint8Array };

/** A query.Row with its lengths back to numbers. */
function rowFromWire(row: RowWireDecoded): RowWire;
function rowFromWire(row: RowWireDecoded | null): RowWire | null;
function rowFromWire(row: RowWireDecoded | null): RowWire | null {
  return row && { lengths: row.lengths.map(Number), values: row.values };
}

/** A RowChange with numeric lengths and without the bitmaps proto3 filled in as null. */
function rowChangeFromWire(c: { before: RowWireDecoded | null; after: RowWireDecoded | null; data_columns?: unknown; json_partial_values?: unknown }): object {
  const { data_columns, json_partial_values, ...rest } = c;
  return { ...rest, before: rowFromWire(c.before), after: rowFromWire(c.after), ...(data_columns ? { data_columns } : {}), ...(json_partial_values ? { json_partial_values } : {}) };
}

function lastPkFromWire<T extends { lastpk: { rows: RowWireDecoded[] } | null } | null>(t: T): T {
  if (!t?.lastpk) return t;
  return { ...t, lastpk: { ...t.lastpk, rows: t.lastpk.rows.map(rowFromWire) } };
}

/**
 * A binlogdata.VEvent as the in-process tablet yields it: fields left at their proto3 default are
 * omitted, the timestamp is a number and row lengths are numbers.
 */
function veventFromWire(w: Record<string, unknown>): VEvent {
  const ev: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(w)) {
    if (value === null || value === '' || value === false || (key === 'timestamp' && value === '0')) continue;
    ev[key] = value;
  }
  ev.type = w.type;
  if (ev.timestamp !== undefined) ev.timestamp = Number(ev.timestamp);
  const rowEvent = ev.row_event as { row_changes: { before: RowWireDecoded | null; after: RowWireDecoded | null }[] } | undefined;
  if (rowEvent) ev.row_event = { ...rowEvent, row_changes: rowEvent.row_changes.map(rowChangeFromWire) };
  const vgtid = ev.vgtid as { shard_gtids: { table_p_ks: { lastpk: { rows: RowWireDecoded[] } | null }[] }[] } | undefined;
  if (vgtid) ev.vgtid = { shard_gtids: vgtid.shard_gtids.map((sg) => ({ ...sg, table_p_ks: sg.table_p_ks.map(lastPkFromWire) })) };
  const lastPk = ev.last_p_k_event as { table_last_p_k: { lastpk: { rows: RowWireDecoded[] } | null } | null } | undefined;
  if (lastPk) ev.last_p_k_event = { ...lastPk, table_last_p_k: lastPkFromWire(lastPk.table_last_p_k) };
  return ev as unknown as VEvent;
}
