/**
 * The tablet's gRPC contract on disk: `queryservice.Query` and `tabletmanagerservice.TabletManager`
 * (and vtsim's own `vtsimbinlog.BinlogDump`, the replication stream between tablet processes)
 * loaded from the repository's `.proto` files with vtsim's proto-loader options (proto field names,
 * 64-bit integers as decimal strings, enums as numbers, defaults filled).
 */
import { loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_DIR } from '@vtsim/proto';

/** The generated client classes of the tablet's services (their `.service` is what a server adds). */
export interface TabletProtos {
  readonly Query: ServiceClientConstructor;
  readonly TabletManager: ServiceClientConstructor;
  readonly BinlogDump: ServiceClientConstructor;
}

/**
 * The largest message either side accepts, as Vitess's `--grpc_max_message_size` (16 MiB) sets it
 * for vttablet and its clients (grpc-js would otherwise refuse answers over 4 MiB).
 */
export const GRPC_MESSAGE_SIZE_OPTIONS = { 'grpc.max_receive_message_length': 16 * 1024 * 1024, 'grpc.max_send_message_length': 16 * 1024 * 1024 };

let loaded: TabletProtos | undefined;

/** Loads (once) the tablet's services. Throws if a `.proto` file is missing or does not parse. */
export function loadTabletProtos(): TabletProtos {
  if (!loaded) {
    const definition = loadSync(['queryservice.proto', 'tabletmanagerservice.proto', 'vtsimbinlog.proto'], {
      keepCase: true,
      longs: String,
      enums: Number,
      defaults: true,
      oneofs: true,
      includeDirs: [PROTO_DIR],
    });
    const grpc = loadPackageDefinition(definition) as Record<string, Record<string, ServiceClientConstructor>>;
    loaded = { Query: grpc.queryservice!.Query!, TabletManager: grpc.tabletmanagerservice!.TabletManager!, BinlogDump: grpc.vtsimbinlog!.BinlogDump! };
  }
  return loaded;
}
