/**
 * The server side of `vtgateservice.Vitess/VStream`: decodes the request, pulls responses from the
 * VStream iterable and writes them to the call, one at a time and only as fast as the client
 * reads them (gRPC backpressure), and ends the call with the iterable's outcome.
 */
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { Filter, TableLastPK, VGtid, VStreamFlags, VStreamRequest, VStreamResponse } from '@vtsim/proto';
import { toGrpcStatus, writeWithBackpressure } from '@vtsim/vttablet';

/** Produces a VStream's responses; aborting `signal` means the client is gone. */
export type VStreamFunction = (request: VStreamRequest, signal: AbortSignal) => AsyncIterable<VStreamResponse>;

/**
 * Serves one VStream call. The iterable is pulled only after the previous response was accepted by
 * the call's buffer; the call ends with OK when the iterable ends, with the error's vtrpc code and
 * message when it throws, and `signal` is aborted (and nothing more is pulled) when the client
 * cancels or `shutdown` aborts. Never rejects.
 */
export async function serveVStream(call: ServerWritableStream<unknown, VStreamResponse>, vstream: VStreamFunction, shutdown: AbortSignal): Promise<void> {
  const controller = new AbortController();
  const { signal } = controller;
  const abort = (): void => controller.abort();
  call.once('cancelled', abort);
  shutdown.addEventListener('abort', abort);
  let iterator: AsyncIterator<VStreamResponse> | undefined;
  try {
    iterator = vstream(vstreamRequestFromWire(call.request as VStreamRequestWire), signal)[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next();
      if (next.done || signal.aborted) break;
      await writeWithBackpressure(call, next.value, signal);
      if (signal.aborted) break;
    }
    if (signal.aborted) void iterator.return?.()?.catch(() => undefined);
    else call.end();
  } catch (err) {
    if (!signal.aborted) call.emit('error', toGrpcStatus(err));
  } finally {
    call.off('cancelled', abort);
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
