/**
 * WorkflowStatus: each target stream's state with a one-line info (`VStream Lag: 0s`), the copy
 * progress of the tables still being copied, and the traffic state, as Vitess's
 * workflow.Server.WorkflowStatus reports them.
 */
import { valueToText } from '@vtsim/proto';
import type { TabletManagerClient } from '@vtsim/vttablet';
import type { VtctldContext } from '../vtctld-context.js';
import { trafficState, trafficStateString } from './traffic-state.js';
import { buildTrafficSwitcher, type TrafficSwitcher } from './traffic-switcher.js';
import { readCopyStates, type VReplicationStream } from './vreplication-stream.js';
import { TableCopyPhase, type ShardStreamState, type TableCopyState, type WorkflowStatusResponse } from './workflow-messages.js';
import { sqlIdent } from './sql-literal.js';

const ANSIC_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const ANSIC_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.ANSIC layout (`Mon Jan  2 15:04:05 2006`) in UTC, of seconds since the epoch. */
export function ansicTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${ANSIC_DAYS[d.getUTCDay()]} ${ANSIC_MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** The info text of one stream: its error, that it has not started, or its lag and last transaction time. */
export function streamInfo(s: VReplicationStream, nowSeconds: number): string {
  if (s.state === 'Error') return s.message;
  if (s.pos === '') return 'VStream has not started';
  const lag = Math.max(0, nowSeconds - Math.max(s.timeUpdated, s.transactionTimestamp));
  const info = [`VStream Lag: ${lag}s`];
  if (s.transactionTimestamp > 0) info.push(`Tx time: ${ansicTime(s.transactionTimestamp)}`);
  return info.join('; ');
}

/** The status a stream is shown with: Copying while it still has tables to copy, else its state. */
function streamStatus(s: VReplicationStream, copying: boolean): string {
  return copying && s.state === 'Running' ? 'Copying' : s.state;
}

/**
 * Rows of `table` on the given primaries, summed: on the sources the copy's total, on the targets
 * what it has copied so far (Vitess's GetCopyProgress reads information_schema's table_rows of both).
 */
async function rowCount(primaries: Iterable<{ tm: TabletManagerClient }>, table: string): Promise<number> {
  let total = 0;
  for (const { tm } of primaries) {
    const r = await tm.executeFetchAsDba(`select count(*) from ${sqlIdent(table)}`);
    total += Number(valueToText(r.rows[0]?.[0] ?? null) ?? 0);
  }
  return total;
}

/** The status of a loaded workflow. */
export async function statusOf(ctx: VtctldContext, ts: TrafficSwitcher): Promise<WorkflowStatusResponse> {
  const nowSeconds = Math.floor(ctx.clock.now() / 1000);
  const shard_streams: WorkflowStatusResponse['shard_streams'] = {};
  const copying = new Set<string>();
  for (const target of [...ts.targets.values()].sort((a, b) => (a.shard < b.shard ? -1 : 1))) {
    const copyStates = await readCopyStates(target.tm, target.streams.map((s) => s.id));
    const streams: ShardStreamState[] = target.streams.map((s) => {
      const tables = copyStates.get(s.id) ?? [];
      for (const { table } of tables) copying.add(table);
      return {
        id: s.id,
        tablet: target.primary,
        source_shard: `${s.source.keyspace}/${s.source.shard}`,
        position: s.pos,
        status: streamStatus(s, tables.length > 0),
        info: streamInfo(s, nowSeconds),
      };
    });
    shard_streams[`${ts.targetKeyspace}/${target.shard}`] = { streams };
  }
  const table_copy_state: Record<string, TableCopyState> = {};
  for (const table of [...copying].sort()) {
    const rowsCopied = await rowCount(ts.targets.values(), table);
    const rowsTotal = await rowCount(ts.sources.values(), table);
    table_copy_state[table] = {
      rows_copied: rowsCopied,
      rows_total: rowsTotal,
      rows_percentage: rowsTotal > 0 ? Math.min(100, (100 * rowsCopied) / rowsTotal) : 0,
      bytes_copied: 0,
      bytes_total: 0,
      bytes_percentage: 0,
      phase: TableCopyPhase.IN_PROGRESS,
    };
  }
  return { table_copy_state, shard_streams, traffic_state: trafficStateString(await trafficState(ctx, ts)) };
}

/** WorkflowStatus of workflow `workflow` in target keyspace `keyspace`; NOT_FOUND if it does not exist. */
export async function workflowStatus(ctx: VtctldContext, keyspace: string, workflow: string): Promise<WorkflowStatusResponse> {
  return statusOf(ctx, await buildTrafficSwitcher(ctx, keyspace, workflow));
}
