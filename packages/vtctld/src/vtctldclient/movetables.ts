/**
 * vtctldclient's MoveTables command: `MoveTables --workflow W --target-keyspace K create
 * --source-keyspace S --tables 'a,b'` (or `--all-tables`), and the shared show, status,
 * switchtraffic, reversetraffic, cancel and complete subcommands.
 */
import type { Command } from './commands.js';
import { bool, list, printStatus, str, tabletTypes, workflowCommand, workflowTarget } from './workflow-common.js';

/** The MoveTables command. */
export const moveTablesCommand: Command = workflowCommand(
  'MoveTables',
  {
    'source-keyspace': { type: 'string' },
    tables: { type: 'stringSlice' },
    'all-tables': { type: 'bool' },
    'exclude-tables': { type: 'stringSlice' },
    'source-shards': { type: 'stringSlice' },
    'on-ddl': { type: 'string' },
    'stop-after-copy': { type: 'bool' },
    'defer-secondary-keys': { type: 'bool' },
    'auto-start': { type: 'bool' },
    'no-routing-rules': { type: 'bool' },
    'source-time-zone': { type: 'string' },
    'atomic-copy': { type: 'bool' },
    'drop-foreign-keys': { type: 'bool' },
  },
  async (ctx) => {
    const { workflow, keyspace } = workflowTarget(ctx);
    const f = ctx.flags;
    const source = str(f, 'source-keyspace');
    if (!source) throw new Error('required flag(s) "source-keyspace" not set');
    const tables = list(f, 'tables');
    if (bool(f, 'all-tables') === (tables.length > 0)) throw new Error('you must specify exactly one of --all-tables or --tables');
    const resp = await ctx.call('MoveTablesCreate', {
      workflow,
      source_keyspace: source,
      target_keyspace: keyspace,
      cells: list(f, 'cells'),
      tablet_types: tabletTypes(list(f, 'tablet-types')),
      source_shards: list(f, 'source-shards'),
      all_tables: bool(f, 'all-tables'),
      include_tables: tables,
      exclude_tables: list(f, 'exclude-tables'),
      source_time_zone: str(f, 'source-time-zone'),
      on_ddl: (str(f, 'on-ddl') || 'IGNORE').toUpperCase(),
      stop_after_copy: bool(f, 'stop-after-copy'),
      drop_foreign_keys: bool(f, 'drop-foreign-keys'),
      defer_secondary_keys: bool(f, 'defer-secondary-keys'),
      auto_start: bool(f, 'auto-start', true),
      no_routing_rules: bool(f, 'no-routing-rules'),
      atomic_copy: bool(f, 'atomic-copy'),
    });
    printStatus(ctx, resp, keyspace, workflow);
  },
);
