import { PassThrough } from 'node:stream';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Code, TabletType, Type, VEventType, VtError, encodeRow, type Field, type VEvent, type VGtid, type VStreamRequest, type VStreamResponse } from '@vtsim/proto';
import { startVtgateGrpcServer, type VtgateGrpcServer } from '@vtsim/vtgate';
import { runVStreamClient, vstreamCommand } from '../src/vstream-command.js';

// The seed document's lines (Vitess's "VStream API and Resharding" page), verbatim.
const SEED_COPY_PHASE = [
  "[type:BEGIN  type:FIELD field_event:<table_name:\"customer.customer\" fields:<name:\"customer_id\" type:INT64 table:\"customer\" org_table:\"customer\" database:\"vt_customer\" org_name:\"customer_id\" column_length:20 charset:63 flags:49667 > fields:<name:\"email\" type:VARBINARY table:\"customer\" org_table:\"customer\" database:\"vt_customer\" org_name:\"email\" column_length:128 charset:63 flags:128 > > ]",
  "[type:VGTID vgtid:<shard_gtids:<keyspace:\"customer\" shard:\"0\" gtid:\"MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-45\" > > ]",
  "[type:ROW row_event:<table_name:\"customer.customer\" row_changes:<after:<lengths:1 lengths:16 values:\"1alice@domain.com\" > > >  type:ROW row_event:<table_name:\"customer.customer\" row_changes:<after:<lengths:1 lengths:14 values:\"2bob@domain.com\" > > >  type:ROW row_event:<table_name:\"customer.customer\" row_changes:<after:<lengths:1 lengths:18 values:\"3charlie@domain.com\" > > >  type:ROW row_event:<table_name:\"customer.customer\" row_changes:<after:<lengths:1 lengths:14 values:\"4dan@domain.com\" > > >  type:ROW row_event:<table_name:\"customer.customer\" row_changes:<after:<lengths:1 lengths:14 values:\"5eve@domain.com\" > > >  type:VGTID vgtid:<shard_gtids:<keyspace:\"customer\" shard:\"0\" gtid:\"MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-45\" table_p_ks:<table_name:\"customer\" lastpk:<rows:<lengths:1 values:\"5\" > > > > >  type:COMMIT ]",
  "[type:BEGIN  type:VGTID vgtid:<shard_gtids:<keyspace:\"customer\" shard:\"0\" gtid:\"MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-45\" > >  type:COMMIT ]"
];
const SEED_DDL = "[type:VGTID vgtid:<shard_gtids:<keyspace:\"customer\" shard:\"0\" gtid:\"MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-46\" > >  type:DDL timestamp:1616748652 statement:\"alter table customer change customer_id customer_id bigint not null\" current_time:1616748652480051077 ]";
const SEED_INSERT = "[type:BEGIN timestamp:1616749631 current_time:1616749631516372189  type:FIELD timestamp:1616749631 field_event:<table_name:\"customer.customer\" fields:<name:\"customer_id\" type:INT64 table:\"customer\" org_table:\"customer\" database:\"vt_customer\" org_name:\"customer_id\" column_length:20 charset:63 flags:53251 > fields:<name:\"email\" type:VARBINARY table:\"customer\" org_table:\"customer\" database:\"vt_customer\" org_name:\"email\" column_length:128 charset:63 flags:128 > > current_time:1616749631517765487  type:ROW timestamp:1616749631 row_event:<table_name:\"customer.customer\" row_changes:<after:<lengths:1 lengths:22 values:\"6sougou@planetscale.com\" > > row_changes:<after:<lengths:1 lengths:23 values:\"7deepthi@planetscale.com\" > > > current_time:1616749631517779353  type:VGTID vgtid:<shard_gtids:<keyspace:\"customer\" shard:\"80-\" gtid:\"MySQL56/6a60d315-8e10-11eb-b894-04ed332e05c2:1-77\" > shard_gtids:<keyspace:\"customer\" shard:\"-80\" gtid:\"MySQL56/629442b7-8e10-11eb-a0bb-04ed332e05c2:1-76\" > >  type:COMMIT timestamp:1616749631 current_time:1616749631517789376 ]";

