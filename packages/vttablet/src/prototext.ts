/**
 * A small reader and writer for protobuf's text format ("prototext"), enough for the messages
 * VReplication stores as text in its sidecar tables (BinlogSource, the copy state's last PKs) and the
 * resharding journal the vstreamer reads back.
 * The reader turns text into a generic tree of named values; typed decoders walk that tree.
 */
import { Code, VtError } from '@vtsim/proto';

/** One field value of a prototext message: a quoted string (raw bytes), a bare token, or a nested message. */
export type TextValue =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'token'; readonly text: string }
  | { readonly kind: 'message'; readonly fields: TextField[] };

/** One `name: value` field of a prototext message; a repeated field appears once per value. */
export interface TextField {
  readonly name: string;
  readonly value: TextValue;
}

/**
 * Parses prototext into its fields. Accepts what protobuf's text parsers accept: `:` optional
 * before a message, `{}` or `<>` around messages, `[a, b]` lists, `,`/`;` separators, `#`
 * comments, adjacent string literals, C escapes. Throws VtError INVALID_ARGUMENT (prefixed with
 * `what`) naming the problem and its offset.
 */
export function parsePrototext(text: string, what: string): TextField[] {
  return new Reader(text, what).fields('');
}

/** Returns a string value as UTF-8 text; throws VtError INVALID_ARGUMENT if the value is not a quoted string. */
export function textString(field: TextField, what: string): string {
  if (field.value.kind !== 'bytes') throw badValue(field, what, 'a string');
  return Buffer.from(field.value.bytes).toString('utf8');
}

/** Returns a bytes value; throws VtError INVALID_ARGUMENT if the value is not a quoted string. */
export function textBytes(field: TextField, what: string): Uint8Array {
  if (field.value.kind !== 'bytes') throw badValue(field, what, 'a string');
  return field.value.bytes;
}

/** Returns a nested message's fields; throws VtError INVALID_ARGUMENT if the value is not a message. */
export function textMessage(field: TextField, what: string): TextField[] {
  if (field.value.kind !== 'message') throw badValue(field, what, 'a message');
  return field.value.fields;
}

/** Returns an integer value (decimal or hex) as a number; throws VtError INVALID_ARGUMENT otherwise. */
export function textInteger(field: TextField, what: string): number {
  if (field.value.kind !== 'token' || !/^-?(0x[0-9a-fA-F]+|\d+)$/.test(field.value.text)) throw badValue(field, what, 'an integer');
  const t = field.value.text;
  return t.startsWith('-') ? -Number(t.slice(1)) : Number(t);
}

/** Returns an int64 value (decimal or hex) exactly, as canonical decimal text; throws VtError INVALID_ARGUMENT otherwise. */
export function textInt64(field: TextField, what: string): string {
  const m = field.value.kind === 'token' ? /^(-?)(0x[0-9a-fA-F]+|\d+)$/.exec(field.value.text) : null;
  if (!m) throw badValue(field, what, 'an integer');
  const n = BigInt(m[2]!);
  return (m[1] ? -n : n).toString();
}

/** Returns a bool value (`true`/`false`/`t`/`f`/`1`/`0`); throws VtError INVALID_ARGUMENT otherwise. */
export function textBool(field: TextField, what: string): boolean {
  const t = field.value.kind === 'token' ? field.value.text : '';
  if (t === 'true' || t === 't' || t === 'True' || t === '1') return true;
  if (t === 'false' || t === 'f' || t === 'False' || t === '0') return false;
  throw badValue(field, what, 'a bool');
}

/**
 * Returns an enum value given by name or number; `names` maps each accepted name to its number.
 * Throws VtError INVALID_ARGUMENT for an unknown name or a number not among `names`' values.
 */
export function textEnum(field: TextField, what: string, enumName: string, names: Readonly<Record<string, number>>): number {
  if (field.value.kind === 'token') {
    const t = field.value.text;
    if (/^-?\d+$/.test(t)) {
      const n = Number(t);
      if (Object.values(names).includes(n)) return n;
    } else if (Object.hasOwn(names, t)) return names[t]!;
    throw new VtError(Code.INVALID_ARGUMENT, `${what}: invalid value ${t} for enum ${enumName}`);
  }
  throw badValue(field, what, `an enum ${enumName}`);
}

/** Quotes UTF-8 text as a prototext string literal (quotes, backslashes and control characters escaped). */
export function quoteString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += s[i];
  }
  return out + '"';
}

/** Quotes raw bytes as a prototext string literal: printable ASCII as is, every other byte as `\xNN`. */
export function quoteBytes(b: Uint8Array): string {
  let out = '"';
  for (const c of b) {
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(c);
  }
  return out + '"';
}

