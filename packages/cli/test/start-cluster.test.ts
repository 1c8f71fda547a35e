// Issue 10, items 5 and 6: startCluster runs a cluster in this process on free ports; a VStream
// client attached through cluster.vstream follows a reshard 0 → -80,80- run by cluster.reshard
// (new tablets, copy, SwitchTraffic, Complete) while rows are inserted, and sees every row once;
// moveTables creates the target keyspace's tablets and moves a table; bad options are refused
// before anything starts.
import { createServer, type Server } from 'node:net';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { VEventType, decodeRowBytes, startCluster, type WorkflowProgress } from '@vtsim/cli';

const SCHEMA = 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id))';
const VSCHEMA = { sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] } } };

describe('startCluster', () => {
  it('reshards with a VStream client attached: it moves from 0 to -80/80- and loses no row', async () => {
    await using cluster = await startCluster({ keyspaces: [{ name: 'customer', shards: 1, schema: SCHEMA, vschema: VSCHEMA }], port: 0 });
    expect(cluster.mysqlConfig).toEqual({ host: '127.0.0.1', port: cluster.mysql.port, user: 'root', database: 'customer' });
    for (const a of [cluster.mysql, cluster.grpc, cluster.vtctld, cluster.web]) expect(a.port).toBeGreaterThan(0);
    const conn = await mysql.createConnection(cluster.mysqlConfig);
    try {
      for (let id = 1; id <= 20; id++) await conn.query('insert into customer(customer_id, email) values (?, ?)', [id, `c${id}@example.com`]);

      const seen: number[] = [];
      const shardsSeen: string[][] = [];
      const streaming = (async () => {
        const request = { vgtid: { shard_gtids: [{ keyspace: 'customer', shard: '', gtid: 'current', table_p_ks: [] }] }, filter: { rules: [{ match: 'customer', filter: '' }], field_event_mode: 0 } };
        for await (const res of cluster.vstream(request)) {
          for (const ev of res.events) {
            if (ev.type === VEventType.ROW) {
              for (const change of ev.row_event!.row_changes) if (change.after && !change.before) seen.push(Number(decodeRowBytes(change.after)[0]!.toString()));
            }
            if (ev.type === VEventType.VGTID) shardsSeen.push(ev.vgtid!.shard_gtids.map((g) => g.shard).sort());
          }
        }
      })();
      await waitFor(() => shardsSeen.length > 0);
      expect(shardsSeen[0]).toEqual(['0']);

      // Rows keep coming while the workflow copies, catches up and switches.
      let writing = true;
      const inserted: number[] = [];
      const writer = (async () => {
        for (let id = 21; writing; id++) {
          await conn.query('insert into customer(customer_id, email) values (?, ?)', [id, `c${id}@example.com`]);
          inserted.push(id);
        }
      })();
      const progress: WorkflowProgress[] = [];
      const result = await cluster.reshard('customer', '-80,80-', { switchTraffic: true, complete: true, onProgress: (p) => progress.push(p) });
      writing = false;
      await writer;
      expect(result).toMatchObject({ workflow: 'reshard', keyspace: 'customer', trafficState: 'Completed' });
      expect(result.startedTablets).toHaveLength(6);
      const steps = progress.filter((p) => p.kind === 'step').map((p) => p.text);
      expect(steps[0]).toMatch(/^started tablets zone1-\d+, zone1-\d+, zone1-\d+ for customer\/-80$/);
      expect(steps).toContain('created Reshard workflow customer.reshard: 0 → -80,80-');
      expect(steps.some((s) => s.startsWith('SwitchTraffic was successful for workflow customer.reshard'))).toBe(true);

      for (let id = 1001; id <= 1010; id++) await conn.query('insert into customer(customer_id, email) values (?, ?)', [id, `c${id}@example.com`]);
      inserted.push(...Array.from({ length: 10 }, (_, i) => 1001 + i));
      await waitFor(() => inserted.every((id) => seen.includes(id)));
      expect(seen.slice().sort((a, b) => a - b)).toEqual(inserted);
      expect(shardsSeen.at(-1)).toEqual(['-80', '80-']);
      const [rows] = await conn.query({ sql: 'show vitess_shards', rowsAsArray: true });
      expect(rows).toEqual([['customer/-80'], ['customer/80-']]);
      const [count] = await conn.query({ sql: 'select count(*) from customer', rowsAsArray: true });
      expect(count).toEqual([[20 + inserted.length]]);

      await cluster.close();
      await streaming;
    } finally {
      await conn.end();
    }
  }, 60_000);

  it('moveTables creates the target keyspace and moves a table', async () => {
    await using cluster = await startCluster({ keyspaces: [{ name: 'commerce', schema: `${SCHEMA}; create table product(sku varbinary(128), primary key(sku))` }] });
    const conn = await mysql.createConnection(cluster.mysqlConfig);
    try {
      await conn.query("insert into customer values (1, 'a'), (2, 'b')");
      const progress: string[] = [];
      const result = await cluster.moveTables({ sourceKeyspace: 'commerce', targetKeyspace: 'customer', tables: ['customer'], switchTraffic: true, onProgress: (p) => progress.push(p.kind) });
      expect(result).toMatchObject({ workflow: 'commerce2customer', keyspace: 'customer' });
      expect(result.trafficState).toMatch(/Writes Switched/);
      expect(result.startedTablets).toHaveLength(3);
      const [rows] = await conn.query({ sql: 'select customer_id, email from customer.customer order by customer_id', rowsAsArray: true });
      expect(rows).toEqual([[1, Buffer.from('a')], [2, Buffer.from('b')]]);
    } finally {
      await conn.end();
    }
  }, 60_000);

  it("applies a schema's ALTER VSCHEMA statements in order, after the VSchema (rows route by the vindex they add); through vtgate only for vschemaDdlAuthorizedUsers", async () => {
    const schema = `${SCHEMA}; alter vschema create vindex xxhash using xxhash; alter vschema on customer add vindex xxhash(customer_id)`;
    await using cluster = await startCluster({ keyspaces: [{ name: 'customer', shards: 2, schema, vschema: { sharded: true } }] });
    await using open = await startCluster({ keyspaces: [{ name: 'ks', vschema: { sharded: false } }], vschemaDdlAuthorizedUsers: '%' });
    const admin = await mysql.createConnection(open.mysqlConfig);
    await admin.query('alter vschema add table t').finally(() => admin.end());
    expect(Object.keys((await open.cluster.topo.getVSchema('ks')).tables)).toEqual(['t']);
    expect((await cluster.cluster.topo.getVSchema('customer')).tables.customer?.column_vindexes).toMatchObject([{ name: 'xxhash', columns: ['customer_id'] }]);
    const conn = await mysql.createConnection(cluster.mysqlConfig);
    try {
      for (let id = 1; id <= 20; id++) await conn.query('insert into customer(customer_id, email) values (?, ?)', [id, `c${id}`]);
      const perShard: number[] = [];
      for (const shard of ['-80', '80-']) {
        await conn.query(`use \`customer:${shard}\``);
        const [rows] = await conn.query({ sql: 'select customer_id from customer', rowsAsArray: true });
        perShard.push((rows as unknown[]).length);
      }
      // Every row is on exactly one shard, and the vindex spread them over both.
      expect(perShard.reduce((a, b) => a + b)).toBe(20);
      expect(perShard.every((n) => n > 0)).toBe(true);
      // Through vtgate, ALTER VSCHEMA is for the users vschemaDdlAuthorizedUsers names (nobody by default).
      await expect(conn.query('alter vschema on customer drop vindex xxhash')).rejects.toMatchObject({ errno: 1045 });
    } finally {
      await conn.end();
    }
  });

  it('a workflow that cannot be created leaves the cluster as it was', async () => {
    await using cluster = await startCluster({ keyspaces: [{ name: 'customer', schema: SCHEMA, vschema: VSCHEMA }] });
    const tablets = () => [...cluster.cluster.tabletMap().keys()].sort();
    const shards = async (keyspace: string) => [...(await cluster.cluster.topo.findAllShardsInKeyspace(keyspace).catch(() => new Map())).keys()].sort();
    const before = tablets();
    await expect(cluster.reshard('customer', '-80,70-')).rejects.toThrow("source and target keyranges don't match: 0 vs -80,70-");
    expect(tablets()).toEqual(before);
    expect(await shards('customer')).toEqual(['0']);
    await expect(cluster.moveTables({ sourceKeyspace: 'customer', targetKeyspace: 'other', tables: ['nosuch'] })).rejects.toThrow('nosuch');
    expect(tablets()).toEqual(before);
    expect(await cluster.cluster.topo.getKeyspaces()).toEqual(['customer']);
    // The uids are free again: the next run takes the same block.
    const result = await cluster.reshard('customer', ['-80', '80-']);
    expect(result.startedTablets[0]).toBe('zone1-0000000200');
  });

  it("takes vttestserver's base layout from a port number, and a busy port is an error that stops what started", async () => {
    const base = await freeBase();
    {
      await using cluster = await startCluster({ keyspaces: [{ name: 'ks' }], port: base });
      // vtcombo's one gRPC port: vtgate's and vtctld's services on P+1.
      expect([cluster.web.port, cluster.grpc.port, cluster.vtctld.port, cluster.mysql.port]).toEqual([base, base + 1, base + 1, base + 3]);
    }
    const busy = await listen(base + 3);
    try {
      await expect(startCluster({ keyspaces: [{ name: 'ks' }], port: base })).rejects.toThrow(/EADDRINUSE|address already in use/);
    } finally {
      await closeAll([busy]);
    }
    // Nothing is left listening: every port of the layout can be bound again.
    await closeAll(await Promise.all([0, 1, 3].map((i) => listen(base + i))));
  });

  it('refuses bad options before starting anything', async () => {
    await expect(startCluster({ port: 70000 })).rejects.toThrow('invalid port 70000');
    await expect(startCluster({ keyspaces: [{ name: 'a', shards: 0 }] })).rejects.toThrow('keyspace a: invalid shard count 0');
    await expect(startCluster({ keyspaces: [{ name: 'a' }, { name: 'a' }] })).rejects.toThrow('keyspace a is given twice');
    // A schema that fails stops what was started: the error is the tablet's, the ports are released.
    await expect(startCluster({ keyspaces: [{ name: 'a', schema: 'create tabel x' }] })).rejects.toThrow();
  });
});

/** Listens on 127.0.0.1:port; rejects when the port is taken. */
function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const closeAll = (servers: Server[]) => Promise.all(servers.map((s) => new Promise((r) => s.close(r))));

/** A base port P with P … P+3 free a moment ago. */
async function freeBase(): Promise<number> {
  for (;;) {
    const first = await listen(0);
    const base = (first.address() as { port: number }).port;
    const held = [first];
    try {
      for (let i = 1; i <= 3; i++) held.push(await listen(base + i));
      return base;
    } catch {
      // one of the next three is taken: try another base
    } finally {
      await closeAll(held);
    }
  }
}

async function waitFor(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
