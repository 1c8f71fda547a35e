// vttestserver's command line (vttestserver-flags.ts, vttestserver-proto-topo.ts): spellings, the
// defaults of `vtsim up` and `vttestserver`, the --port layouts, the topology vtcombo builds, the
// values refused before anything starts, and the JSON config's keys.
import { describe, expect, it } from 'vitest';
import { TabletType } from '@vtsim/proto';
import { shardTablets, vtcomboCounts } from '../src/initial-topology.js';
import { vttestserverJsonConfig } from '../src/vttestserver-config.js';
import { parseUpFlags } from '../src/vttestserver-flags.js';
import { parseProtoTopo } from '../src/vttestserver-proto-topo.js';

describe('parseUpFlags', () => {
  it('reads both spellings, a single dash, =value and Go booleans alike', () => {
    const spellings = [
      ['--num_shards', '1,2', '--keyspaces=a,b', '--replica_count', '3', '--enable_direct_ddl=true'],
      ['--num-shards=1,2', '-keyspaces', 'a,b', '-replica-count=3', '--enable-direct-ddl'],
    ];
    const topologies = spellings.map((argv) => parseUpFlags(argv, 'vttestserver').options.topology);
    expect(topologies[0]).toEqual(topologies[1]);
    expect(topologies[0]!.keyspaces).toEqual([
      { name: 'a', shards: ['0'], replicaCount: 3, rdonlyCount: 1 },
      { name: 'b', shards: ['-80', '80-'], replicaCount: 3, rdonlyCount: 1 },
    ]);
  });

  it("gives vttestserver its defaults and vtsim up the local example's", () => {
    const vttest = parseUpFlags([], 'vttestserver').options;
    expect(vttest.topology!.keyspaces).toEqual([{ name: 'test_keyspace', shards: ['-80', '80-'], replicaCount: 2, rdonlyCount: 1 }]);
    expect(vttest.cells).toEqual(['test']);
    expect([vttest.webPort, vttest.vtcomboGrpcPort, vttest.mysqlPort]).toEqual([0, 0, 0]);
    const vtsim = parseUpFlags([], 'vtsim').options;
    expect(vtsim.topology).toBeUndefined();
    expect(vtsim.cells).toEqual(['zone1']);
    expect([vtsim.webPort, vtsim.mysqlPort, vtsim.grpcPort, vtsim.vtctldGrpcPort, vtsim.vtcomboGrpcPort]).toEqual([15000, 15306, 15991, 15999, undefined]);
  });

  it("binds --bind-address (vttestserver's per-listener flags win), advertises --tablet_hostname, and reads Vitess's gRPC keepalive flags", () => {
    const defaults = parseUpFlags([], 'vtsim').options;
    expect([defaults.host, defaults.mysqlHost, defaults.tabletHostname]).toEqual(['127.0.0.1', '127.0.0.1', undefined]);
    expect(defaults.grpcKeepalive).toEqual({ timeMs: 10_000, timeoutMs: 10_000 });
    const bound = parseUpFlags(['--bind-address', '10.0.0.3', '--tablet_hostname', 'db3.example'], 'vtsim').options;
    expect([bound.host, bound.mysqlHost, bound.tabletHostname]).toEqual(['10.0.0.3', '10.0.0.3', 'db3.example']);
    const split = parseUpFlags(['--bind_address=10.0.0.3', '--mysql_bind_host', '0.0.0.0', '--vtcombo_bind_host', '10.0.0.4'], 'vttestserver').options;
    expect([split.host, split.mysqlHost]).toEqual(['10.0.0.4', '0.0.0.0']);
    expect(parseUpFlags(['--grpc_keepalive_time', '1s', '--grpc-keepalive-timeout=500ms'], 'vtsim').options.grpcKeepalive).toEqual({ timeMs: 1000, timeoutMs: 500 });
    // Both 0: no pings, as in Vitess; a timeout of 0 alone is gRPC's 20 s.
    expect(parseUpFlags(['--grpc_keepalive_time', '0', '--grpc_keepalive_timeout', '0'], 'vtsim').options.grpcKeepalive).toEqual({ timeMs: 0, timeoutMs: 0 });
    expect(parseUpFlags(['--grpc_keepalive_timeout', '0'], 'vtsim').options.grpcKeepalive).toEqual({ timeMs: 10_000, timeoutMs: 20_000 });
    expect(() => parseUpFlags(['--grpc_keepalive_time', '10'], 'vtsim')).toThrow('invalid argument "10" for "--grpc_keepalive_time" flag: time: invalid duration "10"');
    expect(() => parseUpFlags(['--tablet_hostname='], 'vtsim')).toThrow('--tablet-hostname must not be empty');
  });

  it("reads Vitess's topology flags in both spellings; memory is the default", () => {
    expect(parseUpFlags([], 'vtsim').options.topo).toEqual({ implementation: 'memory' });
    const etcd = { implementation: 'etcd2', globalServerAddress: '127.0.0.1:2379', globalRoot: '/vitess/global' };
    expect(parseUpFlags(['--topo-implementation', 'etcd2', '--topo-global-server-address', '127.0.0.1:2379', '--topo-global-root', '/vitess/global'], 'vtsim').options.topo).toEqual(etcd);
    expect(parseUpFlags(['--topo_implementation=etcd2', '-topo_global_server_address', '127.0.0.1:2379', '--topo_global_root=/vitess/global'], 'vtsim').options.topo).toEqual(etcd);
    const error = (argv: string[]) => (() => parseUpFlags(argv, 'vtsim')) as () => unknown;
    expect(error(['--topo-global-server-address', '127.0.0.1:2379'])).toThrow('--topo_global_server_address, --topo_global_root and --topo_etcd_lease_ttl need --topo_implementation etcd2');
    expect(error(['--topo-implementation', 'etcd2', '--topo-global-root', '/vitess/global'])).toThrow('topo_global_server_address must be configured');
    const withTtl = parseUpFlags(['--topo-implementation', 'etcd2', '--topo-global-server-address', '127.0.0.1:2379', '--topo-global-root', '/vitess/global', '--topo_etcd_lease_ttl', '5'], 'vtsim');
    expect(withTtl.options.topo).toEqual({ ...etcd, leaseTtlSeconds: 5 });
    expect(error(['--topo-implementation', 'etcd2', '--topo-global-server-address', 'a:1', '--topo-global-root', '/r', '--topo-etcd-lease-ttl', '0'])).toThrow(
      'invalid argument "0" for "--topo_etcd_lease_ttl" flag',
    );
  });

  it('lays out --port P as vttestserver does, and lets the port flags override it', () => {
    const base = parseUpFlags(['--port', '20000'], 'vtsim').options;
    expect([base.webPort, base.vtcomboGrpcPort, base.mysqlPort, base.grpcPort, base.vtctldGrpcPort]).toEqual([20000, 20001, 20003, undefined, undefined]);
    const split = parseUpFlags(['--port', '20000', '--mysql-port', '3306', '--grpc-port', '20010', '--vtctld-grpc-port', '20020'], 'vtsim').options;
    expect([split.webPort, split.vtcomboGrpcPort, split.mysqlPort, split.grpcPort, split.vtctldGrpcPort]).toEqual([20000, undefined, 3306, 20010, 20020]);
    // vtgate's own web port (/debug/status, /debug/vars): the local example's 15001 without --port,
    // only when asked for with it, never by default for vttestserver.
    expect(base.vtgateWebPort).toBeUndefined();
    expect(parseUpFlags(['--port', '20000', '--vtgate-web-port', '20005'], 'vtsim').options.vtgateWebPort).toBe(20005);
    expect(parseUpFlags([], 'vtsim').options.vtgateWebPort).toBe(15001);
    expect(parseUpFlags([], 'vttestserver').options.vtgateWebPort).toBeUndefined();
  });

  it('refuses bad ports, counts and modes with the flag named', () => {
    const error = (argv: string[]) => {
      try {
        parseUpFlags(argv, 'vttestserver');
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(error(['--port', 'abc'])).toMatch(/^invalid argument "abc" for "--port" flag/);
    expect(error(['--port', '65533'])).toMatch(/^invalid argument "65533" for "--port" flag/);
    expect(error(['--vtgate-web-port', 'x'])).toMatch(/^invalid argument "x" for "--vtgate-web-port" flag/);
    expect(error(['--keyspaces', 'a,b'])).toBe('--keyspaces must be same length as --num_shards: 2 keyspace(s), 1 shard count(s)');
    expect(error(['--num_shards', '0'])).toBe("invalid --num_shards value '0': a keyspace has 1 to 256 shards");
    expect(error(['--rdonly_count', '-1'])).toBe('invalid --rdonly_count -1: tablets per shard must be from 0 to 100');
    expect(error(['--transaction_mode', 'single'])).toBe("--transaction_mode=SINGLE is not supported: vtsim's vtgate runs transactions in MULTI mode");
    expect(error(['--transaction_mode', 'none'])).toBe("invalid --transaction_mode 'none': want SINGLE, MULTI or TWOPC");
    expect(error(['--foreign_key_mode', 'disallow'])).toBe("--foreign_key_mode=disallow is not supported: vtsim's vtgate allows foreign keys");
    expect(error(['--persistent_mode'])).toBe('--persistent_mode needs --data_dir: the directory vtsim keeps the cluster in');
    expect(error(['--null_probability', '1.5'])).toBe("invalid --null_probability '1.5': want a number from 0 to 1");
    expect(error(['--min_table_shard_size', '10', '--max_table_shard_size', '5'])).toBe('--max_table_shard_size (5) is below --min_table_shard_size (10)');
    expect(error(['--keyspaces', 'a', '--num_shards', '1', '--proto_topo', 'keyspaces { name: "a" shards { name: "0" } }'])).toBe('--keyspaces cannot be combined with --proto_topo, which defines the keyspaces');
    expect(error(['--nope'])).toBe("unknown flag: --nope (run 'vttestserver --help' for the flags)");
    expect(error(['extra'])).toBe("vttestserver takes no arguments, got 'extra'");
  });

  it('notes the flags that mean nothing in memory, and parses persistence and random data', () => {
    const { options, notes } = parseUpFlags(['--extra_my_cnf', 'a.cnf', '--charset=utf8mb4', '--persistent_mode', '--data_dir', '/tmp/d', '--initialize_with_random_data', '--rng_seed', '7', '--null_probability', '0'], 'vttestserver');
    expect(notes).toEqual([
      'note: --extra-my-cnf is accepted and ignored: vtsim runs no mysqld, so there is no my.cnf',
      "note: --charset is accepted and ignored: vtsim's tablets keep utf8mb4",
    ]);
    expect(options.persistentDataDir).toBe('/tmp/d');
    expect(options.randomData).toEqual({ seed: 7, minShardSize: 1000, maxShardSize: 10000, nullProbability: 0 });
  });

  it('passes the command line on to a detached process without --detach', () => {
    expect(parseUpFlags(['--detach', '--port', '1', '--detach=true', '-detach'], 'vtsim').options.args).toEqual(['--port', '1']);
  });
});

describe('parseProtoTopo', () => {
  it("reads vttest.proto's keyspaces and cells in text format", () => {
    const topo = parseProtoTopo(`
      # two keyspaces
      keyspaces { name: "ks" shards { name: "-80" } shards: { name: '80-' } replica_count: 3 rdonly_count: 0 }
      keyspaces < name: "u" shards < name: "0" > >;
      cells: "a" cells: "b"`);
    expect(topo).toEqual({
      keyspaces: [
        { name: 'ks', shards: ['-80', '80-'], replicaCount: 3, rdonlyCount: 0 },
        { name: 'u', shards: ['0'], replicaCount: 0, rdonlyCount: 0 },
      ],
      cells: ['a', 'b'],
    });
  });

  it('refuses what vtsim does not read, and malformed text', () => {
    expect(() => parseProtoTopo('keyspaces { name: "k" served_from: "x" }')).toThrow('--proto_topo: Keyspace.served_from is not supported by vtsim');
    expect(() => parseProtoTopo('keyspaces { name: "k" shards { name: "0" db_name_override: "d" } }')).toThrow('--proto_topo: Shard.db_name_override is not supported by vtsim');
    expect(() => parseProtoTopo('routing_rules { }')).toThrow('--proto_topo: VTTestTopology.routing_rules is not supported by vtsim');
    expect(() => parseProtoTopo('keyspaces { name: "k"')).toThrow("--proto_topo: missing '}' at the end");
    expect(() => parseProtoTopo('keyspaces { replica_count: two }')).toThrow("--proto_topo: a keyspace has no name");
    expect(() => parseProtoTopo('keyspaces { name: "k" replica_count: -1 }')).toThrow("--proto_topo: Keyspace.replica_count must be a non-negative integer, not '-1'");
    expect(() => parseProtoTopo('cells: @')).toThrow("--proto_topo: unexpected character '@' at offset 7");
  });
});

describe("vtcombo's tablet placement", () => {
  it('puts the primary in the first cell and the counts in every cell; 0 means its defaults', () => {
    const types = (replicaCount: number, rdonlyCount: number, cells: string[]) =>
      shardTablets({ name: 'k', shards: ['0'], replicaCount, rdonlyCount }, cells).map((t) => `${t.cell}:${TabletType[t.type]}`);
    expect(types(2, 1, ['a'])).toEqual(['a:PRIMARY', 'a:REPLICA', 'a:RDONLY']);
    expect(types(1, 2, ['a', 'b'])).toEqual(['a:PRIMARY', 'a:RDONLY', 'a:RDONLY', 'b:REPLICA', 'b:RDONLY', 'b:RDONLY']);
    expect(types(1, 0, ['a'])).toEqual(['a:PRIMARY']);
    expect(vtcomboCounts({ name: 'k', shards: ['0'], replicaCount: 0, rdonlyCount: 0 })).toEqual({ name: 'k', shards: ['0'], replicaCount: 2, rdonlyCount: 1 });
  });

  it('reads a count of 0 as vtcombo does for vttestserver, literally for vtsim up', () => {
    const counts = (argv: string[], flavor: 'vtsim' | 'vttestserver') => {
      const ks = parseUpFlags(['--keyspaces', 'k', '--num_shards', '1', ...argv], flavor).options.topology!.keyspaces[0]!;
      return [ks.replicaCount, ks.rdonlyCount];
    };
    expect(counts(['--replica_count', '0', '--rdonly_count', '0'], 'vttestserver')).toEqual([2, 1]);
    expect(counts(['--replica_count', '1', '--rdonly_count', '0'], 'vtsim')).toEqual([1, 0]);
    expect(() => parseUpFlags(['--keyspaces', 'k', '--num_shards', '1', '--replica_count', '0'], 'vtsim')).toThrow('--replica_count must be at least 1 (the primary)');
    const proto = parseUpFlags(['--proto_topo', 'keyspaces { name: "k" shards { name: "0" } }'], 'vtsim').options.topology!.keyspaces[0]!;
    expect([proto.replicaCount, proto.rdonlyCount]).toEqual([2, 1]);
  });
});

describe('the JSON config', () => {
  it("has vttest's JSONConfig keys", () => {
    expect(vttestserverJsonConfig({ host: '127.0.0.1', webPort: 100, grpcPort: 101, mysqlPort: 103 })).toEqual({
      bind_address: '127.0.0.1', port: 100, 'grpc-bind-address': '127.0.0.1', socket: '', vtcombo_mysql_port: 103, mysql: 102, 'grpc-port': 101, grpc_port: 101,
    });
  });
});
