/**
 * The command line of `vtsim up` and `vttestserver`: vttestserver's flags (go/cmd/vttestserver/cli)
 * and vtsim's own, read as Vitess reads flags (`--num_shards` = `--num-shards`, `-flag` = `--flag`,
 * `--flag=value` or `--flag value`, Go booleans `--x` / `--x=false`). Every value is checked here,
 * before anything starts: a bad port, count or mode is an Error naming the flag. Flags that mean
 * nothing in memory are accepted with a one-line note; unknown flags are errors.
 */
import { resolve } from 'node:path';
import { parseFlags, type FlagSpec, type FlagValues } from '@vtsim/vtctld';
import { AUTH_FLAG_OPTIONS, authFlagsFrom } from './auth-flags.js';
import { binlogRetentionFrom, binlogRetentionOptions } from './binlog-retention-flag.js';
import { grpcClientFlagOptions, grpcKeepaliveFrom } from './grpc-client-flags.js';
import { heartbeatIntervalMs, heartbeatOptions } from './heartbeat-flags.js';
import { keyspaceSchemaDir, shardNames, vtcomboCounts, type InitialTopology } from './initial-topology.js';
import { LOG_FLAG_OPTIONS, logSettingsFrom } from './log-flags.js';
import { topoFlagOptions, topoFlagsFrom } from './topo-flags.js';
import type { UpOptions } from './up-command.js';
import { parseProtoTopo } from './vttestserver-proto-topo.js';

/** Which command reads the flags: the defaults differ (see parseUpFlags). */
export type UpFlavor = 'vtsim' | 'vttestserver';

/** The local example's ports: `vtsim up` without `--port`. */
const LOCAL_EXAMPLE_PORTS = { web: 15000, mysql: 15306, grpc: 15991, vtctldGrpc: 15999, vtgateWeb: 15001 } as const;

/** vtsim's own flags of `up`. */
const VTSIM_UP_FLAGS: Record<string, FlagSpec> = {
  detach: { type: 'bool' },
  'no-vtgate': { type: 'bool' },
  seed: { type: 'string' },
  host: { type: 'string' },
  'bind-address': { type: 'string' },
  'mysql-port': { type: 'string' },
  'grpc-port': { type: 'string' },
  'vtctld-grpc-port': { type: 'string' },
  'vtgate-web-port': { type: 'string' },
  'chaos-seed': { type: 'string' },
  'chaos-every': { type: 'string' },
  help: { type: 'bool' },
};

/** vttestserver's flags vtsim honours. */
const VTTESTSERVER_FLAGS: Record<string, FlagSpec> = {
  port: { type: 'string' },
  'proto-topo': { type: 'string' },
  'schema-dir': { type: 'string' },
  'default-schema-dir': { type: 'string' },
  'data-dir': { type: 'string' },
  'persistent-mode': { type: 'bool' },
  'initialize-with-random-data': { type: 'bool' },
  'rng-seed': { type: 'int' },
  'min-table-shard-size': { type: 'int' },
  'max-table-shard-size': { type: 'int' },
  'null-probability': { type: 'string' },
  'mysql-bind-host': { type: 'string' },
  'vtcombo-bind-host': { type: 'string' },
  'tablet-hostname': { type: 'string' },
  cells: { type: 'stringSlice' },
  keyspaces: { type: 'stringSlice' },
  'num-shards': { type: 'stringSlice' },
  'replica-count': { type: 'int' },
  'rdonly-count': { type: 'int' },
  'mysql-server-version': { type: 'string' },
  'transaction-mode': { type: 'string' },
  'vschema-ddl-authorized-users': { type: 'string' },
  'foreign-key-mode': { type: 'string' },
  'enable-online-ddl': { type: 'bool' },
  'enable-direct-ddl': { type: 'bool' },
  'mysql-only': { type: 'bool' },
  'no-scatter': { type: 'bool' },
  'snapshot-file': { type: 'string' },
  'external-topo-implementation': { type: 'string' },
  'external-topo-global-server-address': { type: 'string' },
  'external-topo-global-root': { type: 'string' },
};

