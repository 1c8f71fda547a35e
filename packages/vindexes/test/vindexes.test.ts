import { createCipheriv, randomBytes } from 'node:crypto';
import { keyRangeContains, keyRangeFromShardName } from '@vtsim/topo';
import { describe, expect, it } from 'vitest';
import { createVindex, looseText, vindexTypes, type Vindex } from '../src/index.js';

const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('hex'));

function shardOf(ksid: Uint8Array | null): string {
  for (const s of ['-80', '80-']) if (ksid && keyRangeContains(keyRangeFromShardName(s), ksid)) return s;
  return 'none';
}

describe('registry', () => {
  it('creates every type and refuses unknown ones', () => {
    expect(vindexTypes()).toEqual(['binary', 'binary_md5', 'hash', 'numeric', 'reverse_bits', 'unicode_loose_md5', 'xxhash']);
    const props = (v: Vindex) => [v.name, v.type, v.cost, v.unique, typeof v.reverseMap === 'function'];
    expect(props(createVindex('hash', 'hash'))).toEqual(['hash', 'hash', 1, true, true]);
    expect(props(createVindex('xxhash', 'xx', { unknown: 'ignored' }))).toEqual(['xx', 'xxhash', 1, true, false]);
    expect(props(createVindex('numeric', 'num'))).toEqual(['num', 'numeric', 0, true, true]);
    expect(props(createVindex('binary', 'b'))).toEqual(['b', 'binary', 0, true, true]);
    expect(props(createVindex('binary_md5', 'm'))).toEqual(['m', 'binary_md5', 1, true, false]);
    expect(props(createVindex('unicode_loose_md5', 'u'))).toEqual(['u', 'unicode_loose_md5', 1, true, false]);
    expect(props(createVindex('reverse_bits', 'rr'))).toEqual(['rr', 'reverse_bits', 1, true, true]);
    expect(() => createVindex('lookup_unique', 'x')).toThrow('vindex type lookup_unique not found');
    expect(() => createVindex('toString', 'x')).toThrow('vindex type toString not found');
  });
});

