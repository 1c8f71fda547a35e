// The local example's workflow steps (202–205, 303–306) through the vtctldclient command against a
// whole in-process cluster (vtctld over gRPC, vtgate on a free port): the commands' outputs, the
// routing rules after each step, the documented errors, and a write switch while clients write
// through vtgate.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cluster } from '../src/cluster.js';
import { VTSIM_ROOT } from '@vtsim/proto';
import { vtctldclient } from '../src/vtctldclient/vtctldclient.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

const example = (name: string) => readFileSync(join(VTSIM_ROOT, 'scripts', name), 'utf8');

describe('vtctldclient workflow commands on a running cluster', () => {
  let cluster: Cluster;
  let server: string;
  let db: mysql.Connection;

  /** Runs one vtctldclient invocation against the cluster's vtctld. */
  async function vc(...args: string[]): Promise<Run> {
    let out = '';
    let err = '';
    const code = await vtctldclient(['--server', server, ...args], {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      readFile: async (p) => readFileSync(p, 'utf8'),
    });
    return { code, out, err };
  }

  /** Runs vtctldclient and expects success; returns stdout. */
  async function ok(...args: string[]): Promise<string> {
    const run = await vc(...args);
    expect(run.err, `vtctldclient ${args.join(' ')}`).toBe('');
    expect(run.code).toBe(0);
    return run.out;
  }

  async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function rules(): Promise<Record<string, string>> {
    const parsed = JSON.parse(await ok('GetRoutingRules')) as { rules: Array<{ from_table: string; to_tables: string[] }> };
    return Object.fromEntries(parsed.rules.map((r) => [r.from_table, r.to_tables.join(',')]));
  }

  async function query(sql: string, database?: string): Promise<unknown[]> {
    if (database) await db.query(`use \`${database}\``);
    const [rows] = await db.query({ sql, rowsAsArray: true });
    return rows as unknown[];
  }

  beforeEach(async () => {
    cluster = await Cluster.start({ seed: 'workflows', mysqlPort: 0, vtctldGrpcPort: 0 });
    server = `127.0.0.1:${cluster.vtctldAddress!.port}`;
    for (const uid of [100, 101, 102]) await cluster.addTablet({ keyspace: 'commerce', shard: '0', uid });
    await ok('ApplySchema', '--sql', example('create_commerce_schema.sql'), 'commerce');
    await ok('ApplyVSchema', '--vschema', example('vschema_commerce_initial.json'), 'commerce');
    const vtgate = await cluster.startVtgate();
    db = await mysql.createConnection({ host: '127.0.0.1', port: vtgate.mysqlAddress!.port, user: 'root', multipleStatements: false });
    for (const stmt of example('insert_commerce_data.sql').split(';').map((s) => s.trim()).filter(Boolean)) await query(stmt, 'commerce');
    for (const uid of [200, 201, 202]) await cluster.addTablet({ keyspace: 'customer', shard: '0', uid });
  });

  afterEach(async () => {
    await db?.end();
    await cluster?.close();
  });

  async function moveTables(): Promise<void> {
    const created = await ok('MoveTables', '--workflow', 'commerce2customer', '--target-keyspace', 'customer', 'create', '--source-keyspace', 'commerce', '--tables', 'customer,corder');
    expect(created).toMatch(/^The following vreplication streams exist for workflow customer\.commerce2customer:\n\nid=1 on customer\/zone1-200: Status: \w+\. [^\n]*\.\n/);
    expect(created.endsWith('\nTraffic State: Reads Not Switched. Writes Not Switched\n')).toBe(true);
    await until('the copy phase', async () => (await vc('Workflow', '--keyspace=customer', 'show', '--workflow=commerce2customer')).out.includes('Copy phase completed at gtid MySQL56/'));
  }

  it('MoveTables 202–205: outputs, routing rules after each step, documented errors', async () => {
    await moveTables();
    expect(await ok('Workflow', '--keyspace', 'customer', 'list')).toBe('[\n  "commerce2customer"\n]\n');
    expect(await ok('Workflow', '--keyspace', 'commerce', 'list')).toBe('[]\n');
    let r = await rules();
    expect(Object.keys(r)).toHaveLength(16);
    expect(Object.values(r).every((to) => to.startsWith('commerce.'))).toBe(true);

    const early = await vc('MoveTables', '--workflow', 'commerce2customer', '--target-keyspace', 'customer', 'complete');
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/main\.go:56\] rpc error: code = FailedPrecondition desc = cannot complete workflow because you have not yet switched all read and write traffic\n$/);

    const scheduled = await ok('VDiff', '--workflow', 'commerce2customer', '--target-keyspace', 'customer', 'create');
    const uuid = /^VDiff ([0-9a-f-]{36}) scheduled on target shards, use show to view progress\n$/.exec(scheduled)?.[1];
    expect(uuid).toBeDefined();
    let summary: Record<string, unknown> = {};
    await until('the VDiff', async () => {
      summary = JSON.parse(await ok('VDiff', '--workflow', 'commerce2customer', '--target-keyspace', 'customer', 'show', 'last'));
      return summary['State'] === 'completed';
    });
    expect(summary).toMatchObject({ Workflow: 'commerce2customer', Keyspace: 'customer', State: 'completed', UUID: uuid, RowsCompared: 10, HasMismatch: false, Shards: '0' });

    expect(await ok('MoveTables', '--workflow', 'commerce2customer', '--target-keyspace', 'customer', 'switchtraffic', '--tablet-types', 'rdonly,replica')).toBe(
      'SwitchTraffic was successful for workflow customer.commerce2customer\n\nStart State: Reads Not Switched. Writes Not Switched\nCurrent State: All Reads Switched. Writes Not Switched\n\n',
    );
    r = await rules();
    expect(Object.keys(r)).toHaveLength(16);
    for (const [from, to] of Object.entries(r)) expect(to).toBe(from.includes('@') ? `customer.${from.replace(/^.*\./, '').split('@')[0]}` : `commerce.${from.replace(/^.*\./, '')}`);

    expect(await ok('MoveTables', '--workflow', 'commerce2customer', '--target-keyspace', 'customer', 'switchtraffic', '--tablet-types', 'primary')).toBe(
      'SwitchTraffic was successful for workflow customer.commerce2customer\n\nStart State: All Reads Switched. Writes Not Switched\nCurrent State: All Reads Switched. Writes Switched\n\n',
    );
    r = await rules();
    expect(Object.keys(r)).toHaveLength(16);
    expect(Object.values(r).every((to) => to.startsWith('customer.'))).toBe(true);
    expect(r['customer.customer']).toBeUndefined();
    expect(await ok('Workflow', '--keyspace', 'commerce', 'list')).toBe('[\n  "commerce2customer_reverse"\n]\n');

    // 204's check: customer/0 has all five customers and orders; a write through vtgate goes to customer.
    expect(await query('select customer_id, email from customer order by customer_id', 'customer/0')).toHaveLength(5);
    expect(await query('select order_id from corder', 'customer/0')).toHaveLength(5);
    await query("insert into customer(email) values('frank@domain.com')", 'commerce');
    expect(await query("select customer_id from customer where email = 'frank@domain.com'", 'customer/0')).toEqual([[6]]);

    const cancel = await vc('MoveTables', '--workflow', 'commerce2customer', '--target-keyspace', 'customer', 'cancel');
    expect(cancel.code).toBe(1);
    expect(cancel.err).toContain('desc = cannot cancel workflow because you have already switched some or all read and write traffic');

    expect(await ok('MoveTables', '--workflow', 'commerce2customer', '--target-keyspace', 'customer', 'complete')).toBe(
      'Successfully completed the commerce2customer workflow in the customer keyspace\n',
    );
    expect(await ok('GetRoutingRules')).toBe('{\n  "rules": []\n}\n');
    await expect(query('select * from customer', 'commerce')).rejects.toMatchObject({ errno: 1146 });
    expect(await ok('Workflow', '--keyspace', 'customer', 'list')).toBe('[]\n');
  });

  it('Reshard 303–306 while four clients write through vtgate: nothing lost, nothing twice, failures retriable', async () => {
    await moveTables();
    await ok('MoveTables', '--workflow', 'commerce2customer', '--target-keyspace', 'customer', 'switchtraffic');
    await ok('MoveTables', '--workflow', 'commerce2customer', '--target-keyspace', 'customer', 'complete');
    await ok('ApplySchema', '--sql', example('create_commerce_seq.sql'), 'commerce');
    await ok('ApplyVSchema', '--vschema', example('vschema_commerce_seq.json'), 'commerce');
    await ok('ApplyVSchema', '--vschema', example('vschema_customer_sharded.json'), 'customer');
    await ok('ApplySchema', '--sql', example('create_customer_sharded.sql'), 'customer');
    for (const uid of [300, 301, 302]) await cluster.addTablet({ keyspace: 'customer', shard: '-80', uid });
    for (const uid of [400, 401, 402]) await cluster.addTablet({ keyspace: 'customer', shard: '80-', uid });

    const created = await ok('Reshard', '--workflow', 'cust2cust', '--target-keyspace', 'customer', 'create', '--source-shards', '0', '--target-shards', '-80,80-');
    expect(created).toMatch(/id=1 on customer\/zone1-300: Status: \w+\..*\nid=1 on customer\/zone1-400: Status: \w+\./s);
    await until('the copy phase', async () => {
      const show = JSON.parse((await vc('Reshard', '--workflow', 'cust2cust', '--target-keyspace', 'customer', 'show')).out || '{"workflows":[]}');
      const streams = (show.workflows[0]?.shard_streams ? Object.values(show.workflows[0].shard_streams) : []) as Array<{ streams: Array<{ logs: Array<{ message: string }> }> }>;
      return streams.length === 2 && streams.every((s) => s.streams[0]!.logs.some((l) => l.message.startsWith('Copy phase completed')));
    });
    expect(await ok('Reshard', '--workflow', 'cust2cust', '--target-keyspace', 'customer', 'switchtraffic', '--tablet-types', 'rdonly,replica')).toContain(
      'Current State: All Reads Switched. Writes Not Switched\n',
    );

    // Four writers, each on its own connection, inserting ids of their own until told to stop.
    const port = cluster.vtgate!.mysqlAddress!.port;
    let stop = false;
    const succeeded: number[] = [];
    const failures: Array<{ id: number; errno: number; message: string }> = [];
    const writer = async (w: number) => {
      const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database: 'customer' });
      try {
        for (let i = 0; !stop; i++) {
          const id = 10_000 + w * 100_000 + i;
          try {
            await conn.query(`insert into customer(customer_id, email) values(${id}, 'w${w}@example.com')`);
            succeeded.push(id);
          } catch (err) {
            const e = err as { errno?: number; message: string };
            failures.push({ id, errno: e.errno ?? 0, message: e.message });
          }
        }
      } finally {
        await conn.end();
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    const switched = await vc('Reshard', '--workflow', 'cust2cust', '--target-keyspace', 'customer', 'switchtraffic', '--tablet-types', 'primary');
    const switchMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await Promise.all(writers);
    expect(switched.err).toBe('');
    expect(switched.out).toContain('Current State: All Reads Switched. Writes Switched\n');
    console.log(`SwitchTraffic primary under four writers: ${switchMs.toFixed(1)} ms (${succeeded.length} writes succeeded, ${failures.length} failed)`);
    expect(switchMs).toBeLessThan(2000);

    // Every successful write is on the shard its keyspace id belongs to, once; no failed write landed.
    const onShards = [...(await query('select customer_id from customer where customer_id >= 10000', 'customer/-80')), ...(await query('select customer_id from customer where customer_id >= 10000', 'customer/80-'))].map(
      (row) => Number((row as unknown[])[0]),
    );
    expect(onShards.length).toBe(new Set(onShards).size);
    expect(new Set(onShards)).toEqual(new Set(succeeded));
    for (const f of failures) expect(f.message).toMatch(/NOT_SERVING|not serving|buffer|retry/i);
    expect(succeeded.length).toBeGreaterThan(0);

    // 305's check: -80 holds customers 1, 2, 3, 5 and 80- holds 4, with their orders.
    expect(await query('select customer_id from customer where customer_id < 10000 order by customer_id', 'customer/-80')).toEqual([[1], [2], [3], [5]]);
    expect(await query('select order_id from corder order by order_id', 'customer/80-')).toEqual([[4]]);

    // 306: complete deletes customer/0; a second complete finds no workflow.
    expect(await ok('Reshard', '--workflow', 'cust2cust', '--target-keyspace', 'customer', 'complete')).toBe('Successfully completed the cust2cust workflow in the customer keyspace\n');
    expect(JSON.parse(await ok('FindAllShardsInKeyspace', 'customer')).shards).not.toHaveProperty('0');
    const again = await vc('Reshard', '--workflow', 'cust2cust', '--target-keyspace', 'customer', 'complete');
    expect(again.code).toBe(1);
    expect(again.err).toContain('workflow cust2cust not found in keyspace customer');
  }, 60_000);
});
