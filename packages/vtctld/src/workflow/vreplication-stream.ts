/**
 * VReplication streams as vtctld sees them: the `_vt.vreplication` rows of a target primary,
 * read and written through the tablet manager's VReplicationExec, as Vitess's workflow server
 * does. The `source` column is a prototext BinlogSource (the codec lives in @vtsim/vttablet).
 */
import { valueToText, type BinlogSource, type Result, type SqlValue } from '@vtsim/proto';
import { formatBinlogSource, parseBinlogSource, type TabletManagerClient } from '@vtsim/vttablet';
import { sqlString } from './sql-literal.js';
import { VReplicationWorkflowSubType, type VReplicationWorkflowType } from './workflow-messages.js';

/** One `_vt.vreplication` row. */
export interface VReplicationStream {
  id: number;
  workflow: string;
  source: BinlogSource;
  pos: string;
  stopPos: string;
  maxReplicationLag: number;
  cell: string;
  tabletTypes: string;
  /** Seconds since the epoch. */
  timeUpdated: number;
  /** Seconds since the epoch of the last applied transaction (0 before any). */
  transactionTimestamp: number;
  state: string;
  message: string;
  dbName: string;
  rowsCopied: number;
  tags: string;
  workflowType: number;
  workflowSubType: number;
  deferSecondaryKeys: boolean;
}

/** What a new stream needs; the rest of the row takes Vitess's defaults. */
export interface NewStream {
  workflow: string;
  source: BinlogSource;
  /** Start position; '' starts with the copy phase. */
  pos: string;
  state: 'Stopped' | 'Running' | 'Init';
  dbName: string;
  workflowType: VReplicationWorkflowType;
  cell?: string;
  tabletTypes?: string;
  deferSecondaryKeys?: boolean;
  /** Seconds since the epoch. */
  now: number;
}

const COLUMNS =
  'id, workflow, source, pos, stop_pos, max_replication_lag, cell, tablet_types, time_updated, transaction_timestamp, ' +
  'state, message, db_name, rows_copied, tags, workflow_type, workflow_sub_type, defer_secondary_keys';

function column(result: Result, name: string): number {
  return result.fields.findIndex((f) => f.name.toLowerCase() === name);
}

function text(row: readonly SqlValue[], i: number): string {
  return i < 0 ? '' : (valueToText(row[i] ?? null) ?? '');
}

function num(row: readonly SqlValue[], i: number): number {
  const t = text(row, i);
  return t === '' ? 0 : Number(t);
}

/** Turns the rows of a `select <COLUMNS> from _vt.vreplication` into streams; throws if a source does not parse. */
function toStreams(result: Result): VReplicationStream[] {
  const c = (name: string) => column(result, name);
  const idx = {
    id: c('id'), workflow: c('workflow'), source: c('source'), pos: c('pos'), stopPos: c('stop_pos'), lag: c('max_replication_lag'),
    cell: c('cell'), tabletTypes: c('tablet_types'), timeUpdated: c('time_updated'), txTs: c('transaction_timestamp'), state: c('state'),
    message: c('message'), dbName: c('db_name'), rowsCopied: c('rows_copied'), tags: c('tags'), type: c('workflow_type'),
    subType: c('workflow_sub_type'), defer: c('defer_secondary_keys'),
  };
  return result.rows.map((row) => ({
    id: num(row, idx.id),
    workflow: text(row, idx.workflow),
    source: parseBinlogSource(text(row, idx.source)),
    pos: text(row, idx.pos),
    stopPos: text(row, idx.stopPos),
    maxReplicationLag: num(row, idx.lag),
    cell: text(row, idx.cell),
    tabletTypes: text(row, idx.tabletTypes),
    timeUpdated: num(row, idx.timeUpdated),
    transactionTimestamp: num(row, idx.txTs),
    state: text(row, idx.state),
    message: text(row, idx.message),
    dbName: text(row, idx.dbName),
    rowsCopied: num(row, idx.rowsCopied),
    tags: text(row, idx.tags),
    workflowType: num(row, idx.type),
    workflowSubType: num(row, idx.subType),
    deferSecondaryKeys: num(row, idx.defer) !== 0,
  }));
}

/** The streams of `dbName` on a primary (of one workflow when given), by id. */
export async function readStreams(tm: TabletManagerClient, dbName: string, workflow?: string): Promise<VReplicationStream[]> {
  const where = `db_name = ${sqlString(dbName)}${workflow === undefined ? '' : ` and workflow = ${sqlString(workflow)}`}`;
  const streams = toStreams(await tm.vreplicationExec(`select ${COLUMNS} from _vt.vreplication where ${where} order by id`));
  return streams;
}

/** The tables each stream still has to copy, with their last copied primary keys (prototext). */
export async function readCopyStates(tm: TabletManagerClient, ids: readonly number[]): Promise<Map<number, Array<{ table: string; lastPk: string }>>> {
  const out = new Map<number, Array<{ table: string; lastPk: string }>>();
  if (ids.length === 0) return out;
  const result = await tm.vreplicationExec(`select vrepl_id, table_name, lastpk from _vt.copy_state where vrepl_id in (${ids.join(', ')}) order by id`);
  const [id, table, lastPk] = [column(result, 'vrepl_id'), column(result, 'table_name'), column(result, 'lastpk')];
  for (const row of result.rows) {
    const key = num(row, id);
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push({ table: text(row, table), lastPk: text(row, lastPk) });
  }
  return out;
}

/** The insert that creates a stream; its id comes back as the result's insertId. */
export function insertStreamSql(s: NewStream): string {
  const values = [
    sqlString(s.workflow), sqlString(formatBinlogSource(s.source)), sqlString(s.pos), '0', '0', sqlString(s.cell ?? ''),
    sqlString(s.tabletTypes ?? ''), String(s.now), '0', sqlString(s.state), sqlString(s.dbName), String(s.workflowType),
    String(VReplicationWorkflowSubType.None), s.deferSecondaryKeys ? '1' : '0',
  ];
  return (
    'insert into _vt.vreplication (workflow, source, pos, max_tps, max_replication_lag, cell, tablet_types, time_updated, ' +
    `transaction_timestamp, state, db_name, workflow_type, workflow_sub_type, defer_secondary_keys) values (${values.join(', ')})`
  );
}

/** Sets the state (and message) of a workflow's streams on one primary. */
export function updateStateSql(dbName: string, workflow: string, state: string, message: string): string {
  return `update _vt.vreplication set state = ${sqlString(state)}, message = ${sqlString(message)} where db_name = ${sqlString(dbName)} and workflow = ${sqlString(workflow)}`;
}

/** Deletes a workflow's streams on one primary (the engine stops them and forgets their copy state). */
export function deleteWorkflowSql(dbName: string, workflow: string): string {
  return `delete from _vt.vreplication where db_name = ${sqlString(dbName)} and workflow = ${sqlString(workflow)}`;
}
