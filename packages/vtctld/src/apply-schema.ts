/**
 * ApplySchema: runs DDL on the primary of every shard of a keyspace, statement by statement,
 * as vtctld's direct DDL strategy does. The primaries' binlogs carry the DDL to their replicas.
 */
import type { Result } from '@vtsim/proto';
import { TabletType } from '@vtsim/proto';
import { splitStatements } from '@vtsim/sql';
import type { TopoServer } from '@vtsim/topo';
import type { TabletDialer } from '@vtsim/vttablet';

/**
 * Applies every statement in `sql` to every shard primary of `keyspace`, in shard order, stopping
 * at the first failure (whose error propagates). Throws if a shard has no primary or it is unreachable.
 */
export async function applySchema(topo: TopoServer, dialer: TabletDialer, keyspace: string, sql: string): Promise<Result[]> {
  const statements = splitStatements(sql);
  if (statements.length === 0) throw new Error('no SQL statements to apply');
  const shards = [...(await topo.findAllShardsInKeyspace(keyspace)).values()];
  if (shards.length === 0) throw new Error(`keyspace ${keyspace} has no shards`);
  const results: Result[] = [];
  for (const si of shards) {
    const alias = si.shard.primary_alias;
    if (!alias) throw new Error(`shard ${keyspace}/${si.shardName} has no primary`);
    const tablet = dialer(alias);
    if (!tablet) throw new Error(`primary tablet of ${keyspace}/${si.shardName} is not reachable`);
    const target = { keyspace, shard: si.shardName, tablet_type: TabletType.PRIMARY, cell: alias.cell };
    for (const statement of statements) results.push(await tablet.execute(target, statement, {}, 0));
  }
  return results;
}
