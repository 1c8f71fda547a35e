/**
 * VDiff (create and show): compares a workflow's source and target rows, table by table and
 * target shard by target shard. Source rows are read from every source primary feeding the target
 * shard, kept only when their primary-vindex keyspace id falls in the target's key range (sharded
 * targets). While the workflow's streams run, each table is compared as Vitess does under writes:
 * the target's streams stop, each source's rows come from one snapshot with its position
 * (VStreamRows), the streams run on to exactly that position, the target is read, and the streams
 * run again; this needs no timing, so it holds when the tablets are processes reached over gRPC.
 * As in Vitess, a diff needs every stream running: a workflow whose writes were switched (frozen)
 * or with a stream in another state is refused. A diff runs in the
 * background after create (as Vitess schedules it on the targets); show reports its state and
 * per-table results as each target shard's VDiffResponse rows.
 */
import { Code, MigrationType, TabletType, Type, resultToWire, tabletAliasString, textEncoders, valueToText, type Field, type KeyRange, type KeyspaceVSchema, type Result, type SqlValue } from '@vtsim/proto';
import { isTopoError, keyRangeContains, keyRangeIsComplete } from '@vtsim/topo';
import { createVindex } from '@vtsim/vindexes';
import { resultFromWire, type QueryResultDecoded } from '@vtsim/vttablet';
import { durationMs, type VtctldContext } from '../vtctld-context.js';
import { toVtError, vtctldError } from '../vtctld-error.js';
import { listTables } from './schema-copy.js';
import { sqlIdent, sqlString } from './sql-literal.js';
import { buildTrafficSwitcher, type TrafficSwitcher, type WorkflowSource, type WorkflowTarget } from './traffic-switcher.js';
import { diffRows, hasMismatch, type DiffReport } from './vdiff-table-diff.js';
import type { VDiffCreateRequest, VDiffCreateResponse, VDiffShowRequest, VDiffShowResponse, VDiffTabletResponse } from './workflow-messages.js';

/** One table's result on one target shard. */
interface TableResult {
  table: string;
  rows: number;
  report: DiffReport;
}

/** One VDiff run. */
interface VDiffRecord {
  uuid: string;
  state: 'started' | 'completed' | 'error';
  error: string;
  /** Seconds since the epoch. */
  startedAt: number;
  completedAt: number;
  /** Results by target shard, with when the shard finished (filled as each shard finishes). */
  shards: Map<string, { tables: TableResult[]; completedAt: number }>;
  done: Promise<void>;
}

/** The default wait for target streams to reach the sources' position (Vitess's filtered_replication_wait_time). */
const DEFAULT_WAIT_MS = 30_000;

/** The primary-key column indexes of `table` in a `select *` of it on a tablet. */
async function primaryKeyColumns(target: WorkflowTarget, table: string, fields: readonly Field[]): Promise<number[]> {
  const index = await target.tm.executeFetchAsDba(`show index from ${sqlIdent(table)}`);
  const keyName = index.fields.findIndex((f) => f.name === 'Key_name');
  const columnName = index.fields.findIndex((f) => f.name === 'Column_name');
  const out: number[] = [];
  for (const row of index.rows) {
    if (valueToText(row[keyName] ?? null) !== 'PRIMARY') continue;
    const name = (valueToText(row[columnName] ?? null) ?? '').toLowerCase();
    const i = fields.findIndex((f) => f.name.toLowerCase() === name);
    if (i >= 0) out.push(i);
  }
  return out;
}

/** A filter keeping the rows of `table` whose keyspace id is in `keyRange` (everything for unsharded keyspaces). */
function keyRangeFilter(vschema: KeyspaceVSchema | null, table: string, keyRange: KeyRange | null, fields: readonly Field[]): (row: readonly SqlValue[]) => boolean {
  if (!vschema?.sharded || keyRangeIsComplete(keyRange)) return () => true;
  const cv = vschema.tables[table]?.column_vindexes[0];
  const def = cv ? vschema.vindexes[cv.name] : undefined;
  if (!cv || !def) throw vtctldError(Code.FAILED_PRECONDITION, `table ${table} has no primary vindex in the vschema`);
  const vindex = createVindex(def.type, cv.name, def.params);
  const column = (cv.column || cv.columns[0] || '').toLowerCase();
  const col = fields.findIndex((f) => f.name.toLowerCase() === column);
  if (col < 0) throw vtctldError(Code.FAILED_PRECONDITION, `column ${column} not found in table ${table}`);
  return (row) => {
    const ksid = vindex.mapOne(row[col] ?? null);
    return ksid !== null && keyRangeContains(keyRange, ksid);
  };
}

