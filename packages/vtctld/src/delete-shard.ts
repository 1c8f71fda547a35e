/**
 * DeleteShards and DeleteKeyspace: removing shards (and, recursively, their tablet records) and
 * keyspaces from the topology, with Vitess's safety checks.
 */
import { Code } from '@vtsim/proto';
import { SERVED_TYPES, isTopoError } from '@vtsim/topo';
import type { VtctldContext } from './vtctld-context.js';
import { vtctldError } from './vtctld-error.js';

/** Options of one shard deletion. */
export interface DeleteShardOptions {
  /** Also delete the shard's tablet records (else a shard with tablets is an error). */
  recursive: boolean;
  /** Delete even a primary-serving shard. */
  evenIfServing: boolean;
}

/**
 * Deletes one shard: its tablet records (recursive only), its references in every cell's
 * SrvKeyspace, and its record. FAILED_PRECONDITION if it is serving (without evenIfServing) or
 * has tablets (without recursive); NOT_FOUND if it does not exist.
 */
export async function deleteShard(ctx: VtctldContext, keyspace: string, shard: string, opts: DeleteShardOptions): Promise<void> {
  const si = await ctx.topo.getShard(keyspace, shard);
  if (si.shard.is_primary_serving && !opts.evenIfServing) {
    throw vtctldError(Code.FAILED_PRECONDITION, `shard ${keyspace}/${shard} is still serving; cannot delete it; use EvenIfServing = true to delete anyway`);
  }
  const tablets = await ctx.topo.getTabletsByShard(keyspace, shard);
  if (tablets.length > 0 && !opts.recursive) {
    throw vtctldError(Code.FAILED_PRECONDITION, `shard ${keyspace}/${shard} still has ${tablets.length} tablets in cell ${tablets[0]!.tablet.alias.cell}; use Recursive = true or remove them manually`);
  }
  for (const t of tablets) {
    try {
      await ctx.topo.deleteTablet(t.tablet.alias);
    } catch (err) {
      if (!isTopoError(err, 'NoNode')) throw err;
    }
  }
  for (const type of SERVED_TYPES) await ctx.topo.migrateServedType(keyspace, [], [shard], type);
  await ctx.topo.deleteShard(keyspace, shard);
}

/**
 * Deletes a keyspace: with `recursive` every shard first (serving or not, with its tablets),
 * else FAILED_PRECONDITION if it has shards; then its SrvKeyspace in every cell, its record and
 * VSchema, and rebuilds the SrvVSchema. NOT_FOUND if it does not exist.
 */
export async function deleteKeyspace(ctx: VtctldContext, keyspace: string, recursive: boolean): Promise<void> {
  await ctx.topo.getKeyspace(keyspace);
  const shards = await ctx.topo.getShardNames(keyspace);
  if (shards.length > 0 && !recursive) {
    throw vtctldError(Code.FAILED_PRECONDITION, `keyspace ${keyspace} still has ${shards.length} shards; use Recursive=true or remove them manually`);
  }
  for (const shard of shards) await deleteShard(ctx, keyspace, shard, { recursive: true, evenIfServing: true });
  for (const cell of await ctx.topo.getCellInfoNames()) {
    try {
      await ctx.topo.deleteSrvKeyspace(cell, keyspace);
    } catch (err) {
      if (!isTopoError(err, 'NoNode')) throw err;
    }
  }
  await ctx.topo.deleteKeyspace(keyspace);
  await ctx.topo.rebuildSrvVSchema();
}

