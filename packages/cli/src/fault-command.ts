/**
 * `vtsim fault <verb> [--flag value …]`: applies one verb of the fault vocabulary (fault-verbs.ts)
 * to the running cluster through its control API (`--host`, `--port`, as `vtsim tablet` finds it),
 * and prints the line the cluster logged. `vtsim fault list` prints the faults in force.
 */
import { controlAddress, controlCall, type ControlAddress } from './control-client.js';
import { faultUsage, faultVerb, parseFaultArgs } from './fault-verbs.js';

/** The command's usage text. */
export const FAULT_USAGE = `usage: vtsim fault <verb> [flags] [--host 127.0.0.1] [--port 15000]
       vtsim fault list

verbs:
${faultUsage()}`;

/** Where the command writes. */
export interface FaultCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * Runs `vtsim fault` with the arguments after `fault`; resolves with the exit code: 0 once the
 * cluster applied the verb, 1 for bad input (unknown verb or flag, bad number; nothing is sent) or
 * when the cluster refused it (unknown tablet, …) or is not running.
 */
export async function faultMain(argv: string[], io: FaultCommandIo): Promise<number> {
  const [verbName, ...rest] = argv;
  if (verbName === '--help' || verbName === '-h') {
    io.out(FAULT_USAGE);
    return 0;
  }
  if (!verbName || verbName.startsWith('-')) {
    io.err(FAULT_USAGE);
    return 1;
  }
  try {
    const { flags, control } = splitFlags(rest);
    if (verbName === 'list') {
      if (Object.keys(flags).length > 0) throw new Error(`list takes no flags besides --host and --port`);
      const reply = (await controlCall(control, 'GET', '/api/faults')) as { active: unknown[] };
      io.out(JSON.stringify(reply.active, null, 2));
      return 0;
    }
    const verb = faultVerb(verbName);
    parseFaultArgs(verb, flags);
    const reply = (await controlCall(control, 'POST', `/api/faults/${verb.name}`, flags)) as { line: string };
    io.out(reply.line);
    return 0;
  } catch (err) {
    io.err(`ERROR: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

/**
 * `--name value` / `--name=value` pairs (a value may start with one dash, as shard `-80` does);
 * --host and --port address the cluster's control API, and vtsim's other port flags are ignored.
 */
function splitFlags(args: string[]): { flags: Record<string, string>; control: ControlAddress } {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unexpected argument '${arg}' (flags are --name value)`);
    const next = args[i + 1];
    const value = m[2] ?? (next !== undefined && !next.startsWith('--') ? args[++i] : undefined);
    if (value === undefined) throw new Error(`flag --${m[1]} needs a value`);
    if (flags[m[1]!] !== undefined) throw new Error(`flag --${m[1]} given twice`);
    flags[m[1]!] = value;
  }
  // The cluster's other ports, which every vtsim command accepts, address nothing a fault needs.
  const { host, port, 'mysql-port': _mysql, 'grpc-port': _grpc, 'vtctld-grpc-port': _vtctld, ...verbFlags } = flags;
  return { flags: verbFlags, control: controlAddress({ host, port }) };
}