/** Diffs every table of one target shard. */
async function diffShard(ctx: VtctldContext, ts: TrafficSwitcher, target: WorkflowTarget, tables: readonly string[], vschema: KeyspaceVSchema | null, waitMs: number): Promise<TableResult[]> {
  const sources = [...ts.sources.values()].filter((s) => target.streams.some((st) => st.source.shard === s.shard));
  const results: TableResult[] = [];
  for (const table of tables) {
    const { sourceRows, targetRows } = await syncedRows(ctx, ts, target, sources, table, vschema, waitMs);
    const report = diffRows(sourceRows, targetRows.rows, await primaryKeyColumns(target, table, targetRows.fields), textEncoders(targetRows.fields));
    results.push({ table, rows: report.ProcessedRows, report });
  }
  return results;
}

/** A table's source rows (those that belong to the target shard) and target rows, at the same position of the workflow. */
interface TableRows {
  sourceRows: SqlValue[][];
  targetRows: Result;
}

/** Sets the state (and stop position and message) of some streams of a target primary. */
function streamStateSql(ids: readonly number[], state: string, stopPos: string, message: string): string {
  return `update _vt.vreplication set state = ${sqlString(state)}, stop_pos = ${sqlString(stopPos)}, message = ${sqlString(message)} where id in (${ids.join(', ')})`;
}

/**
 * A table's rows on both sides of the target's streams, as Vitess's VDiff reads them while the sources
 * take writes: the target's streams stop; each source's rows come from one snapshot (VStreamRows,
 * with the snapshot's position); the target's streams from that source run on to exactly that
 * position and stop there; then the target is read, and the streams run again.
 */
async function syncedRows(
  ctx: VtctldContext,
  ts: TrafficSwitcher,
  target: WorkflowTarget,
  sources: readonly WorkflowSource[],
  table: string,
  vschema: KeyspaceVSchema | null,
  waitMs: number,
): Promise<TableRows> {
  const ids = target.streams.map((st) => st.id);
  await target.tm.vreplicationExec(streamStateSql(ids, 'Stopped', '', 'for vdiff'));
  try {
    const sourceRows: SqlValue[][] = [];
    for (const s of sources) {
      const { position, result } = await snapshotRows(ctx, ts, s, table);
      const keep = keyRangeFilter(vschema, table, target.si.shard.key_range, result.fields);
      for (const row of result.rows) if (keep(row)) sourceRows.push(row);
      for (const st of target.streams) {
        if (st.source.shard !== s.shard) continue;
        await target.tm.vreplicationExec(streamStateSql([st.id], 'Running', position, 'synchronizing for vdiff'));
        await target.tm.vreplicationWaitForPos(st.id, position, waitMs);
      }
    }
    return { sourceRows, targetRows: await target.tm.executeFetchAsDba(`select * from ${sqlIdent(table)}`) };
  } finally {
    await target.tm.vreplicationExec(streamStateSql(ids, 'Running', '', ''));
  }
}

