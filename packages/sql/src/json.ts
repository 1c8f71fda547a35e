/**
 * JSON documents as MySQL 8 handles them: parsing (integers kept exact), MySQL's normalized text
 * (`{"a": 1, "b": [1, 2]}`, object keys ordered by length then bytes), and JSON path evaluation.
 */
import { formatFloat, sqlError } from '@vtsim/proto';

/** A parsed JSON value: integers are bigint, other numbers are number, objects are null-prototype records. */
export type JsonValue = null | boolean | bigint | number | string | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Why a JSON text failed to parse, and where (0-based character position), as MySQL reports it. */
export class JsonSyntaxError extends Error {
  constructor(readonly reason: string, readonly position: number) {
    super(reason);
  }
}

/** Parses JSON text; throws {@link JsonSyntaxError} on bad input. Duplicate keys keep the last value. */
export function parseJson(text: string): JsonValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (reason: string): never => {
    throw new JsonSyntaxError(reason, i);
  };
  const value = (): JsonValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: JsonObject = Object.create(null);
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('Missing a name for object member.');
        const k = str();
        ws();
        if (text[i] !== ':') fail('Missing a colon after a name of object member.');
        i++;
        obj[k] = value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail('Missing a comma or \'}\' after an object member.');
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail('Missing a comma or \']\' after an array element.');
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('null', i)) return (i += 4), null;
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail(i >= text.length ? 'The document is empty.' : 'Invalid value.');
    i += m[0].length;
    if (m[2] === undefined && m[3] === undefined) return BigInt(m[0]);
    return Number(m[0]);
  };
  const str = (): string => {
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) fail('Missing a closing quotation mark in string.');
      const c = text[i++]!;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[i++];
      switch (e) {
        case '"': case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Incorrect hex digit after \\u escape in string.');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default: fail('Invalid escape character in string.');
      }
    }
  };
  const v = value();
  ws();
  if (i < text.length) fail('The document root must not be followed by other values.');
  return v;
}

/** Orders object keys as MySQL stores them: shorter keys first, then by UTF-8 bytes. */
function keyOrder(a: string, b: string): number {
  const la = Buffer.byteLength(a);
  const lb = Buffer.byteLength(b);
  if (la !== lb) return la - lb;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** An object's keys in MySQL's storage order (shorter first, then by bytes). */
export function sortedKeys(o: JsonObject): string[] {
  return Object.keys(o).sort(keyOrder);
}

/** Quotes a string as a JSON string literal. */
export function quoteJsonString(s: string): string {
  return JSON.stringify(s);
}

/** Renders a JSON value in MySQL's normalized text form. */
export function formatJson(v: JsonValue): string {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    const s = formatFloat(v);
    return /^-?\d+$/.test(s) ? s + '.0' : s;
  }
  if (typeof v === 'string') return quoteJsonString(v);
  if (Array.isArray(v)) return '[' + v.map(formatJson).join(', ') + ']';
  const keys = sortedKeys(v);
  return '{' + keys.map((k) => quoteJsonString(k) + ': ' + formatJson(v[k]!)).join(', ') + '}';
}

/** MySQL's JSON_TYPE name of a value. */
export function jsonType(v: JsonValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return 'BOOLEAN';
  if (typeof v === 'bigint') return 'INTEGER';
  if (typeof v === 'number') return 'DOUBLE';
  if (typeof v === 'string') return 'STRING';
  return Array.isArray(v) ? 'ARRAY' : 'OBJECT';
}

/** JSON_DEPTH: 1 for a scalar or an empty array/object, else one more than its deepest member. */
export function jsonDepth(v: JsonValue): number {
  if (v === null || typeof v !== 'object') return 1;
  let deepest = 0;
  for (const member of Array.isArray(v) ? v : Object.values(v)) deepest = Math.max(deepest, jsonDepth(member));
  return deepest + 1;
}

type PathLeg = { key: string } | { index: number | 'last' } | { wildcard: 'member' | 'cell' };

/** A compiled JSON path (`$.a."b c"[0][*].*`). */
export interface JsonPath {
  readonly legs: PathLeg[];
  /** True when the path can match more than one value (wildcards). */
  readonly multi: boolean;
}

/** Parses a JSON path expression; throws SqlError 3143 on a malformed path. */
export function parseJsonPath(path: string): JsonPath {
  const bad = () => sqlError([3143, '42000'], `Invalid JSON path expression. The error is around character position ${path.length}.`);
  let i = 0;
  const ws = () => {
    while (path[i] === ' ') i++;
  };
  ws();
  if (path[i] !== '$') throw bad();
  i++;
  const legs: PathLeg[] = [];
  let multi = false;
  for (;;) {
    ws();
    if (i >= path.length) break;
    if (path[i] === '.') {
      i++;
      ws();
      if (path[i] === '*') {
        legs.push({ wildcard: 'member' });
        multi = true;
        i++;
      } else if (path[i] === '"') {
        let j = i + 1;
        let key = '';
        while (j < path.length && path[j] !== '"') {
          if (path[j] === '\\') j++;
          key += path[j++];
        }
        if (j >= path.length) throw bad();
        legs.push({ key });
        i = j + 1;
      } else {
        const m = /^[A-Za-z_$][\w$]*/.exec(path.slice(i));
        if (!m) throw bad();
        legs.push({ key: m[0] });
        i += m[0].length;
      }
    } else if (path[i] === '[') {
      const m = /^\[\s*(\*|last|\d+)\s*\]/.exec(path.slice(i));
      if (!m) throw bad();
      if (m[1] === '*') {
        legs.push({ wildcard: 'cell' });
        multi = true;
      } else legs.push({ index: m[1] === 'last' ? 'last' : Number(m[1]) });
      i += m[0].length;
    } else throw bad();
  }
  return { legs, multi };
}

/** All values the path selects in `doc`, in document order. */
export function evalJsonPath(doc: JsonValue, path: JsonPath): JsonValue[] {
  let cur: JsonValue[] = [doc];
  for (const leg of path.legs) {
    const next: JsonValue[] = [];
    for (const v of cur) {
      if ('key' in leg) {
        if (v !== null && typeof v === 'object' && !Array.isArray(v) && leg.key in v) next.push(v[leg.key]!);
      } else if ('index' in leg) {
        // A scalar behaves as a one-element array for [0] and [last].
        const arr = Array.isArray(v) ? v : [v];
        const idx = leg.index === 'last' ? arr.length - 1 : leg.index;
        if (idx >= 0 && idx < arr.length) next.push(arr[idx]!);
      } else if (leg.wildcard === 'cell') {
        if (Array.isArray(v)) next.push(...v);
      } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        for (const k of sortedKeys(v)) next.push(v[k]!);
      }
    }
    cur = next;
  }
  return cur;
}