function badValue(field: TextField, what: string, expected: string): VtError {
  return new VtError(Code.INVALID_ARGUMENT, `${what}: field ${field.name}: expected ${expected}`);
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63,
};

/** A cursor over prototext text. */
class Reader {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly what: string,
  ) {}

  /** Reads fields until `close` ('' = end of text). */
  fields(close: string): TextField[] {
    const out: TextField[] = [];
    for (;;) {
      this.skip();
      if (close === '' ? this.i >= this.text.length : this.text[this.i] === close) {
        if (close !== '') this.i++;
        return out;
      }
      if (this.i >= this.text.length) this.fail(`expected '${close}'`);
      const name = this.identifier();
      this.skip();
      const colon = this.text[this.i] === ':';
      if (colon) this.i++;
      this.skip();
      if (this.text[this.i] === '[') {
        this.i++;
        this.skip();
        if (this.text[this.i] === ']') this.i++;
        else
          for (;;) {
            out.push({ name, value: this.value(colon) });
            this.skip();
            const c = this.text[this.i++];
            if (c === ']') break;
            if (c !== ',') this.fail("expected ',' or ']'");
            this.skip();
          }
      } else out.push({ name, value: this.value(colon) });
      this.skip();
      if (this.text[this.i] === ',' || this.text[this.i] === ';') this.i++;
    }
  }

  private value(colon: boolean): TextValue {
    const c = this.text[this.i];
    if (c === '{' || c === '<') {
      this.i++;
      return { kind: 'message', fields: this.fields(c === '{' ? '}' : '>') };
    }
    if (!colon) this.fail("expected ':'");
    if (c === '"' || c === "'") {
      const bytes: number[] = [];
      while (this.text[this.i] === '"' || this.text[this.i] === "'") {
        this.quoted(bytes);
        this.skip();
      }
      return { kind: 'bytes', bytes: Uint8Array.from(bytes) };
    }
    const m = /^[-+]?[A-Za-z0-9_.]+/.exec(this.text.slice(this.i, this.i + 128));
    if (!m) this.fail('expected a value');
    this.i += m[0].length;
    return { kind: 'token', text: m[0] };
  }

  private identifier(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.i, this.i + 256));
    if (!m) this.fail('expected a field name');
    this.i += m[0].length;
    return m[0];
  }

  private quoted(out: number[]): void {
    const q = this.text[this.i++]!;
    for (;;) {
      if (this.i >= this.text.length) this.fail('unterminated string');
      const c = this.text[this.i++]!;
      if (c === q) return;
      if (c === '\n') this.fail('newline in string');
      if (c !== '\\') {
        const code = c.charCodeAt(0);
        if (code < 0x80) out.push(code);
        else {
          const cp = this.text.codePointAt(this.i - 1)!;
          if (cp > 0xffff) this.i++;
          for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out.push(b);
        }
        continue;
      }
      const e = this.text[this.i++] ?? '';
      if (e in SIMPLE_ESCAPES) out.push(SIMPLE_ESCAPES[e]!);
      else if (/[0-7]/.test(e)) {
        let digits = e;
        while (digits.length < 3 && /[0-7]/.test(this.text[this.i] ?? '')) digits += this.text[this.i++];
        out.push(parseInt(digits, 8) & 0xff);
      } else if (e === 'x') {
        const m = /^[0-9a-fA-F]{1,2}/.exec(this.text.slice(this.i, this.i + 2));
        if (!m) this.fail('bad \\x escape');
        this.i += m[0].length;
        out.push(parseInt(m[0], 16));
      } else if (e === 'u' || e === 'U') {
        const n = e === 'u' ? 4 : 8;
        const hex = this.text.slice(this.i, this.i + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) this.fail(`bad \\${e} escape`);
        this.i += n;
        for (const b of Buffer.from(String.fromCodePoint(parseInt(hex, 16)), 'utf8')) out.push(b);
      } else this.fail(`unknown escape \\${e}`);
    }
  }

  /** Skips whitespace and `#` comments. */
  private skip(): void {
    for (;;) {
      const c = this.text[this.i];
      if (c === ' ' || c === '\n' || c === '\t' || c === '\r') this.i++;
      else if (c === '#') {
        while (this.i < this.text.length && this.text[this.i] !== '\n') this.i++;
      } else return;
    }
  }

  private fail(message: string): never {
    throw new VtError(Code.INVALID_ARGUMENT, `${this.what}: cannot parse text at offset ${this.i}: ${message}`);
  }
}
