// Issue 2's CLI criteria: the project's own `vtsim` command run as processes, as a user runs it —
// `up --detach` with a private VTDATAROOT and free ports, `tablet up` ×3, the real mysql client
// against it, `status`, `tablet down`, `down` — plus its error paths, a cluster created from
// `--keyspaces/--schema-dir`, and `vtsim mysql` (the stand-in client) printing what the real one prints.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SELECT_COMMERCE_OUTPUT } from '../harness/local-example-output.js';
import { describeMysqlCli, runMysql } from '../harness/mysql-cli.js';
import { exampleFile } from '../harness/scenario.js';
import { clusterPlace, ensureCliBuilt, processAlive, type ClusterPlace } from '../harness/vtsim-cli.js';

interface StatusReply {
  cell: string;
  vtgate: { mysql: string } | null;
  tablets: { alias: string; keyspace: string; shard: string; type: string; serving: boolean; position: string }[];
}

beforeAll(ensureCliBuilt, 180_000);

describeMysqlCli('vtsim up --detach, tablet up ×3, the mysql client, status, tablet down, down', () => {
  let place: ClusterPlace;
  beforeAll(async () => {
    place = await clusterPlace();
  });
  afterAll(() => place?.stop());

  it('starts a detached cluster process that writes its pid file', async () => {
    const up = await place.vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort));
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toBe(`vtsim cluster is running (pid ${place.pid()}); logs in ${join(place.root, 'tmp', 'vtsim.log')}\n`);
    expect(processAlive(place.pid())).toBe(true);
    const again = await place.vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort));
    expect(again).toEqual({ code: 1, stdout: '', stderr: `ERROR: a vtsim cluster is already running (pid file ${place.pidFile})\n` });
  });

  it('starts three commerce tablets: the first replica becomes primary, x02 is rdonly', async () => {
    const types: string[] = [];
    for (const uid of [100, 101, 102]) {
      const r = await place.vtsim('tablet', 'up', '--keyspace', 'commerce', '--shard', '0', '--uid', String(uid));
      expect(r.stderr).toBe('');
      types.push(r.stdout);
    }
    expect(types).toEqual([
      'vttablet for zone1-0000000100 is running as PRIMARY\n',
      'vttablet for zone1-0000000101 is running as REPLICA\n',
      'vttablet for zone1-0000000102 is running as RDONLY\n',
    ]);
    const dup = await place.vtsim('tablet', 'up', '--keyspace', 'commerce', '--shard', '0', '--uid', '100');
    expect(dup).toEqual({ code: 1, stdout: '', stderr: 'ERROR: tablet zone1-0000000100 is already running\n' });
  });

  it('serves the example\'s schema, data and documented select output to the real mysql client', async () => {
    expect(await runMysql(place.mysqlPort, ['commerce'], exampleFile('create_commerce_schema.sql'))).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await runMysql(place.mysqlPort, ['commerce'], exampleFile('insert_commerce_data.sql'))).toEqual({ code: 0, stdout: '', stderr: '' });
    // --unbuffered so the `\! echo` lines interleave with the tables as on a terminal.
    const select = await runMysql(place.mysqlPort, ['--unbuffered', '--table'], exampleFile('select_commerce_data.sql'));
    expect(select).toEqual({ code: 0, stdout: SELECT_COMMERCE_OUTPUT, stderr: '' });
  });

  it('prints the same --table output and error lines from `vtsim mysql` as from the real client', async () => {
    const standIn = (script: string) => place.vtsimWithInput(script, 'mysql', '--table', '-P', String(place.mysqlPort));
    expect(await standIn(exampleFile('select_commerce_data.sql'))).toEqual({ code: 0, stdout: SELECT_COMMERCE_OUTPUT, stderr: '' });

    // A nullable column narrower than `NULL` is drawn four wide; the error stops the script at its line.
    const failing = "\\! echo 'Using commerce'\nuse commerce;\nselect price as p from corder where order_id = 2;\nselect *\n  from nosuch;\nselect 1;\n";
    const real = await runMysql(place.mysqlPort, ['--unbuffered', '--table'], failing);
    const ours = await standIn(failing);
    expect(real.stdout).toBe('Using commerce\n+------+\n| p    |\n+------+\n|   30 |\n+------+\n');
    expect(ours.stdout).toBe(real.stdout);
    const errorLine = "ERROR 1146 (42S02) at line 4: target: commerce.0.primary: vttablet: rpc error: code = NotFound desc = Table 'vt_commerce.nosuch' doesn't exist";
    // MariaDB's client also echoes the failed statement between dashes before the ERROR line; ours prints the line alone.
    expect(real.stderr).toContain(`\n${errorLine}`);
    expect(ours.stderr).toBe(real.stderr.slice(real.stderr.indexOf('ERROR ')));
    expect([real.code, ours.code]).toEqual([1, 1]);
  });

  it('reports every component in `status` and stops one tablet with `tablet down`', async () => {
    const before = await place.vtsim('status');
    expect(before.code).toBe(0);
    const status = JSON.parse(before.stdout) as StatusReply;
    expect(status.cell).toBe('zone1');
    expect(status.vtgate).toEqual({ mysql: `127.0.0.1:${place.mysqlPort}`, grpc: `127.0.0.1:${place.grpcPort}` });
    expect(status.tablets.map((t) => [t.alias, t.keyspace, t.shard, t.type, t.serving])).toEqual([
      ['zone1-0000000100', 'commerce', '0', 'PRIMARY', true],
      ['zone1-0000000101', 'commerce', '0', 'REPLICA', true],
      ['zone1-0000000102', 'commerce', '0', 'RDONLY', true],
    ]);
    // Three DDLs and twelve inserts: every tablet's position ends at GTID 15 of the primary's server.
    expect(new Set(status.tablets.map((t) => t.position)).size).toBe(1);
    expect(status.tablets[0]!.position).toMatch(/^MySQL56\/[0-9a-f-]{36}:1-15$/);

    expect(await place.vtsim('tablet', 'down', '--uid', '102')).toEqual({ code: 0, stdout: '', stderr: '' });
    const after = JSON.parse((await place.vtsim('status')).stdout) as StatusReply;
    expect(after.tablets.map((t) => t.alias)).toEqual(['zone1-0000000100', 'zone1-0000000101']);
    const again = await place.vtsim('tablet', 'down', '--uid', '102');
    expect(again).toEqual({ code: 1, stdout: '', stderr: 'ERROR: tablet zone1-0000000102 is not running\n' });
  });

  it('stops the process with `down`: pid file removed, process gone, port closed', async () => {
    const pid = place.pid();
    const down = await place.vtsim('down');
    expect(down).toEqual({ code: 0, stdout: `vtsim cluster (pid ${pid}) stopped\n`, stderr: '' });
    expect(existsSync(place.pidFile)).toBe(false);
    expect(processAlive(pid)).toBe(false);
    const status = await place.vtsim('status');
    expect(status.code).toBe(1);
    expect(status.stderr).toBe(`ERROR: no vtsim cluster is running on 127.0.0.1:${place.web} (start one with 'vtsim up')\n`);
    await expect(mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('vtsim up --keyspaces … --schema-dir', () => {
  let place: ClusterPlace;
  beforeAll(async () => {
    place = await clusterPlace();
  });
  afterAll(() => place?.stop());

  it('creates keyspaces, shards, tablets, schemas and VSchemas before serving', async () => {
    const dir = join(place.root, 'schema');
    mkdirSync(join(dir, 'commerce'), { recursive: true });
    mkdirSync(join(dir, 'customer'), { recursive: true });
    writeFileSync(join(dir, 'commerce', 'create_commerce_schema.sql'), exampleFile('create_commerce_schema.sql'));
    writeFileSync(join(dir, 'commerce', 'vschema.json'), exampleFile('vschema_commerce_initial.json'));
    writeFileSync(join(dir, 'customer', 'customer.sql'), 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id));');
    writeFileSync(join(dir, 'customer', 'vschema.json'), JSON.stringify({
      sharded: true,
      vindexes: { hash: { type: 'hash' } },
      tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] } },
    }));
    const up = await place.vtsim('up', '--detach', '--mysql-port', String(place.mysqlPort), '--keyspaces', 'commerce,customer', '--num-shards', '1,2', '--schema-dir', dir);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);

    const status = JSON.parse((await place.vtsim('status')).stdout) as StatusReply;
    expect(status.tablets.map((t) => `${t.alias.slice(-3)} ${t.keyspace}/${t.shard} ${t.type}`)).toEqual([
      // vtcombo's numbering: uids 1, 2, … in creation order, each shard's primary first.
      '001 commerce/0 PRIMARY', '002 commerce/0 REPLICA', '003 commerce/0 RDONLY',
      '004 customer/-80 PRIMARY', '005 customer/-80 REPLICA', '006 customer/-80 RDONLY',
      '007 customer/80- PRIMARY', '008 customer/80- REPLICA', '009 customer/80- RDONLY',
    ]);

    const conn = await mysql.createConnection({ host: '127.0.0.1', port: place.mysqlPort, user: 'root' });
    try {
      await conn.query("insert into commerce.product(sku, description, price) values ('SKU-1', 'Monitor', 100)");
      for (const id of [1, 2, 3, 4, 5]) await conn.query(`insert into customer.customer(customer_id, email) values (${id}, 'c${id}')`);
      await conn.query('use customer/80-');
      const [high] = await conn.query({ sql: 'select customer_id from customer', rowsAsArray: true });
      expect(high).toEqual([[4]]);
      await conn.query('use customer');
      const [all] = await conn.query({ sql: 'select customer_id from customer order by customer_id', rowsAsArray: true });
      expect(all).toEqual([[1], [2], [3], [4], [5]]);
    } finally {
      await conn.end();
    }
    const pid = place.pid();
    expect((await place.vtsim('down')).code).toBe(0);
    expect(processAlive(pid)).toBe(false);
  });
});

describe('vtsim error paths', () => {
  let place: ClusterPlace;
  beforeAll(async () => {
    place = await clusterPlace();
  });
  afterAll(() => place?.stop());

  it('refuses `tablet up` without its flags', async () => {
    expect(await place.vtsim('tablet', 'up')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ERROR: tablet up needs --keyspace, --shard and --uid (or KEYSPACE, SHARD, TABLET_UID)\n',
    });
  });

  it('says so when `down`, `tablet up` or `status` find no cluster running', async () => {
    expect(await place.vtsim('down')).toEqual({ code: 0, stdout: 'no vtsim cluster is running\n', stderr: '' });
    const tablet = await place.vtsim('tablet', 'up', '--keyspace', 'commerce', '--shard', '0', '--uid', '100');
    expect(tablet).toEqual({ code: 1, stdout: '', stderr: `ERROR: no vtsim cluster is running on 127.0.0.1:${place.web} (start one with 'vtsim up')\n` });
  });

  it('rejects an unknown command with the usage text', async () => {
    const r = await place.vtsim('frobnicate');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^vtsim: unknown command 'frobnicate'\n\nusage: vtsim <command>/);
  });
});
