/**
 * The `vtsim` command: `up` / `down` run and stop the cluster process; `tablet up|down|delete`,
 * `mysqlctl up|down`, `vtgate up|down` and `vtorc up|down` add and remove components of the running
 * cluster, as the local example's vttablet-up.sh, mysqlctl-up.sh, vtgate-up.sh and vtorc-up.sh start
 * processes; `vttablet`, `vtctld`, `vtgate` and `vtorc` (without up/down) run one component in its
 * own process on the etcd topology; `fault <verb>` breaks it on purpose.
 * (main.ts loads this module only to run a command.)
 * Each command loads only its own modules: `up` the whole cluster, `tablet up` or `status` little
 * more than an HTTP client, so that the local example's scripts, which run many, stay quick.
 */
import { parseArgs } from 'node:util';
import { attachDashValues } from './dash-values.js';
import { controlAddress, controlCall } from './control-client.js';
import { binlogRetentionFrom, binlogRetentionOptions } from './binlog-retention-flag.js';
import { runningClusterState } from './process-state.js';
import { dataRoot } from './vtdataroot.js';
import { VTSIM_USAGE } from './vtsim-usage.js';

const log = (line: string) => console.log(line);

const options = {
  host: { type: 'string' },
  port: { type: 'string' },
  'mysql-port': { type: 'string' },
  'grpc-port': { type: 'string' },
  'vtctld-grpc-port': { type: 'string' },
  keyspace: { type: 'string', default: process.env.KEYSPACE },
  shard: { type: 'string', default: process.env.SHARD },
  uid: { type: 'string', default: process.env.TABLET_UID },
  cell: { type: 'string', default: process.env.CELL },
  help: { type: 'boolean', default: false },
  'allow-primary': { type: 'boolean', default: false },
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
  ...binlogRetentionOptions,
} as const;

/**
 * The command line and option table to parse: the tables of flags whose modules load much (auth
 * and heartbeat flags parse durations with vtctld's parser) are loaded only when the command line
 * names one of their flags, and then the dashed spellings of the auth flags are normalized.
 */
async function optionsFor(argv: readonly string[]): Promise<{ args: string[]; options: Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }> }> {
  const extra = {};
  let args = [...argv];
  if (hasHeartbeatFlag(argv)) Object.assign(extra, (await import('./heartbeat-flags.js')).heartbeatOptions);
  if (hasAuthFlag(argv)) {
    const { AUTH_FLAG_OPTIONS, normalizeAuthFlagNames } = await import('./auth-flags.js');
    Object.assign(extra, AUTH_FLAG_OPTIONS);
    args = normalizeAuthFlagNames(argv);
  }
  return { args, options: { ...options, ...extra } };
}

function hasHeartbeatFlag(argv: readonly string[]): boolean {
  return argv.some((arg) => /^--heartbeat[-_]/.test(arg));
}

function hasAuthFlag(argv: readonly string[]): boolean {
  return argv.some((arg) => /^--(mysql[-_]auth|grpc[-_]auth)/.test(arg));
}

