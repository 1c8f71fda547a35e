/**
 * The connection phase: the server's Handshake v10 greeting, the client's HandshakeResponse41,
 * the AuthSwitchRequest, and COM_CHANGE_USER (which repeats the login on an open connection).
 * The auth data is kept for the auth server to check (without one, any user and password are
 * accepted, as vtgate's `--mysql_auth_server_impl none`), and queries are always decoded as UTF-8
 * whatever charset the client names.
 */
import { randomBytes } from 'node:crypto';
import { Capability, HANDSHAKE_CHARSET, NATIVE_PASSWORD_PLUGIN, PacketHeader } from './constants.js';
import type { PacketWriter } from './packet-writer.js';
import { MalformedPacketError, PayloadReader } from './payload-reader.js';

/** Length of the auth scramble mysql_native_password uses. */
export const SCRAMBLE_LENGTH = 20;

/** What a client said when it logged in (or changed user). */
export interface HandshakeResponse {
  /** The client's capabilities, already masked by the server's. */
  capabilities: number;
  user: string;
  database: string;
  /** The auth plugin the client's auth data was made for ('' when the client did not say). */
  authPlugin: string;
  /** The client's answer to the scramble (for mysql_native_password: 20 bytes, or none for an empty password). */
  authResponse: Buffer;
}

/** Makes a fresh scramble: 20 random bytes without NUL or '$', which some clients mishandle. */
export function newScramble(): Buffer {
  const s = randomBytes(SCRAMBLE_LENGTH);
  for (let i = 0; i < s.length; i++) {
    let b = s[i]! & 0x7f;
    if (b === 0 || b === 0x24) b++;
    s[i] = b;
  }
  return s;
}

/** Appends the Handshake v10 greeting (the first packet of every connection). */
export function writeHandshakeV10(
  w: PacketWriter,
  opts: { serverVersion: string; connectionId: number; scramble: Buffer; capabilities: number; status: number },
): void {
  w.begin();
  w.u8(10);
  w.nulString(opts.serverVersion);
  w.u32(opts.connectionId);
  w.bytes(opts.scramble.subarray(0, 8));
  w.u8(0);
  w.u16(opts.capabilities & 0xffff);
  w.u8(HANDSHAKE_CHARSET);
  w.u16(opts.status);
  w.u16(opts.capabilities >>> 16);
  w.u8(SCRAMBLE_LENGTH + 1);
  w.zeros(10);
  w.bytes(opts.scramble.subarray(8));
  w.u8(0);
  w.nulString(NATIVE_PASSWORD_PLUGIN);
  w.end();
}

/**
 * Parses HandshakeResponse41. Throws MalformedPacketError for truncated packets, for clients
 * without CLIENT_PROTOCOL_41 and for TLS requests (the server offers no SSL).
 */
export function parseHandshakeResponse(payload: Buffer, serverCapabilities: number): HandshakeResponse {
  const r = new PayloadReader(payload);
  const clientCaps = r.u32();
  if ((clientCaps & Capability.PROTOCOL_41) === 0) throw new MalformedPacketError('client does not speak protocol 4.1');
  if ((clientCaps & Capability.SSL) !== 0) throw new MalformedPacketError('client asked for TLS, which this server does not offer');
  const caps = clientCaps & serverCapabilities;
  r.skip(4 + 1 + 23);
  const user = r.nulString();
  let authResponse: Buffer;
  if (caps & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) authResponse = Buffer.from(r.bytes(r.lenencInt()));
  else if (caps & Capability.SECURE_CONNECTION) authResponse = Buffer.from(r.bytes(r.u8()));
  else authResponse = Buffer.from(r.nulString(), 'latin1');
  const database = caps & Capability.CONNECT_WITH_DB && r.remaining > 0 ? r.nulString() : '';
  const authPlugin = caps & Capability.PLUGIN_AUTH && r.remaining > 0 ? r.nulOrRestString() : '';
  return { capabilities: caps, user, database, authPlugin, authResponse };
}

/** Parses a COM_CHANGE_USER payload (command byte included); the capabilities are the connection's. */
export function parseChangeUser(payload: Buffer, capabilities: number): HandshakeResponse {
  const r = new PayloadReader(payload, 1);
  const user = r.nulString();
  const authResponse = capabilities & Capability.SECURE_CONNECTION ? Buffer.from(r.bytes(r.u8())) : Buffer.from(r.nulString(), 'latin1');
  const database = r.remaining > 0 ? r.nulString() : '';
  if (r.remaining >= 2) r.skip(2);
  const authPlugin = capabilities & Capability.PLUGIN_AUTH && r.remaining > 0 ? r.nulOrRestString() : '';
  return { capabilities, user, database, authPlugin, authResponse };
}

/** True when the client must be switched to mysql_native_password before it can be let in. */
export function needsAuthSwitch(resp: HandshakeResponse): boolean {
  return (resp.capabilities & Capability.PLUGIN_AUTH) !== 0 && resp.authPlugin !== '' && resp.authPlugin !== NATIVE_PASSWORD_PLUGIN;
}

/** Appends an AuthSwitchRequest asking the client to answer the scramble with mysql_native_password. */
export function writeAuthSwitchRequest(w: PacketWriter, scramble: Buffer): void {
  w.begin();
  w.u8(PacketHeader.AUTH_SWITCH);
  w.nulString(NATIVE_PASSWORD_PLUGIN);
  w.bytes(scramble);
  w.u8(0);
  w.end();
}