/** vttestserver's flags that mean nothing in memory: accepted, with this note on stderr. */
const NOTED_FLAGS: Record<string, { spec: FlagSpec; note: string }> = {
  'extra-my-cnf': { spec: { type: 'string' }, note: 'vtsim runs no mysqld, so there is no my.cnf' },
  charset: { spec: { type: 'string' }, note: "vtsim's tablets keep utf8mb4" },
  'planner-version': { spec: { type: 'string' }, note: "vtsim's vtgate has one planner" },
  'enable-system-settings': { spec: { type: 'bool' }, note: 'vtsim keeps session settings per connection' },
  'queryserver-config-transaction-timeout': { spec: { type: 'duration' }, note: 'vtsim does not kill long transactions' },
  'tablet-refresh-interval': { spec: { type: 'duration' }, note: "vtsim's vtgate watches the topology every second" },
  'initialize-with-vt-dba-tcp': { spec: { type: 'bool' }, note: 'vtsim runs no mysqld to add users to' },
  'migration-check-interval': { spec: { type: 'duration' }, note: 'vtsim has no Online DDL executor' },
  'per-shard-sidecar': { spec: { type: 'bool' }, note: 'each vtsim tablet has its own mysqld and sidecar database' },
  'gateway-initial-tablet-timeout': { spec: { type: 'duration' }, note: "vtsim's vtgate starts once the tablets serve" },
  alsologtostderr: { spec: { type: 'bool' }, note: 'vtsim logs to stderr' },
  logtostderr: { spec: { type: 'bool' }, note: 'vtsim logs to stderr' },
};

/** parseArgs option tables (auth, heartbeat, binlog retention flags) as Vitess-style flag specs. */
function fromParseArgs(table: Record<string, { type: string }>): Record<string, FlagSpec> {
  const specs: Record<string, FlagSpec> = {};
  for (const [name, opt] of Object.entries(table)) specs[name.replaceAll('_', '-')] = { type: opt.type === 'boolean' ? 'bool' : 'string' };
  return specs;
}

const PARSE_ARGS_TABLES = [AUTH_FLAG_OPTIONS, heartbeatOptions, binlogRetentionOptions, LOG_FLAG_OPTIONS, topoFlagOptions, grpcClientFlagOptions] as Record<string, { type: string }>[];

/** Every flag `up` takes, by its dashed name. */
const UP_FLAG_SPECS: Record<string, FlagSpec> = {
  ...VTSIM_UP_FLAGS,
  ...VTTESTSERVER_FLAGS,
  ...Object.fromEntries(Object.entries(NOTED_FLAGS).map(([name, { spec }]) => [name, spec])),
  ...Object.assign({}, ...PARSE_ARGS_TABLES.map(fromParseArgs)),
};

/** What the command line asks for: `up`'s options, and the notes to print on stderr. */
export interface UpCommandLine {
  options: UpOptions;
  notes: string[];
  help: boolean;
}

/** A TCP port flag's value: an integer 0–65535 (`max` lower for a base port); throws naming the flag. */
function parsePort(text: string, flag: string, max = 65535): number {
  if (!/^\d+$/.test(text) || Number(text) > max) {
    throw new Error(`invalid argument "${text}" for "--${flag}" flag: a port must be an integer from 0 to ${max}`);
  }
  return Number(text);
}

/**
 * Parses and checks `up`'s command line. `vttestserver` defaults to vttestserver's topology
 * (`test_keyspace`, 2 shards, cell `test`) and a random base port; `vtsim up` creates no keyspace
 * unless asked, lives in cell `zone1` and takes the local example's ports. With `--port P`, both
 * take vttestserver's layout: control/web P, one gRPC port P+1 (vtgate and vtctld), MySQL P+3;
 * `--mysql-port`, `--grpc-port` and `--vtctld-grpc-port` override it (the last two give vtgate
 * and vtctld separate gRPC ports, as the local example has).
 */
