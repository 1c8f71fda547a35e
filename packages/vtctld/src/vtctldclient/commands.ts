/**
 * vtctldclient's commands: each one's flags, positional arguments, the RPC it makes and what
 * it prints, following Vitess's vtctldclient (names, flags and output formats).
 */
import { parseKeyspaceVSchema, parseRoutingRules, parseTabletAlias, parseTabletType, TabletType, type TabletAlias } from '@vtsim/proto';
import { decodePosition, positionAtLeast, positionEqual } from '@vtsim/binlog';
import type { FlagSpec, FlagValues } from './flags.js';
import { eventString, marshalJson, queryResultTable, tabletAwk } from './output.js';
// --- workflows (issue 4): MoveTables, Reshard, Workflow, VDiff ---
import { moveTablesCommand } from './movetables.js';
import { reshardCommand } from './reshard.js';
import { vdiffCommand } from './vdiff.js';
import { workflowCommandSpec } from './workflow.js';

type Json = Record<string, any>;

/** What a command runs with. */
export interface CommandContext {
  /** Calls a vtctlservice.Vtctld RPC by name. */
  call(rpc: string, request: object): Promise<Json>;
  /** Writes to stdout. */
  out(text: string): void;
  readFile(path: string): Promise<string>;
  flags: FlagValues;
  args: string[];
}

/** One command: its cobra name, flags, accepted positional count and behaviour. */
export interface Command {
  name: string;
  flags: Record<string, FlagSpec>;
  /** Minimum and maximum positional arguments (Infinity for any number). */
  args: [number, number];
  run(ctx: CommandContext): Promise<void>;
}

/** Parses `keyspace/shard`; throws `invalid shard path` otherwise. */
export function parseKeyspaceShard(text: string): { keyspace: string; shard: string } {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) throw new Error(`invalid shard path: ${text}`);
  return { keyspace: text.slice(0, slash), shard: text.slice(slash + 1) };
}

function alias(text: string): TabletAlias {
  return parseTabletAlias(text);
}

function tabletType(text: string): TabletType {
  const t = parseTabletType(text);
  if (t === undefined) throw new Error(`unknown TabletType ${text}`);
  return t;
}

function str(flags: FlagValues, name: string): string {
  return (flags[name] as string | undefined) ?? '';
}

function list(flags: FlagValues, name: string): string[] {
  return (flags[name] as string[] | undefined) ?? [];
}

/** Milliseconds as a vttime.Duration. */
function duration(ms: number | undefined): Json | null {
  if (ms === undefined) return null;
  return { seconds: String(Math.floor(ms / 1000)), nanos: Math.round((ms % 1000) * 1e6) };
}

async function textFromFlags(ctx: CommandContext, inline: string, file: string): Promise<string> {
  const text = str(ctx.flags, inline);
  const path = str(ctx.flags, file);
  if (text && path) throw new Error(`cannot pass both --${inline} and --${file}`);
  if (!text && !path) throw new Error(`must pass exactly one of --${inline} and --${file}`);
  return path ? ctx.readFile(path) : text;
}

const TYPE_ORDER: readonly string[] = Object.keys(TabletType).filter((k) => Number.isNaN(Number(k)));

/**
 * Tablets with their replication status in Vitess's order (cli.SortedReplicatingTablets):
 * tablets without a status first, then by tablet type (PRIMARY first), then the least advanced
 * replication position first; aliases break ties.
 */
function sortedReplicatingTablets(tablets: Record<string, Json>, statuses: Record<string, Json>): Array<{ tablet: Json; status: Json | undefined }> {
  const behind = (a: Json, b: Json): number => {
    try {
      const pa = decodePosition(String(a.position));
      const pb = decodePosition(String(b.position));
      if (positionEqual(pa, pb)) return 0;
      return positionAtLeast(pb, pa) ? -1 : positionAtLeast(pa, pb) ? 1 : 0;
    } catch {
      return 0;
    }
  };
  return Object.keys(tablets)
    .sort()
    .map((alias) => ({ tablet: tablets[alias]!, status: statuses[alias] }))
    .sort((l, r) => {
      if (!l.status || !r.status) return (l.status ? 1 : 0) - (r.status ? 1 : 0);
      const byType = TYPE_ORDER.indexOf(String(l.tablet.type)) - TYPE_ORDER.indexOf(String(r.tablet.type));
      return byType !== 0 ? byType : behind(l.status, r.status);
    });
}

