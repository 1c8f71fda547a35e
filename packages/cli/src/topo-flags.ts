/**
 * Vitess's topology flags as `vtsim up` takes them: `--topo-implementation` (`memory`, the default:
 * the topology lives in the cluster process; or `etcd2`), `--topo-global-server-address` (the etcd
 * client address, `host:port[,host:port…]`), `--topo-global-root` (e.g. `/vitess/global`) and
 * `--topo-etcd-lease-ttl` (seconds; the leases holding locks, default 30). Dashes and underscores
 * are interchangeable, as in Vitess's flag parsing. With etcd2 each cell is read from its CellInfo
 * (its own server address and root, as `vtctldclient AddCellInfo` writes it); a cell the cluster
 * needs and the topology lacks is added with the global server address and the root
 * `/vitess/<cell>`, as the local example's etcd-up.sh does.
 */
import { TopoServer, isTopoError } from '@vtsim/topo';

/** The parseArgs options of the topology flags. */
export const topoFlagOptions = {
  topo_implementation: { type: 'string' },
  'topo-implementation': { type: 'string' },
  topo_global_server_address: { type: 'string' },
  'topo-global-server-address': { type: 'string' },
  topo_global_root: { type: 'string' },
  'topo-global-root': { type: 'string' },
  topo_etcd_lease_ttl: { type: 'string' },
  'topo-etcd-lease-ttl': { type: 'string' },
} as const;

/** Where the cluster's topology lives. */
export type TopoFlags =
  | { implementation: 'memory' }
  | { implementation: 'etcd2'; globalServerAddress: string; globalRoot: string; leaseTtlSeconds?: number };

/** How long an etcd request may take before it fails with a topology Timeout, in ms. */
const ETCD_REQUEST_TIMEOUT_MS = 5_000;

/** The topology the flags ask for; throws Error naming the flag when they are incomplete or unknown. */
export function topoFlagsFrom(values: Record<string, unknown>): TopoFlags {
  const get = (name: string) => (values[name] ?? values[name.replaceAll('_', '-')]) as string | undefined;
  const implementation = get('topo_implementation') ?? 'memory';
  const address = get('topo_global_server_address');
  const root = get('topo_global_root');
  const ttl = get('topo_etcd_lease_ttl');
  if (implementation === 'memory') {
    if (address !== undefined || root !== undefined || ttl !== undefined) {
      throw new Error('--topo_global_server_address, --topo_global_root and --topo_etcd_lease_ttl need --topo_implementation etcd2 (the memory topology lives in the cluster process)');
    }
    return { implementation: 'memory' };
  }
  if (implementation !== 'etcd2') throw new Error(`no such topology implementation: ${implementation} (vtsim has memory and etcd2)`);
  if (!address) throw new Error('topo_global_server_address must be configured');
  if (!root) throw new Error('topo_global_root must be non-empty');
  if (ttl !== undefined && !/^[1-9]\d*$/.test(ttl)) {
    throw new Error(`invalid argument "${ttl}" for "--topo_etcd_lease_ttl" flag: a lease TTL is a whole number of seconds, at least 1`);
  }
  return { implementation, globalServerAddress: address, globalRoot: root, ...(ttl === undefined ? {} : { leaseTtlSeconds: Number(ttl) }) };
}

/**
 * Opens the topology the flags name, with a CellInfo for each of `cells`. For etcd2, fails with a
 * clear Error (and nothing left open) when the server does not answer.
 */
export async function openTopoServer(flags: TopoFlags, cells: readonly string[]): Promise<TopoServer> {
  if (flags.implementation === 'memory') return TopoServer.newMemory(...cells);
  const { globalServerAddress: address, globalRoot: root } = flags;
  // Loaded only when asked for: the etcd client (gRPC, its .proto files) costs start-up time.
  const { Etcd2Conn } = await import('@vtsim/etcd2topo');
  const options = { requestTimeoutMs: ETCD_REQUEST_TIMEOUT_MS, leaseTtlSeconds: flags.leaseTtlSeconds };
  const open = (serverAddress: string, connRoot: string) => Etcd2Conn.open(serverAddress, connRoot, options);
  const ts = new TopoServer(open(address, root), { cellConn: (_cell, info) => open(info.server_address, info.root) });
  try {
    const existing = await ts.getCellInfoNames();
    for (const cell of cells) {
      if (existing.includes(cell)) continue;
      await ts.createCellInfo(cell, { server_address: address, root: `/vitess/${cell}` }).catch((err: unknown) => {
        if (!isTopoError(err, 'NodeExists')) throw err;
      });
    }
    return ts;
  } catch (err) {
    ts.close();
    const why = isTopoError(err, 'Timeout') ? 'no answer' : err instanceof Error ? err.message : String(err);
    throw new Error(`cannot use the etcd2 topology at ${address} (root ${root}): ${why}`);
  }
}