/** Runs the `vtsim` command with `argv` (the arguments after `vtsim`); resolves with its exit code. */
export async function vtsimCommand(argv: string[]): Promise<number> {
  const stdout = (line: string) => console.log(line);
  const stderr = (line: string) => console.error(line);
  // reshard and movetables run a workflow in the running cluster (workflow-command.ts).
  if (argv[0] === 'reshard' || argv[0] === 'movetables') return (await import('./workflow-command.js')).workflowMain(argv[0], argv.slice(1), { out: log, err: stderr, tty: process.stdout.isTTY ? process.stdout : undefined });
  // up takes vttestserver's flags and vtsim's own (vttestserver-flags.ts).
  if (argv[0] === 'up') return (await import('./up-command.js')).upMain(argv.slice(1), 'vtsim', { out: stdout, log: stderr });
  // vstream parses its own flags (shard names such as -80 follow --shard unquoted).
  if (argv[0] === 'vstream') return (await import('./vstream-command.js')).vstreamMain(argv.slice(1));
  // example parses its own flags (example-args.ts).
  if (argv[0] === 'example') return (await import('./example-command.js')).exampleMain(argv.slice(1));
  // vttablet runs one tablet in this process, with Vitess's vttablet flags (vttablet-command.ts).
  if (argv[0] === 'vttablet') return (await import('./vttablet-command.js')).vttabletMain(argv.slice(1), log);
  // vtorc up|down start and stop VTOrc in the running cluster, with Vitess's vtorc flags (vtorc-command.ts).
  if (argv[0] === 'vtorc' && (argv[1] === 'up' || argv[1] === 'down')) return (await import('./vtorc-command.js')).vtorcMain(argv.slice(1), log);
  // vtorc, vtctld and vtgate with their own flags (no up/down) run that component in this process on etcd.
  if (argv[0] === 'vtorc') return (await import('./vtorc-process-command.js')).vtorcProcessMain(argv.slice(1), log);
  if (argv[0] === 'vtctld' && argv[1] !== 'up') return (await import('./vtctld-command.js')).vtctldMain(argv.slice(1), log);
  if (argv[0] === 'vtgate' && argv[1] !== 'up' && argv[1] !== 'down') return (await import('./vtgate-command.js')).vtgateMain(argv.slice(1), log);
  // fault takes each verb's own flags (fault-verbs.ts).
  if (argv[0] === 'fault') return (await import('./fault-command.js')).faultMain(argv.slice(1), { out: log, err: stderr });
  // vtctldclient takes Vitess's own flag syntax, untouched.
  if (argv[0] === 'vtctldclient') {
    const [{ vtctldclient }, { readFile }] = await Promise.all([import('./vtctldclient/vtctldclient.js'), import('node:fs/promises')]);
    return vtctldclient(argv.slice(1), {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      readFile: (path) => readFile(path, 'utf8'),
    });
  }
  const all = await optionsFor(argv);
  const { values, positionals } = parseArgs({ args: attachDashValues(all.args, all.options), allowPositionals: true, options: all.options as typeof options });
  const [command, sub] = positionals;
  if (values.help || !command) {
    console.log(VTSIM_USAGE);
    return command || values.help ? 0 : 1;
  }
  const control = () => controlAddress({ host: values.host, port: values.port });
  const heartbeat = async () => (hasHeartbeatFlag(argv) ? (await import('./heartbeat-flags.js')).heartbeatIntervalMs(values) : undefined);
  const auth = async () => (hasAuthFlag(argv) ? (await import('./auth-flags.js')).authFlagsFrom(values) : {});
  switch (`${command}${sub ? ` ${sub}` : ''}`) {
    case 'down':
      await (await import('./down-command.js')).down(log, values.port === undefined ? undefined : control());
      return 0;
    case 'tablet up': {
      if (!values.keyspace || values.shard === undefined || !values.uid) throw new Error('tablet up needs --keyspace, --shard and --uid (or KEYSPACE, SHARD, TABLET_UID)');
      const reply = (await controlCall(control(), 'POST', '/api/tablets', {
        keyspace: values.keyspace,
        shard: values.shard,
        uid: Number(values.uid),
        cell: values.cell,
        heartbeatIntervalMs: await heartbeat(),
        binlogRetention: binlogRetentionFrom(values),
      })) as { alias: string; type: string };
      log(`vttablet for ${reply.alias} is running as ${reply.type}`);
      return 0;
    }
    case 'tablet down': {
      if (!values.uid) throw new Error('tablet down needs --uid (or TABLET_UID)');
      await controlCall(control(), 'DELETE', `/api/tablets/${Number(values.uid)}${values.cell ? `?cell=${encodeURIComponent(values.cell)}` : ''}`);
      return 0;
    }
    case 'tablet delete': {
      if (!values.uid) throw new Error('tablet delete needs --uid (or TABLET_UID)');
      const query = new URLSearchParams();
      if (values.cell) query.set('cell', values.cell);
      if (values['allow-primary']) query.set('allow_primary', 'true');
      await controlCall(control(), 'DELETE', `/api/tablet-records/${Number(values.uid)}${query.size ? `?${query}` : ''}`);
      return 0;
    }
    case 'mysqlctl up':
    case 'mysqlctl down': {
      if (!values.uid) throw new Error(`mysqlctl ${sub} needs --uid (or TABLET_UID)`);
      const query = values.cell ? `?cell=${encodeURIComponent(values.cell)}` : '';
      await controlCall(control(), sub === 'up' ? 'POST' : 'DELETE', `/api/mysqlds/${Number(values.uid)}${query}`);
      return 0;
    }
    case 'vtgate up':
      await controlCall(control(), 'POST', '/api/vtgate', await auth());
      log('vtgate is up!');
      return 0;
    case 'vtctld up':
      await controlCall(control(), 'POST', '/api/vtctld', { grpcAuth: (await auth()).grpcAuth ?? {} });
      log('vtctld is running!');
      return 0;
    case 'vtgate down':
      await controlCall(control(), 'DELETE', '/api/vtgate');
      return 0;
    case 'status':
      log(JSON.stringify(await controlCall(control(), 'GET', '/api/status'), null, 2));
      return 0;
    default:
      if (command === 'mysql') {
        const script = values.execute ?? (await readStdin());
        const { runMysqlScript } = await import('./mysql-client.js');
        return runMysqlScript(script, {
          host: values['mysql-host'] ?? values.host ?? '127.0.0.1',
          // Without -P: the running cluster's vtgate (VTDATAROOT's state file), else the local example's.
          port: Number(values.P ?? values['mysql-port'] ?? runningClusterState(dataRoot().stateFile)?.mysqlPort ?? 15306),
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

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
