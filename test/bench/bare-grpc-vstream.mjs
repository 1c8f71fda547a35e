/**
 * The streaming reference of the VStream benchmarks: a bare grpc-js server serving
 * `vtgateservice.Vitess/VStream` from the same `.proto` files and with the same server options as
 * vtgate (its message size limits: the server comes from vtgate's own startSharedGrpcServer), that
 * replays VStreamResponse messages recorded from vtsim's own stream, from memory. What a client
 * gets from it per second is the cost of gRPC itself (serializing, HTTP/2, the client's decoding).
 */
import { loadVitessProtos, startSharedGrpcServer, VtgateClient } from '@vtsim/vtgate';

/**
 * Records the responses of a VStream from vtgate at `address`, as vtgate's gRPC server would be
 * handed them again (enums as numbers): from the request's start until `done(response)` says the
 * last one arrived.
 * @param {string} address host:port
 * @param {object} request a `vtgate.VStreamRequest`
 * @param {(response: import('@vtsim/vtgate').DecodedMessage) => boolean} done
 * @returns {Promise<object[]>}
 */
export async function recordVStream(address, request, done) {
  const client = VtgateClient.connect(address, { enums: 'numbers' });
  const abort = new AbortController();
  const responses = [];
  try {
    for await (const response of client.vstream(request, abort.signal)) {
      responses.push(response);
      if (done(response)) abort.abort();
    }
  } finally {
    client.close();
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
  shared.server.addService(loadVitessProtos('numbers').vitessService, {
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
