/**
 * The records of the tablets a cluster starts advertise its `tabletHostname` (vttablet's
 * `--tablet_hostname`, what `vtsim up --tablet_hostname` sets), and `localhost` without it.
 */
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/cluster.js';

describe('Cluster tablet hostname', () => {
  it('advertises --tablet_hostname in the records of the tablets it starts, localhost by default', async () => {
    for (const [tabletHostname, advertised] of [['db1.example', 'db1.example'], [undefined, 'localhost']] as const) {
      await using cluster = await Cluster.start({ tabletHostname });
      await cluster.addTablet({ keyspace: 'commerce', shard: '0', uid: 100 });
      const { tablet } = await cluster.topo.getTablet({ cell: 'zone1', uid: 100 });
      expect([tablet.hostname, tablet.mysql_hostname]).toEqual([advertised, advertised]);
    }
  });
});
