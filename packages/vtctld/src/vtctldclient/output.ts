/**
 * How vtctldclient prints what vtctld answers: protojson-style JSON (proto field names, unset
 * fields included, 2-space indent), AWK-friendly tablet lines, log events and query results.
 */
import { decodeRowBytes } from '@vtsim/proto';
import { formatTable, type ResultColumn } from './result-table.js';

type Json = Record<string, any>;

/** JSON with the response's proto field names, as `cli.MarshalJSON` prints it. */
export function marshalJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** RFC 3339 in UTC (`2024-05-01T12:00:00Z`) of seconds since the epoch. */
export function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** One tablet as GetTablets' AWK line: alias keyspace shard type vt-address mysql-address tags term-start. */
export function tabletAwk(t: Json): string {
  const alias = `${t.alias.cell}-${String(t.alias.uid).padStart(10, '0')}`;
  const vtPort = t.port_map?.vt;
  const addr = vtPort ? `${t.hostname}:${vtPort}` : t.hostname;
  const mysqlAddr = t.mysql_port ? `${t.mysql_hostname}:${t.mysql_port}` : t.mysql_hostname;
  const tags = Object.entries((t.tags ?? {}) as Record<string, string>).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).sort();
  const seconds = Number(t.primary_term_start_time?.seconds ?? 0);
  return [alias, t.keyspace || '<null>', t.shard || '<null>', String(t.type).toLowerCase(), addr, mysqlAddr, `[${tags.join(' ')}]`, seconds > 0 ? rfc3339(seconds) : '<null>'].join(' ');
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** A logutil.Event as one glog-style line (`I0102 15:04:05.000000 file:line] text`); CONSOLE events as their text. */
export function eventString(e: Json): string {
  if (e.level === 'CONSOLE') return e.value;
  const level = e.level === 'WARNING' ? 'W' : e.level === 'ERROR' ? 'E' : 'I';
  const ms = Number(e.time?.seconds ?? 0) * 1000 + Math.floor(Number(e.time?.nanoseconds ?? 0) / 1e6);
  const d = new Date(ms);
  const micros = String((Number(e.time?.nanoseconds ?? 0) / 1000) | 0).padStart(6, '0');
  return `${level}${two(d.getMonth() + 1)}${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${micros} ${e.file}:${e.line}] ${e.value}`;
}

const NUMERIC = /^(U?INT\d+|FLOAT\d+|DECIMAL|YEAR|BIT)$/;

/** A query.QueryResult (decoded with base64 bytes) as a boxed table. */
export function queryResultTable(result: Json): string {
  const columns: ResultColumn[] = (result.fields as Json[]).map((f) => ({ name: f.name, numeric: NUMERIC.test(String(f.type)) }));
  const rows = (result.rows as Json[]).map((r) =>
    decodeRowBytes({ lengths: r.lengths, values: Buffer.from(String(r.values), 'base64') }).map((b) => (b === null ? null : b.toString('utf8'))),
  );
  return formatTable(columns, rows);
}
