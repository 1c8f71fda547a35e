/**
 * The initial topology `vtsim up` can create by itself, with vttestserver's flags: keyspaces,
 * shards per keyspace, tablets per shard, and per-keyspace schema and VSchema files from a
 * schema directory (`<dir>/<keyspace>/*.sql` and `<dir>/<keyspace>/vschema.json`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TabletType } from '@vtsim/proto';
import { generateShardRanges } from '@vtsim/topo';
import { isAlterVschema, splitStatements } from '@vtsim/sql';
import { applySchema, applyVSchema, applyVSchemaDdl } from '@vtsim/vtctld';
import type { Cluster } from './cluster.js';

/** What to create: vttestserver's `--keyspaces`, `--num-shards`, `--replica-count`, `--rdonly-count`, `--schema-dir`. */
export interface InitialTopology {
  keyspaces: string[];
  /** Shards per keyspace (one entry per keyspace; the last one repeats). 1 → shard `0`, n → even ranges. */
  numShards: number[];
  /** Tablets per shard that can serve as primary or replica (the first becomes primary). */
  replicaCount: number;
  rdonlyCount: number;
  schemaDir?: string;
}

/** Parses the comma-separated flag values; throws on malformed numbers. */
export function parseInitialTopology(flags: { keyspaces?: string; numShards?: string; replicaCount?: string; rdonlyCount?: string; schemaDir?: string }): InitialTopology | undefined {
  if (!flags.keyspaces) return undefined;
  const count = (text: string, what: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0 || n > 256) throw new Error(`invalid ${what}: '${text}'`);
    return n;
  };
  const keyspaces = flags.keyspaces.split(',').map((k) => k.trim()).filter(Boolean);
  const numShards = (flags.numShards ?? '1').split(',').map((n) => count(n.trim(), '--num-shards'));
  if (numShards.some((n) => n < 1)) throw new Error('--num-shards must be at least 1');
  return {
    keyspaces,
    numShards,
    replicaCount: count(flags.replicaCount ?? '2', '--replica-count'),
    rdonlyCount: count(flags.rdonlyCount ?? '1', '--rdonly-count'),
    schemaDir: flags.schemaDir,
  };
}

/**
 * Creates the keyspaces, their shards and tablets (uids 100, 101, … per shard in hundreds, in
 * creation order), then applies each keyspace's vschema.json and its schema files in name order.
 */
export async function createInitialTopology(cluster: Cluster, topo: InitialTopology): Promise<void> {
  let base = 100;
  for (const [i, keyspace] of topo.keyspaces.entries()) {
    const n = topo.numShards[Math.min(i, topo.numShards.length - 1)]!;
    const shards = n === 1 ? ['0'] : generateShardRanges(n);
    for (const shard of shards) {
      for (let j = 0; j < topo.replicaCount + topo.rdonlyCount; j++) {
        await cluster.addTablet({ keyspace, shard, uid: base + j, type: j < topo.replicaCount ? TabletType.REPLICA : TabletType.RDONLY });
      }
      base += 100;
    }
    const dir = topo.schemaDir ? join(topo.schemaDir, keyspace) : undefined;
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
