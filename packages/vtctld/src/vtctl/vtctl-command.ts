/**
 * Runs a legacy vtctl command line (what `vtctlservice.Vtctl/ExecuteVtctlCommand` receives) with
 * vtctldclient's command code: the legacy arguments are read the way vtctl reads them and handed to
 * the vtctldclient command of the same name, whose RPCs and output formats vtctl shares. Supported:
 * ApplySchema, ApplyVSchema, GetSchema, GetVSchema, ShardReplicationPositions and the workflow
 * commands MoveTables, Reshard (`<Command> [--] [flags] <action> <keyspace.workflow>`) and Workflow
 * (`Workflow [--] [flags] <keyspace.workflow> show|delete`, `Workflow <keyspace> listall`).
 *
 * What is read as vtctl reads it: single-dash long flags (`-sql`), underscores for dashes
 * (`--ddl_strategy`), the flag names vtctl spells differently (`--source` for `--source-keyspace`,
 * `--all`, `--exclude`, `--reverse_replication`, ApplySchema's `--uuid_list`), the `--` after the
 * command name, and the deprecated ApplySchema flags it accepts and ignores (`--skip_preflight`,
 * `--allow_long_unavailability`). Any other command is `unknown command: <name>`.
 */
import { findCommand } from '../vtctldclient/commands.js';
import { parseFlags, type FlagSpec, type FlagValues } from '../vtctldclient/flags.js';

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

/** Flags vtctl still accepts but ignores. */
const IGNORED: Record<string, Record<string, FlagSpec>> = {
  ApplySchema: { 'skip-preflight': { type: 'bool' }, 'allow-long-unavailability': { type: 'bool' } },
};

/** Legacy workflow action names that differ from vtctldclient's subcommands. */
const ACTIONS: Record<string, string> = { progress: 'status' };

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

/** Splits `keyspace.workflow`; throws vtctl's error for anything else. */
function keyspaceWorkflow(text: string | undefined): { keyspace: string; workflow: string } {
  const dot = text?.indexOf('.') ?? -1;
  if (!text || dot <= 0 || dot === text.length - 1) throw new Error(`invalid format for <keyspace.workflow>: ${text ?? ''}`);
  return { keyspace: text.slice(0, dot), workflow: text.slice(dot + 1) };
}

/**
 * Runs `args` (`[command, ...arguments]`). Resolves when the command is done; rejects with the
 * command's error (a VtctldCallError for a failed RPC, an Error for bad arguments).
 */
export async function runVtctlCommand(args: readonly string[], io: VtctlCommandIO): Promise<void> {
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
    case 'Reshard': {
      if (positionals.length !== 2) throw new Error(`two arguments are required: <action> <keyspace.workflow>`);
      const { keyspace, workflow } = keyspaceWorkflow(positionals[1]);
      const action = positionals[0]!.toLowerCase();
      return run({ ...flags, workflow, 'target-keyspace': keyspace }, [ACTIONS[action] ?? action]);
    }
    case 'Workflow': {
      if (positionals.length !== 2) throw new Error('usage: Workflow [--dry-run] [--cells] [--tablet_types] <keyspace>[.<workflow>] <action>');
      const action = positionals[1]!.toLowerCase();
      if (action === 'listall') {
        const resp = await io.call('GetWorkflows', { keyspace: positionals[0], name_only: true });
        const names = (resp.workflows as Json[]).map((w) => String(w.name));
        io.out(names.length === 0 ? `No workflows found in keyspace ${positionals[0]}\n` : `Following workflow(s) found in keyspace ${positionals[0]}: ${names.join(',')}\n`);
        return;
      }
      const { keyspace, workflow } = keyspaceWorkflow(positionals[0]);
      return run({ ...flags, keyspace, workflow }, [action]);
    }
    default:
      if (positionals.length !== 1) throw new Error(`the <${ARGUMENT[name]}> argument is required for the ${name} command`);
      return run(flags, positionals);
  }
}