/** A source primary's rows of `table` from one snapshot (VStreamRows, over gRPC for a tablet in another process) and the snapshot's position. */
async function snapshotRows(ctx: VtctldContext, ts: TrafficSwitcher, source: WorkflowSource, table: string): Promise<{ position: string; result: Result }> {
  const service = ctx.tabletDialer(source.primary);
  if (!service) throw vtctldError(Code.UNAVAILABLE, `tablet ${tabletAliasString(source.primary)} is not reachable`);
  const request = { target: { keyspace: ts.sourceKeyspace, shard: source.shard, tablet_type: TabletType.PRIMARY, cell: source.primary.cell }, query: `select * from ${sqlIdent(table)}`, lastpk: null };
  const ac = new AbortController();
  let position = '';
  const wire: QueryResultDecoded = { fields: [], rows: [], rows_affected: 0, insert_id: 0, info: '' };
  try {
    for await (const r of service.vstreamRows(request, ac.signal)) {
      if (r.gtid) [position, wire.fields] = [r.gtid, r.fields];
      wire.rows.push(...r.rows);
    }
  } finally {
    ac.abort();
  }
  return { position, result: resultFromWire(wire) };
}

/** A version-1-shaped UUID from the clock's time and a sequence number (no randomness in core code). */
function timeUuid(millis: number, seq: number, node: string): string {
  const ticks = BigInt(Math.floor(millis)) * 10_000n + 0x01b21dd213814000n + BigInt(seq);
  const hex = (v: bigint, n: number) => v.toString(16).padStart(n, '0');
  const low = ticks & 0xffffffffn;
  const mid = (ticks >> 32n) & 0xffffn;
  const high = ((ticks >> 48n) & 0x0fffn) | 0x1000n;
  let h = 0x811c9dc5;
  for (const ch of node) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const nodeHex = `${hex(BigInt(h), 8)}${hex(BigInt(seq & 0xffff), 4)}`;
  return `${hex(low, 8)}-${hex(mid, 4)}-${hex(high, 4)}-${hex(BigInt(0x8000 | (seq & 0x3fff)), 4)}-${nodeHex}`;
}

const SHOW_COLUMNS: ReadonlyArray<[string, Type]> = [
  ['vdiff_state', Type.VARBINARY], ['last_error', Type.VARBINARY], ['table_name', Type.VARBINARY], ['uuid', Type.VARBINARY],
  ['table_state', Type.VARBINARY], ['table_rows', Type.INT64], ['started_at', Type.VARBINARY], ['rows_compared', Type.INT64],
  ['completed_at', Type.VARBINARY], ['has_mismatch', Type.INT64], ['report', Type.JSON],
];

function showField(name: string, type: Type): Field {
  return { name, type, table: 'vdiff', org_table: 'vdiff', database: '_vt', org_name: name, column_length: 0, charset: 63, decimals: 0, flags: 0, column_type: '' };
}

/** `YYYY-MM-DD hh:mm:ss` in UTC of seconds since the epoch ('' for 0), as Vitess's vdiff tables hold them. */
function sqlTime(seconds: number): string {
  return seconds > 0 ? new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ') : '';
}

/** The VDiffs vtctld ran, by workflow; one store per Vtctld. */
export class VDiffStore {
  private readonly byWorkflow = new Map<string, VDiffRecord[]>();
  private seq = 0;

  /**
   * Starts a VDiff of workflow `req.workflow` in keyspace `req.target_keyspace` and returns its
   * UUID at once (after it finishes with `wait`). Errors of loading the workflow are returned;
   * errors of the diff itself are recorded (state `error`).
   */
  async create(ctx: VtctldContext, req: VDiffCreateRequest): Promise<VDiffCreateResponse> {
    const keyspace = req.target_keyspace ?? '';
    const workflow = req.workflow ?? '';
    if (!keyspace || !workflow) throw vtctldError(Code.INVALID_ARGUMENT, 'workflow and target keyspace are required');
    const ts = await buildTrafficSwitcher(ctx, keyspace, workflow);
    if (ts.frozen) throw vtctldError(Code.FAILED_PRECONDITION, `invalid VDiff run: writes have been already been switched for workflow ${keyspace}.${workflow}`);
    if ([...ts.targets.values()].some((t) => t.streams.some((st) => st.state !== 'Running'))) {
      throw vtctldError(Code.FAILED_PRECONDITION, `not all streams are running in workflow ${keyspace}.${workflow}`);
    }
    const uuid = req.uuid || timeUuid(ctx.clock.now(), ++this.seq, `${keyspace}.${workflow}`);
    const record: VDiffRecord = { uuid, state: 'started', error: '', startedAt: Math.floor(ctx.clock.now() / 1000), completedAt: 0, shards: new Map(), done: Promise.resolve() };
    record.done = this.run(ctx, ts, record, req).catch((err: unknown) => {
      record.state = 'error';
      record.error = toVtError(err).message;
      record.completedAt = Math.floor(ctx.clock.now() / 1000);
    });
    const key = `${keyspace}.${workflow}`;
    this.byWorkflow.set(key, [...(this.byWorkflow.get(key) ?? []), record]);
    if (req.wait) await record.done;
    return { UUID: uuid };
  }

