/**
 * `vtsim vtctld`: vtctld in its own process, as the local example's vtctld-up.sh starts it, on the
 * etcd topology: `vtctlservice.Vtctld` (and the legacy `vtctlservice.Vtctl`) on `--grpc_port`,
 * its `/debug/status` page on `--port`, until SIGINT/SIGTERM. Every tablet is reached over gRPC at
 * its record's address (`vtsim vttablet` processes), so the workflows (MoveTables, Reshard,
 * SwitchTraffic) drive the tablets through their TabletManager service and VReplication runs in
 * the target tablets' processes.
 */
import { createServer } from 'node:http';
import { listenHttp } from '@vtsim/vttablet';
import { authFlagsFrom } from './auth-flags.js';
import type { Cluster } from './cluster.js';
import { COMPONENT_FLAGS_USAGE, checkServiceMap, parseComponentFlags, portFlag, runComponent } from './component-process.js';

const USAGE = `usage: vtsim vtctld [--port 15000] [--grpc_port 15999] [--cell zone1]
                   [--service_map grpc-vtctl,grpc-vtctld] [--grpc_auth_mode static --grpc_auth_static_password_file F]
${COMPONENT_FLAGS_USAGE}

Runs vtctld in this process until SIGINT/SIGTERM: vtctlservice.Vtctld and Vtctl on --grpc_port,
/debug/status on --port (web). Tablets are reached over gRPC, as their topology records advertise.`;

/** The services vtctld's --service_map may name; vtsim serves both together. */
const VTCTLD_SERVICES = ['grpc-vtctl', 'grpc-vtctld'];

const FLAGS = {
  port: { type: 'int' },
  'grpc-port': { type: 'int' },
  cell: { type: 'string' },
  'service-map': { type: 'stringSlice' },
  'grpc-auth-mode': { type: 'string' },
  'grpc-auth-static-password-file': { type: 'string' },
} as const;

/** vtctld's `/debug/status`, as text: where it serves and the keyspaces in the topology. */
async function statusPage(cluster: Cluster, grpcPort: number): Promise<string> {
  const keyspaces = await cluster.topo.getKeyspaces();
  return `vtctld (cell ${cluster.cell}): vtctlservice.Vtctld and Vtctl on ${cluster.host}:${grpcPort}\nkeyspaces: ${keyspaces.join(' ')}\n`;
}

/** Runs `vtsim vtctld …` with `args` (after `vtctld`); resolves with the exit code once it stops. */
export async function vtctldMain(args: readonly string[], out: (line: string) => void): Promise<number> {
  const flags = parseComponentFlags(args, FLAGS);
  if (flags.help) {
    out(USAGE);
    return 0;
  }
  checkServiceMap(flags['service-map'] as string[] | undefined, VTCTLD_SERVICES, 'grpc-vtctld', 'vtctld');
  const webPort = portFlag(flags, 'port', 15000);
  const grpcPort = portFlag(flags, 'grpc-port', 15999);
  const { grpcAuth } = authFlagsFrom({ grpc_auth_mode: flags['grpc-auth-mode'], grpc_auth_static_password_file: flags['grpc-auth-static-password-file'] });
  return runComponent(
    {
      name: 'vtctld',
      flags,
      cell: (flags.cell as string | undefined) ?? 'zone1',
      ports: [{ port: webPort, what: 'vtctld web' }, { port: grpcPort, what: 'vtctld gRPC' }],
      cluster: { vtctldGrpcPort: grpcPort, auth: { grpcAuth } },
      async start(cluster, host) {
        const web = await listenHttp(
          createServer((req, res) => {
            const path = new URL(req.url ?? '/', 'http://vtctld').pathname;
            if (path !== '/debug/status') return void res.writeHead(404).end();
            statusPage(cluster, grpcPort).then(
              (page) => res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : page),
              (err: unknown) => res.writeHead(500).end(err instanceof Error ? err.message : String(err)),
            );
          }),
          host,
          webPort,
        );
        return { ready: `vtctld serving: grpc ${host}:${grpcPort}, web ${host}:${web.port}`, close: () => web.close() };
      },
    },
    out,
  );
}
