/**
 * JournalEvent: one reshard cut-over as a VStream sees it (Vitess's `journalEvent`). SwitchTraffic
 * writes the same SHARDS journal on every source shard; each participant's shard stream joins it
 * when its tablet stream reaches the journal, and only when the last participant has joined does
 * the VStream swap the participants for the journal's shards. Until then the joined streams wait.
 */
import { Code, VtError, type Journal, type KeyspaceShard, type ShardGtid } from '@vtsim/proto';
import { shardGtidText } from './vstream-error.js';

/** A journal the stream's shards take part in, with the participants that have reached it so far. */
export class JournalEvent {
  private readonly joined = new Set<ShardGtid>();
  private resolveDone!: () => void;
  /** Resolves when every participant has joined and the VStream has moved on. */
  readonly done: Promise<void> = new Promise((resolve) => (this.resolveDone = resolve));
  private finished = false;

  /** `participants` are the stream's ShardGtids (entries of its merged VGtid) the journal names. */
  constructor(
    readonly journal: Journal,
    readonly participants: ReadonlySet<ShardGtid>,
  ) {}

  /**
   * Records that `sgtid`'s stream reached the journal. Returns true exactly once: for the join
   * that completes the set (the caller then migrates the stream and calls {@link finish}).
   * A ShardGtid that is not a participant, or joins twice, changes nothing.
   */
  join(sgtid: ShardGtid): boolean {
    if (this.finished || !this.participants.has(sgtid) || this.joined.has(sgtid)) return false;
    this.joined.add(sgtid);
    return this.joined.size === this.participants.size;
  }

  /** Releases every waiting participant. Idempotent. */
  finish(): void {
    this.finished = true;
    this.resolveDone();
  }
}

/**
 * The stream's ShardGtids that a journal's participants name (matched on keyspace and shard):
 * all of them, or null when none is in the stream (the journal is not this stream's concern).
 * Throws INTERNAL `not all journaling participants are in the stream: …` when only some are.
 */
export function journalParticipants(journal: Journal, shardGtids: readonly ShardGtid[]): Set<ShardGtid> | null {
  const matched = new Set<ShardGtid>();
  let missing = 0;
  for (const p of journal.participants) {
    const sgtid = shardGtids.find((s) => s.keyspace === p.keyspace && s.shard === p.shard);
    if (sgtid) matched.add(sgtid);
    else missing++;
  }
  if (matched.size === 0) return null;
  if (missing > 0) {
    throw new VtError(
      Code.INTERNAL,
      `not all journaling participants are in the stream: journal: ${participantsText(journal.participants)}, stream: ${streamText(shardGtids)}`,
    );
  }
  return matched;
}

function participantsText(participants: readonly KeyspaceShard[]): string {
  return `[${participants.map((p) => `keyspace:${JSON.stringify(p.keyspace)} shard:${JSON.stringify(p.shard)}`).join(' ')}]`;
}

function streamText(shardGtids: readonly ShardGtid[]): string {
  return `[${shardGtids.map(shardGtidText).join(' ')}]`;
}
