// Issue 9, item 2 (durability): the keyspace's durability policy decides what a failover can lose.
// A shard with a primary (200) and two replicas (201, 211) whose replication is stopped; a client
// writes through vtgate, the primary is killed (kill -9 of vttablet and mysqld) and
// EmergencyReparentShard promotes a replica (under semi_sync the other acknowledges its writes). With
// semi_sync the write was never acknowledged (it waited for a replica's ack and failed with 2013
// when the primary died), so no acknowledged write is lost; with
// none it was acknowledged at once and the failover loses it, as in MySQL. The killed primary comes
// back with restartTablet as a REPLICA of the new primary, and (semi_sync) its acks let writes
// through the new primary again.
import { describe, expect, it } from 'vitest';
import { TabletType } from '@vtsim/proto';
import { KEYSPACE, SCHEMA, VSCHEMA, waitFor } from '../harness/customer-workload.js';
import { startScenario, type Scenario } from '../harness/scenario.js';

const alias = (uid: number) => ({ cell: 'zone1', uid });

async function ids(s: Scenario): Promise<number[]> {
  return (await s.mysql('select customer_id from customer order by customer_id', KEYSPACE)).map((r) => Number(r[0]));
}

/** Resolves to 'pending' if `p` has not settled within `ms`. */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  return Promise.race([p.then(() => 'settled' as const, () => 'settled' as const), new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);
}

async function failover(policy: 'semi_sync' | 'none'): Promise<void> {
  await using s = await startScenario({
    seed: `durability-${policy}`,
    // Two replicas: under semi_sync a new primary needs one to acknowledge (ERS refuses otherwise).
    keyspaces: { customer: { shards: { '0': [200, 201, 211] }, schema: SCHEMA, vschema: VSCHEMA } },
  });
  await s.cluster.vtctld.setKeyspaceDurabilityPolicy({ keyspace: KEYSPACE, durability_policy: policy });
  await waitFor(async () => (await s.tablet(200).fullStatus()).semi_sync_primary_enabled === (policy === 'semi_sync'), 'the primary to apply the policy');
  const conn = await s.connect(KEYSPACE);
  const insert = (id: number) => conn.query(`insert into customer(customer_id, email) values (${id}, 'c${id}@x')`);
  for (let id = 1; id <= 20; id++) await insert(id);

  for (const uid of [201, 211]) await s.cluster.vtctld.stopReplication({ tablet_alias: alias(uid) });
  const unreplicated = insert(21);
  let outcome: 'acknowledged' | string = 'acknowledged';
  const settled = unreplicated.then(() => undefined, (err: Error) => void (outcome = err.message));
  if (policy === 'semi_sync') {
    expect(await settledWithin(unreplicated, 300)).toBe('pending');
  } else {
    await unreplicated;
  }
  await s.killTablet(200);
  await settled;
  if (policy === 'semi_sync') expect(outcome).toMatch(/Lost connection to MySQL server during query/);
  else expect(outcome).toBe('acknowledged');

  const ers = await s.cluster.vtctld.emergencyReparentShard({ keyspace: KEYSPACE, shard: '0' });
  expect(ers.promoted_primary).toEqual(alias(201));
  // Every write acknowledged before the replica stopped is there; 21 is not: with semi_sync it was
  // never acknowledged, with none it was and is lost.
  expect(await ids(s)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

  const restarted = await s.cluster.restartTablet(200);
  expect(restarted.type).toBe(TabletType.REPLICA);
  expect((await restarted.getReplicationStatus())!.source_alias).toEqual(alias(201));
  await insert(22);
  await waitFor(async () => restarted.mysqld.gtidExecuted().contains(s.tablet(201).mysqld.gtidExecuted()), 'the old primary to replicate from the new one');
  expect(await ids(s)).toContain(22);
}

describe('durability policy across a failover', () => {
  it('semi_sync: the write the dead primary never acknowledged is gone, every acknowledged write survives', async () => {
    await failover('semi_sync');
  });

  it('none: a write acknowledged by the primary but not replicated is lost by the failover', async () => {
    await failover('none');
  });
});
