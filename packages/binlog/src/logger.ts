/**
 * Injected logging: core code writes its log lines only through a Logger it was given (as it reads
 * the time only through a Clock), so the composition root decides where lines go and at what level.
 */

/** A log line's structured fields (JSON-serializable values). */
export type LogFields = Record<string, unknown>;

/** The levels, lowest first (Vitess's `--log-level` values). */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Writes leveled log lines with a message and fields; a line below the logger's level is dropped. */
export interface Logger {
  /** Logs detail that is off by default (per RPC, per connection). */
  debug(msg: string, fields?: LogFields): void;
  /** Logs a state change or a step (tablet type changes, workflow steps, components up or down). */
  info(msg: string, fields?: LogFields): void;
  /** Logs something that went wrong and was handled (a retry, a skipped step). */
  warn(msg: string, fields?: LogFields): void;
  /** Logs a failure an operator must see (a workflow step or a recovery that failed). */
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `{ component: 'vttablet', tablet }`). */
  child(fields: LogFields): Logger;
}

/** The logger that writes nothing: the default of every component that takes one. */
export const noopLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => noopLogger,
};
