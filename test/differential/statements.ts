/**
 * The differential suite's statement lists: one plain-SQL file per category under `categories/`,
 * one statement per line, with annotations in `-- @` comment lines that apply to the next statement:
 *
 * - `-- @mysql8 {json} why` — MariaDB differs from MySQL 8 here; the JSON gives MySQL 8's answer
 *   (any of `rows`, `columns`, `types`, `error`, `affected`), which replaces the reference's parts;
 *   `{keyspace}` in its column names and values stands for the keyspace's name. It also states where
 *   Vitess's answer is not MySQL's (a tablet's `vt_<keyspace>` database, vtgate's own SHOW columns).
 * - `-- @vitess sharded|both VTxxxxx <Vitess source reference> why` — Vitess refuses this statement
 *   (on the sharded keyspace, or on both): an error carrying that code counts as agreement. Where
 *   Vitess's error has no VT code, a quoted fragment of its message stands for it.
 *
 * Other `--` lines are comments. The reference is MariaDB with MySQL 8's default sql_mode.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** MySQL 8's answer where MariaDB's differs (each part present replaces the reference's). */
export interface Mysql8Answer {
  rows?: (string | null)[][];
  columns?: string[];
  types?: string[];
  error?: number;
  affected?: number;
  /** Why MariaDB's answer is not MySQL 8's (one line). */
  why: string;
}

/** A refusal Vitess also gives: where, which VT code, and the Vitess source that gives it. */
export interface VitessRefusal {
  scope: 'sharded' | 'both';
  /** The VT code, or a fragment of the message where Vitess's error has none. */
  code: string;
  reference: string;
}

/** One statement of a category, with its annotations. */
export interface Statement {
  category: string;
  /** 1-based line in the category file. */
  line: number;
  sql: string;
  mysql8?: Mysql8Answer;
  vitess?: VitessRefusal;
}

/** One category: its name (the file name without its number and `.sql`) and its statements in file order. */
export interface Category {
  name: string;
  statements: Statement[];
}

/** Directory of this suite's data files. */
export const DIFFERENTIAL_DIR: string = new URL('.', import.meta.url).pathname;

/** Parses one category file's text (see the module comment); throws on a malformed annotation. */
export function parseCategory(name: string, text: string): Category {
  const statements: Statement[] = [];
  let mysql8: Mysql8Answer | undefined;
  let vitess: VitessRefusal | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const where = `${name}:${i + 1}`;
    if (line === '') return;
    if (line.startsWith('-- @mysql8 ')) {
      const body = line.slice('-- @mysql8 '.length);
      const end = jsonEnd(body);
      const why = body.slice(end).trim();
      if (!why) throw new Error(`${where}: @mysql8 needs a one-line why after its JSON`);
      mysql8 = { ...(JSON.parse(body.slice(0, end)) as Omit<Mysql8Answer, 'why'>), why };
      return;
    }
    if (line.startsWith('-- @vitess ')) {
      const m = /^-- @vitess (sharded|both) (VT\d{5}|"[^"]+") (\S+)/.exec(line);
      if (!m) throw new Error(`${where}: @vitess needs "sharded|both VTxxxxx|\"message\" <source reference>"`);
      vitess = { scope: m[1] as VitessRefusal['scope'], code: m[2].replace(/^"|"$/g, ''), reference: m[3] };
      return;
    }
    if (line.startsWith('-- @')) throw new Error(`${where}: unknown annotation ${line}`);
    if (line.startsWith('--')) return;
    statements.push({ category: name, line: i + 1, sql: line.replace(/;\s*$/, ''), mysql8, vitess });
    mysql8 = undefined;
    vitess = undefined;
  });
  return { name, statements };
}

/** Where the JSON object that starts `text` ends (the index after its closing brace). */
function jsonEnd(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i + 1;
  }
  throw new Error(`unterminated JSON in annotation: ${text}`);
}

/** Every category under `categories/`, in file-name order. */
export function loadCategories(dir = join(DIFFERENTIAL_DIR, 'categories')): Category[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => parseCategory(f.replace(/^\d+-/, '').replace(/\.sql$/, ''), readFileSync(join(dir, f), 'utf8')));
}

/** The setup SQL (`setup.sql`): one statement per line, run on every target before the categories. */
export function loadSetup(dir = DIFFERENTIAL_DIR): string[] {
  return readFileSync(join(dir, 'setup.sql'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('--'))
    .map((l) => l.replace(/;\s*$/, ''));
}

/**
 * True when the statement's outermost query has ORDER BY (its rows are then compared in order):
 * an ORDER BY outside parentheses and string literals.
 */
export function isOrdered(sql: string): boolean {
  let depth = 0;
  let outer = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      const close = sql.indexOf(c, i + 1);
      i = close < 0 ? sql.length : close;
      outer += ' ';
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0) outer += c;
  }
  return /\border\s+by\b/i.test(outer);
}
