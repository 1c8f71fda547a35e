/**
 * A VStreamResponse as one short plain line a learner can read, as the tour prints it by default
 * (`--raw` prints Go's `%v` text form instead, vstream-text-format.ts): the shard it came from, then
 * what it carries, with BEGIN and COMMIT left implicit —
 * `customer/0  insert customer {customer_id: 6, email: rohit@planetscale.com}`,
 * `customer/-80  VGTID -80@629442b7…:1-75, 80-@6a60d315…:1-76`, and the response whose VGTID
 * swaps a keyspace's shards after a reshard as `customer  moved 0 → -80, 80- at the journal`.
 * Lines are at most {@link MAX_LINE} characters (cut with `…`); colours only when asked.
 */
import { styleText } from 'node:util';
import type { DecodedMessage } from '@vtsim/vtgate';

/** The longest line, in characters (colour codes not counted). */
export const MAX_LINE = 160;

/** Row changes of one run shown before `(+N more)`, at most. */
const ROWS_SHOWN = 3;

/**
 * Whether to colour what goes to `stream`: FORCE_COLOR (other than 0 or false) forces colours,
 * NO_COLOR (non-empty) turns them off, else only a colour terminal gets them.
 */
export function wantsColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && stream.hasColors();
}

/** What the formatter remembers between responses of one stream. */
export interface VStreamLineState {
  /** Column names of each table (`keyspace.table`), from its last FIELD event. */
  readonly columns: Map<string, string[]>;
  /** The shards each keyspace's last VGTID named. */
  readonly shards: Map<string, string[]>;
}

/** A fresh state, for a stream's first response. */
export function newVStreamLineState(): VStreamLineState {
  return { columns: new Map(), shards: new Map() };
}

type Style = 'source' | 'insert' | 'update' | 'delete' | 'ddl' | 'position' | 'moved' | 'plain';

const STYLES: Record<Style, Parameters<typeof styleText>[0] | undefined> = {
  source: 'cyan',
  insert: 'green',
  update: 'yellow',
  delete: 'red',
  ddl: 'magenta',
  position: 'dim',
  moved: ['bold', 'yellow'],
  plain: undefined,
};

interface Part {
  text: string;
  style: Style;
}

/**
 * One response (decoded with enums by name) as one line of at most `width` characters, updating
 * `state`; `color` adds ANSI colours. An event it does not describe shows as its type, a response
 * with nothing to show (no events, or BEGIN and COMMIT only) as `(empty)`.
 */
export function formatVStreamResponseLine(response: DecodedMessage, state: VStreamLineState, color = false, width = MAX_LINE): string {
  const events = (response.events ?? []) as DecodedMessage[];
  const source: Part = { text: sourceOf(events, state), style: 'source' };
  const moved = movedLine(events, state);
  // The move's own transaction carries only its VGTID, which the move line shows; anything else follows it.
  const head = moved ?? [source, { text: '  ', style: 'plain' as Style }];
  const shown = moved ? events.filter((e) => e.type !== 'VGTID') : events;
  // Fewer rows rather than a cut line: the row lists shrink until the line fits (or to one row);
  // a position at the end may be cut, as long as `VGTID…` shows.
  for (let rows = ROWS_SHOWN; ; rows--) {
    const body = bodyParts(shown, state, rows);
    if (body.length === 0 && !moved) body.push({ text: '(empty)', style: 'plain' });
    const parts = [...head, ...(moved ? body.flatMap((p) => [SEPARATOR, p]) : joined(body))];
    const last = parts.at(-1)!;
    const needed = parts.reduce((n, p) => n + [...p.text].length, 0) - (last.style === 'position' && !moved ? [...last.text].length - 'VGTID…'.length : 0);
    if (rows === 1 || needed <= width) return render(parts, color, width);
  }
}

/**
 * Where a response came from: its events' keyspace/shard (vtgate sets them), vtgate for its own
 * heartbeats, else the one shard its VGTID or the stream's last one names, else their keyspaces.
 */
function sourceOf(events: readonly DecodedMessage[], state: VStreamLineState): string {
  const from = events.find((e) => e.keyspace);
  if (from) return `${from.keyspace}/${from.shard}`;
  if (events.length > 0 && events.every((e) => e.type === 'HEARTBEAT')) return 'vtgate';
  const vgtid = events.filter((e) => e.type === 'VGTID').at(-1)?.vgtid as DecodedMessage | undefined;
  const named = vgtid ? ((vgtid.shard_gtids ?? []) as DecodedMessage[]).map((g) => [String(g.keyspace), String(g.shard)] as const) : [...state.shards].flatMap(([ks, shards]) => shards.map((sh) => [ks, sh] as const));
  if (named.length === 1) return `${named[0]![0]}/${named[0]![1]}`;
  const keyspaces = [...new Set(named.map(([ks]) => ks))];
  return keyspaces.length > 0 ? keyspaces.join(', ') : 'vtgate';
}

