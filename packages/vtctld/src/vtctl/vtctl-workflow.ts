/**
 * vtctl's MoveTables and Reshard (`<Command> [--] [flags] <action> <keyspace.workflow>`, the
 * wrangler-era VReplication workflow command of go/vt/vtctl/vtctl.go) over vtctldclient's
 * MoveTables/Reshard command code, printing what vtctl prints:
 *
 * - Create: `Waiting for workflow to start:`, a `N% ... ` line per second until every stream runs
 *   or copies, then `Workflow started successfully with N stream(s)` and the stream details
 *   (`Workflow has been created in Stopped state` with `--auto_start=false`); streams in Error end
 *   it with `Found problems with the streams created for this workflow:` and `errors starting
 *   workflow`, `--timeout` (default 30s) with `timed out waiting for workflow to start`;
 * - Show: the stream details, `id=<id> on <shard>/<tablet>: Status: <state>. VStream Lag: 0s.`
 *   (plus ` Tx time: <ANSIC>.` once a transaction was applied; `. VStream has not started.`
 *   without a position; `: <message>.` in Error);
 * - Progress: `Copy Progress (approx):` per table still copying, then the details;
 * - SwitchTraffic, ReverseTraffic, Cancel, Complete: `<Action> was successful for workflow
 *   <ks>.<wf>` with the start and current traffic states (`Workflow Not Found` once gone), or the
 *   dry-run results; GetState: the traffic state.
 */
import type { Command } from '../vtctldclient/commands.js';
import type { FlagValues } from '../vtctldclient/flags.js';
import type { VtctlCommandIO } from './vtctl-command.js';

type Json = Record<string, any>;

