/**
 * The binlog dump's wire form (proto/vtsimbinlog.proto) is lossless: every event kind and every
 * value type a simulated mysqld writes to its binlog comes back exactly as it was after protobuf
 * serialization, table maps travel once per stream and decode to one shared object per id.
 */
import type { BinlogTransaction, RowsEvent, TableMap } from '@vtsim/binlog';
import { Type, type SqlValue } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { TransactionDecoder, TransactionEncoder } from '../src/grpc/binlog-dump-wire.js';
import { loadTabletProtos } from '../src/grpc/tablet-protos.js';
import { newServer, run } from './mysqld-fixture.js';

interface MethodCodec {
  responseSerialize(value: unknown): Buffer;
  responseDeserialize(bytes: Buffer): { transaction?: unknown };
}

/** Each transaction through the encoder, protobuf bytes, and the decoder of one stream. */
function roundTrip(txs: readonly BinlogTransaction[]): BinlogTransaction[] {
  const codec = (loadTabletProtos().BinlogDump.service as unknown as Record<string, MethodCodec>).Dump!;
  const encoder = new TransactionEncoder();
  const decoder = new TransactionDecoder();
  return txs.map((tx) => {
    const bytes = codec.responseSerialize({ transaction: encoder.encode(tx) });
    return decoder.decode(codec.responseDeserialize(bytes).transaction as Parameters<TransactionDecoder['decode']>[0]);
  });
}

/** The kind of every row value in a transaction list (bytes only when a Buffer, as the mysqld holds them). */
function valueKinds(txs: readonly BinlogTransaction[]): string[] {
  const out: string[] = [];
  for (const tx of txs) {
    for (const ev of tx.events) {
      if (ev.kind !== 'rows') continue;
      for (const c of ev.changes) for (const v of [...(c.before ?? []), ...(c.after ?? [])]) out.push(Buffer.isBuffer(v) ? 'bytes' : v === null ? 'null' : typeof v);
    }
  }
  return out;
}

describe('binlog dump wire form', () => {
  it('round-trips a mysqld binlog of every column type, row change kind, DDL and other statement exactly', () => {
    const { mysqld, session } = newServer();
    run(
      session,
      `create table t (
        id bigint unsigned primary key, i8 tinyint, s64 bigint, u64 bigint unsigned, d decimal(30,10), f float, db double,
        vc varchar(20), ch char(3), tx text, vb varbinary(20), bn binary(4), bl blob, bt bit(10), e enum('a','b'), st set('x','y'),
        dt date, tm time(3), dtt datetime(6), ts timestamp null, y year, j json)`,
      `insert into t values (18446744073709551615, -128, -9223372036854775808, 18446744073709551615, -12345678901234567890.0123456789,
        1.5, -0.000001, 'héllo', 'ab', repeat('z', 300), x'00ff10', x'01', x'deadbeef', b'1010101010', 'b', 'x,y',
        '2024-02-29', '-838:59:59.000', '2024-01-31 13:00:00.123456', '2038-01-19 03:14:07', 2024, '{"a": [1, 2.5, null, "x"], "b": {"c": true}}')`,
      'insert into t (id) values (1)',
      `update t set vc = null, j = '[]', d = 0.5 where id = 1`,
      'delete from t where id = 18446744073709551615',
      'create table u (a int, b varchar(3))',
      "insert into u values (1, 'x'), (1, 'x')",
      'alter table u add column c double after a',
      "insert into u values (2, -0.0, 'y')",
      "update u set b = 'z' where a = 1",
      'create database other',
      "set sql_mode = 'ANSI_QUOTES'",
      'create table "q" (x int primary key)',
    );
    const txs = [...mysqld.binlog.readFrom(mysqld.binlog.purged())];
    expect(new Set(txs.flatMap((tx) => tx.events.map((e) => e.kind)))).toEqual(new Set(['rows', 'ddl', 'other']));
    expect(txs.some((tx) => tx.events.some((e) => e.kind === 'ddl' && e.sqlMode !== undefined))).toBe(true);
    const back = roundTrip(txs);
    expect(back).toEqual(txs);
    expect(valueKinds(back)).toEqual(valueKinds(txs));
    expect(valueKinds(txs)).toEqual(expect.arrayContaining(['bigint', 'number', 'string', 'bytes', 'null']));
  });

  it('round-trips values at the edges of their types, keeping number and bigint apart', () => {
    const table: TableMap = {
      id: 7,
      database: 'vt_x',
      name: 'edge',
      fields: [{ name: 'v', type: Type.VARBINARY, table: 'edge', org_table: 'edge', database: 'vt_x', org_name: 'v', column_length: 10, charset: 63, decimals: 0, flags: 128, column_type: 'varbinary(10)' }],
      pkColumns: [],
    };
    const values: SqlValue[] = [
      null, 0n, -1n, 2n ** 53n + 1n, 2n ** 64n - 1n, -(2n ** 63n), 10n ** 40n, 0, -0, 3, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity,
      '', '0', 'ünïcödé ✓', Buffer.alloc(0), Buffer.from([0, 255, 0]),
    ];
    const tx: BinlogTransaction = {
      gtid: { sid: '060a409d-8e10-11eb-9bb5-04ed332e05c2', gno: Number.MAX_SAFE_INTEGER },
      timestamp: 1_700_000_000,
      events: [{ kind: 'rows', table, changes: values.map((v) => ({ after: [v] })), timestamp: 1_699_999_999 }],
    };
    const [back] = roundTrip([tx]);
    expect(back).toEqual(tx);
    const got = (back!.events[0] as RowsEvent).changes.map((c) => c.after![0]);
    got.forEach((v, i) => expect(Object.is(v, values[i]) || (Buffer.isBuffer(v) && Buffer.isBuffer(values[i])), `value ${i}`).toBe(true));
  });

  it('sends a table map once per stream and decodes one shared object per id', () => {
    const { mysqld, session } = newServer();
    run(session, 'create table t (id int primary key)', 'insert into t values (1)', 'insert into t values (2)');
    const txs = [...mysqld.binlog.readFrom(mysqld.binlog.purged())].filter((tx) => tx.events[0]!.kind === 'rows');
    const encoder = new TransactionEncoder();
    expect(txs.map((tx) => encoder.encode(tx).table_maps.length)).toEqual([1, 0]);
    const back = roundTrip(txs);
    const tables = back.map((tx) => (tx.events[0] as { table: TableMap }).table);
    expect(tables[0]).toBe(tables[1]);
    // A decoder that never saw the map refuses the rows event.
    expect(() => new TransactionDecoder().decode(encoder.encode(txs[1]!))).toThrow(/never sent/);
  });
});
