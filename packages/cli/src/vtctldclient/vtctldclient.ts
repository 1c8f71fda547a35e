/**
 * The `vtctldclient` command: Vitess's vtctldclient syntax (`--server host:port`, global
 * `--action-timeout`, cobra command names matched case-insensitively, the commands' own flags)
 * over vtctld's gRPC API, printing what Vitess's client prints. Failures print one glog-style
 * `E…] <error>` line on stderr and exit 1.
 */
import { commandNames, dialVtctld, findCommand, parseFlags, type FlagSpec } from '@vtsim/vtctld/client';
import { staticClientCreds } from '../static-client-creds.js';

/** Where the command reads and writes. */
export interface VtctldclientIO {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Promise<string>;
}

const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  server: { type: 'string' },
  'action-timeout': { type: 'duration' },
  // A JSON file {"Username": "…", "Password": "…"} sent as call metadata, for a vtctld with --grpc_auth_mode static.
  'grpc-auth-static-client-creds': { type: 'string' },
  // glog and logging flags the local example's scripts pass; accepted and ignored.
  'log-dir': { type: 'string' },
  alsologtostderr: { type: 'bool' },
  logtostderr: { type: 'bool' },
  v: { type: 'int' },
  'log-format': { type: 'string' },
  'config-file-not-found-handling': { type: 'string' },
};

const DEFAULT_ACTION_TIMEOUT_MS = 60 * 60 * 1000;

function usage(): string {
  return `Usage:\n  vtctldclient [command]\n\nAvailable Commands:\n${commandNames().map((n) => `  ${n}`).join('\n')}\n\nFlags:\n      --server string            server to use for the connection\n      --action-timeout duration  timeout to use for the command (default 1h0m0s)\n`;
}

function glogError(message: string): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  const micros = String(d.getMilliseconds() * 1000).padStart(6, '0');
  return `E${two(d.getMonth() + 1)}${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${micros} ${String(process.pid).padStart(7)} main.go:56] ${message}\n`;
}

/**
 * Runs one vtctldclient invocation (`argv` without the program name); resolves to the exit code
 * (0 on success, 1 on any error, which is printed to `io.err`).
 */
export async function vtctldclient(argv: readonly string[], io: VtctldclientIO): Promise<number> {
  try {
    let i = 0;
    while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '--') {
      const name = argv[i]!.replace(/^--?/, '').split('=')[0]!.replace(/_/g, '-');
      const spec = GLOBAL_FLAGS[name];
      if (name === 'help' || name === 'h') {
        io.out(usage());
        return 0;
      }
      i += spec && spec.type !== 'bool' && !argv[i]!.includes('=') ? 2 : 1;
    }
    const commandName = argv[i];
    if (!commandName) {
      io.out(usage());
      return 0;
    }
    const command = findCommand(commandName);
    if (!command) throw new Error(`unknown command "${commandName}" for "vtctldclient"`);
    const { flags, positionals } = parseFlags([...argv.slice(0, i), ...argv.slice(i + 1)], { ...GLOBAL_FLAGS, ...command.flags });
    const [min, max] = command.args;
    if (positionals.length < min || positionals.length > max) {
      const expected = min === max ? `accepts ${min} arg(s)` : max === Infinity ? `requires at least ${min} arg(s)` : `accepts between ${min} and ${max} arg(s)`;
      throw new Error(`${expected}, received ${positionals.length}`);
    }
    const server = (flags.server as string | undefined) ?? '';
    if (!server) throw new Error('--server is required (e.g. --server localhost:15999)');
    if (server === 'internal') throw new Error('--server internal (an in-process vtctld) is not supported by vtsim; use --server localhost:15999');
    const timeoutMs = (flags['action-timeout'] as number | undefined) ?? DEFAULT_ACTION_TIMEOUT_MS;
    const credsFile = (flags['grpc-auth-static-client-creds'] as string | undefined) ?? '';
    const client = dialVtctld(server, credsFile ? { metadata: staticClientCreds(await io.readFile(credsFile)) } : {});
    try {
      await command.run({
        call: (rpc, request) => client.call(rpc, request, { timeoutMs }),
        out: io.out,
        readFile: io.readFile,
        flags,
        args: positionals,
      });
    } finally {
      client.close();
    }
    return 0;
  } catch (err) {
    io.err(glogError(err instanceof Error ? err.message : String(err)));
    return 1;
  }
}
