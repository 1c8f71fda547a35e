/**
 * Command-line flags the way vtctldclient's (pflag) parser reads them: `--name value`,
 * `--name=value`, `-n value`, booleans without a value, underscores equal to dashes, flags
 * anywhere among the positional arguments, `--` ending the flags.
 */

/** The kinds of flag values. */
export type FlagType = 'string' | 'bool' | 'int' | 'duration' | 'stringArray' | 'stringSlice';

/** One flag's declaration. */
export interface FlagSpec {
  type: FlagType;
  short?: string;
}

/** Parsed values: strings, booleans, numbers (ints; durations in ms) and string lists. */
export type FlagValues = Record<string, string | boolean | number | string[] | undefined>;

/** The outcome of parsing: flag values by name and the positional arguments in order. */
export interface ParsedArgs {
  flags: FlagValues;
  positionals: string[];
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration (`30s`, `1m30s`, `500ms`, `0`) into milliseconds; throws on anything else. */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== text.length) throw new Error(`invalid duration "${text}"`);
  return total;
}

function convert(name: string, spec: FlagSpec, raw: string, previous: FlagValues[string]): FlagValues[string] {
  switch (spec.type) {
    case 'string':
      return raw;
    case 'bool':
      if (/^(true|1|t)$/i.test(raw)) return true;
      if (/^(false|0|f)$/i.test(raw)) return false;
      throw new Error(`invalid argument "${raw}" for "--${name}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`);
    case 'int': {
      if (!/^-?\d+$/.test(raw)) throw new Error(`invalid argument "${raw}" for "--${name}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`);
      return Number(raw);
    }
    case 'duration':
      try {
        return parseDuration(raw);
      } catch {
        throw new Error(`invalid argument "${raw}" for "--${name}" flag: time: invalid duration "${raw}"`);
      }
    case 'stringArray':
      return [...((previous as string[] | undefined) ?? []), raw];
    case 'stringSlice':
      return [...((previous as string[] | undefined) ?? []), ...raw.split(',').map((s) => s.trim()).filter((s) => s !== '')];
  }
}

/** Parses `args` against `specs`; throws `unknown flag: --x` or a value error on bad input. */
export function parseFlags(args: readonly string[], specs: Record<string, FlagSpec>): ParsedArgs {
  const flags: FlagValues = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short) byShort.set(spec.short, name);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = (eq < 0 ? arg.slice(2) : arg.slice(2, eq)).replace(/_/g, '-');
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      if (!specs[name]) throw new Error(`unknown flag: --${name}`);
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      const eq = arg.indexOf('=');
      const short = eq < 0 ? arg.slice(1) : arg.slice(1, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      name = byShort.get(short) ?? (specs[short.replace(/_/g, '-')] ? short.replace(/_/g, '-') : undefined);
      if (!name) throw new Error(`unknown shorthand flag: '${short}' in ${arg}`);
    } else {
      positionals.push(arg);
      continue;
    }
    const spec = specs[name]!;
    let raw = inline;
    if (raw === undefined) {
      if (spec.type === 'bool') raw = 'true';
      else if (i + 1 < args.length) raw = args[++i]!;
      else throw new Error(`flag needs an argument: --${name}`);
    }
    flags[name] = convert(name, spec, raw, flags[name]);
  }
  return { flags, positionals };
}
