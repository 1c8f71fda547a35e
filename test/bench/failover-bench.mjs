/**
 * Failover, in process (issue 9): how long writes fail when a shard's primary dies and VTOrc
 * replaces it. One unsharded keyspace with semi_sync durability and the local example's tablets
 * plus a second replica (100 primary, 101 and 111 replicas, 102 rdonly: under semi_sync a new
 * primary needs a replica to acknowledge); VTOrc runs with the local example's config. A client
 * writes through vtgate's executor in a loop; the primary is killed (kill-tablet: its vttablet and
 * mysqld stop abruptly), and the figure is the time from the kill to the client's first successful
 * write afterwards. The killed tablet is restarted (it rejoins as a replica) before the next run;
 * ten runs, each killing whichever tablet is primary then.
 */
import { performance } from 'node:perf_hooks';
import { Cluster } from '@vtsim/cli';
import { TabletType } from '@vtsim/proto';
import { applySchema, applyVSchema } from '@vtsim/vtctld';

const RUNS = 10;
const KEYSPACE = 'commerce';

/**
 * Runs the failovers on one cluster.
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchFailover() {
  const cluster = await Cluster.start({ seed: 'failover-bench', mysqlPort: 0 });
  try {
    return await measure(cluster);
  } finally {
    await cluster.close();
  }
}

/**
 * Runs the failovers on `cluster` and returns the figures.
 * @param {Cluster} cluster
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
async function measure(cluster) {
  await cluster.vtctld.createKeyspace({ name: KEYSPACE, durability_policy: 'semi_sync' });
  for (const uid of [100, 101, 102, 111]) await cluster.addTablet({ keyspace: KEYSPACE, shard: '0', uid });
  await applySchema(cluster.topo, (alias) => cluster.tablet(alias.uid), KEYSPACE, 'create table t(id bigint primary key, v bigint)');
  await applyVSchema(cluster.topo, KEYSPACE, { tables: { t: {} } });
  const vtgate = await cluster.startVtgate();
  await cluster.startVtorc({}, false);
  const session = vtgate.executor.newSession();
  await vtgate.executor.useTarget(session, KEYSPACE);

  let next = 0;
  const write = () => vtgate.executor.execute(session, `insert into t values (${++next}, ${next})`);
  const failovers = [];
  const promotions = [];
  for (let run = 0; run < RUNS; run++) {
    for (let i = 0; i < 100; i++) await write();
    const primary = [...cluster.tabletMap().values()].find((t) => t.type === TabletType.PRIMARY);
    const killed = performance.now();
    await cluster.killTablet(primary.alias.uid);
    const promoted = (async () => {
      while (![...cluster.tabletMap().values()].some((t) => t.type === TabletType.PRIMARY && t.isServing)) await new Promise((r) => setTimeout(r, 2));
      return performance.now() - killed;
    })();
    for (;;) {
      try {
        await write();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 5));
      }
      if (performance.now() - killed > 60_000) throw new Error(`run ${run}: no successful write 60 s after killing the primary`);
    }
    failovers.push(performance.now() - killed);
    promotions.push(await promoted);
    await cluster.restartTablet(primary.alias.uid);
  }
  const p50 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return [
    {
      id: 'failover.first_write_p50',
      what: `failover: primary killed → first successful write, p50 (${RUNS} runs)`,
      value: p50(failovers),
      unit: 'ms',
      target: { op: '<', value: 10_000 },
      detail: `VTOrc (instance poll 1 s) runs EmergencyReparentShard; vtgate buffers meanwhile; semi_sync; max ${Math.max(...failovers).toFixed(0)} ms`,
    },
    {
      id: 'failover.new_primary_p50',
      what: `failover: primary killed → new primary serving, p50 (${RUNS} runs)`,
      value: p50(promotions),
      unit: 'ms',
      target: { op: '<', value: 5_000 },
      detail: `max ${Math.max(...promotions).toFixed(0)} ms`,
    },
  ];
}
