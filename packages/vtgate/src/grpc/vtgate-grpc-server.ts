/**
 * vtgate's gRPC server: the `vtgateservice.Vitess` service (VStream, Execute, ExecuteBatch,
 * StreamExecute, Prepare, CloseSession), loaded from the `.proto` files, on a port of its own (the
 * local example's 15991) or added to a shared server (vtcombo's one gRPC port, next to vtctld's).
 */
import { Server, ServerCredentials, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { VStreamResponse } from '@vtsim/proto';
import { withGrpcAuth, type StaticAuthPlugin } from '@vtsim/vttablet';
import type { Executor } from '../executor.js';
import { executeCalls } from './execute-calls.js';
import { GrpcSessionStore } from './grpc-session-store.js';
import { vitessServerService } from './proto-files.js';
import { serveVStream, type VStreamFunction } from './vstream-call.js';

/** vtgate's gRPC port in the local example. */
export const VTGATE_GRPC_PORT = 15991;

/** Largest message vtgate sends or accepts, as Vitess's default `grpc_max_message_size`. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** The grpc-js server options vtgate serves with (Vitess's default `grpc_max_message_size` both ways). */
const VTGATE_GRPC_SERVER_OPTIONS = { 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.max_send_message_length': MAX_MESSAGE_BYTES } as const;

/** What vtgate's `vtgateservice.Vitess` service serves (on its own server or a shared one). */
export interface VtgateServiceOptions {
  /** Runs Execute/ExecuteBatch/StreamExecute/Prepare statements; without it those calls answer UNIMPLEMENTED. */
  executor?: Executor;
  /** Produces each VStream's responses. */
  vstream: VStreamFunction;
  /** Most gRPC sessions kept (least recently used idle ones are closed beyond it); default 10000. */
  maxSessions?: number;
  /** Checks every call's credentials (`--grpc_auth_mode static`); omitted, every call is served. */
  auth?: StaticAuthPlugin;
}

/** How to start vtgate's gRPC server. */
export interface VtgateGrpcServerOptions extends VtgateServiceOptions {
  /** Listen address, default 127.0.0.1. */
  host?: string;
  /** Port, 15991 in the local example; 0 for any free port. */
  port: number;
  /** How long close() lets calls finish before cutting them (open VStreams included); default 1000 ms. */
  shutdownGraceMs?: number;
}

/** vtgate's service on a gRPC server; detach() takes it off again. */
export interface VtgateServices {
  /**
   * Removes the service from its server (new calls answer UNIMPLEMENTED), ends the calls in flight
   * (open VStreams included) and rolls back open gRPC-session transactions. Idempotent.
   */
  detach(): Promise<void>;
}

/**
 * Adds `vtgateservice.Vitess` to a grpc-js server, running or not: vtcombo's one gRPC port serves
 * it next to vtctld's services. Throws if the server already has it.
 */
export function addVtgateServices(server: GrpcServiceHost, opts: VtgateServiceOptions): VtgateServices {
  return addServices(server, opts).services;
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

/** Builds the handlers, adds the service, and returns how to end its calls and sessions. */
function addServices(server: GrpcServiceHost, opts: VtgateServiceOptions): { services: VtgateServices; end(): Promise<void> } {
  const shutdown = new AbortController();
  const sessions = opts.executor ? new GrpcSessionStore(opts.executor, opts.maxSessions) : undefined;
  const handlers: UntypedServiceImplementation = {
    ...(opts.executor && sessions ? executeCalls(opts.executor, sessions, shutdown.signal, opts.auth !== undefined) : {}),
    VStream(call: ServerWritableStream<unknown, VStreamResponse>): void {
      void serveVStream(call, opts.vstream, shutdown.signal);
    },
  };
  const service = vitessServerService();
  server.addService(service, withGrpcAuth(handlers, opts.auth));
  let ending: Promise<void> | undefined;
  const end = (): Promise<void> => (ending ??= (async () => {
    shutdown.abort();
    await sessions?.closeAll();
  })());
  let detaching: Promise<void> | undefined;
  const detach = (): Promise<void> => (detaching ??= (async () => {
    server.removeService(service);
    await end();
  })());
  return { services: { detach }, end };
}

/**
 * What services need of a gRPC server to be served on it. grpc-js's Server is one; the interface
 * keeps grpc-js's types out of the options of Vtgate (and so out of the package's public types).
 */
export interface GrpcServiceHost {
  addService(service: object, implementation: object): void;
  removeService(service: object): void;
}

/**
 * A bound gRPC server several components add their services to: vtcombo's (vttestserver's) one
 * gRPC port serving vtgate's and vtctld's services together.
 */
export interface SharedGrpcServer {
  readonly server: GrpcServiceHost;
  readonly host: string;
  /** The port it listens on (the chosen one when started with port 0). */
  readonly port: number;
  /** Stops accepting calls, lets calls in flight finish for up to `graceMs` (default 1000), then cuts them. Idempotent. */
  close(graceMs?: number): Promise<void>;
}

/** Binds an empty gRPC server (vtgate's message limits) on host:port; rejects if the address cannot be bound. */
export async function startSharedGrpcServer(host: string, port: number): Promise<SharedGrpcServer> {
  const server = new Server(VTGATE_GRPC_SERVER_OPTIONS);
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  let closing: Promise<void> | undefined;
  const close = (graceMs = 1000): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    }));
  return { server, host, port: bound, close };
}

/** Starts the server. Rejects if the address cannot be bound. */
export async function startVtgateGrpcServer(opts: VtgateGrpcServerOptions): Promise<VtgateGrpcServer> {
  const host = opts.host ?? '127.0.0.1';
  const shared = await startSharedGrpcServer(host, opts.port);
  const { end } = addServices(shared.server, opts);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      // Calls still open after the grace period are cut: their streams end first, then the transport.
      const graceMs = opts.shutdownGraceMs ?? 1000;
      const timer = setTimeout(() => void end(), graceMs);
      await shared.close(graceMs);
      clearTimeout(timer);
      await end();
    })());
  return { host, port: shared.port, close, [Symbol.asyncDispose]: close };
}