describe('hash', () => {
  const hash = createVindex('hash', 'hash');

  it('reproduces Vitess hash_test vectors and the reference extras', () => {
    const vectors: Array<[bigint, string]> = [
      [1n, '166b40b44aba4bd6'],
      [2n, '06e7ea22ce92708f'],
      [3n, '4eb190c9a2fa169c'],
      [4n, 'd2fd8867d50d2dfe'],
      [5n, '70bb023c810ca87a'],
      [6n, 'f098480ac4c4be71'],
      [0n, '8ca64de9c1b123a7'],
      [-1n, '355550b2150e2451'],
      [18446744073709551615n, '355550b2150e2451'],
      [9223372036854775807n, 'f77d48aadda1f1bb'],
      [-9223372036854775808n, '95f8a5e5dd31d900'],
      [7n, 'fb8baaad918119b8'],
      [8n, 'cc083f1e6d9e85f6'],
      [9n, '692bb9bf752b0f58'],
      [10n, '594764e1a2b2d98e'],
      [11n, 'aefc44491cfe474c'],
      [12n, 'd3748269b7058a0e'],
      [13n, '62dce203c602f358'],
      [14n, 'acbfda0d70613fc4'],
      [15n, '6a8b56ed414942b8'],
      [16n, '5b711bc4ceebf2ee'],
      [17n, '799a09fb40df6019'],
      [18n, 'affa05c77cbe3c45'],
      [19n, 'b4b0f64464d8426d'],
      [20n, '8b9f06ebafced45c'],
      [100n, '83aab1569cbe1b08'],
      [1000n, '1f7db68037e0ff5a'],
    ];
    expect(hash.map(vectors.map(([v]) => v)).map(hex)).toEqual(vectors.map(([, k]) => k));
  });

  it('places the local example customers and the blog inserts as the docs show', () => {
    expect([1n, 2n, 3n, 4n, 5n].map((v) => shardOf(hash.mapOne(v)))).toEqual(['-80', '-80', '-80', '80-', '-80']);
    const blog = Array.from({ length: 10 }, (_, i) => shardOf(hash.mapOne(BigInt(1000 + i))));
    expect(blog).toEqual(['-80', '80-', '-80', '80-', '80-', '80-', '80-', '80-', '-80', '-80']);
    expect(hex(hash.mapOne(1001))!.slice(0, 4)).toBe('c32d');
  });

  it('accepts integral numbers and decimal text, and gives no destination otherwise', () => {
    expect(hex(hash.mapOne(1))).toBe('166b40b44aba4bd6');
    expect(hex(hash.mapOne('1'))).toBe('166b40b44aba4bd6');
    expect(hex(hash.mapOne(Buffer.from('4')))).toBe('d2fd8867d50d2dfe');
    expect(hex(hash.mapOne('18446744073709551615'))).toBe('355550b2150e2451');
    expect(hash.map([null, 1.5, 'abc', '-1', '18446744073709551616', 18446744073709551616n, -9223372036854775809n])).toEqual([
      null, null, null, null, null, null, null,
    ]);
  });

  it('agrees with OpenSSL DES for random blocks and reverses its own output', () => {
    const cipher = createCipheriv('des-ede3-ecb', Buffer.alloc(24), null);
    cipher.setAutoPadding(false);
    for (let i = 0; i < 2000; i++) {
      const block = randomBytes(8);
      const v = block.readBigUInt64BE(0);
      const ksid = hash.mapOne(v)!;
      expect(hex(ksid)).toBe(cipher.update(block).toString('hex'));
      expect(hash.reverseMap!([ksid])).toEqual([v]);
    }
    expect(() => hash.reverseMap!([new Uint8Array([1, 2])])).toThrow('invalid keyspace id: 0102');
  });

  it('writes into a given array (mapInto) the keyspace id mapOne returns, and reports no destination', () => {
    const out = new Uint8Array(8);
    for (const v of [0n, 1n, 4n, 1000n, '7', 18446744073709551615n, -1n]) {
      expect(hash.mapInto!(v, out)).toBe(true);
      expect(hex(out)).toBe(hex(hash.mapOne(v)));
    }
    expect(hash.mapInto!(null, out)).toBe(false);
    expect(hash.mapInto!('abc', out)).toBe(false);
  });
});

describe('xxhash', () => {
  const xx = createVindex('xxhash', 'xxhash');

  it('reproduces Vitess xxhash_test vectors', () => {
    const cases: Array<[Parameters<Vindex['mapOne']>[0], string]> = [
      ['test1', 'd01ab7e4d6978f0b'],
      ['test2', '87eb11714c0a0e89'],
      ['testaverylongvaluetomakesurethisworks', '81d8c38e0d850e6a'],
      [1n, 'd46405367612b4b7'],
      [null, '99e9d85137db46ef'],
      [-1n, 'd8e2a6a7c8c7623d'],
      [18446744073709551615n, '477cfa8d6d8f1f8d'],
      [9223372036854775807n, 'b37eb01f7bffafd8'],
      [-9223372036854775808n, '102c27ddb26a609e'],
    ];
    expect(cases.map(([v]) => hex(xx.mapOne(v)))).toEqual(cases.map(([, k]) => k));
  });

  it('places the NEWEST local example rows as the reference computes', () => {
    expect([1n, 2n, 3n, 4n, 5n].map((v) => hex(xx.mapOne(v))!.slice(0, 4))).toEqual(['d464', '8b59', 'a42c', '896b', 'ed48']);
    expect([1n, 2n, 3n, 4n, 5n].map((v) => shardOf(xx.mapOne(v)))).toEqual(['80-', '80-', '80-', '80-', '80-']);
    const blog = Array.from({ length: 10 }, (_, i) => shardOf(xx.mapOne(BigInt(1000 + i))));
    expect(blog).toEqual(['80-', '-80', '-80', '-80', '-80', '80-', '80-', '80-', '80-', '80-']);
  });

  it('hashes every length class (stripes, 8-, 4- and 1-byte tails) consistently with the text form', () => {
    for (let len = 0; len < 80; len++) {
      const s = 'x'.repeat(len);
      expect(hex(xx.mapOne(s))).toBe(hex(xx.mapOne(Buffer.from(s))));
    }
    expect(new Set(Array.from({ length: 80 }, (_, len) => hex(xx.mapOne('y'.repeat(len))))).size).toBe(80);
  });
});