const commands: Command[] = [
  {
    name: 'AddCellInfo',
    flags: { root: { type: 'string', short: 'r' }, 'server-address': { type: 'string', short: 'a' } },
    args: [1, 1],
    async run(ctx) {
      await ctx.call('AddCellInfo', { name: ctx.args[0], cell_info: { server_address: str(ctx.flags, 'server-address'), root: str(ctx.flags, 'root') } });
      ctx.out(`Created cell: ${ctx.args[0]}\n`);
    },
  },
  {
    name: 'GetCellInfoNames',
    flags: {},
    args: [0, 0],
    async run(ctx) {
      ctx.out(`${((await ctx.call('GetCellInfoNames', {})).names as string[]).join('\n')}\n`);
    },
  },
  {
    name: 'GetCellInfo',
    flags: {},
    args: [1, 1],
    async run(ctx) {
      ctx.out(`${marshalJson((await ctx.call('GetCellInfo', { cell: ctx.args[0] })).cell_info)}\n`);
    },
  },
  {
    name: 'DeleteCellInfo',
    flags: { force: { type: 'bool', short: 'f' } },
    args: [1, 1],
    async run(ctx) {
      await ctx.call('DeleteCellInfo', { name: ctx.args[0], force: !!ctx.flags.force });
      ctx.out(`Deleted cell ${ctx.args[0]}\n`);
    },
  },
  {
    name: 'CreateKeyspace',
    flags: {
      force: { type: 'bool', short: 'f' },
      'allow-empty-vschema': { type: 'bool', short: 'e' },
      'durability-policy': { type: 'string' },
      'sidecar-db-name': { type: 'string' },
      type: { type: 'string' },
      'base-keyspace': { type: 'string' },
      'snapshot-timestamp': { type: 'string' },
    },
    args: [1, 1],
    async run(ctx) {
      const type = str(ctx.flags, 'type').toUpperCase() || 'NORMAL';
      if (type !== 'NORMAL' && type !== 'SNAPSHOT') throw new Error(`invalid keyspace type passed to --type: ${type}`);
      const resp = await ctx.call('CreateKeyspace', {
        name: ctx.args[0],
        force: !!ctx.flags.force,
        allow_empty_v_schema: !!ctx.flags['allow-empty-vschema'],
        type,
        base_keyspace: str(ctx.flags, 'base-keyspace'),
        durability_policy: str(ctx.flags, 'durability-policy') || 'none',
        sidecar_db_name: str(ctx.flags, 'sidecar-db-name') || '_vt',
      });
      ctx.out(`Successfully created keyspace ${ctx.args[0]}. Result:\n${marshalJson(resp.keyspace)}\n`);
    },
  },
  {
    name: 'GetKeyspace',
    flags: {},
    args: [1, 1],
    async run(ctx) {
      ctx.out(`${marshalJson((await ctx.call('GetKeyspace', { keyspace: ctx.args[0] })).keyspace)}\n`);
    },
  },
  {
    name: 'GetKeyspaces',
    flags: {},
    args: [0, 0],
    async run(ctx) {
      ctx.out(`${marshalJson((await ctx.call('GetKeyspaces', {})).keyspaces)}\n`);
    },
  },
  {
    name: 'DeleteKeyspace',
    flags: { recursive: { type: 'bool', short: 'r' }, force: { type: 'bool', short: 'f' } },
    args: [1, 1],
    async run(ctx) {
      try {
        await ctx.call('DeleteKeyspace', { keyspace: ctx.args[0], recursive: !!ctx.flags.recursive, force: !!ctx.flags.force });
      } catch (err) {
        throw new Error(`DeleteKeyspace(${ctx.args[0]}) error: ${err instanceof Error ? err.message : String(err)}; please check the topo`);
      }
      ctx.out(`Successfully deleted keyspace ${ctx.args[0]}.\n`);
    },
  },
  {
    name: 'SetKeyspaceDurabilityPolicy',
    flags: { 'durability-policy': { type: 'string' } },
    args: [1, 1],
    async run(ctx) {
      const resp = await ctx.call('SetKeyspaceDurabilityPolicy', { keyspace: ctx.args[0], durability_policy: str(ctx.flags, 'durability-policy') || 'none' });
      ctx.out(`${marshalJson(resp)}\n`);
    },
  },
  {
    name: 'CreateShard',
    flags: { force: { type: 'bool', short: 'f' }, 'include-parent': { type: 'bool', short: 'p' } },
    args: [1, 1],
    async run(ctx) {
      const { keyspace, shard } = parseKeyspaceShard(ctx.args[0]!);
      const resp = await ctx.call('CreateShard', { keyspace, shard_name: shard, force: !!ctx.flags.force, include_parent: !!ctx.flags['include-parent'] });
      ctx.out(`${marshalJson(resp)}\n`);
    },
  },
  {
    name: 'GetShard',
    flags: {},
    args: [1, 1],
    async run(ctx) {
      const { keyspace, shard } = parseKeyspaceShard(ctx.args[0]!);
      ctx.out(`${marshalJson((await ctx.call('GetShard', { keyspace, shard_name: shard })).shard)}\n`);
    },
  },
  {
    name: 'FindAllShardsInKeyspace',
    flags: {},
    args: [1, 1],
    async run(ctx) {
      ctx.out(`${marshalJson(await ctx.call('FindAllShardsInKeyspace', { keyspace: ctx.args[0] }))}\n`);
    },
  },
  {
    name: 'DeleteShards',
    flags: { recursive: { type: 'bool', short: 'r' }, 'even-if-serving': { type: 'bool' }, force: { type: 'bool', short: 'f' } },
    args: [1, Infinity],
    async run(ctx) {
      const shards = ctx.args.map((a) => {
        const { keyspace, shard } = parseKeyspaceShard(a);
        return { keyspace, name: shard };
      });
      await ctx.call('DeleteShards', { shards, recursive: !!ctx.flags.recursive, even_if_serving: !!ctx.flags['even-if-serving'], force: !!ctx.flags.force });
    },
  },
  {
    name: 'GetSrvKeyspaces',
    flags: {},
    args: [1, Infinity],
    async run(ctx) {
      ctx.out(`${marshalJson((await ctx.call('GetSrvKeyspaces', { keyspace: ctx.args[0], cells: ctx.args.slice(1) })).srv_keyspaces)}\n`);
    },
  },
  {
    name: 'GetSrvKeyspaceNames',
    flags: {},
    args: [0, Infinity],
    async run(ctx) {
      ctx.out(`${marshalJson((await ctx.call('GetSrvKeyspaceNames', { cells: ctx.args })).names)}\n`);
    },
  },
  {
    name: 'RebuildKeyspaceGraph',
    flags: { cells: { type: 'stringSlice', short: 'c' }, 'allow-partial': { type: 'bool' } },
    args: [1, Infinity],
    async run(ctx) {
      for (const keyspace of ctx.args) {
        await ctx.call('RebuildKeyspaceGraph', { keyspace, cells: list(ctx.flags, 'cells'), allow_partial: !!ctx.flags['allow-partial'] });
      }
    },
  },
  {
    name: 'RebuildVSchemaGraph',
    flags: { cells: { type: 'stringSlice', short: 'c' } },
    args: [0, 0],
    async run(ctx) {
      await ctx.call('RebuildVSchemaGraph', { cells: list(ctx.flags, 'cells') });
      ctx.out('RebuildVSchemaGraph: ok\n');
    },
  },
  {
    name: 'ShardReplicationPositions',
    flags: {},
    args: [1, 1],
    async run(ctx) {
      const { keyspace, shard } = parseKeyspaceShard(ctx.args[0]!);
      const resp = await ctx.call('ShardReplicationPositions', { keyspace, shard });
      const lines = sortedReplicatingTablets(resp.tablet_map as Record<string, Json>, resp.replication_statuses as Record<string, Json>).map(({ tablet, status }) =>
        status ? `${tabletAwk(tablet)} ${status.position} ${status.replication_lag_seconds}` : `${tabletAwk(tablet)} <err> <err> <err>`,
      );
      ctx.out(lines.map((l) => `${l}\n`).join(''));
    },
  },
  {
    name: 'GetTablets',
    flags: {
      keyspace: { type: 'string', short: 'k' },
      shard: { type: 'string', short: 's' },
      cell: { type: 'stringSlice', short: 'c' },
      'tablet-alias': { type: 'stringSlice', short: 't' },
      'tablet-type': { type: 'string' },
      strict: { type: 'bool' },
      format: { type: 'string' },
    },
    args: [0, 0],
    async run(ctx) {
      const keyspace = str(ctx.flags, 'keyspace');
      const shard = str(ctx.flags, 'shard');
      const aliases = list(ctx.flags, 'tablet-alias').map(alias);
      if (aliases.length > 0 && (keyspace || shard)) throw new Error('--keyspace (-k) and --shard (-s) may not be passed with --tablet-alias (-t)');
      if (shard && !keyspace) throw new Error('--shard (-s) cannot be passed without also passing --keyspace (-k)');
      const format = (str(ctx.flags, 'format') || 'awk').toLowerCase();
      if (format !== 'awk' && format !== 'json') throw new Error(`invalid output format, got ${format}`);
      const resp = await ctx.call('GetTablets', {
        keyspace,
        shard,
        cells: list(ctx.flags, 'cell'),
        strict: !!ctx.flags.strict,
        tablet_aliases: aliases,
        tablet_type: str(ctx.flags, 'tablet-type') ? TabletType[tabletType(str(ctx.flags, 'tablet-type'))] : 'UNKNOWN',
      });
      const tablets = resp.tablets as Json[];
      ctx.out(format === 'json' ? `${marshalJson(tablets)}\n` : tablets.map((t) => `${tabletAwk(t)}\n`).join(''));
    },
  },
  {
    name: 'GetTablet',
    flags: {},
    args: [1, 1],
    async run(ctx) {
      ctx.out(`${marshalJson((await ctx.call('GetTablet', { tablet_alias: alias(ctx.args[0]!) })).tablet)}\n`);
    },
  },
  {
    name: 'DeleteTablets',
    flags: { 'allow-primary': { type: 'bool', short: 'p' } },
    args: [1, Infinity],
    async run(ctx) {
      await ctx.call('DeleteTablets', { tablet_aliases: ctx.args.map(alias), allow_primary: !!ctx.flags['allow-primary'] });
    },
  },
  {
    name: 'ChangeTabletType',
    flags: { 'dry-run': { type: 'bool', short: 'd' } },
    args: [2, 2],
    async run(ctx) {
      const resp = await ctx.call('ChangeTabletType', { tablet_alias: alias(ctx.args[0]!), db_type: TabletType[tabletType(ctx.args[1]!)], dry_run: !!ctx.flags['dry-run'] });
      if (resp.was_dry_run) ctx.out('--- DRY RUN ---\n');
      ctx.out(`- ${tabletAwk(resp.before_tablet)}\n+ ${tabletAwk(resp.after_tablet)}\n`);
    },
  },
  {
    name: 'GetFullStatus',
    flags: {},
    args: [1, 1],
    async run(ctx) {
      ctx.out(`${marshalJson((await ctx.call('GetFullStatus', { tablet_alias: alias(ctx.args[0]!) })).status)}\n`);
    },
  },
  {
    name: 'ExecuteFetchAsDBA',
    flags: { 'max-rows': { type: 'int' }, 'disable-binlogs': { type: 'bool' }, 'reload-schema': { type: 'bool' }, json: { type: 'bool', short: 'j' } },
    args: [2, 2],
    async run(ctx) {
      const resp = await ctx.call('ExecuteFetchAsDBA', {
        tablet_alias: alias(ctx.args[0]!),
        query: ctx.args[1],
        max_rows: (ctx.flags['max-rows'] as number | undefined) ?? 10_000,
        disable_binlogs: !!ctx.flags['disable-binlogs'],
        reload_schema: !!ctx.flags['reload-schema'],
      });
      ctx.out(ctx.flags.json ? `${marshalJson(resp.result)}\n` : `${queryResultTable(resp.result)}\n`);
    },
  },
  {
    name: 'PingTablet',
    flags: {},
    args: [1, 1],
    async run(ctx) {
      await ctx.call('PingTablet', { tablet_alias: alias(ctx.args[0]!) });
    },
  },
  {
    name: 'RefreshState',
    flags: {},
    args: [1, 1],
    async run(ctx) {
      await ctx.call('RefreshState', { tablet_alias: alias(ctx.args[0]!) });
      ctx.out(`Refreshed state on ${ctx.args[0]}\n`);
    },
  },
  {
    name: 'RefreshStateByShard',
    flags: { cells: { type: 'stringSlice', short: 'c' } },
    args: [1, 1],
    async run(ctx) {
      const { keyspace, shard } = parseKeyspaceShard(ctx.args[0]!);
      const resp = await ctx.call('RefreshStateByShard', { keyspace, shard, cells: list(ctx.flags, 'cells') });
      ctx.out(resp.is_partial_refresh ? `Refreshed some tablets in ${ctx.args[0]}: ${resp.partial_refresh_details}\n` : `Refreshed state on ${ctx.args[0]}\n`);
    },
  },
  {
    name: 'SetWritable',
    flags: {},
    args: [2, 2],
    async run(ctx) {
      const writable = /^(true|1|t)$/i.test(ctx.args[1]!) ? true : /^(false|0|f)$/i.test(ctx.args[1]!) ? false : undefined;
      if (writable === undefined) throw new Error(`strconv.ParseBool: parsing "${ctx.args[1]}": invalid syntax`);
      await ctx.call('SetWritable', { tablet_alias: alias(ctx.args[0]!), writable });
    },
  },
  {
    name: 'StartReplication',
    flags: {},
    args: [1, 1],
    async run(ctx) {
      await ctx.call('StartReplication', { tablet_alias: alias(ctx.args[0]!) });
    },
  },
  {
    name: 'StopReplication',
    flags: {},
    args: [1, 1],
    async run(ctx) {
      await ctx.call('StopReplication', { tablet_alias: alias(ctx.args[0]!) });
    },
  },
  {
    name: 'InitShardPrimary',
    flags: { force: { type: 'bool' }, 'wait-replicas-timeout': { type: 'duration' } },
    args: [2, 2],
    async run(ctx) {
      const { keyspace, shard } = parseKeyspaceShard(ctx.args[0]!);
      await ctx.call('InitShardPrimary', {
        keyspace,
        shard,
        primary_elect_tablet_alias: alias(ctx.args[1]!),
        force: !!ctx.flags.force,
        wait_replicas_timeout: duration((ctx.flags['wait-replicas-timeout'] as number | undefined) ?? 30_000),
      });
    },
  },
  {
    name: 'EmergencyReparentShard',
    flags: {
      'new-primary': { type: 'string' },
      'ignore-replicas': { type: 'stringSlice', short: 'i' },
      'wait-replicas-timeout': { type: 'duration' },
      'prevent-cross-cell-promotion': { type: 'bool' },
    },
    args: [1, 1],
    async run(ctx) {
      const { keyspace, shard } = parseKeyspaceShard(ctx.args[0]!);
      const resp = await ctx.call('EmergencyReparentShard', {
        keyspace,
        shard,
        new_primary: str(ctx.flags, 'new-primary') ? alias(str(ctx.flags, 'new-primary')) : null,
        ignore_replicas: list(ctx.flags, 'ignore-replicas').map(alias),
        wait_replicas_timeout: duration(ctx.flags['wait-replicas-timeout'] as number | undefined),
        prevent_cross_cell_promotion: !!ctx.flags['prevent-cross-cell-promotion'],
      });
      for (const e of resp.events as Json[]) ctx.out(`${eventString(e)}\n`);
    },
  },
  {
    name: 'PlannedReparentShard',
    flags: { 'new-primary': { type: 'string' }, 'avoid-primary': { type: 'string' }, 'wait-replicas-timeout': { type: 'duration' }, 'expected-primary': { type: 'string' } },
    args: [1, 1],
    async run(ctx) {
      const { keyspace, shard } = parseKeyspaceShard(ctx.args[0]!);
      const resp = await ctx.call('PlannedReparentShard', {
        keyspace,
        shard,
        new_primary: str(ctx.flags, 'new-primary') ? alias(str(ctx.flags, 'new-primary')) : null,
        avoid_primary: str(ctx.flags, 'avoid-primary') ? alias(str(ctx.flags, 'avoid-primary')) : null,
        expected_primary: str(ctx.flags, 'expected-primary') ? alias(str(ctx.flags, 'expected-primary')) : null,
        wait_replicas_timeout: duration(ctx.flags['wait-replicas-timeout'] as number | undefined),
      });
      for (const e of resp.events as Json[]) ctx.out(`${eventString(e)}\n`);
    },
  },
  {
    name: 'ApplySchema',
    flags: {
      sql: { type: 'stringArray' },
      'sql-file': { type: 'string' },
      'ddl-strategy': { type: 'string' },
      uuid: { type: 'stringSlice' },
      'migration-context': { type: 'string' },
      'wait-replicas-timeout': { type: 'duration' },
      'caller-id': { type: 'string' },
      'batch-size': { type: 'int' },
    },
    args: [1, 1],
    async run(ctx) {
      const inline = list(ctx.flags, 'sql');
      const file = str(ctx.flags, 'sql-file');
      if (file && inline.length > 0) throw new Error('Exactly one of --sql and --sql-file must be specified, not both.');
      const all = file ? await ctx.readFile(file) : inline.join(';');
      // Loaded here only: the SQL package is most of what vtctldclient's other commands would load.
      const { splitStatements } = await import('@vtsim/sql');
      const resp = await ctx.call('ApplySchema', {
        keyspace: ctx.args[0],
        sql: splitStatements(all),
        ddl_strategy: str(ctx.flags, 'ddl-strategy') || 'direct',
        uuid_list: list(ctx.flags, 'uuid'),
        migration_context: str(ctx.flags, 'migration-context'),
        wait_replicas_timeout: duration(ctx.flags['wait-replicas-timeout'] as number | undefined),
        caller_id: str(ctx.flags, 'caller-id') ? { principal: str(ctx.flags, 'caller-id') } : null,
        batch_size: String((ctx.flags['batch-size'] as number | undefined) ?? 0),
      });
      ctx.out(`${(resp.uuid_list as string[]).join('\n')}\n`);
    },
  },
  {
    name: 'GetSchema',
    flags: {
      tables: { type: 'stringSlice' },
      'exclude-tables': { type: 'stringSlice' },
      'include-views': { type: 'bool' },
      'table-names-only': { type: 'bool', short: 'n' },
      'table-sizes-only': { type: 'bool', short: 's' },
      'table-schema-only': { type: 'bool' },
    },
    args: [1, 1],
    async run(ctx) {
      if (ctx.flags['table-names-only'] && ctx.flags['table-sizes-only']) throw new Error('can only pass one of --table-names-only and --table-sizes-only');
      const resp = await ctx.call('GetSchema', {
        tablet_alias: alias(ctx.args[0]!),
        tables: list(ctx.flags, 'tables'),
        exclude_tables: list(ctx.flags, 'exclude-tables'),
        include_views: !!ctx.flags['include-views'],
        table_names_only: !!ctx.flags['table-names-only'],
        table_sizes_only: !!ctx.flags['table-sizes-only'],
        table_schema_only: !!ctx.flags['table-schema-only'],
      });
      if (ctx.flags['table-names-only']) ctx.out(`${(resp.schema.table_definitions as Json[]).map((t) => t.name).join('\n')}\n`);
      else ctx.out(`${marshalJson(resp.schema)}\n`);
    },
  },
  {
    name: 'ApplyVSchema',
    flags: {
      vschema: { type: 'string' },
      'vschema-file': { type: 'string' },
      sql: { type: 'string' },
      'sql-file': { type: 'string' },
      'dry-run': { type: 'bool' },
      'skip-rebuild': { type: 'bool' },
      cells: { type: 'stringSlice' },
      strict: { type: 'bool' },
    },
    args: [1, 1],
    async run(ctx) {
      const sources = ['vschema', 'vschema-file', 'sql', 'sql-file'].filter((f) => str(ctx.flags, f) !== '');
      if (sources.length !== 1) throw new Error('Exactly one of --vschema, --vschema-file, --sql, or --sql-file must be specified');
      const req: Json = { keyspace: ctx.args[0], skip_rebuild: !!ctx.flags['skip-rebuild'], dry_run: !!ctx.flags['dry-run'], cells: list(ctx.flags, 'cells'), strict: !!ctx.flags.strict };
      if (sources[0] === 'sql' || sources[0] === 'sql-file') {
        req.sql = sources[0] === 'sql' ? str(ctx.flags, 'sql') : await ctx.readFile(str(ctx.flags, 'sql-file'));
      } else {
        const text = sources[0] === 'vschema' ? str(ctx.flags, 'vschema') : await ctx.readFile(str(ctx.flags, 'vschema-file'));
        req.v_schema = parseKeyspaceVSchema(JSON.parse(text));
      }
      const resp = await ctx.call('ApplyVSchema', req);
      ctx.out(`New VSchema object:\n${marshalJson(resp.v_schema)}\nIf this is not what you expected, check the input data (as JSON parsing will skip unexpected fields).\n`);
      if (req.dry_run) ctx.out('Dry run: Skipping update of VSchema\n');
    },
  },
  {
    name: 'GetVSchema',
    flags: {},
    args: [1, 1],
    async run(ctx) {
      ctx.out(`${marshalJson((await ctx.call('GetVSchema', { keyspace: ctx.args[0] })).v_schema)}\n`);
    },
  },
  {
    name: 'GetSrvVSchema',
    flags: {},
    args: [1, 1],
    async run(ctx) {
      ctx.out(`${marshalJson((await ctx.call('GetSrvVSchema', { cell: ctx.args[0] })).srv_v_schema)}\n`);
    },
  },
  {
    name: 'GetRoutingRules',
    flags: {},
    args: [0, 0],
    async run(ctx) {
      ctx.out(`${marshalJson((await ctx.call('GetRoutingRules', {})).routing_rules)}\n`);
    },
  },
  {
    name: 'ApplyRoutingRules',
    flags: { rules: { type: 'string', short: 'r' }, 'rules-file': { type: 'string', short: 'f' }, 'dry-run': { type: 'bool', short: 'd' }, 'skip-rebuild': { type: 'bool' }, cells: { type: 'stringSlice', short: 'c' } },
    args: [0, 0],
    async run(ctx) {
      const text = await textFromFlags(ctx, 'rules', 'rules-file');
      const rules = parseRoutingRules(JSON.parse(text));
      const data = marshalJson(rules);
      if (ctx.flags['dry-run']) {
        ctx.out(`[DRY RUN] Would have written\n${data}\n`);
        return;
      }
      await ctx.call('ApplyRoutingRules', { routing_rules: rules, skip_rebuild: !!ctx.flags['skip-rebuild'], rebuild_cells: list(ctx.flags, 'cells') });
      ctx.out(`New RoutingRules object:\n${data}\nIf this is not what you expected, check the input data (as JSON parsing will skip unexpected fields).\n`);
    },
  },
  // --- workflows (issue 4) ---
  moveTablesCommand,
  reshardCommand,
  workflowCommandSpec,
  vdiffCommand,
];

const byLowerName = new Map(commands.map((c) => [c.name.toLowerCase(), c]));

/** The command named `name`, matched case-insensitively; undefined if there is none. */
export function findCommand(name: string): Command | undefined {
  return byLowerName.get(name.toLowerCase());
}

/** Every command name, in declaration order (for usage text). */
export function commandNames(): string[] {
  return commands.map((c) => c.name);
}
