/**
 * Request resolution of a VStream (Vitess's `resolveParams`): defaults for the filter and flags,
 * the empty and `/regex` keyspaces expanded to the cell's keyspaces, and ShardGtids without a
 * shard expanded to the keyspace's serving shards for the tablet type.
 */
import {
  Code,
  TabletType,
  VtError,
  defaultVStreamFlags,
  parseTabletType,
  type Filter,
  type ShardGtid,
  type VGtid,
  type VStreamFlags,
  type VStreamRequest,
} from '@vtsim/proto';
import { isTopoError, type TopoServer } from '@vtsim/topo';
import { vgtidText, wrapVtError } from './vstream-error.js';

/** A VStream request with every default applied and every ShardGtid naming one shard. */
export interface ResolvedVStreamParams {
  tabletType: TabletType;
  /** Fresh ShardGtid objects (the request's are never modified), in request order. */
  vgtid: VGtid;
  filter: Filter;
  flags: VStreamFlags;
}

/** What resolution reads: the cell's serving graph. */
export interface ResolveSource {
  topo: TopoServer;
  cell: string;
}

const RESOLVE_CONTEXT = 'failed to resolve vstream parameters';

/**
 * Resolves a request. Errors (all prefixed `failed to resolve vstream parameters: `):
 * INVALID_ARGUMENT `vgtid must have at least one value with a starting position in ShardGtids`,
 * `for an empty keyspace, the Gtid value must be 'current': <vgtid>`, `if shards are unspecified,
 * the Gtid value must be 'current' or empty; got: <vgtid>`, an unparsable `/regex` or tablet type;
 * UNAVAILABLE `failed to get shards in keyspace <ks>: keyspace <ks> fetch error: …` when a keyspace
 * has no SrvKeyspace; INTERNAL `No partition found for tabletType <T> in keyspace <ks>`.
 */
export async function resolveVStreamParams(request: VStreamRequest, source: ResolveSource): Promise<ResolvedVStreamParams> {
  try {
    return await resolve(request, source);
  } catch (err) {
    throw wrapVtError(err, RESOLVE_CONTEXT);
  }
}

async function resolve(request: VStreamRequest, source: ResolveSource): Promise<ResolvedVStreamParams> {
  const tabletType = requestTabletType(request.tablet_type);
  const filter: Filter = request.filter?.rules?.length ? request.filter : { ...request.filter, rules: [{ match: '/.*', filter: '' }] };
  const flags = resolveFlags(request.flags);
  const input = request.vgtid?.shard_gtids ?? [];
  if (input.length === 0) {
    throw new VtError(Code.INVALID_ARGUMENT, 'vgtid must have at least one value with a starting position in ShardGtids');
  }
  let expanded: ShardGtid[] = input.map(copyShardGtid);
  const only = input.length === 1 ? input[0]! : undefined;
  if (only && (only.keyspace === '' || only.keyspace.startsWith('/'))) {
    const keyspaces = await source.topo.getSrvKeyspaceNames(source.cell).catch((err: unknown) => {
      throw wrapVtError(err, `failed to get keyspace names in cell ${source.cell}`);
    });
    if (only.keyspace === '') {
      if (only.gtid !== 'current') {
        throw new VtError(Code.INVALID_ARGUMENT, `for an empty keyspace, the Gtid value must be 'current': ${vgtidText({ shard_gtids: input })}`);
      }
      expanded = keyspaces.map((keyspace) => ({ keyspace, shard: '', gtid: 'current', table_p_ks: [] }));
    } else {
      const re = keyspacePattern(only.keyspace);
      expanded = keyspaces.filter((ks) => re.test(ks)).map((keyspace) => ({ keyspace, shard: '', gtid: only.gtid, table_p_ks: [] }));
    }
  }
  const shardGtids: ShardGtid[] = [];
  for (const sgtid of expanded) {
    if (sgtid.shard !== '') {
      shardGtids.push(sgtid);
      continue;
    }
    if (sgtid.gtid !== 'current' && sgtid.gtid !== '') {
      throw new VtError(
        Code.INVALID_ARGUMENT,
        `if shards are unspecified, the Gtid value must be 'current' or empty; got: ${vgtidText({ shard_gtids: expanded })}`,
      );
    }
    for (const shard of await servingShards(source, sgtid.keyspace, tabletType)) {
      shardGtids.push({ keyspace: sgtid.keyspace, shard, gtid: sgtid.gtid, table_p_ks: [] });
    }
  }
  return { tabletType, vgtid: { shard_gtids: shardGtids }, filter, flags };
}

/** The tablet type of a request, which may arrive as a number or (proto-loader `enums: String`) a name. */
function requestTabletType(value: TabletType | string | undefined): TabletType {
  if (value === undefined) return TabletType.UNKNOWN;
  if (typeof value === 'number') return value;
  const parsed = parseTabletType(value);
  if (parsed === undefined) throw new VtError(Code.INVALID_ARGUMENT, `unknown tablet type: ${value}`);
  return parsed;
}

/** The request's flags over the proto defaults (fields absent on the wire take their default). */
function resolveFlags(flags: Partial<VStreamFlags> | null | undefined): VStreamFlags {
  const out = defaultVStreamFlags();
  if (!flags) return out;
  for (const key of Object.keys(out) as (keyof VStreamFlags)[]) {
    const v = flags[key];
    if (v !== undefined && v !== null) (out as unknown as Record<string, unknown>)[key] = v;
  }
  out.heartbeat_interval = Number(out.heartbeat_interval);
  return out;
}

function keyspacePattern(keyspace: string): RegExp {
  const source = keyspace.replace(/^\/+|\/+$/g, '');
  try {
    return new RegExp(source);
  } catch (err) {
    throw new VtError(Code.INVALID_ARGUMENT, `failed to compile regexp using ${keyspace}: ${(err as Error).message}`);
  }
}

/** The shards of the keyspace's SrvKeyspace partition for the tablet type, in key-range order. */
async function servingShards(source: ResolveSource, keyspace: string, tabletType: TabletType): Promise<string[]> {
  const context = `failed to get shards in keyspace ${keyspace}`;
  let srv;
  try {
    srv = await source.topo.getSrvKeyspace(source.cell, keyspace);
  } catch (err) {
    const code = isTopoError(err, 'NoNode') ? Code.UNAVAILABLE : Code.UNKNOWN;
    throw new VtError(code, `${context}: keyspace ${keyspace} fetch error: ${(err as Error).message}`);
  }
  const partition = srv.partitions.find((p) => p.served_type === tabletType);
  if (!partition) {
    throw new VtError(Code.INTERNAL, `${context}: No partition found for tabletType ${TabletType[tabletType] ?? tabletType} in keyspace ${keyspace}`);
  }
  return partition.shard_references.map((r) => r.name);
}

function copyShardGtid(s: ShardGtid): ShardGtid {
  return { keyspace: s.keyspace ?? '', shard: s.shard ?? '', gtid: s.gtid ?? '', table_p_ks: [...(s.table_p_ks ?? [])] };
}
