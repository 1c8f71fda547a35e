/**
 * vtctld's gRPC server: `vtctlservice.Vtctld` backed by a Vtctld. Each RPC calls the Vtctld
 * method of the same name (first letter lower-cased); RPCs without such a method answer
 * UNIMPLEMENTED. Errors go out with their vtrpc code as the gRPC status and their message as
 * the details. The same server serves the legacy `vtctlservice.Vtctl` (vtctl-service.ts). Both
 * can also be added to a shared server (vtcombo's one gRPC port, next to vtgate's service).
 */
import { Server, ServerCredentials, status as GrpcStatus, type ServiceError, type UntypedServiceImplementation, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { Code } from '@vtsim/proto';
import { withGrpcAuth, type StaticAuthPlugin } from '@vtsim/vttablet';
import type { Vtctld } from '../vtctld.js';
import { toVtError } from '../vtctld-error.js';
import { vtctlServerServices } from './proto-files.js';
import { vtctlServiceImplementation } from './vtctl-service.js';

/** Where and what to serve. */
export interface VtctldGrpcServerOptions {
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Port (15999 in the local example; 0 picks a free one). */
  port: number;
  vtctld: Vtctld;
  /** How long close() lets calls finish before cutting them off, in ms (default 1000). */
  shutdownGraceMs?: number;
  /** Checks every call's credentials (`--grpc_auth_mode static`); omitted, every call is served. */
  auth?: StaticAuthPlugin;
}

/** A running server; close() stops it (idempotent). */
export interface VtctldGrpcServer {
  readonly port: number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The gRPC status of a vtrpc code (0–16 are the same numbers; vtsim's two extra codes fold in). */
export function grpcStatusOf(code: Code): number {
  if (code === Code.CLUSTER_EVENT) return GrpcStatus.UNAVAILABLE;
  if (code === Code.READ_ONLY) return GrpcStatus.FAILED_PRECONDITION;
  return code;
}

/** The Vtctld method serving an RPC (`GetTablets` → `getTablets`), bound to it; undefined when there is none. */
export function vtctldMethod(vtctld: Vtctld, rpc: string): ((req: unknown) => Promise<unknown>) | undefined {
  const method = (vtctld as unknown as Record<string, unknown>)[rpc.charAt(0).toLowerCase() + rpc.slice(1)];
  return typeof method === 'function' ? (method as (req: unknown) => Promise<unknown>).bind(vtctld) : undefined;
}

/** Builds the handler table: one unary handler per Vtctld method the service declares. */
function implementation(vtctld: Vtctld, rpcNames: readonly string[]): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {};
  for (const rpc of rpcNames) {
    const method = vtctldMethod(vtctld, rpc);
    if (!method) continue;
    impl[rpc] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      Promise.resolve()
        .then(() => method(call.request))
        .then(
          (response) => callback(null, response),
          (err: unknown) => {
            const e = toVtError(err);
            const failure: Partial<ServiceError> = { code: grpcStatusOf(e.code), details: e.message, message: e.message };
            callback(failure);
          },
        );
    };
  }
  return impl;
}

/** vtctld's services on a gRPC server; detach() takes them off again. */
export interface VtctldServices {
  /** Removes `vtctlservice.Vtctld` and `vtctlservice.Vtctl` from their server (new calls answer UNIMPLEMENTED). */
  detach(): void;
}

/**
 * Adds `vtctlservice.Vtctld` and the legacy `vtctlservice.Vtctl` to a grpc-js server, running or not:
 * vtcombo's one gRPC port serves them next to vtgate's service. Throws if the server already has them.
 */
export function addVtctldServices(server: Pick<Server, 'addService' | 'removeService'>, opts: Pick<VtctldGrpcServerOptions, 'vtctld' | 'auth'>): VtctldServices {
  const { service, vtctlService } = vtctlServerServices();
  server.addService(service, withGrpcAuth(implementation(opts.vtctld, Object.keys(service)), opts.auth));
  server.addService(vtctlService, withGrpcAuth(vtctlServiceImplementation(opts.vtctld), opts.auth));
  return {
    detach: () => {
      server.removeService(service);
      server.removeService(vtctlService);
    },
  };
}

/** Starts serving `vtctlservice.Vtctld` on host:port; rejects if the port is taken. */
export async function startVtctldGrpcServer(opts: VtctldGrpcServerOptions): Promise<VtctldGrpcServer> {
  const server = new Server();
  addVtctldServices(server, opts);
  const host = opts.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${opts.port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => server.forceShutdown(), opts.shutdownGraceMs ?? 1000);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    }));
  return { port, close, [Symbol.asyncDispose]: close };
}
