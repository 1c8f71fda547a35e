/**
 * `vtsim vttablet`: one tablet and its mysqld in this process, as the local example's
 * vttablet-up.sh starts a vttablet process: registered in the (etcd) topology with its hostname and
 * ports, serving `queryservice.Query` and `tabletmanagerservice.TabletManager` on its gRPC port, and
 * `/debug/health` on its web port, until SIGINT/SIGTERM. A `vtsim up --topo-implementation etcd2`
 * cluster on the same topology reaches it over gRPC (ClusterOptions.remoteTablets).
 *
 * The first tablet of a shard becomes its primary, as in the cluster process; the others replicate
 * from the shard's primary wherever it runs: a replica reads the binlog of a primary in another
 * process over that process's gRPC port (`vtsimbinlog.BinlogDump`, standing in for MySQL's
 * replication protocol), found from the primary's tablet record, and serves its own binlog the same
 * way, so reparents across processes work. Its data lives in this process's memory, so a tablet
 * whose record is still in the topology (its process was killed) is refused until the record is
 * deleted.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { SeededRandom, randomUuid, systemClock } from '@vtsim/binlog';
import { TabletType, parseTabletAlias, parseTabletType, tabletAliasString, type TabletAlias } from '@vtsim/proto';
import { TopoError, type TopoServer } from '@vtsim/topo';
import { Mysqld, RemoteMysqlNetwork, Tablet, TabletGrpcDialer, listenHttp, startTabletGrpcServer } from '@vtsim/vttablet';
import { attachDashValues } from './dash-values.js';
import { grpcClientFlagOptions, grpcKeepaliveFrom } from './grpc-client-flags.js';
import { fullyQualifiedHostname } from './machine-hostname.js';
import { checkPortFree } from './port-probe.js';
import { openTopoServer, topoFlagOptions, topoFlagsFrom } from './topo-flags.js';


const USAGE = `usage: vtsim vttablet --tablet-path zone1-0000000100 --keyspace K --shard S
                     [--port 15100] [--grpc-port 16100] [--tablet-hostname H] [--bind-address 127.0.0.1]
                     [--init-tablet-type replica|rdonly] [--seed vtsim] [--grpc-keepalive-time 10s --grpc-keepalive-timeout 10s]
                     --topo-implementation etcd2 --topo-global-server-address HOST:PORT --topo-global-root /vitess/global

Runs one tablet and its mysqld in this process until SIGINT/SIGTERM, registered in the etcd
topology (the record advertises --tablet-hostname, the web --port and the --grpc-port), serving
queryservice.Query and tabletmanagerservice.TabletManager over gRPC. Without --tablet-hostname (or
with it empty), the machine's fully qualified hostname, as vttablet resolves it (the hostname's
address, then that address's name); make sure --bind-address serves it. Defaults as the local example's
vttablet-up.sh: web port 15000+uid, gRPC port 16000+uid, type replica (rdonly for uids ending 2-9).
The first tablet of a shard becomes its primary; the others replicate from the shard's primary,
in whichever process it runs. _ and - are alike in flag names.`;

const options = {
  'tablet-path': { type: 'string' },
  tablet_path: { type: 'string' },
  keyspace: { type: 'string' },
  init_keyspace: { type: 'string' },
  'init-keyspace': { type: 'string' },
  shard: { type: 'string' },
  init_shard: { type: 'string' },
  'init-shard': { type: 'string' },
  port: { type: 'string' },
  'grpc-port': { type: 'string' },
  grpc_port: { type: 'string' },
  'tablet-hostname': { type: 'string' },
  tablet_hostname: { type: 'string' },
  'bind-address': { type: 'string' },
  bind_address: { type: 'string' },
  'init-tablet-type': { type: 'string' },
  init_tablet_type: { type: 'string' },
  seed: { type: 'string' },
  help: { type: 'boolean' },
  ...topoFlagOptions,
  ...grpcClientFlagOptions,
} as const;

/** What `vtsim vttablet` runs, parsed from its flags. */
interface VttabletFlags {
  alias: TabletAlias;
  keyspace: string;
  shard: string;
  webPort: number;
  grpcPort: number;
  /** `--tablet-hostname`; '' when not given (the machine's FQDN then). */
  hostname: string;
  bindAddress: string;
  type: TabletType;
  seed: string;
}

function portFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) throw new Error(`invalid --${name} ${value}: a port is 1-65535`);
  return Number(value);
}

