/**
 * The generic server replies: OK, ERR and EOF packets, and the "end of rows" marker, which is an
 * EOF packet or (with CLIENT_DEPRECATE_EOF) an OK packet with the EOF header.
 */
import { SqlError } from '@vtsim/proto';
import { PacketHeader } from './constants.js';
import type { PacketWriter } from './packet-writer.js';

/** Appends an OK packet. `info` (the human-readable text, e.g. `Records: 2 …`) goes length-encoded, as libmysqlclient and libmariadb read it. */
export function writeOk(w: PacketWriter, affectedRows: number | bigint, lastInsertId: number | bigint, status: number, info = ''): void {
  w.begin();
  w.u8(PacketHeader.OK);
  w.lenencInt(affectedRows);
  w.lenencInt(lastInsertId);
  w.u16(status);
  w.u16(0);
  if (info !== '') w.lenencString(info);
  w.end();
}

/** Appends an ERR packet; SQLSTATE must be five characters. */
export function writeErr(w: PacketWriter, errno: number, sqlState: string, message: string): void {
  w.begin();
  w.u8(PacketHeader.ERR);
  w.u16(errno);
  w.u8(0x23);
  w.rawString(sqlState);
  w.rawString(message);
  w.end();
}

/** Appends an ERR packet for any thrown value: SqlError keeps its errno and SQLSTATE, anything else is 1105 HY000. */
export function writeErrFor(w: PacketWriter, err: unknown): void {
  if (err instanceof SqlError) writeErr(w, err.errno, err.sqlState, err.message);
  else writeErr(w, 1105, 'HY000', err instanceof Error ? err.message : String(err));
}

/** Appends an EOF packet (protocol 4.1: warnings and status). */
export function writeEof(w: PacketWriter, status: number): void {
  w.begin();
  w.u8(PacketHeader.EOF);
  w.u16(0);
  w.u16(status);
  w.end();
}

/** Appends the packet that ends a row stream: EOF, or an OK packet with the EOF header when the client deprecated EOF. */
export function writeEndOfRows(w: PacketWriter, deprecateEof: boolean, status: number): void {
  if (!deprecateEof) {
    writeEof(w, status);
    return;
  }
  w.begin();
  w.u8(PacketHeader.EOF);
  w.u8(0);
  w.u8(0);
  w.u16(status);
  w.u16(0);
  w.end();
}
