/**
 * vtgate's gRPC server: the `vtgateservice.Vitess` service (VStream, Execute, ExecuteBatch,
 * StreamExecute, Prepare, CloseSession), loaded from the `.proto` files.
 */
import { Server, ServerCredentials, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { VStreamResponse } from '@vtsim/proto';
import { withGrpcAuth, type StaticAuthPlugin } from '@vtsim/vttablet';
import type { Executor } from '../executor.js';
import { executeCalls } from './execute-calls.js';
import { GrpcSessionStore } from './grpc-session-store.js';
import { loadVitessProtos } from './proto-files.js';
import { serveVStream, type VStreamFunction } from './vstream-call.js';

/** vtgate's gRPC port in the local example. */
export const VTGATE_GRPC_PORT = 15991;

/** Largest message vtgate sends or accepts, as Vitess's default `grpc_max_message_size`. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** How to start vtgate's gRPC server. */
export interface VtgateGrpcServerOptions {
  /** Listen address, default 127.0.0.1. */
  host?: string;
  /** Port, 15991 in the local example; 0 for any free port. */
  port: number;
  /** Runs Execute/ExecuteBatch/StreamExecute/Prepare statements; without it those calls answer UNIMPLEMENTED. */
  executor?: Executor;
  /** Produces each VStream's responses. */
  vstream: VStreamFunction;
  /** How long close() lets calls finish before cutting them (open VStreams included); default 1000 ms. */
  shutdownGraceMs?: number;
  /** Most gRPC sessions kept (least recently used idle ones are closed beyond it); default 10000. */
  maxSessions?: number;
  /** Checks every call's credentials (`--grpc_auth_mode static`); omitted, every call is served. */
  auth?: StaticAuthPlugin;
}

/** A running gRPC server. */
export interface VtgateGrpcServer {
  readonly host: string;
  /** The port it listens on (the chosen one when started with port 0). */
  readonly port: number;
  /**
   * Stops accepting calls, waits up to the grace period for calls in flight, then cuts the rest
   * (clients see CANCELLED/UNAVAILABLE) and rolls back open gRPC-session transactions. Idempotent.
   */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts the server. Rejects if the address cannot be bound. */
export async function startVtgateGrpcServer(opts: VtgateGrpcServerOptions): Promise<VtgateGrpcServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = new Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.max_send_message_length': MAX_MESSAGE_BYTES });
  const shutdown = new AbortController();
  const sessions = opts.executor ? new GrpcSessionStore(opts.executor, opts.maxSessions) : undefined;
  const handlers: UntypedServiceImplementation = {
    ...(opts.executor && sessions ? executeCalls(opts.executor, sessions, shutdown.signal) : {}),
    VStream(call: ServerWritableStream<unknown, VStreamResponse>): void {
      void serveVStream(call, opts.vstream, shutdown.signal);
    },
  };
  server.addService(loadVitessProtos('numbers').vitessService, withGrpcAuth(handlers, opts.auth));
  const address = host.includes(':') ? `[${host}]:${opts.port}` : `${host}:${opts.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  const graceMs = opts.shutdownGraceMs ?? 1000;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          shutdown.abort();
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      shutdown.abort();
      await sessions?.closeAll();
    })();
    return closing;
  };
  return { host, port, close, [Symbol.asyncDispose]: close };
}
