// The pure pieces of the MySQL server: packet framing in both directions (including the 16 MiB
// split), length-encoded values, column type mapping and the multi-statement splitter.
import { Type } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { mysqlTypeOf } from '../src/mysql-server/column-type.js';
import { PacketReader, PacketTooLargeError } from '../src/mysql-server/packet-reader.js';
import { PacketWriter } from '../src/mysql-server/packet-writer.js';
import { PayloadReader } from '../src/mysql-server/payload-reader.js';
import { splitStatements } from '@vtsim/sql';

const MAX = 0xffffff;

function collect(max = 64 * 1024 * 1024): { reader: PacketReader; got: Array<[number, Buffer]> } {
  const got: Array<[number, Buffer]> = [];
  return { reader: new PacketReader(max, (p, seq) => got.push([seq, Buffer.from(p)])), got };
}

describe('PacketWriter', () => {
  it('frames payloads with length and a running sequence id', () => {
    const w = new PacketWriter();
    w.seq = 255;
    w.begin();
    w.u8(7);
    w.end();
    w.begin();
    w.end();
    expect(w.take()).toEqual(Buffer.from([1, 0, 0, 255, 7, 0, 0, 0, 0]));
    expect(w.seq).toBe(1);
    expect(w.length).toBe(0);
  });

  it('splits a payload of 16 MiB - 1 or more into full packets and a shorter last one', () => {
    for (const size of [MAX, MAX + 5, 2 * MAX]) {
      const w = new PacketWriter();
      w.begin();
      w.bytes(Buffer.alloc(size, 0x42));
      w.end();
      const out = w.take();
      const lengths: number[] = [];
      const seqs: number[] = [];
      let off = 0;
      while (off < out.length) {
        const len = out.readUIntLE(off, 3);
        lengths.push(len);
        seqs.push(out[off + 3]!);
        off += 4 + len;
      }
      const full = Math.floor(size / MAX);
      expect(lengths).toEqual([...Array<number>(full).fill(MAX), size - full * MAX]);
      expect(seqs).toEqual(lengths.map((_, i) => i));
      expect(w.seq).toBe(lengths.length);
    }
  });

  it('writes length-encoded integers and strings at every width', () => {
    const w = new PacketWriter();
    w.begin();
    for (const v of [0, 250, 251, 0xffff, 0x10000, 0xffffff, 0x1000000]) w.lenencInt(v);
    w.lenencInt(18446744073709551615n);
    w.lenencString('é'.repeat(126));
    w.lenencString('x'.repeat(2000));
    w.end();
    const payload = w.take().subarray(4);
    const r = new PayloadReader(payload);
    expect([0, 1, 2, 3, 4, 5, 6].map(() => r.lenencInt())).toEqual([0, 250, 251, 0xffff, 0x10000, 0xffffff, 0x1000000]);
    expect(r.bytes(9)).toEqual(Buffer.from([0xfe, 255, 255, 255, 255, 255, 255, 255, 255]));
    expect(r.lenencString()).toBe('é'.repeat(126));
    expect(r.lenencString()).toBe('x'.repeat(2000));
    expect(r.remaining).toBe(0);
  });
});

describe('PacketReader', () => {
  it('delivers packets split across chunks at every byte boundary', () => {
    const wire = Buffer.from([3, 0, 0, 0, 1, 2, 3, 0, 0, 0, 1, 1, 0, 0, 2, 9]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const { reader, got } = collect();
      reader.push(wire.subarray(0, cut));
      reader.push(wire.subarray(cut));
      expect(got).toEqual([
        [0, Buffer.from([1, 2, 3])],
        [1, Buffer.alloc(0)],
        [2, Buffer.from([9])],
      ]);
      expect(reader.pendingBytes).toBe(0);
    }
  });

  it('joins a payload continued over several packets and reports the last sequence id', () => {
    const w = new PacketWriter();
    w.begin();
    w.bytes(Buffer.alloc(MAX + 10, 0x33));
    w.end();
    const wire = w.take();
    const { reader, got } = collect();
    for (let off = 0; off < wire.length; off += 65536) reader.push(wire.subarray(off, off + 65536));
    expect(got).toHaveLength(1);
    expect(got[0]![0]).toBe(1);
    expect(got[0]![1].length).toBe(MAX + 10);
  });

  it('refuses a packet over the limit as soon as its header arrives', () => {
    const { reader, got } = collect(100);
    expect(() => reader.push(Buffer.from([101, 0, 0, 4]))).toThrow(PacketTooLargeError);
    expect(got).toEqual([]);
    let caught: unknown;
    try {
      collect(100).reader.push(Buffer.from([200, 0, 0, 7]));
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ limit: 100, seq: 7 });
  });
});

describe('mysqlTypeOf', () => {
  it('maps Vitess types to the protocol type bytes', () => {
    const cases: Array<[Type, number]> = [
      [Type.INT8, 1],
      [Type.UINT8, 1],
      [Type.INT16, 2],
      [Type.INT24, 9],
      [Type.INT32, 3],
      [Type.INT64, 8],
      [Type.UINT64, 8],
      [Type.FLOAT32, 4],
      [Type.FLOAT64, 5],
      [Type.NULL_TYPE, 6],
      [Type.TIMESTAMP, 7],
      [Type.DATE, 10],
      [Type.TIME, 11],
      [Type.DATETIME, 12],
      [Type.YEAR, 13],
      [Type.BIT, 16],
      [Type.JSON, 245],
      [Type.DECIMAL, 246],
      [Type.TEXT, 252],
      [Type.BLOB, 252],
      [Type.VARCHAR, 253],
      [Type.VARBINARY, 253],
      [Type.CHAR, 254],
      [Type.BINARY, 254],
      [Type.ENUM, 254],
      [Type.SET, 254],
      [Type.EXPRESSION, 253],
    ];
    expect(cases.map(([t]) => mysqlTypeOf(t))).toEqual(cases.map(([, b]) => b));
  });
});

describe('splitStatements', () => {
  it.each([
    ['select 1', ['select 1']],
    ['select 1;', ['select 1']],
    ['  select 1 ;  select 2;;\n', ['select 1', 'select 2']],
    ["select ';' ; select 'it''s; fine'", ["select ';'", "select 'it''s; fine'"]],
    ['select "a\\";b"; select 2', ['select "a\\";b"', 'select 2']],
    ["select 'a\\\\'; select 2", ["select 'a\\\\'", 'select 2']],
    ['select `we;ird``;name` from t; select 2', ['select `we;ird``;name` from t', 'select 2']],
    ['select 1 -- x; y\n; select 2', ['select 1 -- x; y', 'select 2']],
    ['select 1 # x; y\n; select 2', ['select 1 # x; y', 'select 2']],
    ['select 1--1; select 2', ['select 1--1', 'select 2']],
    ['select /* ; */ 1; /* only a comment */; -- another\n', ['select /* ; */ 1']],
    ['/*!40101 SET NAMES utf8 */; select 1', ['/*!40101 SET NAMES utf8 */', 'select 1']],
    ["select 'unterminated; select 2", ["select 'unterminated; select 2"]],
    ['select 1 /* unterminated ; select 2', ['select 1 /* unterminated ; select 2']],
    ['', []],
    [' ; ;\n', []],
  ])('splits %j', (sql, want) => {
    expect(splitStatements(sql)).toEqual(want);
  });
});
