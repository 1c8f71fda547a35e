/** SQL text for values vtctld writes into tablets' sidecar tables. */

/** Quotes `s` as a MySQL string literal: backslashes, quotes, NUL and line breaks escaped. */
export function sqlString(s: string): string {
  let out = "'";
  for (const ch of s) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case "'":
        out += "\\'";
        break;
      case '\0':
        out += '\\0';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      default:
        out += ch;
    }
  }
  return `${out}'`;
}

/** Quotes an identifier with backticks. */
export function sqlIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}
