// Issue 9's failover acceptance: with VTOrc running (the local example's 1 s polls) and semi_sync
// durability, a shard's primary is killed (kill-tablet: vttablet and mysqld die at once) under the
// workload's four writers and a VStream client. Checks: a new primary within 5 s, writes to that
// shard succeed again within 10 s (vtgate buffers meanwhile), no acknowledged write is lost (the
// tables hold exactly what the writers were told succeeded, writes of unknown outcome resolved by
// reading them back), the VStream client's picture equals the tables with nothing lost or twice
// (GTIDs keep their server UUIDs across the failover), and the killed primary comes back as a
// REPLICA of the new one and catches up.
import { SeededRandom } from '@vtsim/binlog';
import { Code, TabletType, errorCode, tabletAliasString } from '@vtsim/proto';
import { HashVindex } from '@vtsim/vindexes';
import { describe, expect, it } from 'vitest';
import { KEYSPACE, SCHEMA, TABLES, VSCHEMA, Writer, cutoverErrorKind, modelOf, sorted, tableRows, waitFor, type WriteErrorKind } from '../harness/customer-workload.js';
import { startScenario } from '../harness/scenario.js';
import { PictureStream } from '../harness/vstream-picture.js';

/** A commit in flight on the killed primary loses its connection: it may or may not be in the data. */
function classify(err: { errno?: number; code?: string; message: string }): WriteErrorKind {
  if (/Lost connection to MySQL server during query/.test(err.message)) return 'ambiguous';
  return cutoverErrorKind(err);
}

/** An id whose hash keyspace id falls in -80, above every writer's ids. */
function probeIdInLowerHalf(): bigint {
  const hash = new HashVindex('hash');
  for (let id = 9_000_000n; ; id++) {
    if (hash.mapOne(id)![0]! < 0x80) return id;
  }
}

describe('VTOrc replaces a killed primary under load (semi_sync)', () => {
  it('a new primary within 5 s, writes again within 10 s, no acknowledged write lost, the VStream picture equals the tables', async () => {
    await using s = await startScenario({
      seed: 'vtorc-failover',
      keyspaces: {
        customer: { shards: { '-80': [300, 301, 302, 311], '80-': [400, 401, 402, 411] }, schema: SCHEMA, vschema: VSCHEMA, durabilityPolicy: 'semi_sync' },
      },
    });
    await s.cluster.startVtorc({}, false);
    const errors: string[] = [];
    const writers = [1, 2, 3, 4].map(
      (n) =>
        new Writer(n, {
          connect: () => s.connect(KEYSPACE),
          random: new SeededRandom(`vtorc-writer-${n}`),
          classify: (err) => {
            errors.push(err.message);
            return classify(err);
          },
        }),
    );
    const stream = new PictureStream({ address: s.grpcAddress, shards: ['-80', '80-'], resumable: (err) => errorCode(err) === Code.UNAVAILABLE });
    const stop = new AbortController();
    const running = Promise.all(writers.map((w) => w.run(stop.signal)));
    const total = () => writers.reduce((n, w) => n + w.ok, 0);
    const old = s.primary(KEYSPACE, '-80');
    let promotedMs = 0;
    let writableMs = 0;
    try {
      await waitFor(() => total() > 200, 'the writers to start');
      const probe = await s.connect(KEYSPACE);
      const probeId = probeIdInLowerHalf();
      const killed = performance.now();
      await s.cluster.faults.killTablet({ uid: old.alias.uid });
      const probing = (async () => {
        for (;;) {
          try {
            await probe.query(`insert into customer(customer_id, email) values (${probeId}, 'probe-v0@x')`);
            writableMs = performance.now() - killed;
            await probe.query(`delete from customer where customer_id = ${probeId}`);
            return;
          } catch {
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      })();
      await waitFor(async () => {
        const primary = (await s.cluster.topo.getShard(KEYSPACE, '-80')).shard.primary_alias;
        return !!primary && primary.uid !== old.alias.uid && s.cluster.tablet(primary.uid)?.type === TabletType.PRIMARY;
      }, 'a new primary', 10_000);
      promotedMs = performance.now() - killed;
      await Promise.race([probing, new Promise((r) => setTimeout(r, 15_000))]);
      await probe.end();
      const goal = total() + 200;
      await waitFor(() => total() >= goal, '200 more writes after the failover', 20_000);
    } finally {
      stop.abort();
      await running;
    }
    expect(promotedMs, 'kill → new primary (ms)').toBeGreaterThan(0);
    expect(promotedMs, 'kill → new primary (ms)').toBeLessThan(5000);
    expect(writableMs, 'kill → first successful write to the shard (ms)').toBeGreaterThan(0);
    expect(writableMs, 'kill → first successful write to the shard (ms)').toBeLessThan(10_000);
    for (const w of writers) expect(w.failures, 'writes that failed with an error that is neither retriable nor of unknown outcome').toEqual([]);
    for (const message of errors) expect(message).toMatch(/Lost connection to MySQL server during query|UNAVAILABLE|buffer|failover|not serving|NOT_SERVING/i);

    const tables = { customer: await tableRows(s, 'customer'), corder: await tableRows(s, 'corder') };
    for (const table of TABLES) expect(sorted(tables[table]), `${table}: every acknowledged write and nothing else`).toEqual(sorted(modelOf(writers, table)));
    const same = () => TABLES.every((t) => JSON.stringify(sorted(stream.picture[t])) === JSON.stringify(sorted(tables[t])));
    await waitFor(same, 'the VStream picture to equal the tables').catch(() => undefined);
    await stream.close();
    expect(stream.problems).toEqual([]);
    for (const table of TABLES) expect(sorted(stream.picture[table]), `${table}: the VStream picture`).toEqual(sorted(tables[table]));

    const back = await s.cluster.faults.restartTablet({ uid: old.alias.uid }).then(() => s.tablet(old.alias.uid));
    expect(back.type).toBe(TabletType.REPLICA);
    const primary = s.primary(KEYSPACE, '-80');
    expect(tabletAliasString((await back.getReplicationStatus())!.source_alias!)).toBe(tabletAliasString(primary.alias));
    await waitFor(() => back.mysqld.gtidExecuted().contains(primary.mysqld.gtidExecuted()), 'the old primary to catch up as a replica');
  }, 120_000);
});
