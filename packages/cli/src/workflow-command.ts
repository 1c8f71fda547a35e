/**
 * `vtsim reshard` and `vtsim movetables`: a Reshard or MoveTables workflow in one command, run by
 * the cluster process (workflow-runner.ts, through the control API's `/api/workflows/…`), which
 * starts the target shards' tablets, creates the workflow, waits for the copy and, when asked,
 * switches traffic and completes. The progress shows as bars on a terminal, plain lines otherwise.
 */
import { request, type IncomingMessage } from 'node:http';
import { controlCall, type ControlAddress } from './control-client.js';
import { barProgress, lineProgress, type ProgressView } from './workflow-progress.js';
import type { WorkflowProgress, WorkflowResult } from './workflow-runner.js';

/** The commands' usage text. */
export const WORKFLOW_USAGE = `usage: vtsim reshard --keyspace K --to -80,80- [--workflow reshard] [--switch-traffic] [--complete]
       vtsim movetables --source S --target T [--tables a,b] [--workflow S2T] [--target-shards 0]
                        [--switch-traffic] [--complete]
       [--host 127.0.0.1] [--port 15000]   the running cluster's control endpoint

Starts the target shards' tablets (the source shard's layout, on a free block of uids), creates
the workflow, and waits until its copy is done and its streams have caught up; --switch-traffic
then switches reads and writes, and --complete (which implies it) completes the workflow: the old
shards' tablets keep running, as in Vitess, until 'vtsim tablet down'. movetables moves every
table of the source when --tables is left out, and creates the target keyspace's tablets (shard
0, or --target-shards) when it has none. A workflow that cannot be created removes the tablets
started for it.`;

/** Where the command writes, and whether its output is a terminal (progress bars) or not (lines). */
export interface WorkflowCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** The terminal to draw progress bars on; plain lines through `out` when undefined. */
  tty?: NodeJS.WriteStream;
}

const STRING_FLAGS: Record<'reshard' | 'movetables', readonly string[]> = {
  reshard: ['keyspace', 'to', 'workflow'],
  movetables: ['source', 'target', 'tables', 'workflow', 'target-shards'],
};
const BOOLEAN_FLAGS = ['switch-traffic', 'complete', 'help'];
/** vtsim's port flags every command accepts; only --host and --port address the control endpoint. */
const IGNORED_FLAGS = ['mysql-port', 'grpc-port', 'vtctld-grpc-port'];

/** Parses `--name value` / `--name=value` (a value may start with one dash: `--to -80,80-`) and boolean flags; throws for anything else. */
function parseFlags(kind: 'reshard' | 'movetables', argv: readonly string[]): { strings: Map<string, string>; booleans: Set<string>; control: ControlAddress } {
  const strings = new Map<string, string>();
  const booleans = new Set<string>();
  const known = [...STRING_FLAGS[kind], 'host', 'port', ...IGNORED_FLAGS];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) throw new Error(`unexpected argument '${argv[i]}'`);
    const name = m[1]!.replaceAll('_', '-');
    if (BOOLEAN_FLAGS.includes(name)) {
      if (m[2] !== undefined && !/^(true|false|1|0|t|f)$/i.test(m[2])) throw new Error(`--${name} takes no value besides true or false, not '${m[2]}'`);
      if (m[2] === undefined || /^(true|1|t)$/i.test(m[2])) booleans.add(name);
      continue;
    }
    if (!known.includes(name)) throw new Error(`unknown flag --${m[1]} for ${kind}`);
    const next = argv[i + 1];
    const value = m[2] ?? (next !== undefined && !next.startsWith('--') ? argv[++i] : undefined);
    if (value === undefined || value === '') throw new Error(`flag --${name} needs a value`);
    if (strings.has(name)) throw new Error(`flag --${name} given twice`);
    strings.set(name, value);
  }
  const port = strings.get('port') ?? '15000';
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw new Error(`--port must be a port number, not '${port}'`);
  return { strings, booleans, control: { host: strings.get('host') ?? '127.0.0.1', port: Number(port) } };
}

/** A comma list's items, trimmed, empty ones dropped. */
function list(text: string | undefined): string[] | undefined {
  return text?.split(',').map((s) => s.trim()).filter(Boolean);
}

/** The control API's request for the parsed flags; throws when a required flag is missing. */
function requestBody(kind: 'reshard' | 'movetables', strings: Map<string, string>, booleans: Set<string>): Record<string, unknown> {
  const finish = { switchTraffic: booleans.has('switch-traffic'), complete: booleans.has('complete'), workflow: strings.get('workflow') };
  if (kind === 'reshard') {
    const targetShards = list(strings.get('to'));
    if (!strings.get('keyspace') || !targetShards?.length) throw new Error('reshard needs --keyspace and --to (e.g. --to -80,80-)');
    return { ...finish, keyspace: strings.get('keyspace'), targetShards };
  }
  if (!strings.get('source') || !strings.get('target')) throw new Error('movetables needs --source and --target');
  return { ...finish, sourceKeyspace: strings.get('source'), targetKeyspace: strings.get('target'), tables: list(strings.get('tables')), targetShards: list(strings.get('target-shards')) };
}

/**
 * Posts the workflow to the control endpoint and shows its streamed progress (JSON lines) until
 * the last line, the result or the error. (node:http rather than fetch: a copy may report nothing
 * for longer than fetch's 300 s body timeout.)
 */
async function follow(control: ControlAddress, kind: 'reshard' | 'movetables', body: unknown, view: ProgressView): Promise<WorkflowResult> {
  let res: IncomingMessage;
  try {
    res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request({ host: control.host, port: control.port, method: 'POST', path: `/api/workflows/${kind}`, headers: { 'Content-Type': 'application/json' } }, resolve);
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  } catch {
    // The same message as every other command when no cluster answers.
    await controlCall(control, 'GET', '/api/status');
    throw new Error(`the cluster on ${control.host}:${control.port} did not answer`);
  }
  res.setEncoding('utf8');
  if (res.statusCode !== 200) {
    let text = '';
    for await (const chunk of res) text += chunk as string;
    throw new Error((JSON.parse(text || '{}') as { error?: string }).error ?? `HTTP ${res.statusCode}`);
  }
  let buffered = '';
  for await (const chunk of res) {
    buffered += chunk as string;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, nl)) as { progress?: WorkflowProgress; result?: WorkflowResult; error?: string };
      buffered = buffered.slice(nl + 1);
      if (line.progress) view.show(line.progress);
      if (line.error !== undefined) throw new Error(line.error);
      if (line.result) return line.result;
    }
  }
  throw new Error('the cluster process ended the workflow without a result');
}

/**
 * Runs `vtsim reshard|movetables` with the arguments after the command name; resolves with the
 * exit code: 0 once the workflow got as far as asked, 1 for bad flags (nothing is sent), when the
 * workflow failed (its error is printed) or when no cluster runs.
 */
export async function workflowMain(kind: 'reshard' | 'movetables', argv: string[], io: WorkflowCommandIo): Promise<number> {
  let view: ProgressView | undefined;
  try {
    const { strings, booleans, control } = parseFlags(kind, argv);
    if (booleans.has('help')) {
      io.out(WORKFLOW_USAGE);
      return 0;
    }
    const body = requestBody(kind, strings, booleans);
    view = io.tty ? barProgress(io.tty) : lineProgress(io.out);
    const result = await follow(control, kind, body, view);
    view.stop();
    view = undefined;
    io.out(`workflow ${result.keyspace}.${result.workflow}: ${result.trafficState}`);
    return 0;
  } catch (err) {
    view?.stop();
    io.err(`ERROR: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