/** The move line when the response's VGTID replaces a keyspace's shards (and remembers the new ones). */
function movedLine(events: readonly DecodedMessage[], state: VStreamLineState): Part[] | undefined {
  const vgtid = events.filter((e) => e.type === 'VGTID').at(-1)?.vgtid as DecodedMessage | undefined;
  if (!vgtid) return undefined;
  const byKeyspace = new Map<string, DecodedMessage[]>();
  for (const sg of (vgtid.shard_gtids ?? []) as DecodedMessage[]) byKeyspace.set(String(sg.keyspace), [...(byKeyspace.get(String(sg.keyspace)) ?? []), sg]);
  let line: Part[] | undefined;
  for (const [keyspace, gtids] of byKeyspace) {
    const now = sortShards(gtids.map((g) => String(g.shard)));
    const before = state.shards.get(keyspace);
    state.shards.set(keyspace, now);
    if (!before || before.join(',') === now.join(',') || line) continue;
    const positions = sortGtids(gtids).map((g) => `${g.shard}@${shortGtid(String(g.gtid))}`).join(', ');
    line = [
      { text: keyspace, style: 'source' },
      { text: `  moved ${before.join(', ')} → ${now.join(', ')} at the journal`, style: 'moved' },
      { text: ` (${positions})`, style: 'position' },
    ];
  }
  return line;
}

/** What one event other than ROW shows (nothing for BEGIN and COMMIT); `withRows`: its response has ROW events. */
function eventParts(e: DecodedMessage, state: VStreamLineState, withRows: boolean): Part[] {
  switch (e.type) {
    case 'BEGIN':
    case 'COMMIT':
      return [];
    case 'FIELD': {
      const fe = e.field_event as DecodedMessage;
      const fields = (fe.fields ?? []) as DecodedMessage[];
      state.columns.set(String(fe.table_name), fields.map((f) => String(f.name)));
      // With rows in the same response, the rows show the columns.
      const types = withRows ? '' : ` (${fields.map((f) => `${f.name} ${f.type}`).join(', ')})`;
      return [{ text: `fields ${tableName(fe.table_name)}${types}`, style: 'plain' }];
    }
    case 'VGTID':
      return [{ text: vgtidText(e.vgtid as DecodedMessage), style: 'position' }];
    case 'DDL':
      // A statement's own line breaks would break the line.
      return [{ text: `DDL ${String(e.statement).replace(/\s+/g, ' ')}`, style: 'ddl' }];
    case 'OTHER':
      return [{ text: 'OTHER (a statement that changes no streamed table)', style: 'plain' }];
    case 'JOURNAL': {
      const journal = e.journal as DecodedMessage;
      const targets = sortShards(((journal.shard_gtids ?? []) as DecodedMessage[]).map((s) => String(s.shard)));
      return [{ text: `journal → ${targets.join(', ')}`, style: 'moved' }];
    }
    case 'COPY_COMPLETED':
      return [{ text: e.keyspace ? `copy of ${e.keyspace}/${e.shard} completed` : 'copy completed on every shard', style: 'plain' }];
    case 'HEARTBEAT':
      return [{ text: 'heartbeat', style: 'position' }];
    default:
      return [{ text: String(e.type), style: 'plain' }];
  }
}

/** One row change as `insert`, `update` or `delete` and its text (`{…}`, or `{…} → {…}` for an update). */
function rowChange(change: DecodedMessage, columns: readonly string[]): { kind: Style; text: string } {
  const before = change.before as DecodedMessage | null;
  const after = change.after as DecodedMessage | null;
  if (before && after) return { kind: 'update', text: `${rowText(before, columns)} → ${rowText(after, columns)}` };
  return { kind: after ? 'insert' : 'delete', text: rowText((after ?? before)!, columns) };
}

/**
 * The response's events as parts: consecutive row changes of one kind on one table (across ROW
 * events) make one part, `insert customer {…}, {…}, {…} (+2 more)` with `rowsShown` 3.
 */
