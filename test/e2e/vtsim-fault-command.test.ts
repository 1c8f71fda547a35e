// Issue 9, item 4, the command form: `vtsim fault <verb> [flags]` run as a process against a
// running `vtsim up --detach` (private VTDATAROOT, free ports): each verb prints the line the
// cluster logs (and the cluster's log file holds it), `fault list` shows the faults in force, and
// bad input — unknown verb, flag or tablet, bad numbers — exits 1 with a clear error.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA, VSCHEMA } from '../harness/customer-workload.js';
import { clusterPlace, ensureCliBuilt, type ClusterPlace } from '../harness/vtsim-cli.js';

interface StatusReply {
  tablets: { alias: string; keyspace: string; shard: string; type: string }[];
}

beforeAll(ensureCliBuilt, 180_000);

describe('vtsim fault against a running vtsim up', () => {
  let place: ClusterPlace;
  let primary: number;
  const fault = (...args: string[]) => place.vtsim('fault', ...args);
  const ok = (line: string) => ({ code: 0, stdout: `${line}\n`, stderr: '' });
  const refused = (message: string) => ({ code: 1, stdout: '', stderr: `ERROR: ${message}\n` });

  beforeAll(async () => {
    place = await clusterPlace();
    const dir = join(place.root, 'schema', 'customer');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'customer.sql'), SCHEMA);
    writeFileSync(join(dir, 'vschema.json'), JSON.stringify(VSCHEMA));
    const up = await place.vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort), '--keyspaces', 'customer', '--num-shards', '2', '--schema-dir', join(place.root, 'schema'), '--log-format', 'json');
    expect(up.stderr).toBe('');
    const status = JSON.parse((await place.vtsim('status')).stdout) as StatusReply;
    primary = Number(status.tablets.find((t) => t.shard === '80-' && t.type === 'PRIMARY')!.alias.slice(-3));
  }, 60_000);
  afterAll(async () => {
    await place?.vtsim('down');
    place?.stop();
  });

  it('applies each verb, prints its log line, and lists the faults in force', async () => {
    expect(await fault('stall-shard', '--keyspace', 'customer', '--shard', '-80', '--ms', '60000')).toEqual(ok('fault stall-shard --keyspace customer --shard -80 --ms 60000'));
    expect(await fault('partition-tablet', `--uid=${primary}`)).toEqual(ok(`fault partition-tablet --uid ${primary}`));
    const listed = await fault('list');
    expect(listed.code).toBe(0);
    const active = (JSON.parse(listed.stdout) as { verb: string; args: object }[]).map((f) => ({ verb: f.verb, args: f.args }));
    expect(active).toEqual([
      { verb: 'stall-shard', args: { keyspace: 'customer', shard: '-80', ms: 60000 } },
      { verb: 'partition-tablet', args: { uid: primary } },
    ]);
    expect(await fault('copy-rate', '--rows-per-sec', '500')).toEqual(ok('fault copy-rate --rows-per-sec 500'));
    expect(await fault('drop-vstreams', '--code', 'unavailable')).toEqual(ok('fault drop-vstreams --code UNAVAILABLE (0 VStreams)'));
    expect(await fault('purge-binlogs', '--uid', String(primary + 1), '--keep', '0')).toEqual(ok(`fault purge-binlogs --uid ${primary + 1} --keep 0`));
    expect(await fault('heal')).toEqual(ok('fault heal (3 faults)'));
    expect(JSON.parse((await fault('list')).stdout)).toEqual([]);

    expect(await fault('restart-vtgate')).toEqual(ok('fault restart-vtgate'));
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root' });
    try {
      await conn.query("insert into customer.customer(customer_id, email) values (4, 'c4')");
      const [rows] = await conn.query({ sql: 'select customer_id from customer.customer', rowsAsArray: true });
      expect(rows).toEqual([[4]]);
    } finally {
      await conn.end();
    }

    // The cluster's log (--log-format json: one object per line): the fault lines' messages.
    const logged = readFileSync(place.logFile, 'utf8').split('\n').filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { component?: string; msg: string }).filter((r) => r.component === 'fault').map((r) => r.msg);
    expect(logged.filter((l) => !l.startsWith('fault healed'))).toEqual([
      'fault stall-shard --keyspace customer --shard -80 --ms 60000',
      `fault partition-tablet --uid ${primary}`,
      'fault copy-rate --rows-per-sec 500',
      'fault drop-vstreams --code UNAVAILABLE (0 VStreams)',
      `fault purge-binlogs --uid ${primary + 1} --keep 0`,
      'fault heal (3 faults)',
      'fault restart-vtgate',
    ]);
  }, 60_000);

  it('refuses bad input with a clear error and exit code 1', async () => {
    expect(await fault('frobnicate')).toEqual(
      refused("unknown fault verb 'frobnicate' (verbs: kill-tablet, restart-tablet, stall-shard, replication-delay, partition-tablet, drop-vstreams, restart-vtgate, copy-rate, interrupt-copy, purge-binlogs, heal)"),
    );
    expect(await fault('partition-tablet', '--uid', '999')).toEqual(refused('tablet zone1-0000000999 is not running'));
    expect(await fault('partition-tablet')).toEqual(refused('partition-tablet: --uid is required'));
    expect(await fault('stall-shard', '--keyspace', 'customer', '--shard', '-80', '--ms', 'soon')).toEqual(refused("stall-shard: --ms must be a non-negative integer, not 'soon'"));
    expect(await fault('stall-shard', '--keyspace', 'customer', '--shard', '-80', '--ms', '0')).toEqual(refused('--ms must be a positive integer, not 0'));
    expect(await fault('stall-shard', '--keyspace', 'customer', '--shard', '0', '--ms', '10')).toEqual(refused('shard customer/0 does not exist'));
    expect(await fault('heal', '--now', 'yes')).toEqual(refused('heal: unknown flag --now (it takes no flags)'));
    expect(await fault('copy-rate', '--rows', '5')).toEqual(refused('copy-rate: unknown flag --rows (flags: --rows-per-sec)'));
    expect(await fault('interrupt-copy', '--workflow', 'nope')).toEqual(refused("no stream of workflow 'nope' is copying"));
    expect(await fault('drop-vstreams', '--code', 'OK')).toEqual(refused("--code must be a vtrpc code other than OK (UNAVAILABLE, CANCELED, DEADLINE_EXCEEDED, …), not 'OK'"));
    expect(await fault('purge-binlogs', '--uid')).toEqual(refused('flag --uid needs a value'));
    expect(await place.vtsim('up', '--chaos-seed', 'x')).toEqual(refused('--chaos-seed and --chaos-every go together'));
    expect(await place.vtsim('up', '--chaos-seed', 'x', '--chaos-every', '0')).toEqual(refused("--chaos-every must be a positive number of ms, not '0'"));
    // The control API answers the same checks with 400 and the error.
    const api = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${place.web}${path}`, init).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await api('/api/faults/heal', { method: 'POST', body: 'not json' })).toEqual({ status: 400, body: { error: 'the body must be a JSON object of flags' } });
    expect(await api('/api/faults/stall-shard', { method: 'POST', body: JSON.stringify({ keyspace: 'customer', shard: '-80', ms: -5 }) }))
      .toEqual({ status: 400, body: { error: "stall-shard: --ms must be a non-negative integer, not '-5'" } });
    expect(await api('/api/faults/nope', { method: 'POST', body: '{}' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^unknown fault verb 'nope'/) } });
    expect((await api('/api/faults')).body).toMatchObject({ active: [], verbs: ['kill-tablet', 'restart-tablet', 'stall-shard', 'replication-delay', 'partition-tablet', 'drop-vstreams', 'restart-vtgate', 'copy-rate', 'interrupt-copy', 'purge-binlogs', 'heal'] });
    const usage = await fault();
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/^usage: vtsim fault <verb> \[flags\]/);
    expect(usage.stderr).toContain('partition-tablet --uid N [--ms N]');
    // Nothing of this reached the cluster's fault log.
    expect(readFileSync(place.logFile, 'utf8')).not.toMatch(/fault (frobnicate|partition-tablet --uid 999)/);
  }, 60_000);
});
