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
 * Compiles a MySQL (ICU) regular expression for REGEXP/RLIKE/REGEXP_LIKE: case-insensitive unless
 * `binary`; POSIX classes (`[[:alpha:]]`) and word boundaries (`[[:<:]]`) are translated.
 * Throws SqlError 3692 for a pattern JavaScript cannot compile.
 */
export function regexpMatcher(pattern: string, binary: boolean): Matcher {
  const source = pattern
    .replace(/\[\[:<:\]\]|\[\[:>:\]\]/g, '\\b')
    .replace(/\[:(\w+):\]/g, (m, name: string) => POSIX_CLASSES[name] ?? m);
  let re: RegExp;
  try {
    re = new RegExp(source, binary ? 'u' : 'iu');
  } catch {
    try {
      re = new RegExp(source, binary ? '' : 'i');
    } catch (e) {
      throw sqlError([3692, 'HY000'], `Incorrect regular expression: ${(e as Error).message}`);
    }
  }
  return (s) => re.test(s);
}
