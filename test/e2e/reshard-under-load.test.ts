// Issues 4 and 5 under load: four clients insert, update and delete through vtgate while the
// customer keyspace is resharded 0 → -80,80- → -40,40-80,80-c0,c0- → merged back to -80,80-, with a
// VStream (a gRPC client built from the .proto files) started in the copy phase replaying its ROW
// events into a picture of every table. Checks: the tables equal what the clients' successful
// writes made of them (nothing lost, nothing applied twice, failures retriable), the picture
// equals the tables, no row change arrives twice, and each row's changes arrive in commit order.
// A second run has the client disconnect at random moments and resume from its last VGTID.
import { SeededRandom, type Random } from '@vtsim/binlog';
import { decodeRowBytes, TabletType } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { KEYSPACE, SCHEMA, TABLES, VSCHEMA, Writer, modelOf, sorted, tableRows, waitFor } from '../harness/customer-workload.js';
import { startScenario } from '../harness/scenario.js';
import { PictureStream } from '../harness/vstream-picture.js';

async function runUnderLoad(disconnects: Random | undefined): Promise<void> {
  await using s = await startScenario({
    seed: 'reshard-under-load',
    keyspaces: { customer: { shards: { '0': [200, 201, 202] }, schema: SCHEMA, vschema: VSCHEMA } },
  });
  const writers: Writer[] = [];
  for (let n = 1; n <= 4; n++) writers.push(new Writer(n, { connect: () => s.connect(KEYSPACE), random: new SeededRandom(`writer-${n}`) }));
  const stopWriters = new AbortController();
  const writing = Promise.all(writers.map((w) => w.run(stopWriters.signal)));
  const stream = new PictureStream({ address: s.grpcAddress, disconnects });
  try {
    await waitFor(() => writers.every((w) => w.ok > 20), 'the writers to start');
    const vtctld = s.cluster.vtctld;
    let nextUid = 300;
    /** Lets the clients write `n` more rows (so each phase of a reshard happens under load). */
    const meanwhile = async (n = 100) => {
      const total = () => writers.reduce((sum, w) => sum + w.ok, 0);
      const goal = total() + n;
      await waitFor(() => total() >= goal || writers.some((w) => w.failures.length > 0), `${n} more writes`);
    };
    const reshard = async (workflow: string, from: string[], to: string[]) => {
      for (const shard of to) {
        for (let i = 0; i < 3; i++) await s.startTablet(KEYSPACE, shard, nextUid + i);
        nextUid += 100;
      }
      await vtctld.reshardCreate({ workflow, keyspace: KEYSPACE, source_shards: from, target_shards: to });
      await meanwhile();
      await waitFor(async () => {
        const { workflows } = await vtctld.getWorkflows({ keyspace: KEYSPACE, workflow });
        const streams = workflows.flatMap((w) => Object.values(w.shard_streams).flatMap((ss) => ss.streams));
        return streams.length > 0 && streams.every((st) => st.state === 'Running' && st.copy_states.length === 0);
      }, `${workflow} to finish copying`);
      await meanwhile();
      // VDiff, as the local example runs it before switching: no table differs between the old
      // shards and the new ones, while the writers go on.
      await vtctld.vDiffCreate({ workflow, target_keyspace: KEYSPACE, wait: true });
      const diff = await vtctld.vDiffShow({ workflow, target_keyspace: KEYSPACE, arg: 'last' });
      expect(Object.keys(diff.tablet_responses).sort()).toEqual(to.slice().sort());
      for (const [shard, answer] of Object.entries(diff.tablet_responses)) {
        const out = answer.output!;
        expect(out.rows.length, `${workflow} ${shard}: one VDiff row per table`).toBeGreaterThan(0);
        const mismatch = out.fields.findIndex((f) => f.name === 'has_mismatch');
        const state = out.fields.findIndex((f) => f.name === 'vdiff_state');
        for (const row of out.rows) {
          const cells = decodeRowBytes(row).map((b) => b?.toString('utf8'));
          expect({ workflow, shard, state: cells[state], mismatch: cells[mismatch] }).toEqual({ workflow, shard, state: 'completed', mismatch: '0' });
        }
      }
      await vtctld.workflowSwitchTraffic({ keyspace: KEYSPACE, workflow, tablet_types: [TabletType.RDONLY, TabletType.REPLICA], enable_reverse_replication: true });
      await meanwhile();
      await vtctld.workflowSwitchTraffic({ keyspace: KEYSPACE, workflow, tablet_types: [TabletType.PRIMARY], enable_reverse_replication: true });
      // Complete deletes the old shards: a client must have moved off them (as a person would wait).
      await waitFor(() => stream.shards.slice().sort().join(',') === to.slice().sort().join(','), `the VStream to move to ${to.join(',')}`);
      await meanwhile();
      await vtctld.moveTablesComplete({ workflow, target_keyspace: KEYSPACE });
      for (const t of [...s.cluster.tabletMap().values()]) if (from.includes(t.shard)) await s.killTablet(t.alias.uid);
    };

    await meanwhile(300);
    await reshard('split2', ['0'], ['-80', '80-']);
    await reshard('split4', ['-80', '80-'], ['-40', '40-80', '80-c0', 'c0-']);
    await reshard('merge2', ['-40', '40-80', '80-c0', 'c0-'], ['-80', '80-']);
    await meanwhile();
  } finally {
    stopWriters.abort();
    await writing;
  }
  for (const w of writers) expect(w.failures, 'writes that failed with an error that is not retriable').toEqual([]);
  const tables = { customer: await tableRows(s, 'customer'), corder: await tableRows(s, 'corder') };
  for (const table of TABLES) {
    expect(sorted(tables[table]), `${table}: the table holds exactly the successful writes`).toEqual(sorted(modelOf(writers, table)));
  }
  const same = () => TABLES.every((t) => JSON.stringify(sorted(stream.picture[t])) === JSON.stringify(sorted(tables[t])));
  await waitFor(same, 'the VStream picture to equal the tables').catch(() => undefined);
  await stream.close();
  expect(stream.problems).toEqual([]);
  for (const table of TABLES) expect(sorted(stream.picture[table]), `${table}: the VStream picture`).toEqual(sorted(tables[table]));
  expect(stream.shards.slice().sort()).toEqual(['-80', '80-']);
  expect(writers.reduce((n, w) => n + w.ok, 0)).toBeGreaterThan(1500);
  if (disconnects) expect(stream.resumes).toBeGreaterThan(3);
}

describe('resharding under load with a VStream attached', () => {
  it('no row lost or duplicated, every write succeeded once or failed retriably, the VStream picture equals the tables, per-row changes in commit order', async () => {
    await runUnderLoad(undefined);
  }, 120_000);

  it('the same with the VStream client disconnecting and resuming from its saved VGTID at random moments', async () => {
    await runUnderLoad(new SeededRandom('disconnects'));
  }, 120_000);
});
