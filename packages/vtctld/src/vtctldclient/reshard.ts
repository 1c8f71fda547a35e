/**
 * vtctldclient's Reshard command: `Reshard --workflow W --target-keyspace K create --source-shards
 * '0' --target-shards '-80,80-'`, and the shared show, status, switchtraffic, reversetraffic,
 * cancel and complete subcommands.
 */
import type { Command } from './commands.js';
import { bool, list, printStatus, str, tabletTypes, workflowCommand, workflowTarget } from './workflow-common.js';

/** The Reshard command. */
export const reshardCommand: Command = workflowCommand(
  'Reshard',
  {
    'source-shards': { type: 'stringSlice' },
    'target-shards': { type: 'stringSlice' },
    'skip-schema-copy': { type: 'bool' },
    'on-ddl': { type: 'string' },
    'stop-after-copy': { type: 'bool' },
    'defer-secondary-keys': { type: 'bool' },
    'auto-start': { type: 'bool' },
  },
  async (ctx) => {
    const { workflow, keyspace } = workflowTarget(ctx);
    const f = ctx.flags;
    const sources = list(f, 'source-shards');
    const targets = list(f, 'target-shards');
    if (sources.length === 0) throw new Error('required flag(s) "source-shards" not set');
    if (targets.length === 0) throw new Error('required flag(s) "target-shards" not set');
    const resp = await ctx.call('ReshardCreate', {
      workflow,
      keyspace,
      source_shards: sources,
      target_shards: targets,
      cells: list(f, 'cells'),
      tablet_types: tabletTypes(list(f, 'tablet-types')),
      skip_schema_copy: bool(f, 'skip-schema-copy'),
      on_ddl: (str(f, 'on-ddl') || 'IGNORE').toUpperCase(),
      stop_after_copy: bool(f, 'stop-after-copy'),
      defer_secondary_keys: bool(f, 'defer-secondary-keys'),
      auto_start: bool(f, 'auto-start', true),
    });
    printStatus(ctx, resp, keyspace, workflow);
  },
);
