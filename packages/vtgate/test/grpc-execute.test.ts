import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Code, Type, VtError, decodeRowBytes } from '@vtsim/proto';
import { startVtgateGrpcServer, VtgateClient, type DecodedMessage, type VtgateGrpcServer } from '../src/index.js';
import { exampleFile, rowsText, sqlStatements, TestCluster } from './vtgate-fixture.js';


describe('vtgateservice.Vitess Execute / StreamExecute against a real vtgate', () => {
  let c: TestCluster;
  let server: VtgateGrpcServer;
  let client: VtgateClient;

  beforeEach(async () => {
    c = await TestCluster.create();
    await c.addShard('commerce', '0', [100, 101]);
    await c.startVtgate();
    const s = await c.session('commerce');
    for (const stmt of sqlStatements(exampleFile('create_commerce_schema.sql'))) await c.exec(s, stmt);
    await c.applyVSchema('commerce', exampleFile('vschema_commerce_initial.json'));
    for (const stmt of sqlStatements(exampleFile('insert_commerce_data.sql'))) await c.exec(s, stmt);
    server = await startVtgateGrpcServer({
      port: 0,
      executor: c.vtgate.executor,
      vstream: () => {
        throw new VtError(Code.UNIMPLEMENTED, 'no vstream here');
      },
      shutdownGraceMs: 100,
    });
    client = VtgateClient.connect(`127.0.0.1:${server.port}`, { enums: 'names' });
  });
  afterEach(async () => {
    client.close();
    await server.close();
    await c.close();
  });

  const session = (target: string) => ({ target_string: target, autocommit: true });

  it('runs a query with bind variables and returns the result, the session and no error', async () => {
    const r = await client.execute({
      session: session('commerce'),
      query: { sql: 'select customer_id, email from customer where customer_id = :id', bind_variables: { id: { type: 'INT64', value: Buffer.from('3') } } },
    });
    expect(r.error).toBeNull();
    expect(r.result.fields.map((f: { name: string; type: string }) => [f.name, f.type])).toEqual([
      ['customer_id', 'INT64'],
      ['email', 'VARBINARY'],
    ]);
    expect(rowsText(r.result)).toEqual([['3', 'charlie@domain.com']]);
    expect(r.session).toMatchObject({ target_string: 'commerce', autocommit: true, in_transaction: false });
    expect(r.session.SessionUUID).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('treats a missing session as a new autocommit session', async () => {
    const r = await client.execute({ query: { sql: 'select count(*) from commerce.customer' } });
    expect(r.error).toBeNull();
    expect(rowsText(r.result)).toEqual([['5']]);
    expect(r.session.autocommit).toBe(true);
  });

  it("returns the session's ExecuteOptions as the client sent them", async () => {
    const options = { included_fields: 'ALL', workload: 'OLAP', sql_select_limit: '10', transaction_access_mode: ['READ_ONLY'], WorkloadName: 'cdc' };
    const r = await client.execute({ session: { ...session('commerce'), options }, query: { sql: 'select 1 from dual' } });
    expect(r.error).toBeNull();
    expect(r.session.options).toMatchObject(options);
  });

  it("fills in as much of each field as the session's options.included_fields asks, as Vitess's tablets strip them", async () => {
    const sql = 'select customer_id, email from customer where customer_id = 1';
    const bare = { name: '', type: 'INT64', table: '', org_table: '', database: '', org_name: '', column_length: 0, charset: 0, decimals: 0, flags: 0, column_type: '' };
    // No options: TYPE_AND_NAME (sqltypes.IncludeFieldsOrDefault).
    const byDefault = await client.execute({ session: session('commerce'), query: { sql } });
    expect(byDefault.result.fields[0]).toEqual({ ...bare, name: 'customer_id' });
    const typeOnly = await client.execute({ session: { ...session('commerce'), options: { included_fields: 'TYPE_ONLY' } }, query: { sql } });
    expect(typeOnly.result.fields[0]).toEqual(bare);
    // ALL: the whole field, with the tablet's database vt_commerce read as the keyspace.
    const all = await client.execute({ session: { ...session('commerce'), options: { included_fields: 'ALL' } }, query: { sql } });
    expect(all.result.fields[0]).toMatchObject({ name: 'customer_id', type: 'INT64', table: 'customer', org_table: 'customer', database: 'commerce', org_name: 'customer_id', column_length: 20, charset: 63 });
    expect(all.result.fields[0].flags).not.toBe(0);
    const streamed: DecodedMessage[] = [];
    for await (const m of client.streamExecute({ session: session('commerce'), query: { sql } })) streamed.push(m);
    expect(streamed[0]!.result.fields[1]).toEqual({ ...bare, name: 'email', type: 'VARBINARY' });
  });

  it('renders values from the whole fields whatever the session strips: ZEROFILL, FLOAT(m,d), BIT; vtgate-built fields go out whole', async () => {
    const ddl = await client.execute({ session: session('commerce'), query: { sql: 'create table metadata_values (id bigint primary key, z int(5) zerofill, f float(7,4), b bit(16))' } });
    expect(ddl.error).toBeNull();
    await client.execute({ session: session('commerce'), query: { sql: "insert into metadata_values (id, z, f, b) values (1, 42, 1.5, b'100000000')" } });
    const sql = 'select z, f, b from metadata_values';
    for (const included_fields of ['TYPE_AND_NAME', 'TYPE_ONLY', 'ALL']) {
      const r = await client.execute({ session: { ...session('commerce'), options: { included_fields } }, query: { sql } });
      expect(r.error).toBeNull();
      // MySQL's text: zero-padded to the display width, d decimals, BIT(16) as two big-endian bytes.
      expect((r.result.rows as Array<{ lengths: string[]; values: Buffer }>).map((row) => decodeRowBytes(row).map((b) => b!.toString('hex')))).toEqual([
        [Buffer.from('00042').toString('hex'), Buffer.from('1.5000').toString('hex'), '0100'],
      ]);
      expect(r.result.fields[1].column_length).toBe(included_fields === 'ALL' ? 7 : 0);
    }
    // SHOW VITESS_SHARDS is answered by vtgate itself: its fields are not a tablet's to strip.
    const shards = await client.execute({ session: session('commerce'), query: { sql: 'show vitess_shards' } });
    expect(shards.result.fields[0]).toMatchObject({ name: 'Shards', type: 'VARCHAR', charset: 255 });
  });

  it('keeps a transaction open across calls through the returned session', async () => {
    let s = (await client.execute({ session: session('commerce'), query: { sql: 'begin' } })).session;
    expect(s.in_transaction).toBe(true);
    const ins = await client.execute({ session: s, query: { sql: "insert into customer(customer_id, email) values (6, 'frank@domain.com')" } });
    expect(ins.error).toBeNull();
    expect(ins.result.rows_affected).toBe('1');
    s = ins.session;
    expect(s.shard_sessions).toHaveLength(1);
    expect(s.shard_sessions[0]).toMatchObject({ target: { keyspace: 'commerce', shard: '0', tablet_type: 'PRIMARY' }, tablet_alias: { cell: 'zone1', uid: 100 } });
    expect(Number(s.shard_sessions[0].transaction_id)).toBeGreaterThan(0);

    const other = await client.execute({ session: session('commerce'), query: { sql: 'select count(*) from customer' } });
    expect(rowsText(other.result)).toEqual([['5']]);

    const committed = await client.execute({ session: s, query: { sql: 'commit' } });
    expect(committed.error).toBeNull();
    expect(committed.session.in_transaction).toBe(false);
    expect(committed.session.shard_sessions).toEqual([]);
    const after = await client.execute({ session: session('commerce'), query: { sql: 'select email from customer where customer_id = 6' } });
    expect(rowsText(after.result)).toEqual([['frank@domain.com']]);
  });

  it('rolls back an open transaction on CloseSession', async () => {
    let s = (await client.execute({ session: session('commerce'), query: { sql: 'begin' } })).session;
    s = (await client.execute({ session: s, query: { sql: "insert into customer(customer_id, email) values (7, 'x@y')" } })).session;
    expect((await client.closeSession({ session: s })).error).toBeNull();
    const r = await client.execute({ session: session('commerce'), query: { sql: 'select count(*) from customer where customer_id = 7' } });
    expect(rowsText(r.result)).toEqual([['0']]);
  });

  it('returns SQL errors in the response with their vtrpc code, errno and SQLSTATE, with the session', async () => {
    const r = await client.execute({ session: session('commerce'), query: { sql: 'select * from nosuchtable' } });
    expect(r.result).toBeNull();
    expect(r.error.code).toBe('NOT_FOUND');
    expect(r.error.message).toContain("doesn't exist (errno 1146) (sqlstate 42S02)");
    expect(r.session.target_string).toBe('commerce');

    const bad = await client.execute({ session: session('nosuchkeyspace'), query: { sql: 'select 1' } });
    expect(bad.error).toEqual({ code: 'NOT_FOUND', message: "Unknown database 'nosuchkeyspace' (errno 1049) (sqlstate 42000)" });

    const parse = await client.execute({ session: session('commerce'), query: { sql: 'selec 1' } });
    expect(parse.error.code).toBe('INVALID_ARGUMENT');
  });

  it('follows USE and SET through the session: target, autocommit and user variables', async () => {
    let s = (await client.execute({ session: session(''), query: { sql: 'use commerce' } })).session;
    expect(s.target_string).toBe('commerce');
    s = (await client.execute({ session: s, query: { sql: "set @greeting = 'hi', @n = 42" } })).session;
    expect(Object.keys(s.user_defined_variables).sort()).toEqual(['greeting', 'n']);
    expect(s.user_defined_variables.n).toMatchObject({ type: 'INT64', value: Buffer.from('42') });
    const r = await client.execute({ session: s, query: { sql: 'select @greeting, @n' } });
    expect(rowsText(r.result)).toEqual([['hi', '42']]);
    const replica = await client.execute({ session: { ...s, target_string: 'commerce@replica' }, query: { sql: 'select count(*) from customer' } });
    expect(replica.error).toBeNull();
    expect(replica.session.target_string).toBe('commerce@replica');
  });

  it('restores a session it does not know from the wire fields', async () => {
    const r = await client.execute({
      session: {
        SessionUUID: 'from-another-vtgate',
        target_string: 'commerce',
        autocommit: true,
        user_defined_variables: { v: { type: 'VARCHAR', value: Buffer.from('kept') } },
        last_insert_id: '77',
      },
      query: { sql: 'select @v, last_insert_id()' },
    });
    expect(r.error).toBeNull();
    expect(rowsText(r.result)).toEqual([['kept', '77']]);
    expect(r.session.SessionUUID).toBe('from-another-vtgate');
  });

  it('runs a batch, one result or error per statement', async () => {
    const r = await client.executeBatch({
      session: session('commerce'),
      queries: [{ sql: 'select count(*) from customer' }, { sql: 'select * from nosuchtable' }, { sql: 'select sku from product order by sku' }],
    });
    expect(r.error).toBeNull();
    expect(r.results).toHaveLength(3);
    expect(rowsText(r.results[0].result)).toEqual([['5']]);
    expect(r.results[1].error.code).toBe('NOT_FOUND');
    expect(rowsText(r.results[2].result)).toEqual([['SKU-1001'], ['SKU-1002']]);
  });

  it('streams the fields first, then the rows, then the session', async () => {
    const parts: DecodedMessage[] = [];
    for await (const p of client.streamExecute({ session: session('commerce'), query: { sql: 'select customer_id, email from customer order by customer_id' } })) parts.push(p);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts[0]!.result.fields.map((f: { name: string }) => f.name)).toEqual(['customer_id', 'email']);
    expect(parts[0]!.result.rows).toEqual([]);
    const rows = parts.slice(1, -1).flatMap((p) => rowsText(p.result));
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5']);
    expect(parts.at(-1)!.result).toBeNull();
    expect(parts.at(-1)!.session).toMatchObject({ target_string: 'commerce' });
  });

  it('ends a failed StreamExecute with the error status', async () => {
    const run = async () => {
      for await (const _ of client.streamExecute({ session: session('commerce'), query: { sql: 'select * from nosuchtable' } })) void _;
    };
    await expect(run()).rejects.toMatchObject({ code: Code.NOT_FOUND });
  });

  it('decodes requests with numeric enums too (a numbers client)', async () => {
    const numbers = VtgateClient.connect(`127.0.0.1:${server.port}`, { enums: 'numbers' });
    try {
      const r = await numbers.execute({ session: session('commerce'), query: { sql: 'select price from product where sku = :s', bind_variables: { s: { type: Type.VARBINARY, value: Buffer.from('SKU-1001') } } } });
      expect(r.result.fields[0].type).toBe(Type.INT64);
      expect(rowsText(r.result)).toEqual([['100']]);
      expect(r.session.shard_sessions).toEqual([]);
    } finally {
      numbers.close();
    }
  });
});
