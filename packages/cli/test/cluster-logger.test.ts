// The cluster's logger (cluster-logger.ts) and its flags (log-flags.ts): levels filter lines,
// `json` writes one object per line in slog's shape, `text` writes logfmt, children add their
// fields, and bad flag values are refused with the flag and the accepted values named.
import { describe, expect, it } from 'vitest';
import { createClusterLogger } from '../src/cluster-logger.js';
import { logSettingsFrom, type LogSettings } from '../src/log-flags.js';

/** A logger for `settings` and the lines it wrote. */
function capture(settings: LogSettings) {
  const lines: string[] = [];
  const logger = createClusterLogger(settings, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

describe('createClusterLogger', () => {
  it('json: one object per line with time, level, msg, the child fields and the line fields', () => {
    const { logger, lines } = capture({ level: 'info', format: 'json' });
    logger.child({ component: 'vttablet', tablet: 'zone1-0000000100' }).info('tablet state changed', { type: 'PRIMARY', serving: true });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(lines[0]!.trimEnd()).not.toContain('\n');
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'INFO',
      msg: 'tablet state changed',
      component: 'vttablet',
      tablet: 'zone1-0000000100',
      type: 'PRIMARY',
      serving: true,
    });
    expect(Math.abs(Date.parse(record.time as string) - Date.now())).toBeLessThan(60_000);
  });

  it('drops the lines below its level', () => {
    const { logger, lines } = capture({ level: 'warn', format: 'json' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.child({ component: 'vtctld' }).error('e', { error: 'boom' });
    expect(lines.map((l) => JSON.parse(l) as { level: string; msg: string }).map((r) => `${r.level} ${r.msg}`)).toEqual(['WARN w', 'ERROR e']);

    const debug = capture({ level: 'debug', format: 'json' });
    debug.logger.debug('detail', { connection_id: 7 });
    expect(JSON.parse(debug.lines[0]!)).toMatchObject({ level: 'DEBUG', msg: 'detail', connection_id: 7 });
  });

  it('text: logfmt with time, level and msg first; values with spaces, quotes or = are quoted, objects as JSON', () => {
    const { logger, lines } = capture({ level: 'info', format: 'text' });
    logger.child({ component: 'vtctld' }).info('Reshard create done', { workflow: 'cust2cust', target_shards: ['-80', '80-'], error: 'a "b" = c', empty: '' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=INFO msg="Reshard create done" component=vtctld workflow=cust2cust target_shards="\[\\"-80\\",\\"80-\\"\]" error="a \\"b\\" = c" empty=""\n$/,
    );
  });
});

describe('the logging flags', () => {
  it('default to info as text, and read Vitess\'s spellings', () => {
    expect(logSettingsFrom({})).toEqual({ level: 'info', format: 'text' });
    expect(logSettingsFrom({ 'log-level': 'DEBUG', 'log-format': 'json' })).toEqual({ level: 'debug', format: 'json' });
    expect(logSettingsFrom({ 'log-level': 'error', 'log-fmt': 'logfmt' })).toEqual({ level: 'error', format: 'text' });
    expect(logSettingsFrom({ 'log-fmt': 'json' })).toEqual({ level: 'info', format: 'json' });
  });

  it('refuse unknown values, naming the flag and the values it takes', () => {
    expect(() => logSettingsFrom({ 'log-level': 'loud' })).toThrow('invalid log-level "loud": expected debug, info, warn, or error');
    expect(() => logSettingsFrom({ 'log-format': 'xml' })).toThrow('invalid log-format "xml": expected text (or logfmt) or json');
    expect(() => logSettingsFrom({ 'log-fmt': 'yaml' })).toThrow('invalid log-fmt "yaml": expected text (or logfmt) or json');
  });
});
