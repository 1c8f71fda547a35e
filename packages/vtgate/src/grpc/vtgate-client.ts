/**
 * VtgateClient: a client of `vtgateservice.Vitess` built only from the `.proto` files, as any
 * Vitess client would be: requests and responses are plain objects with the proto's field names
 * (see {@link protoLoaderOptions} for how values decode).
 */
import { Client, credentials, Metadata, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { Code, VtError } from '@vtsim/proto';
import { loadVitessProtos, type EnumDecoding } from './proto-files.js';
import type { ProtoSchema } from './proto-schema.js';

/**
 * A message as the client decodes it: proto field names, every field present (proto3 defaults
 * filled, absent messages null), 64-bit integers as decimal strings, bytes as Buffers, enums as
 * names or numbers as chosen.
 */
export type DecodedMessage = { [field: string]: any };

/** How to connect. */
export interface VtgateClientOptions {
  /** Enum decoding, default `names`. */
  enums?: EnumDecoding;
  /** Largest response accepted; default 16 MiB (vtgate's own limit). */
  maxReceiveMessageLength?: number;
  /**
   * Metadata sent with every call, e.g. `{ username, password }` for a vtgate with
   * `--grpc_auth_mode static` (what Vitess's `--grpc_auth_static_client_creds` sends).
   */
  metadata?: Record<string, string>;
}

type UnaryCallback = (err: ServiceError | null, response?: DecodedMessage) => void;

interface VitessStub extends Client {
  VStream(request: object, metadata: Metadata): ClientReadableStream<DecodedMessage>;
  StreamExecute(request: object, metadata: Metadata): ClientReadableStream<DecodedMessage>;
  Execute(request: object, metadata: Metadata, callback: UnaryCallback): void;
  ExecuteBatch(request: object, metadata: Metadata, callback: UnaryCallback): void;
  CloseSession(request: object, metadata: Metadata, callback: UnaryCallback): void;
  Prepare(request: object, metadata: Metadata, callback: UnaryCallback): void;
}

/** A connection to vtgate's gRPC port. Failures surface as VtError with the status code and details. */
export class VtgateClient {
  private constructor(
    private readonly stub: VitessStub,
    /** The reflection schema of the `.proto` files the client was built from. */
    readonly schema: ProtoSchema,
    private readonly metadata: Record<string, string>,
  ) {}

  /** Connects (lazily, on the first call) to `host:port`. */
  static connect(address: string, opts: VtgateClientOptions = {}): VtgateClient {
    const protos = loadVitessProtos(opts.enums ?? 'names');
    const stub = new protos.VitessClient(address, credentials.createInsecure(), {
      'grpc.max_receive_message_length': opts.maxReceiveMessageLength ?? 16 * 1024 * 1024,
    }) as unknown as VitessStub;
    return new VtgateClient(stub, protos.schema, opts.metadata ?? {});
  }

  /** A fresh Metadata for one call (grpc-js must not see the same object twice). */
  private md(): Metadata {
    const md = new Metadata();
    for (const [key, value] of Object.entries(this.metadata)) md.set(key, value);
    return md;
  }

  /**
   * Streams a `vtgate.VStreamRequest`'s responses. Reading slowly slows the server (gRPC flow
   * control). Aborting `signal`, or leaving the loop early, cancels the call and ends the iteration
   * quietly; a server error ends it with a VtError.
   */
  vstream(request: object, signal?: AbortSignal): AsyncIterable<DecodedMessage> {
    return this.serverStream(() => this.stub.VStream(request, this.md()), signal);
  }

  /** Streams a `vtgate.StreamExecuteRequest`'s responses (fields, rows, then the session). */
  streamExecute(request: object, signal?: AbortSignal): AsyncIterable<DecodedMessage> {
    return this.serverStream(() => this.stub.StreamExecute(request, this.md()), signal);
  }

  /** Runs a `vtgate.ExecuteRequest`; SQL errors come back in the response's `error`, not as a rejection. */
  execute(request: object): Promise<DecodedMessage> {
    return this.unary((cb) => this.stub.Execute(request, this.md(), cb));
  }

  /** Runs a `vtgate.ExecuteBatchRequest`. */
  executeBatch(request: object): Promise<DecodedMessage> {
    return this.unary((cb) => this.stub.ExecuteBatch(request, this.md(), cb));
  }

  /** Ends a session (`vtgate.CloseSessionRequest`). */
  closeSession(request: object): Promise<DecodedMessage> {
    return this.unary((cb) => this.stub.CloseSession(request, this.md(), cb));
  }

  /** Describes a statement's result fields without running it (`vtgate.PrepareRequest`). */
  prepare(request: object): Promise<DecodedMessage> {
    return this.unary((cb) => this.stub.Prepare(request, this.md(), cb));
  }

  /** Closes the channel. */
  close(): void {
    this.stub.close();
  }

  private async *serverStream(start: () => ClientReadableStream<DecodedMessage>, signal?: AbortSignal): AsyncGenerator<DecodedMessage> {
    if (signal?.aborted) return;
    const call = start();
    const cancel = (): void => call.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      for await (const response of call) yield response as DecodedMessage;
    } catch (err) {
      if (signal?.aborted && (err as ServiceError).code === status.CANCELLED) return;
      throw clientError(err);
    } finally {
      signal?.removeEventListener('abort', cancel);
      call.cancel();
    }
  }

  private unary(start: (cb: (err: ServiceError | null, response?: DecodedMessage) => void) => void): Promise<DecodedMessage> {
    return new Promise((resolve, reject) => start((err, response) => (err ? reject(clientError(err)) : resolve(response!))));
  }
}

/** A call's failure as a VtError: the gRPC status code (a vtrpc code) and its details. */
function clientError(err: unknown): VtError {
  const e = err as Partial<ServiceError>;
  if (typeof e.code === 'number') return new VtError(e.code as number as Code, e.details ?? e.message ?? '');
  return new VtError(Code.UNKNOWN, err instanceof Error ? err.message : String(err));
}
