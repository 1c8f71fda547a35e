/** EventLog: the logutil events an RPC collects as it works and hands back in its response. */
import type { Clock } from '@vtsim/binlog';
import { LogLevel, type LogEvent } from './vtctldata.js';

/**
 * Collects events stamped with the injected clock; `events` is the list in logging order, and
 * `onEvent` (when given) sees each one as it is logged.
 */
export class EventLog {
  readonly events: LogEvent[] = [];

  /** `file` names the component that logs (shown in the event's file:line). */
  constructor(
    private readonly clock: Clock,
    private readonly file: string,
    private readonly onEvent?: (event: LogEvent) => void,
  ) {}

  /** Logs an INFO event. */
  info(value: string): void {
    this.add(LogLevel.INFO, value);
  }

  /** Logs a WARNING event. */
  warning(value: string): void {
    this.add(LogLevel.WARNING, value);
  }

  /** Logs a CONSOLE event: command output, as vtctl's logger Printf writes it. */
  console(value: string): void {
    this.add(LogLevel.CONSOLE, value);
  }

  private add(level: LogLevel, value: string): void {
    const ms = this.clock.now();
    const event: LogEvent = {
      time: { seconds: Math.floor(ms / 1000), nanoseconds: (ms % 1000) * 1_000_000 },
      level,
      file: this.file,
      line: this.events.length + 1,
      value,
    };
    this.events.push(event);
    this.onEvent?.(event);
  }
}
