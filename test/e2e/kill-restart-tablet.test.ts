// Issue 9, item 1: killTablet is `kill -9` of a tablet's vttablet and mysqld. A transaction open
// through vtgate is lost (its commit fails), committed rows stay in the killed mysqld's data, the
// replica's IO thread reports the lost source (Last_IO_Errno 2013, then 2003, state Connecting, as
// GetFullStatus shows it to VTOrc), and restartTablet brings the primary back as PRIMARY (nothing
// was reparented) with its data, server_uuid and GTID position; the replica reconnects by itself.
import { describe, expect, it } from 'vitest';
import { TabletType } from '@vtsim/proto';
import { KEYSPACE, SCHEMA, VSCHEMA, waitFor } from '../harness/customer-workload.js';
import { startScenario } from '../harness/scenario.js';

describe('killTablet / restartTablet', () => {
  it('loses the open transaction, keeps committed rows, and the replica reconnects to the restarted primary', async () => {
    await using s = await startScenario({
      seed: 'kill-restart',
      keyspaces: { customer: { shards: { '0': [200, 201] }, schema: SCHEMA, vschema: VSCHEMA } },
    });
    const writer = await s.connect(KEYSPACE);
    for (let id = 1; id <= 5; id++) await writer.query(`insert into customer(customer_id, email) values (${id}, 'c${id}@x')`);
    const open = await s.connect(KEYSPACE);
    await open.query('begin');
    await open.query("insert into customer(customer_id, email) values (100, 'open@x')");
    const primary = s.tablet(200);
    const uuid = primary.mysqld.serverUuid;
    const position = primary.position();

    await s.killTablet(200);
    expect(s.cluster.tablet(200)).toBeUndefined();
    const status = async () => (await s.cluster.vtctld.getFullStatus({ tablet_alias: { cell: 'zone1', uid: 201 } })).status!.replication_status!;
    // Connecting, Source_UUID kept from the lost source (as SHOW REPLICA STATUS keeps it).
    expect(await status()).toMatchObject({ io_state: 2, source_uuid: uuid });
    expect((await status()).last_io_error).toMatch(/^error reconnecting to source 'vt_repl@localhost:17200' - retry-time: 10 retries: 1 message: Lost connection to MySQL server during query$/);
    await expect(open.query('commit')).rejects.toThrow();

    const restarted = await s.cluster.restartTablet(200);
    expect(restarted.type).toBe(TabletType.PRIMARY);
    expect(restarted.mysqld.serverUuid).toBe(uuid);
    expect(restarted.position()).toBe(position);
    expect((await s.mysql('select customer_id from customer order by customer_id', KEYSPACE)).map((r) => r[0])).toEqual(['1', '2', '3', '4', '5']);
    await writer.query("insert into customer(customer_id, email) values (6, 'c6@x')");
    // The replica's IO thread retries every --replication_connect_retry (10 s) and catches up.
    await waitFor(() => s.tablet(201).position() === restarted.position(), 'the replica to reconnect', 15_000);
    expect((await status()).io_state).toBe(3);
  }, 30_000);
});
