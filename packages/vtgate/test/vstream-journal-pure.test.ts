// The pure pieces of journal handling: which of a stream's shards a journal names, the join
// bookkeeping, and the merged VGtid after a migration.
import { Code, MigrationType, type Journal, type ShardGtid } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { JournalEvent, MergedVGtid, journalParticipants } from '../src/vstream/index.js';

const sg = (shard: string, gtid = `pos${shard}`): ShardGtid => ({ keyspace: 'ks', shard, gtid, table_p_ks: [] });
const journal = (participants: string[], targets: ShardGtid[] = []): Journal => ({
  id: '1',
  migration_type: MigrationType.SHARDS,
  tables: [],
  local_position: '',
  shard_gtids: targets,
  participants: participants.map((shard) => ({ keyspace: 'ks', shard })),
  source_workflows: [],
});

describe('journalParticipants', () => {
  const stream = [sg('-10'), sg('10-20')];

  it('returns the stream entries a journal names when all are streamed', () => {
    const matched = journalParticipants(journal(['10-20', '-10']), stream)!;
    expect([...matched]).toEqual([stream[1], stream[0]]);
    expect(matched.has(stream[0]!)).toBe(true);
  });

  it('returns null when none is streamed', () => {
    expect(journalParticipants(journal(['c0-e0', 'e0-']), stream)).toBeNull();
  });

  it('throws INTERNAL when only some are streamed, whatever their order', () => {
    for (const order of [['10-20', '20-30'], ['20-30', '10-20']]) {
      expect(() => journalParticipants(journal(order), stream)).toThrow(expect.objectContaining({ code: Code.INTERNAL }));
      expect(() => journalParticipants(journal(order), stream)).toThrow(/^not all journaling participants are in the stream: journal: \[.*\], stream: \[.*\]$/);
    }
  });

  it('matches on keyspace as well as shard', () => {
    expect(journalParticipants(journal(['-10']), [{ ...sg('-10'), keyspace: 'other' }])).toBeNull();
  });
});

describe('JournalEvent', () => {
  it('completes on the last distinct participant only, and resolves done when finished', async () => {
    const stream = [sg('-10'), sg('10-20')];
    const je = new JournalEvent(journal(['-10', '10-20']), new Set(stream));
    expect(je.join(stream[0]!)).toBe(false);
    expect(je.join(stream[0]!)).toBe(false);
    expect(je.join(sg('10-20'))).toBe(false);
    let done = false;
    void je.done.then(() => (done = true));
    expect(je.join(stream[1]!)).toBe(true);
    await Promise.resolve();
    expect(done).toBe(false);
    je.finish();
    await je.done;
    expect(done).toBe(true);
    expect(je.join(stream[1]!)).toBe(false);
  });
});

describe('MergedVGtid.migrate', () => {
  it('drops the participants, keeps the others in order, appends the targets in journal order with fresh entries', () => {
    const other = { ...sg('0'), keyspace: 'other' };
    const merged = new MergedVGtid({ shard_gtids: [sg('-10'), other, sg('10-20')] });
    const targets = [sg('10-20x', 'pos1020'), sg('-10x', 'pos10')];
    const added = merged.migrate(new Set([merged.shardGtids[0]!, merged.shardGtids[2]!]), targets);
    expect(merged.snapshot().shard_gtids.map((s) => `${s.keyspace}/${s.shard}@${s.gtid}`)).toEqual(['other/0@pos0', 'ks/10-20x@pos1020', 'ks/-10x@pos10']);
    expect(added).toEqual(targets);
    expect(added[0]).not.toBe(targets[0]);
    expect(merged.shardGtids[1]).toBe(added[0]);
  });
});
