/**
 * A vtctld gRPC client built from the `.proto` files, for commands that print what vtctld
 * answers: responses decode with enum names, base64 bytes and decimal-string 64-bit integers,
 * i.e. protojson's shapes, with fields in protojson's order, so JSON.stringify prints them as
 * Vitess's vtctldclient does.
 */
import { credentials, Metadata, status as GrpcStatus, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadVtctlProtos } from './proto-files.js';
import { protojsonOrder, responseTypeOf } from './protojson-order.js';

/** The Go spelling of each gRPC status code, as `rpc error: code = NotFound desc = …` prints it. */
const CODE_NAMES: Record<number, string> = {
  0: 'OK', 1: 'Canceled', 2: 'Unknown', 3: 'InvalidArgument', 4: 'DeadlineExceeded', 5: 'NotFound', 6: 'AlreadyExists',
  7: 'PermissionDenied', 8: 'ResourceExhausted', 9: 'FailedPrecondition', 10: 'Aborted', 11: 'OutOfRange',
  12: 'Unimplemented', 13: 'Internal', 14: 'Unavailable', 15: 'DataLoss', 16: 'Unauthenticated',
};

/** A failed call: the gRPC status code and vtctld's message. `message` reads like Go's grpc errors. */
export class VtctldCallError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`rpc error: code = ${CODE_NAMES[code] ?? `Code(${code})`} desc = ${details}`);
    this.name = 'VtctldCallError';
  }
}

/** A connection to one vtctld; close() releases it. */
export interface VtctldClient {
  /**
   * Calls one RPC by its name (`GetTablets`) with a request in proto field names. Rejects with a
   * VtctldCallError (UNIMPLEMENTED for an RPC the proto does not declare, DEADLINE_EXCEEDED after
   * `timeoutMs`, UNAVAILABLE when nothing listens at the address).
   */
  call<T = Record<string, unknown>>(rpc: string, request: object, opts?: { timeoutMs?: number }): Promise<T>;
  close(): void;
}

/** How to dial. */
export interface DialVtctldOptions {
  /** Metadata sent with every call, e.g. `{ username, password }` for a vtctld with `--grpc_auth_mode static`. */
  metadata?: Record<string, string>;
}

/** A fresh Metadata holding `entries` (grpc-js must not see the same object on two calls). */
export function callMetadata(entries: Record<string, string> = {}): Metadata {
  const md = new Metadata();
  for (const [key, value] of Object.entries(entries)) md.set(key, value);
  return md;
}

/** Connects to the vtctld at `address` (`host:port`); the connection opens on the first call. */
export function dialVtctld(address: string, dialOpts: DialVtctldOptions = {}): VtctldClient {
  const { VtctldClient: Ctor, packageDefinition } = loadVtctlProtos('client');
  const client: Client = new Ctor(address, credentials.createInsecure());
  const methods = client as unknown as Record<string, unknown>;
  return {
    call<T>(rpc: string, request: object, opts: { timeoutMs?: number } = {}): Promise<T> {
      const method = methods[rpc];
      if (typeof method !== 'function') return Promise.reject(new VtctldCallError(GrpcStatus.UNIMPLEMENTED, `unknown method ${rpc} for service vtctlservice.Vtctld`));
      const deadline = opts.timeoutMs !== undefined ? Date.now() + opts.timeoutMs : Infinity;
      const responseType = responseTypeOf(packageDefinition, rpc);
      return new Promise<T>((resolve, reject) => {
        (method as (req: object, md: Metadata, o: object, cb: (e: ServiceError | null, r: T) => void) => void).call(
          client, request, callMetadata(dialOpts.metadata), { deadline },
          (err, response) => {
            if (err) reject(new VtctldCallError(err.code ?? GrpcStatus.UNKNOWN, err.details ?? err.message));
            else resolve((responseType ? protojsonOrder(packageDefinition, responseType, response) : response) as T);
          },
        );
      });
    },
    close: () => client.close(),
  };
}
