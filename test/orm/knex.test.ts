/**
 * knex (from npm) through vtgate, against an unsharded and a sharded keyspace: migrations
 * (migrate.latest creates knex's own bookkeeping tables, createTable, alterTable; migrate.rollback
 * undoes them), the introspection knex does through information_schema (hasTable, hasColumn,
 * columnInfo) and CRUD.
 *
 * On the sharded keyspace knex keeps its bookkeeping tables in the unsharded keyspace
 * (`migrations.schemaName`): migrate.rollback reads the last batch with an uncorrelated subquery
 * (`where batch = (select max(batch) …)`), which Vitess plans across shards but vtsim's planner
 * still refuses there (VT12001, issue 11 item 1).
 */
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VtsimCluster } from '@vtsim/cli';
import { SHARDED, startOrmCluster, UNSHARDED } from './orm-cluster.js';

/** Two migrations, as files would give them: the tables, then a column added by ALTER TABLE. */
const MIGRATIONS: Record<string, { up(k: Knex): Promise<void>; down(k: Knex): Promise<void> }> = {
  '001_users_posts': {
    async up(k) {
      await k.schema.createTable('users', (t) => {
        t.increments('id');
        t.string('email', 100).notNullable().unique();
        t.integer('age');
      });
      await k.schema.createTable('posts', (t) => {
        t.increments('id');
        t.integer('user_id').unsigned().notNullable().index();
        t.string('title', 200).notNullable();
        t.decimal('price', 10, 2).defaultTo('0.00');
      });
    },
    async down(k) {
      await k.schema.dropTable('posts');
      await k.schema.dropTable('users');
    },
  },
  '002_nickname': {
    async up(k) {
      await k.schema.alterTable('users', (t) => {
        t.string('nickname', 30);
      });
    },
    async down(k) {
      await k.schema.alterTable('users', (t) => {
        t.dropColumn('nickname');
      });
    },
  },
};

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS),
  getMigrationName: (m) => m,
  getMigration: async (m) => MIGRATIONS[m]!,
};

/** The migration options for a keyspace (see the module comment for the sharded one). */
function migrations(keyspace: string): Knex.MigratorConfig {
  return keyspace === SHARDED ? { migrationSource, schemaName: UNSHARDED } : { migrationSource };
}

let cluster: VtsimCluster;

beforeAll(async () => {
  cluster = await startOrmCluster([
    { name: 'users', column: 'id', sequenceColumn: 'id' },
    { name: 'posts', column: 'user_id', sequenceColumn: 'id' },
  ]);
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

describe.each([UNSHARDED, SHARDED])('knex on keyspace %s', (keyspace) => {
  let knex: Knex;
  beforeAll(() => {
    knex = knexFactory({ client: 'mysql2', connection: { ...cluster.mysqlConfig, database: keyspace }, pool: { min: 0, max: 2 } });
  });
  afterAll(async () => {
    await knex?.destroy();
  });

  it('runs migrations: migrate.latest creates the tables and the added column', async () => {
    const [batch, names] = await knex.migrate.latest(migrations(keyspace));
    expect(batch).toBe(1);
    expect(names).toEqual(['001_users_posts', '002_nickname']);
    expect(await knex.migrate.currentVersion(migrations(keyspace))).toBe('002');
    const [, pending] = (await knex.migrate.list(migrations(keyspace))) as [unknown[], unknown[]];
    expect(pending).toEqual([]);
  });

  it('introspects through information_schema: hasTable, hasColumn, columnInfo', async () => {
    expect(await knex.schema.hasTable('users')).toBe(true);
    expect(await knex.schema.hasTable('nosuch')).toBe(false);
    expect(await knex.schema.hasColumn('users', 'nickname')).toBe(true);
    expect(await knex.schema.hasColumn('users', 'nosuch')).toBe(false);
    const info = await knex('posts').columnInfo();
    expect(Object.keys(info)).toEqual(['id', 'user_id', 'title', 'price']);
    expect(info.id).toMatchObject({ type: 'int', nullable: false });
    expect(info.title).toMatchObject({ type: 'varchar', maxLength: 200, nullable: false });
    expect(info.price).toMatchObject({ type: 'decimal', defaultValue: '0.00', nullable: true });
  });

  it('does CRUD with ids the database (or the sequence) assigns', async () => {
    const [alice] = await knex('users').insert({ email: 'alice@x', age: 30 });
    const [bob] = await knex('users').insert({ email: 'bob@x', age: 25, nickname: 'bobby' });
    expect(alice).toBeGreaterThan(0);
    expect(bob).toBeGreaterThan(alice!);
    await knex('posts').insert([
      { user_id: alice, title: 'first', price: '9.50' },
      { user_id: alice, title: 'second', price: '100.00' },
      { user_id: bob, title: 'third' },
    ]);
    expect(await knex('users').where({ id: bob }).first()).toMatchObject({ id: bob, email: 'bob@x', age: 25, nickname: 'bobby' });
    expect(await knex('posts').where({ user_id: alice }).orderBy('id').pluck('title')).toEqual(['first', 'second']);
    expect(await knex('users').where({ id: alice }).update({ age: 31 })).toBe(1);
    expect(await knex('users').where({ id: alice }).first('age')).toEqual({ age: 31 });
    const [{ n }] = (await knex('posts').count({ n: '*' })) as { n: number }[];
    expect(Number(n)).toBe(3);
    await expect(knex('users').insert({ id: alice, email: 'dup@x' })).rejects.toThrow(/Duplicate entry/);
    expect(await knex('posts').where({ user_id: bob }).del()).toBe(1);
    expect(await knex('posts').where({ user_id: bob })).toEqual([]);
  });

  it('rolls migrations back: the column, then the tables go away', async () => {
    const [, rolledBack] = await knex.migrate.rollback(migrations(keyspace));
    expect(rolledBack).toEqual(['002_nickname', '001_users_posts']);
    expect(await knex.schema.hasTable('users')).toBe(false);
    expect(await knex.schema.hasTable('posts')).toBe(false);
    expect(await knex.schema.withSchema(UNSHARDED).hasTable('knex_migrations')).toBe(true);
    expect(await knex('knex_migrations').withSchema(UNSHARDED).count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
