// Issue 10 item 3: ALTER VSCHEMA through vtgate, from the real mysql client and over gRPC. The
// statements change the keyspace's VSchema in the topology (SrvVSchema rebuilt) and the very next
// statement routes by it; only users named in --vschema_ddl_authorized_users may run them (1045
// otherwise), and every refused change answers Vitess's error, changing nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '@vtsim/cli';
import { Code } from '@vtsim/proto';
import { VtgateClient } from '@vtsim/vtgate';
import { describeMysqlCli, runMysql } from '../harness/mysql-cli.js';

/** A cluster with commerce (unsharded, uid 100) and customer (-80 uid 200, 80- uid 300), vtgate on free ports. */
async function startCluster(vschemaDdlAuthorizedUsers?: string): Promise<{ cluster: Cluster; port: number; grpc: string }> {
  const cluster = await Cluster.start({ mysqlPort: 0, grpcPort: 0, vschemaDdlAuthorizedUsers });
  await cluster.addTablet({ keyspace: 'commerce', shard: '0', uid: 100 });
  await cluster.addTablet({ keyspace: 'customer', shard: '-80', uid: 200 });
  await cluster.addTablet({ keyspace: 'customer', shard: '80-', uid: 300 });
  const vtgate = await cluster.startVtgate();
  return { cluster, port: vtgate.mysqlAddress!.port, grpc: `127.0.0.1:${vtgate.grpcAddress!.port}` };
}

