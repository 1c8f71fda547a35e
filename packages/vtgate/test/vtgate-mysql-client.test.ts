// The acceptance run of the local example through the real `mysql` client against a Vtgate:
// create_commerce_schema.sql, insert_commerce_data.sql, then `mysql --table < select_commerce_data.sql`
// must print exactly the documented output; the sharded customer keyspace is checked per shard.
// (--unbuffered keeps the \! echo lines in order when stdout is a pipe rather than a terminal.)
import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleFile, sqlStatements, TestCluster } from './vtgate-fixture.js';

function onPath(cmd: string): boolean {
  try {
    execFileSync('/bin/sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const hasMysql = onPath('mysql');

function mysql(port: number, args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('mysql', ['--no-defaults', '--unbuffered', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(input);
  });
}

const EXPECTED_COMMERCE = `Using commerce
Customer
+-------------+--------------------+
| customer_id | email              |
+-------------+--------------------+
|           1 | alice@domain.com   |
|           2 | bob@domain.com     |
|           3 | charlie@domain.com |
|           4 | dan@domain.com     |
|           5 | eve@domain.com     |
+-------------+--------------------+
Product
+----------+-------------+-------+
| sku      | description | price |
+----------+-------------+-------+
| SKU-1001 | Monitor     |   100 |
| SKU-1002 | Keyboard    |    30 |
+----------+-------------+-------+
COrder
+----------+-------------+----------+-------+
| order_id | customer_id | sku      | price |
+----------+-------------+----------+-------+
|        1 |           1 | SKU-1001 |   100 |
|        2 |           2 | SKU-1002 |    30 |
|        3 |           3 | SKU-1002 |    30 |
|        4 |           4 | SKU-1002 |    30 |
|        5 |           5 | SKU-1002 |    30 |
+----------+-------------+----------+-------+
`;

const EXPECTED_LOW = `Using customer/-80
Customer
+-------------+--------------------+
| customer_id | email              |
+-------------+--------------------+
|           1 | alice@domain.com   |
|           2 | bob@domain.com     |
|           3 | charlie@domain.com |
|           5 | eve@domain.com     |
+-------------+--------------------+
COrder
+----------+-------------+----------+-------+
| order_id | customer_id | sku      | price |
+----------+-------------+----------+-------+
|        1 |           1 | SKU-1001 |   100 |
|        2 |           2 | SKU-1002 |    30 |
|        3 |           3 | SKU-1002 |    30 |
|        5 |           5 | SKU-1002 |    30 |
+----------+-------------+----------+-------+
`;

const EXPECTED_HIGH = `Using customer/80-
Customer
+-------------+----------------+
| customer_id | email          |
+-------------+----------------+
|           4 | dan@domain.com |
+-------------+----------------+
COrder
+----------+-------------+----------+-------+
| order_id | customer_id | sku      | price |
+----------+-------------+----------+-------+
|        4 |           4 | SKU-1002 |    30 |
+----------+-------------+----------+-------+
`;

describe.skipIf(!hasMysql)('the local example through the mysql client (skipped: `mysql` is not on PATH)', () => {
  let c: TestCluster;
  let port: number;
  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100, 101, 102]);
    await c.addShard('customer', '-80', [300, 301, 302]);
    await c.addShard('customer', '80-', [400, 401, 402]);
    port = (await c.startVtgate(0)).mysqlAddress!.port;
  });
  afterAll(async () => {
    await c.close();
  });

  it('creates, fills and selects the commerce keyspace with the documented --table output', async () => {
    const schema = await mysql(port, ['commerce'], exampleFile('create_commerce_schema.sql'));
    expect(schema.stderr).toBe('');
    await c.applyVSchema('commerce', exampleFile('vschema_commerce_initial.json'));
    const insert = await mysql(port, [], exampleFile('insert_commerce_data.sql'));
    expect(insert).toMatchObject({ code: 0, stderr: '' });
    const select = await mysql(port, ['--table'], exampleFile('select_commerce_data.sql'));
    expect(select.stderr).toBe('');
    expect(select.stdout).toBe(EXPECTED_COMMERCE);
  });

  it('puts customers 1, 2, 3, 5 on -80 and 4 on 80- and scatters a select over both', async () => {
    const seq = await mysql(port, ['commerce'], exampleFile('create_commerce_seq.sql'));
    expect(seq.stderr).toBe('');
    await c.applyVSchema('commerce', exampleFile('vschema_commerce_seq.json'));
    await c.applyVSchema('customer', exampleFile('vschema_customer_sharded.json'));
    const s = await c.session('customer');
    for (const stmt of sqlStatements(exampleFile('create_commerce_schema.sql'))) if (!/product/.test(stmt)) await c.exec(s, stmt);
    for (const stmt of sqlStatements(exampleFile('create_customer_sharded.sql'))) await c.exec(s, stmt);
    const load = [1, 2, 3, 4, 5]
      .map((i) => `insert into customer(customer_id, email) values(${i}, '${['alice', 'bob', 'charlie', 'dan', 'eve'][i - 1]}@domain.com');`)
      .concat([1, 2, 3, 4, 5].map((i) => `insert into corder(order_id, customer_id, sku, price) values(${i}, ${i}, '${i === 1 ? 'SKU-1001' : 'SKU-1002'}', ${i === 1 ? 100 : 30});`))
      .join('\n');
    expect(await mysql(port, ['customer'], load)).toMatchObject({ code: 0, stderr: '' });
    const low = await mysql(port, ['--table'], exampleFile('select_customer-80_data.sql'));
    expect(low.stderr).toBe('');
    expect(low.stdout).toBe(EXPECTED_LOW);
    const high = await mysql(port, ['--table'], exampleFile('select_customer80-_data.sql'));
    expect(high.stdout).toBe(EXPECTED_HIGH);
    const all = await mysql(port, ['customer', '-e', 'select customer_id, email from customer order by customer_id'], '');
    expect(all.stdout).toBe('customer_id\temail\n1\talice@domain.com\n2\tbob@domain.com\n3\tcharlie@domain.com\n4\tdan@domain.com\n5\teve@domain.com\n');
    const err = await mysql(port, ['commerce', '-e', 'select * from nosuch'], '');
    expect(err.stderr).toContain('ERROR 1146 (42S02)');
    expect(err.stderr).toContain("target: commerce.0.primary: vttablet: rpc error: code = NotFound desc = Table 'vt_commerce.nosuch' doesn't exist");
  });
});
