// Issue 8 item 8, vtgate's side: list bind variables (`customer_id in ::ids` with a TUPLE) in
// Execute, ExecuteBatch and StreamExecute, routed to the shards owning the values only, and
// Prepare answering a statement's fields without running its writes, from a gRPC client built
// from the `.proto` files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, VtError } from '@vtsim/proto';
import { startVtgateGrpcServer, VtgateClient, type DecodedMessage, type VtgateGrpcServer } from '../src/index.js';
import { rowsText, TestCluster } from './vtgate-fixture.js';

const int = (n: number) => ({ type: 'INT64', value: Buffer.from(String(n)) });
const ids = (...ns: number[]) => ({ ids: { type: 'TUPLE', values: ns.map(int) } });


describe('list bind variables and Prepare over vtgate gRPC, on customer -80/80-', () => {
  let c: TestCluster;
  let server: VtgateGrpcServer;
  let client: VtgateClient;

  beforeAll(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100]);
    await c.addShard('customer', '-80', [300]);
    await c.addShard('customer', '80-', [400]);
    await c.startVtgate();
    await c.applyVSchema('customer', { sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] } } });
    const commerce = await c.session('commerce');
    await c.exec(commerce, "create table customer_seq(id int, next_id bigint, cache bigint, primary key(id)) comment 'vitess_sequence'");
    await c.exec(commerce, 'insert into customer_seq(id, next_id, cache) values (0, 1000, 100)');
    await c.applyVSchema('commerce', { tables: { customer_seq: { type: 'sequence' } } });
    const s = await c.session('customer');
    await c.exec(s, 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id))');
    await c.exec(s, "insert into customer(customer_id, email) values (1, 'alice'), (2, 'bob'), (3, 'charlie'), (4, 'dan'), (5, 'eve')");
    server = await startVtgateGrpcServer({
      port: 0,
      executor: c.vtgate.executor,
      vstream: () => {
        throw new VtError(Code.UNIMPLEMENTED, 'no vstream here');
      },
      shutdownGraceMs: 100,
    });
    client = VtgateClient.connect(`127.0.0.1:${server.port}`);
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
    await c.close();
  });

  const LIST = 'select customer_id, email from customer where customer_id in ::ids order by customer_id';

  it('Execute: selects the listed rows; in a transaction only the owning shards join (4 lives on 80-, 1 and 5 on -80)', async () => {
    const all = await client.execute({ session: { target_string: 'customer', autocommit: true }, query: { sql: LIST, bind_variables: ids(1, 4, 5) } });
    expect(all.error).toBeNull();
    expect(rowsText(all.result)).toEqual([['1', 'alice'], ['4', 'dan'], ['5', 'eve']]);

    const begun = (await client.execute({ session: { target_string: 'customer', autocommit: true }, query: { sql: 'begin' } })).session;
    const low = await client.execute({ session: begun, query: { sql: LIST, bind_variables: ids(1, 5) } });
    expect(rowsText(low.result)).toEqual([['1', 'alice'], ['5', 'eve']]);
    expect(low.session.shard_sessions.map((s: { target: { shard: string } }) => s.target.shard)).toEqual(['-80']);
    const high = await client.execute({ session: low.session, query: { sql: LIST, bind_variables: ids(4) } });
    expect(rowsText(high.result)).toEqual([['4', 'dan']]);
    expect(high.session.shard_sessions.map((s: { target: { shard: string } }) => s.target.shard)).toEqual(['-80', '80-']);
    await client.execute({ session: high.session, query: { sql: 'rollback' } });
  });

  it('Execute: a list of VARBINARY values on a non-vindex column, and the list used twice', async () => {
    const r = await client.execute({
      session: { target_string: 'customer', autocommit: true },
      query: {
        sql: 'select customer_id from customer where email in ::emails and customer_id not in ::emails2 order by customer_id',
        bind_variables: {
          emails: { type: 'TUPLE', values: ['bob', 'dan', 'nobody'].map((e) => ({ type: 'VARBINARY', value: Buffer.from(e) })) },
          emails2: { type: 'TUPLE', values: [int(4)] },
        },
      },
    });
    expect(r.error).toBeNull();
    expect(rowsText(r.result)).toEqual([['2']]);
  });

  it('ExecuteBatch and StreamExecute take list bind variables too', async () => {
    const batch = await client.executeBatch({
      session: { target_string: 'customer', autocommit: true },
      queries: [
        { sql: LIST, bind_variables: ids(2, 3) },
        { sql: 'select count(*) from customer where customer_id in ::ids', bind_variables: ids(1, 2, 3, 4, 5, 6) },
      ],
    });
    expect(batch.results.map((r: { error: unknown; result: DecodedMessage }) => [r.error, rowsText(r.result)])).toEqual([
      [null, [['2', 'bob'], ['3', 'charlie']]],
      [null, [['5']]],
    ]);
    const rows: (string | null)[][] = [];
    for await (const m of client.streamExecute({ session: { target_string: 'customer', autocommit: true }, query: { sql: LIST, bind_variables: ids(4, 3) } })) {
      if (m.result) rows.push(...rowsText(m.result));
    }
    expect(rows).toEqual([['3', 'charlie'], ['4', 'dan']]);
  });

  it('refuses a missing, single-valued or empty list with INVALID_ARGUMENT', async () => {
    const session = { target_string: 'customer', autocommit: true };
    const err = async (bind_variables: object) => (await client.execute({ session, query: { sql: LIST, bind_variables } })).error;
    expect(await err({})).toEqual({ code: 'INVALID_ARGUMENT', message: 'missing bind var ids' });
    expect(await err({ ids: int(1) })).toEqual({ code: 'INVALID_ARGUMENT', message: 'unexpected arg type (INT64) for multi-value key ids' });
    expect(await err({ ids: { type: 'TUPLE', values: [] } })).toEqual({ code: 'INVALID_ARGUMENT', message: 'empty list supplied for ids' });
  });

  it('Prepare returns a SELECT\'s fields and the session, without rows', async () => {
    const r = await client.prepare({ session: { target_string: 'customer', autocommit: true }, query: { sql: LIST, bind_variables: ids(1) } });
    expect(r.error).toBeNull();
    expect(r.fields.map((f: { name: string; type: string }) => [f.name, f.type])).toEqual([
      ['customer_id', 'INT64'],
      ['email', 'VARBINARY'],
    ]);
    expect(r.session.target_string).toBe('customer');
    const show = await client.prepare({ session: { target_string: 'customer' }, query: { sql: 'show tables' } });
    expect(show.fields.map((f: { name: string }) => f.name)).toEqual(['Tables_in_customer']);
  });

  it('Prepare of a write returns no fields and changes nothing; garbage is INVALID_ARGUMENT', async () => {
    const session = { target_string: 'customer', autocommit: true };
    for (const sql of ["insert into customer(customer_id, email) values (9, 'x')", 'delete from customer', "update customer set email = 'y'"]) {
      const r = await client.prepare({ session, query: { sql } });
      expect([r.error, r.fields]).toEqual([null, []]);
    }
    const count = await client.execute({ session, query: { sql: 'select count(*), min(email) from customer' } });
    expect(rowsText(count.result)).toEqual([['5', 'alice']]);
    const bad = await client.prepare({ session, query: { sql: 'frobnicate the table' } });
    expect(bad.error).toEqual({ code: 'INVALID_ARGUMENT', message: 'unrecognized statement: frobnicate the table' });
    const missing = await client.prepare({ session, query: { sql: 'select * from nosuchtable' } });
    expect(missing.error.code).toBe('NOT_FOUND');
  });

  it('Prepare of SELECT NEXT answers its nextval field without using up sequence values', async () => {
    const session = { target_string: 'commerce', autocommit: true };
    const r = await client.prepare({ session, query: { sql: 'select next 2 values from customer_seq' } });
    expect([r.error, r.fields.map((f: { name: string; type: string }) => [f.name, f.type])]).toEqual([null, [['nextval', 'INT64']]]);
    const next = await client.execute({ session, query: { sql: 'select next 1 values from customer_seq' } });
    expect(rowsText(next.result)).toEqual([['1000']]);
  });
});