export function parseUpFlags(argv: readonly string[], flavor: UpFlavor): UpCommandLine {
  const usage = flavor === 'vttestserver' ? "run 'vttestserver --help'" : "run 'vtsim up --help'";
  const { flags, positionals } = (() => {
    try {
      return parseFlags(argv, UP_FLAG_SPECS);
    } catch (err) {
      throw new Error(`${(err as Error).message} (${usage} for the flags)`);
    }
  })();
  if (positionals.length > 0) throw new Error(`${flavor === 'vttestserver' ? 'vttestserver' : 'vtsim up'} takes no arguments, got '${positionals.join(' ')}'`);
  const str = (name: string) => flags[name] as string | undefined;
  const notes = Object.keys(flags).filter((name) => NOTED_FLAGS[name]).map((name) => `note: --${name} is accepted and ignored: ${NOTED_FLAGS[name]!.note}`);
  refuseUnsupported(flags, notes);

  const port = str('port');
  const base = port === undefined ? (flavor === 'vttestserver' ? 0 : undefined) : parsePort(port, 'port', 65532);
  const separate = str('grpc-port') !== undefined || str('vtctld-grpc-port') !== undefined || base === undefined;
  const webPort = base ?? LOCAL_EXAMPLE_PORTS.web;
  const mysqlPort = str('mysql-port') !== undefined ? parsePort(str('mysql-port')!, 'mysql-port') : base === undefined ? LOCAL_EXAMPLE_PORTS.mysql : base && base + 3;
  const grpcPort = separate ? parsePort(str('grpc-port') ?? String(LOCAL_EXAMPLE_PORTS.grpc), 'grpc-port') : undefined;
  const vtctldGrpcPort = separate ? parsePort(str('vtctld-grpc-port') ?? String(LOCAL_EXAMPLE_PORTS.vtctldGrpc), 'vtctld-grpc-port') : undefined;
  // servenv's --bind-address (every listener of the process); vttestserver's own flags win over it.
  const host = bindHost(str('vtcombo-bind-host') ?? str('bind-address') ?? str('host') ?? '127.0.0.1');
  const mysqlHost = bindHost(str('mysql-bind-host') ?? host);

  const topology = initialTopology(flags, flavor);
  const values = parseArgsValues(flags);
  const options: UpOptions = {
    detach: flags.detach === true,
    flavor,
    vtgate: flags['no-vtgate'] !== true,
    seed: str('seed') ?? 'vtsim',
    host,
    mysqlHost,
    webPort,
    mysqlPort,
    grpcPort,
    vtctldGrpcPort,
    // The local example's vtgate serves its pages on 15001; with --port (vttestserver's layout, or a
    // test's free ports) only when asked.
    vtgateWebPort: str('vtgate-web-port') !== undefined ? parsePort(str('vtgate-web-port')!, 'vtgate-web-port') : base === undefined ? LOCAL_EXAMPLE_PORTS.vtgateWeb : undefined,
    vtcomboGrpcPort: separate ? undefined : base && base + 1,
    cells: topology.cells,
    topology: topology.keyspaces.length > 0 ? topology : undefined,
    mysqlServerVersion: nonEmpty(str('mysql-server-version'), 'mysql-server-version'),
    vschemaDdlAuthorizedUsers: str('vschema-ddl-authorized-users'),
    persistentDataDir: persistentDataDir(flags),
    randomData: randomData(flags),
    auth: authFlagsFrom(values),
    heartbeatIntervalMs: heartbeatIntervalMs(values),
    binlogRetention: binlogRetentionFrom(values),
    chaos: chaosFrom(str('chaos-seed'), str('chaos-every')),
    log: logSettingsFrom(values),
    topo: topoFlagsFrom(values),
    tabletHostname: nonEmpty(str('tablet-hostname'), 'tablet-hostname'),
    grpcKeepalive: grpcKeepaliveFrom(values),
    args: argv.filter((arg) => !/^--?detach(=.*)?$/.test(arg)),
  };
  return { options, notes, help: flags.help === true };
}

/** vttestserver binds `localhost` by default; vtsim binds its IPv4 address, where clients of `127.0.0.1` find it. */
function bindHost(host: string): string {
  return host === 'localhost' ? '127.0.0.1' : host;
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === '') throw new Error(`--${flag} must not be empty`);
  return value;
}

