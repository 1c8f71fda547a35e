import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { DecodedMessage } from '@vtsim/vtgate';
import { formatVStreamResponseLine, MAX_LINE, newVStreamLineState, shortGtid, sortShards, wantsColor } from '../src/vstream-line-format.js';

// Responses as VtgateClient decodes them with enums by name: every field present, 64-bit integers
// as decimal strings, bytes as Buffers (only the fields the formatter reads are filled in here).
const U80 = '6a60d315-8e10-11eb-b894-04ed332e05c2';
const U_80 = '629442b7-8e10-11eb-a0bb-04ed332e05c2';
const U0 = '060a409d-8e10-11eb-9bb5-04ed332e05c2';

/** A query.Row of text values (null for NULL). */
function row(...values: (string | Buffer | null)[]): DecodedMessage {
  const bufs = values.map((v) => (v === null ? Buffer.alloc(0) : Buffer.isBuffer(v) ? v : Buffer.from(v)));
  return { lengths: values.map((v, i) => (v === null ? '-1' : String(bufs[i]!.length))), values: Buffer.concat(bufs) };
}
const shardGtid = (shard: string, gtid: string, tablePks: DecodedMessage[] = []) => ({ keyspace: 'customer', shard, gtid, table_p_ks: tablePks });
const vgtid = (...shardGtids: DecodedMessage[]) => ({ type: 'VGTID', vgtid: { shard_gtids: shardGtids }, keyspace: '', shard: '' });
const from = (shard: string, e: DecodedMessage) => ({ ...e, keyspace: 'customer', shard });
const fields = {
  type: 'FIELD',
  field_event: { table_name: 'customer.customer', fields: [{ name: 'customer_id', type: 'INT64' }, { name: 'email', type: 'VARBINARY' }] },
};
const rows = (...changes: DecodedMessage[]) => ({ type: 'ROW', row_event: { table_name: 'customer.customer', row_changes: changes } });
const insert = (id: number, email: string | null) => ({ before: null, after: row(String(id), email) });

