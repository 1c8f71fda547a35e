/** LIKE and REGEXP matching under utf8mb4_0900_ai_ci (case- and accent-insensitive) or binary. */
import { sqlError } from '@vtsim/proto';
import { textKey } from './collation.js';

/** Tests a subject string against a compiled pattern. */
export type Matcher = (subject: string) => boolean;

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

/**
 * Compiles a LIKE pattern (`%` any run, `_` one character, `escape` quoting the next character).
 * Unless `binary`, matching folds case and accents of both pattern and subject.
 */
export function likeMatcher(pattern: string, escape: string, binary: boolean): Matcher {
  const fold = binary ? (s: string) => s : textKey;
  const p = fold(pattern);
  const esc = escape === '' ? '' : fold(escape);
  let literalPrefix = '';
  let source = '^';
  let onlyPrefix = true;
  const chars = [...p];
  for (let i = 0; i < chars.length; i++) {
    let c = chars[i]!;
    if (c === esc && i + 1 < chars.length) {
      c = chars[++i]!;
      source += REGEX_SPECIAL.test(c) ? '\\' + c : c;
      if (onlyPrefix) literalPrefix += c;
      continue;
    }
    if (c === '%') {
      source += '.*';
      if (onlyPrefix && i === chars.length - 1) return (s) => fold(s).startsWith(literalPrefix);
      onlyPrefix = false;
    } else if (c === '_') {
      source += '.';
      onlyPrefix = false;
    } else {
      source += REGEX_SPECIAL.test(c) ? '\\' + c : c;
      if (onlyPrefix) literalPrefix += c;
    }
  }
  if (onlyPrefix) return (s) => fold(s) === literalPrefix;
  const re = new RegExp(source + '$', 'su');
  return (s) => re.test(fold(s));
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: '\\p{L}', digit: '\\d', alnum: '\\p{L}\\p{N}', space: '\\s', upper: '\\p{Lu}', lower: '\\p{Ll}',
  punct: '\\p{P}', xdigit: '0-9A-Fa-f', blank: ' \\t', cntrl: '\\p{Cc}', print: '\\P{Cc}', graph: '\\p{L}\\p{N}\\p{P}\\p{S}',
};

/**
 * Compiles a MySQL (ICU) regular expression as a JavaScript RegExp: case-insensitive unless `binary`
 * or match_type `c`; match_type `i` (insensitive), `m` (multi-line), `n` (`.` matches line ends) and
 * `u` (Unix line ends: accepted, JavaScript's are close) as in REGEXP_LIKE; `global` for REPLACE/INSTR
 * scans. POSIX classes (`[[:alpha:]]`) and word boundaries (`[[:<:]]`) are translated. Gaps against
 * ICU: possessive quantifiers are refused (3692); `\Q…\E` quoting and ICU-only inline flags are not read.
 * Throws SqlError 3692 for a pattern JavaScript cannot compile, 3695 for a bad match_type.
 */
export function mysqlRegExp(pattern: string, binary: boolean, matchType = '', global = false): RegExp {
  let insensitive = !binary;
  let flags = global ? 'g' : '';
  for (const m of matchType) {
    if (m === 'c') insensitive = false;
    else if (m === 'i') insensitive = true;
    else if (m === 'm') flags += flags.includes('m') ? '' : 'm';
    else if (m === 'n') flags += flags.includes('s') ? '' : 's';
    else if (m !== 'u') throw sqlError([3695, 'HY000'], 'The regular expression contains an unknown match_type argument.');
  }
  if (insensitive) flags += 'i';
  const source = pattern
    .replace(/\[\[:<:\]\]|\[\[:>:\]\]/g, '\\b')
    .replace(/\[:(\w+):\]/g, (m, name: string) => POSIX_CLASSES[name] ?? m);
  try {
    return new RegExp(source, flags + 'u');
  } catch {
    try {
      return new RegExp(source, flags);
    } catch (e) {
      throw sqlError([3692, 'HY000'], `Incorrect regular expression: ${(e as Error).message}`);
    }
  }
}

/** Compiles a MySQL (ICU) regular expression for REGEXP/RLIKE: see {@link mysqlRegExp}. */
export function regexpMatcher(pattern: string, binary: boolean): Matcher {
  const re = mysqlRegExp(pattern, binary);
  return (s) => re.test(s);
}