/** Refuses what vtsim cannot do rather than silently doing something else. */
function refuseUnsupported(flags: FlagValues, notes: string[]): void {
  const refuse = (why: string) => {
    throw new Error(why);
  };
  if (flags['mysql-only'] === true) refuse('--mysql_only is not supported: vtsim has no MySQL without its Vitess components');
  if (flags['no-scatter'] === true) refuse("--no_scatter is not supported: vtsim's planner cannot refuse scatter queries");
  if (flags['snapshot-file'] !== undefined) refuse('--snapshot_file is not supported: vtsim cannot load a MySQL snapshot');
  for (const name of ['external-topo-implementation', 'external-topo-global-server-address', 'external-topo-global-root']) {
    if (flags[name] !== undefined) refuse(`--${name.replaceAll('-', '_')} is not supported: vtsim's topology lives in its process`);
  }
  const mode = (flags['transaction-mode'] as string | undefined)?.toUpperCase();
  if (mode !== undefined && mode !== 'MULTI') {
    if (mode === 'SINGLE' || mode === 'TWOPC') refuse(`--transaction_mode=${mode} is not supported: vtsim's vtgate runs transactions in MULTI mode`);
    refuse(`invalid --transaction_mode '${flags['transaction-mode']}': want SINGLE, MULTI or TWOPC`);
  }
  const fk = flags['foreign-key-mode'] as string | undefined;
  if (fk !== undefined && fk.toLowerCase() !== 'allow') {
    if (fk.toLowerCase() === 'disallow') refuse("--foreign_key_mode=disallow is not supported: vtsim's vtgate allows foreign keys");
    refuse(`invalid --foreign_key_mode '${fk}': want allow or disallow`);
  }
  if (flags['enable-direct-ddl'] === false) refuse("--enable_direct_ddl=false is not supported: vtsim's vtgate always runs direct DDL");
  if (flags['enable-online-ddl'] === false) notes.push('note: --enable_online_ddl=false changes nothing: vtsim has no Online DDL');
}

/** The topology to create: `--proto_topo`, or the keyspace flags (vttestserver's buildTopology). */
function initialTopology(flags: FlagValues, flavor: UpFlavor): InitialTopology {
  const schemaDir = flags['schema-dir'] === undefined ? undefined : resolve(flags['schema-dir'] as string);
  const defaultSchemaDir = flags['default-schema-dir'] === undefined ? undefined : resolve(flags['default-schema-dir'] as string);
  const defaultCells = flavor === 'vttestserver' ? ['test'] : ['zone1'];
  let topo: InitialTopology;
  if (flags['proto-topo'] !== undefined) {
    for (const name of ['keyspaces', 'num-shards', 'replica-count', 'rdonly-count']) {
      if (flags[name] !== undefined) throw new Error(`--${name.replaceAll('-', '_')} cannot be combined with --proto_topo, which defines the keyspaces`);
    }
    const proto = parseProtoTopo(flags['proto-topo'] as string);
    for (const ks of proto.keyspaces) if (ks.shards.length === 0) throw new Error(`--proto_topo: keyspace ${ks.name} has no shards`);
    // An unset count is 0 in proto3: vtcombo's defaults apply.
    topo = { keyspaces: proto.keyspaces.map(vtcomboCounts), cells: proto.cells.length > 0 ? proto.cells : ['test'], schemaDir, defaultSchemaDir };
  } else {
    const keyspaces = (flags.keyspaces as string[] | undefined) ?? (flavor === 'vttestserver' ? ['test_keyspace'] : []);
    const counts = (flags['num-shards'] as string[] | undefined) ?? ['2'];
    if (keyspaces.length > 0 && keyspaces.length !== counts.length) {
      throw new Error(`--keyspaces must be same length as --num_shards: ${keyspaces.length} keyspace(s), ${counts.length} shard count(s)`);
    }
    const replicaCount = count(flags['replica-count'], 'replica_count', 2);
    const rdonlyCount = count(flags['rdonly-count'], 'rdonly_count', 1);
    // vttestserver passes 0 on to vtcombo, which reads it as its default; `vtsim up` creates what
    // it is asked for (0 RDONLYs = none), and every shard needs its primary.
    if (flavor === 'vtsim' && replicaCount === 0) throw new Error('--replica_count must be at least 1 (the primary)');
    const asked = (name: string, i: number) => ({ name, shards: shardNames(shardCount(counts[i]!)), replicaCount, rdonlyCount });
    topo = {
      keyspaces: keyspaces.map((name, i) => (flavor === 'vttestserver' ? vtcomboCounts(asked(name, i)) : asked(name, i))),
      cells: (flags.cells as string[] | undefined) ?? defaultCells,
      schemaDir,
      defaultSchemaDir,
    };
  }
  if (topo.cells.length === 0) throw new Error('--cells must name at least one cell');
  const names = new Set<string>();
  for (const ks of topo.keyspaces) {
    if (!/^[A-Za-z0-9_-]+$/.test(ks.name)) throw new Error(`invalid keyspace name '${ks.name}'`);
    if (names.has(ks.name)) throw new Error(`keyspace ${ks.name} is named twice`);
    names.add(ks.name);
    keyspaceSchemaDir(topo, ks.name);
  }
  if (topo.keyspaces.length === 0 && schemaDir) keyspaceSchemaDir(topo, '');
  return topo;
}

