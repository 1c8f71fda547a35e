/**
 * The logging flags of `vtsim up` and `vttestserver`, as Vitess's go/vt/log takes them:
 * `--log-level` (debug, info, warn or error; default info) and `--log-format` (text or json;
 * default text). Vitess's spellings are accepted too: `--log-fmt` and its `logfmt` value (vtsim's
 * text format is logfmt). Parsing only: cluster-logger.ts builds the logger, so commands that do
 * not log load no logging library.
 */
import { LOG_LEVELS, type LogLevelName } from '@vtsim/binlog';

/** The output formats: `text` (logfmt, one `key=value` line per record) or `json` (one object per line). */
export type LogFormat = 'text' | 'json';

/** What the logging flags ask for. */
export interface LogSettings {
  level: LogLevelName;
  format: LogFormat;
}

/** The flags as node's parseArgs options. */
export const LOG_FLAG_OPTIONS = {
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  'log-fmt': { type: 'string' },
} as const;

/** The defaults: info lines as text. */
export const DEFAULT_LOG_SETTINGS: LogSettings = { level: 'info', format: 'text' };

/**
 * The settings the parsed flags ask for (defaults for the flags not given). Throws Error naming
 * the flag and the accepted values for a value it does not know, as Vitess's log.Init does.
 */
export function logSettingsFrom(values: { 'log-level'?: string; 'log-format'?: string; 'log-fmt'?: string }): LogSettings {
  const levelText = values['log-level'];
  const level = levelText?.trim().toLowerCase() ?? DEFAULT_LOG_SETTINGS.level;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`invalid log-level "${levelText}": expected debug, info, warn, or error`);
  }
  const flag = values['log-format'] !== undefined ? 'log-format' : 'log-fmt';
  const formatText = values['log-format'] ?? values['log-fmt'];
  const format = formatText?.trim().toLowerCase() ?? DEFAULT_LOG_SETTINGS.format;
  if (format !== 'text' && format !== 'logfmt' && format !== 'json') {
    throw new Error(`invalid ${flag} "${formatText}": expected text (or logfmt) or json`);
  }
  return { level: level as LogLevelName, format: format === 'json' ? 'json' : 'text' };
}
