/**
 * MySQL 8's JSON modification and search functions over parsed documents: JSON_SET / JSON_INSERT /
 * JSON_REPLACE, JSON_REMOVE, JSON_ARRAY_APPEND / JSON_ARRAY_INSERT, JSON_MERGE_PRESERVE, JSON_CONTAINS and
 * JSON_SEARCH (MySQL's sql/item_json_func.cc semantics).
 */
import { sqlError } from '@vtsim/proto';
import { evalJsonPath, quoteJsonString, sortedKeys, type JsonObject, type JsonPath, type JsonValue } from './json.js';
import type { Matcher } from './like.js';

/** Which of JSON_SET (replace or add), JSON_INSERT (add only) and JSON_REPLACE (replace only). */
export type JsonModifyMode = 'set' | 'insert' | 'replace';

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

function noWildcards(path: JsonPath): void {
  if (path.multi) throw sqlError([3149, '42000'], 'In this situation, path expressions may not contain the * and ** tokens.');
}

/**
 * Writes `value` at `path` of `doc` as JSON_SET/INSERT/REPLACE do and returns the new document (the
 * given one, changed in place, or `value` for `$`). A missing object member is added (set, insert); an
 * array index past the end appends (set, insert); an index on a non-array wraps it in an array first;
 * a path through a missing parent does nothing. Throws SqlError 3149 for a wildcard path.
 */
export function jsonModify(doc: JsonValue, path: JsonPath, value: JsonValue, mode: JsonModifyMode): JsonValue {
  noWildcards(path);
  const legs = path.legs;
  if (legs.length === 0) return mode === 'insert' ? doc : value;
  const parent = evalJsonPath(doc, { legs: legs.slice(0, -1), multi: false })[0];
  if (parent === undefined) return doc;
  const leg = legs[legs.length - 1]!;
  if ('key' in leg) {
    if (!isObject(parent)) return doc;
    const exists = leg.key in parent;
    if ((exists && mode !== 'insert') || (!exists && mode !== 'replace')) parent[leg.key] = value;
    return doc;
  }
  if (!('index' in leg)) return doc;
  if (Array.isArray(parent)) {
    const idx = leg.index === 'last' ? parent.length - 1 : leg.index;
    if (idx < parent.length) {
      if (mode !== 'insert') parent[idx] = value;
    } else if (mode !== 'replace') parent.push(value);
    return doc;
  }
  // A scalar or object as an array of one: [0]/[last] is the value itself, a later index appends.
  const idx = leg.index === 'last' ? 0 : leg.index;
  let replacement: JsonValue;
  if (idx === 0) {
    if (mode === 'insert') return doc;
    replacement = value;
  } else {
    if (mode === 'replace') return doc;
    replacement = [parent, value];
  }
  return replaceValue(doc, legs.slice(0, -1), replacement);
}

/** Replaces the value at the (existing, wildcard-free) path legs; returns the new document. */
function replaceValue(doc: JsonValue, legs: JsonPath['legs'], replacement: JsonValue): JsonValue {
  if (legs.length === 0) return replacement;
  const holder = evalJsonPath(doc, { legs: legs.slice(0, -1), multi: false })[0]!;
  const leg = legs[legs.length - 1]!;
  if ('key' in leg && isObject(holder)) holder[leg.key] = replacement;
  else if ('index' in leg && Array.isArray(holder)) holder[leg.index === 'last' ? holder.length - 1 : leg.index] = replacement;
  else if ('index' in leg) return replaceValue(doc, legs.slice(0, -1), replacement);
  return doc;
}

/**
 * Removes the value at `path` from `doc` (JSON_REMOVE), changing it in place; a missing path changes
 * nothing. Throws SqlError 3153 for `$` and 3149 for a wildcard path.
 */
export function jsonRemove(doc: JsonValue, path: JsonPath): JsonValue {
  noWildcards(path);
  const legs = path.legs;
  if (legs.length === 0) throw sqlError([3153, '42000'], "The path expression '$' is not allowed in this context.");
  const parent = evalJsonPath(doc, { legs: legs.slice(0, -1), multi: false })[0];
  const leg = legs[legs.length - 1]!;
  if ('key' in leg && isObject(parent)) delete parent[leg.key];
  else if ('index' in leg && Array.isArray(parent)) {
    const idx = leg.index === 'last' ? parent.length - 1 : leg.index;
    if (idx < parent.length) parent.splice(idx, 1);
  }
  return doc;
}

/**
 * JSON_ARRAY_APPEND for one path: appends `value` to the array at `path`, or turns a non-array there into
 * `[it, value]`; a missing path changes nothing. Throws SqlError 3149 for a wildcard path.
 */
