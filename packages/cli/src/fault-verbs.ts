/**
 * The fault vocabulary: one entry per verb, shared by its three forms — `vtsim fault <verb>
 * [flags]`, the control API's `POST /api/faults/<verb>` (JSON body: the flags by name) and the
 * cluster's TS API (`cluster.faults.<verb>(…)`, which each entry calls). An entry names its flags
 * and their types, so the command line and the HTTP body are checked in one place.
 */
import { FaultInputError, type FaultInjector } from './fault-injector.js';

/** A flag's type: `uint` a non-negative integer, `string` any non-empty text. */
export type FaultFlagType = 'uint' | 'string';

/** One flag of a verb (`--name value`). */
export interface FaultFlag {
  name: string;
  type: FaultFlagType;
  required: boolean;
}

/** A verb's flags as parsed: numbers for `uint` flags, strings otherwise; absent optional flags are missing. */
export type FaultArgs = Record<string, string | number>;

/** One verb of the vocabulary. */
export interface FaultVerb {
  name: string;
  /** One line for the usage text. */
  summary: string;
  flags: FaultFlag[];
  /** Applies the verb through the TS API; resolves with its log line. */
  apply(faults: FaultInjector, args: FaultArgs): Promise<string>;
}

const uint = (name: string, required: boolean): FaultFlag => ({ name, type: 'uint', required });
const str = (name: string, required: boolean): FaultFlag => ({ name, type: 'string', required });

/** The vocabulary, in usage order. */
export const FAULT_VERBS: readonly FaultVerb[] = [
  {
    name: 'kill-tablet',
    summary: "the tablet's vttablet and mysqld die at once (open transactions lost, committed ones kept); undo with restart-tablet",
    flags: [uint('uid', true)],
    apply: (f, a) => f.killTablet({ uid: a.uid as number }),
  },
  {
    name: 'restart-tablet',
    summary: "start a killed tablet's mysqld and vttablet again on its data",
    flags: [uint('uid', true)],
    apply: (f, a) => f.restartTablet({ uid: a.uid as number }),
  },
  {
    name: 'stall-shard',
    summary: "the shard's tablets accept nothing and send nothing for --ms ms",
    flags: [str('keyspace', true), str('shard', true), uint('ms', true)],
    apply: (f, a) => f.stallShard({ keyspace: a.keyspace as string, shard: a.shard as string, ms: a.ms as number }),
  },
  {
    name: 'replication-delay',
    summary: 'the replica applies each transaction --ms ms after its commit on the source (SOURCE_DELAY; 0 ends it), until heal',
    flags: [uint('uid', true), uint('ms', true)],
    apply: (f, a) => f.replicationDelay({ uid: a.uid as number, ms: a.ms as number }),
  },
  {
    name: 'partition-tablet',
    summary: 'vtgate, vtctld and VTOrc cannot reach the tablet (their calls time out as over a dead network) until heal, or for --ms ms',
    flags: [uint('uid', true), uint('ms', false)],
    apply: (f, a) => f.partitionTablet({ uid: a.uid as number, ms: a.ms as number | undefined }),
  },
  {
    name: 'drop-vstreams',
    summary: 'vtgate ends every open VStream with --code (default UNAVAILABLE)',
    flags: [str('code', false)],
    apply: (f, a) => f.dropVStreams({ code: a.code as string | undefined }),
  },
  {
    name: 'restart-vtgate',
    summary: 'stop vtgate and start it again on the same ports',
    flags: [],
    apply: (f) => f.restartVtgate(),
  },
  {
    name: 'copy-rate',
    summary: 'throttle every VReplication copy to --rows-per-sec rows per second per stream, until heal',
    flags: [uint('rows-per-sec', true)],
    apply: (f, a) => f.copyRate({ rowsPerSec: a['rows-per-sec'] as number }),
  },
  {
    name: 'interrupt-copy',
    summary: "end the copy cycle of --workflow's streams, as vreplication_copy_phase_duration expiring does",
    flags: [str('workflow', true)],
    apply: (f, a) => f.interruptCopy({ workflow: a.workflow as string }),
  },
  {
    name: 'purge-binlogs',
    summary: "purge the tablet's oldest binlog transactions until --keep remain (default 0)",
    flags: [uint('uid', true), uint('keep', false)],
    apply: (f, a) => f.purgeBinlogs({ uid: a.uid as number, keep: a.keep as number | undefined }),
  },
  {
    name: 'heal',
    summary: 'undo every fault in force',
    flags: [],
    apply: (f) => f.heal(),
  },
];

/** The verb named `name`; FaultInputError naming the known verbs otherwise. */
export function faultVerb(name: string): FaultVerb {
  const verb = FAULT_VERBS.find((v) => v.name === name);
  if (!verb) throw new FaultInputError(`unknown fault verb '${name}' (verbs: ${FAULT_VERBS.map((v) => v.name).join(', ')})`);
  return verb;
}

/**
 * Checks a verb's flags given by name (strings from a command line, or JSON values) and converts
 * them: FaultInputError for an unknown or missing flag, or a value that is not of the flag's type.
 */
export function parseFaultArgs(verb: FaultVerb, given: Record<string, unknown>): FaultArgs {
  const args: FaultArgs = {};
  for (const [name, value] of Object.entries(given)) {
    const flag = verb.flags.find((f) => f.name === name);
    if (!flag) {
      const known = verb.flags.map((f) => `--${f.name}`).join(', ');
      throw new FaultInputError(`${verb.name}: unknown flag --${name}${known ? ` (flags: ${known})` : ' (it takes no flags)'}`);
    }
    if (value === undefined) continue;
    args[name] = flag.type === 'uint' ? parseUint(verb, flag, value) : parseString(verb, flag, value);
  }
  for (const flag of verb.flags) {
    if (flag.required && args[flag.name] === undefined) throw new FaultInputError(`${verb.name}: --${flag.name} is required`);
  }
  return args;
}

/** Applies a verb given by name with flags given by name (the command line's and the control API's form); resolves with its log line. */
export function applyFault(faults: FaultInjector, name: string, given: Record<string, unknown>): Promise<string> {
  const verb = faultVerb(name);
  return verb.apply(faults, parseFaultArgs(verb, given));
}

/** The vocabulary's usage text, one verb per line with its flags. */
export function faultUsage(): string {
  return FAULT_VERBS.map((v) => {
    const flags = v.flags.map((f) => (f.required ? `--${f.name} ${f.type === 'uint' ? 'N' : f.name.toUpperCase()}` : `[--${f.name} ${f.type === 'uint' ? 'N' : f.name.toUpperCase()}]`));
    return `  ${[v.name, ...flags].join(' ')}\n      ${v.summary}`;
  }).join('\n');
}

function parseUint(verb: FaultVerb, flag: FaultFlag, value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new FaultInputError(`${verb.name}: --${flag.name} must be a non-negative integer, not '${String(value)}'`);
  return n;
}

function parseString(verb: FaultVerb, flag: FaultFlag, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new FaultInputError(`${verb.name}: --${flag.name} must be a non-empty string, not '${String(value)}'`);
  return value;
}
