// Issue 9, item 4, chaos: `vtsim up --chaos-seed S --chaos-every MS` injects random self-healing
// faults from the vocabulary, reproducibly. The schedule is computed (not waited for) twice for
// 60 s with the same seed and compared; then a short real run of a cluster process applies it,
// and its log holds exactly the schedule's faults, in order.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULT_VERBS, chaosSchedule, type ChaosEvent, type ChaosTargets } from '@vtsim/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA, VSCHEMA, waitFor } from '../harness/customer-workload.js';
import { clusterPlace, ensureCliBuilt, type ClusterPlace } from '../harness/vtsim-cli.js';

const TARGETS: ChaosTargets = { shards: ['customer/-80', 'customer/80-'], uids: [100, 101, 102, 200, 201, 202] };

/** The line the cluster logs for a scheduled fault (drop-vstreams adds how many streams it ended). */
const lineOf = (e: ChaosEvent) => `fault ${e.verb}${Object.entries(e.args).map(([k, v]) => ` --${k} ${v}`).join('')}`;

describe('the chaos schedule', () => {
  it('is the same for the same seed over 60 s, and differs for another seed', () => {
    const first = chaosSchedule('chaos-seed-1', 1000, 60_000, TARGETS);
    const second = chaosSchedule('chaos-seed-1', 1000, 60_000, TARGETS);
    expect(first).toHaveLength(60);
    expect(second).toEqual(first);
    expect(chaosSchedule('chaos-seed-2', 1000, 60_000, TARGETS)).not.toEqual(first);
    expect(first.map((e) => e.atMs)).toEqual(Array.from({ length: 60 }, (_, i) => (i + 1) * 1000));
  });

  it('draws only self-healing faults of the vocabulary, on the given targets, each healed before the next', () => {
    const events = chaosSchedule('chaos-seed-1', 1000, 60_000, TARGETS);
    const verbs = new Set(FAULT_VERBS.map((v) => v.name));
    for (const e of events) {
      expect(verbs.has(e.verb), e.verb).toBe(true);
      expect(['stall-shard', 'partition-tablet', 'drop-vstreams', 'restart-vtgate']).toContain(e.verb);
      if (e.verb === 'stall-shard') expect(TARGETS.shards).toContain(`${e.args.keyspace}/${e.args.shard}`);
      if (e.verb === 'partition-tablet') expect(TARGETS.uids).toContain(e.args.uid);
      if (e.args.ms !== undefined) expect(e.args.ms as number).toBeGreaterThanOrEqual(100);
      if (e.args.ms !== undefined) expect(e.args.ms as number).toBeLessThan(1000);
    }
    // Sixty draws among four verbs give each at least once.
    expect(new Set(events.map((e) => e.verb)).size).toBe(4);
    // Without tablets, only the faults that need none.
    expect(new Set(chaosSchedule('chaos-seed-1', 1000, 60_000, { shards: [], uids: [] }).map((e) => e.verb))).toEqual(new Set(['drop-vstreams', 'restart-vtgate']));
    expect(() => chaosSchedule('chaos-seed-1', 0, 60_000, TARGETS)).toThrow(RangeError);
  });
});

beforeAll(ensureCliBuilt, 180_000);

describe('vtsim up --chaos-seed --chaos-every', () => {
  let place: ClusterPlace;
  beforeAll(async () => {
    place = await clusterPlace();
  });
  afterAll(async () => {
    await place?.vtsim('down');
    place?.stop();
  });

  it('applies the seed\'s schedule to the running cluster, logging each fault', async () => {
    const dir = join(place.root, 'schema', 'customer');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'customer.sql'), SCHEMA);
    writeFileSync(join(dir, 'vschema.json'), JSON.stringify(VSCHEMA));
    const up = await place.vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort), '--keyspaces', 'customer', '--num-shards', '2',
      '--schema-dir', join(place.root, 'schema'), '--chaos-seed', 'chaos-run', '--chaos-every', '300', '--log-format', 'json');
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const status = JSON.parse((await place.vtsim('status')).stdout) as { tablets: { alias: string; keyspace: string; shard: string }[] };
    const targets: ChaosTargets = {
      shards: [...new Set(status.tablets.map((t) => `${t.keyspace}/${t.shard}`))].sort(),
      uids: status.tablets.map((t) => Number(t.alias.split('-')[1])).sort((a, b) => a - b),
    };
    // The cluster's log lines (--log-format json: one object per line), by message (the log file
    // also holds the JSON config line the detached process printed on its stdout, which has none).
    const messages = () => readFileSync(place.logFile, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { msg?: string }).msg).filter((m) => m !== undefined);
    const applied = () => messages().filter((m) => m.startsWith('fault ') && !m.startsWith('fault healed'));
    await waitFor(() => applied().length >= 6, 'six chaos faults', 30_000);
    const expected = chaosSchedule('chaos-run', 300, 6 * 300, targets).map(lineOf);
    expect(applied().slice(0, 6).map((l) => l.replace(/ \(\d+ VStreams\)$/, ''))).toEqual(expected);
    expect(messages()).toContain('chaos: seed "chaos-run", one fault every 300 ms');
    expect(messages().filter((m) => m.startsWith('chaos: skipped'))).toEqual([]);
  }, 60_000);
});
