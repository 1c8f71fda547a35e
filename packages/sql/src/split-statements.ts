/**
 * Splits SQL text holding several statements (`a; b;`) into the statements, the way a MySQL
 * server splits a multi-statement COM_QUERY: on semicolons outside string literals, quoted
 * identifiers and comments. Each statement is returned trimmed, without its semicolon; empty
 * statements (and comment-only ones) are dropped.
 */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let meaningful = false;
  const n = text.length;
  let i = 0;
  const flush = (end: number) => {
    if (meaningful) out.push(text.slice(start, end).trim());
    start = end + 1;
    meaningful = false;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x27 /* ' */ || c === 0x22 /* " */ || c === 0x60 /* ` */) {
      meaningful = true;
      i = skipQuoted(text, i, c);
    } else if (c === 0x2d /* - */ && text.charCodeAt(i + 1) === 0x2d && isSpaceOrEnd(text, i + 2)) {
      i = skipLine(text, i);
    } else if (c === 0x23 /* # */) {
      i = skipLine(text, i);
    } else if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2a /* * */) {
      // Executable comments (/*! … */) carry SQL; plain ones don't.
      if (text.charCodeAt(i + 2) === 0x21) meaningful = true;
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === 0x3b /* ; */) {
      flush(i);
      i++;
    } else {
      if (c > 0x20) meaningful = true;
      i++;
    }
  }
  flush(n);
  return out;
}

function skipQuoted(text: string, i: number, quote: number): number {
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 0x5c /* \ */ && quote !== 0x60) {
      j += 2;
    } else if (c === quote) {
      if (text.charCodeAt(j + 1) === quote) j += 2;
      else return j + 1;
    } else {
      j++;
    }
  }
  return n;
}

function skipLine(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return end < 0 ? text.length : end + 1;
}

function isSpaceOrEnd(text: string, i: number): boolean {
  if (i >= text.length) return true;
  const c = text.charCodeAt(i);
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
