/** Vitess's flag values after a space (`--shard -80`) for the commands parsed with node's parseArgs. */

/**
 * Joins a string option and a value that starts with a dash (`--shard -80`) into `--shard=-80`,
 * which node's parseArgs would otherwise refuse as ambiguous. Shard names like `-80` are common.
 * Also reads Go's `--flag=true` / `--flag=false` for boolean options, as Vitess's flags take them.
 */
export function attachDashValues(argv: readonly string[], options: Record<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const bool = /^--([^=]+)=(true|false|t|f|1|0)$/i.exec(arg);
    if (bool && options[bool[1]!]?.type === 'boolean') {
      if (/^(true|t|1)$/i.test(bool[2]!)) out.push(`--${bool[1]}`);
      continue;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const next = argv[i + 1];
    const opt = name !== undefined && !name.includes('=') ? options[name] : undefined;
    if (opt?.type === 'string' && next !== undefined && next.startsWith('-') && next !== '-') {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
