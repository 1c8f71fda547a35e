import { credentials, loadPackageDefinition, Metadata, status, type Client, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startVtctldGrpcServer, type VtctldGrpcServer } from '../src/index.js';
import { MiniCluster } from './mini-cluster.js';

// A client built only from the .proto files, as any gRPC user of vtctld would build one.
const protoDir = fileURLToPath(new URL('../../../proto/', import.meta.url));
const definition = loadSync(['vtctlservice.proto'], { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [protoDir] });
const Vtctld = (loadPackageDefinition(definition).vtctlservice as Record<string, ServiceClientConstructor>).Vtctld!;

let c: MiniCluster;
let server: VtctldGrpcServer;
let client: Client;
beforeEach(async () => {
  c = await MiniCluster.start();
  server = await startVtctldGrpcServer({ port: 0, vtctld: c.vtctld });
  client = new Vtctld(`127.0.0.1:${server.port}`, credentials.createInsecure());
});
afterEach(async () => {
  client.close();
  await server.close();
  await server.close();
  await c.close();
});

type Reply = Record<string, any>;

function call(method: string, request: object): Promise<Reply> {
  return new Promise((resolve, reject) => {
    (client as unknown as Record<string, (r: object, cb: (e: ServiceError | null, v: Reply) => void) => void>)[method]!(request, (e, v) => (e ? reject(e) : resolve(v)));
  });
}

async function failure(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('expected the call to fail');
}

describe('vtctlservice.Vtctld over gRPC', () => {
  it('serves keyspaces, shards and tablets with Vitess field names and enum names', async () => {
    const created = await call('CreateKeyspace', { name: 'commerce', durability_policy: 'semi_sync', sidecar_db_name: '_vt' });
    expect(created).toEqual({
      keyspace: {
        name: 'commerce',
        keyspace: { keyspace_type: 'NORMAL', base_keyspace: '', snapshot_time: null, durability_policy: 'semi_sync', throttler_config: null, sidecar_db_name: '_vt' },
      },
    });
    await c.addTablets('commerce', '0', [100, 101, 102]);
    const shard = await call('GetShard', { keyspace: 'commerce', shard_name: '0' });
    expect(shard.shard.shard.primary_alias).toEqual({ cell: 'zone1', uid: 100 });
    expect(shard.shard.shard.key_range).toBeNull();
    const tablets = await call('GetTablets', { keyspace: 'commerce', shard: '0' });
    expect(tablets.tablets.map((t: Reply) => [t.alias.uid, t.type, t.port_map.vt, t.mysql_port])).toEqual([
      [100, 'PRIMARY', 15100, 17100], [101, 'REPLICA', 15101, 17101], [102, 'RDONLY', 15102, 17102],
    ]);
    const rdonly = await call('GetTablets', { keyspace: 'commerce', tablet_type: 'RDONLY' });
    expect(rdonly.tablets.map((t: Reply) => t.alias.uid)).toEqual([102]);
    const srv = await call('GetSrvKeyspaces', { keyspace: 'commerce' });
    expect(srv.srv_keyspaces.zone1.partitions.map((p: Reply) => p.served_type)).toEqual(['PRIMARY', 'REPLICA', 'RDONLY']);
  });

  it('applies schema and VSchema and reads full status', async () => {
    await c.addTablets('commerce', '0', [100, 101]);
    await call('ApplySchema', { keyspace: 'commerce', sql: ['create table customer (customer_id bigint not null auto_increment, email varbinary(128), primary key (customer_id))'] });
    const vs = await call('ApplyVSchema', { keyspace: 'commerce', v_schema: { tables: { customer: {} } } });
    expect(vs.v_schema.tables.customer).toEqual({ type: '', column_vindexes: [], auto_increment: null, columns: [], pinned: '', column_list_authoritative: false, source: '' });
    expect(vs.v_schema.sharded).toBe(false);
    const status = await call('GetFullStatus', { tablet_alias: { cell: 'zone1', uid: 101 } });
    expect(status.status.super_read_only).toBe(true);
    expect(status.status.server_uuid).toBe(c.tablet(101).mysqld.serverUuid);
    await c.waitCaughtUp(100, [101]);
    const fetched = await call('ExecuteFetchAsDBA', { tablet_alias: { cell: 'zone1', uid: 101 }, query: 'show tables' });
    expect(fetched.result.fields[0].type).toBe('VARCHAR');
    expect(fetched.result.rows).toHaveLength(1);
  });

  it('moves a primary with PlannedReparentShard', async () => {
    await c.addTablets('commerce', '0', [100, 101, 102]);
    const res = await call('PlannedReparentShard', { keyspace: 'commerce', shard: '0', new_primary: { cell: 'zone1', uid: 101 } });
    expect(res.promoted_primary).toEqual({ cell: 'zone1', uid: 101 });
    expect(res.events.length).toBeGreaterThan(0);
    expect(res.events[0].level).toBe('INFO');
    expect((await call('GetTablet', { tablet_alias: { cell: 'zone1', uid: 100 } })).tablet.type).toBe('REPLICA');
    const promoted = (await call('GetTablet', { tablet_alias: { cell: 'zone1', uid: 101 } })).tablet;
    expect(promoted.primary_term_start_time).toEqual({ seconds: String(Math.floor(c.clock.now() / 1000)), nanoseconds: 0 });
  });

  it('answers errors with their gRPC codes and messages, and UNIMPLEMENTED for RPCs vtsim does not serve', async () => {
    const missing = await failure(call('GetKeyspace', { keyspace: 'nope' }));
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(missing.details).toBe("node doesn't exist: keyspaces/nope/Keyspace");
    await call('CreateKeyspace', { name: 'ks' });
    expect((await failure(call('CreateKeyspace', { name: 'ks' }))).code).toBe(status.ALREADY_EXISTS);
    expect((await failure(call('GetTablet', {}))).code).toBe(status.INVALID_ARGUMENT);
    expect((await failure(call('VDiffStop', { workflow: 'w', target_keyspace: 'ks' }))).code).toBe(status.UNIMPLEMENTED);
    const undeclared = await failure(new Promise((resolve, reject) => {
      client.makeUnaryRequest('/vtctlservice.Vtctld/Backup', (x: Buffer) => x, (x: Buffer) => x, Buffer.alloc(0), new Metadata(), {}, (e, v) => (e ? reject(e) : resolve(v)));
    }));
    expect(undeclared.code).toBe(status.UNIMPLEMENTED);
    expect((await call('GetCellInfoNames', {})).names).toEqual(['zone1']);
  });
});