const UUID0 = '060a409d-8e10-11eb-9bb5-04ed332e05c2';
const field = (name: string, type: Type, flags: number): Field => ({
  name,
  type,
  table: 'customer',
  org_table: 'customer',
  database: 'vt_customer',
  org_name: name,
  column_length: type === Type.INT64 ? 20 : 128,
  charset: 63,
  decimals: 0,
  flags,
  column_type: '',
});
const fieldEvent = (idFlags: number): VEvent['field_event'] => ({
  table_name: 'customer.customer',
  fields: [field('customer_id', Type.INT64, idFlags), field('email', Type.VARBINARY, 128)],
  keyspace: '',
  shard: '',
  enum_set_string_values: false,
  is_internal_table: false,
});
const vgtid = (...shards: Array<[string, string, number?]>): VGtid => ({
  shard_gtids: shards.map(([shard, gtid, lastpk]) => ({
    keyspace: 'customer',
    shard,
    gtid,
    table_p_ks: lastpk === undefined ? [] : [{ table_name: 'customer', lastpk: { fields: [], rows_affected: '0', insert_id: '0', rows: [encodeRow([BigInt(lastpk)])], info: '', session_state_changes: '', insert_id_changed: false } }],
  })),
});
const row = (id: number, email: string): VEvent => ({
  type: VEventType.ROW,
  row_event: { table_name: 'customer.customer', row_changes: [{ before: null, after: encodeRow([BigInt(id), email]) }], keyspace: '', shard: '', flags: 0, is_internal_table: false },
});

/** The responses behind the seed document's copy phase of customer/0. */
function copyPhase(): VStreamResponse[] {
  const pos = `MySQL56/${UUID0}:1-45`;
  return [
    { events: [{ type: VEventType.BEGIN }, { type: VEventType.FIELD, field_event: fieldEvent(49667) }] },
    { events: [{ type: VEventType.VGTID, vgtid: vgtid(['0', pos]) }] },
    {
      events: [
        row(1, 'alice@domain.com'),
        row(2, 'bob@domain.com'),
        row(3, 'charlie@domain.com'),
        row(4, 'dan@domain.com'),
        row(5, 'eve@domain.com'),
        { type: VEventType.VGTID, vgtid: vgtid(['0', pos, 5]) },
        { type: VEventType.COMMIT },
      ],
    },
    { events: [{ type: VEventType.BEGIN }, { type: VEventType.VGTID, vgtid: vgtid(['0', pos]) }, { type: VEventType.COMMIT }] },
  ];
}

function ddlResponse(): VStreamResponse {
  return {
    events: [
      { type: VEventType.VGTID, vgtid: vgtid(['0', `MySQL56/${UUID0}:1-46`]) },
      { type: VEventType.DDL, timestamp: 1616748652, statement: 'alter table customer change customer_id customer_id bigint not null', current_time: '1616748652480051077' },
    ],
  };
}

function insertResponse(): VStreamResponse {
  const ts = 1616749631;
  return {
    events: [
      { type: VEventType.BEGIN, timestamp: ts, current_time: '1616749631516372189' },
      { type: VEventType.FIELD, timestamp: ts, field_event: fieldEvent(53251), current_time: '1616749631517765487' },
      {
        type: VEventType.ROW,
        timestamp: ts,
        row_event: {
          table_name: 'customer.customer',
          row_changes: [{ before: null, after: encodeRow([6n, 'sougou@planetscale.com']) }, { before: null, after: encodeRow([7n, 'deepthi@planetscale.com']) }],
          keyspace: '',
          shard: '',
          flags: 0,
          is_internal_table: false,
        },
        current_time: '1616749631517779353',
      },
      { type: VEventType.VGTID, vgtid: vgtid(['80-', 'MySQL56/6a60d315-8e10-11eb-b894-04ed332e05c2:1-77'], ['-80', 'MySQL56/629442b7-8e10-11eb-a0bb-04ed332e05c2:1-76']) },
      { type: VEventType.COMMIT, timestamp: ts, current_time: '1616749631517789376' },
    ],
  };
}

/** A vtgate gRPC server whose VStream replays `script`, recording every request. */
class ScriptedVtgate {
  readonly requests: VStreamRequest[] = [];
  private constructor(readonly server: VtgateGrpcServer) {}

  static async start(script: (req: VStreamRequest, signal: AbortSignal) => AsyncIterable<VStreamResponse>): Promise<ScriptedVtgate> {
    let self: ScriptedVtgate | undefined;
    const server = await startVtgateGrpcServer({
      port: 0,
      shutdownGraceMs: 100,
      vstream: (req, signal) => {
        self!.requests.push(req);
        return script(req, signal);
      },
    });
    self = new ScriptedVtgate(server);
    return self;
  }

  get address(): string {
    return `127.0.0.1:${this.server.port}`;
  }
}

async function* replay(responses: VStreamResponse[], thenThrow?: Error): AsyncGenerator<VStreamResponse> {
  for (const r of responses) yield r;
  if (thenThrow) throw thenThrow;
}

