/**
 * The gRPC server of a tablet in its own process: `queryservice.Query` (what vtgate and
 * VReplication call) and `tabletmanagerservice.TabletManager` (what vtctld and VTOrc call), both
 * answering from one in-process tablet. Failures end a call with the error's vtrpc code as the
 * status and its message, MySQL errors carrying `(errno N) (sqlstate S)`, as Vitess's vttablet
 * sends them (except a reserve call's statement failing once its connection is reserved: that
 * failure comes back in the response's `error`, with the ids to release, as in Vitess); streams
 * follow gRPC backpressure and stop when the client cancels.
 */
import { Server, ServerCredentials, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { Code, ER, SqlError, bindVarsFromWire, resultToWire, type BindVariableWire, type TabletAlias, type TabletVStreamRequest, type Target, type VStreamRowsRequest } from '@vtsim/proto';
import type { QueryService, ReservedState, StreamHealthResponse } from '../query-service.js';
import type { TabletManagerClient } from '../tablet-manager.js';
import type { Mysqld } from '../mysqld/mysqld.js';
import { addBinlogDumpService } from './binlog-dump-server.js';
import { executeOptionsFromWire, readOnlyFromWire, type ExecuteOptionsWire } from './execute-request-wire.js';
import { fullStatusToWire, replicationStatusToWire } from './replication-status-wire.js';
import { toGrpcStatus, toRPCError } from './rpc-error.js';
import { GRPC_MESSAGE_SIZE_OPTIONS, loadTabletProtos } from './tablet-protos.js';
import { writeWithBackpressure } from './write-with-backpressure.js';

/** The tablet a server fronts: its query service and tablet-manager API. */
export type ServedTablet = QueryService & TabletManagerClient & { readonly alias: TabletAlias };

/** Where and what to serve. */
export interface TabletGrpcServerOptions {
  /**
   * The tablet, or how to find it when the server starts first (the cluster process binds the
   * port its tablet's record advertises before starting the tablet): calls meanwhile fail with
   * UNAVAILABLE, as calls to a vttablet that is starting or stopped do.
   */
  tablet: ServedTablet | (() => ServedTablet | undefined);
  /** Address to bind (vttablet's `--bind-address`; default 127.0.0.1). */
  host?: string;
  /** vttablet's `--grpc_port` (0 = any free port). */
  port: number;
  /**
   * The tablet's mysqld, when replicas in other processes read its binlog here
   * (`vtsimbinlog.BinlogDump`, see binlog-dump-server.ts).
   */
  mysqld?: Mysqld;
}

/** A running tablet gRPC server; close() stops it (ending open streams) and is safe twice. */
export interface TabletGrpcServer {
  readonly port: number;
  close(): Promise<void>;
}

/** A query as decoded (query.BoundQuery). */
type BoundQueryWire = { sql: string; bind_variables: Record<string, BindVariableWire> } | null;

/** query.ExecuteRequest as decoded (the fields vtsim reads). */
interface ExecuteRequestWire extends ExecuteOptionsWire {
  target: Target;
  query: BoundQueryWire;
  transaction_id: string;
  reserved_id: string;
}

/** query.ReserveExecuteRequest / ReserveBeginExecuteRequest as decoded (the fields vtsim reads). */
interface ReserveRequestWire extends ExecuteOptionsWire {
  target: Target;
  query: BoundQueryWire;
  pre_queries: string[];
  /** ReserveExecute only. */
  transaction_id?: string;
  /** ReserveBeginExecute only. */
  post_begin_queries?: string[];
}

/**
 * The wire form of a reservation's outcome: the ids, and the statement's result or its failure as
 * a vtrpc.RPCError in the response (the connection stays reserved), as Vitess's vttablet answers.
 */
function reservedStateToWire(state: ReservedState, alias: TabletAlias): Record<string, unknown> {
  return {
    ...(state.error === undefined ? { result: resultToWire(state.result!) } : { error: toRPCError(state.error) }),
    reserved_id: String(state.reservedId),
    tablet_alias: alias,
  };
}

/** query.StreamHealthResponse as it goes on the wire. */
function healthToWire(h: StreamHealthResponse): object {
  return {
    target: h.target,
    serving: h.serving,
    primary_term_start_timestamp: String(h.primary_term_start_timestamp),
    realtime_stats: { health_error: h.realtime_stats.health_error, replication_lag_seconds: h.realtime_stats.replication_lag_seconds, vtsim_position: h.realtime_stats.position },
    tablet_alias: h.tablet_alias,
  };
}

/** binlogdata.VStreamRequest as decoded, in @vtsim/proto's types (row lengths back to numbers). */
function vstreamRequestFromWire(w: TabletVStreamRequest & { options: TabletVStreamRequest['options'] | null }): TabletVStreamRequest {
  return {
    target: w.target,
    position: w.position,
    filter: w.filter ?? { rules: [] },
    table_last_p_ks: w.table_last_p_ks.map((t) => (t.lastpk ? { ...t, lastpk: { ...t.lastpk, rows: t.lastpk.rows.map((r) => ({ lengths: r.lengths.map(Number), values: r.values })) } } : t)),
    ...(w.options ? { options: w.options } : {}),
  };
}

/** binlogdata.VStreamRowsRequest as decoded, in @vtsim/proto's types (the last PK's lengths back to numbers). */
function vstreamRowsRequestFromWire(w: VStreamRowsRequest): VStreamRowsRequest {
  const lastpk = w.lastpk && { ...w.lastpk, rows: w.lastpk.rows.map((r) => ({ lengths: r.lengths.map(Number), values: r.values })) };
  return { target: w.target, query: w.query, lastpk };
}

/** Milliseconds left before the call's deadline (Infinity without one). */
function msLeft(call: ServerUnaryCall<unknown, unknown>): number {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : Number.MAX_SAFE_INTEGER;
}

type Handler = (call: ServerUnaryCall<any, unknown>) => Promise<object>;

/** A unary handler answering with what `run` resolves to, or the error's status. */
function unary(run: Handler) {
  return (call: ServerUnaryCall<any, unknown>, callback: sendUnaryData<object>): void => {
    run(call).then(
      (response) => callback(null, response),
      (err: unknown) => callback(toGrpcStatus(err)),
    );
  };
}

/** A server-streaming handler writing what `produce` yields (transformed by `toWire`) until it ends or the client cancels. */
function streaming<T>(produce: (call: ServerWritableStream<any, unknown>, signal: AbortSignal) => AsyncIterable<T>, toWire: (item: T) => object, shutdown: AbortSignal) {
  return async (call: ServerWritableStream<any, unknown>): Promise<void> => {
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    call.once('cancelled', abort);
    shutdown.addEventListener('abort', abort);
    try {
      for await (const item of produce(call, controller.signal)) {
        if (controller.signal.aborted) break;
        await writeWithBackpressure(call, toWire(item), controller.signal);
      }
      if (!controller.signal.aborted) call.end();
    } catch (err) {
      if (!controller.signal.aborted) call.emit('error', toGrpcStatus(err));
    } finally {
      call.off('cancelled', abort);
      shutdown.removeEventListener('abort', abort);
      // A shutdown ends the stream as gRPC ends calls on a closing server: UNAVAILABLE.
      if (shutdown.aborted && !call.destroyed) call.emit('error', { code: Code.UNAVAILABLE, details: 'transport is closing', message: 'transport is closing' });
    }
  };
}

/** Starts serving `opts.tablet` on `opts.host:opts.port`. Fails if the port is taken. */
export async function startTabletGrpcServer(opts: TabletGrpcServerOptions): Promise<TabletGrpcServer> {
  const current = opts.tablet;
  const served = (): ServedTablet => {
    const found = typeof current === 'function' ? current() : current;
    if (!found) throw new SqlError(ER.UNKNOWN_ERROR[0], ER.UNKNOWN_ERROR[1], 'vttablet is not running', Code.UNAVAILABLE);
    return found;
  };
  const protos = loadTabletProtos();
  const shutdown = new AbortController();
  const server = new Server(GRPC_MESSAGE_SIZE_OPTIONS);
  const query: UntypedServiceImplementation = {
    Execute: unary(async (call) => {
      const req = call.request as ExecuteRequestWire;
      const result = await served().execute(req.target, req.query?.sql ?? '', bindVarsFromWire(req.query?.bind_variables), Number(req.transaction_id), executeOptionsFromWire(req), Number(req.reserved_id));
      return { result: resultToWire(result) };
    }),
    Begin: unary(async (call) => {
      const readOnly = readOnlyFromWire(call.request.options);
      const reservedId = Number(call.request.vtsim_reserved_id);
      const options = { ...(readOnly === undefined ? {} : { readOnly }), ...(reservedId ? { reservedId } : {}) };
      const id = await served().begin(call.request.target, Object.keys(options).length ? options : undefined);
      return { transaction_id: String(id), tablet_alias: served().alias };
    }),
    Commit: unary(async (call) => ({ reserved_id: String(await served().commit(call.request.target, Number(call.request.transaction_id))) })),
    Rollback: unary(async (call) => ({ reserved_id: String(await served().rollback(call.request.target, Number(call.request.transaction_id))) })),
    // A failure before anything was reserved ends the call with its status; one after comes back
    // in the response's error, with the ids to release.
    ReserveExecute: unary(async (call) => {
      const req = call.request as ReserveRequestWire;
      const q = req.query;
      const state = await served().reserveExecute(req.target, req.pre_queries, q?.sql ?? '', bindVarsFromWire(q?.bind_variables), Number(req.transaction_id), executeOptionsFromWire(req));
      return reservedStateToWire(state, served().alias);
    }),
    ReserveBeginExecute: unary(async (call) => {
      const req = call.request as ReserveRequestWire;
      const q = req.query;
      const readOnly = readOnlyFromWire(req.options);
      const options = { ...executeOptionsFromWire(req), ...(readOnly === undefined ? {} : { readOnly }) };
      const state = await served().reserveBeginExecute(req.target, req.pre_queries, req.post_begin_queries ?? [], q?.sql ?? '', bindVarsFromWire(q?.bind_variables), Object.keys(options).length ? options : undefined);
      return { ...reservedStateToWire(state, served().alias), transaction_id: String(state.transactionId) };
    }),
    Release: unary(async (call) => (await served().release(call.request.target, Number(call.request.transaction_id), Number(call.request.reserved_id)), {})),
    StreamHealth: streaming((_call, signal) => served().streamHealth(signal), healthToWire, shutdown.signal),
    VStream: streaming((call, signal) => served().vstream(vstreamRequestFromWire(call.request), signal), (events) => ({ events }), shutdown.signal),
    VStreamRows: streaming((call, signal) => served().vstreamRows(vstreamRowsRequestFromWire(call.request), signal), (response) => response, shutdown.signal),
  };
  const tm: UntypedServiceImplementation = {
    SetReadOnly: unary(async () => (await served().setReadOnly(), {})),
    SetReadWrite: unary(async () => (await served().setReadWrite(), {})),
    ChangeType: unary(async (call) => (await served().changeType(call.request.tablet_type), {})),
    RefreshState: unary(async () => (await served().refreshState(), {})),
    ExecuteFetchAsDba: unary(async (call) => {
      const req = call.request as { query: Buffer; db_name: string; disable_foreign_key_checks: boolean };
      const opts = req.disable_foreign_key_checks ? { disableForeignKeyChecks: true } : undefined;
      return { result: resultToWire(await served().executeFetchAsDba(req.query.toString('utf8'), req.db_name || undefined, opts)) };
    }),
    ReplicationStatus: unary(async () => {
      const status = await served().getReplicationStatus();
      return { status: status && replicationStatusToWire(status), vtsim_last_io_errno: status?.last_io_errno ?? 0 };
    }),
    FullStatus: unary(async () => {
      const status = await served().fullStatus();
      return { status: fullStatusToWire(status), vtsim_position: status.position, vtsim_last_io_errno: status.replication_status?.last_io_errno ?? 0 };
    }),
    PrimaryPosition: unary(async () => ({ position: await served().primaryPosition() })),
    WaitForPosition: unary(async (call) => (await served().waitForPosition(call.request.position, msLeft(call)), {})),
    StopReplication: unary(async () => (await served().stopReplication(), {})),
    StartReplication: unary(async () => (await served().startReplication(), {})),
    ResetReplicationParameters: unary(async () => (await served().setReplicationSource(null), {})),
    SetReplicationSource: unary(async (call) => (await served().setReplicationSource(call.request.parent), {})),
    PromoteReplica: unary(async () => ({ position: await served().promoteReplica() })),
    DemotePrimary: unary(async () => {
      const position = await served().demotePrimary();
      return { primary_status: { position, file_position: '', server_uuid: '' } };
    }),
    VReplicationExec: unary(async (call) => ({ result: resultToWire(await served().vreplicationExec(call.request.query)) })),
    VReplicationWaitForPos: unary(async (call) => (await served().vreplicationWaitForPos(call.request.id, call.request.position, msLeft(call)), {})),
  };
  server.addService(protos.Query.service, query);
  server.addService(protos.TabletManager.service, tm);
  if (opts.mysqld) addBinlogDumpService(server, opts.mysqld, shutdown.signal);
  const host = opts.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${opts.port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        shutdown.abort();
        server.tryShutdown(() => resolve());
        // Calls still open after a moment (a client that never reads) are cut.
        setTimeout(() => server.forceShutdown(), 1000).unref();
      });
      return closing;
    },
  };
}
