// The cluster's timeline is fed by the components' log lines: the logger passes every line on and
// records those naming a step, with the fields of the child loggers that wrote them.
import { noopLogger, type LogFields, type Logger } from '@vtsim/binlog';
import { describe, expect, it } from 'vitest';
import { ClusterTimeline } from '../src/cluster-timeline.js';

const clock = { now: () => 1_700_000_000_000, nowNanos: () => 1_700_000_000_000_000_000n };

/** A logger keeping every line it gets. */
function recording(): { logger: Logger; lines: [string, string, LogFields | undefined][] } {
  const lines: [string, string, LogFields | undefined][] = [];
  const make = (base: LogFields): Logger => ({
    debug: (msg, f) => void lines.push(['debug', msg, { ...base, ...f }]),
    info: (msg, f) => void lines.push(['info', msg, { ...base, ...f }]),
    warn: (msg, f) => void lines.push(['warn', msg, { ...base, ...f }]),
    error: (msg, f) => void lines.push(['error', msg, { ...base, ...f }]),
    child: (f) => make({ ...base, ...f }),
  });
  return { logger: make({}), lines };
}

describe('ClusterTimeline', () => {
  it('records the steps of the log lines with their child fields, and passes every line on unchanged', () => {
    const timeline = new ClusterTimeline(clock);
    const { logger, lines } = recording();
    const log = timeline.logger(logger);
    const seen: string[] = [];
    const stop = timeline.subscribe((e) => seen.push(e.text));
    const tablet = log.child({ component: 'vttablet', tablet: 'zone1-0000000300', keyspace: 'customer', shard: '-80' });
    tablet.info('tablet state changed', { transition: 'REPLICA: Not Serving -> PRIMARY: Serving', type: 'PRIMARY', serving: true });
    tablet.child({ workflow: 'cust2cust', stream_id: 1, source_shard: 'customer/0' }).info('vreplication copy phase done', { rows_copied: 8 });
    tablet.debug('vreplication copy phase done', { rows_copied: 8 });
    log.info('SwitchTraffic done', { step: 'SwitchTraffic', workflow: 'cust2cust', keyspace: 'customer', tablet_types: ['RDONLY', 'REPLICA'], dry_run: false, current_state: 'All Reads Switched. Writes Not Switched' });
    log.info('SwitchTraffic done', { step: 'SwitchTraffic', workflow: 'cust2cust', keyspace: 'customer', tablet_types: ['PRIMARY'], dry_run: true, current_state: 'x' });
    stop();
    log.child({ component: 'vtgate' }).info('vstream moved to new shards at the journal', { vstream: 1, journal_id: '77', from: ['customer/0'], to: ['customer/-80', 'customer/80-'] });
    log.info('toString');
    log.warn('tablet state changed');

    expect(timeline.entries().map((e) => [e.seq, e.atMs, e.kind, e.text])).toEqual([
      [1, 1_700_000_000_000, 'tablet', 'tablet zone1-0000000300 (customer/-80): REPLICA: Not Serving -> PRIMARY: Serving'],
      [2, 1_700_000_000_000, 'copy', 'copy done: customer/-80 stream 1 of cust2cust copied 8 rows from customer/0'],
      [3, 1_700_000_000_000, 'traffic', 'reads switched for customer.cust2cust (RDONLY, REPLICA): All Reads Switched. Writes Not Switched'],
      [4, 1_700_000_000_000, 'vstream', 'VStream client #1 moved customer/0 → customer/-80, customer/80- at journal 77'],
    ]);
    expect(seen).toHaveLength(3);
    expect(lines.map(([level, msg]) => `${level} ${msg}`)).toEqual([
      'info tablet state changed',
      'info vreplication copy phase done',
      'debug vreplication copy phase done',
      'info SwitchTraffic done',
      'info SwitchTraffic done',
      'info vstream moved to new shards at the journal',
      'info toString',
      'warn tablet state changed',
    ]);
    expect(lines[1]![2]).toMatchObject({ component: 'vttablet', tablet: 'zone1-0000000300', workflow: 'cust2cust', rows_copied: 8 });
  });

  it('keeps the newest entries up to its limit', () => {
    const timeline = new ClusterTimeline(clock, 2);
    const log = timeline.logger(noopLogger);
    for (const name of ['vtgate up', 'vtgate down', 'vtorc up']) log.info(name);
    expect(timeline.entries().map((e) => `${e.seq} ${e.text}`)).toEqual(['2 vtgate down', '3 vtorc up']);
  });
});