  private async run(ctx: VtctldContext, ts: TrafficSwitcher, record: VDiffRecord, req: VDiffCreateRequest): Promise<void> {
    let vschema: KeyspaceVSchema | null = null;
    try {
      vschema = await ctx.topo.getVSchema(ts.targetKeyspace);
    } catch (err) {
      if (!isTopoError(err, 'NoNode')) throw err;
    }
    const waitMs = durationMs(req.filtered_replication_wait_time, DEFAULT_WAIT_MS);
    for (const shard of ts.targetShards()) {
      const target = ts.targets.get(shard)!;
      let tables = ts.migrationType === MigrationType.TABLES ? [...ts.tables] : await listTables(target.tm);
      if (req.tables?.length) tables = tables.filter((t) => req.tables!.includes(t));
      const results = await diffShard(ctx, ts, target, tables, vschema, waitMs);
      record.shards.set(shard, { tables: results, completedAt: Math.floor(ctx.clock.now() / 1000) });
    }
    record.state = 'completed';
    record.completedAt = Math.floor(ctx.clock.now() / 1000);
  }

  /**
   * The results of one VDiff of a workflow (`arg`: `last` or a UUID), one VDiffResponse per target
   * shard. NOT_FOUND when there is none; UNIMPLEMENTED for other arguments (`all`).
   */
  async show(ctx: VtctldContext, req: VDiffShowRequest): Promise<VDiffShowResponse> {
    const keyspace = req.target_keyspace ?? '';
    const workflow = req.workflow ?? '';
    const arg = (req.arg ?? '').trim();
    const ts = await buildTrafficSwitcher(ctx, keyspace, workflow);
    const records = this.byWorkflow.get(`${keyspace}.${workflow}`) ?? [];
    let record: VDiffRecord | undefined;
    if (arg === 'last') record = records[records.length - 1];
    else if (/^[0-9a-f-]{36}$/i.test(arg)) record = records.find((r) => r.uuid === arg.toLowerCase());
    else throw vtctldError(Code.UNIMPLEMENTED, `vdiff show ${arg} is not supported by vtsim (use last or a UUID)`);
    if (!record) throw vtctldError(Code.NOT_FOUND, `no vdiff found for workflow ${keyspace}.${workflow}${arg === 'last' ? '' : ` with UUID ${arg}`}`);
    const tablet_responses: Record<string, VDiffTabletResponse> = {};
    let id = 0;
    for (const shard of ts.targetShards()) {
      const done = record.shards.get(shard);
      const state = done ? 'completed' : record.state === 'error' ? 'error' : 'pending';
      const lines: Array<TableResult | null> = done ? done.tables : [null];
      const rows: SqlValue[][] = lines.map((r) => [
        record.state, record.error, r?.table ?? '', record.uuid, state, BigInt(r?.rows ?? 0), sqlTime(record.startedAt),
        BigInt(r?.report.ProcessedRows ?? 0), done ? sqlTime(done.completedAt) : '', BigInt(r && hasMismatch(r.report) ? 1 : 0),
        r ? JSON.stringify(r.report) : '',
      ]);
      const result: Result = { fields: SHOW_COLUMNS.map(([n, t]) => showField(n, t)), rows, rowsAffected: 0, insertId: 0n };
      tablet_responses[shard] = { id: ++id, output: resultToWire(result), vdiff_uuid: record.uuid };
    }
    return { tablet_responses };
  }
}