/** What the workflow command needs beyond a command's IO: the time (event texts) and waiting. */
export interface VtctlWorkflowIO extends VtctlCommandIO {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

const ACTIONS = ['create', 'show', 'progress', 'switchtraffic', 'reversetraffic', 'cancel', 'complete', 'getstate'];
const DRY_RUN_ACTIONS = ['switchtraffic', 'reversetraffic', 'complete'];
const DEFAULT_TIMEOUT_MS = 30_000;

/** Splits `keyspace.workflow`; throws vtctl's error for anything else. */
export function splitKeyspaceWorkflow(text: string): { keyspace: string; workflow: string } {
  const parts = text.split('.');
  if (parts.length !== 2) throw new Error(`invalid format for <keyspace.workflow>: ${text}`);
  return { keyspace: parts[0]!, workflow: parts[1]! };
}

/** Go's time.ANSIC layout (`Mon Jan  2 15:04:05 2006`) in UTC. */
function ansic(seconds: number): string {
  const d = new Date(seconds * 1000);
  const [wd, mon] = [d.toUTCString().slice(0, 3), d.toUTCString().slice(8, 11)];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${wd} ${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** Go's time.RFC822 layout (`02 Jan 06 15:04 UTC`). */
function rfc822(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())} ${d.toUTCString().slice(8, 11)} ${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

/** The workflow's streams (GetWorkflows), or undefined when it does not exist. */
async function workflowOf(io: VtctlCommandIO, keyspace: string, workflow: string): Promise<Json | undefined> {
  const resp = await io.call('GetWorkflows', { keyspace, workflow, include_logs: false });
  return (resp.workflows as Json[])[0];
}

/** The traffic state vtctl prints, `Workflow Not Found` when the workflow is gone. */
async function stateOf(io: VtctlCommandIO, keyspace: string, workflow: string): Promise<string> {
  if (!(await workflowOf(io, keyspace, workflow))) return 'Workflow Not Found';
  return String((await io.call('WorkflowStatus', { keyspace, workflow })).traffic_state);
}

/** vtctl's printDetails: one line per stream of the workflow. */
async function printDetails(io: VtctlCommandIO, keyspace: string, workflow: string): Promise<void> {
  const wf = await workflowOf(io, keyspace, workflow);
  let s = `The following vreplication streams exist for workflow ${keyspace}.${workflow}:\n\n`;
  const shardStreams = (wf?.shard_streams ?? {}) as Record<string, Json>;
  for (const key of Object.keys(shardStreams).sort()) {
    for (const st of shardStreams[key]!.streams as Json[]) {
      let msg: string;
      if (st.state === 'Error') msg = `: ${st.message}.`;
      else if (!st.position) msg = '. VStream has not started.';
      else {
        const tx = Number(st.transaction_timestamp?.seconds ?? 0);
        msg = `. VStream Lag: 0s.${tx > 0 ? ` Tx time: ${ansic(tx)}.` : ''}`;
      }
      s += `id=${st.id} on ${key}: Status: ${st.state}${msg}\n`;
    }
  }
  io.out(`\n${s}\n`);
}

/** Runs one vtctldclient subcommand for its RPC, its JSON answer kept instead of printed. */
async function runQuietly(command: Command, io: VtctlCommandIO, flags: FlagValues, sub: string): Promise<Json> {
  let json = '';
  await command.run({ call: io.call, readFile: io.readFile, out: (text) => (json += text), flags: { ...flags, format: 'json' }, args: [sub] });
  return json.trim() === '' ? {} : (JSON.parse(json) as Json);
}

/**
 * Runs `MoveTables`/`Reshard` (`command` is vtctldclient's) with the parsed legacy flags and
 * positionals `[action, keyspace.workflow]`; throws vtctl's errors.
 */
export async function runVtctlWorkflow(command: Command, flags: FlagValues, positionals: readonly string[], io: VtctlWorkflowIO): Promise<void> {
  if (positionals.length !== 2) throw new Error('two arguments are needed: action, keyspace.workflow');
  const [originalAction, ksWorkflow] = positionals as [string, string];
  const { keyspace, workflow } = splitKeyspaceWorkflow(ksWorkflow);
  await io.call('GetKeyspace', { keyspace });
  const action = originalAction.toLowerCase();
  const wfFlags: FlagValues = { ...flags, workflow, 'target-keyspace': keyspace };
  const exists = (await workflowOf(io, keyspace, workflow)) !== undefined;
  if (!exists && action !== 'create') throw new Error(`workflow ${ksWorkflow} does not exist`);
  const dryRun = flags['dry-run'] === true;
  if (dryRun && !DRY_RUN_ACTIONS.includes(action)) throw new Error(`--dry_run is only supported for SwitchTraffic, ReverseTraffic and Complete, not for ${originalAction}`);
  if (!ACTIONS.includes(action)) throw new Error(`found unsupported action ${originalAction}`);

  switch (action) {
    case 'show':
      return printDetails(io, keyspace, workflow);
    case 'progress': {
      const status = await io.call('WorkflowStatus', { keyspace, workflow });
      const tables = Object.keys(status.table_copy_state ?? {}).sort();
      if (tables.length > 0) {
        io.out('\nCopy Progress (approx):\n');
        let s = '';
        for (const table of tables) {
          const c = status.table_copy_state[table] as Json;
          const pct = (n: number, d: number) => (d > 0 ? Math.trunc((100 * n) / d) : 0);
          s += `${table}: rows copied ${c.rows_copied}/${c.rows_total} (${pct(Number(c.rows_copied), Number(c.rows_total))}%), size copied ${c.bytes_copied}/${c.bytes_total} (${pct(Number(c.bytes_copied), Number(c.bytes_total))}%)\n`;
        }
        io.out(`\n${s}\n`);
      }
      return printDetails(io, keyspace, workflow);
    }
    case 'getstate':
      io.out(`${await stateOf(io, keyspace, workflow)}\n`);
      return;
    case 'create':
      return create(command, io, wfFlags, keyspace, workflow, ksWorkflow);
  }

  const startState = await stateOf(io, keyspace, workflow);
  const resp = await runQuietly(command, io, wfFlags, action);
  const dryRunResults = (resp.dry_run_results as string[] | undefined) ?? [];
  if (dryRun && dryRunResults.length > 0) {
    io.out(`Dry Run results for ${originalAction} run at ${rfc822(io.now())}\nParameters: ${positionals.join(' ')}\n\n`);
    io.out(`${dryRunResults.join('\n')}\n`);
    return;
  }
  io.out(`${originalAction} was successful for workflow ${keyspace}.${workflow}\nStart State: ${startState}\nCurrent State: ${await stateOf(io, keyspace, workflow)}\n\n`);
}

async function create(command: Command, io: VtctlWorkflowIO, flags: FlagValues, keyspace: string, workflow: string, ksWorkflow: string): Promise<void> {
  await runQuietly(command, io, flags, 'create');
  if (flags['auto-start'] === false) {
    io.out('Workflow has been created in Stopped state\n');
    return;
  }
  io.out('Waiting for workflow to start:\n');
  const timeoutMs = (flags.timeout as number | undefined) ?? DEFAULT_TIMEOUT_MS;
  const deadline = io.now() + timeoutMs;
  for (;;) {
    await io.sleep(1000);
    if (io.now() > deadline) {
      io.out(`\nThe workflow did not start within ${timeoutMs / 1000}s. The workflow may simply be slow to start or there may be an issue.\n`);
      io.out(`Check the status using the 'Workflow ${ksWorkflow} show' client command for details.\n`);
      throw new Error('timed out waiting for workflow to start');
    }
    const streams = Object.values(((await workflowOf(io, keyspace, workflow))?.shard_streams ?? {}) as Record<string, Json>).flatMap((s) => s.streams as Json[]);
    const failed = streams.filter((s) => s.state === 'Error');
    if (failed.length > 0) {
      io.out('Found problems with the streams created for this workflow:\n');
      for (const s of failed) io.out(`\tTablet: ${s.tablet.uid}, Id: ${s.id} :: ${s.message}\n`);
      throw new Error('errors starting workflow');
    }
    const started = streams.filter((s) => s.state === 'Running' || s.state === 'Copying').length;
    if (streams.length > 0 && started === streams.length) {
      io.out(`\nWorkflow started successfully with ${streams.length} stream(s)\n`);
      return printDetails(io, keyspace, workflow);
    }
    io.out(`${streams.length === 0 ? 0 : Math.trunc((100 * started) / streams.length)}% ... `);
  }
}
