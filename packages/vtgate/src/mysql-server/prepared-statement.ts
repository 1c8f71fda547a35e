/**
 * Server-side prepared statements (COM_STMT_PREPARE / EXECUTE / SEND_LONG_DATA / RESET / CLOSE).
 * The session handler only runs SQL text, so a statement is kept as its text and its `?`
 * placeholders, and each execution binds the parameters as SQL literals into that text.
 */
import { Charset, type Field, formatFloat, SqlError, Type } from '@vtsim/proto';
import { MysqlType } from './column-type.js';
import type { PacketWriter } from './packet-writer.js';
import { MalformedPacketError, PayloadReader } from './payload-reader.js';
import { writeEof } from './response-packets.js';
import { placeholderOffsets } from '@vtsim/sql';
import { writeColumnDefinition } from './text-result-set.js';

/** One prepared statement of a connection. */
export class PreparedStatement {
  /** Offsets of the `?` placeholders in {@link sql}. */
  readonly placeholders: number[];
  /** Parameter types (type byte | 0x8000 when unsigned) from the last execution that sent them. */
  private paramTypes: number[] | null = null;
  /** COM_STMT_SEND_LONG_DATA chunks by parameter, until the next execution. */
  private readonly longData = new Map<number, Buffer[]>();

  constructor(
    readonly id: number,
    readonly sql: string,
  ) {
    this.placeholders = placeholderOffsets(sql);
  }

  /** Appends a chunk of a parameter's value (COM_STMT_SEND_LONG_DATA); out-of-range parameters are ignored, as there is no reply to report them. */
  appendLongData(param: number, chunk: Buffer): void {
    if (param >= this.placeholders.length) return;
    const chunks = this.longData.get(param);
    if (chunks) chunks.push(Buffer.from(chunk));
    else this.longData.set(param, [Buffer.from(chunk)]);
  }

  /** Forgets long data sent so far (COM_STMT_RESET). */
  reset(): void {
    this.longData.clear();
  }

  /**
   * Reads a COM_STMT_EXECUTE payload (command byte included) and returns the statement text with
   * every placeholder replaced by its parameter as a SQL literal. Throws SqlError 1210 for
   * parameters it cannot read or bind; long data is consumed either way.
   */
  bind(payload: Buffer): string {
    try {
      return this.bindParams(new PayloadReader(payload, 10));
    } catch (err) {
      if (err instanceof MalformedPacketError) throw incorrectArguments();
      throw err;
    } finally {
      this.longData.clear();
    }
  }

  private bindParams(r: PayloadReader): string {
    const n = this.placeholders.length;
    if (n === 0) return this.sql;
    const nulls = r.bytes((n + 7) >> 3);
    if (r.u8() === 1) {
      const types: number[] = [];
      for (let i = 0; i < n; i++) types.push(r.u16());
      this.paramTypes = types;
    }
    const types = this.paramTypes;
    if (types === null) throw incorrectArguments();
    const parts: string[] = [];
    let from = 0;
    for (let i = 0; i < n; i++) {
      const at = this.placeholders[i]!;
      parts.push(this.sql.slice(from, at));
      const chunks = this.longData.get(i);
      if ((nulls[i >> 3]! & (1 << (i & 7))) !== 0) parts.push('NULL');
      else if (chunks) parts.push(bytesLiteral(Buffer.concat(chunks)));
      else parts.push(readLiteral(r, types[i]!));
      from = at + 1;
    }
    parts.push(this.sql.slice(from));
    return parts.join('');
  }
}

/** Appends the COM_STMT_PREPARE_OK response: the header, then one definition per parameter (result columns are announced at execution). */
export function writePrepareOk(w: PacketWriter, stmt: PreparedStatement, deprecateEof: boolean): void {
  const params = stmt.placeholders.length;
  w.begin();
  w.u8(0);
  w.u32(stmt.id);
  w.u16(0);
  w.u16(params);
  w.u8(0);
  w.u16(0);
  w.end();
  if (params === 0) return;
  const param: Field = {
    name: '?',
    type: Type.VARBINARY,
    table: '',
    org_table: '',
    database: '',
    org_name: '',
    column_length: 0,
    charset: Charset.BINARY,
    decimals: 0,
    flags: 0,
    column_type: '',
  };
  for (let i = 0; i < params; i++) writeColumnDefinition(w, param);
  if (!deprecateEof) writeEof(w, 0);
}

