/**
 * `vtsim vtgate`: vtgate in its own process, as the local example's vtgate-up.sh starts it, on the
 * etcd topology: the MySQL protocol on `--mysql_server_port`, `vtgateservice.Vitess` on
 * `--grpc_port`, `/debug/status` and `/debug/vars` on `--port`, until SIGINT/SIGTERM; every tablet
 * is reached over gRPC at its record's address. As Vitess's vtgate, it first waits (up to
 * `--gateway_initial_tablet_timeout`) for a healthy tablet of each `--tablet_types_to_wait` type in
 * every shard the cell serves, then serves anyway, warning, when some have none: its ports open
 * only after that wait.
 */
import type { Logger } from '@vtsim/binlog';
import { parseTabletType, TabletType } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import { startVtgateHttpServer, type Vtgate } from '@vtsim/vtgate';
import { authFlagsFrom } from './auth-flags.js';
import { checkServiceMap, COMPONENT_FLAGS_USAGE, parseComponentFlags, portFlag, runComponent } from './component-process.js';

const USAGE = `usage: vtsim vtgate [--port 15001] [--grpc_port 15991] [--mysql_server_port 15306] [--mysql_server_bind_address ADDR]
                   [--cell zone1] [--cells_to_watch zone1] [--tablet_types_to_wait PRIMARY,REPLICA]
                   [--gateway_initial_tablet_timeout 30s] [--service_map grpc-vtgateservice] [--enable_buffer]
                   [--mysql_auth_server_impl none|static] [--mysql_auth_server_static_file F] [--mysql_auth_server_static_string JSON]
                   [--grpc_auth_mode static --grpc_auth_static_password_file F] [--vschema_ddl_authorized_users U]
                   [--mysql_server_version V]
${COMPONENT_FLAGS_USAGE}

Runs vtgate in this process until SIGINT/SIGTERM: MySQL on --mysql_server_port, vtgateservice.Vitess on
--grpc_port, /debug/status and /debug/vars on --port (web). Tablets are reached over gRPC, as their
topology records advertise. It watches its own cell (--cells_to_watch may name only it); writes wait
out a failover only with --enable_buffer, as in Vitess. As Vitess's vtgate, it opens its MySQL and
gRPC ports once every shard the cell serves has a healthy tablet of each --tablet_types_to_wait
type, or after --gateway_initial_tablet_timeout with a warning.`;

const FLAGS = {
  port: { type: 'int' },
  'grpc-port': { type: 'int' },
  'mysql-server-port': { type: 'int' },
  'mysql-server-bind-address': { type: 'string' },
  cell: { type: 'string' },
  'cells-to-watch': { type: 'stringSlice' },
  'tablet-types-to-wait': { type: 'stringSlice' },
  'gateway-initial-tablet-timeout': { type: 'duration' },
  'service-map': { type: 'stringSlice' },
  'enable-buffer': { type: 'bool' },
  'mysql-auth-server-impl': { type: 'string' },
  'mysql-auth-server-static-file': { type: 'string' },
  'mysql-auth-server-static-string': { type: 'string' },
  'mysql-auth-static-reload-interval': { type: 'string' },
  'grpc-auth-mode': { type: 'string' },
  'grpc-auth-static-password-file': { type: 'string' },
  'vschema-ddl-authorized-users': { type: 'string' },
  'mysql-server-version': { type: 'string' },
} as const;

/** Vitess's `--gateway_initial_tablet_timeout` default. */
const INITIAL_TABLET_TIMEOUT_MS = 30_000;

/** `--tablet_types_to_wait`: tablet type names, as Vitess's topoproto parses them. */
function tabletTypesToWait(names: string[] | undefined): TabletType[] {
  return (names ?? []).map((name) => {
    const type = parseTabletType(name);
    if (type === undefined) throw new Error(`invalid --tablet_types_to_wait: unknown TabletType ${name}`);
    return type;
  });
}

/**
 * Vitess's TabletGateway.WaitForTablets: waits until every target the cell's SrvKeyspaces serve
 * with one of `types` (each shard of each partition of those types) has a healthy tablet, for at
 * most `timeoutMs`; past it, warns and returns (vtgate serves in a degraded mode).
 */
