/**
 * vtctldclient's VDiff command: `VDiff --workflow W --target-keyspace K create` prints `VDiff
 * <uuid> scheduled on target shards, use show to view progress`; `VDiff … show last` (or a
 * UUID) sums the target shards' answers into Vitess's summary (`State`, `RowsCompared`,
 * `HasMismatch`, `Shards`, per-table results), as JSON unless `--format text` (the local
 * example's documents show the JSON form).
 */
import type { Command } from './commands.js';
import { decodeRowBytes } from '@vtsim/proto';
import { bool, durationOf, list, outputFormat, str, workflowTarget } from './workflow-common.js';

type Json = Record<string, any>;

/** One table's line of one shard's VDiff answer. */
interface ShardTableRow {
  shard: string;
  state: string;
  error: string;
  table: string;
  uuid: string;
  tableState: string;
  startedAt: string;
  rowsCompared: number;
  completedAt: string;
  hasMismatch: boolean;
  report: Json | null;
}

function rowsOf(shard: string, output: Json): ShardTableRow[] {
  const names = (output.fields as Json[]).map((f) => f.name as string);
  return (output.rows as Json[]).map((r) => {
    const values = decodeRowBytes({ lengths: r.lengths, values: Buffer.from(String(r.values), 'base64') }).map((b) => b?.toString('utf8') ?? '');
    const v = (name: string) => values[names.indexOf(name)] ?? '';
    return {
      shard,
      state: v('vdiff_state'),
      error: v('last_error'),
      table: v('table_name'),
      uuid: v('uuid'),
      tableState: v('table_state'),
      startedAt: v('started_at'),
      rowsCompared: Number(v('rows_compared') || 0),
      completedAt: v('completed_at'),
      hasMismatch: v('has_mismatch') === '1',
      report: v('report') ? (JSON.parse(v('report')) as Json) : null,
    };
  });
}

/** Vitess's VDiff summary of the shards' answers. */
function summarize(keyspace: string, workflow: string, resp: Json): Json {
  const shards = Object.keys(resp.tablet_responses ?? {}).sort();
  const rows = shards.flatMap((s) => rowsOf(s, resp.tablet_responses[s].output));
  const states = new Set(rows.map((r) => r.state));
  const state = states.has('error') ? 'error' : rows.length > 0 && rows.every((r) => r.state === 'completed') ? 'completed' : 'started';
  const tables: Json = {};
  const reports: Json = {};
  for (const r of rows.filter((x) => x.table)) {
    const t = (tables[r.table] ??= { TableName: r.table, State: r.tableState, RowsCompared: 0, MatchingRows: 0, MismatchedRows: 0, ExtraRowsSource: 0, ExtraRowsTarget: 0 });
    if (r.tableState !== 'completed') t.State = r.tableState;
    t.RowsCompared += r.rowsCompared;
    for (const k of ['MatchingRows', 'MismatchedRows', 'ExtraRowsSource', 'ExtraRowsTarget']) t[k] += Number(r.report?.[k] ?? 0);
    if (r.hasMismatch) ((reports[r.table] ??= {})[r.shard] = r.report);
  }
  const started = rows.map((r) => r.startedAt).filter(Boolean).sort();
  const completed = rows.map((r) => r.completedAt).filter(Boolean).sort();
  const summary: Json = {
    Workflow: workflow,
    Keyspace: keyspace,
    State: state,
    UUID: rows[0]?.uuid ?? '',
    RowsCompared: rows.reduce((n, r) => n + r.rowsCompared, 0),
    HasMismatch: rows.some((r) => r.hasMismatch),
    Shards: shards.join(','),
  };
  if (started.length > 0) summary.StartedAt = started[0];
  if (state === 'completed' && completed.length > 0) summary.CompletedAt = completed[completed.length - 1];
  if (Object.keys(tables).length > 0) summary.TableSummary = tables;
  if (Object.keys(reports).length > 0) summary.Reports = reports;
  const errors = rows.filter((r) => r.error);
  if (errors.length > 0) summary.Errors = Object.fromEntries(errors.map((r) => [r.shard, r.error]));
  return summary;
}

function summaryText(s: Json): string {
  let out = `VDiff Summary for ${s.Keyspace}.${s.Workflow} (${s.UUID})\nState:        ${s.State}\n`;
  if (s.Errors) for (const [shard, e] of Object.entries(s.Errors)) out += `Error:        (shard ${shard}) ${e}\n`;
  out += `RowsCompared: ${s.RowsCompared}\nHasMismatch:  ${s.HasMismatch}\n`;
  if (s.StartedAt) out += `StartedAt:    ${s.StartedAt}\n`;
  if (s.CompletedAt) out += `CompletedAt:  ${s.CompletedAt}\n`;
  if (s.Reports) {
    for (const [table, byShard] of Object.entries(s.Reports as Json)) {
      out += `\nTable ${table}:\n`;
      for (const [shard, r] of Object.entries(byShard as Json)) out += `  Shard ${shard}: ${JSON.stringify(r)}\n`;
    }
  }
  return `${out}\nUse "--format=json" for more detailed output.\n`;
}

/** The VDiff command. */
export const vdiffCommand: Command = {
  name: 'VDiff',
  flags: {
    workflow: { type: 'string', short: 'w' },
    'target-keyspace': { type: 'string' },
    format: { type: 'string' },
    tables: { type: 'stringSlice' },
    uuid: { type: 'string' },
    wait: { type: 'bool' },
    'filtered-replication-wait-time': { type: 'duration' },
    'source-cells': { type: 'stringSlice' },
    'target-cells': { type: 'stringSlice' },
    'tablet-types': { type: 'stringSlice' },
    'auto-retry': { type: 'bool' },
    verbose: { type: 'bool' },
  },
  args: [1, 2],
  async run(ctx) {
    const { workflow, keyspace } = workflowTarget(ctx);
    const sub = ctx.args[0]!.toLowerCase();
    if (sub === 'create') {
      const resp = await ctx.call('VDiffCreate', {
        workflow,
        target_keyspace: keyspace,
        uuid: str(ctx.flags, 'uuid'),
        tables: list(ctx.flags, 'tables'),
        filtered_replication_wait_time: durationOf((ctx.flags['filtered-replication-wait-time'] as number | undefined) ?? 30_000),
        wait: bool(ctx.flags, 'wait'),
        auto_retry: bool(ctx.flags, 'auto-retry', true),
        verbose: bool(ctx.flags, 'verbose'),
      });
      ctx.out(outputFormat(ctx.flags) === 'json' ? `{\n\t"UUID": "${resp.UUID}"\n}\n` : `VDiff ${resp.UUID} scheduled on target shards, use show to view progress\n`);
      return;
    }
    if (sub !== 'show') throw new Error(`unknown command "${ctx.args[0]}" for "vtctldclient VDiff": expected one of create, show`);
    const arg = ctx.args[1];
    if (!arg) throw new Error('usage: VDiff --workflow W --target-keyspace K show last|<uuid>');
    const format = outputFormat(ctx.flags, 'json');
    const summary = summarize(keyspace, workflow, await ctx.call('VDiffShow', { workflow, target_keyspace: keyspace, arg }));
    ctx.out(format === 'json' ? `${JSON.stringify(summary, null, '\t')}\n` : summaryText(summary));
  },
};
