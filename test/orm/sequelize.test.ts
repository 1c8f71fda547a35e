/**
 * Sequelize (from npm) through vtgate, against an unsharded and a sharded keyspace: sync() creating
 * associated tables (hasMany / belongsTo with a foreign key), sync({ alter: true }) reading them back
 * (SHOW FULL COLUMNS, SHOW INDEX, information_schema.KEY_COLUMN_USAGE) and adding a column, CRUD
 * with eager loading (a join on the shard key), and managed transactions.
 */
import mysql from 'mysql2/promise';
import { DataTypes, Sequelize, type ModelStatic, type Model } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VtsimCluster } from '@vtsim/cli';
import { SHARDED, startOrmCluster, UNSHARDED } from './orm-cluster.js';

let cluster: VtsimCluster;

beforeAll(async () => {
  cluster = await startOrmCluster([
    { name: 'authors', column: 'id', sequenceColumn: 'id' },
    { name: 'books', column: 'authorId', sequenceColumn: 'id' },
  ]);
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

describe.each([UNSHARDED, SHARDED])('Sequelize on keyspace %s', (keyspace) => {
  let sequelize: Sequelize;
  let Author: ModelStatic<Model>;
  let Book: ModelStatic<Model>;
  const statements: string[] = [];

  beforeAll(() => {
    sequelize = new Sequelize(keyspace, cluster.mysqlConfig.user, '', {
      dialect: 'mysql',
      host: cluster.mysqlConfig.host,
      port: cluster.mysqlConfig.port,
      logging: (sql) => statements.push(sql),
      pool: { max: 2, min: 0 },
    });
    Author = sequelize.define('Author', { name: { type: DataTypes.STRING(60), allowNull: false }, email: { type: DataTypes.STRING(100), unique: true } }, { tableName: 'authors' });
    Book = sequelize.define('Book', { title: { type: DataTypes.STRING(200), allowNull: false }, price: { type: DataTypes.DECIMAL(10, 2) } }, { tableName: 'books' });
    Author.hasMany(Book, { foreignKey: 'authorId' });
    Book.belongsTo(Author, { foreignKey: 'authorId' });
  });

  afterAll(async () => {
    await sequelize?.close();
  });

  it('sync() creates the associated tables with their foreign key', async () => {
    await sequelize.sync();
    const qi = sequelize.getQueryInterface();
    // On the unsharded keyspace the sharded one's sequence tables are there too.
    expect((await qi.showAllTables()).filter((t) => !t.endsWith('_seq')).sort()).toEqual(['authors', 'books']);
    const books = await qi.describeTable('books');
    expect(Object.keys(books)).toEqual(['id', 'title', 'price', 'createdAt', 'updatedAt', 'authorId']);
    expect(books.id).toMatchObject({ type: 'INT', allowNull: false, primaryKey: true, autoIncrement: true });
    expect(books.price).toMatchObject({ type: 'DECIMAL(10,2)', allowNull: true });
    const refs = (await qi.getForeignKeyReferencesForTable('books')) as { columnName: string; referencedTableName: string; referencedColumnName: string }[];
    expect(refs.map((r) => [r.columnName, r.referencedTableName, r.referencedColumnName])).toEqual([['authorId', 'authors', 'id']]);
    const indexes = (await qi.showIndex('authors')) as { name: string; unique: boolean }[];
    expect(indexes.map((i) => [i.name, i.unique])).toEqual([['PRIMARY', true], ['email', true]]);
  });

  it('sync({ alter: true }) reads the tables back and adds a new attribute as a column', async () => {
    // A new attribute, as an edited model definition would have it (refreshAttributes is Sequelize's own, untyped).
    Book.rawAttributes.isbn = { type: DataTypes.STRING(20), allowNull: true } as never;
    (Book as unknown as { refreshAttributes(): void }).refreshAttributes();
    await sequelize.sync({ alter: true });
    expect(Object.keys(await sequelize.getQueryInterface().describeTable('books'))).toContain('isbn');
    // It asked information_schema for the foreign keys, in this keyspace.
    expect(statements.some((s) => /INFORMATION_SCHEMA\.KEY_COLUMN_USAGE/i.test(s) && s.includes(`'${keyspace}'`))).toBe(true);
  });

  it('creates, eagerly loads, updates and deletes through the association', async () => {
    const ann = await Author.create({ name: 'Ann', email: 'ann@x' });
    const ben = await Author.create({ name: 'Ben', email: 'ben@x' });
    const annId = ann.get('id') as number;
    expect(annId).toBeGreaterThan(0);
    await Book.bulkCreate([
      { title: 'One', price: '9.50', authorId: annId },
      { title: 'Two', price: '100.00', authorId: annId },
      { title: 'Three', authorId: ben.get('id') },
      { title: 'Four', authorId: ben.get('id') },
    ]);
    const found = await Author.findOne({ where: { id: annId }, include: [Book] });
    expect(found!.get('name')).toBe('Ann');
    expect(((found!.get('Books') as Model[]).map((b) => b.get('title')) as string[]).sort()).toEqual(['One', 'Two']);
    const book = await Book.findOne({ where: { title: 'Three', authorId: ben.get('id') }, include: [Author] });
    expect((book!.get('Author') as Model).get('email')).toBe('ben@x');
    const [updated] = await Book.update({ price: '12.00' }, { where: { authorId: annId, title: 'One' } });
    expect(updated).toBe(1);
    expect(await Book.count({ where: { authorId: annId } })).toBe(2);
    await expect(Author.create({ name: 'Dup', email: 'ann@x' })).rejects.toThrow(/Validation error|Duplicate entry/);
    if (keyspace === SHARDED) {
      // Each book lives on its author's shard (books are sharded by authorId, their ids come from a sequence).
      for (const shard of ['-80', '80-']) {
        const conn = await mysql.createConnection({ ...cluster.mysqlConfig, database: `${SHARDED}:${shard}` });
        try {
          const [rows] = await conn.query('select count(*) as n from books b left join authors a on a.id = b.authorId where a.id is null');
          expect(rows).toEqual([{ n: 0 }]);
        } finally {
          await conn.end();
        }
      }
    }
    expect(await Book.destroy({ where: { authorId: ben.get('id') } })).toBe(2);
  });

  it('commits and rolls back managed transactions', async () => {
    const id = await sequelize.transaction(async (transaction) => {
      const a = await Author.create({ name: 'Cy', email: 'cy@x' }, { transaction });
      await Book.create({ title: 'Four', authorId: a.get('id') }, { transaction });
      return a.get('id') as number;
    });
    expect(await Book.count({ where: { authorId: id } })).toBe(1);
    await expect(
      sequelize.transaction(async (transaction) => {
        await Book.create({ title: 'Five', authorId: id }, { transaction });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');

    expect(await Book.count({ where: { authorId: id } })).toBe(1);
  });
});