describeMysqlCli('ALTER VSCHEMA through vtgate (mysql client, gRPC)', () => {
  describe('with --vschema_ddl_authorized_users root', () => {
    let c: Awaited<ReturnType<typeof startCluster>>;
    beforeAll(async () => {
      c = await startCluster('root');
    });
    afterAll(async () => {
      await c?.cluster.close();
    });

    it('shards a keyspace by SQL: the next statements route by the new VSchema', async () => {
      const setup = await runMysql(c.port, ['-t'], [
        'use customer;',
        'create table customer (customer_id bigint, email varchar(64), primary key (customer_id));',
        'alter vschema create vindex hash using hash;',
        'alter vschema on customer add vindex hash (customer_id);',
        'insert into customer (customer_id, email) values (1, "a@x"), (2, "b@x"), (3, "c@x"), (4, "d@x");',
        'show vschema tables;',
        'show vschema vindexes;',
        'show vschema vindexes on customer;',
      ].join('\n'));
      expect(setup.stderr).toBe('');
      expect(setup.stdout).toContain('| Tables   |\n+----------+\n| customer |');
      expect(setup.stdout).toContain('| Keyspace | Name | Type | Params | Owner |\n+----------+------+------+--------+-------+\n| customer | hash | hash |        |       |');
      expect(setup.stdout).toContain('| Columns     | Name | Type | Params | Owner |\n+-------------+------+------+--------+-------+\n| customer_id | hash | hash |        |       |');
      // hash(1) = 166b40b44aba4bd6 and hash(2) = 06e7ea22ce92708f lie in -80; hash(3) = 4eb190c9a2fa169c too; hash(4) = d2fd8867d50d2dfe in 80-.
      const low = await runMysql(c.port, ['-N', '-e', 'use `customer:-80`; select customer_id from customer order by customer_id']);
      const high = await runMysql(c.port, ['-N', '-e', 'use `customer:80-`; select customer_id from customer order by customer_id']);
      expect(low.stdout + high.stdout).toBe('1\n2\n3\n4\n');
      expect(high.stdout).toBe('4\n');
      const vschema = await c.cluster.topo.getVSchema('customer');
      expect(vschema.sharded).toBe(true);
      expect(vschema.tables.customer!.column_vindexes).toEqual([{ column: '', name: 'hash', columns: ['customer_id'] }]);
      expect((await c.cluster.topo.getSrvVSchema('zone1')).keyspaces.customer).toEqual(vschema);
    });

    it('fills a sharded table from a sequence added by SQL', async () => {
      const r = await runMysql(c.port, ['-N'], [
        "use commerce; create table customer_seq (id int, next_id bigint, cache bigint, primary key (id)) comment 'vitess_sequence';",
        'insert into customer_seq (id, next_id, cache) values (0, 100, 10);',
        'alter vschema add sequence customer_seq;',
        'alter vschema on customer.customer add auto_increment customer_id using commerce.customer_seq;',
        'use customer; insert into customer (email) values ("seq@x"); select customer_id from customer where email = "seq@x";',
      ].join('\n'));
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('100\n');
      expect((await c.cluster.topo.getVSchema('customer')).tables.customer!.auto_increment).toEqual({ column: 'customer_id', sequence: 'commerce.customer_seq' });
    });

    it("answers Vitess's errors (errno, SQLSTATE, text) and changes nothing", async () => {
      const before = await c.cluster.topo.getVSchema('customer');
      const cases: Array<[string, string]> = [
        ['use customer; alter vschema create vindex hash using hash', 'ERROR 1105 (HY000) at line 1: vindex hash already exists in keyspace customer'],
        ['use customer; alter vschema add table t', 'ERROR 1105 (HY000) at line 1: add vschema table: unsupported on sharded keyspace customer'],
        ['use customer; alter vschema drop vindex hash', 'ERROR 1105 (HY000) at line 1: can not drop vindex cause hash still defined on table customer'],
        ['use customer; alter vschema on nosuch drop vindex hash', 'ERROR 1105 (HY000) at line 1: table customer.nosuch not defined in vschema'],
        ['alter vschema add table nosuch.t', "ERROR 1049 (42000) at line 1: VT05003: unknown database 'nosuch' in vschema"],
        ['alter vschema add table t', 'ERROR 1046 (3D000) at line 1: No database selected'],
        ['alter vschema add tabel t', "ERROR 1064 (42000) at line 1: syntax error at position 24 near 'tabel'"],
        ['use customer; alter vschema create vindex v using nosuch_type', 'ERROR 1105 (HY000) at line 1: vindex type nosuch_type not found'],
      ];
      for (const [sql, error] of cases) {
        const r = await runMysql(c.port, ['-e', sql]);
        expect(r.code, sql).toBe(1);
        expect(r.stderr, sql).toContain(error);
      }
      expect(await c.cluster.topo.getVSchema('customer')).toEqual(before);
    });

    it('refuses a gRPC caller without credentials (unsecure_grpc_client) with PERMISSION_DENIED', async () => {
      const client = VtgateClient.connect(c.grpc);
      try {
        const r = await client.execute({ session: { target_string: 'commerce', autocommit: true }, query: { sql: 'alter vschema add table grpc_t' } });
        expect(r.error.code).toBe(Code[Code.PERMISSION_DENIED]);
        expect(r.error.message).toContain("User 'unsecure_grpc_client' is not authorized to perform vschema operations");
        const ok = await client.execute({ session: { target_string: 'commerce', autocommit: true }, query: { sql: 'show vschema tables' } });
        expect(ok.error).toBeNull();
        // With gRPC auth off, a `username` in the call's metadata is not believed: still unsecure_grpc_client.
        const claimed = VtgateClient.connect(c.grpc, { metadata: { username: 'root', password: '' } });
        try {
          const r2 = await claimed.execute({ session: { target_string: 'commerce', autocommit: true }, query: { sql: 'alter vschema add table grpc_t' } });
          expect(r2.error.message).toContain("User 'unsecure_grpc_client' is not authorized to perform vschema operations");
        } finally {
          claimed.close();
        }
      } finally {
        client.close();
      }
    });
  });

  it("checks a gRPC caller's static-auth user", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtsim-vschema-acl-'));
    writeFileSync(join(dir, 'grpc_users.json'), JSON.stringify([{ Username: 'cdc', Password: 'pw' }, { Username: 'app', Password: 'pw' }]));
    const cluster = await Cluster.start({ mysqlPort: 0, grpcPort: 0, vschemaDdlAuthorizedUsers: 'cdc', auth: { grpcAuth: { mode: 'static', staticPasswordFile: join(dir, 'grpc_users.json') } } });
    const clients: VtgateClient[] = [];
    try {
      await cluster.addTablet({ keyspace: 'commerce', shard: '0', uid: 100 });
      const grpc = `127.0.0.1:${(await cluster.startVtgate()).grpcAddress!.port}`;
      const as = (username: string) => {
        const client = VtgateClient.connect(grpc, { metadata: { username, password: 'pw' } });
        clients.push(client);
        return client.execute({ session: { target_string: 'commerce', autocommit: true }, query: { sql: `alter vschema add table by_${username}` } });
      };
      expect((await as('cdc')).error).toBeNull();
      const app = await as('app');
      expect(app.error.code).toBe(Code[Code.PERMISSION_DENIED]);
      expect(app.error.message).toContain("User 'app' is not authorized to perform vschema operations");
      expect(Object.keys((await cluster.topo.getVSchema('commerce')).tables)).toEqual(['by_cdc']);
    } finally {
      for (const c of clients) c.close();
      await cluster.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets nobody by default, everybody with %, and the named users of a list', async () => {
    for (const [acl, rootAllowed] of [[undefined, false], ['%', true], ['app, root ,cdc', true], ['app,cdc', false]] as const) {
      const c = await startCluster(acl);
      try {
        const r = await runMysql(c.port, ['-e', 'alter vschema add table commerce.product']);
        if (rootAllowed) {
          expect(r.stderr, String(acl)).toBe('');
          expect(Object.keys((await c.cluster.topo.getVSchema('commerce')).tables)).toEqual(['product']);
        } else {
          expect(r.stderr, String(acl)).toContain("ERROR 1045 (28000) at line 1: User 'root' is not authorized to perform vschema operations");
        }
      } finally {
        await c.cluster.close();
      }
    }
  });
});
