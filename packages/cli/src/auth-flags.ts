/**
 * Vitess's credential flags on vtsim's command line: vtgate's MySQL static auth
 * (`--mysql_auth_server_static_file`, `--mysql_auth_server_static_string`,
 * `--mysql_auth_static_reload_interval`) and servenv's gRPC auth (`--grpc_auth_mode`,
 * `--grpc_auth_static_password_file`), spelled with underscores or dashes as Vitess accepts them.
 * All are off by default, as in vttestserver.
 */
import { resolve } from 'node:path';
import type { AuthServerStaticFlags } from '@vtsim/vtgate';
import type { GrpcAuthFlags } from '@vtsim/vttablet';
import { parseDuration } from '@vtsim/vtctld';

/** The credential settings of a vtgate, and (gRPC) of vtctld. */
export interface AuthFlags {
  mysqlAuth: AuthServerStaticFlags;
  grpcAuth: GrpcAuthFlags;
}

/** The flags, as node's parseArgs options (underscore spelling). */
export const AUTH_FLAG_OPTIONS = {
  mysql_auth_server_static_file: { type: 'string' },
  mysql_auth_server_static_string: { type: 'string' },
  mysql_auth_static_reload_interval: { type: 'string' },
  grpc_auth_mode: { type: 'string' },
  grpc_auth_static_password_file: { type: 'string' },
} as const;

const NAMES = Object.keys(AUTH_FLAG_OPTIONS);

/** Rewrites the dashed spelling of these flags (`--grpc-auth-mode`) to the underscore one; other arguments pass unchanged. */
export function normalizeAuthFlagNames(argv: readonly string[]): string[] {
  return argv.map((arg) => {
    const m = /^--([a-z-]+)(=.*)?$/s.exec(arg);
    if (!m) return arg;
    const name = m[1]!.replaceAll('-', '_');
    return NAMES.includes(name) ? `--${name}${m[2] ?? ''}` : arg;
  });
}

/**
 * The settings the parsed flags give: `mysqlAuth` only when a MySQL auth flag is present,
 * `grpcAuth` only when a gRPC one is; file paths are made absolute (the cluster process may run
 * elsewhere). Throws for an invalid reload interval.
 */
export function authFlagsFrom(values: Record<string, unknown>): Partial<AuthFlags> {
  const str = (name: keyof typeof AUTH_FLAG_OPTIONS): string | undefined => (typeof values[name] === 'string' && values[name] !== '' ? (values[name] as string) : undefined);
  const file = str('mysql_auth_server_static_file');
  const interval = str('mysql_auth_static_reload_interval');
  const passwordFile = str('grpc_auth_static_password_file');
  const string = str('mysql_auth_server_static_string');
  const mode = str('grpc_auth_mode');
  const flags: Partial<AuthFlags> = {};
  if (file !== undefined || string !== undefined || interval !== undefined) {
    flags.mysqlAuth = { file: file === undefined ? undefined : resolve(file), string, reloadIntervalMs: interval === undefined ? undefined : parseReloadInterval(interval) };
  }
  if (mode !== undefined || passwordFile !== undefined) {
    flags.grpcAuth = { mode, staticPasswordFile: passwordFile === undefined ? undefined : resolve(passwordFile) };
  }
  return flags;
}

function parseReloadInterval(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw new Error(`invalid argument "${text}" for "--mysql_auth_static_reload_interval" flag: time: invalid duration "${text}"`);
  }
}

