/**
 * The cluster every ORM test runs against: keyspace `app` (unsharded) and keyspace `shop` (two
 * shards, hash vindex). An ORM creates its tables itself; on `shop` Vitess needs them in the VSchema
 * beforehand, each sharded by a column and, where the ORM lets the database pick ids, filled from a
 * sequence (`<table>_seq` in `app`), as a Vitess user would set it up.
 */
import { startCluster, type VtsimCluster } from '@vtsim/cli';

/** One table an ORM will create on the sharded keyspace. */
export interface ShardedTable {
  name: string;
  /** The column of its hash vindex. */
  column: string;
  /** The AUTO_INCREMENT column filled from a sequence, if the ORM leaves ids to the database. */
  sequenceColumn?: string;
}

/** The unsharded keyspace. */
export const UNSHARDED = 'app';
/** The sharded keyspace. */
export const SHARDED = 'shop';

/** Starts the cluster on free ports with `shop`'s VSchema naming `tables`. */
export async function startOrmCluster(tables: ShardedTable[]): Promise<VtsimCluster> {
  const sequences = tables.filter((t) => t.sequenceColumn);
  const seqSchema = sequences
    .map((t) => `create table ${t.name}_seq (id int, next_id bigint, cache bigint, primary key (id)) comment 'vitess_sequence'; insert into ${t.name}_seq (id, next_id, cache) values (0, 1, 100)`)
    .join('; ');
  const vschema = {
    sharded: true,
    vindexes: { hash: { type: 'hash' } },
    tables: Object.fromEntries(
      tables.map((t) => [
        t.name,
        {
          column_vindexes: [{ column: t.column, name: 'hash' }],
          ...(t.sequenceColumn ? { auto_increment: { column: t.sequenceColumn, sequence: `${UNSHARDED}.${t.name}_seq` } } : {}),
        },
      ]),
    ),
  };
  return startCluster({
    keyspaces: [
      {
        name: UNSHARDED,
        replicaCount: 1,
        rdonlyCount: 0,
        ...(seqSchema ? { schema: seqSchema } : {}),
        vschema: { sharded: false, tables: Object.fromEntries(sequences.map((t) => [`${t.name}_seq`, { type: 'sequence' }])) },
      },
      { name: SHARDED, shards: 2, replicaCount: 1, rdonlyCount: 0, vschema },
    ],
  });
}
