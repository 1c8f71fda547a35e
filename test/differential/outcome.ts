/**
 * What one statement answered on one server, as the differential suite compares it: rows as text
 * with their column names and MySQL type classes, an OK packet's affected rows, or an error's errno.
 */
import type mysql from 'mysql2/promise';

/** A statement's answer (see the module comment). */
export type Outcome =
  | { kind: 'rows'; columns: string[]; types: string[]; codes: number[]; rows: (string | null)[][] }
  | { kind: 'ok'; affected: number }
  | { kind: 'error'; errno: number; message: string };

/**
 * The class of a MySQL column type code, as far as it is meaningful across servers: the integer
 * widths (MariaDB types small literals INT where MySQL 8 says BIGINT) and the string/blob variants
 * are one class each.
 */
function typeClass(code: number): string {
  switch (code) {
    case 0: case 246: return 'decimal';
    case 1: case 2: case 3: case 8: case 9: return 'integer';
    case 4: case 5: return 'float';
    case 6: return 'null';
    case 7: return 'timestamp';
    case 10: case 14: return 'date';
    case 11: return 'time';
    case 12: return 'datetime';
    case 13: return 'year';
    case 16: return 'bit';
    case 245: return 'json';
    case 255: return 'geometry';
    default: return 'string';
  }
}

/** Runs one statement on a connection and captures its outcome; rethrows only connection-level failures. */
export async function runStatement(conn: mysql.Connection, sql: string, timeoutMs: number): Promise<Outcome> {
  try {
    const [result, fields] = await conn.query({ sql, rowsAsArray: true, typeCast: false, timeout: timeoutMs });
    if (!Array.isArray(result)) return { kind: 'ok', affected: (result as mysql.ResultSetHeader).affectedRows };
    const defs = (fields ?? []) as mysql.FieldPacket[];
    const codes = defs.map((f) => (f as unknown as { columnType: number }).columnType ?? f.type ?? -1);
    return {
      kind: 'rows',
      columns: defs.map((f) => f.name),
      codes,
      types: codes.map(typeClass),
      rows: (result as unknown as (Buffer | null)[][]).map((row) => row.map((v) => (v === null ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v)))),
    };
  } catch (err) {
    const e = err as { errno?: number; message?: string; fatal?: boolean };
    if (e.fatal || e.errno === undefined) throw err;
    return { kind: 'error', errno: e.errno, message: e.message ?? '' };
  }
}

/** One line of text for an outcome, for the report. */
export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'error': return `ERROR ${o.errno}: ${o.message.replace(/\s+/g, ' ').slice(0, 300)}`;
    case 'ok': return `OK, ${o.affected} row(s) affected`;
    case 'rows': {
      const head = o.columns.map((c, i) => `${c}:${o.types[i]}(${o.codes[i]})`).join(', ');
      const rows = o.rows.slice(0, 12).map((r) => `(${r.map((v) => (v === null ? 'NULL' : JSON.stringify(v))).join(', ')})`).join(' ');
      return `[${head}] ${o.rows.length} row(s): ${rows}${o.rows.length > 12 ? ' …' : ''}`;
    }
  }
}
