/**
 * The wire contract on disk: vtsim's `.proto` files (the repository's `proto/` folder) and how they
 * are loaded with @grpc/proto-loader — proto field names kept (`keepCase`), 64-bit integers as
 * decimal strings (`longs: String`, so nothing loses precision), bytes as Buffers, defaults filled.
 */
import { loadPackageDefinition, type ServiceClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import { PROTO_DIR } from '@vtsim/proto';
import { loadGrpcServiceDefinitions } from '@vtsim/vttablet';
import { ProtoSchema } from './proto-schema.js';
import { vstreamResponseEncoder } from './vstream-response-encoder.js';


/** Every `.proto` file of the vtgate service and what it imports. */
export const PROTO_FILES = ['vtrpc.proto', 'vttime.proto', 'topodata.proto', 'query.proto', 'binlogdata.proto', 'vtgate.proto', 'vtgateservice.proto'] as const;

/**
 * How enum values are decoded: `numbers` matches @vtsim/proto's numeric enums (what the server
 * hands to vtgate's code), `names` is what people read (what clients print).
 */
export type EnumDecoding = 'names' | 'numbers';

/** The loaded contract: the package definition, its gRPC service and its reflection schema. */
export interface VitessProtos {
  readonly packageDefinition: PackageDefinition;
  /** `vtgateservice.Vitess`, for `Server.addService`. */
  readonly vitessService: ServiceDefinition;
  /** The generated client class of `vtgateservice.Vitess`. */
  readonly VitessClient: ServiceClientConstructor;
  readonly schema: ProtoSchema;
}

/** The proto-loader options vtsim uses; only the enum decoding differs between server and clients. */
export function protoLoaderOptions(enums: EnumDecoding): Options {
  return { keepCase: true, longs: String, enums: enums === 'names' ? String : Number, defaults: true, oneofs: true, includeDirs: [PROTO_DIR] };
}

const loaded = new Map<EnumDecoding, VitessProtos>();

/** Loads (once per enum decoding) the `.proto` files. Throws if a file is missing or does not parse. */
export function loadVitessProtos(enums: EnumDecoding = 'names'): VitessProtos {
  let protos = loaded.get(enums);
  if (!protos) {
    const packageDefinition = loadSync([...PROTO_FILES], protoLoaderOptions(enums));
    const grpcObject = loadPackageDefinition(packageDefinition);
    const VitessClient = (grpcObject.vtgateservice as Record<string, ServiceClientConstructor>).Vitess!;
    protos = { packageDefinition, vitessService: VitessClient.service, VitessClient, schema: ProtoSchema.fromPackageDefinition(packageDefinition) };
    loaded.set(enums, protos);
  }
  return protos;
}

let serverService: ServiceDefinition | undefined;

/**
 * `vtgateservice.Vitess` for vtgate's server (enums decoded as numbers), loaded once: the same
 * methods and encodings as `loadVitessProtos('numbers').vitessService`, without the package
 * definition and reflection schema only clients need, its message types parsed on the first call.
 * VStream's responses (vtgate's own VStreamResponse objects, typed as the wire wants them) are
 * encoded without protobufjs's converting copy, their rows events by vstream-response-encoder.ts:
 * the hot path of every VStream.
 */
export function vitessServerService(): ServiceDefinition {
  if (!serverService) {
    const service = loadGrpcServiceDefinitions('vtgateservice.proto', PROTO_DIR, ['vtgateservice.Vitess'], protoLoaderOptions('numbers'), ['vtgateservice.Vitess/VStream'])['vtgateservice.Vitess']!;
    const vstream = service.VStream!;
    serverService = { ...service, VStream: { ...vstream, responseSerialize: vstreamResponseEncoder(vstream.responseSerialize) } } as ServiceDefinition;
  }
  return serverService;
}
