/**
 * What vtctldclient's MoveTables and Reshard commands share (Vitess's vreplication/common): the
 * `--workflow`/`--target-keyspace` flags, the show, status, switchtraffic, reversetraffic,
 * cancel and complete subcommands with their flags, and how their answers are printed.
 */
import { parseTabletType, TabletType } from '@vtsim/proto';
import type { Command, CommandContext } from './commands.js';
import type { FlagSpec, FlagValues } from './flags.js';
import { marshalJson } from './output.js';

type Json = Record<string, any>;

/** The flags of the shared subcommands (a command's own `create` flags are added to these). */
export const COMMON_WORKFLOW_FLAGS: Record<string, FlagSpec> = {
  workflow: { type: 'string', short: 'w' },
  'target-keyspace': { type: 'string' },
  format: { type: 'string' },
  'include-logs': { type: 'bool' },
  shards: { type: 'stringSlice' },
  cells: { type: 'stringSlice', short: 'c' },
  'tablet-types': { type: 'stringSlice' },
  'tablet-types-in-preferred-order': { type: 'bool' },
  'max-replication-lag-allowed': { type: 'duration' },
  'enable-reverse-replication': { type: 'bool' },
  timeout: { type: 'duration' },
  'dry-run': { type: 'bool' },
  'initialize-target-sequences': { type: 'bool' },
  force: { type: 'bool' },
  'keep-data': { type: 'bool' },
  'keep-routing-rules': { type: 'bool' },
  'rename-tables': { type: 'bool' },
  'delete-batch-size': { type: 'int' },
  'ignore-source-keyspace': { type: 'bool' },
};

/** A string flag's value ('' when unset). */
export function str(flags: FlagValues, name: string): string {
  return (flags[name] as string | undefined) ?? '';
}

/** A list flag's value ([] when unset). */
export function list(flags: FlagValues, name: string): string[] {
  return (flags[name] as string[] | undefined) ?? [];
}

/** A bool flag's value, `dflt` when unset. */
export function bool(flags: FlagValues, name: string, dflt = false): boolean {
  const v = flags[name] as boolean | undefined;
  return v === undefined ? dflt : v;
}

/** Milliseconds as a vttime.Duration. */
export function durationOf(ms: number): Json {
  return { seconds: String(Math.floor(ms / 1000)), nanos: Math.round((ms % 1000) * 1e6) };
}

/** Tablet type names (`rdonly,replica`) as the proto's enum names; throws for an unknown one. */
export function tabletTypes(names: readonly string[]): string[] {
  return names.map((n) => {
    const t = parseTabletType(n);
    if (t === undefined) throw new Error(`invalid tablet type: ${n}`);
    return TabletType[t];
  });
}

/** `--format`: `text` (the default) or `json`; throws for anything else. */
export function outputFormat(flags: FlagValues, dflt: 'text' | 'json' = 'text'): 'text' | 'json' {
  const f = (str(flags, 'format') || dflt).toLowerCase();
  if (f !== 'text' && f !== 'json') throw new Error(`invalid output format, got ${f}`);
  return f;
}

/** The workflow and target keyspace flags, both required. */
export function workflowTarget(ctx: CommandContext): { workflow: string; keyspace: string } {
  const workflow = str(ctx.flags, 'workflow');
  const keyspace = str(ctx.flags, 'target-keyspace');
  if (!workflow) throw new Error('required flag(s) "workflow" not set');
  if (!keyspace) throw new Error('required flag(s) "target-keyspace" not set');
  return { workflow, keyspace };
}

/**
 * A WorkflowStatusResponse as Vitess prints it: the streams (`id=1 on customer/zone1-200: Status:
 * Running. VStream Lag: 0s.`), the copy progress of tables still copying, the traffic state.
 */
export function statusText(resp: Json, keyspace: string, workflow: string): string {
  let out = `The following vreplication streams exist for workflow ${keyspace}.${workflow}:\n\n`;
  for (const shard of Object.keys(resp.shard_streams ?? {}).sort()) {
    for (const s of resp.shard_streams[shard].streams as Json[]) {
      out += `id=${s.id} on ${keyspace}/${s.tablet.cell}-${s.tablet.uid}: Status: ${s.status}. ${s.info}.\n`;
    }
  }
  const copying = Object.keys(resp.table_copy_state ?? {}).sort();
  if (copying.length > 0) {
    out += '\nTable Copy Status:\n';
    for (const table of copying) {
      const c = resp.table_copy_state[table];
      out += `\t${table}: rows copied ${c.rows_copied}/${c.rows_total} (${Math.round(Number(c.rows_percentage))}%), size copied ${c.bytes_copied}/${c.bytes_total} (${Math.round(Number(c.bytes_percentage))}%)\n`;
    }
  }
  return `${out}\nTraffic State: ${resp.traffic_state}\n`;
}

