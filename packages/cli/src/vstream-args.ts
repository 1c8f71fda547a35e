/**
 * The flags of `vtsim vstream`, turned into a `vtgate.VStreamRequest` (as a protojson-shaped
 * object with proto field names) and the client's own options. Values may follow their flag
 * (`--shard -80`, which Node's parseArgs refuses) or be attached (`--shard=-80`).
 */
import { TabletType, parseTabletType } from '@vtsim/proto';
import type { DecodedMessage, ProtoSchema } from '@vtsim/vtgate';
import { fromProtoJson } from './vstream-json-format.js';

/** What `vtsim vstream` was asked to do. */
export interface VStreamCommandOptions {
  /** `host:port` of vtgate's gRPC service. */
  server: string;
  /** The request without its VGTID when it is to come from the save file. */
  request: { tablet_type: string; vgtid: DecodedMessage | null; filter: DecodedMessage | null; flags: DecodedMessage };
  /** True when the start position was given (`--vgtid` or `--gtid`), so a save file is not resumed from. */
  positionGiven: boolean;
  format: 'text' | 'json' | 'line';
  /** File the last VGTID is written to after each response (and resumed from). */
  saveVgtid?: string;
  /** `--grpc_auth_static_client_creds`: the file whose username and password go with the call. */
  credsFile?: string;
  help: boolean;
}

/** The usage text of `vtsim vstream`. */
export const VSTREAM_USAGE = `usage: vtsim vstream [flags]

Streams change events from vtgate's VStream API and prints one line per response.

position (one of):
  --keyspace KS [--shard S]... [--gtid ""|current|MySQL56/<set>]
                             keyspace ('/regex' for several), shards (repeatable or a comma
                             list; none = every serving shard), start (default "" = copy phase)
  --vgtid JSON               a binlogdata.VGtid in protobuf JSON (what --save-vgtid writes)
filter (default: every table):
  --filter TABLE[:FILTER]    a rule, e.g. 'customer:select * from customer' (repeatable)
  --rule TABLE=FILTER        the same, with '=' (repeatable)
  --filter-json JSON         a whole binlogdata.Filter in protobuf JSON
stream:
  --server HOST:PORT         vtgate's gRPC address (default 127.0.0.1:15991)
  --grpc_auth_static_client_creds FILE
                             {"Username": …, "Password": …} for a vtgate with --grpc_auth_mode static
  --tablet-type T            primary (default), replica or rdonly
  --heartbeat-interval N     seconds; vtgate sends a HEARTBEAT when idle that long
  --stop-on-reshard  --include-reshard-journal-events  --minimize-skew
  --stream-keyspace-heartbeats  --exclude-keyspace-from-table-name
  --cells C1,C2  --cell-preference PreferLocalWithAlias|OnlySpecified  --tablet-order Any|InOrder
  --tables-to-copy T1,T2     copy only these tables (repeatable)
output:
  --format text|json|line    Go's %v of the events (default), one protobuf JSON object a line, or
                             one short readable line a response (vtsim example's; colours on a
                             terminal)
  --save-vgtid FILE          write the last VGTID after each response; resume from FILE when it
                             exists and no --vgtid/--gtid is given`;

const STRING_FLAGS = new Set(['server', 'keyspace', 'shard', 'gtid', 'vgtid', 'filter', 'rule', 'filter-json', 'tablet-type', 'heartbeat-interval', 'cells', 'cell-preference', 'tablet-order', 'tables-to-copy', 'format', 'save-vgtid', 'grpc-auth-static-client-creds']);
const REPEATABLE = new Set(['shard', 'filter', 'rule', 'tables-to-copy']);
const BOOLEAN_FLAGS = new Set(['stop-on-reshard', 'include-reshard-journal-events', 'minimize-skew', 'stream-keyspace-heartbeats', 'exclude-keyspace-from-table-name', 'help']);