describe('numeric and reverse_bits', () => {
  it('numeric is the big-endian uint64', () => {
    const num = createVindex('numeric', 'num');
    expect(num.map([1n, 2n, 3n, 1.1, 4n, 8n]).map(hex)).toEqual([
      '0000000000000001', '0000000000000002', '0000000000000003', null, '0000000000000004', '0000000000000008',
    ]);
    expect(num.map([null, -1n, 'aa']).map(hex)).toEqual([null, null, null]);
    expect(hex(num.mapOne(18446744073709551615n))).toBe('ffffffffffffffff');
    expect(num.reverseMap!([Buffer.from('0000000000000001', 'hex')])).toEqual([1n]);
    expect(() => num.reverseMap!([Buffer.from('aa')])).toThrow('invalid keyspace id: 6161');
  });

  it('reverse_bits reverses the 64 bits (Vitess reverse_bits_test)', () => {
    const rb = createVindex('reverse_bits', 'rr');
    expect(rb.map([1n, 2n, 3n, null, 4n, 5n, 6n]).map(hex)).toEqual([
      '8000000000000000', '4000000000000000', 'c000000000000000', null, '2000000000000000', 'a000000000000000', '6000000000000000',
    ]);
    expect(hex(rb.mapOne(0x0123456789abcdefn))).toBe('f7b3d591e6a2c480');
    expect(rb.reverseMap!([Buffer.from('8000000000000000', 'hex'), Buffer.from('f7b3d591e6a2c480', 'hex')])).toEqual([1n, 0x0123456789abcdefn]);
    expect(() => rb.reverseMap!([Buffer.from('80000000000000008000000000000000', 'hex')])).toThrow(
      'invalid keyspace id: 80000000000000008000000000000000',
    );
  });
});

describe('binary, binary_md5 and unicode_loose_md5', () => {
  it('binary is the identity on bytes', () => {
    const b = createVindex('binary', 'b');
    expect(b.map([Buffer.from('abc'), 'héllo', 12n, null]).map(hex)).toEqual(['616263', Buffer.from('héllo').toString('hex'), '3132', '']);
    const src = Buffer.from('xyz');
    const ksid = b.mapOne(src)!;
    src[0] = 0;
    expect(hex(ksid)).toBe('78797a');
    expect(b.reverseMap!([Buffer.from('xyz')])).toEqual([new Uint8Array(Buffer.from('xyz'))]);
  });

  it('binary_md5 matches Vitess binarymd5_test', () => {
    const m = createVindex('binary_md5', 'm');
    expect(m.map([Buffer.from('Test'), 'TEST', 'Test']).map(hex)).toEqual([
      '0cbc6611f5540bd0809a388dc95a615b',
      '033bd94b1168d7e4f0d644c3c95e35bf',
      '0cbc6611f5540bd0809a388dc95a615b',
    ]);
  });

  it('unicode_loose_md5 groups texts that differ in case, accents, width and trailing spaces', () => {
    const u = createVindex('unicode_loose_md5', 'u');
    const test = hex(u.mapOne('Test'));
    for (const v of ['TEST', 'Te\u0301st', 'Tést', 'Test ', Buffer.from('tést'), 'Ｔｅｓｔ']) expect(hex(u.mapOne(v))).toBe(test);
    for (const v of ['Bést', ' Test', 'Test\t', 'Tests']) expect(hex(u.mapOne(v))).not.toBe(test);
    expect(hex(u.mapOne('Straße'))).toBe(hex(u.mapOne('STRASSE')));
    expect(u.mapOne(Buffer.from([0xff, 0xfe]))).toBeNull();
    expect(looseText('Tést  ')).toBe('test');
    expect(test).toBe('098f6bcd4621d373cade4e832627b4f6'); // md5("test")
  });
});
