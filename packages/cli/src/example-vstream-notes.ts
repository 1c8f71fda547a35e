/**
 * What a VStream response means, in a learner's words: the tour prints one note under each
 * response its client receives (copy phase, snapshot position, DDL, empty bookkeeping
 * transactions, the move to new shards after a reshard, streamed row changes).
 */
import type { DecodedMessage } from '@vtsim/vtgate';

/** What the notes remember of the stream between responses (from its last VGTID). */
export interface VStreamNoteState {
  /** The shards the last VGTID named. */
  shards: readonly string[];
  /** Whether the last VGTID carried a table's last PK (a copy in progress). */
  copying: boolean;
}

/** A response's note, and the stream's state after it. */
export interface VStreamNote {
  text: string;
  state: VStreamNoteState;
}

/**
 * Describes one response (its decoded events, enums by name) given the stream's state before it.
 * Never throws: an unusual response gets a plain list of its event types.
 */
export function noteVStreamResponse(events: readonly DecodedMessage[], previous: VStreamNoteState): VStreamNote {
  const types = events.map((e) => String(e.type));
  const vgtids = events.filter((e) => e.type === 'VGTID').map((e) => e.vgtid as DecodedMessage);
  const last = vgtids.at(-1);
  const shardGtids = (last?.shard_gtids ?? []) as DecodedMessage[];
  const shards = last ? shardGtids.map((s) => String(s.shard)) : undefined;
  const source = events.find((e) => e.shard)?.shard as string | undefined;
  const rows = events.filter((e) => e.type === 'ROW');
  const changes = rows.reduce((n, e) => n + ((e.row_event as DecodedMessage).row_changes as unknown[]).length, 0);
  const has = (t: string) => types.includes(t);
  const copying = shardGtids.some((s) => ((s.table_p_ks ?? []) as unknown[]).length > 0);
  const moved = shards !== undefined && previous.shards.length > 0 && shards.join(',') !== previous.shards.join(',');
  const on = source !== undefined ? ` on shard ${source}` : '';
  const text = ((): string => {
    if (has('JOURNAL')) {
      const journal = events.find((e) => e.type === 'JOURNAL')!.journal as DecodedMessage;
      const targets = ((journal.shard_gtids ?? []) as DecodedMessage[]).map((s) => s.shard).join(', ');
      return `the reshard's journal${on}: its writes now go to ${targets}`;
    }
    if (has('COPY_COMPLETED')) return 'copy phase completed: from now on the stream follows the binlog';
    if (types.join(' ') === 'BEGIN FIELD') return 'copy phase: the table\'s columns (vtgate holds them until the rows\' COMMIT)';
    if (types.join(' ') === 'VGTID') return 'copy phase: the position of the consistent snapshot the rows are read from';
    if (has('DDL')) return `a DDL on the streamed table${on}: ${String(events.find((e) => e.type === 'DDL')!.statement)}`;
    if (has('OTHER')) return `a statement${on} that does not touch the streamed table (here: DDL on another table)`;
    if (rows.length > 0 && copying) {
      return `copy phase: ${rows.length} row(s), and the last primary key copied (where a resumed copy would go on)`;
    }
    if (moved) return `the stream moved to ${shards!.join(', ')}: the old shard is gone from the VGTID, the new shards start at the journal's positions`;
    if (rows.length > 0) {
      const field = has('FIELD') ? 'the table\'s columns (a new tablet stream sends them again), then ' : '';
      return `a transaction${on}: ${field}${changes} row change(s)`;
    }
    if (types.join(' ') === 'BEGIN VGTID COMMIT' && previous.copying && !copying) return 'copy phase: the table is fully copied (its last PK leaves the VGTID)';
    if (types.join(' ') === 'BEGIN VGTID COMMIT') return `an empty transaction${on}: a write to another database (Vitess's _vt bookkeeping) moved the position`;
    if (has('HEARTBEAT')) return 'a vtgate heartbeat';
    return types.join(' ');
  })();
  return { text, state: last ? { shards: shards!, copying } : previous };
}
