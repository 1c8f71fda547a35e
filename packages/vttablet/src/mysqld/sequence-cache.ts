/**
 * The tablet-side cache of Vitess sequence tables (`comment 'vitess_sequence'`, columns id, next_id,
 * cache): `select next N values from seq` hands out ids from memory and, when the cached block is used
 * up, reserves the next block(s) of `cache` ids by advancing `next_id` in a real, binlogged transaction.
 */
import { ER, sqlError } from '@vtsim/proto';
import { toBigInt } from '@vtsim/sql';
import type { TableEntry } from './catalog.js';
import type { MysqlSession } from './mysql-session.js';

interface SequenceState {
  /** The next id to hand out. */
  next: bigint;
  /** One past the last id reserved in the table. */
  last: bigint;
}

/** Per-server sequence state, by table (a re-created table starts afresh). */
export class SequenceCache {
  private states = new WeakMap<TableEntry, SequenceState>();

  /**
   * Forgets every cached block, as a restarted vttablet starts without its cache: the next id comes
   * from the table's `next_id`, and the rest of the old blocks are never handed out.
   */
  reset(): void {
    this.states = new WeakMap();
  }

  /**
   * Reserves `n` consecutive ids of the sequence table and returns the first. Refills run in their own
   * transaction on a fresh session (the caller's transaction is not involved), honouring read-only.
   * Throws SqlError for a table that is not a sequence, a bad increment, or a missing/invalid row 0.
   */
  next(caller: MysqlSession, entry: TableEntry, n: bigint): bigint {
    const schema = entry.schema;
    if (!schema.isSequence) throw sqlError(ER.UNKNOWN_ERROR, `table ${schema.name} is not a sequence`);
    if (n < 1n) throw sqlError(ER.UNKNOWN_ERROR, `invalid increment for sequence ${schema.name}: ${n}`);
    let state = this.states.get(entry);
    if (!state || state.next + n > state.last) {
      state = this.refill(caller, entry, state, n);
      this.states.set(entry, state);
    }
    const first = state.next;
    state.next += n;
    return first;
  }

  private refill(caller: MysqlSession, entry: TableEntry, state: SequenceState | undefined, n: bigint): SequenceState {
    const session = caller.mysqld.createSession({
      database: entry.schema.database,
      bypassReadOnly: caller.bypassReadOnly,
      logBin: caller.logBin,
    });
    const table = `\`${entry.schema.name}\``;
    try {
      session.execute('begin');
      const r = session.execute(`select next_id, cache from ${table} where id = 0 for update`);
      const row = r.rows[0];
      if (!row) throw sqlError(ER.UNKNOWN_ERROR, `sequence ${entry.schema.name} has no row with id 0`);
      const nextId = toBigInt(row[0]!) ?? 0n;
      const cache = toBigInt(row[1]!) ?? 0n;
      if (cache < 1n) throw sqlError(ER.UNKNOWN_ERROR, `invalid cache value for sequence ${entry.schema.name}: ${cache}`);
      const s: SequenceState = state && state.last === nextId ? { ...state } : { next: nextId, last: nextId };
      let last = s.last;
      while (last < s.next + n) last += cache;
      session.execute(`update ${table} set next_id = :next_id where id = 0`, { next_id: last });
      session.execute('commit');
      s.last = last;
      return s;
    } finally {
      session.close();
    }
  }
}
