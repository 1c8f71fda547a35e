/**
 * AuthServerStatic: vtgate's `static` MySQL auth server, configured from
 * `--mysql_auth_server_static_file` or `--mysql_auth_server_static_string` as Vitess's
 * go/mysql/auth_server_static.go reads them:
 *
 * - the JSON maps a user name to a list of entries, `{"user": [{"Password": "…", "UserData": "…",
 *   "Groups": […]}, …]}`; the older shape with one entry per user, `{"user": {"Password": …}}`, is
 *   read when the list shape does not parse. Keys match field names case-insensitively (Go's
 *   encoding/json) and an unknown field is an error in both shapes. `""` is an ordinary user name
 *   (the anonymous login);
 * - an entry holds `Password` (clear text) or `MysqlNativePassword` (the stored hash, `*` and 40
 *   hex digits); `SourceHost` may only be `localhost`, which matches unix-socket logins, so such
 *   an entry never matches here (vtgate's MySQL port is TCP only);
 * - the method is mysql_native_password; a wrong password or an unknown user is refused with
 *   ERROR 1045 (28000) `Access denied for user 'x'`, Vitess's text (MySQL's own server adds
 *   `@'host' (using password: YES)`, vtgate does not);
 * - the file is re-read on SIGHUP and, with `--mysql_auth_static_reload_interval`, on that interval;
 *   a reload that fails keeps the previous entries.
 */
import { readFileSync } from 'node:fs';
import { ER, SqlError } from '@vtsim/proto';
import { checkHashedNativePassword, checkNativePassword, decodeNativePasswordHash } from './mysql-native-password.js';

/** One credential of a user. */
export interface AuthServerStaticEntry {
  /** The stored mysql_native_password hash (`*HEX`), checked instead of Password when set. */
  MysqlNativePassword: string;
  Password: string;
  /** The caller id's user name once logged in (Vitess's VTGateCallerID.username). */
  UserData: string;
  SourceHost: string;
  Groups: string[];
}

/** Users and their credentials. */
export type AuthServerStaticConfig = Map<string, AuthServerStaticEntry[]>;

/** What a successful login yields (Vitess's StaticUserData). */
export interface StaticUserData {
  username: string;
  groups: string[];
}

/**
 * The seam between the MySQL protocol server and an auth server: checks a mysql_native_password
 * login and returns its caller data, or throws SqlError 1045 (28000).
 */
export interface MysqlAuthServer {
  validateNativePassword(scramble: Uint8Array, user: string, authResponse: Uint8Array): StaticUserData;
}

/** Vitess's `--mysql_auth_server_static_*` flags; reloadIntervalMs 0 means SIGHUP only. */
export interface AuthServerStaticFlags {
  file?: string;
  string?: string;
  reloadIntervalMs?: number;
}