function parseFlags(values: Record<string, string | boolean | undefined>): VttabletFlags {
  const get = (...names: string[]) => names.map((n) => values[n]).find((v) => v !== undefined) as string | undefined;
  const path = get('tablet-path', 'tablet_path');
  if (!path) throw new Error('--tablet-path is required (e.g. zone1-0000000100)');
  const alias = parseTabletAlias(path);
  const keyspace = get('keyspace', 'init_keyspace', 'init-keyspace');
  const shard = get('shard', 'init_shard', 'init-shard');
  if (!keyspace || !shard) throw new Error('--keyspace and --shard are required (vttablet\'s --init_keyspace and --init_shard)');
  const typeName = get('init-tablet-type', 'init_tablet_type');
  const type = typeName === undefined ? (alias.uid % 10 <= 1 ? TabletType.REPLICA : TabletType.RDONLY) : parseTabletType(typeName);
  if (type !== TabletType.REPLICA && type !== TabletType.RDONLY) throw new Error(`invalid --init-tablet-type ${typeName}: a vttablet starts as replica or rdonly`);
  return {
    alias,
    keyspace,
    shard,
    webPort: portFlag('port', get('port'), 15000 + alias.uid),
    grpcPort: portFlag('grpc-port', get('grpc-port', 'grpc_port'), 16000 + alias.uid),
    hostname: get('tablet-hostname', 'tablet_hostname') ?? '',
    bindAddress: get('bind-address', 'bind_address') ?? '127.0.0.1',
    type,
    seed: get('seed') ?? 'vtsim',
  };
}

/**
 * Fails when the tablet already has a record: its mysqld's data lived in the memory of the process
 * that registered it, so starting it again would serve an empty server under the old record.
 */
async function refuseExistingRecord(topo: TopoServer, alias: TabletAlias): Promise<void> {
  try {
    await topo.getTablet(alias);
  } catch (err) {
    if (err instanceof TopoError && err.code === 'NoNode') return;
    throw err;
  }
  const key = tabletAliasString(alias);
  throw new Error(
    `tablet ${key} is already in the topology: its mysqld's data lived in the process that registered it (vtsim keeps a tablet's data in memory); ` +
      `remove it first (vtctldclient DeleteTablets --allow-primary ${key}) to start it again on an empty mysqld`,
  );
}

/** Runs `vtsim vttablet …` with `args` (after `vttablet`); resolves with the exit code once the tablet stops. */
export async function vttabletMain(args: readonly string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: attachDashValues(args, options), options, allowPositionals: false });
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const f = parseFlags(values);
  const topoFlags = topoFlagsFrom(values);
  const keepalive = grpcKeepaliveFrom(values);
  if (topoFlags.implementation !== 'etcd2') {
    throw new Error('vtsim vttablet needs --topo-implementation etcd2: a memory topology lives in one process, where no other component would find this tablet');
  }
  f.hostname ||= await fullyQualifiedHostname();
  if (f.webPort === f.grpcPort) throw new Error(`port ${f.grpcPort} is given twice: for the web port and for the gRPC port`);
  // Both ports are checked before the tablet registers, so that a taken port leaves no record behind.
  await checkPortFree(f.bindAddress, f.webPort, 'vttablet web');
  await checkPortFree(f.bindAddress, f.grpcPort, 'vttablet gRPC');
  const topo = await openTopoServer(topoFlags, [f.alias.cell]);
  const key = tabletAliasString(f.alias);
  const stack: (() => Promise<void> | void)[] = [() => topo.close()];
  const stop = async () => {
    for (const close of stack.splice(0).reverse()) await close();
  };
  try {
    await refuseExistingRecord(topo, f.alias);
    const mysqld = new Mysqld({
      serverUuid: randomUuid(new SeededRandom(`${f.seed}/server_uuid/${key}`)),
      clock: systemClock,
      random: new SeededRandom(`${f.seed}/tablet/${key}`),
    });
    stack.push(() => mysqld.stop());
    const remote = new TabletGrpcDialer(topo, keepalive);
    stack.push(() => remote.close());
    let self: Tablet | undefined;
    const tablet = await Tablet.start({
      alias: f.alias,
      keyspace: f.keyspace,
      shard: f.shard,
      type: f.type,
      topo,
      // Replicas read their primary's binlog in its process (vtsimbinlog.BinlogDump on its gRPC port).
      network: new RemoteMysqlNetwork(topo),
      clock: systemClock,
      mysqld,
      hostname: f.hostname,
      ports: { vt: f.webPort, grpc: f.grpcPort },
      // VReplication on this tablet reads its sources where they run.
      dialer: (a) => (a.cell === f.alias.cell && a.uid === f.alias.uid ? self : remote.dial(a)),
    });
    self = tablet;
    stack.push(() => tablet.close());
    const grpc = await startTabletGrpcServer({ tablet, host: f.bindAddress, port: f.grpcPort, mysqld });
    stack.push(() => grpc.close());
    const web = await listenHttp(
      createServer((req, res) => {
        if (req.url === '/debug/health' && tablet.isServing) res.writeHead(200).end('ok');
        else if (req.url === '/debug/health') res.writeHead(500).end('not serving');
        else res.writeHead(404).end();
      }),
      f.bindAddress,
      f.webPort,
    );
    stack.push(() => web.close());
    out(`vttablet ${key} serving ${f.keyspace}/${f.shard} as ${TabletType[tablet.type]}: grpc ${f.hostname}:${grpc.port}, web ${f.hostname}:${web.port}`);
  } catch (err) {
    await stop();
    throw err;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop();
  return 0;
}
