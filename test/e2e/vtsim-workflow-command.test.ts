// Issue 10, item 6: `vtsim reshard` and `vtsim movetables` run as processes against a running
// `vtsim up --detach` (private VTDATAROOT, free ports). reshard starts the new shards' tablets in
// the source shard's layout, prints the steps and, with the copy throttled, the copy's progress as
// plain lines (stdout is no terminal), switches traffic and completes; movetables creates the
// target keyspace's tablets and moves a table; bad flags and a failing workflow exit 1 with the error.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA, VSCHEMA } from '../harness/customer-workload.js';
import { clusterPlace, ensureCliBuilt, freePort, runVtsim, vtsimEnv, type ClusterPlace } from '../harness/vtsim-cli.js';

interface StatusReply {
  tablets: { alias: string; keyspace: string; shard: string; type: string }[];
}

beforeAll(ensureCliBuilt, 180_000);

describe('vtsim reshard and movetables against a running vtsim up', () => {
  let place: ClusterPlace;
  let conn: mysql.Connection;

  beforeAll(async () => {
    place = await clusterPlace();
    for (const [keyspace, files] of Object.entries({
      customer: { 'customer.sql': SCHEMA, 'vschema.json': JSON.stringify(VSCHEMA) },
      commerce: { 'commerce.sql': 'create table product(sku varbinary(128), description varbinary(128), primary key(sku));' },
    })) {
      const dir = join(place.root, 'schema', keyspace);
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    }
    const up = await place.vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort), '--keyspaces', 'customer,commerce', '--num-shards', '1,1', '--schema-dir', join(place.root, 'schema'));
    expect(up.stderr).toBe('');
    conn = await mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root' });
    const rows = Array.from({ length: 200 }, (_, i) => `(${i + 1}, 'c${i + 1}')`).join(', ');
    await conn.query(`insert into customer.customer(customer_id, email) values ${rows}`);
    await conn.query("insert into commerce.product(sku, description) values ('SKU-1', 'one'), ('SKU-2', 'two')");
  }, 60_000);
  afterAll(async () => {
    await conn?.end();
    await place?.vtsim('down');
    place?.stop();
  });

  it('reshard: new tablets, copy progress, SwitchTraffic and Complete', async () => {
    // 200 rows at 250 rows/s per stream: the copy takes long enough to be seen in progress.
    expect((await place.vtsim('fault', 'copy-rate', '--rows-per-sec', '250')).code).toBe(0);
    const run = await place.vtsim('reshard', '--keyspace', 'customer', '--to', '-80,80-', '--switch-traffic', '--complete');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'started tablets zone1-0000000100, zone1-0000000101, zone1-0000000102 for customer/-80',
      'started tablets zone1-0000000200, zone1-0000000201, zone1-0000000202 for customer/80-',
      'created Reshard workflow customer.reshard: 0 → -80,80-',
    ]);
    const copying = lines.filter((l) => l.startsWith('copying '));
    expect(copying.length).toBeGreaterThan(0);
    for (const line of copying) expect(line).toMatch(/^copying customer: \d+\/200 rows \(\d+%\)$/);
    // The rows on the new shards so far, out of the source's: they only grow.
    const copied = copying.map((l) => Number(/: (\d+)\//.exec(l)![1]));
    expect(copied).toEqual(copied.slice().sort((a, b) => a - b));
    expect(lines.slice(-5)).toEqual([
      'workflow customer.reshard is running and caught up: 2 stream(s), 200 rows copied',
      'SwitchTraffic was successful for workflow customer.reshard; Current State: All Reads Switched. Writes Switched',
      'Successfully completed the reshard workflow in the customer keyspace',
      'tablets zone1-0000000001, zone1-0000000002, zone1-0000000003 of the deleted shards keep running until stopped',
      'workflow customer.reshard: Completed',
    ]);
    expect((await place.vtsim('fault', 'heal')).code).toBe(0);

    const status = JSON.parse((await place.vtsim('status')).stdout) as StatusReply;
    const newTablets = status.tablets.filter((t) => t.keyspace === 'customer' && t.shard !== '0').map((t) => `${t.shard} ${t.type}`).sort();
    expect(newTablets).toEqual(['-80 PRIMARY', '-80 RDONLY', '-80 REPLICA', '80- PRIMARY', '80- RDONLY', '80- REPLICA']);
    const [shards] = await conn.query({ sql: 'show vitess_shards like "customer/%"', rowsAsArray: true });
    expect(shards).toEqual([['customer/-80'], ['customer/80-']]);
    const [count] = await conn.query({ sql: 'select count(*) from customer.customer', rowsAsArray: true });
    expect(count).toEqual([[200]]);
  }, 60_000);

  it('movetables: creates the target keyspace and moves the table', async () => {
    const run = await place.vtsim('movetables', '--source', 'commerce', '--target', 'inventory', '--tables', 'product', '--switch-traffic');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^started tablets zone1-0000000300, zone1-0000000301, zone1-0000000302 for inventory\/0$/);
    expect(lines[1]).toBe('created MoveTables workflow inventory.commerce2inventory: product from commerce');
    expect(lines.at(-1)).toMatch(/^workflow inventory\.commerce2inventory: .*Writes Switched$/);
    await conn.query("insert into product(sku, description) values ('SKU-3', 'three')");
    const [rows] = await conn.query({ sql: 'select sku from inventory.product order by sku', rowsAsArray: true });
    expect((rows as Buffer[][]).map((r) => r[0]!.toString())).toEqual(['SKU-1', 'SKU-2', 'SKU-3']);
  }, 60_000);

  it('bad flags, a failing workflow and no cluster exit 1 with the error', async () => {
    const refused = (message: string) => ({ code: 1, stdout: '', stderr: `ERROR: ${message}\n` });
    expect(await place.vtsim('reshard', '--keyspace', 'customer')).toEqual(refused('reshard needs --keyspace and --to (e.g. --to -80,80-)'));
    expect(await place.vtsim('reshard', '--keyspace', 'customer', '--to', '-80,80-', '--bogus', 'x')).toEqual(refused('unknown flag --bogus for reshard'));
    expect(await place.vtsim('movetables', '--source', 'commerce')).toEqual(refused('movetables needs --source and --target'));
    expect(await place.vtsim('reshard', '--keyspace', 'nosuch', '--to', '-80,80-')).toEqual(refused('keyspace nosuch has no serving shards'));
    expect(await place.vtsim('reshard', '--keyspace', 'customer', '--to=-80,80-')).toEqual(refused('target shard customer/-80 is already serving'));
    const nobody = await runVtsim(['reshard', '--keyspace', 'customer', '--to', '-80,80-', '--port', String(await freePort())], { env: vtsimEnv(place.root) });
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/^ERROR: no vtsim cluster is running on 127\.0\.0\.1:\d+/);
  }, 30_000);
});
