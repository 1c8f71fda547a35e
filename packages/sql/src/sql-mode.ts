/**
 * MySQL 8's `sql_mode`: the mode names, their canonical order (the bit order MySQL prints them in),
 * the combination modes ANSI and TRADITIONAL, and the checks a SET performs. Shared by the tablets'
 * mysqld (which honours the modes) and vtgate (which validates what a session sets).
 */
import { SqlError, type SqlValue } from '@vtsim/proto';

/** MySQL 8.0's mode names by bit position; `null` marks bits no longer in use. */
const MODE_BITS: readonly (string | null)[] = [
  'REAL_AS_FLOAT', 'PIPES_AS_CONCAT', 'ANSI_QUOTES', 'IGNORE_SPACE', null, 'ONLY_FULL_GROUP_BY',
  'NO_UNSIGNED_SUBTRACTION', 'NO_DIR_IN_CREATE', null, null, null, null, null, null, null, null, null, null,
  'ANSI', 'NO_AUTO_VALUE_ON_ZERO', 'NO_BACKSLASH_ESCAPES', 'STRICT_TRANS_TABLES', 'STRICT_ALL_TABLES',
  'NO_ZERO_IN_DATE', 'NO_ZERO_DATE', 'ALLOW_INVALID_DATES', 'ERROR_FOR_DIVISION_BY_ZERO', 'TRADITIONAL', null,
  'HIGH_NOT_PRECEDENCE', 'NO_ENGINE_SUBSTITUTION', 'PAD_CHAR_TO_FULL_LENGTH', 'TIME_TRUNCATE_FRACTIONAL',
];

/** What the combination modes turn on besides their own bit. */
const COMBINATIONS: Record<string, readonly string[]> = {
  ANSI: ['REAL_AS_FLOAT', 'PIPES_AS_CONCAT', 'ANSI_QUOTES', 'IGNORE_SPACE', 'ONLY_FULL_GROUP_BY'],
  TRADITIONAL: ['STRICT_TRANS_TABLES', 'STRICT_ALL_TABLES', 'NO_ZERO_IN_DATE', 'NO_ZERO_DATE', 'ERROR_FOR_DIVISION_BY_ZERO', 'NO_ENGINE_SUBSTITUTION'],
};

const BIT_OF = new Map(MODE_BITS.flatMap((name, bit) => (name ? [[name, bit] as const] : [])));

/** The modes that govern how a statement treats values, decoded once per mode text. */
export interface SqlMode {
  /** The canonical text (`@@sql_mode`). */
  readonly text: string;
  /** STRICT_TRANS_TABLES or STRICT_ALL_TABLES (every table is transactional here). */
  readonly strict: boolean;
  readonly noZeroDate: boolean;
  readonly noZeroInDate: boolean;
  readonly allowInvalidDates: boolean;
  readonly onlyFullGroupBy: boolean;
  readonly errorForDivisionByZero: boolean;
  readonly padCharToFullLength: boolean;
}

function wrongValue(value: string): SqlError {
  return new SqlError(1231, '42000', `Variable 'sql_mode' can't be set to the value of '${value}'`);
}

/**
 * Normalizes a value given to `SET sql_mode`: a comma-separated list of mode names in any case and
 * order (empty entries ignored) or a bit mask; combination modes add what they stand for. Returns
 * the canonical text MySQL 8 stores. Throws SqlError 1231 (42000) `Variable 'sql_mode' can't be
 * set to the value of 'x'` for an unknown or removed mode (e.g. NO_AUTO_CREATE_USER) or NULL.
 */
export function normalizeSqlMode(value: SqlValue): string {
  if (value === null) throw wrongValue('NULL');
  let bits = 0n;
  if (typeof value === 'bigint' || typeof value === 'number') {
    const n = BigInt(value);
    for (let b = 0; b < MODE_BITS.length; b++) if ((n >> BigInt(b)) & 1n && !MODE_BITS[b]) throw wrongValue(String(value));
    if (n < 0n || n >> BigInt(MODE_BITS.length) !== 0n) throw wrongValue(String(value));
    bits = n;
  } else {
    const text = typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
    for (const raw of text.split(',')) {
      const name = raw.trim().toUpperCase();
      if (name === '') continue;
      const bit = BIT_OF.get(name);
      if (bit === undefined) throw wrongValue(raw.trim());
      bits |= 1n << BigInt(bit);
    }
  }
  for (const [combo, parts] of Object.entries(COMBINATIONS)) {
    if ((bits >> BigInt(BIT_OF.get(combo)!)) & 1n) for (const p of parts) bits |= 1n << BigInt(BIT_OF.get(p)!);
  }
  return MODE_BITS.filter((name, bit) => name && (bits >> BigInt(bit)) & 1n).join(',');
}

const decoded = new Map<string, SqlMode>();

/** The decoded form of a canonical mode text (cached; the text must come from normalizeSqlMode). */
export function sqlModeOf(text: string): SqlMode {
  let mode = decoded.get(text);
  if (mode === undefined) {
    const on = new Set(text.split(','));
    mode = {
      text,
      strict: on.has('STRICT_TRANS_TABLES') || on.has('STRICT_ALL_TABLES'),
      noZeroDate: on.has('NO_ZERO_DATE'),
      noZeroInDate: on.has('NO_ZERO_IN_DATE'),
      allowInvalidDates: on.has('ALLOW_INVALID_DATES'),
      onlyFullGroupBy: on.has('ONLY_FULL_GROUP_BY'),
      errorForDivisionByZero: on.has('ERROR_FOR_DIVISION_BY_ZERO'),
      padCharToFullLength: on.has('PAD_CHAR_TO_FULL_LENGTH'),
    };
    decoded.set(text, mode);
  }
  return mode;
}
