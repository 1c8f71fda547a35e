/**
 * gRPC service definitions for a server, read from `.proto` files with protobufjs: exactly the
 * methods, paths and message encodings @grpc/proto-loader's `loadSync` + grpc-js's
 * `loadPackageDefinition` give (same parser, same `toObject` conversion options), without the
 * descriptor of every message type proto-loader also builds for reflection and clients, which
 * costs a cluster process more start-up CPU than parsing the files (vtctlservice's ~200 types).
 */
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
 * Parses `files` (and what they import) from `includeDir` and returns the definition of each
 * service in `services` (fully qualified, `vtctlservice.Vtctld`). Throws if a file is missing or
 * invalid, or a service is not declared.
 */
export function loadGrpcServiceDefinitions(
  files: readonly string[],
  includeDir: string,
  services: readonly string[],
  options: ProtoConversionOptions,
): Record<string, GrpcServiceDefinition> {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(includeDir, target));
  root.loadSync([...files], { keepCase: options.keepCase ?? false });
  root.resolveAll();
  const definitions: Record<string, GrpcServiceDefinition> = {};
  for (const name of services) {
    const service = root.lookupService(name);
    const definition: GrpcServiceDefinition = {};
    for (const method of service.methodsArray) {
      const request = method.resolvedRequestType!;
      const response = method.resolvedResponseType!;
      definition[method.name] = {
        path: `/${name}/${method.name}`,
        requestStream: !!method.requestStream,
        responseStream: !!method.responseStream,
        requestSerialize: serializer(request),
        requestDeserialize: (bytes) => request.toObject(request.decode(bytes), options),
        responseSerialize: serializer(response),
        responseDeserialize: (bytes) => response.toObject(response.decode(bytes), options),
      };
    }
    definitions[name] = definition;
  }
  return definitions;
}

/** Encodes a plain object as `type` (converted with fromObject first), refusing arrays as proto-loader does. */
function serializer(type: protobuf.Type): (value: unknown) => Buffer {
  return (value) => {
    if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`);
    return type.encode(type.fromObject(value as Record<string, unknown>)).finish() as Buffer;
  };
}
