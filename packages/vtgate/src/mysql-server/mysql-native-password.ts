/**
 * mysql_native_password, the auth method vtgate negotiates: the client answers the server's
 * 20-byte scramble with SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))); the server
 * checks it against the password itself or against its stored hash `*HEX(SHA1(SHA1(password)))`
 * (what MySQL's PASSWORD() printed, and Vitess's `MysqlNativePassword` entries hold).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

function sha1(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

function xor(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** True when two byte strings are equal, in time independent of where they differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The auth response a client sends for `password` and `scramble`; empty for an empty password, as clients send it. */
export function scrambleNativePassword(scramble: Uint8Array, password: string): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  return xor(stage1, sha1(scramble, sha1(stage1)));
}

/** The stored form of a password, `*` and 40 upper-case hex digits (MySQL 5.7's `PASSWORD('x')`). */
export function nativePasswordHash(password: string): string {
  return `*${sha1(sha1(Buffer.from(password, 'utf8'))).toString('hex').toUpperCase()}`;
}

/** Decodes a stored `*HEX` hash (the star is optional); undefined when it is not 20 bytes of hex. */
export function decodeNativePasswordHash(text: string): Buffer | undefined {
  const hex = text.startsWith('*') ? text.slice(1) : text;
  return /^[0-9a-fA-F]{40}$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

/** True when `authResponse` answers `scramble` with the password `password`. */
export function checkNativePassword(authResponse: Uint8Array, scramble: Uint8Array, password: string): boolean {
  return sameBytes(authResponse, scrambleNativePassword(scramble, password));
}

/**
 * True when `authResponse` answers `scramble` with the password whose stored hash
 * (SHA1(SHA1(password)), 20 bytes) is `hash`: the response XOR SHA1(scramble + hash) must be a
 * stage-1 hash whose SHA1 is `hash`.
 */
export function checkHashedNativePassword(authResponse: Uint8Array, scramble: Uint8Array, hash: Uint8Array): boolean {
  if (authResponse.length !== 20) return false;
  const stage1 = xor(authResponse, sha1(scramble, hash));
  return sameBytes(sha1(stage1), hash);
}