const FIELDS: Record<string, keyof AuthServerStaticEntry> = {
  mysqlnativepassword: 'MysqlNativePassword',
  password: 'Password',
  userdata: 'UserData',
  sourcehost: 'SourceHost',
  groups: 'Groups',
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One entry object, Go-style: case-insensitive keys, unknown keys and wrong types refused, null leaves the zero value. */
function parseEntry(v: unknown): AuthServerStaticEntry {
  const e: AuthServerStaticEntry = { MysqlNativePassword: '', Password: '', UserData: '', SourceHost: '', Groups: [] };
  if (v === null) return e;
  if (!isObject(v)) throw new Error(`json: cannot unmarshal ${jsonKind(v)} into Go value of type mysql.AuthServerStaticEntry`);
  for (const [key, value] of Object.entries(v)) {
    const field = FIELDS[key.toLowerCase()];
    if (!field) throw new Error(`json: unknown field "${key}"`);
    if (value === null) continue;
    if (field === 'Groups') {
      if (!Array.isArray(value) || value.some((g) => typeof g !== 'string')) throw new Error(`json: cannot unmarshal ${jsonKind(value)} into Go struct field AuthServerStaticEntry.Groups of type []string`);
      e.Groups = value as string[];
    } else {
      if (typeof value !== 'string') throw new Error(`json: cannot unmarshal ${jsonKind(value)} into Go struct field AuthServerStaticEntry.${field} of type string`);
      e[field] = value;
    }
  }
  return e;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

/**
 * Parses the static auth JSON: the list shape first, then the legacy one-entry shape. Throws
 * (Go's json message) when neither parses, and for a SourceHost other than `localhost`.
 */
export function parseAuthServerStaticConfig(json: string): AuthServerStaticConfig {
  const doc: unknown = JSON.parse(json);
  if (!isObject(doc)) throw new Error(`json: cannot unmarshal ${jsonKind(doc)} into Go value of type map[string][]*mysql.AuthServerStaticEntry`);
  const config: AuthServerStaticConfig = new Map();
  try {
    for (const [user, list] of Object.entries(doc)) {
      if (list !== null && !Array.isArray(list)) throw new Error('not the list shape');
      config.set(user, (list ?? []).map(parseEntry));
    }
  } catch {
    config.clear();
    for (const [user, entry] of Object.entries(doc)) config.set(user, [parseEntry(entry)]);
    return config;
  }
  for (const entries of config.values()) {
    for (const e of entries) {
      if (e.SourceHost !== '' && e.SourceHost !== 'localhost') throw new Error(`invalid SourceHost found (only localhost is supported): ${e.SourceHost}`);
    }
  }
  return config;
}

function accessDenied(user: string): SqlError {
  const [errno, state] = ER.ACCESS_DENIED_ERROR;
  return new SqlError(errno, state, `Access denied for user '${user}'`);
}

/** The static auth server; see the module comment. close() stops its reloads. */
export class AuthServerStatic implements MysqlAuthServer {
  private entries: AuthServerStaticConfig;
  private timer: NodeJS.Timeout | undefined;
  private readonly onHangup: (() => void) | undefined;

  private constructor(
    private readonly flags: AuthServerStaticFlags,
    private readonly log: (line: string) => void,
  ) {
    this.entries = new Map();
    this.reload();
    if (flags.file) {
      this.onHangup = () => this.reload();
      process.on('SIGHUP', this.onHangup);
      if (flags.reloadIntervalMs) {
        this.timer = setInterval(() => this.reload(), flags.reloadIntervalMs);
        this.timer.unref();
      }
    }
  }

  /**
   * The auth server the flags ask for: undefined when neither the file nor the string is given
   * (every login is accepted). Throws, as vtgate refuses to start, when both are given or when
   * no user could be read.
   */
  static fromFlags(flags: AuthServerStaticFlags, log: (line: string) => void = () => {}): AuthServerStatic | undefined {
    if (!flags.file && !flags.string) return undefined;
    if (flags.file && flags.string) throw new Error('Both mysql_auth_server_static_file and mysql_auth_server_static_string specified, can only use one.');
    const server = new AuthServerStatic(flags, log);
    if (server.entries.size === 0) {
      server.close();
      throw new Error(`Failed to populate entries from file: ${flags.file ?? ''}`);
    }
    return server;
  }

  /** Re-reads the file (or string); on failure logs it and keeps the entries it had. */
  reload(): void {
    let json = this.flags.string ?? '';
    if (this.flags.file) {
      try {
        json = readFileSync(this.flags.file, 'utf8');
      } catch (err) {
        this.log(`Failed to read mysql_auth_server_static_file file: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
    }
    try {
      this.entries = parseAuthServerStaticConfig(json);
    } catch (err) {
      this.log(`Error parsing auth server config: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  validateNativePassword(scramble: Uint8Array, user: string, authResponse: Uint8Array): StaticUserData {
    const entries = this.entries.get(user);
    if (!entries) throw accessDenied(user);
    for (const e of entries) {
      let ok: boolean;
      if (e.MysqlNativePassword !== '') {
        const hash = decodeNativePasswordHash(e.MysqlNativePassword);
        if (!hash) throw accessDenied(user);
        ok = checkHashedNativePassword(authResponse, scramble, hash);
      } else {
        ok = checkNativePassword(authResponse, scramble, e.Password);
      }
      if (ok && e.SourceHost === '') return { username: e.UserData, groups: e.Groups };
    }
    throw accessDenied(user);
  }

  /** Stops the reload timer and the SIGHUP handler. Idempotent. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.onHangup) process.off('SIGHUP', this.onHangup);
  }
}