/** Runs `vtsim vstream` with captured stdout/stderr. */
async function run(argv: string[], signal?: AbortSignal): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const code = await vstreamCommand(argv, { stdout, stderr, signal });
  return { code, stdout: out, stderr: err };
}

describe('vtsim vstream', () => {
  let vtgate: ScriptedVtgate | undefined;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vtsim-vstream-'));
  });
  afterEach(async () => {
    await vtgate?.server.close();
    vtgate = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the copy phase exactly as the seed document's Go client does", async () => {
    vtgate = await ScriptedVtgate.start(() => replay(copyPhase()));
    const lines: string[] = [];
    await runVStreamClient({ server: vtgate.address, request: { vgtid: { shard_gtids: [{ keyspace: 'customer', shard: '0' }] } }, format: 'text' }, (l) => {
      lines.push(l);
    });
    expect(lines).toEqual(SEED_COPY_PHASE);
  });

  it('prints streaming-phase events with timestamps and current_time as the seed document does', async () => {
    vtgate = await ScriptedVtgate.start(() => replay([ddlResponse(), insertResponse()]));
    const r = await run(['--server', vtgate.address, '--keyspace', 'customer', '--shard', '0', '--gtid', 'current']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${SEED_DDL}\n${SEED_INSERT}\n`);
  });

  it('escapes strings and bytes as Go does and prints an empty response as []', async () => {
    vtgate = await ScriptedVtgate.start(() =>
      replay([{ events: [{ type: VEventType.DDL, statement: 'a"b\\c\nd\té' }, { type: VEventType.ROW, row_event: { table_name: 't', row_changes: [{ before: encodeRow([Buffer.from([0, 7, 127, 128, 255]), null]), after: null }], keyspace: '', shard: '', flags: 0, is_internal_table: false } }] }, { events: [] }]),
    );
    const r = await run(['--server', vtgate.address, '--keyspace', 'ks']);
    expect(r.stdout).toBe('[type:DDL statement:"a\\"b\\\\c\\nd\\t\\303\\251"  type:ROW row_event:<table_name:"t" row_changes:<before:<lengths:5 lengths:-1 values:"\\000\\007\\177\\200\\377" > > > ]\n[]\n');
  });

  it('prints one protobuf JSON object per response with --format json', async () => {
    vtgate = await ScriptedVtgate.start(() => replay([copyPhase()[0]!, insertResponse()]));
    const r = await run(['--server', vtgate.address, '--keyspace', 'customer', '--format', 'json']);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      events: [
        { type: 'BEGIN' },
        {
          type: 'FIELD',
          field_event: {
            table_name: 'customer.customer',
            fields: [
              { name: 'customer_id', type: 'INT64', table: 'customer', org_table: 'customer', database: 'vt_customer', org_name: 'customer_id', column_length: 20, charset: 63, flags: 49667 },
              { name: 'email', type: 'VARBINARY', table: 'customer', org_table: 'customer', database: 'vt_customer', org_name: 'email', column_length: 128, charset: 63, flags: 128 },
            ],
          },
        },
      ],
    });
    const [begin, , rowEv, vg] = lines[1].events;
    expect(begin).toEqual({ type: 'BEGIN', timestamp: '1616749631', current_time: '1616749631516372189' });
    expect(rowEv.row_event.row_changes[0].after).toEqual({ lengths: ['1', '22'], values: Buffer.from('6sougou@planetscale.com').toString('base64') });
    expect(vg.vgtid.shard_gtids.map((s: { shard: string }) => s.shard)).toEqual(['80-', '-80']);
  });

  it('prints one short readable line per response with --format line (the tour\'s), without colours on a pipe', async () => {
    vtgate = await ScriptedVtgate.start(() => replay([...copyPhase(), ddlResponse(), insertResponse()]));
    const r = await run(['--server', vtgate.address, '--keyspace', 'customer', '--shard', '0', '--format', 'line']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'vtgate  fields customer (customer_id INT64, email VARBINARY)',
      'customer/0  VGTID 0@060a409d…:1-45',
      'customer/0  insert customer {customer_id: 1, email: alice@domain.com}, {customer_id: 2, email: bob@domain.com} (+3 more); VGTID 0@060a409d…:1-45 (copying custo…',
      'customer/0  VGTID 0@060a409d…:1-45',
      'customer/0  VGTID 0@060a409d…:1-46; DDL alter table customer change customer_id customer_id bigint not null',
      // The move and the rows in one response (the scripted stream skips the cutover's own
      // transactions): the move first, then as much of the rest as fits.
      'customer  moved 0 → -80, 80- at the journal (-80@629442b7…:1-76, 80-@6a60d315…:1-77); fields customer; insert customer {customer_id: 6, email: sougou@planetsca…',
      '',
    ]);
  });

  it('builds the request from the flags', async () => {
    vtgate = await ScriptedVtgate.start(() => replay([]));
    const r = await run([
      '--server', vtgate.address,
      '--keyspace', 'customer',
      '--shard', '-80',
      '--shard=80-,c0-',
      '--gtid', 'current',
      '--filter', 'customer:select * from customer where in_keyrange(customer_id, \'hash\', \'-80\')',
      '--rule', 'corder=',
      '--tablet-type', 'replica',
      '--heartbeat-interval', '5',
      '--stop-on-reshard',
      '--include-reshard-journal-events',
      '--minimize-skew',
      '--cells', 'zone1,zone2',
      '--cell-preference', 'OnlySpecified',
      '--tablet-order', 'InOrder',
      '--tables-to-copy', 'customer,corder',
      '--exclude-keyspace-from-table-name',
      '--stream-keyspace-heartbeats',
    ]);
    expect(r.stderr).toBe('');
    const req = vtgate.requests[0]!;
    expect(req.tablet_type).toBe(TabletType.REPLICA);
    expect(req.vgtid!.shard_gtids.map((s) => [s.keyspace, s.shard, s.gtid])).toEqual([
      ['customer', '-80', 'current'],
      ['customer', '80-', 'current'],
      ['customer', 'c0-', 'current'],
    ]);
    expect(req.filter!.rules.map((x) => [x.match, x.filter])).toEqual([
      ['customer', "select * from customer where in_keyrange(customer_id, 'hash', '-80')"],
      ['corder', ''],
    ]);
    expect(req.flags).toEqual({
      minimize_skew: true,
      heartbeat_interval: 5,
      stop_on_reshard: true,
      cells: 'zone1,zone2',
      cell_preference: 'OnlySpecified',
      tablet_order: 'InOrder',
      stream_keyspace_heartbeats: true,
      include_reshard_journal_events: true,
      tables_to_copy: ['customer', 'corder'],
      exclude_keyspace_from_table_name: true,
    });
  });

  it('defaults to a copy of every serving shard on the primary, with no filter', async () => {
    vtgate = await ScriptedVtgate.start(() => replay([]));
    await run(['--server', vtgate.address, '--keyspace', 'customer']);
    const req = vtgate.requests[0]!;
    expect(req.tablet_type).toBe(TabletType.PRIMARY);
    expect(req.vgtid!.shard_gtids).toEqual([{ keyspace: 'customer', shard: '', gtid: '', table_p_ks: [] }]);
    expect(req.filter).toBeNull();
    expect(req.flags!.heartbeat_interval).toBe(0);
  });

  it('accepts a VGTID and a filter as protobuf JSON, including Go field names', async () => {
    vtgate = await ScriptedVtgate.start(() => replay([]));
    const lastpk = { fields: [{ name: 'customer_id', type: 'INT64' }], rows: [{ lengths: ['1'], values: Buffer.from('5').toString('base64') }] };
    await run([
      '--server', vtgate.address,
      '--vgtid', JSON.stringify({ ShardGtids: [{ Keyspace: 'customer', Shard: '0', Gtid: `MySQL56/${UUID0}:1-45`, TablePKs: [{ table_name: 'customer', lastpk }] }] }),
      '--filter-json', JSON.stringify({ rules: [{ match: '/.*', filter: '-80' }], fieldEventMode: 'BEST_EFFORT' }),
    ]);
    const req = vtgate.requests[0]!;
    const sg = req.vgtid!.shard_gtids[0]!;
    expect([sg.keyspace, sg.shard, sg.gtid]).toEqual(['customer', '0', `MySQL56/${UUID0}:1-45`]);
    expect(sg.table_p_ks[0]!.lastpk!.fields[0]!.type).toBe(Type.INT64);
    expect(sg.table_p_ks[0]!.lastpk!.rows[0]!.lengths).toEqual([1]);
    expect(Buffer.from(sg.table_p_ks[0]!.lastpk!.rows[0]!.values).toString()).toBe('5');
    expect(req.filter).toMatchObject({ rules: [{ match: '/.*', filter: '-80' }], field_event_mode: 1 });
  });

  it('saves the last VGTID after each response and resumes from it when no position is given', async () => {
    const file = join(dir, 'vgtid.json');
    vtgate = await ScriptedVtgate.start(() => replay(copyPhase()));
    const first = await run(['--server', vtgate.address, '--keyspace', 'customer', '--shard', '0', '--save-vgtid', file]);
    expect(first.code).toBe(0);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toEqual({ shard_gtids: [{ keyspace: 'customer', shard: '0', gtid: `MySQL56/${UUID0}:1-45` }] });
    expect(existsSync(`${file}.tmp-${process.pid}`)).toBe(false);

    await run(['--server', vtgate.address, '--keyspace', 'customer', '--shard', '0', '--save-vgtid', file]);
    expect(vtgate.requests[1]!.vgtid!.shard_gtids.map((s) => s.gtid)).toEqual([`MySQL56/${UUID0}:1-45`]);

    await run(['--server', vtgate.address, '--keyspace', 'customer', '--shard', '0', '--gtid', 'current', '--save-vgtid', file]);
    expect(vtgate.requests[2]!.vgtid!.shard_gtids.map((s) => s.gtid)).toEqual(['current']);
  });

  it('keeps a mid-copy VGTID with its table last-PK in the save file and resumes with it', async () => {
    const file = join(dir, 'vgtid.json');
    vtgate = await ScriptedVtgate.start(() => replay(copyPhase().slice(0, 3), new VtError(Code.UNAVAILABLE, 'tablet went away')));
    const r = await run(['--server', vtgate.address, '--keyspace', 'customer', '--shard', '0', '--save-vgtid', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ERROR: UNAVAILABLE: tablet went away\n');
    expect(r.stdout.trim().split('\n')).toEqual(SEED_COPY_PHASE.slice(0, 3));
    await run(['--server', vtgate.address, '--save-vgtid', file]);
    const sg = vtgate.requests[1]!.vgtid!.shard_gtids[0]!;
    expect(sg.table_p_ks[0]!.table_name).toBe('customer');
    expect(sg.table_p_ks[0]!.lastpk!.rows[0]!.lengths).toEqual([1]);
    expect(Buffer.from(sg.table_p_ks[0]!.lastpk!.rows[0]!.values).toString()).toBe('5');
  });

  it('reports a server error as ERROR: <code>: <message> and exits 1', async () => {
    vtgate = await ScriptedVtgate.start(() => replay([], new VtError(Code.INVALID_ARGUMENT, 'vgtid must have at least one value with a starting position in ShardGtids')));
    const r = await run(['--server', vtgate.address, '--keyspace', 'customer']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ERROR: INVALID_ARGUMENT: vgtid must have at least one value with a starting position in ShardGtids\n');
  });

  it('reports an unreachable server as UNAVAILABLE', async () => {
    const r = await run(['--server', '127.0.0.1:1', '--keyspace', 'customer']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: UNAVAILABLE: /);
  });

  it.each([
    [['--keyspace', 'ks', '--bogus'], 'ERROR: unknown flag --bogus'],
    [['--shard', '-80'], 'ERROR: --shard and --gtid need --keyspace'],
    [['--keyspace', 'ks', '--vgtid', '{}'], 'ERROR: --vgtid replaces --keyspace, --shard and --gtid; give one or the other'],
    [['--vgtid', '{"shard_gtids":[{"keyspace":"ks","shrad":"0"}]}'], 'ERROR: binlogdata.VGtid.shard_gtids[0]: unknown field "shrad"'],
    [['--keyspace', 'ks', '--tablet-type', 'spare'], "ERROR: --tablet-type must be primary, replica or rdonly, not 'spare'"],
    [['--keyspace', 'ks', '--format', 'yaml'], "ERROR: --format must be text, json or line, not 'yaml'"],
    [['--keyspace', 'ks', '--heartbeat-interval', 'soon'], "ERROR: --heartbeat-interval must be a number of seconds, not 'soon'"],
  ])('rejects bad flags %j', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(message);
  });

  it('asks for a position when none is given', async () => {
    const r = await run([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: give --keyspace \(with --shard\/--gtid\) or --vgtid/);
  });

  it('stops quietly with exit code 0 when interrupted', async () => {
    vtgate = await ScriptedVtgate.start(async function* (_req, signal) {
      yield { events: [{ type: VEventType.OTHER }] };
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    });
    const controller = new AbortController();
    const done = run(['--server', vtgate.address, '--keyspace', 'ks', '--gtid', 'current'], controller.signal);
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    const r = await done;
    expect(r).toEqual({ code: 0, stdout: '[type:OTHER ]\n', stderr: '' });
  });

  it('prints its usage with --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: vtsim vstream');
  });
});
