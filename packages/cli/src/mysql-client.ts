/**
 * vtsim's own stand-in for the `mysql` command-line client, for machines without one: it runs SQL
 * from `-e`, a file or stdin against vtgate the way `mysql` does in batch mode — statements end at
 * `;`, `\! cmd` runs a shell command, results print as `--table` boxes or tab-separated batch
 * output, and the first error prints `ERROR <errno> (<state>) at line <n>: <message>` and stops.
 */
import { execSync } from 'node:child_process';
import mysql from 'mysql2/promise';
import { formatBatch, formatTable, type ResultColumn } from '@vtsim/vtctld';

/** How to connect and print. */
export interface MysqlClientOptions {
  host: string;
  port: number;
  user: string;
  /** `-p`/`--password`: for a vtgate with static auth (none sent when omitted). */
  password?: string;
  database?: string;
  table: boolean;
  /** Output sink (stdout by default). */
  write?: (text: string) => void;
}

/** The column definition flag of a column that cannot hold NULL. */
const NOT_NULL_FLAG = 1;

/** MySQL column type codes that the client right-aligns. */
const numericTypes = new Set([0, 1, 2, 3, 4, 5, 8, 9, 13, 16, 246]);

/** Runs a script; resolves with the process exit code (0, or 1 after an error). */
export async function runMysqlScript(script: string, opts: MysqlClientOptions): Promise<number> {
  const write = opts.write ?? ((text: string) => process.stdout.write(text));
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({
      host: opts.host,
      port: opts.port,
      user: opts.user,
      password: opts.password,
      database: opts.database || undefined,
      multipleStatements: false,
      rowsAsArray: true,
      typeCast: false,
    });
  } catch (err) {
    const e = err as { errno?: number; sqlState?: string; sqlMessage?: string };
    // A refused login prints as the mysql client prints it (`ERROR 1045 (28000): Access denied …`).
    if (e.errno === undefined || e.sqlState === undefined) throw err;
    process.stderr.write(`ERROR ${e.errno} (${e.sqlState}): ${e.sqlMessage}\n`);
    return 1;
  }
  try {
    for (const step of scriptSteps(script)) {
      if (step.kind === 'shell') {
        write(execSync(step.command, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
        continue;
      }
      try {
        const [rows, fields] = await conn.query({ sql: step.sql, rowsAsArray: true });
        if (!Array.isArray(fields) || !Array.isArray(rows) || fields.length === 0) continue;
        const columns: ResultColumn[] = fields.map((f) => ({
          name: f.name,
          numeric: numericTypes.has(f.columnType ?? -1),
          nullable: typeof f.flags === 'number' && (f.flags & NOT_NULL_FLAG) === 0,
        }));
        const texts = (rows as unknown as (Buffer | null)[][]).map((r) => r.map((v) => (v === null ? null : v.toString('utf8'))));
        if (texts.length === 0) continue;
        write(`${opts.table ? formatTable(columns, texts) : formatBatch(columns, texts)}\n`);
      } catch (err) {
        const e = err as { errno?: number; sqlState?: string; sqlMessage?: string; message: string };
        process.stderr.write(`ERROR ${e.errno ?? 2013} (${e.sqlState ?? 'HY000'}) at line ${step.line}: ${e.sqlMessage ?? e.message}\n`);
        return 1;
      }
    }
    return 0;
  } finally {
    await conn.end().catch(() => {});
  }
}

/** One thing the client does: a SQL statement (with the line it starts on) or a shell command. */
type Step = { kind: 'sql'; sql: string; line: number } | { kind: 'shell'; command: string };

/** Splits a script into steps as the mysql client reads it, line by line. */
export function scriptSteps(script: string): Step[] {
  const steps: Step[] = [];
  let buffer = '';
  let startLine = 0;
  let quote = 0;
  const lines = script.split('\n');
  lines.forEach((line, index) => {
    if (buffer.trim() === '' && quote === 0 && /^\s*\\!/.test(line)) {
      steps.push({ kind: 'shell', command: line.replace(/^\s*\\!\s*/, '') });
      return;
    }
    if (buffer.trim() === '') startLine = index + 1;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (quote) {
        if (c === 0x5c && quote !== 0x60) i++;
        else if (c === quote) quote = 0;
      } else if (c === 0x27 || c === 0x22 || c === 0x60) {
        quote = c;
      } else if (c === 0x23 || (c === 0x2d && line.charCodeAt(i + 1) === 0x2d && (i + 2 === line.length || /\s/.test(line[i + 2]!)))) {
        buffer += line.slice(0, i);
        line = '';
        break;
      } else if (c === 0x3b) {
        const sql = (buffer + line.slice(0, i)).trim();
        if (sql) steps.push({ kind: 'sql', sql, line: startLine });
        buffer = '';
        line = line.slice(i + 1);
        i = -1;
        startLine = index + 1;
      }
    }
    buffer += `${line}\n`;
  });
  const rest = buffer.trim();
  if (rest) steps.push({ kind: 'sql', sql: rest, line: startLine });
  return steps;
}
