/**
 * The streaming reference of the VStream benchmarks: a bare grpc-js server serving
 * `vtgateservice.Vitess/VStream` with vtgate's own service definition (the same `.proto` files and
 * the same response serializer: rows events written by vstream-response-encoder.ts, the rest by
 * protobufjs) and the same server options (its message size limits: the server comes from vtgate's
 * own startSharedGrpcServer), that replays VStreamResponse messages recorded from vtsim's own
 * stream, from memory. What a client gets from it per second is the cost of gRPC itself with
 * vtgate's serializer (serializing, HTTP/2, the client's decoding): what vtgate could reach if
 * producing the responses cost nothing.
 */
import { defaultVStreamFlags, TabletType } from '@vtsim/proto';
import { startSharedGrpcServer, vitessServerService } from '@vtsim/vtgate';

/**
 * Records the responses of a VStream exactly as vtgate's gRPC server is handed them (vtgate's own
 * VStreamResponse objects, from its VStream manager, in this process): from the request's start
 * until `done(response)` says the last one arrived.
 * @param {import('@vtsim/vtgate').Vtgate} vtgate
 * @param {{ vgtid: object, filter: object }} request a `vtgate.VStreamRequest`'s position and filter (the rest: a PRIMARY stream with the default flags)
 * @param {(response: import('@vtsim/proto').VStreamResponse) => boolean} done
 * @returns {Promise<import('@vtsim/proto').VStreamResponse[]>}
 */
export async function recordVStream(vtgate, request, done) {
  const abort = new AbortController();
  const responses = [];
  const full = { tablet_type: TabletType.PRIMARY, vgtid: request.vgtid, filter: request.filter, flags: defaultVStreamFlags() };
  try {
    for await (const response of vtgate.vstreamManager.vstream(full, abort.signal)) {
      responses.push(response);
      if (done(response)) break;
    }
  } finally {
    abort.abort();
  }
  return responses;
}

/**
 * A running bare server.
 * @typedef {object} BareVStreamServer
 * @property {string} address host:port
 * @property {() => Promise<void>} close
 */

/**
 * Starts the bare server on a free port of 127.0.0.1. Each VStream call gets `pick(request)`'s
 * recorded responses written in order at the pace the client reads (the call's write buffer full,
 * it waits for 'drain', as vtgate does), then the call ends; a cancelled call stops at once.
 * @param {(request: any) => object[]} pick
 * @returns {Promise<BareVStreamServer>}
 */
export async function startBareVStreamServer(pick) {
  const shared = await startSharedGrpcServer('127.0.0.1', 0);
  shared.server.addService(vitessServerService(), {
    VStream(/** @type {any} */ call) {
      const responses = pick(call.request);
      let next = 0;
      let cancelled = false;
      call.once('cancelled', () => (cancelled = true));
      const write = () => {
        while (!cancelled && next < responses.length) {
          if (!call.write(responses[next++])) {
            call.once('drain', write);
            return;
          }
        }
        if (!cancelled) call.end();
      };
      write();
    },
  });
  return { address: `127.0.0.1:${shared.port}`, close: () => shared.close(0) };
}