export function jsonArrayAppend(doc: JsonValue, path: JsonPath, value: JsonValue): JsonValue {
  noWildcards(path);
  const target = evalJsonPath(doc, path)[0];
  if (target === undefined) return doc;
  if (Array.isArray(target)) {
    target.push(value);
    return doc;
  }
  return replaceValue(doc, path.legs, [target, value]);
}

/**
 * JSON_ARRAY_INSERT for one path ending in an array cell: inserts `value` at that index of the array
 * (appending past its end); a missing parent or one that is not an array changes nothing. Throws
 * SqlError 3149 for a wildcard path and 3165 for a path not ending in `[N]`.
 */
export function jsonArrayInsert(doc: JsonValue, path: JsonPath, value: JsonValue): JsonValue {
  noWildcards(path);
  const leg = path.legs[path.legs.length - 1];
  if (!leg || !('index' in leg)) throw sqlError([3165, '42000'], 'A path expression is not a path to a cell in an array.');
  const parent = evalJsonPath(doc, { legs: path.legs.slice(0, -1), multi: false })[0];
  if (!Array.isArray(parent)) return doc;
  const idx = leg.index === 'last' ? Math.max(0, parent.length - 1) : leg.index;
  parent.splice(Math.min(idx, parent.length), 0, value);
  return doc;
}

/**
 * JSON_MERGE_PRESERVE of two documents: objects merge member by member (a key in both merges its two
 * values the same way); otherwise both sides, a non-array wrapped as an array of one, are concatenated.
 */
export function jsonMergePreserve(a: JsonValue, b: JsonValue): JsonValue {
  if (isObject(a) && isObject(b)) {
    for (const k of Object.keys(b)) a[k] = k in a ? jsonMergePreserve(a[k]!, b[k]!) : b[k]!;
    return a;
  }
  return [...(Array.isArray(a) ? a : [a]), ...(Array.isArray(b) ? b : [b])];
}

function scalarEquals(a: JsonValue, b: JsonValue): boolean {
  const numeric = (v: JsonValue) => typeof v === 'bigint' || typeof v === 'number';
  if (numeric(a) && numeric(b)) return Number(a) === Number(b) && (typeof a !== 'bigint' || typeof b !== 'bigint' || a === b);
  return a === b;
}

/**
 * JSON_CONTAINS's rule: a scalar contains an equal scalar; an array contains an array whose every element
 * it contains, and any value one of its elements contains; an object contains an object whose every
 * member it has with a value containing the candidate's.
 */
export function jsonContains(target: JsonValue, candidate: JsonValue): boolean {
  if (Array.isArray(target)) {
    if (Array.isArray(candidate)) return candidate.every((c) => target.some((t) => jsonContains(t, c)));
    return target.some((t) => jsonContains(t, candidate));
  }
  if (isObject(target)) {
    if (!isObject(candidate)) return false;
    return Object.keys(candidate).every((k) => k in target && jsonContains(target[k]!, candidate[k]!));
  }
  if (Array.isArray(candidate) || isObject(candidate)) return false;
  return scalarEquals(target, candidate);
}

/** A path leg in MySQL's output form: `.key` (quoted when not an identifier) or `[n]`. */
function keyLeg(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? '.' + key : '.' + quoteJsonString(key);
}

type Step = { key: string } | { index: number; length: number };

/** Whether a search path's legs select the start of `steps` (wildcards match any member or cell). */
function selectsPrefix(path: JsonPath, steps: Step[]): boolean {
  if (path.legs.length > steps.length) return false;
  return path.legs.every((leg, i) => {
    const step = steps[i]!;
    if ('key' in leg) return 'key' in step && step.key === leg.key;
    if ('index' in leg) return 'index' in step && step.index === (leg.index === 'last' ? step.length - 1 : leg.index);
    return leg.wildcard === 'member' ? 'key' in step : 'index' in step;
  });
}

/**
 * JSON_SEARCH: the paths (MySQL's text form, `$.a[1]`) of the string values matching `match`, in
 * document order (object members in MySQL's key order), under one of `paths` when any are given;
 * `one` stops at the first.
 */
export function jsonSearch(doc: JsonValue, paths: JsonPath[], match: Matcher, one: boolean): string[] {
  const found: string[] = [];
  const steps: Step[] = [];
  const walk = (v: JsonValue, at: string): boolean => {
    if (typeof v === 'string') {
      if (match(v) && (paths.length === 0 || paths.some((p) => selectsPrefix(p, steps)))) {
        found.push(at);
        if (one) return true;
      }
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        steps.push({ index: i, length: v.length });
        const done = walk(v[i]!, `${at}[${i}]`);
        steps.pop();
        if (done) return true;
      }
    } else if (isObject(v)) {
      for (const k of sortedKeys(v)) {
        steps.push({ key: k });
        const done = walk(v[k]!, at + keyLeg(k));
        steps.pop();
        if (done) return true;
      }
    }
    return false;
  };
  walk(doc, '$');
  return found;
}
