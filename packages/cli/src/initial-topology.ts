/**
 * The initial topology `vtsim up` and `vttestserver` create by themselves, from vttestserver's flags
 * (or `--proto_topo`): keyspaces, their shards, tablets placed as vtcombo places them, and per-keyspace
 * schema and VSchema files from a schema directory (`<dir>/<keyspace>/*.sql` and
 * `<dir>/<keyspace>/vschema.json`, `--default_schema_dir` for keyspaces without one).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TabletType } from '@vtsim/proto';
import { generateShardRanges } from '@vtsim/topo';
import { isAlterVschema, splitStatements } from '@vtsim/sql';
import { applySchema, applyVSchema, applyVSchemaDdl } from '@vtsim/vtctld';
import type { Cluster } from './cluster.js';
import type { ProtoTopoKeyspace } from './vttestserver-proto-topo.js';

/** What to create (vttest.proto's VTTestTopology, plus the schema directories). */
export interface InitialTopology {
  keyspaces: ProtoTopoKeyspace[];
  /** Every cell the tablets live in; the first holds the primaries (vttestserver's `--cells`). */
  cells: string[];
  schemaDir?: string;
  defaultSchemaDir?: string;
}

/** The shard names of a count, as vttest's GetShardNames: 1 → `0`, n → n even key ranges. */
export function shardNames(count: number): string[] {
  return count === 1 ? ['0'] : generateShardRanges(count);
}

/**
 * The schema directory of a keyspace, as vttest's loadSchema picks it: `<schemaDir>/<keyspace>`,
 * else `defaultSchemaDir`; undefined without `schemaDir`. Throws vttest's errors when the schema
 * directory, or both directories of a keyspace, do not exist.
 */
export function keyspaceSchemaDir(topo: Pick<InitialTopology, 'schemaDir' | 'defaultSchemaDir'>, keyspace: string): string | undefined {
  if (!topo.schemaDir) return undefined;
  if (!isDir(topo.schemaDir)) throw new Error(`LoadSchema(): SchemaDir does not exist (${topo.schemaDir})`);
  const dir = join(topo.schemaDir, keyspace);
  if (isDir(dir)) return dir;
  if (topo.defaultSchemaDir && isDir(topo.defaultSchemaDir)) return topo.defaultSchemaDir;
  throw new Error(`LoadSchema: schema dir for ks \`${keyspace}\` does not exist (${topo.defaultSchemaDir ?? ''})`);
}

function isDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * The tablets of one shard as vtcombo's InitTabletMap places them: in the first cell a PRIMARY and
 * replicaCount-1 REPLICAs, in every other cell replicaCount REPLICAs, and rdonlyCount RDONLYs in
 * each cell. (vtcombo reads a count of 0 as its default, 2 and 1: see vtcomboCounts.)
 */
export function shardTablets(keyspace: ProtoTopoKeyspace, cells: string[]): { cell: string; type: TabletType }[] {
  const tablets: { cell: string; type: TabletType }[] = [];
  for (const [i, cell] of cells.entries()) {
    if (i === 0) tablets.push({ cell, type: TabletType.PRIMARY });
    for (let j = i === 0 ? 1 : 0; j < keyspace.replicaCount; j++) tablets.push({ cell, type: TabletType.REPLICA });
    for (let j = 0; j < keyspace.rdonlyCount; j++) tablets.push({ cell, type: TabletType.RDONLY });
  }
  return tablets;
}

/** A keyspace's counts as vtcombo reads them: 0 replicas means 2 (a primary and a replica), 0 rdonlys means 1. */
export function vtcomboCounts(keyspace: ProtoTopoKeyspace): ProtoTopoKeyspace {
  return { ...keyspace, replicaCount: keyspace.replicaCount || 2, rdonlyCount: keyspace.rdonlyCount || 1 };
}

/**
 * Creates the keyspaces, their shards and tablets (uids 1, 2, … in creation order, as vtcombo
 * numbers them; the PRIMARY starts first and the others replicate from it), then applies each
 * keyspace's vschema.json and its schema files in name order.
 */
export async function createInitialTopology(cluster: Cluster, topo: InitialTopology): Promise<void> {
  let uid = 1;
  for (const ks of topo.keyspaces) {
    const keyspace = ks.name;
    for (const shard of ks.shards) {
      for (const { cell, type } of shardTablets(ks, topo.cells)) {
        await cluster.addTablet({ keyspace, shard, uid: uid++, cell, type: type === TabletType.PRIMARY ? TabletType.REPLICA : type });
      }
    }
    const dir = keyspaceSchemaDir(topo, keyspace);
    if (dir && existsSync(dir)) {
      // As vttest: vschema.json is the keyspace's VSchema from its creation, before any migration.
      const vschema = join(dir, 'vschema.json');
      if (existsSync(vschema)) await applyVSchema(cluster.topo, keyspace, readFileSync(vschema, 'utf8'));
      const dialer = (alias: { uid: number }) => cluster.tablet(alias.uid);
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
        // As vttest's loadSchema: a file holding exactly one ALTER VSCHEMA statement is a VSchema
        // migration (ApplyVSchema --sql to this keyspace); any other file goes to every shard as
        // it is (where an ALTER VSCHEMA among other statements is MySQL's syntax error).
        const text = readFileSync(join(dir, file), 'utf8');
        const statements = splitStatements(text);
        if (statements.length === 1 && isAlterVschema(statements[0]!)) await applyVSchemaDdl(cluster.topo, keyspace, statements[0]!);
        else await applySchema(cluster.topo, dialer, keyspace, text);
      }
    }
  }
}
