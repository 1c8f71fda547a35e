// The vtctldclient command (packages/cli/src/vtctldclient) run as a process, the way the local
// example's scripts run it, against vtctld's gRPC server over a running in-process cluster.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVtctldGrpcServer, type VtctldGrpcServer } from '../src/index.js';
import { MiniCluster } from './mini-cluster.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const main = join(repo, 'packages/cli/dist/vtctldclient/main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let c: MiniCluster;
let server: VtctldGrpcServer;
let dir: string;
const vtctldclient = (...args: string[]) => run(process.execPath, [main, '--server', `localhost:${server.port}`, ...args]);

beforeAll(async () => {
  const build = await run('npx', ['tsc', '-b', 'packages/cli']);
  if (build.code !== 0) throw new Error(`building packages/cli failed:\n${build.stdout}${build.stderr}`);
  c = await MiniCluster.start();
  server = await startVtctldGrpcServer({ port: 0, vtctld: c.vtctld });
  dir = mkdtempSync(join(tmpdir(), 'vtctldclient-'));
}, 180_000);

afterAll(async () => {
  await server?.close();
  await c?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const TABLET_LINE = /^zone1-00000001\d\d commerce 0 (primary|replica|rdonly) localhost:151\d\d localhost:171\d\d \[\] (<null>|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$/;

describe('vtctldclient against a running cluster (local example commands)', () => {
  it('101: creates the keyspace, starts tablets, sets the primary, applies schema and VSchema', async () => {
    const created = await vtctldclient('CreateKeyspace', '--sidecar-db-name=_vt', '--durability-policy=semi_sync', 'commerce');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Successfully created keyspace commerce\. Result:\n\{\n {2}"name": "commerce",\n {2}"keyspace": \{\n/);
    const json = JSON.parse(created.stdout.slice(created.stdout.indexOf('\n') + 1));
    expect(json.keyspace).toMatchObject({ keyspace_type: 'NORMAL', durability_policy: 'semi_sync', sidecar_db_name: '_vt', snapshot_time: null });
    expect((await vtctldclient('GetKeyspace', 'commerce')).code).toBe(0);
    expect((await vtctldclient('SetKeyspaceDurabilityPolicy', '--durability-policy=semi_sync', 'commerce')).stdout).toContain('"durability_policy": "semi_sync"');

    await c.addTablets('commerce', '0', [100, 101, 102]);
    const init = await vtctldclient('InitShardPrimary', '--force', 'commerce/0', 'zone1-100');
    expect([init.code, init.stdout]).toEqual([0, '']);
    const tablets = await vtctldclient('GetTablets', '--keyspace', 'commerce', '--shard', '0');
    const lines = tablets.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(TABLET_LINE);
    expect(lines[0]).toMatch(/^zone1-0000000100 commerce 0 primary localhost:15100 localhost:17100 \[\] \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(lines.map((l) => l.split(' ')[3])).toEqual(['primary', 'replica', 'rdonly']);
    expect((await vtctldclient('gettablets', '--keyspace=commerce')).stdout).toBe(tablets.stdout);

    const shard = await vtctldclient('--action-timeout', '10s', 'GetShard', 'commerce/0');
    expect(shard.stdout).toContain('"primary_alias": {\n');
    expect(shard.stdout).not.toContain('"primary_alias": null');
    const status = await vtctldclient('GetFullStatus', 'zone1-0000000100');
    expect(status.stdout.split('\n').filter((l) => l.includes('super_read_only'))).toEqual(['  "super_read_only": false,']);

    const schemaFile = join(dir, 'create_commerce_schema.sql');
    writeFileSync(schemaFile, [
      'create table if not exists product(sku varbinary(128), description varbinary(128), price bigint, primary key(sku)) ENGINE=InnoDB;',
      'create table if not exists customer(customer_id bigint not null auto_increment, email varbinary(128), primary key(customer_id)) ENGINE=InnoDB;',
      'create table if not exists corder(order_id bigint not null auto_increment, customer_id bigint, sku varbinary(128), price bigint, primary key(order_id)) ENGINE=InnoDB;',
    ].join('\n'));
    const applied = await vtctldclient('ApplySchema', '--sql-file', schemaFile, 'commerce');
    expect([applied.code, applied.stdout, applied.stderr]).toEqual([0, '\n', '']);
    const vschemaFile = join(dir, 'vschema_commerce_initial.json');
    writeFileSync(vschemaFile, '{"tables": {"product": {}, "customer": {}, "corder": {}}}\n');
    const vschema = await vtctldclient('ApplyVSchema', '--vschema-file', vschemaFile, 'commerce');
    expect(vschema.code).toBe(0);
    expect(vschema.stdout).toMatch(/^New VSchema object:\n\{\n {2}"sharded": false,\n/);
    expect(vschema.stdout).toContain('"corder": {\n      "type": "",\n      "column_vindexes": [],\n      "auto_increment": null,\n      "columns": [],\n      "pinned": "",\n      "column_list_authoritative": false,\n      "source": ""\n    }');
    expect(vschema.stdout.endsWith('}\nIf this is not what you expected, check the input data (as JSON parsing will skip unexpected fields).\n')).toBe(true);
    expect(JSON.parse((await vtctldclient('GetVSchema', 'commerce')).stdout).tables.product.type).toBe('');
    expect((await vtctldclient('GetSchema', '--table-names-only', 'zone1-100')).stdout).toBe('corder\ncustomer\nproduct\n');
  });

  it('routing rules, the serving graph and DBA queries', async () => {
    expect((await vtctldclient('GetRoutingRules')).stdout).toBe('{\n  "rules": []\n}\n');
    const rules = '{"rules": [{"from_table": "customer", "to_tables": ["commerce.customer"]}]}';
    expect((await vtctldclient('ApplyRoutingRules', '--rules', rules)).code).toBe(0);
    expect(JSON.parse((await vtctldclient('GetRoutingRules')).stdout)).toEqual({ rules: [{ from_table: 'customer', to_tables: ['commerce.customer'] }] });
    expect((await vtctldclient('ApplyRoutingRules', '--rules={}')).code).toBe(0);
    expect((await vtctldclient('GetRoutingRules')).stdout).toBe('{\n  "rules": []\n}\n');

    const srv = JSON.parse((await vtctldclient('GetSrvKeyspaces', 'commerce')).stdout);
    expect(srv.zone1.partitions.map((p: { served_type: string }) => p.served_type)).toEqual(['PRIMARY', 'REPLICA', 'RDONLY']);
    expect((await vtctldclient('RebuildKeyspaceGraph', 'commerce')).code).toBe(0);

    await c.exec(100, "insert into product(sku, description, price) values ('SKU-1001', 'Monitor', 100)");
    await c.waitCaughtUp(100, [101]);
    const fetched = await vtctldclient('ExecuteFetchAsDBA', 'zone1-101', 'select sku, price from product');
    expect(fetched.stdout).toBe('+----------+-------+\n| sku      | price |\n+----------+-------+\n| SKU-1001 |   100 |\n+----------+-------+\n');
  });

  it('PlannedReparentShard moves the primary and prints its events', async () => {
    const prs = await vtctldclient('PlannedReparentShard', 'commerce/0', '--new-primary', 'zone1-101');
    expect(prs.code).toBe(0);
    expect(prs.stdout).toMatch(/^I\d{4} \d\d:\d\d:\d\d\.\d{6} planned-reparent-shard\.ts:\d+\] demoting current primary: zone1-0000000100$/m);
    expect(prs.stdout).toContain('] promoting tablet zone1-0000000101 to primary\n');
    const types = (await vtctldclient('GetTablets', '--keyspace', 'commerce')).stdout.trimEnd().split('\n').map((l) => l.split(' ').slice(0, 4).join(' '));
    expect(types).toEqual(['zone1-0000000100 commerce 0 replica', 'zone1-0000000101 commerce 0 primary', 'zone1-0000000102 commerce 0 rdonly']);
    expect(JSON.parse((await vtctldclient('GetTablet', 'zone1-101')).stdout).type).toBe('PRIMARY');
  });

  it('EmergencyReparentShard replaces a dead primary and prints its events; PlannedReparentShard refuses a dead primary', async () => {
    await c.stopTablet(101);
    const prs = await vtctldclient('PlannedReparentShard', 'commerce/0', '--new-primary', 'zone1-100');
    expect(prs.code).toBe(1);
    expect(prs.stderr).toContain('rpc error: code = Unavailable desc = failed to DemotePrimary on current primary zone1-0000000101: tablet zone1-0000000101 is not reachable');
    // Under semi_sync, 100 could reach no tablet that acknowledges (101 is dead, 102 an ignored RDONLY).
    const stuck = await vtctldclient('EmergencyReparentShard', 'commerce/0', '--wait-replicas-timeout', '5s', '-i', 'zone1-102');
    expect(stuck.code).toBe(1);
    expect(stuck.stderr).toContain('rpc error: code = FailedPrecondition desc = no valid candidates for emergency reparent');
    expect((await vtctldclient('SetKeyspaceDurabilityPolicy', '--durability-policy=none', 'commerce')).code).toBe(0);
    const ers = await vtctldclient('EmergencyReparentShard', 'commerce/0', '--wait-replicas-timeout', '5s', '-i', 'zone1-102');
    expect([ers.code, ers.stderr]).toEqual([0, '']);
    const lines = ers.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^[IW]\d{4} \d\d:\d\d:\d\d\.\d{6} emergency-reparent-shard\.ts:\d+\] /);
    expect(lines.map((l) => l.slice(l.indexOf('] ') + 2))).toEqual([
      'will initiate emergency reparent shard in keyspace - commerce, shard - 0',
      'stopping replication on tablet zone1-0000000100',
      'tablet zone1-0000000101 is not reachable; it is left out of the reparent',
      'promoting tablet zone1-0000000100 to primary',
      'tablet zone1-0000000101 is not reachable; it will not replicate from zone1-0000000100',
      'setting replication source of tablet zone1-0000000102 to zone1-0000000100',
    ]);
    expect(lines[2]).toMatch(/^W/);
    const types = (await vtctldclient('GetTablets', '--keyspace', 'commerce')).stdout.trimEnd().split('\n').map((l) => l.split(' ').slice(0, 4).join(' '));
    expect(types).toEqual(['zone1-0000000100 commerce 0 primary', 'zone1-0000000101 commerce 0 primary', 'zone1-0000000102 commerce 0 rdonly']);
    await c.restartTablet(101);
    expect(JSON.parse((await vtctldclient('GetTablet', 'zone1-101')).stdout).type).toBe('REPLICA');
  });

  it('shards without a primary, DeleteShards, and errors with non-zero exits', async () => {
    expect((await vtctldclient('CreateShard', '--include-parent', 'customer/0')).code).toBe(0);
    expect((await vtctldclient('GetShard', 'customer/0')).stdout).toContain('"primary_alias": null');
    const serving = await vtctldclient('DeleteShards', '--recursive', '--force', 'customer/0');
    expect(serving.code).toBe(1);
    expect(serving.stderr).toMatch(/^E\d{4} .*\] rpc error: code = FailedPrecondition desc = shard customer\/0 is still serving; cannot delete it; use EvenIfServing = true to delete anyway\n$/);
    const deleted = await vtctldclient('DeleteShards', '--recursive', '--even-if-serving', 'customer/0');
    expect([deleted.code, deleted.stdout, deleted.stderr]).toEqual([0, '', '']);
    expect((await vtctldclient('FindAllShardsInKeyspace', 'customer')).stdout).toBe('{\n  "shards": {}\n}\n');

    const missing = await vtctldclient('GetKeyspace', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("rpc error: code = NotFound desc = node doesn't exist: keyspaces/nope/Keyspace");
    expect(missing.stdout).toBe('');
    const unknown = await vtctldclient('NoSuchCommand');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown command "NoSuchCommand" for "vtctldclient"');
    expect((await vtctldclient('GetShard', 'commerce')).stderr).toContain('invalid shard path: commerce');
    expect((await vtctldclient('GetTablets', '--bogus')).stderr).toContain('unknown flag: --bogus');
    expect((await vtctldclient('GetTablet')).stderr).toContain('accepts 1 arg(s), received 0');
    const down = await run(process.execPath, [main, '--action-timeout', '1s', '--server', 'localhost:1', 'GetTablet', 'zone1-100']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/rpc error: code = (Unavailable|DeadlineExceeded)/);
  });
});
