/**
 * The SQL side of `vtgateservice.Vitess`: Execute, ExecuteBatch, StreamExecute, Prepare and
 * CloseSession run statements through vtgate's executor, the way the MySQL port does, with the
 * client's `vtgate.Session` in and out (Prepare answers a statement's fields; see
 * Executor.prepare). As in Vitess, Execute, ExecuteBatch and Prepare report SQL failures inside the
 * response (`error`, with the session) and end with OK; StreamExecute ends with the error's status.
 * Rows are encoded with the whole fields, then the fields go out as the session's
 * `options.included_fields` asks (see included-fields.ts).
 */
import type { sendUnaryData, ServerUnaryCall, ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { bindVarsFromWire, encodeRow, resultToWire, textEncoders, type BindVariableWire, type IncludedFields, type QueryResultWire, type Result, type RowWire } from '@vtsim/proto';
import { toGrpcStatus, toRPCError, writeWithBackpressure, type RPCErrorWire } from '@vtsim/vttablet';
import type { Executor } from '../executor.js';
import { fieldsForClient } from '../included-fields.js';
import type { VtgateSession } from '../vtgate-session.js';
import { UNSECURE_GRPC_CLIENT, type GrpcSessionStore, type SessionWire } from './grpc-session-store.js';

/** query.BoundQuery as decoded. */
interface BoundQueryWire {
  sql: string;
  bind_variables: Record<string, BindVariableWire>;
}

interface ExecuteRequestWire {
  session: SessionWire | null;
  query: BoundQueryWire | null;
}

interface ExecuteBatchRequestWire {
  session: SessionWire | null;
  queries: BoundQueryWire[];
}

interface StreamExecuteRequestWire {
  session: SessionWire | null;
  query: BoundQueryWire | null;
}

/** vtgate.StreamExecuteResponse. */
interface StreamExecuteResponseWire {
  result: QueryResultWire | null;
  session: SessionWire | null;
}

/** Rows of a streamed result go out in messages of about this many value bytes. */
const STREAM_CHUNK_BYTES = 256 * 1024;

/**
 * The handlers of Execute, ExecuteBatch, StreamExecute, Prepare and CloseSession. `shutdown` aborts
 * StreamExecute writes when the server closes.
 */
export function executeCalls(executor: Executor, sessions: GrpcSessionStore, shutdown: AbortSignal, staticAuth: boolean): UntypedServiceImplementation {
  const immediateCaller = (metadata: CallMetadata) => immediateCallerOf(metadata, staticAuth);
  const run = (session: VtgateSession, query: BoundQueryWire | null): Promise<Result> =>
    executor.execute(session, query?.sql ?? '', bindVarsFromWire(query?.bind_variables));
  const runToWire = async (session: VtgateSession, query: BoundQueryWire | null): Promise<QueryResultWire> =>
    clientWire(await run(session, query), session.includedFields);
  return {
    Execute(call: ServerUnaryCall<ExecuteRequestWire, unknown>, callback: sendUnaryData<unknown>): void {
      const req = call.request;
      sessions.run(req.session, (s) => runToWire(s, req.query), immediateCaller(call.metadata)).then(
        (o) => callback(null, { error: 'error' in o ? toRPCError(o.error) : null, session: o.session, result: o.value ?? null }),
        (err: unknown) => callback(toGrpcStatus(err)),
      );
    },

    ExecuteBatch(call: ServerUnaryCall<ExecuteBatchRequestWire, unknown>, callback: sendUnaryData<unknown>): void {
      const req = call.request;
      sessions
        .run(req.session, async (s) => {
          const results: Array<{ error: RPCErrorWire | null; result: QueryResultWire | null }> = [];
          for (const q of req.queries) {
            try {
              results.push({ error: null, result: await runToWire(s, q) });
            } catch (err) {
              results.push({ error: toRPCError(err), result: null });
            }
          }
          return results;
        }, immediateCaller(call.metadata))
        .then(
          (o) => callback(null, { error: 'error' in o ? toRPCError(o.error) : null, session: o.session, results: o.value ?? [] }),
          (err: unknown) => callback(toGrpcStatus(err)),
        );
    },

    Prepare(call: ServerUnaryCall<ExecuteRequestWire, unknown>, callback: sendUnaryData<unknown>): void {
      const req = call.request;
      const prepare = async (s: VtgateSession) => fieldsForClient(await executor.prepare(s, req.query?.sql ?? '', bindVarsFromWire(req.query?.bind_variables)), s.includedFields);
      sessions.run(req.session, prepare, immediateCaller(call.metadata)).then(
        (o) => callback(null, { error: 'error' in o ? toRPCError(o.error) : null, session: o.session, fields: o.value ?? [] }),
        (err: unknown) => callback(toGrpcStatus(err)),
      );
    },

    StreamExecute(call: ServerWritableStream<StreamExecuteRequestWire, StreamExecuteResponseWire>): void {
      void streamExecute(call, sessions, run, immediateCaller(call.metadata), shutdown);
    },

    CloseSession(call: ServerUnaryCall<{ session: SessionWire | null }, unknown>, callback: sendUnaryData<unknown>): void {
      sessions.close(call.request.session).then(
        () => callback(null, { error: null }),
        (err: unknown) => callback(null, { error: toRPCError(err) }),
      );
    },
  };
}

async function streamExecute(
  call: ServerWritableStream<StreamExecuteRequestWire, StreamExecuteResponseWire>,
  sessions: GrpcSessionStore,
  run: (session: VtgateSession, query: BoundQueryWire | null) => Promise<Result>,
  caller: string,
  shutdown: AbortSignal,
): Promise<void> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  call.once('cancelled', abort);
  shutdown.addEventListener('abort', abort);
  try {
    const o = await sessions.run(call.request.session, async (s) => ({ result: await run(s, call.request.query), included: s.includedFields }), caller);
    if ('error' in o) {
      if (!controller.signal.aborted) call.emit('error', toGrpcStatus(o.error));
      return;
    }
    for (const result of streamedResults(o.value!.result, o.value!.included)) {
      if (controller.signal.aborted) return;
      await writeWithBackpressure(call, { result, session: null }, controller.signal);
    }
    if (controller.signal.aborted) return;
    await writeWithBackpressure(call, { result: null, session: o.session }, controller.signal);
    call.end();
  } catch (err) {
    if (!controller.signal.aborted) call.emit('error', toGrpcStatus(err));
  } finally {
    call.off('cancelled', abort);
    shutdown.removeEventListener('abort', abort);
  }
}