describe('formatVStreamResponseLine', () => {
  it('prints the source shard and what a response carries, BEGIN and COMMIT left out, runs of rows grouped', () => {
    const state = newVStreamLineState();
    const line = (events: DecodedMessage[]) => formatVStreamResponseLine({ events }, state);
    expect(line([from('0', { type: 'BEGIN' }), from('0', fields)])).toBe('customer/0  fields customer (customer_id INT64, email VARBINARY)');
    expect(line([from('0', rows(insert(6, 'rohit@planetscale.com'))), from('0', vgtid(shardGtid('0', `MySQL56/${U0}:1-45`)))])).toBe(
      'customer/0  insert customer {customer_id: 6, email: rohit@planetscale.com}; VGTID 0@060a409d…:1-45',
    );
    // Updates show before → after; deletes the old row; NULL and bytes that are not text.
    expect(line([
      from('0', { type: 'BEGIN' }),
      from('0', rows({ before: row('1', 'a@x'), after: row('1', null) })),
      from('0', rows({ before: row('2', Buffer.from([0, 255])), after: null })),
      from('0', { type: 'COMMIT' }),
    ])).toBe('customer/0  update customer {customer_id: 1, email: a@x} → {customer_id: 1, email: NULL}; delete customer {customer_id: 2, email: 0x00ff}');
    // A value with a line break is not text for the line: hex.
    expect(line([from('0', rows({ before: row('3', 'two\nlines'), after: null }))])).toBe('customer/0  delete customer {customer_id: 3, email: 0x74776f0a6c696e6573}');
    // Five inserts across five ROW events: one run, the first three rows shown when they fit.
    const five = [1, 2, 3, 4, 5].map((i) => from('0', rows(insert(i, `u${i}@x`))));
    expect(line(five)).toBe('customer/0  insert customer {customer_id: 1, email: u1@x}, {customer_id: 2, email: u2@x}, {customer_id: 3, email: u3@x} (+2 more)');
  });

  it('shows the copy\'s last PK, DDL, OTHER, COPY_COMPLETED and a heartbeat', () => {
    const state = newVStreamLineState();
    const line = (events: DecodedMessage[]) => formatVStreamResponseLine({ events }, state);
    const lastpk = { table_name: 'customer', lastpk: { fields: [{ name: 'customer_id' }], rows: [row('5')] } };
    expect(line([from('0', vgtid(shardGtid('0', `MySQL56/${U0}:1-45`, [lastpk])))])).toBe('customer/0  VGTID 0@060a409d…:1-45 (copying customer after {customer_id: 5})');
    expect(line([from('0', { type: 'DDL', statement: 'alter table customer\n  add column x int' })])).toBe('customer/0  DDL alter table customer add column x int');
    expect(line([from('0', { type: 'OTHER' })])).toBe('customer/0  OTHER (a statement that changes no streamed table)');
    expect(line([from('0', { type: 'COPY_COMPLETED' }), { type: 'COPY_COMPLETED', keyspace: '', shard: '' }])).toBe('customer/0  copy of customer/0 completed; copy completed on every shard');
    expect(line([{ type: 'HEARTBEAT', keyspace: '', shard: '' }])).toBe('vtgate  heartbeat');
    expect(line([from('0', { type: 'BEGIN' }), from('0', { type: 'COMMIT' })])).toBe('customer/0  (empty)');
  });

  it('states a move to new shards in one line, once, with the new shards in key-range order', () => {
    const state = newVStreamLineState();
    const line = (events: DecodedMessage[]) => formatVStreamResponseLine({ events }, state);
    const empty = (shard: string, ...gtids: DecodedMessage[]) => [from(shard, { type: 'BEGIN' }), from(shard, vgtid(...gtids)), from(shard, { type: 'COMMIT' })];
    expect(line(empty('0', shardGtid('0', `MySQL56/${U0}:1-48`)))).toBe('customer/0  VGTID 0@060a409d…:1-48');
    const after = [shardGtid('80-', `MySQL56/${U80}:1-76`), shardGtid('-80', `MySQL56/${U_80}:1-75`)];
    expect(line(empty('80-', ...after))).toBe('customer  moved 0 → -80, 80- at the journal (-80@629442b7…:1-75, 80-@6a60d315…:1-76)');
    expect(line(empty('-80', ...after))).toBe('customer/-80  VGTID -80@629442b7…:1-75, 80-@6a60d315…:1-76');
  });

  it('keeps every line within the width: fewer rows first, then a cut with …', () => {
    const state = newVStreamLineState();
    formatVStreamResponseLine({ events: [from('80-', fields)] }, state);
    const long = 'x'.repeat(60);
    const many = formatVStreamResponseLine({ events: [from('80-', rows(insert(6, long), insert(7, long), insert(8, long)))] }, state);
    expect(many).toBe(`customer/80-  insert customer {customer_id: 6, email: ${long}} (+2 more)`);
    const ddl = formatVStreamResponseLine({ events: [from('0', { type: 'DDL', statement: `alter table t comment '${'y'.repeat(300)}'` })] }, state);
    expect([...ddl]).toHaveLength(MAX_LINE);
    expect(ddl.endsWith('y…')).toBe(true);
    expect([...formatVStreamResponseLine({ events: [from('0', { type: 'OTHER' })] }, state, false, 20)]).toHaveLength(20);
  });

  it('colours only when asked, with the same text', () => {
    const events = [from('0', rows(insert(6, 'rohit@planetscale.com')))];
    const plain = formatVStreamResponseLine({ events }, newVStreamLineState());
    const coloured = formatVStreamResponseLine({ events }, newVStreamLineState(), true);
    expect(plain).not.toContain('\x1b[');
    expect(coloured).toContain('\x1b[');
    expect(stripVTControlCharacters(coloured)).toBe(plain);
  });
});

describe('the line format\'s helpers', () => {
  it('shortens GTID sets and orders shards by key range', () => {
    expect(shortGtid(`MySQL56/${U0}:1-45,${U80}:1-3`)).toBe('060a409d…:1-45,6a60d315…:1-3');
    expect(shortGtid('')).toBe('(start)');
    expect(sortShards(['c0-', '80-c0', '-40', '40-80'])).toEqual(['-40', '40-80', '80-c0', 'c0-']);
  });

  it('colours a colour terminal, never with NO_COLOR, always with FORCE_COLOR', () => {
    const tty = { isTTY: true, hasColors: () => true } as unknown as NodeJS.WriteStream;
    const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;
    expect(wantsColor(tty, {})).toBe(true);
    expect(wantsColor(pipe, {})).toBe(false);
    expect(wantsColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(wantsColor(tty, { FORCE_COLOR: '0' })).toBe(false);
  });
});