function incorrectArguments(): SqlError {
  return new SqlError(1210, 'HY000', 'Incorrect arguments to mysqld_stmt_execute');
}

/** Reads one binary-protocol parameter value and renders it as a SQL literal. */
function readLiteral(r: PayloadReader, typeAndFlag: number): string {
  const type = typeAndFlag & 0xff;
  const unsigned = (typeAndFlag & 0x8000) !== 0;
  switch (type) {
    case MysqlType.NULL:
      return 'NULL';
    case MysqlType.TINY: {
      const v = r.u8();
      return String(unsigned || v < 0x80 ? v : v - 0x100);
    }
    case MysqlType.SHORT:
    case MysqlType.YEAR: {
      const v = r.u16();
      return String(unsigned || v < 0x8000 ? v : v - 0x10000);
    }
    case MysqlType.LONG:
    case MysqlType.INT24: {
      const v = r.u32();
      return String(unsigned ? v : v | 0);
    }
    case MysqlType.LONGLONG: {
      const raw = r.bytes(8);
      return String(unsigned ? raw.readBigUInt64LE(0) : raw.readBigInt64LE(0));
    }
    case MysqlType.FLOAT:
      return floatLiteral(r.bytes(4).readFloatLE(0)); // widened exactly, as MySQL's Item_param
    case MysqlType.DOUBLE:
      return floatLiteral(r.bytes(8).readDoubleLE(0));
    case MysqlType.DATE:
    case MysqlType.DATETIME:
    case MysqlType.TIMESTAMP:
      return `'${readDateTime(r)}'`;
    case MysqlType.TIME:
      return `'${readTime(r)}'`;
    case MysqlType.DECIMAL:
    case MysqlType.NEWDECIMAL: {
      const text = r.lenencString();
      return /^-?\d+(\.\d+)?$/.test(text) ? text : quote(text);
    }
    case 15: // VARCHAR
    case MysqlType.BIT:
    case MysqlType.JSON:
    case 247: // ENUM
    case 248: // SET
    case 249: // TINY_BLOB
    case 250: // MEDIUM_BLOB
    case 251: // LONG_BLOB
    case MysqlType.BLOB:
    case MysqlType.VAR_STRING:
    case MysqlType.STRING:
    case MysqlType.GEOMETRY:
      return bytesLiteral(r.bytes(r.lenencInt()));
    default:
      throw incorrectArguments();
  }
}

function floatLiteral(v: number): string {
  if (!Number.isFinite(v)) throw incorrectArguments();
  return formatFloat(v);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function readDateTime(r: PayloadReader): string {
  const len = r.u8();
  if (len === 0) return '0000-00-00 00:00:00';
  if (len !== 4 && len !== 7 && len !== 11) throw incorrectArguments();
  const date = `${pad(r.u16(), 4)}-${pad(r.u8())}-${pad(r.u8())}`;
  if (len === 4) return date;
  const time = `${pad(r.u8())}:${pad(r.u8())}:${pad(r.u8())}`;
  return len === 11 ? `${date} ${time}.${pad(r.u32(), 6)}` : `${date} ${time}`;
}

function readTime(r: PayloadReader): string {
  const len = r.u8();
  if (len === 0) return '00:00:00';
  if (len !== 8 && len !== 12) throw incorrectArguments();
  const sign = r.u8() === 1 ? '-' : '';
  const days = r.u32();
  const hours = days * 24 + r.u8();
  const time = `${sign}${pad(hours)}:${pad(r.u8())}:${pad(r.u8())}`;
  return len === 12 ? `${time}.${pad(r.u32(), 6)}` : time;
}

/** A quoted string literal for UTF-8 text, or a hex literal for bytes that are not valid UTF-8. */
function bytesLiteral(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) return `X'${bytes.toString('hex')}'`;
  return quote(text);
}

function quote(text: string): string {
  return `'${text.replace(/[\\'\0]/g, (ch) => (ch === '\\' ? '\\\\' : ch === "'" ? "''" : '\\0'))}'`;
}
