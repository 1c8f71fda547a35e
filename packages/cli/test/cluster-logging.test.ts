// What a Cluster logs through the Logger it is given (in process, no ports): a tablet's state
// changes (type, serving, health error), vtgate and VTOrc up and down, fault verbs, and each line
// carrying its component's fields.
import { describe, expect, it } from 'vitest';
import type { LogFields, Logger } from '@vtsim/binlog';
import { Cluster } from '../src/cluster.js';

/** A logged line: its level, message and every field (the children's included). */
interface Line extends LogFields {
  level: string;
  msg: string;
}

/** A Logger that keeps its lines (and its children's) in `lines`. */
function recordingLogger(lines: Line[], bound: LogFields = {}): Logger {
  const at = (level: string) => (msg: string, fields?: LogFields) => void lines.push({ ...bound, ...fields, level, msg });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (fields) => recordingLogger(lines, { ...bound, ...fields }) };
}

describe('Cluster logging', () => {
  it('logs each tablet state change once, with the health error while its mysqld is down', async () => {
    const lines: Line[] = [];
    await using cluster = await Cluster.start({ seed: 'cluster-logging', mysqlPort: 0, logger: recordingLogger(lines) });
    await cluster.addTablet({ keyspace: 'ks', shard: '0', uid: 100 });
    await cluster.addTablet({ keyspace: 'ks', shard: '0', uid: 101 });
    const tablet101 = () => lines.filter((l) => l.msg.startsWith('tablet ') && l.tablet === 'zone1-0000000101');
    expect(lines.filter((l) => l.msg === 'tablet state changed')).toEqual([
      { level: 'info', msg: 'tablet state changed', component: 'vttablet', tablet: 'zone1-0000000100', keyspace: 'ks', shard: '0', transition: 'REPLICA: Not Serving -> PRIMARY: Serving', type: 'PRIMARY', serving: true },
      { level: 'info', msg: 'tablet state changed', component: 'vttablet', tablet: 'zone1-0000000101', keyspace: 'ks', shard: '0', transition: 'REPLICA: Not Serving -> REPLICA: Serving', type: 'REPLICA', serving: true },
    ]);

    await cluster.stopMysqld(101);
    await cluster.startMysqld(101);
    // Down: not serving, with the health error; back: the error clears, then it serves again.
    await expect.poll(() => tablet101().length).toBe(4);
    expect(tablet101().slice(1)).toEqual([
      expect.objectContaining({ msg: 'tablet state changed', transition: 'REPLICA: Serving -> REPLICA: Not Serving', serving: false, health_error: expect.stringContaining('Cannot connect to MySQL') }),
      expect.objectContaining({ msg: 'tablet health changed', type: 'REPLICA', serving: false, health_error: '' }),
      expect.objectContaining({ msg: 'tablet state changed', transition: 'REPLICA: Not Serving -> REPLICA: Serving', serving: true }),
    ]);
    expect(tablet101()[3]).not.toHaveProperty('health_error');

    await cluster.startVtgate();
    await cluster.faults.restartVtgate();
    await cluster.startVtorc({}, false);
    await cluster.stopVtorc();
    expect(lines.filter((l) => ['vtgate', 'vtorc', 'fault'].includes(l.component as string)).map((l) => `${l.component as string}: ${l.msg}`)).toEqual([
      'vtgate: vtgate up',
      'fault: fault restart-vtgate',
      'vtgate: vtgate down',
      'vtgate: vtgate up',
      'vtorc: vtorc up',
      'vtorc: vtorc down',
    ]);
  });
});
