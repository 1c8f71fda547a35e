/**
 * Runs a legacy vtctl command line (what `vtctlservice.Vtctl/ExecuteVtctlCommand` receives) with
 * vtctldclient's command code: the legacy arguments are read the way vtctl reads them and handed to
 * the vtctldclient command of the same name, whose RPCs and output formats vtctl shares. Supported:
 * ApplySchema, ApplyVSchema, GetSchema, GetVSchema, ShardReplicationPositions and the workflow
 * commands MoveTables and Reshard (`<Command> [--] [flags] <action> <keyspace.workflow>`, with
 * vtctl's outputs: vtctl-workflow.ts) and Workflow (`Workflow <keyspace> listall`).
 *
 * What is read as vtctl reads it: single-dash long flags (`-sql`), underscores for dashes
 * (`--ddl_strategy`), the flag names vtctl spells differently (`--source` for `--source-keyspace`,
 * `--all`, `--exclude`, `--reverse_replication`, ApplySchema's `--uuid_list`), the `--` after the
 * command name, and the deprecated ApplySchema flags it accepts and ignores (`--skip_preflight`,
 * `--allow_long_unavailability`). Any other command is `unknown command: <name>`.
 */
import { findCommand } from '../vtctldclient/commands.js';
import { parseFlags, type FlagSpec, type FlagValues } from '../vtctldclient/flags.js';
import { runVtctlWorkflow, type VtctlWorkflowIO } from './vtctl-workflow.js';

type Json = Record<string, any>;

/** What a vtctl command runs with: vtctld's RPCs (protojson-shaped answers), console output and files on vtctld's host. */
export interface VtctlCommandIO {
  call(rpc: string, request: object): Promise<Json>;
  /** One console output event (a line or block of text, as vtctl's logger Printf writes it). */
  out(text: string): void;
  readFile(path: string): Promise<string>;
}

/** Legacy flag name (dashes) → vtctldclient flag name, per command. */
const RENAMED: Record<string, Record<string, string>> = {
  ApplySchema: { 'uuid-list': 'uuid' },
  MoveTables: { source: 'source-keyspace', all: 'all-tables', exclude: 'exclude-tables', 'reverse-replication': 'enable-reverse-replication' },
  Reshard: { 'reverse-replication': 'enable-reverse-replication' },
};

/** Flags vtctl accepts but ignores (deprecated ones, and workflow flags of the other workflow type). */
const IGNORED: Record<string, Record<string, FlagSpec>> = {
  ApplySchema: { 'skip-preflight': { type: 'bool' }, 'allow-long-unavailability': { type: 'bool' } },
  MoveTables: { 'target-shards': { type: 'string' }, 'skip-schema-copy': { type: 'bool' } },
  Reshard: { source: { type: 'string' }, tables: { type: 'string' }, all: { type: 'bool' }, exclude: { type: 'string' }, 'source-time-zone': { type: 'string' }, 'drop-foreign-keys': { type: 'bool' } },
};

/** The positional argument vtctl names in its error when a command gets the wrong number of them. */
const ARGUMENT: Record<string, string> = {
  ApplySchema: 'keyspace',
  ApplyVSchema: 'keyspace',
  GetSchema: 'tablet alias',
  GetVSchema: 'keyspace',
  ShardReplicationPositions: 'keyspace/shard',
};

const SUPPORTED = ['ApplySchema', 'ApplyVSchema', 'GetSchema', 'GetVSchema', 'ShardReplicationPositions', 'MoveTables', 'Reshard', 'Workflow'];

/** Rewrites `--legacy-name[=v]` flags (any dash count, underscores or dashes) to the vtctldclient name. */
function renameFlags(args: readonly string[], renamed: Record<string, string>): string[] {
  return args.map((arg) => {
    const m = /^--?([A-Za-z][\w-]*)(=.*)?$/s.exec(arg);
    if (!m) return arg;
    const name = m[1]!.replace(/_/g, '-');
    const to = renamed[name];
    return to ? `--${to}${m[2] ?? ''}` : arg;
  });
}

/**
 * Runs `args` (`[command, ...arguments]`). Resolves when the command is done; rejects with the
 * command's error (a VtctldCallError for a failed RPC, an Error for bad arguments).
 */
export async function runVtctlCommand(args: readonly string[], io: VtctlWorkflowIO): Promise<void> {
  if (args.length === 0) throw new Error('no command was specified');
  const name = SUPPORTED.find((n) => n.toLowerCase() === args[0]!.toLowerCase());
  const command = name ? findCommand(name) : undefined;
  if (!name || !command) throw new Error(`unknown command: ${args[0]}`);
  let rest = args.slice(1);
  if (rest[0] === '--') rest = rest.slice(1);
  const specs = { ...command.flags, ...IGNORED[name] };
  const { flags, positionals } = parseFlags(renameFlags(rest, RENAMED[name] ?? {}), specs);
  for (const ignored of Object.keys(IGNORED[name] ?? {})) delete flags[ignored];
  const run = (f: FlagValues, positional: string[]) => command.run({ call: io.call, out: io.out, readFile: io.readFile, flags: f, args: positional });

  switch (name) {
    case 'MoveTables':
    case 'Reshard':
      return runVtctlWorkflow(command, flags, positionals, io);
    case 'Workflow': {
      if (positionals.length !== 2 || positionals[1]!.toLowerCase() !== 'listall') {
        throw new Error('vtsim runs Workflow <keyspace> listall only; use vtctldclient\'s Workflow command (vtctlservice.Vtctld) for the other actions');
      }
      const resp = await io.call('GetWorkflows', { keyspace: positionals[0], name_only: true });
      const names = (resp.workflows as Json[]).map((w) => String(w.name));
      io.out(names.length === 0 ? `No workflows found in keyspace ${positionals[0]}\n` : `Following workflow(s) found in keyspace ${positionals[0]}: ${names.join(',')}\n`);
      return;
    }
    default:
      if (positionals.length !== 1) throw new Error(`the <${ARGUMENT[name]}> argument is required for the ${name} command`);
      return run(flags, positionals);
  }
}

