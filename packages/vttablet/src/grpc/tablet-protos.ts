/**
 * The tablet's gRPC contract on disk: `queryservice.Query` and `tabletmanagerservice.TabletManager`
 * loaded from the repository's `.proto` files with vtsim's proto-loader options (proto field names,
 * 64-bit integers as decimal strings, enums as numbers, defaults filled).
 */
import { loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_DIR } from '@vtsim/proto';

/** The generated client classes of the tablet's two services (their `.service` is what a server adds). */
export interface TabletProtos {
  readonly Query: ServiceClientConstructor;
  readonly TabletManager: ServiceClientConstructor;
}

let loaded: TabletProtos | undefined;

/** Loads (once) the tablet's services. Throws if a `.proto` file is missing or does not parse. */
export function loadTabletProtos(): TabletProtos {
  if (!loaded) {
    const definition = loadSync(['queryservice.proto', 'tabletmanagerservice.proto'], {
      keepCase: true,
      longs: String,
      enums: Number,
      defaults: true,
      oneofs: true,
      includeDirs: [PROTO_DIR],
    });
    const grpc = loadPackageDefinition(definition) as Record<string, Record<string, ServiceClientConstructor>>;
    loaded = { Query: grpc.queryservice!.Query!, TabletManager: grpc.tabletmanagerservice!.TabletManager! };
  }
  return loaded;
}