async function waitForTablets(vtgate: Vtgate, topo: TopoServer, cell: string, types: TabletType[], timeoutMs: number, logger: Logger): Promise<void> {
  if (types.length === 0) return;
  const typeNames = types.map((t) => TabletType[t]).join(',');
  logger.info(`gateway waiting for serving tablets of types ${typeNames}`, { component: 'vtgate' });
  const targets: { keyspace: string; shard: string; type: TabletType }[] = [];
  for (const keyspace of await topo.getSrvKeyspaceNames(cell)) {
    for (const partition of (await topo.getSrvKeyspace(cell, keyspace)).partitions) {
      if (!types.includes(partition.served_type)) continue;
      for (const ref of partition.shard_references) targets.push({ keyspace, shard: ref.name, type: partition.served_type });
    }
  }
  const missing = () => targets.filter((t) => vtgate.healthCheck.healthyTablets(t.keyspace, t.shard, t.type).length === 0);
  if (missing().length === 0) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop();
      resolve();
    };
    const timer = setTimeout(() => {
      const names = missing().map((t) => `${t.keyspace}/${t.shard} ${TabletType[t.type]}`);
      logger.warn(`timeout waiting for all keyspaces / shards to have healthy tablets of types ${typeNames}, may be in degraded mode`, { component: 'vtgate', missing: names.join(', ') });
      done();
    }, timeoutMs);
    const stop = vtgate.healthCheck.onChange(() => {
      if (missing().length === 0) done();
    });
  });
}

/** Runs `vtsim vtgate …` with `args` (after `vtgate`); resolves with the exit code once it stops. */
export async function vtgateMain(args: readonly string[], out: (line: string) => void): Promise<number> {
  const flags = parseComponentFlags(args, FLAGS);
  if (flags.help) {
    out(USAGE);
    return 0;
  }
  const str = (name: keyof typeof FLAGS) => flags[name] as string | undefined;
  checkServiceMap(flags['service-map'] as string[] | undefined, ['grpc-vtgateservice'], 'grpc-vtgateservice', 'vtgate');
  const cell = str('cell') ?? 'zone1';
  const watched = flags['cells-to-watch'] as string[] | undefined;
  if (watched && watched.some((c) => c !== cell)) throw new Error(`--cells_to_watch ${watched.join(',')}: vtsim's vtgate watches its own cell (${cell}) only`);
  const types = tabletTypesToWait(flags['tablet-types-to-wait'] as string[] | undefined);
  const timeoutMs = (flags['gateway-initial-tablet-timeout'] as number | undefined) ?? INITIAL_TABLET_TIMEOUT_MS;
  const impl = str('mysql-auth-server-impl') ?? 'static';
  if (impl !== 'none' && impl !== 'static') throw new Error(`--mysql_auth_server_impl ${impl}: vtsim's vtgate has none and static`);
  const auth = authFlagsFrom({
    mysql_auth_server_static_file: str('mysql-auth-server-static-file'),
    mysql_auth_server_static_string: str('mysql-auth-server-static-string'),
    mysql_auth_static_reload_interval: str('mysql-auth-static-reload-interval'),
    grpc_auth_mode: str('grpc-auth-mode'),
    grpc_auth_static_password_file: str('grpc-auth-static-password-file'),
  });
  if (impl === 'none' && auth.mysqlAuth) throw new Error('--mysql_auth_server_impl none takes no --mysql_auth_server_static_* flags');
  const webPort = portFlag(flags, 'port', 15001);
  const grpcPort = portFlag(flags, 'grpc-port', 15991);
  const mysqlPort = portFlag(flags, 'mysql-server-port', 15306);
  const mysqlHost = str('mysql-server-bind-address');
  return runComponent(
    {
      name: 'vtgate',
      flags,
      cell,
      // vtgate's gRPC port listens on its MySQL address (Vtgate's mysqlHost).
      ports: [{ port: webPort, what: 'vtgate web' }, { port: grpcPort, what: 'vtgate gRPC', host: mysqlHost }, { port: mysqlPort, what: 'vtgate MySQL', host: mysqlHost }],
      cluster: {
        mysqlPort,
        grpcPort,
        mysqlHost,
        vtgateBuffer: flags['enable-buffer'] === true,
        auth,
        vschemaDdlAuthorizedUsers: str('vschema-ddl-authorized-users'),
        mysqlServerVersion: str('mysql-server-version'),
      },
      async start(cluster, host, logger) {
        // As Vitess's vtgate: the MySQL and gRPC ports open once the tablets were waited for.
        const vtgate = await cluster.startVtgate({}, (starting) => waitForTablets(starting, cluster.topo, cell, types, timeoutMs, logger));
        // The web port answers last, as vtgate-up.sh waits for it.
        const web = await startVtgateHttpServer(vtgate, host, webPort);
        return {
          ready: `vtgate serving: mysql ${vtgate.mysqlAddress?.host}:${vtgate.mysqlAddress?.port}, grpc ${vtgate.grpcAddress?.host}:${vtgate.grpcAddress?.port}, web ${host}:${web.port}`,
          close: () => web.close(),
        };
      },
    },
    out,
  );
}