/** Parses the flags. Throws an Error with a usage message for unknown flags and bad values. */
export function parseVStreamArgs(argv: readonly string[], schema: ProtoSchema): VStreamCommandOptions {
  const strings = new Map<string, string[]>();
  const booleans = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--?([a-z][a-z0-9_-]*)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new Error(`unexpected argument '${arg}'`);
    // Vitess's flags take dashes and underscores alike.
    const name = m[1]!.replace(/_/g, '-');
    if (BOOLEAN_FLAGS.has(name)) {
      if (m[2] === undefined || m[2] === 'true') booleans.add(name);
      else if (m[2] !== 'false') throw new Error(`--${name} takes no value other than true or false`);
      continue;
    }
    if (!STRING_FLAGS.has(name)) throw new Error(`unknown flag --${name}`);
    let value = m[2];
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new Error(`--${name} needs a value`);
      value = argv[++i]!;
    }
    const list = strings.get(name) ?? [];
    if (list.length > 0 && !REPEATABLE.has(name)) throw new Error(`--${name} given twice`);
    list.push(value);
    strings.set(name, list);
  }
  const one = (name: string): string | undefined => strings.get(name)?.[0];
  const many = (name: string): string[] => (strings.get(name) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');

  const format = one('format') ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'line') throw new Error(`--format must be text, json or line, not '${format}'`);
  const tabletType = parseTabletType(one('tablet-type') ?? 'primary');
  if (tabletType !== TabletType.PRIMARY && tabletType !== TabletType.REPLICA && tabletType !== TabletType.RDONLY) {
    throw new Error(`--tablet-type must be primary, replica or rdonly, not '${one('tablet-type')}'`);
  }
  const heartbeat = one('heartbeat-interval') ?? '0';
  if (!/^\d+$/.test(heartbeat)) throw new Error(`--heartbeat-interval must be a number of seconds, not '${heartbeat}'`);

  return {
    server: one('server') ?? '127.0.0.1:15991',
    request: {
      tablet_type: TabletType[tabletType],
      vgtid: startVgtid(one, many, schema),
      filter: filterOf(strings.get('filter') ?? [], strings.get('rule') ?? [], one('filter-json'), schema),
      flags: {
        minimize_skew: booleans.has('minimize-skew'),
        heartbeat_interval: Number(heartbeat),
        stop_on_reshard: booleans.has('stop-on-reshard'),
        cells: one('cells') ?? '',
        cell_preference: one('cell-preference') ?? '',
        tablet_order: one('tablet-order') ?? '',
        stream_keyspace_heartbeats: booleans.has('stream-keyspace-heartbeats'),
        include_reshard_journal_events: booleans.has('include-reshard-journal-events'),
        tables_to_copy: many('tables-to-copy'),
        exclude_keyspace_from_table_name: booleans.has('exclude-keyspace-from-table-name'),
      },
    },
    positionGiven: strings.has('vgtid') || strings.has('gtid'),
    format,
    saveVgtid: one('save-vgtid'),
    credsFile: one('grpc-auth-static-client-creds'),
    help: booleans.has('help'),
  };
}

function startVgtid(one: (n: string) => string | undefined, many: (n: string) => string[], schema: ProtoSchema): DecodedMessage | null {
  const json = one('vgtid');
  if (json !== undefined) {
    if (one('keyspace') !== undefined || one('shard') !== undefined || one('gtid') !== undefined) {
      throw new Error('--vgtid replaces --keyspace, --shard and --gtid; give one or the other');
    }
    return fromProtoJson(schema, 'binlogdata.VGtid', parseJson(json, '--vgtid'));
  }
  const keyspace = one('keyspace');
  if (keyspace === undefined) {
    if (one('shard') !== undefined || one('gtid') !== undefined) throw new Error('--shard and --gtid need --keyspace');
    return null;
  }
  const gtid = one('gtid') ?? '';
  const shards = many('shard');
  return { shard_gtids: (shards.length > 0 ? shards : ['']).map((shard) => ({ keyspace, shard, gtid })) };
}

function filterOf(filters: string[], rules: string[], json: string | undefined, schema: ProtoSchema): DecodedMessage | null {
  if (json !== undefined) {
    if (filters.length > 0 || rules.length > 0) throw new Error('--filter-json replaces --filter and --rule; give one or the other');
    return fromProtoJson(schema, 'binlogdata.Filter', parseJson(json, '--filter-json'));
  }
  const split = (text: string, sep: string) => {
    const at = text.indexOf(sep);
    return at < 0 ? { match: text, filter: '' } : { match: text.slice(0, at), filter: text.slice(at + 1) };
  };
  const all = [...filters.map((f) => split(f, ':')), ...rules.map((r) => split(r, '='))];
  for (const r of all) if (r.match === '') throw new Error(`a filter rule needs a table name or /regex: '${r.filter}'`);
  return all.length > 0 ? { rules: all } : null;
}

function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${flag} is not valid JSON: ${(err as Error).message}`);
  }
}
