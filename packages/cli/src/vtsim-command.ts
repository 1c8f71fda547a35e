/**
 * The `vtsim` command: `up` / `down` run and stop the cluster process; `tablet up|down|delete`,
 * `mysqlctl up|down`, `vtgate up|down` and `vtorc up|down` add and remove components of the running
 * cluster, as the local example's vttablet-up.sh, mysqlctl-up.sh, vtgate-up.sh and vtorc-up.sh start
 * processes; `fault <verb>` breaks it on purpose. (main.ts loads this module only to run a command.)
 */
import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AUTH_FLAG_OPTIONS, authFlagsFrom, normalizeAuthFlagNames } from './auth-flags.js';
import { controlCall } from './control-client.js';
import { down } from './down-command.js';
import { binlogRetentionFrom, binlogRetentionOptions } from './binlog-retention-flag.js';
import { heartbeatIntervalMs, heartbeatOptions } from './heartbeat-flags.js';
import { LOG_FLAG_OPTIONS, logSettingsFrom } from './log-flags.js';
import { example } from './example-command.js';
import { faultMain } from './fault-command.js';
import { parseInitialTopology } from './initial-topology.js';
import { runMysqlScript } from './mysql-client.js';
import { up } from './up-command.js';
import { vtctldclient } from './vtctldclient/vtctldclient.js';
import { vstreamMain } from './vstream-command.js';
import { vtorcMain } from './vtorc-command.js';
import { VTSIM_USAGE } from './vtsim-usage.js';


const log = (line: string) => console.log(line);

const options = {
  detach: { type: 'boolean', default: false },
  'no-vtgate': { type: 'boolean', default: false },
  seed: { type: 'string', default: 'vtsim' },
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '15000' },
  'mysql-port': { type: 'string', default: '15306' },
  'grpc-port': { type: 'string', default: '15991' },
  'vtctld-grpc-port': { type: 'string', default: '15999' },
  keyspace: { type: 'string', default: process.env.KEYSPACE },
  shard: { type: 'string', default: process.env.SHARD },
  uid: { type: 'string', default: process.env.TABLET_UID },
  cell: { type: 'string', default: process.env.CELL },
  help: { type: 'boolean', default: false },
  'allow-primary': { type: 'boolean', default: false },
  keyspaces: { type: 'string' },
  'num-shards': { type: 'string' },
  'replica-count': { type: 'string' },
  'rdonly-count': { type: 'string' },
  'schema-dir': { type: 'string' },
  'chaos-seed': { type: 'string' },
  'chaos-every': { type: 'string' },
  table: { type: 'boolean', short: 't', default: false },
  execute: { type: 'string', short: 'e' },
  user: { type: 'string', short: 'u', default: 'root' },
  password: { type: 'string', short: 'p' },
  'mysql-host': { type: 'string', short: 'h' },
  P: { type: 'string', short: 'P' },
  D: { type: 'string', short: 'D' },
  // Accepted for compatibility with the real mysql client's invocations; they change nothing here.
  'no-defaults': { type: 'boolean' },
  unbuffered: { type: 'boolean', short: 'n' },
  batch: { type: 'boolean', short: 'B' },
  'binary-as-hex': { type: 'string' },
  ...AUTH_FLAG_OPTIONS,
  ...heartbeatOptions,
  ...binlogRetentionOptions,
  ...LOG_FLAG_OPTIONS,
} as const;

/**
 * Joins a string option and a value that starts with a dash (`--shard -80`) into `--shard=-80`,
 * which node's parseArgs would otherwise refuse as ambiguous. Shard names like `-80` are common.
 * Also reads Go's `--flag=true` / `--flag=false` for boolean options, as Vitess's flags take them.
 */
function attachDashValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const bool = /^--([^=]+)=(true|false|t|f|1|0)$/i.exec(arg);
    if (bool && (options as Record<string, { type: string }>)[bool[1]!]?.type === 'boolean') {
      if (/^(true|t|1)$/i.test(bool[2]!)) out.push(`--${bool[1]}`);
      continue;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const next = argv[i + 1];
    const opt = name !== undefined && !name.includes('=') ? (options as Record<string, { type: string }>)[name] : undefined;
    if (opt?.type === 'string' && next !== undefined && next.startsWith('-') && next !== '-') {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Runs the `vtsim` command with `argv` (the arguments after `vtsim`); resolves with its exit code. */
export async function vtsimCommand(argv: string[]): Promise<number> {
  // reshard and movetables run a workflow in the running cluster (workflow-command.ts).
  if (argv[0] === 'reshard' || argv[0] === 'movetables') return (await import('./workflow-command.js')).workflowMain(argv[0], argv.slice(1), { out: log, err: (line) => console.error(line), tty: process.stdout.isTTY ? process.stdout : undefined });
  // vstream parses its own flags (shard names such as -80 follow --shard unquoted).
  if (argv[0] === 'vstream') return vstreamMain(argv.slice(1));
  // vtorc takes Vitess's vtorc flags (vtorc-command.ts).
  if (argv[0] === 'vtorc') return vtorcMain(argv.slice(1), log);
  // fault takes each verb's own flags (fault-verbs.ts).
  if (argv[0] === 'fault') return faultMain(argv.slice(1), { out: log, err: (line) => console.error(line) });
  // vtctldclient takes Vitess's own flag syntax, untouched.
  if (argv[0] === 'vtctldclient') {
    return vtctldclient(argv.slice(1), {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      readFile: (path) => readFile(path, 'utf8'),
    });
  }
  const { values, positionals } = parseArgs({ args: attachDashValues(normalizeAuthFlagNames(argv)), allowPositionals: true, options });
  const [command, sub] = positionals;
  const control = { host: values.host!, port: Number(values.port) };
  if (values.help || !command) {
    console.log(VTSIM_USAGE);
    return command || values.help ? 0 : 1;
  }
  switch (`${command}${sub ? ` ${sub}` : ''}`) {
    case 'up':
      await up({
        detach: values.detach!,
        vtgate: !values['no-vtgate'],
        seed: values.seed!,
        host: values.host!,
        webPort: Number(values.port),
        mysqlPort: Number(values['mysql-port']),
        grpcPort: Number(values['grpc-port']),
        vtctldGrpcPort: Number(values['vtctld-grpc-port']),
        topology: parseInitialTopology({
          keyspaces: values.keyspaces,
          numShards: values['num-shards'],
          replicaCount: values['replica-count'],
          rdonlyCount: values['rdonly-count'],
          schemaDir: values['schema-dir'],
        }),
        topologyArgs: topologyArgs(values),
        auth: authFlagsFrom(values),
        heartbeatIntervalMs: heartbeatIntervalMs(values),
        binlogRetention: binlogRetentionFrom(values),
        chaos: chaosFrom(values),
        log: logSettingsFrom(values),
      }, log);
      return 0;
    case 'down':
      await down(log);
      return 0;
    case 'tablet up': {
      if (!values.keyspace || values.shard === undefined || !values.uid) throw new Error('tablet up needs --keyspace, --shard and --uid (or KEYSPACE, SHARD, TABLET_UID)');
      const reply = (await controlCall(control, 'POST', '/api/tablets', {
        keyspace: values.keyspace,
        shard: values.shard,
        uid: Number(values.uid),
        cell: values.cell,
        heartbeatIntervalMs: heartbeatIntervalMs(values),
        binlogRetention: binlogRetentionFrom(values),
      })) as { alias: string; type: string };
      log(`vttablet for ${reply.alias} is running as ${reply.type}`);
      return 0;
    }
    case 'tablet down': {
      if (!values.uid) throw new Error('tablet down needs --uid (or TABLET_UID)');
      await controlCall(control, 'DELETE', `/api/tablets/${Number(values.uid)}${values.cell ? `?cell=${encodeURIComponent(values.cell)}` : ''}`);
      return 0;
    }
    case 'tablet delete': {
      if (!values.uid) throw new Error('tablet delete needs --uid (or TABLET_UID)');
      const query = new URLSearchParams();
      if (values.cell) query.set('cell', values.cell);
      if (values['allow-primary']) query.set('allow_primary', 'true');
      await controlCall(control, 'DELETE', `/api/tablet-records/${Number(values.uid)}${query.size ? `?${query}` : ''}`);
      return 0;
    }
    case 'mysqlctl up':
    case 'mysqlctl down': {
      if (!values.uid) throw new Error(`mysqlctl ${sub} needs --uid (or TABLET_UID)`);
      const query = values.cell ? `?cell=${encodeURIComponent(values.cell)}` : '';
      await controlCall(control, sub === 'up' ? 'POST' : 'DELETE', `/api/mysqlds/${Number(values.uid)}${query}`);
      return 0;
    }
    case 'vtgate up':
      await controlCall(control, 'POST', '/api/vtgate', authFlagsFrom(values));
      log('vtgate is up!');
      return 0;
    case 'vtctld up':
      await controlCall(control, 'POST', '/api/vtctld', { grpcAuth: authFlagsFrom(values).grpcAuth ?? {} });
      log('vtctld is running!');
      return 0;
    case 'vtgate down':
      await controlCall(control, 'DELETE', '/api/vtgate');
      return 0;
    case 'example':
      await example(log, Number(values['mysql-port']));
      return 0;
    case 'status':
      log(JSON.stringify(await controlCall(control, 'GET', '/api/status'), null, 2));
      return 0;
    default:
      if (command === 'mysql') {
        const script = values.execute ?? (await readStdin());
        return runMysqlScript(script, {
          host: values['mysql-host'] ?? values.host!,
          port: Number(values.P ?? values['mysql-port']),
          user: values.user!,
          password: values.password,
          database: values.D ?? sub,
          table: values.table!,
        });
      }
      console.error(`vtsim: unknown command '${positionals.join(' ')}'\n\n${VTSIM_USAGE}`);
      return 1;
  }
}

/** `--chaos-seed S --chaos-every MS`: both or neither; the interval a positive integer of ms. */
function chaosFrom(values: { 'chaos-seed'?: string; 'chaos-every'?: string }): { seed: string; everyMs: number } | undefined {
  const seed = values['chaos-seed'];
  const every = values['chaos-every'];
  if (seed === undefined && every === undefined) return undefined;
  if (seed === undefined || every === undefined) throw new Error('--chaos-seed and --chaos-every go together');
  if (!/^\d+$/.test(every) || Number(every) <= 0) throw new Error(`--chaos-every must be a positive number of ms, not '${every}'`);
  return { seed, everyMs: Number(every) };
}

/** The topology flags as given, to pass on to a detached cluster process. */
function topologyArgs(values: Record<string, unknown>): string[] {
  const args: string[] = [];
  for (const flag of ['keyspaces', 'num-shards', 'replica-count', 'rdonly-count', 'schema-dir']) {
    if (typeof values[flag] === 'string') args.push(`--${flag}`, flag === 'schema-dir' ? resolve(values[flag] as string) : (values[flag] as string));
  }
  return args;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
