// A vttestserver schema directory with ALTER VSCHEMA migrations: as vttest's loadSchema, a file
// holding exactly one ALTER VSCHEMA statement is applied to the directory's keyspace with
// ApplyVSchema's DDL form, any other file with ApplySchema, in file-name order after vschema.json;
// vtctld's ApplyVSchema takes the same statements in its `sql` field.
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
  it("applies vschema.json first, then the files in name order: one-statement ALTER VSCHEMA files to the keyspace's VSchema, the others to every shard", async () => {
    const dir = schemaDir({
      'main/vschema.json': JSON.stringify({ sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { t1: { column_vindexes: [{ column: 'id', name: 'hash' }] } } }),
      'main/01_tables.sql': 'create table t1 (id bigint primary key, v varchar(8));\ncreate table t2 (id bigint primary key);\n',
      // Qualified or not, a migration applies to the directory's keyspace, as vtctld's ApplyVSchema does.
      'main/02_vindex.sql': '-- t2 by xxhash\nalter vschema on other.t2 add vindex xx (id) using xxhash;\n',
      'main/03_vindex.sql': 'ALTER VSCHEMA CREATE VINDEX spare USING binary_md5',
    });
    await using cluster = await Cluster.start({ seed: 'schema-dir' });
    await createInitialTopology(cluster, { keyspaces: [{ name: 'main', shards: ['-80', '80-'], replicaCount: 1, rdonlyCount: 0 }], cells: ['zone1'], schemaDir: dir });
    const vschema = await cluster.topo.getVSchema('main');
    expect(vschema.sharded).toBe(true);
    expect(Object.keys(vschema.vindexes).sort()).toEqual(['hash', 'spare', 'xx']);
    expect(vschema.tables.t1!.column_vindexes.map((cv) => cv.name)).toEqual(['hash']);
    expect(vschema.tables.t2!.column_vindexes).toEqual([{ column: '', name: 'xx', columns: ['id'] }]);
    expect((await cluster.topo.getSrvVSchema('zone1')).keyspaces.main).toEqual(vschema);
    // vtcombo's numbering: uid 1 is -80's primary, 2 is 80-'s.
    for (const uid of [1, 2]) {
      const tablet = cluster.tablet(uid)!;
      expect(tablet.type).toBe(TabletType.PRIMARY);
      expect([...tablet.mysqld.tableNames('vt_main')].sort()).toEqual(['t1', 't2']);
    }
  });

  it("fails on an ALTER VSCHEMA among other statements (MySQL's syntax error, as vttest) and on a migration that does not apply", async () => {
    const mixed = schemaDir({ 'main/a.sql': 'create table t (id int primary key);\nalter vschema add table t;\n' });
    await using one = await Cluster.start({ seed: 'schema-dir-mixed' });
    await expect(createInitialTopology(one, { keyspaces: [{ name: 'main', shards: ['0'], replicaCount: 1, rdonlyCount: 0 }], cells: ['zone1'], schemaDir: mixed })).rejects.toMatchObject({ errno: 1064 });
    const bad = schemaDir({ 'main/a.sql': 'alter vschema add table t', 'main/b.sql': 'alter vschema add table t' });
    await using two = await Cluster.start({ seed: 'schema-dir-bad' });
    await expect(createInitialTopology(two, { keyspaces: [{ name: 'main', shards: ['0'], replicaCount: 1, rdonlyCount: 0 }], cells: ['zone1'], schemaDir: bad })).rejects.toThrow(
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
