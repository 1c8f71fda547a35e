import { describe, expect, it } from 'vitest';
import { Code, SqlError } from '@vtsim/proto';
import { Vtgate, VSchemaAcl } from '../src/index.js';
import { TestCluster } from './vtgate-fixture.js';

/** The failure of a statement: `errno (state) CODE: message`. */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SqlError) return `${err.errno} (${err.sqlState}) ${Code[err.code]}: ${err.message}`;
    throw err;
  }
  return 'OK';
}

async function cluster(vschemaDdlAuthorizedUsers?: string): Promise<TestCluster> {
  const c = await TestCluster.create();
  await c.addShard('commerce', '0', [100]);
  c.vtgate = await Vtgate.start({ topo: c.topo, cell: 'zone1', dialer: c.dialer, clock: c.clock, refreshIntervalMs: 50, vschemaDdlAuthorizedUsers });
  return c;
}

describe('VSchemaAcl', () => {
  it('reads --vschema_ddl_authorized_users as Vitess does', () => {
    expect(new VSchemaAcl().authorized('root')).toBe(false);
    expect(new VSchemaAcl('%').authorized('anyone')).toBe(true);
    const list = new VSchemaAcl(' app , root,,cdc ');
    expect(['app', 'root', 'cdc', 'vt_app', '%', ''].map((u) => list.authorized(u))).toEqual([true, true, true, false, false, false]);
  });
});

describe('ALTER VSCHEMA and CREATE/DROP DATABASE in the executor', () => {
  it("refuses CREATE/DROP DATABASE with Vitess's default plugin, after the existence checks", async () => {
    await using c = await cluster();
    const s = await c.session();
    expect(await failure(c.exec(s, 'create database fresh'))).toBe('1235 (42000) UNIMPLEMENTED: VT12001: unsupported: create database by failDBDDL');
    expect(await failure(c.exec(s, 'drop database commerce'))).toBe('1235 (42000) UNIMPLEMENTED: VT12001: unsupported: drop database by failDBDDL');
    expect(await failure(c.exec(s, 'create database commerce'))).toBe("1007 (HY000) ALREADY_EXISTS: VT06001: cannot create database 'commerce'; database exists");
    expect(await failure(c.exec(s, 'drop database `nosuch`'))).toBe("1008 (HY000) NOT_FOUND: VT05001: cannot drop database 'nosuch'; database does not exists");
    expect(await failure(c.exec(s, 'drop database nosuch character set utf8'))).toBe("1064 (42000) INVALID_ARGUMENT: syntax error at position 31 near 'character'");
    expect((await c.exec(s, 'create schema if not exists commerce')).rowsAffected).toBe(0);
  });

  it('checks the keyspace, then the user, then applies a valid change and installs it at once', async () => {
    await using c = await cluster('vt_app, alice');
    const bob = c.vtgate.executor.newSession({ user: 'bob' });
    await c.vtgate.executor.useTarget(bob, 'commerce');
    expect(await failure(c.exec(bob, 'alter vschema add table nosuch.t'))).toBe("1049 (42000) NOT_FOUND: VT05003: unknown database 'nosuch' in vschema");
    expect(await failure(c.exec(bob, 'alter vschema add table t'))).toBe("1045 (28000) PERMISSION_DENIED: User 'bob' is not authorized to perform vschema operations");
    const app = await c.session('commerce');
    expect(await failure(c.exec(app, 'alter vschema on commerce.t add vindex h (id)'))).toBe('1105 (HY000) NOT_FOUND: vindex h does not exist in keyspace commerce');
    await c.exec(app, 'alter vschema add table product');
    expect([...c.vtgate.executor.currentVSchema.keyspace('commerce')!.tables.keys()]).toEqual(['product']);
    expect(await c.rows(app, 'show vschema tables')).toEqual([['product']]);
    // Making the keyspace sharded would leave `product` without a primary vindex: refused, nothing saved.
    expect(await failure(c.exec(app, 'alter vschema create vindex hash using hash'))).toBe(
      '1105 (HY000) INVALID_ARGUMENT: missing primary col vindex for table: product',
    );
    expect((await c.topo.getVSchema('commerce')).sharded).toBe(false);
    const none = await c.session();
    expect(await failure(c.exec(none, 'alter vschema add table t'))).toMatch(/^1046 \(3D000\) .*No database selected/);
  });

  it('loses no change when many run at once', async () => {
    await using c = await cluster('%');
    const names = Array.from({ length: 20 }, (_, i) => `t${i}`);
    await Promise.all(names.map(async (t) => c.exec(await c.session('commerce'), `alter vschema add table ${t}`)));
    expect(Object.keys((await c.topo.getVSchema('commerce')).tables).sort()).toEqual([...names].sort());
  });

  it('shows the vindexes of every keyspace and of one table', async () => {
    await using c = await cluster('%');
    await c.addShard('customer', '-80', [200]);
    await c.addShard('customer', '80-', [300]);
    const s = await c.session('customer');
    await c.exec(s, "alter vschema on customer add vindex lk (email, id) using binary_md5 with to = kid, from = 'email,id', table = commerce.lk, owner = customer");
    await c.exec(s, 'alter vschema on customer add vindex hash (id) using hash');
    const all = await c.exec(s, 'show vschema vindexes');
    expect(all.fields.map((f) => f.name)).toEqual(['Keyspace', 'Name', 'Type', 'Params', 'Owner']);
    expect(all.rows.map((r) => r.map(String))).toEqual([
      ['customer', 'hash', 'hash', '', ''],
      ['customer', 'lk', 'binary_md5', 'from=email,id; table=commerce.lk; to=kid', 'customer'],
    ]);
    const on = await c.exec(s, 'show vschema vindexes on customer.customer');
    expect(on.fields.map((f) => f.name)).toEqual(['Columns', 'Name', 'Type', 'Params', 'Owner']);
    expect(on.rows.map((r) => r.map(String))).toEqual([
      ['email, id', 'lk', 'binary_md5', 'from=email,id; table=commerce.lk; to=kid', 'customer'],
      ['id', 'hash', 'hash', '', ''],
    ]);
    expect((await c.exec(s, 'show vschema vindexes on commerce.anything')).rows).toEqual([]);
    expect(await failure(c.exec(s, 'show vschema vindexes on nosuch'))).toBe("1146 (42S02) NOT_FOUND: table 'nosuch' does not exist in keyspace 'customer'");
  });
});
