/**
 * Static gRPC authentication, as Vitess's servenv applies it to every gRPC server of a process
 * (`--grpc_auth_mode static --grpc_auth_static_password_file FILE`, go/vt/servenv/
 * grpc_server_auth_static.go). The file is a JSON list, `[{"Username": "…", "Password": "…"}]`
 * (keys case-insensitive, unknown keys ignored, as Go's json.Unmarshal reads it); an entry may
 * hold `CachingSha2Password` (hex SHA256(SHA256(password)), optional leading `*`) instead of a
 * Password. Each call must carry `username` and `password` metadata:
 * - either missing: UNAUTHENTICATED `username and password must be provided`;
 * - no entry with that user and password: PERMISSION_DENIED
 *   `auth failure: caller "x" provided invalid credentials`.
 *
 * The check sits in front of a service's handler table ({@link withGrpcAuth}), so vtgate's and
 * vtctld's servers share it. No gRPC import: it works on the handlers' call objects as grpc-js
 * passes them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Code } from '@vtsim/proto';

/** One credential of the password file. */
export interface StaticAuthConfigEntry {
  Username: string;
  Password: string;
  /** Hex SHA256(SHA256(password)), used when Password is empty. */
  CachingSha2Password: string;
}

/** A gRPC status as grpc-js takes it (callback error or `call.emit('error', …)`). */
export interface GrpcAuthFailure {
  code: Code;
  details: string;
  message: string;
}

/** Vitess's gRPC auth flags: `--grpc_auth_mode` and `--grpc_auth_static_password_file`. */
export interface GrpcAuthFlags {
  mode?: string;
  staticPasswordFile?: string;
}

/** The metadata reader of a grpc-js call (`call.metadata.get(key)`). */
export interface CallMetadata {
  get(key: string): Array<string | Buffer>;
}

interface StaticAuthEntry extends StaticAuthConfigEntry {
  sha2: Buffer | undefined;
}

function failure(code: Code, message: string): GrpcAuthFailure {
  return { code, details: message, message };
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/**
 * Parses the password file's JSON into entries. Throws (`fail to load static auth plugin: …`)
 * for anything but a list of objects with string fields, or a CachingSha2Password that is not
 * 64 hex digits.
 */
export function parseStaticAuthConfig(json: string): StaticAuthConfigEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw new Error(`fail to load static auth plugin: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (doc === null) return [];
  if (!Array.isArray(doc)) throw new Error('fail to load static auth plugin: json: cannot unmarshal object into Go value of type []servenv.StaticAuthConfigEntry');
  return doc.map((item: unknown, i) => {
    const e: StaticAuthConfigEntry = { Username: '', Password: '', CachingSha2Password: '' };
    if (item === null) return e;
    if (typeof item !== 'object' || Array.isArray(item)) throw new Error('fail to load static auth plugin: json: cannot unmarshal value into Go value of type servenv.StaticAuthConfigEntry');
    for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
      const field = (['Username', 'Password', 'CachingSha2Password'] as const).find((f) => f.toLowerCase() === key.toLowerCase());
      if (!field || value === null) continue;
      if (typeof value !== 'string') throw new Error(`fail to load static auth plugin: json: cannot unmarshal ${typeof value} into Go struct field StaticAuthConfigEntry.${field} of type string`);
      e[field] = value;
    }
    if (e.CachingSha2Password !== '' && !/^\*?[0-9a-fA-F]{64}$/.test(e.CachingSha2Password)) {
      throw new Error(`fail to load static auth plugin: entry ${i} (user=${e.Username}) has an invalid CachingSha2Password`);
    }
    return e;
  });
}

/** The static auth plugin: a fixed list of users and passwords. */
export class StaticAuthPlugin {
  private readonly entries: StaticAuthEntry[];

  constructor(entries: readonly StaticAuthConfigEntry[]) {
    this.entries = entries.map((e) => ({ ...e, sha2: e.CachingSha2Password ? Buffer.from(e.CachingSha2Password.replace(/^\*/, ''), 'hex') : undefined }));
  }

  /**
   * The plugin the flags ask for: undefined without `--grpc_auth_mode`. Throws, as a Vitess server
   * refuses to start, for an unknown mode or an unreadable or invalid password file.
   */
  static fromFlags(flags: GrpcAuthFlags): StaticAuthPlugin | undefined {
    if (!flags.mode) return undefined;
    if (flags.mode !== 'static') throw new Error(`no AuthPlugins name ${flags.mode} registered`);
    if (!flags.staticPasswordFile) throw new Error('Failed to load auth plugin: failed to load static auth plugin. Plugin configured but grpc_auth_static_password_file not provided');
    let data: string;
    try {
      data = readFileSync(flags.staticPasswordFile, 'utf8');
    } catch (err) {
      throw new Error(`Failed to load auth plugin: failed to load static auth plugin ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      return new StaticAuthPlugin(parseStaticAuthConfig(data));
    } catch (err) {
      throw new Error(`Failed to load auth plugin: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Checks one call's metadata: undefined when it may proceed, else the status to end it with. */
  authenticate(metadata: CallMetadata): GrpcAuthFailure | undefined {
    const users = metadata.get('username');
    const passwords = metadata.get('password');
    if (users.length === 0 || passwords.length === 0) return failure(Code.UNAUTHENTICATED, 'username and password must be provided');
    const username = users[0]!.toString();
    const password = Buffer.from(passwords[0]!.toString(), 'utf8');
    for (const e of this.entries) {
      if (e.Username !== username) continue;
      if (e.Password === '' && e.sha2) {
        if (sameBytes(sha256(sha256(password)), e.sha2)) return undefined;
      } else if (sameBytes(password, Buffer.from(e.Password, 'utf8'))) {
        return undefined;
      }
    }
    return failure(Code.PERMISSION_DENIED, `auth failure: caller ${JSON.stringify(username)} provided invalid credentials`);
  }
}

/** A grpc-js call as a handler receives it: its metadata, and `emit('error')` to end a stream. */
interface AuthenticatedCall {
  metadata: CallMetadata;
  emit(event: 'error', err: GrpcAuthFailure): boolean;
}

type Handler = (call: AuthenticatedCall, callback?: (err: GrpcAuthFailure) => void) => void;

/**
 * Puts `plugin` in front of every handler of a grpc-js handler table: a call that fails
 * authentication ends with the plugin's status (a unary call through its callback, a stream with
 * an error) before the handler runs. Without a plugin the table is returned as it is.
 */
export function withGrpcAuth<T extends object>(handlers: T, plugin: StaticAuthPlugin | undefined): T {
  if (!plugin) return handlers;
  const out: Record<string, Handler> = {};
  for (const [name, handler] of Object.entries(handlers as Record<string, Handler>)) {
    out[name] = (call, callback) => {
      const denied = plugin.authenticate(call.metadata);
      if (!denied) return handler(call, callback);
      if (typeof callback === 'function') callback(denied);
      else call.emit('error', denied);
    };
  }
  return out as T;
}
