// A vttestserver schema directory whose SQL files hold ALTER VSCHEMA statements: they are applied
// to the directory's keyspace with ApplyVSchema's DDL form, the other statements with ApplySchema,
// in file order; vtctld's ApplyVSchema takes the same statements in its `sql` field.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Code, TabletType, VtError } from '@vtsim/proto';
import { Cluster } from '../src/cluster.js';
import { createInitialTopology } from '../src/initial-topology.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function schemaDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vtsim-schema-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('schema dir with ALTER VSCHEMA', () => {
  it('applies the vschema statements to the keyspace and the rest to its shards, in order', async () => {
    const dir = schemaDir({
      'main/01_tables.sql': [
        'create table t1 (id bigint primary key, v varchar(8));',
        'alter vschema create vindex hash using hash;',
        '-- qualified or not, the statement applies to the directory keyspace, as vtctld does',
        'alter vschema on other.t1 add vindex hash (id);',
        'create table t2 (id bigint primary key);',
        'alter vschema on t2 add vindex xx (id) using xxhash;',
      ].join('\n'),
    });
    await using cluster = await Cluster.start({ seed: 'schema-dir' });
    await createInitialTopology(cluster, { keyspaces: ['main'], numShards: [2], replicaCount: 1, rdonlyCount: 0, schemaDir: dir });
    const vschema = await cluster.topo.getVSchema('main');
    expect(vschema.sharded).toBe(true);
    expect(Object.keys(vschema.vindexes).sort()).toEqual(['hash', 'xx']);
    expect(vschema.tables.t1!.column_vindexes.map((cv) => cv.name)).toEqual(['hash']);
    expect((await cluster.topo.getSrvVSchema('zone1')).keyspaces.main).toEqual(vschema);
    for (const uid of [100, 200]) {
      const tablet = cluster.tablet(uid)!;
      expect(tablet.type).toBe(TabletType.PRIMARY);
      expect([...tablet.mysqld.tableNames('vt_main')].sort()).toEqual(['t1', 't2']);
    }
  });

  it('stops at a vschema statement that does not apply, with its error', async () => {
    const dir = schemaDir({ 'main/a.sql': 'alter vschema add table t;\nalter vschema add table t;\n' });
    await using cluster = await Cluster.start({ seed: 'schema-dir-bad' });
    await expect(createInitialTopology(cluster, { keyspaces: ['main'], numShards: [1], replicaCount: 1, rdonlyCount: 0, schemaDir: dir })).rejects.toThrow(
      'vschema already contains table t in keyspace main',
    );
  });
});

describe("vtctld's ApplyVSchema with sql", () => {
  it('applies one ALTER VSCHEMA statement, validates only with dry_run, and refuses other SQL', async () => {
    await using cluster = await Cluster.start({ seed: 'apply-vschema-sql' });
    await cluster.addTablet({ keyspace: 'ks', shard: '0', uid: 100 });
    const dry = await cluster.vtctld.applyVSchema({ keyspace: 'ks', sql: 'alter vschema add table t', dry_run: true });
    expect(Object.keys(dry.v_schema.tables)).toEqual(['t']);
    await expect(cluster.topo.getVSchema('ks')).rejects.toThrow();
    const saved = await cluster.vtctld.applyVSchema({ keyspace: 'ks', sql: 'alter vschema add sequence s' });
    expect((await cluster.topo.getVSchema('ks')).tables).toEqual(saved.v_schema.tables);
    expect(saved.v_schema.tables.s!.type).toBe('sequence');
    const fail = async (req: object) => cluster.vtctld.applyVSchema(req).then(
      () => 'OK',
      (err: VtError) => `${Code[err.code]}: ${err.message}`,
    );
    expect(await fail({ keyspace: 'ks', sql: 'alter vschema add sequence s' })).toBe('ALREADY_EXISTS: vschema already contains sequence s in keyspace ks');
    expect(await fail({ keyspace: 'ks', sql: 'create table x (id int)' })).toBe('INVALID_ARGUMENT: error parsing VSchema DDL statement `create table x (id int)`');
    expect(await fail({ keyspace: 'ks', sql: 'alter vschema add' })).toBe('INVALID_ARGUMENT: Parse(alter vschema add): syntax error at position 18');
    expect(await fail({ keyspace: 'ks', sql: 'alter vschema add table u', v_schema: {} })).toBe('INVALID_ARGUMENT: must pass exactly one of VSchema or SQL');
    expect(await fail({ keyspace: 'nosuch', sql: 'alter vschema add table u' })).toMatch(/^NOT_FOUND: /);
    expect(await fail({ keyspace: 'ks', sql: 'alter vschema create vindex v using nosuch' })).toBe('INVALID_ARGUMENT: vindex type nosuch not found');
  });
});
