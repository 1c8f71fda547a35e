/**
 * vtctld's wire contract on disk: the repository's `proto/` folder, loaded with
 * @grpc/proto-loader keeping the proto's field names, 64-bit integers as decimal strings and
 * defaults filled in. The server decodes enums as numbers (@vtsim/proto's enums); clients that
 * print decode enums as names and bytes as base64, as protojson does.
 */
import { loadPackageDefinition, type ServiceClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import { PROTO_DIR } from '@vtsim/proto';
import { loadGrpcServiceDefinitions } from '@vtsim/vttablet';


/** How a side of the connection decodes messages: `server` for vtctld, `client` for printing clients. */
export type ProtoDecoding = 'server' | 'client';

/** The proto-loader options for one side. */
export function vtctlProtoOptions(decoding: ProtoDecoding): Options {
  return decoding === 'server'
    ? { keepCase: true, longs: String, enums: Number, defaults: true, oneofs: true, includeDirs: [PROTO_DIR] }
    : { keepCase: true, longs: String, enums: String, bytes: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR] };
}

/** The loaded `vtctlservice.Vtctld` and legacy `vtctlservice.Vtctl`: service definitions (for servers) and client classes. */
export interface VtctlProtos {
  readonly packageDefinition: PackageDefinition;
  readonly service: ServiceDefinition;
  readonly VtctldClient: ServiceClientConstructor;
  /** `vtctlservice.Vtctl` (ExecuteVtctlCommand). */
  readonly vtctlService: ServiceDefinition;
  readonly VtctlClient: ServiceClientConstructor;
}

const loaded = new Map<ProtoDecoding, VtctlProtos>();

/** Loads `vtctlservice.proto` and its imports once per decoding; throws if a file is missing or invalid. */
export function loadVtctlProtos(decoding: ProtoDecoding): VtctlProtos {
  let protos = loaded.get(decoding);
  if (!protos) {
    const packageDefinition = loadSync(['vtctlservice.proto'], vtctlProtoOptions(decoding));
    const pkg = loadPackageDefinition(packageDefinition).vtctlservice as Record<string, ServiceClientConstructor>;
    const VtctldClient = pkg.Vtctld!;
    const VtctlClient = pkg.Vtctl!;
    protos = { packageDefinition, service: VtctldClient.service, VtctldClient, vtctlService: VtctlClient.service, VtctlClient };
    loaded.set(decoding, protos);
  }
  return protos;
}

let serverServices: { service: ServiceDefinition; vtctlService: ServiceDefinition } | undefined;

/**
 * `vtctlservice.Vtctld` and `vtctlservice.Vtctl` for vtctld's server, loaded once: the same methods
 * and encodings as `loadVtctlProtos('server')`'s, without the package definition (every message's
 * descriptor) only clients and protojson ordering need, its message types parsed on the first call.
 */
export function vtctlServerServices(): { service: ServiceDefinition; vtctlService: ServiceDefinition } {
  if (!serverServices) {
    const defs = loadGrpcServiceDefinitions('vtctlservice.proto', PROTO_DIR, ['vtctlservice.Vtctld', 'vtctlservice.Vtctl'], vtctlProtoOptions('server'));
    serverServices = { service: defs['vtctlservice.Vtctld'] as ServiceDefinition, vtctlService: defs['vtctlservice.Vtctl'] as ServiceDefinition };
  }
  return serverServices;
}
