/**
 * One row of `<sidecar>.vreplication` (a VReplication stream's settings and progress) and the
 * statements VReplication writes to it, as Vitess's binlogplayer generates them.
 */
import type { MysqlSession } from '../mysqld/mysqld.js';
import type { SqlValue } from '@vtsim/proto';

/** Stream states, as Vitess writes them in `vreplication.state`. */
export const StreamState = {
  INIT: 'Init',
  COPYING: 'Copying',
  RUNNING: 'Running',
  STOPPED: 'Stopped',
  ERROR: 'Error',
} as const;

/** A stream row's fields that VReplication reads. */
export interface StreamRow {
  id: number;
  workflow: string;
  source: string;
  pos: string;
  stopPos: string;
  cell: string;
  tabletTypes: string;
  state: string;
  message: string;
  dbName: string;
  rowsCopied: number;
}

const COLUMNS = 'id, workflow, source, pos, stop_pos, cell, tablet_types, state, message, db_name, rows_copied';

/** True for the states in which a stream runs (Init, Copying, Running, or anything not Stopped/Error). */
export function isRunnable(state: string): boolean {
  return state !== StreamState.STOPPED && state !== StreamState.ERROR;
}

/** Reads every stream row, in id order. */
export function readStreamRows(session: MysqlSession, sidecar: string): StreamRow[] {
  return session.execute(`select ${COLUMNS} from ${ident(sidecar)}.vreplication order by id`).rows.map(toStreamRow);
}

/** Reads one stream row; undefined when it does not exist. */
export function readStreamRow(session: MysqlSession, sidecar: string, id: number): StreamRow | undefined {
  const row = session.execute(`select ${COLUMNS} from ${ident(sidecar)}.vreplication where id = :id`, { id: BigInt(id) }).rows[0];
  return row ? toStreamRow(row) : undefined;
}

/** A fingerprint of a stream row's every column, to tell which rows a statement changed. */
export function readRowFingerprints(session: MysqlSession, sidecar: string): Map<number, string> {
  const out = new Map<number, string>();
  const result = session.execute(`select * from ${ident(sidecar)}.vreplication`);
  const idCol = result.fields.findIndex((f) => f.name.toLowerCase() === 'id');
  for (const row of result.rows) out.set(Number(row[idCol]), row.map((v) => (v === null ? '\u0000' : text(v))).join('\u0001'));
  return out;
}

/** Quotes an identifier with backticks. */
export function ident(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** A value of a text or binary column as text ('' for NULL). */
export function text(v: SqlValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  return String(v);
}

function toStreamRow(r: SqlValue[]): StreamRow {
  return {
    id: Number(r[0]),
    workflow: text(r[1]),
    source: text(r[2]),
    pos: text(r[3]),
    stopPos: text(r[4]),
    cell: text(r[5]),
    tabletTypes: text(r[6]),
    state: text(r[7]),
    message: text(r[8]),
    dbName: text(r[9]),
    rowsCopied: Number(r[10] ?? 0),
  };
}
