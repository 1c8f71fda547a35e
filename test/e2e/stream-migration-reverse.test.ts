// Stream migration both ways (issue 5, item 1): a VStream on customer/0 follows Reshard's
// SwitchTraffic to -80,80-, ReverseTraffic back to 0 (the new shards journal back to the old
// one: a merge of two participants), and SwitchTraffic again — one stream, gRPC client built from
// the .proto files, every write arriving exactly once from the shard that holds it.
import { decodePosition } from '@vtsim/binlog';
import { decodeRowBytes, TabletType } from '@vtsim/proto';
import { TrafficSwitchDirection } from '@vtsim/vtctld';
import { VtgateClient, type DecodedMessage } from '@vtsim/vtgate';
import { describe, expect, it } from 'vitest';
import { startScenario } from '../harness/scenario.js';

const SCHEMA = 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id));';
const VSCHEMA = {
  sharded: true,
  vindexes: { hash: { type: 'hash' } },
  tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] } },
};

const types = (r: DecodedMessage) => (r.events as DecodedMessage[]).map((e) => e.type as string);
const source = (r: DecodedMessage) => (r.events as DecodedMessage[]).find((e) => e.shard)?.shard as string | undefined;
const shardsOf = (r: DecodedMessage) => {
  const v = (r.events as DecodedMessage[]).filter((e) => e.type === 'VGTID').at(-1)?.vgtid as DecodedMessage | undefined;
  return v ? (v.shard_gtids as DecodedMessage[]).map((s) => s.shard as string) : undefined;
};
const rowIds = (r: DecodedMessage) =>
  (r.events as DecodedMessage[])
    .filter((e) => e.type === 'ROW')
    .flatMap((e) => (e.row_event.row_changes as DecodedMessage[]).map((ch) => decodeRowBytes(ch.after)[0]!.toString('utf8')));

describe('a VStream across SwitchTraffic, ReverseTraffic and SwitchTraffic again', () => {
  it('moves 0 → -80,80- → 0 → -80,80- with every insert once, from its shard, and GTID sets that only grow', async () => {
    await using s = await startScenario({
      seed: 'stream-migration-reverse',
      keyspaces: { customer: { shards: { '0': [200, 201, 202] }, schema: SCHEMA, vschema: VSCHEMA } },
    });
    const client = VtgateClient.connect(s.grpcAddress);
    const abort = new AbortController();
    const responses: DecodedMessage[] = [];
    const reading = (async () => {
      const request = {
        tablet_type: 'PRIMARY',
        vgtid: { shard_gtids: [{ keyspace: 'customer', shard: '0', gtid: 'current' }] },
        filter: { rules: [{ match: 'customer', filter: 'select * from customer' }] },
      };
      for await (const r of client.vstream(request, abort.signal)) responses.push(r);
    })();
    const until = async (what: string, done: () => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${responses.map((r) => `${source(r)}[${types(r).join(' ')}]`).join(' ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    /** Inserts `ids` through vtgate and waits for their ROW events; returns the shard each came from. */
    const insert = async (...ids: number[]): Promise<Record<string, string>> => {
      const from = responses.length;
      for (const id of ids) await s.mysql(`insert into customer(customer_id, email) values (${id}, 'c${id}')`, 'customer');
      const seen = () => responses.slice(from).flatMap(rowIds);
      await until(`rows ${ids.join(', ')}`, () => ids.every((id) => seen().includes(String(id))));
      return Object.fromEntries(responses.slice(from).flatMap((r) => rowIds(r).map((id) => [id, source(r)!])));
    };
    const vtctld = s.cluster.vtctld;
    const switchTraffic = (direction = TrafficSwitchDirection.Forward) =>
      vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow: 'cust2cust', tablet_types: [TabletType.PRIMARY, TabletType.REPLICA, TabletType.RDONLY], direction });

    try {
      await until('the stream to start', () => responses.length > 0);
      // hash: 1, 2, 3, 5 → -80; 4, 6 → 80-.
      expect(await insert(1, 4)).toEqual({ '1': '0', '4': '0' });

      for (const [shard, base] of [['-80', 300], ['80-', 400]] as const) for (let i = 0; i < 3; i++) await s.startTablet('customer', shard, base + i);
      await vtctld.reshardCreate({ workflow: 'cust2cust', keyspace: 'customer', source_shards: ['0'], target_shards: ['-80', '80-'] });
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { workflows } = await vtctld.getWorkflows({ keyspace: 'customer', workflow: 'cust2cust' });
        const streams = workflows.flatMap((w) => Object.values(w.shard_streams).flatMap((x) => x.streams));
        if (streams.length === 2 && streams.every((x) => x.state === 'Running' && x.copy_states.length === 0)) break;
        if (Date.now() > deadline) throw new Error('cust2cust did not start running');
        await new Promise((r) => setTimeout(r, 10));
      }

      await switchTraffic();
      await until('the move to -80, 80-', () => shardsOf(responses.at(-1)!)?.join(',') === '80-,-80');
      expect(await insert(2, 6)).toEqual({ '2': '-80', '6': '80-' });

      await switchTraffic(TrafficSwitchDirection.Backward);
      await until('the move back to 0', () => shardsOf(responses.at(-1)!)?.join(',') === '0');
      expect(await insert(3, 7)).toEqual({ '3': '0', '7': '0' });

      await switchTraffic();
      await until('the second move to -80, 80-', () => shardsOf(responses.at(-1)!)?.join(',') === '80-,-80');
      expect(await insert(5, 8)).toEqual({ '5': '-80', '8': '80-' });

      const all = responses.flatMap(rowIds);
      expect(all.sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
      expect(responses.some((r) => types(r).includes('JOURNAL'))).toBe(false);
      const last = new Map<string, string>();
      for (const r of responses) {
        for (const e of r.events as DecodedMessage[]) {
          if (e.type !== 'VGTID') continue;
          for (const sg of e.vgtid.shard_gtids as DecodedMessage[]) {
            const prev = last.get(sg.shard);
            if (prev && sg.gtid.startsWith('MySQL56/')) expect(decodePosition(sg.gtid).gtidSet.contains(decodePosition(prev).gtidSet), `${sg.shard}: ${sg.gtid} after ${prev}`).toBe(true);
            if (sg.gtid.startsWith('MySQL56/')) last.set(sg.shard, sg.gtid);
          }
        }
      }
    } finally {
      abort.abort();
      await reading.catch(() => undefined);
      client.close();
    }
  }, 60_000);
});
