/**
 * gRPC service definitions for a server, read from `.proto` files with protobufjs: exactly the
 * methods, paths and message encodings @grpc/proto-loader's `loadSync` + grpc-js's
 * `loadPackageDefinition` give (same parser, same `toObject` conversion options), without the
 * descriptor of every message type proto-loader also builds for reflection and clients, and with
 * the message types parsed on first use: together most of a cluster process's gRPC start-up CPU
 * (vtctlservice's ~200 types).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import protobuf from 'protobufjs';

/**
 * Field names as declared (`keepCase`) and how decoded messages look: protobufjs's
 * IConversionOptions, as proto-loader's options pass them on (`String`, `Number`, `Array`).
 */
export interface ProtoConversionOptions {
  keepCase?: boolean;
  longs?: Function;
  enums?: Function;
  bytes?: Function;
  defaults?: boolean;
  oneofs?: boolean;
}

/** One RPC as grpc-js's `Server.addService` takes it (its MethodDefinition). */
export interface GrpcMethodDefinition {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize: (value: unknown) => Buffer;
  requestDeserialize: (bytes: Buffer) => unknown;
  responseSerialize: (value: unknown) => Buffer;
  responseDeserialize: (bytes: Buffer) => unknown;
}

/** A service's RPCs by method name (grpc-js's ServiceDefinition). */
export type GrpcServiceDefinition = Record<string, GrpcMethodDefinition>;

/**
 * The definition of each service in `services` (fully qualified, `vtctlservice.Vtctld`), declared
 * in `serviceFile` under `includeDir`. Only that file is parsed now (its RPCs: names, paths,
 * streaming kinds); the file with everything it imports is loaded on the first message a method
 * encodes or decodes, so a server starts without parsing every message type it may never see.
 * Throws if the service file is missing or invalid, or declares no such service; a missing or
 * invalid import fails that first call.
 *
 * `typedResponses` names methods (`vtgateservice.Vitess/VStream`) whose responses the server builds
 * with each field's wire type already (enums as numbers, 64-bit integers as numbers or decimal
 * strings, bytes as Uint8Array, nested messages as objects): they are encoded as they are, without
 * protobufjs's fromObject first making a converted copy of every message (for a VStream, a
 * Long per row length), which is most of the encoding's allocations.
 */
export function loadGrpcServiceDefinitions(
  serviceFile: string,
  includeDir: string,
  services: readonly string[],
  options: ProtoConversionOptions,
  typedResponses: readonly string[] = [],
): Record<string, GrpcServiceDefinition> {
  const declared = protobuf.parse(readFileSync(join(includeDir, serviceFile), 'utf8'), { keepCase: options.keepCase ?? false }).root;
  let loaded: protobuf.Root | undefined;
  const load = (): protobuf.Root => {
    if (!loaded) {
      const root = new protobuf.Root();
      root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(includeDir, target));
      root.loadSync(serviceFile, { keepCase: options.keepCase ?? false });
      root.resolveAll();
      loaded = root;
    }
    return loaded;
  };
  const definitions: Record<string, GrpcServiceDefinition> = {};
  for (const name of services) {
    const definition: GrpcServiceDefinition = {};
    for (const method of declared.lookupService(name).methodsArray) {
      let types: { request: protobuf.Type; response: protobuf.Type } | undefined;
      const resolved = () => {
        if (!types) {
          const m = load().lookupService(name).methods[method.name]!;
          types = { request: m.resolvedRequestType!, response: m.resolvedResponseType! };
        }
        return types;
      };
      definition[method.name] = {
        path: `/${name}/${method.name}`,
        requestStream: !!method.requestStream,
        responseStream: !!method.responseStream,
        requestSerialize: (value) => serialize(resolved().request, value),
        requestDeserialize: (bytes) => resolved().request.toObject(resolved().request.decode(bytes), options),
        responseSerialize: typedResponses.includes(`${name}/${method.name}`)
          ? (value) => resolved().response.encode(value as Record<string, unknown>).finish() as Buffer
          : (value) => serialize(resolved().response, value),
        responseDeserialize: (bytes) => resolved().response.toObject(resolved().response.decode(bytes), options),
      };
    }
    definitions[name] = definition;
  }
  return definitions;
}

/** Encodes a plain object as `type` (converted with fromObject first), refusing arrays as proto-loader does. */
function serialize(type: protobuf.Type, value: unknown): Buffer {
  if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`);
  return type.encode(type.fromObject(value as Record<string, unknown>)).finish() as Buffer;
}