function bodyParts(events: readonly DecodedMessage[], state: VStreamLineState, rowsShown: number): Part[] {
  const parts: Part[] = [];
  const withRows = events.some((e) => e.type === 'ROW');
  let run: { key: string; part: Part; shown: number; more: number } | undefined;
  const endRun = () => {
    if (run?.more) run.part.text += ` (+${run.more} more)`;
    run = undefined;
  };
  for (const e of events) {
    if (e.type !== 'ROW') {
      const own = eventParts(e, state, withRows);
      if (own.length > 0) endRun();
      parts.push(...own);
      continue;
    }
    const re = e.row_event as DecodedMessage;
    const table = String(re.table_name);
    const columns = state.columns.get(table) ?? [];
    for (const change of (re.row_changes ?? []) as DecodedMessage[]) {
      const { kind, text } = rowChange(change, columns);
      const key = `${kind} ${table}`;
      if (run?.key !== key) {
        endRun();
        run = { key, part: { text: `${kind} ${tableName(table)} ${text}`, style: kind }, shown: 1, more: 0 };
        parts.push(run.part);
      } else if (run.shown < rowsShown) {
        run.part.text += `, ${text}`;
        run.shown++;
      } else {
        run.more++;
      }
    }
  }
  endRun();
  return parts;
}

/** A row as `{column: value, …}` (values by position when the columns are unknown). */
function rowText(row: DecodedMessage, columns: readonly string[]): string {
  const values = rowValues(row);
  return `{${values.map((v, i) => `${columns[i] ?? i}: ${v}`).join(', ')}}`;
}

/** A `query.Row`'s values as text: NULL, printable UTF-8 as is, other bytes as 0x… hex. */
function rowValues(row: DecodedMessage): string[] {
  const bytes = row.values as Buffer;
  const out: string[] = [];
  let at = 0;
  for (const l of (row.lengths ?? []) as (string | number)[]) {
    const n = Number(l);
    if (n < 0) {
      out.push('NULL');
      continue;
    }
    const value = bytes.subarray(at, at + n);
    at += n;
    const text = value.toString('utf8');
    out.push(/^[^\p{Cc}\uFFFD]*$/u.test(text) ? text : `0x${value.toString('hex')}`);
  }
  return out;
}

/** `VGTID -80@629442b7…:1-75, 80-@6a60d315…:1-76`, with the table a copy is at and its last PK. */
function vgtidText(vgtid: DecodedMessage): string {
  const shardGtids = sortGtids((vgtid.shard_gtids ?? []) as DecodedMessage[]);
  const copying = shardGtids.flatMap((sg) =>
    ((sg.table_p_ks ?? []) as DecodedMessage[]).map((t) => {
      const lastpk = t.lastpk as DecodedMessage | null;
      const row = ((lastpk?.rows ?? []) as DecodedMessage[])[0];
      const names = ((lastpk?.fields ?? []) as DecodedMessage[]).map((f) => String(f.name));
      return ` (copying ${t.table_name} after ${row ? rowText(row, names) : 'the start'})`;
    }),
  );
  return `VGTID ${shardGtids.map((sg) => `${sg.shard}@${shortGtid(String(sg.gtid))}`).join(', ')}${copying.join('')}`;
}

/** A GTID position without its flavor and with each server UUID cut to 8 digits: `629442b7…:1-75`. */
export function shortGtid(gtid: string): string {
  if (gtid === '') return '(start)';
  return gtid.replace(/^[A-Za-z0-9]+\//, '').replace(/([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '$1…');
}

/** Shard names in key-range order (`-80` before `80-`, `0` and `-` alone first). */
export function sortShards(shards: readonly string[]): string[] {
  return [...shards].sort((a, b) => shardStart(a).localeCompare(shardStart(b)));
}

function sortGtids(gtids: readonly DecodedMessage[]): DecodedMessage[] {
  return [...gtids].sort((a, b) => shardStart(String(a.shard)).localeCompare(shardStart(String(b.shard))));
}

function shardStart(shard: string): string {
  return shard.includes('-') ? shard.slice(0, shard.indexOf('-')) : '';
}

/** `customer.customer` → `customer` (vtgate qualifies table names with the keyspace). */
function tableName(name: unknown): string {
  const s = String(name);
  return s.slice(s.indexOf('.') + 1);
}

const SEPARATOR: Part = { text: '; ', style: 'plain' };

/** Parts separated by `; `. */
function joined(parts: readonly Part[]): Part[] {
  return parts.flatMap((p, i) => (i === 0 ? [p] : [SEPARATOR, p]));
}

/** The parts as text, cut to `width` characters with `…`, coloured when `color`. */
function render(parts: readonly Part[], color: boolean, width: number): string {
  let room = width;
  let out = '';
  for (const p of parts) {
    const chars = [...p.text];
    const cut = chars.length > room || (chars.length === room && p !== parts.at(-1));
    const text = cut ? `${chars.slice(0, Math.max(0, room - 1)).join('')}…` : p.text;
    const style = STYLES[p.style];
    out += color && style ? styleText(style, text, { validateStream: false }) : text;
    room -= [...text].length;
    if (cut) break;
  }
  return out;
}
