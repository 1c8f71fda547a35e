import { describe, expect, it } from 'vitest';
import { MemoryTopoStore } from '../src/index.js';
import { runConnConformance } from './conn-conformance.js';

runConnConformance(
  'MemoryConn',
  () => new MemoryTopoStore().conn('/vitess/global'),
  () => {
    const store = new MemoryTopoStore();
    return [store.conn('/vitess/zone1'), store.conn('vitess/zone1/')];
  },
);

describe('MemoryTopoStore roots', () => {
  it('keeps the trees of different roots apart', async () => {
    const store = new MemoryTopoStore();
    const global = store.conn('/vitess/global');
    const cell = store.conn('/vitess/zone1');
    await global.create('keyspaces/ks/Keyspace', new Uint8Array([1]));
    await expect(cell.get('keyspaces/ks/Keyspace')).rejects.toMatchObject({ code: 'NoNode' });
    expect(await store.conn('/vitess').list('')).toEqual(['global']);
    expect(await store.conn('').list('vitess/global/keyspaces')).toEqual(['ks']);
  });
});
