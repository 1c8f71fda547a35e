/**
 * The JSON config vttestserver prints on one stdout line once it serves (vttest's
 * LocalCluster.JSONConfig): where vtcombo's web and gRPC ports and vtgate's MySQL port are. vtsim
 * runs no mysqld: `socket` is empty and `mysql` names the port vttestserver would give its mysqld
 * (base+2), where nothing listens.
 */

/** The addresses of a running cluster, as `vtsim up` knows them. */
export interface ServingAddresses {
  /** vtcombo's bind address (web and gRPC). */
  host: string;
  webPort: number;
  /** The gRPC port serving vtgate's service (with vtctld's, on vtcombo's one port). */
  grpcPort: number | undefined;
  mysqlPort: number;
}

/**
 * JSONConfig's keys: `bind_address`, `port`, `grpc-bind-address`, `socket`, `vtcombo_mysql_port`,
 * `mysql` and `grpc-port`, plus `grpc_port`, the spelling of Vitess releases before the dashed flags,
 * which clients of those releases read.
 */
export function vttestserverJsonConfig(addr: ServingAddresses): Record<string, string | number> {
  const config: Record<string, string | number> = {
    bind_address: addr.host,
    port: addr.webPort,
    'grpc-bind-address': addr.host,
    socket: '',
    vtcombo_mysql_port: addr.mysqlPort,
    mysql: addr.webPort + 2,
  };
  if (addr.grpcPort) {
    config['grpc-port'] = addr.grpcPort;
    config.grpc_port = addr.grpcPort;
  }
  return config;
}
