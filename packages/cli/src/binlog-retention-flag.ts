/**
 * `--binlog-retention` of `vtsim up` and `vtsim tablet up`: how much of its binlog each tablet's
 * mysqld keeps (the simulator's `binlog_expire_logs_seconds`). The value is one or two limits
 * separated by a comma: a number of transactions (`100000`) and/or a size with a unit, B, KB, MB or
 * GB in powers of 1024 as MySQL's size options read them (`64MB`); e.g. `100000,64MB`. A value
 * replaces the default window (DEFAULT_BINLOG_RETENTION) whole: a limit it leaves out does not
 * apply. Dashes and underscores are interchangeable.
 */
import type { BinlogRetention } from '@vtsim/binlog';

/** The parseArgs options of the flag. */
export const binlogRetentionOptions = {
  'binlog-retention': { type: 'string' },
  binlog_retention: { type: 'string' },
} as const;

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** Parses the flag's text. Throws Error naming the flag on anything but one or two positive limits of different kinds. */
export function parseBinlogRetention(text: string): BinlogRetention {
  const bad = (why: string): Error => new Error(`invalid argument "${text}" for "--binlog-retention" flag: ${why}`);
  const retention: BinlogRetention = {};
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > 2) throw bad('at most a transaction count and a size');
  for (const part of parts) {
    const m = /^(\d+)\s*([a-z]*)$/i.exec(part);
    const unit = m?.[2]?.toUpperCase() ?? '';
    if (!m || (unit !== '' && UNITS[unit] === undefined)) throw bad(`"${part}" is neither a transaction count nor a size in B, KB, MB or GB`);
    const n = Number(m[1]) * (unit === '' ? 1 : UNITS[unit]!);
    if (!Number.isSafeInteger(n) || n <= 0) throw bad(`"${part}" must be a positive number`);
    const key = unit === '' ? 'maxTransactions' : 'maxBytes';
    if (retention[key] !== undefined) throw bad(`two ${unit === '' ? 'transaction counts' : 'sizes'}`);
    retention[key] = n;
  }
  return retention;
}

/** The retention the parsed flags ask for, or undefined when the flag is absent. */
export function binlogRetentionFrom(values: Record<string, unknown>): BinlogRetention | undefined {
  const text = (values['binlog-retention'] ?? values.binlog_retention) as string | undefined;
  return text === undefined ? undefined : parseBinlogRetention(text);
}

/** Whether a value received over the control API is a retention with positive integer limits. */
export function isBinlogRetention(value: unknown): value is BinlogRetention {
  if (typeof value !== 'object' || value === null) return false;
  const { maxTransactions, maxBytes, ...rest } = value as Record<string, unknown>;
  const limit = (n: unknown): boolean => n === undefined || (Number.isSafeInteger(n) && (n as number) > 0);
  return Object.keys(rest).length === 0 && limit(maxTransactions) && limit(maxBytes);
}
