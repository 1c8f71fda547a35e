// Issue 8 item 8, vtctld's side: the legacy `vtctlservice.Vtctl/ExecuteVtctlCommand` as Debezium's
// VtctldConnectionTestHelper calls it, from a gRPC client built from the repository's .proto files:
// ApplySchema, ApplyVSchema, GetSchema, GetVSchema, ShardReplicationPositions and the workflow
// commands in vtctl's argument forms, answered with logutil CONSOLE events, errors as gRPC statuses.
import { credentials, Metadata, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { StaticAuthPlugin } from '@vtsim/vttablet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVtctlProtos, startVtctldGrpcServer, type VtctldGrpcServer } from '../src/index.js';
import { WorkflowCluster } from './workflow-cluster.js';

interface Event {
  time: { seconds: string; nanoseconds: number };
  level: string;
  file: string;
  line: string;
  value: string;
}

let c: WorkflowCluster;
let server: VtctldGrpcServer;
let client: Client;

/** Runs one vtctl command line; resolves with its events and the final status (null for OK). */
function vtctl(...args: string[]): Promise<{ events: Event[]; err: ServiceError | null }> {
  const stream = (client as unknown as { ExecuteVtctlCommand(r: object): NodeJS.EventEmitter }).ExecuteVtctlCommand({ args, action_timeout: String(10_000_000_000) });
  const events: Event[] = [];
  return new Promise((resolve) => {
    stream.on('data', (m: { event: Event }) => events.push(m.event));
    stream.on('error', (err: ServiceError) => resolve({ events, err }));
    stream.on('end', () => resolve({ events, err: null }));
  });
}

/** The CONSOLE output of a command that must succeed (what Debezium's helper collects). */
async function consoleOf(...args: string[]): Promise<string[]> {
  const r = await vtctl(...args);
  if (r.err) throw new Error(`${args[0]} failed: ${r.err.details}`);
  return r.events.filter((e) => e.level === 'CONSOLE').map((e) => e.value);
}

beforeAll(async () => {
  c = await WorkflowCluster.start();
  await c.localExample();
  server = await startVtctldGrpcServer({ port: 0, vtctld: c.vtctld, shutdownGraceMs: 100 });
  client = new (loadVtctlProtos('client').VtctlClient)(`127.0.0.1:${server.port}`, credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  await server?.close();
  await c?.close();
});

describe('vtctlservice.Vtctl/ExecuteVtctlCommand', () => {
  it('ApplySchema (--sql=, -sql) runs the DDL on the keyspace and prints the (empty) uuid list', async () => {
    const out = await consoleOf('ApplySchema', '--ddl-strategy=direct', '--sql=create table t1(id bigint not null, v varchar(10), primary key(id))', 'commerce');
    expect(out).toEqual(['\n']);
    expect(await consoleOf('ApplySchema', '-sql', 'alter table t1 add column w int', 'commerce')).toEqual(['\n']);
    expect(await c.rows(100, 'show tables')).toContain('t1');
    // A failed RPC ends the stream with the status vtctld's ApplySchema fails with.
    const r = await vtctl('ApplySchema', '-sql', 'alter table t1 add column w int', 'commerce');
    const direct = await c.vtctld.applySchema({ keyspace: 'commerce', sql: ['alter table t1 add column w int'], ddl_strategy: 'direct' }).then(
      () => undefined,
      (e: { code: number; message: string }) => e,
    );
    expect([r.err?.code, r.err?.details]).toEqual([direct?.code, direct?.message]);
    expect(r.err?.details).toContain("Duplicate column name 'w'");
  });

  it('ApplyVSchema (--vschema=, -vschema) prints the new VSchema as vtctl does; GetVSchema prints it as JSON', async () => {
    const vschema = { tables: { product: {}, customer: {}, corder: {}, t1: {} } };
    const [applied] = await consoleOf('ApplyVSchema', `--vschema=${JSON.stringify(vschema)}`, 'commerce');
    expect(applied).toMatch(/^New VSchema object:\n\{\n {2}"sharded": false,/);
    expect(applied).toMatch(/\nIf this is not what you expected, check the input data \(as JSON parsing will skip unexpected fields\)\.\n$/);
    await consoleOf('ApplyVSchema', '-vschema', JSON.stringify(vschema), 'commerce');
    const [got] = await consoleOf('GetVSchema', 'commerce');
    expect(Object.keys(JSON.parse(got!).tables).sort()).toEqual(['corder', 'customer', 'product', 't1']);
  });

  it('GetSchema <tablet alias> prints the schema definition; --table_names_only the names', async () => {
    const [schema] = await consoleOf('GetSchema', 'zone1-0000000100');
    expect(JSON.parse(schema!).table_definitions.map((t: { name: string }) => t.name)).toEqual(['corder', 'customer', 'product', 't1']);
    expect(await consoleOf('GetSchema', '-table_names_only', 'zone1-100')).toEqual(['corder\ncustomer\nproduct\nt1\n']);
  });

  it('ShardReplicationPositions prints one AWK line per tablet, primary first, the position at field 8', async () => {
    const [out] = await consoleOf('ShardReplicationPositions', 'commerce/0');
    const lines = out!.trimEnd().split('\n');
    expect(lines.map((l) => l.split(' ').slice(0, 4).join(' '))).toEqual([
      'zone1-0000000100 commerce 0 primary',
      'zone1-0000000101 commerce 0 replica',
      'zone1-0000000102 commerce 0 rdonly',
    ]);
    const position = c.tablet(100).position();
    expect(position).toMatch(/^MySQL56\//);
    expect(lines[0]!.split(' ')[8]).toBe(position);
    expect(lines[0]!.split(' ')[9]).toBe('0');
  });

  it('runs MoveTables in vtctl\'s form with vtctl\'s outputs: Create, Show, Progress, GetState, SwitchTraffic, Complete; Workflow listall', async () => {
    const created = await consoleOf('MoveTables', '--', '--source', 'commerce', '--tables', 'customer,corder', 'Create', 'customer.commerce2customer');
    expect(created[0]).toBe('Waiting for workflow to start:\n');
    expect(created.slice(1, -2).every((l) => /^\d+% \.\.\. $/.test(l))).toBe(true);
    expect(created.at(-2)).toBe('\nWorkflow started successfully with 1 stream(s)\n');
    expect(created.at(-1)).toMatch(/^\nThe following vreplication streams exist for workflow customer\.commerce2customer:\n\nid=1 on 0\/zone1-0000000200: Status: (Running|Copying)(\. VStream Lag: 0s\.| VStream has not started\.)?/);
    await c.waitForRunning('customer', 'commerce2customer');
    expect(await consoleOf('MoveTables', 'Show', 'customer.commerce2customer')).toEqual([
      '\nThe following vreplication streams exist for workflow customer.commerce2customer:\n\nid=1 on 0/zone1-0000000200: Status: Running. VStream Lag: 0s.\n\n',
    ]);
    expect(await consoleOf('MoveTables', 'Progress', 'customer.commerce2customer')).toHaveLength(1);
    expect(await consoleOf('MoveTables', 'GetState', 'customer.commerce2customer')).toEqual(['Reads Not Switched. Writes Not Switched\n']);
    expect(await consoleOf('Workflow', 'customer', 'listall')).toEqual(['Following workflow(s) found in keyspace customer: commerce2customer\n']);
    expect(await consoleOf('Workflow', 'commerce', 'listall')).toEqual(['No workflows found in keyspace commerce\n']);
    expect(await consoleOf('MoveTables', '--', '--tablet_types=rdonly,replica', 'SwitchTraffic', 'customer.commerce2customer')).toEqual([
      'SwitchTraffic was successful for workflow customer.commerce2customer\nStart State: Reads Not Switched. Writes Not Switched\nCurrent State: All Reads Switched. Writes Not Switched\n\n',
    ]);
    expect(await consoleOf('MoveTables', 'switchtraffic', 'customer.commerce2customer')).toEqual([
      'switchtraffic was successful for workflow customer.commerce2customer\nStart State: All Reads Switched. Writes Not Switched\nCurrent State: All Reads Switched. Writes Switched\n\n',
    ]);
    expect(await consoleOf('MoveTables', 'Complete', 'customer.commerce2customer')).toEqual([
      'Complete was successful for workflow customer.commerce2customer\nStart State: All Reads Switched. Writes Switched\nCurrent State: Workflow Not Found\n\n',
    ]);
    const gone = await vtctl('MoveTables', 'Show', 'customer.commerce2customer');
    expect([gone.err?.code, gone.err?.details]).toEqual([status.UNKNOWN, 'workflow customer.commerce2customer does not exist']);
    const bad = await vtctl('Reshard', 'Create', 'customer');
    expect(bad.err?.details).toBe('invalid format for <keyspace.workflow>: customer');
    const dry = await vtctl('MoveTables', '--dry_run', 'Create', 'customer.x');
    expect(dry.err?.details).toBe('--dry_run is only supported for SwitchTraffic, ReverseTraffic and Complete, not for Create');
  }, 20_000);

  it('ends bad command lines and failed RPCs with the gRPC status vtctl gives them', async () => {
    const unknown = await vtctl('Frobnicate', 'x');
    expect([unknown.err?.code, unknown.err?.details, unknown.events]).toEqual([status.UNKNOWN, 'unknown command: Frobnicate', []]);
    const noKeyspace = await vtctl('GetVSchema');
    expect([noKeyspace.err?.code, noKeyspace.err?.details]).toEqual([status.UNKNOWN, 'the <keyspace> argument is required for the GetVSchema command']);
    const missing = await vtctl('GetVSchema', 'nosuchkeyspace');
    expect(missing.err?.code).toBe(status.NOT_FOUND);
    const badFlag = await vtctl('ApplySchema', '--nope', 'commerce');
    expect(badFlag.err?.details).toBe('unknown flag: --nope');
    const badPath = await vtctl('ShardReplicationPositions', 'commerce:0');
    expect(badPath.err?.details).toBe('invalid shard path: commerce:0');
  });

  it('is guarded by --grpc_auth_mode static like the Vtctld service', async () => {
    const guarded = await startVtctldGrpcServer({ port: 0, vtctld: c.vtctld, shutdownGraceMs: 100, auth: new StaticAuthPlugin([{ Username: 'u', Password: 'p', CachingSha2Password: '' }]) });
    const Ctor = loadVtctlProtos('client').VtctlClient;
    const other = new Ctor(`127.0.0.1:${guarded.port}`, credentials.createInsecure());
    try {
      const run = (md: Metadata) =>
        new Promise<ServiceError | null>((resolve) => {
          const s = (other as unknown as { ExecuteVtctlCommand(r: object, m: Metadata): NodeJS.EventEmitter }).ExecuteVtctlCommand({ args: ['GetVSchema', 'commerce'] }, md);
          s.on('data', () => {});
          s.on('error', resolve);
          s.on('end', () => resolve(null));
        });
      expect((await run(new Metadata()))?.code).toBe(status.UNAUTHENTICATED);
      const md = new Metadata();
      md.set('username', 'u');
      md.set('password', 'p');
      expect(await run(md)).toBeNull();
    } finally {
      other.close();
      await guarded.close();
    }
  });
});
