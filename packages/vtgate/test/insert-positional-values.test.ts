// engine/insert.ts with the normalizer's positional values (executeValues): the same per-shard
// statements, bind variables and result as execute() with the bind-variable object, without
// building that object when the rows go to several shards; and a fallback to execute() when a cell
// names a bind variable the normalizer did not make.
import { describe, expect, it } from 'vitest';
import { TabletType, type BindVars, type Result, type SqlValue } from '@vtsim/proto';
import { createVindex } from '@vtsim/vindexes';
import { Insert, type InsertCell } from '../src/engine/insert.js';
import type { ShardQueries, ShardQuery, VCursor } from '../src/engine/primitive.js';
import { normalize } from '../src/normalizer.js';
import type { Resolver, ServingShard } from '../src/resolver.js';

const LOW: ServingShard = { keyspace: 'customer', name: '-80', keyRange: { start: new Uint8Array(), end: Uint8Array.of(0x80) }, queryServiceDisabled: false };
const HIGH: ServingShard = { keyspace: 'customer', name: '80-', keyRange: { start: Uint8Array.of(0x80), end: new Uint8Array() }, queryServiceDisabled: false };

/** A cursor over two shards that records what it is asked to run and answers each query with its row count. */
function cursor(): { vc: VCursor; sent: ShardQuery[] } {
  const sent: ShardQuery[] = [];
  const resolver = {
    shards: () => [LOW, HIGH],
    shardForKeyspaceId: (_ks: string, _t: TabletType, ksid: Uint8Array) => (ksid[0]! < 0x80 ? LOW : HIGH),
  } as unknown as Resolver;
  const answer = (q: ShardQuery): Result => ({ fields: [], rows: [], rowsAffected: q.sql.split('(').length - 2, insertId: 0n });
  const vc = {
    tabletType: TabletType.PRIMARY,
    resolver,
    sessionContext: {},
    executeShard: async (q: ShardQuery) => (sent.push(q), answer(q)),
    executeShards: async (qs: ShardQuery[]) => qs.map((q) => (sent.push(q), answer(q))),
    executeShardsAtomically: async (groups: ShardQueries[]) => groups.map((g) => g.queries.map((q) => (sent.push(q), answer(q)))),
    nextSequenceIds: async () => 1n,
  } as unknown as VCursor;
  return { vc, sent };
}

function bindCell(name: string): InsertCell {
  return { text: `:${name}`, src: { kind: 'bind', name }, bindName: name };
}

/** An insert of `rows` rows of (id, email) into customer, routed by hash(id), its cells named as `name(row, column)` says. */
function insert(rows: number, name: (row: number, column: number) => string): Insert {
  const cells = Array.from({ length: rows }, (_, r) => [bindCell(name(r, 0)), bindCell(name(r, 1))]);
  return new Insert({
    keyspace: 'customer',
    mode: 'sharded',
    passthroughQuery: 'insert into customer(customer_id, email) values …',
    head: 'insert into `customer`(`customer_id`, `email`) values ',
    rows: cells,
    tail: '',
    vindex: createVindex('hash', 'hash'),
    vindexColumn: 0,
    access: { tables: ['customer'], write: true },
  });
}

describe('Insert.executeValues (the normalizer’s positional values)', () => {
  const sql = `insert into customer(customer_id, email) values ${Array.from({ length: 7 }, (_, i) => `(${i + 1}, 'user${i + 1}')`).join(', ')}`;

  it('sends what execute() sends, without building the bind-variable object', async () => {
    const n = normalize(sql);
    expect(n.values).toHaveLength(14);
    const plan = insert(7, (r, c) => `vtg${2 * r + c + 1}`);
    const byName = cursor();
    const expected = await plan.execute(byName.vc, n.bindVars);
    const byPosition = cursor();
    let built = 0;
    const result = await plan.executeValues(byPosition.vc, n.values!, () => (built++, n.bindVars));
    expect(built).toBe(0);
    expect(result).toEqual(expected);
    expect(result.rowsAffected).toBe(7);
    expect(byPosition.sent).toEqual(byName.sent);
    // Both shards got rows, each its own positional bind variables only.
    expect(new Set(byPosition.sent.map((q) => q.shard.name))).toEqual(new Set(['-80', '80-']));
    const sentValues = byPosition.sent.flatMap((q) => Object.values(q.bindVars) as SqlValue[]);
    expect(sentValues.sort()).toEqual([...n.values!].sort());
  });

  it('falls back to the bind-variable object when a cell names a bind variable the normalizer did not make', async () => {
    const plan = insert(2, (r, c) => (r === 1 && c === 1 ? 'caller' : `vtg${2 * r + c + 1}`));
    const bindVars: BindVars = { vtg1: 1n, vtg2: 'a', vtg3: 4n, caller: 'b' };
    const { vc, sent } = cursor();
    let built = 0;
    await plan.executeValues(vc, [1n, 'a', 4n], () => (built++, bindVars));
    expect(built).toBe(1);
    expect(sent.flatMap((q) => Object.values(q.bindVars))).toContain('b');
  });

  it('reports a value it lacks as a missing bind variable, as execute() does', async () => {
    const plan = insert(2, (r, c) => `vtg${2 * r + c + 1}`);
    await expect(plan.executeValues(cursor().vc, [1n, 'a', 4n], () => ({}))).rejects.toThrow('missing bind var vtg4');
    await expect(plan.execute(cursor().vc, { vtg1: 1n, vtg2: 'a', vtg3: 4n })).rejects.toThrow('missing bind var vtg4');
  });
});

describe('normalize: the positional values of the INSERT fast path', () => {
  it('holds the bind variables’ values in order, read through getters, and bindVars built from them', () => {
    const n = normalize("insert into t (a, b) values (1, 'x'), (70000, null)");
    expect(n.values).toEqual([1n, 'x', 70000n]);
    expect(Object.keys(n)).toEqual(['sql']);
    expect(n.bindVars).toEqual({ vtg1: 1n, vtg2: 'x', vtg3: 70000n });
    expect(n.bindVars).toBe(n.bindVars);
  });

  it('is not set on the general path', () => {
    expect(normalize('insert into t (a) values (:x), (2)', { x: 1n }).values).toBeUndefined();
    expect(normalize('select a from t where b = 1').values).toBeUndefined();
  });
});