/** A result on the wire: rows encoded with the whole fields, fields as `included` asks. */
function clientWire(result: Result, included: IncludedFields): QueryResultWire {
  return { ...resultToWire(result), fields: fieldsForClient(result.fields, included) };
}

/** A result as StreamExecute sends it: the fields alone first, then the rows in chunks; a result without fields in one message. */
function* streamedResults(result: Result, included: IncludedFields): Generator<QueryResultWire> {
  if (result.fields.length === 0) {
    yield resultToWire(result);
    return;
  }
  yield { ...emptyWire(), fields: fieldsForClient(result.fields, included) };
  const encoders = textEncoders(result.fields);
  let chunk: RowWire[] = [];
  let bytes = 0;
  for (const row of result.rows) {
    const wire = encodeRow(row, encoders);
    chunk.push(wire);
    bytes += wire.values.length;
    if (bytes >= STREAM_CHUNK_BYTES) {
      yield { ...emptyWire(), rows: chunk };
      chunk = [];
      bytes = 0;
    }
  }
  if (chunk.length > 0) yield { ...emptyWire(), rows: chunk };
}

function emptyWire(): QueryResultWire {
  return { fields: [], rows_affected: '0', insert_id: '0', rows: [], info: '', session_state_changes: '', insert_id_changed: false };
}

/** A gRPC call's metadata, as far as the caller id needs it. */
type CallMetadata = { get(key: string): Array<string | Buffer> };

/**
 * The user a gRPC call runs as (Vitess's immediate caller id, checked by the VSchema ACL): with
 * static auth on, the `username` its credentials carry (vtgate's auth plugin has verified them);
 * otherwise `unsecure_grpc_client`, whatever metadata the client sends, as Vitess ignores it then.
 */
function immediateCallerOf(metadata: CallMetadata, staticAuth: boolean): string {
  const user = staticAuth ? metadata.get('username')[0] : undefined;
  return user === undefined ? UNSECURE_GRPC_CLIENT : user.toString();
}
