/**
 * The cluster process's logger: pino, writing synchronously to stderr (fd 2) so no line is lost
 * when the process exits, one line per record. `json` writes pino's object per line in the shape
 * of Vitess's slog JSON handler (`time`, `level` as INFO/WARN/…, `msg`, then the fields, with
 * `component` naming the emitter); `text` writes the same record as logfmt, as slog's text handler
 * does (`time=… level=INFO msg="…" component=vttablet tablet=zone1-0000000100 …`).
 */
import { pino, type DestinationStream, type Logger as PinoInstance } from 'pino';
import type { LogFields, Logger } from '@vtsim/binlog';
import type { LogSettings } from './log-flags.js';

/**
 * A logger for `settings` writing to `destination` (default: stderr, synchronously). Lines below
 * the level are dropped before any formatting.
 */
export function createClusterLogger(settings: LogSettings, destination?: DestinationStream): Logger {
  const instance = pino(
    {
      level: settings.level,
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label.toUpperCase() }) },
      hooks: settings.format === 'text' ? { streamWrite: jsonLineToLogfmt } : {},
    },
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
  return new PinoLogger(instance);
}

/** The Logger interface over a pino instance. */
class PinoLogger implements Logger {
  constructor(private readonly pino: PinoInstance) {}

  debug(msg: string, fields?: LogFields): void {
    if (fields) this.pino.debug(fields, msg);
    else this.pino.debug(msg);
  }

  info(msg: string, fields?: LogFields): void {
    if (fields) this.pino.info(fields, msg);
    else this.pino.info(msg);
  }

  warn(msg: string, fields?: LogFields): void {
    if (fields) this.pino.warn(fields, msg);
    else this.pino.warn(msg);
  }

  error(msg: string, fields?: LogFields): void {
    if (fields) this.pino.error(fields, msg);
    else this.pino.error(msg);
  }

  child(fields: LogFields): Logger {
    return new PinoLogger(this.pino.child(fields));
  }
}

/** The keys logfmt lines start with, in this order; the record's other keys follow as pino wrote them. */
const LEADING_KEYS = ['time', 'level', 'msg'];

/** Rewrites one of pino's JSON lines as a logfmt line (the `text` format). */
function jsonLineToLogfmt(line: string): string {
  const record = JSON.parse(line) as Record<string, unknown>;
  const keys = [...LEADING_KEYS.filter((k) => k in record), ...Object.keys(record).filter((k) => !LEADING_KEYS.includes(k))];
  return `${keys.map((k) => `${k}=${logfmtValue(record[k])}`).join(' ')}\n`;
}

/** A value as logfmt writes it: bare when it is a simple token, else a quoted string (objects as JSON). */
function logfmtValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text !== '' && /^[^\s"=\\\x00-\x1f\x7f]+$/.test(text) ? text : JSON.stringify(text);
}