/** Prints a WorkflowStatusResponse in the `--format` asked for. */
export function printStatus(ctx: CommandContext, resp: Json, keyspace: string, workflow: string): void {
  ctx.out(outputFormat(ctx.flags) === 'json' ? `${marshalJson(resp)}\n` : statusText(resp, keyspace, workflow));
}

/** Runs one of the shared subcommands; false when `sub` is not one of them. */
async function runCommonSubcommand(ctx: CommandContext, sub: string): Promise<boolean> {
  const { workflow, keyspace } = workflowTarget(ctx);
  const f = ctx.flags;
  switch (sub) {
    case 'show': {
      const resp = await ctx.call('GetWorkflows', { keyspace, workflow, include_logs: bool(f, 'include-logs', true), shards: list(f, 'shards') });
      if ((resp.workflows as Json[]).length === 0) throw new Error(`workflow ${workflow} not found in keyspace ${keyspace}`);
      ctx.out(`${marshalJson(resp)}\n`);
      return true;
    }
    case 'status':
      printStatus(ctx, await ctx.call('WorkflowStatus', { keyspace, workflow, shards: list(f, 'shards') }), keyspace, workflow);
      return true;
    case 'switchtraffic':
    case 'reversetraffic': {
      const req: Json = {
        keyspace,
        workflow,
        cells: list(f, 'cells'),
        tablet_types: tabletTypes(list(f, 'tablet-types')),
        max_replication_lag_allowed: durationOf((f['max-replication-lag-allowed'] as number | undefined) ?? 30_000),
        enable_reverse_replication: bool(f, 'enable-reverse-replication', true),
        direction: sub === 'reversetraffic' ? 1 : 0,
        timeout: durationOf((f.timeout as number | undefined) ?? 30_000),
        dry_run: bool(f, 'dry-run'),
        initialize_target_sequences: bool(f, 'initialize-target-sequences'),
        shards: list(f, 'shards'),
        force: bool(f, 'force'),
      };
      const resp = await ctx.call('WorkflowSwitchTraffic', req);
      if (outputFormat(f) === 'json') {
        ctx.out(`${marshalJson(resp)}\n`);
      } else if (req.dry_run) {
        ctx.out(`${resp.summary}\n\n${(resp.dry_run_results as string[]).map((l) => `${l}\n`).join('')}\n`);
      } else {
        ctx.out(`${resp.summary}\n\nStart State: ${resp.start_state}\nCurrent State: ${resp.current_state}\n\n`);
      }
      return true;
    }
    case 'cancel': {
      const resp = await ctx.call('WorkflowDelete', {
        keyspace,
        workflow,
        keep_data: bool(f, 'keep-data'),
        keep_routing_rules: bool(f, 'keep-routing-rules'),
        shards: list(f, 'shards'),
        delete_batch_size: String((f['delete-batch-size'] as number | undefined) ?? 1000),
      });
      ctx.out(outputFormat(f) === 'json' ? `${marshalJson(resp)}\n` : `${resp.summary}\n`);
      return true;
    }
    case 'complete': {
      const dryRun = bool(f, 'dry-run');
      const resp = await ctx.call('MoveTablesComplete', {
        workflow,
        target_keyspace: keyspace,
        keep_data: bool(f, 'keep-data'),
        keep_routing_rules: bool(f, 'keep-routing-rules'),
        rename_tables: bool(f, 'rename-tables'),
        dry_run: dryRun,
        shards: list(f, 'shards'),
        ignore_source_keyspace: bool(f, 'ignore-source-keyspace'),
      });
      if (outputFormat(f) === 'json') ctx.out(`${marshalJson(resp)}\n`);
      else ctx.out(`${resp.summary}\n${dryRun ? (resp.dry_run_results as string[]).map((l) => `${l}\n`).join('') : ''}`);
      return true;
    }
    default:
      return false;
  }
}

/**
 * A MoveTables-style command (`<Name> --workflow W --target-keyspace K <subcommand>`): `create`
 * runs `create`, the other subcommands are the shared ones. Subcommand names match
 * case-insensitively; an unknown one is an error naming the valid ones.
 */
export function workflowCommand(name: string, createFlags: Record<string, FlagSpec>, create: (ctx: CommandContext) => Promise<void>): Command {
  return {
    name,
    flags: { ...COMMON_WORKFLOW_FLAGS, ...createFlags },
    args: [1, 1],
    async run(ctx) {
      const sub = ctx.args[0]!.toLowerCase();
      if (sub === 'create') return create(ctx);
      if (!(await runCommonSubcommand(ctx, sub))) {
        throw new Error(`unknown command "${ctx.args[0]}" for "vtctldclient ${name}": expected one of create, show, status, switchtraffic, reversetraffic, cancel, complete`);
      }
    },
  };
}
