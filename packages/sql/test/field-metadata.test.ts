import { describe, expect, it } from 'vitest';
import { Charset, MySqlFlag, Type } from '@vtsim/proto';
import { buildField, resultField } from '../src/index.js';
import { colType } from './helpers.js';

const base = { name: 'c', table: 't', database: 'vt_commerce', notNull: false, autoIncrement: false, hasDefault: false, primaryKey: false, uniqueKey: false, multipleKey: false, partOfKey: false };

describe('buildField', () => {
  it('bigint not null auto_increment primary key', () => {
    const f = buildField({ ...base, columnType: colType('bigint'), notNull: true, autoIncrement: true, primaryKey: true, partOfKey: true });
    expect(f).toMatchObject({ type: Type.INT64, column_length: 20, charset: 63, decimals: 0, flags: 49667, column_type: 'bigint', org_name: 'c', org_table: 't' });
  });

  it('bigint not null primary key without auto_increment', () => {
    expect(buildField({ ...base, columnType: colType('bigint'), notNull: true, primaryKey: true, partOfKey: true }).flags).toBe(53251);
  });

  it('nullable bigint', () => {
    expect(buildField({ ...base, columnType: colType('bigint') }).flags).toBe(32768);
  });

  it('varbinary(128) and varchar(128)', () => {
    expect(buildField({ ...base, columnType: colType('varbinary(128)') })).toMatchObject({ type: Type.VARBINARY, column_length: 128, charset: 63, flags: 128 });
    expect(buildField({ ...base, columnType: colType('varchar(128)') })).toMatchObject({ type: Type.VARCHAR, column_length: 512, charset: 255, flags: 0 });
  });

  it('other types', () => {
    expect(buildField({ ...base, columnType: colType('decimal(10,2)') })).toMatchObject({ type: Type.DECIMAL, column_length: 12, decimals: 2, flags: MySqlFlag.NUM_FLAG });
    expect(buildField({ ...base, columnType: colType('int unsigned') })).toMatchObject({ type: Type.UINT32, column_length: 10, flags: 32768 | 32 });
    expect(buildField({ ...base, columnType: colType('datetime(3)') })).toMatchObject({ type: Type.DATETIME, column_length: 23, decimals: 3, flags: 128 });
    expect(buildField({ ...base, columnType: colType('text') })).toMatchObject({ type: Type.TEXT, column_length: 262140, charset: 255, flags: 16 });
    expect(buildField({ ...base, columnType: colType("enum('a','bcd')") })).toMatchObject({ type: Type.ENUM, column_length: 12, flags: 256 });
    expect(buildField({ ...base, columnType: colType('json') })).toMatchObject({ type: Type.JSON, column_length: 4294967295, charset: 63, flags: 144 });
    expect(buildField({ ...base, columnType: colType('varchar(10)'), notNull: true, multipleKey: true }).flags).toBe(1 | 8 | 4096 | 16384);
    expect(buildField({ ...base, columnType: colType('varchar(10)'), notNull: true, hasDefault: true, uniqueKey: true }).flags).toBe(1 | 4 | 16384);
  });
});

describe('buildField with collations (go/sqltypes modifyType: BINARY_FLAG turns text types binary)', () => {
  it.each([
    ['varchar(10) collate utf8mb4_bin', Type.VARBINARY, 40, 46, 128],
    ['char(3) collate utf8mb4_bin', Type.BINARY, 12, 46, 128],
    ['text collate utf8mb4_bin', Type.BLOB, 262140, 46, 16 | 128],
    ['varchar(10) character set latin1 collate latin1_bin', Type.VARBINARY, 10, 47, 128],
    ['varchar(10) character set ascii collate ascii_bin', Type.VARBINARY, 10, 65, 128],
    ['varchar(10) character set utf8mb3 collate utf8mb3_bin', Type.VARBINARY, 30, 83, 128],
    ['varchar(10) character set latin1', Type.VARCHAR, 10, 8, 0],
    ["enum('ab','c') collate utf8mb4_bin", Type.ENUM, 8, 46, 256 | 128],
  ])('%s', (ddl, type, length, charset, flags) => {
    expect(buildField({ ...base, columnType: colType(ddl) })).toMatchObject({ type, column_length: length, charset, flags });
  });

  it('a _bin column read through an expression keeps its binary type', () => {
    expect(resultField('x', colType('varchar(10) collate utf8mb4_bin'))).toMatchObject({ type: Type.VARBINARY, charset: 46, flags: 128 });
  });

  it('zerofill, bit and geometry', () => {
    expect(buildField({ ...base, columnType: colType('int(5) zerofill') })).toMatchObject({ type: Type.UINT32, column_length: 5, flags: 32768 | 32 | 64 });
    expect(buildField({ ...base, columnType: colType('bit(8)') })).toMatchObject({ type: Type.BIT, column_length: 8, charset: 63, flags: 32 });
    expect(buildField({ ...base, columnType: colType('point') })).toMatchObject({ type: Type.GEOMETRY, column_length: 4294967295, charset: 63, flags: 144, column_type: 'point' });
  });
});

describe('resultField', () => {
  it('describes computed columns', () => {
    expect(resultField('count(*)', Type.INT64)).toMatchObject({ name: 'count(*)', type: Type.INT64, table: '', charset: Charset.BINARY, flags: MySqlFlag.NUM_FLAG });
    expect(resultField('x', Type.VARCHAR)).toMatchObject({ type: Type.VARCHAR, charset: Charset.UTF8MB4, decimals: 31 });
    expect(resultField('d', colType('decimal(10,2)'))).toMatchObject({ type: Type.DECIMAL, decimals: 2, column_length: 12 });
  });
});

describe('computed results of narrower types (MIN/MAX of an INT column)', () => {
  it('keep the type and its display length instead of falling back to VARCHAR', () => {
    expect(resultField('min(id)', Type.INT32)).toMatchObject({ type: Type.INT32, column_length: 11 });
    expect(resultField('max(u)', Type.UINT32)).toMatchObject({ type: Type.UINT32, column_length: 10 });
    expect(resultField('max(t)', Type.INT8)).toMatchObject({ type: Type.INT8, column_length: 4 });
    expect(resultField('max(y)', Type.YEAR)).toMatchObject({ type: Type.YEAR });
    expect(resultField('max(ts)', Type.TIMESTAMP)).toMatchObject({ type: Type.TIMESTAMP });
  });
});
