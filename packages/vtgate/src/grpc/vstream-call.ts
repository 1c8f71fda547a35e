/**
 * The server side of `vtgateservice.Vitess/VStream`: decodes the request, pulls responses from the
 * VStream iterable and writes them to the call, one at a time and only as fast as the client
 * reads them (gRPC backpressure), and ends the call with the iterable's outcome.
 */
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { Filter, TableLastPK, VGtid, VStreamFlags, VStreamRequest, VStreamResponse } from '@vtsim/proto';
import { toGrpcStatus } from '@vtsim/vttablet';

/**
 * Responses handed to the call and not yet written to its HTTP/2 stream, at most. grpc-js's call
 * would queue 16 before `write()` asks to wait, and a response may carry a whole transaction's row
 * images (1000 rows is common): held that long, they outlive young-generation collections and are
 * promoted, so a fast producer feeding a slower client fills the old generation with garbage that
 * only a full collection (marking everything the tablets hold) frees. Two keep the HTTP/2 stream
 * busy while the next response is built.
 */
const MAX_UNWRITTEN_RESPONSES = 2;

/** Produces a VStream's responses; aborting `signal` means the client is gone. */
export type VStreamFunction = (request: VStreamRequest, signal: AbortSignal) => AsyncIterable<VStreamResponse>;

/**
 * Serves one VStream call. The iterable is pulled only while fewer than MAX_UNWRITTEN_RESPONSES
 * responses wait to be written to the HTTP/2 stream; the call ends with OK when the iterable ends, with the error's vtrpc code and
 * message when it throws, and `signal` is aborted (and nothing more is pulled) when the client
 * cancels or `shutdown` aborts. Never rejects.
 */
export async function serveVStream(call: ServerWritableStream<unknown, VStreamResponse>, vstream: VStreamFunction, shutdown: AbortSignal): Promise<void> {
  const controller = new AbortController();
  const { signal } = controller;
  const abort = (): void => controller.abort();
  call.once('cancelled', abort);
  shutdown.addEventListener('abort', abort);
  // Resolves when the call can take no more writes (closed, cancelled or shut down): a write's
  // callback may then never come.
  let closed = (): void => undefined;
  const gone = new Promise<void>((resolve) => (closed = resolve));
  call.once('close', closed);
  signal.addEventListener('abort', closed, { once: true });
  const unwritten: Promise<void>[] = [];
  let iterator: AsyncIterator<VStreamResponse> | undefined;
  try {
    iterator = vstream(vstreamRequestFromWire(call.request as VStreamRequestWire), signal)[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next();
      if (next.done || signal.aborted) break;
      unwritten.push(new Promise<void>((written) => call.write(next.value, () => written())));
      if (unwritten.length >= MAX_UNWRITTEN_RESPONSES) await Promise.race([unwritten.shift(), gone]);
      if (signal.aborted) break;
    }
    if (signal.aborted) void iterator.return?.()?.catch(() => undefined);
    else call.end();
  } catch (err) {
    if (!signal.aborted) call.emit('error', toGrpcStatus(err));
  } finally {
    call.off('cancelled', abort);
    call.off('close', closed);
    signal.removeEventListener('abort', closed);
    shutdown.removeEventListener('abort', abort);
  }
}

/** vtgate.VStreamRequest as decoded (enums as numbers, 64-bit integers as strings). */
interface VStreamRequestWire {
  caller_id: VStreamRequest['caller_id'];
  tablet_type: VStreamRequest['tablet_type'];
  vgtid: VGtid | null;
  filter: (Omit<Filter, 'workflow_type'> & { workflow_type: string }) | null;
  flags: VStreamFlags | null;
}

/** The request in @vtsim/proto's types: row lengths and the workflow type back to numbers. */
function vstreamRequestFromWire(w: VStreamRequestWire): VStreamRequest {
  return {
    caller_id: w.caller_id,
    tablet_type: w.tablet_type,
    vgtid: w.vgtid && { shard_gtids: w.vgtid.shard_gtids.map((sg) => ({ ...sg, table_p_ks: sg.table_p_ks.map(tablePKFromWire) })) },
    filter: w.filter && { ...w.filter, workflow_type: Number(w.filter.workflow_type) },
    flags: w.flags,
  };
}

function tablePKFromWire(t: TableLastPK): TableLastPK {
  if (!t.lastpk) return t;
  return { ...t, lastpk: { ...t.lastpk, rows: t.lastpk.rows.map((r) => ({ lengths: r.lengths.map(Number), values: r.values })) } };
}
