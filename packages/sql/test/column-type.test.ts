import { describe, expect, it } from 'vitest';
import { Charset, Type } from '@vtsim/proto';
import { parseColumnType } from '../src/index.js';
import { colType, errorOf } from './helpers.js';

describe('parseColumnType', () => {
  it.each([
    ['tinyint', Type.INT8, 'tinyint'],
    ['tinyint unsigned', Type.UINT8, 'tinyint unsigned'],
    ['smallint', Type.INT16, 'smallint'],
    ['mediumint unsigned', Type.UINT24, 'mediumint unsigned'],
    ['int(11)', Type.INT32, 'int'],
    ['integer unsigned', Type.UINT32, 'int unsigned'],
    ['bigint', Type.INT64, 'bigint'],
    ['bigint unsigned', Type.UINT64, 'bigint unsigned'],
    ['boolean', Type.INT8, 'tinyint(1)'],
    ['tinyint(1)', Type.INT8, 'tinyint(1)'],
    ['decimal(10,2)', Type.DECIMAL, 'decimal(10,2)'],
    ['numeric(5)', Type.DECIMAL, 'decimal(5,0)'],
    ['decimal', Type.DECIMAL, 'decimal(10,0)'],
    ['float', Type.FLOAT32, 'float'],
    ['double', Type.FLOAT64, 'double'],
    ['float(7,3)', Type.FLOAT32, 'float(7,3)'],
    ['char', Type.CHAR, 'char(1)'],
    ['varchar(64)', Type.VARCHAR, 'varchar(64)'],
    ['binary(4)', Type.BINARY, 'binary(4)'],
    ['varbinary(128)', Type.VARBINARY, 'varbinary(128)'],
    ['tinytext', Type.TEXT, 'tinytext'],
    ['longtext', Type.TEXT, 'longtext'],
    ['blob', Type.BLOB, 'blob'],
    ['mediumblob', Type.BLOB, 'mediumblob'],
    ['date', Type.DATE, 'date'],
    ['datetime(6)', Type.DATETIME, 'datetime(6)'],
    ['timestamp', Type.TIMESTAMP, 'timestamp'],
    ['time(3)', Type.TIME, 'time(3)'],
    ['year', Type.YEAR, 'year'],
    ["enum('a','b')", Type.ENUM, "enum('a','b')"],
    ["set('x','y')", Type.SET, "set('x','y')"],
    ['json', Type.JSON, 'json'],
    ['bit(3)', Type.BIT, 'bit(3)'],
    // MySQL 8 keeps the display width of ZEROFILL integers (8.0.19 release notes), by default the unsigned digits.
    ['int(5) zerofill', Type.UINT32, 'int(5) unsigned zerofill'],
    ['int zerofill', Type.UINT32, 'int(10) unsigned zerofill'],
    ['bigint unsigned zerofill', Type.UINT64, 'bigint(20) unsigned zerofill'],
    ['decimal(6,2) unsigned zerofill', Type.DECIMAL, 'decimal(6,2) unsigned zerofill'],
    ['point', Type.GEOMETRY, 'point'],
    ['geometry', Type.GEOMETRY, 'geometry'],
    ['polygon', Type.GEOMETRY, 'polygon'],
    ['geometrycollection', Type.GEOMETRY, 'geomcollection'],
  ])('%s', (ddl, type, text) => {
    const ct = colType(ddl);
    expect(ct.type).toBe(type);
    expect(ct.columnType).toBe(text);
  });

  it('records lengths, precision, charset and members', () => {
    expect(colType('decimal(10,2)')).toMatchObject({ precision: 10, scale: 2, charset: Charset.BINARY });
    expect(colType('varchar(64)')).toMatchObject({ length: 64, charset: Charset.UTF8MB4 });
    expect(colType('varbinary(128)')).toMatchObject({ length: 128, charset: Charset.BINARY });
    expect(colType('datetime(6)').precision).toBe(6);
    expect(colType("enum('a','b')").enumValues).toEqual(['a', 'b']);
    expect(colType('bigint unsigned').unsigned).toBe(true);
    expect(colType('varchar(8) character set binary')).toMatchObject({ type: Type.VARBINARY, columnType: 'varbinary(8)' });
  });

  it('resolves CHARACTER SET and COLLATE clauses to a collation id (information_schema.COLLATIONS)', () => {
    expect(colType('varchar(10) collate utf8mb4_bin').charset).toBe(46);
    expect(colType('varchar(10) character set latin1 collate latin1_bin').charset).toBe(47);
    expect(colType('char(4) character set ascii collate ascii_bin').charset).toBe(65);
    expect(colType('text character set utf8 collate utf8_bin').charset).toBe(83);
    expect(colType('varchar(10) character set latin1').charset).toBe(8);
    expect(colType("enum('a') collate utf8mb4_bin").charset).toBe(46);
    expect(errorOf(() => colType('varchar(10) character set latin1 collate utf8mb4_bin')).errno).toBe(1253);
    expect(errorOf(() => colType('varchar(10) collate nope_ci')).errno).toBe(1273);
    expect(errorOf(() => colType('varchar(10) character set nope')).errno).toBe(1115);
  });

  it('refuses unsupported types', () => {
    expect(errorOf(() => parseColumnType({ dataType: 'VECTOR' })).errno).toBe(1235);
    expect(errorOf(() => parseColumnType({ dataType: 'FROB' })).errno).toBe(1064);
    expect(errorOf(() => parseColumnType({ dataType: 'DECIMAL', length: 70, scale: 2 })).errno).toBe(1426);
  });
});