function shardCount(text: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new Error(`invalid --num_shards value '${text}': strconv.ParseInt: parsing "${text}": invalid syntax`);
  const n = Number(text);
  if (n < 1 || n > 256) throw new Error(`invalid --num_shards value '${text}': a keyspace has 1 to 256 shards`);
  return n;
}

function count(value: FlagValues[string], flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = value as number;
  if (n < 0 || n > 100) throw new Error(`invalid --${flag} ${n}: tablets per shard must be from 0 to 100`);
  return n;
}

/** `--persistent_mode` with `--data_dir`: where the cluster's state is kept across restarts. */
function persistentDataDir(flags: FlagValues): string | undefined {
  const dir = flags['data-dir'] as string | undefined;
  if (flags['persistent-mode'] !== true) return undefined;
  if (!dir) throw new Error('--persistent_mode needs --data_dir: the directory vtsim keeps the cluster in');
  return resolve(dir);
}

/** `--initialize_with_random_data` and its `--rng_seed`, `--min/max_table_shard_size`, `--null_probability` (vttestserver's defaults). */
function randomData(flags: FlagValues): UpOptions['randomData'] {
  const seed = (flags['rng-seed'] as number | undefined) ?? 123;
  const minShardSize = (flags['min-table-shard-size'] as number | undefined) ?? 1000;
  const maxShardSize = (flags['max-table-shard-size'] as number | undefined) ?? 10000;
  const text = (flags['null-probability'] as string | undefined) ?? '0.1';
  const nullProbability = Number(text);
  if (!/^\d*\.?\d+(e-?\d+)?$/i.test(text) || !(nullProbability >= 0 && nullProbability <= 1)) {
    throw new Error(`invalid --null_probability '${text}': want a number from 0 to 1`);
  }
  if (minShardSize < 0) throw new Error(`invalid --min_table_shard_size ${minShardSize}: must not be negative`);
  if (maxShardSize < minShardSize) throw new Error(`--max_table_shard_size (${maxShardSize}) is below --min_table_shard_size (${minShardSize})`);
  return flags['initialize-with-random-data'] === true ? { seed, minShardSize, maxShardSize, nullProbability } : undefined;
}

/** `--chaos-seed S --chaos-every MS`: both or neither; the interval a positive integer of ms. */
function chaosFrom(seed: string | undefined, every: string | undefined): UpOptions['chaos'] {
  if (seed === undefined && every === undefined) return undefined;
  if (seed === undefined || every === undefined) throw new Error('--chaos-seed and --chaos-every go together');
  if (!/^\d+$/.test(every) || Number(every) <= 0) throw new Error(`--chaos-every must be a positive number of ms, not '${every}'`);
  return { seed, everyMs: Number(every) };
}

/** The parsed values under the parseArgs tables' own names (auth-flags.ts & co. read them so). */
function parseArgsValues(flags: FlagValues): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const table of PARSE_ARGS_TABLES) {
    for (const name of Object.keys(table)) {
      const value = flags[name.replaceAll('_', '-')];
      if (value !== undefined) values[name] = value;
    }
  }
  return values;
}
