/**
 * The seed document's VStream session (stream-migration.md) as data: the three clients that attach
 * to customer/0 after 205 (default flags, stop_on_reshard, include_reshard_journal_events), the
 * helpers that read their responses, the transcript of a client's whole stream, the seed steps
 * run on an in-memory `Cluster` (through vtctld's operations, as the scripts call them), and the
 * session itself (`seedSession`) on any cluster that can run the steps, so that two runs (in
 * memory, in processes) can be compared transcript by transcript.
 *
 * A transcript keeps everything two runs of the same steps must agree on, in order and response by
 * response: event types, keyspace/shard, table names, field lists, row values (before and after),
 * lastpks, VGTID shard sets, journal contents, the stream's end and its error code and message. It
 * abstracts only what legitimately differs between runs: GTID positions become per-shard names in
 * order of first appearance (`-80#2`: the second position seen on -80, so a position repeated stays
 * visibly the same one), timestamps become `T` (set) or vanish (zero), addresses and positions in
 * error messages become `<address>` and `<position>`; and since Vitess orders events per shard
 * only, responses streamed from several shards at once are put in per-shard order, and a VGTID
 * shows only its own shard's position (the others' `*`: where they stood depends on interleaving).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from '@vtsim/cli';
import { Code, TabletType, VTSIM_ROOT, decodeRowBytes, errorCode } from '@vtsim/proto';
import { parseJournal } from '@vtsim/vttablet';
import { VtgateClient, type DecodedMessage } from '@vtsim/vtgate';
import { mysqlCliInstalled, runMysql } from './mysql-cli.js';
import { runVtsim } from './vtsim-cli.js';

/** The event types of a response, in order. */
export const types = (r: DecodedMessage) => (r.events as DecodedMessage[]).map((e) => e.type as string);
/** A response's shape, `[BEGIN VGTID COMMIT]`. */
export const shape = (r: DecodedMessage) => `[${types(r).join(' ')}]`;
/** The shard a response came from (the first event naming one). */
export const source = (r: DecodedMessage) => (r.events as DecodedMessage[]).find((e) => e.shard)?.shard as string | undefined;
/** The last VGTID of a response. */
export const vgtidOf = (r: DecodedMessage) => (r.events as DecodedMessage[]).filter((e) => e.type === 'VGTID').at(-1)?.vgtid as DecodedMessage | undefined;
/** The shards of a VGTID, in its order. */
export const shardsOf = (v: DecodedMessage) => (v.shard_gtids as DecodedMessage[]).map((s) => s.shard as string);
/** One shard's position in a VGTID. */
export const gtidOf = (v: DecodedMessage, shard: string) => (v.shard_gtids as DecodedMessage[]).find((s) => s.shard === shard)?.gtid as string | undefined;
/** A `query.Row`'s values as text (null for NULL). */
export const rowText = (row: { lengths: string[]; values: Buffer }) => decodeRowBytes(row).map((b) => b?.toString('utf8') ?? null);
/** The highest GTID number of a position with a single server UUID (`MySQL56/<uuid>:1-45` → 45). */
export const seqOf = (pos: string) => Number(/:(?:\d+-)?(\d+)$/.exec(pos)![1]);

/** The seed document's three clients, by name, and their VStream flags. */
export const SEED_CLIENTS = {
  plain: {},
  stopping: { stop_on_reshard: true },
  journaled: { include_reshard_journal_events: true },
} as const;

/** One of {@link SEED_CLIENTS}. */
export type SeedClientName = keyof typeof SEED_CLIENTS;

/** The seed document's request: the customer table of the customer keyspace, from `vgtid` (default: customer/0 with a copy). */
export function seedRequest(flags: object = {}, vgtid: DecodedMessage = { shard_gtids: [{ keyspace: 'customer', shard: '0', gtid: '' }] }): object {
  return { tablet_type: 'PRIMARY', vgtid, filter: { rules: [{ match: 'customer', filter: 'select * from customer' }] }, flags };
}

/** A gRPC VStream client that collects responses in the background. */
export class SeedClient {
  readonly responses: DecodedMessage[] = [];
  error: (Error & { code?: number }) | undefined;
  ended = false;
  /** How many responses had arrived at each settle() (what came after one came after its step). */
  readonly settled: number[] = [];
  private taken = 0;
  private readonly abort = new AbortController();
  private readonly reading: Promise<void>;

  constructor(client: VtgateClient, request: object) {
    this.reading = (async () => {
      try {
        for await (const r of client.vstream(request, this.abort.signal)) this.responses.push(r);
      } catch (err) {
        this.error = err as Error;
      } finally {
        this.ended = true;
      }
    })();
  }

  /** Waits until nothing has arrived for `quietMs`, then returns the responses not taken yet. */
  async settle(quietMs = 300, maxMs = 10_000): Promise<DecodedMessage[]> {
    const deadline = Date.now() + maxMs;
    let seen = -1;
    while (seen !== this.responses.length && Date.now() < deadline) {
      seen = this.responses.length;
      await new Promise((r) => setTimeout(r, quietMs));
    }
    this.settled.push(this.responses.length);
    return this.responses.slice(this.taken, (this.taken = this.responses.length));
  }

  /** Waits until the stream has ended (by itself) or `maxMs` passed. */
  async ending(maxMs = 10_000): Promise<void> {
    await this.until(() => this.ended, maxMs);
  }

  /** Waits until a response satisfies `arrived`, the stream has ended, or `maxMs` passed. */
  async receiving(arrived: (r: DecodedMessage) => boolean, maxMs = 30_000): Promise<void> {
    await this.until(() => this.ended || this.responses.some(arrived), maxMs);
  }

  private async until(done: () => boolean, maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** Cancels the stream (if still open) and waits for the reading loop. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.reading;
  }
}

/** The three seed clients on customer/0 from the start, through `grpc`. */
export function attachSeedClients(grpc: VtgateClient): Record<SeedClientName, SeedClient> {
  const [plain, stopping, journaled] = (Object.keys(SEED_CLIENTS) as SeedClientName[]).map((name) => new SeedClient(grpc, seedRequest(SEED_CLIENTS[name])));
  return { plain: plain!, stopping: stopping!, journaled: journaled! };
}

/** What a transcript is taken from: a {@link SeedClient}'s record of its stream. */
export type StreamRecord = Pick<SeedClient, 'responses' | 'settled' | 'ended' | 'error'>;

/** Names positions per shard in order of first appearance (see the module comment). */
class PositionNames {
  private readonly byShard = new Map<string, Map<string, number>>();

  name(shard: string, position: string): string {
    if (!position.startsWith('MySQL56/')) return position;
    let names = this.byShard.get(shard);
    if (!names) this.byShard.set(shard, (names = new Map()));
    if (!names.has(position)) names.set(position, names.size + 1);
    return `${shard}#${names.get(position)}`;
  }
}

const TIME_FIELDS = new Set(['timestamp', 'current_time']);
const POSITION_FIELDS = new Set(['gtid', 'local_position']);

/**
 * A decoded value with defaults dropped (proto3 zero values; shard names are kept, `0` included),
 * rows as text and the run-specific parts abstracted; undefined when empty.
 */
function abstracted(value: unknown, shard: string, positions: PositionNames): unknown {
  if (value === null || value === undefined || value === '' || value === 0 || value === '0' || value === false) return undefined;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) {
    const items = value.map((v) => abstracted(v, shard, positions) ?? null);
    return items.length === 0 ? undefined : items;
  }
  if (typeof value !== 'object') return value;
  const message = value as DecodedMessage;
  if (Buffer.isBuffer(message.values) && Array.isArray(message.lengths)) return rowText(message as { lengths: string[]; values: Buffer });
  const own = typeof message.shard === 'string' && message.shard !== '' ? message.shard : shard;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(message)) {
    if (TIME_FIELDS.has(key)) {
      if (v !== '0' && v !== 0 && v !== null) out[key] = 'T';
    } else if (POSITION_FIELDS.has(key) && typeof v === 'string' && v !== '') {
      out[key] = positions.name(own, v);
    } else if (key === 'shard' && v !== '') {
      out[key] = v;
    } else {
      const a = abstracted(v, own, positions);
      if (a !== undefined) out[key] = a;
    }
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** How a stream ended, with addresses and positions abstracted: `open`, `end: OK`, or `end: <CODE> <message>`. */
function endOf(client: StreamRecord): string {
  if (!client.ended) return 'open';
  if (!client.error) return 'end: OK';
  const message = client.error.message
    .replace(/\b(?:\d{1,3}(?:\.\d{1,3}){3}|localhost|\[[0-9a-f:]+\]):\d+\b/g, '<address>')
    .replace(/MySQL56\/[0-9a-f:,\-]*/g, '<position>');
  return `end: ${Code[errorCode(client.error)]} ${message}`;
}

/**
 * A client's responses in an order two runs agree on: Vitess orders a stream's events per shard
 * only, so within each stretch of responses streamed from the same set of shards (the shards of
 * their VGTIDs) and settled after the same step, responses are sorted by the shard they came
 * from, each shard's keeping its own order.
 */
function perShardOrder(client: StreamRecord): DecodedMessage[] {
  const stretches: DecodedMessage[][] = [];
  let shards: string | undefined;
  client.responses.forEach((r, i) => {
    const vgtid = vgtidOf(r);
    const now = vgtid ? shardsOf(vgtid).slice().sort().join(',') : shards;
    if (now !== shards || stretches.length === 0 || client.settled.includes(i)) stretches.push([]);
    shards = now;
    stretches.at(-1)!.push(r);
  });
  // Array.prototype.sort is stable: each shard's responses keep their order.
  return stretches.flatMap((s) => s.slice().sort((a, b) => (source(a) ?? '').localeCompare(source(b) ?? '')));
}

/**
 * An event with the positions of a VGTID's other shards (not the one the event came from) set to
 * `*`: where another shard stood when this one's event went out depends on how the shards'
 * events interleaved, which Vitess leaves open.
 */
function ownPositionsOnly(e: DecodedMessage): DecodedMessage {
  if (e.type !== 'VGTID' || !e.shard) return e;
  const shardGtids = (e.vgtid.shard_gtids as DecodedMessage[]).map((s) => (s.shard === e.shard ? s : { ...s, gtid: '*' }));
  return { ...e, vgtid: { ...e.vgtid, shard_gtids: shardGtids } };
}

/**
 * A client's transcript: one line per event (`r<response> <event as JSON>`), responses in per-shard
 * order, then how the stream ended (see the module comment for what is kept and what is abstracted).
 */
export function transcript(client: StreamRecord): string[] {
  const positions = new PositionNames();
  const lines = perShardOrder(client).flatMap((r, i) =>
    (r.events as DecodedMessage[]).map((e) => `r${i} ${JSON.stringify(abstracted(ownPositionsOnly(e), e.shard ?? '', positions) ?? {})}`),
  );
  return [...lines, endOf(client)];
}

/**
 * Undefined when the two transcripts are equal; otherwise a readable account of the first
 * differing line with a few lines of context before it.
 */
export function firstDifference(actual: string[], expected: string[], context = 3): string | undefined {
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (actual[i] === expected[i]) continue;
    const before = expected.slice(Math.max(0, i - context), i).map((l) => `    ${l}`);
    return [
      `line ${i + 1} of ${expected.length} (expected) / ${actual.length} (actual) differs, after:`,
      ...before,
      `  expected: ${expected[i] ?? '(nothing)'}`,
      `  actual:   ${actual[i] ?? '(nothing)'}`,
    ].join('\n');
  }
  return undefined;
}

const exampleFile = (name: string) => readFileSync(join(VTSIM_ROOT, 'scripts', name), 'utf8');
const statements = (text: string) => text.split(/;\s*$/m).map((s) => s.trim()).filter((s) => s !== '');

/** The insert of the seed document after 305, through vtgate's MySQL port. */
export const SEED_INSERT = "insert into customer(customer_id, email) values(6,'rohit@planetscale.com'), (7,'mlord@planetscale.com')";

/**
 * The local example on an in-memory `Cluster` (on free ports), step by step, through vtctld's
 * operations as the scripts call them and the real mysql client for SQL: `start()` runs 101–205;
 * each `stepNNN()` runs that script's operations.
 */
export class SeedCluster {
  private constructor(
    readonly cluster: Cluster,
    /** A client of vtgate's gRPC port. */
    readonly grpc: VtgateClient,
    /** vtgate's MySQL port. */
    readonly mysqlPort: number,
  ) {}

  /** Starts the cluster and runs 101–205. */
  static async start(): Promise<SeedCluster> {
    const cluster = await Cluster.start({ seed: 'stream-migration', mysqlPort: 0, grpcPort: 0 });
    try {
      // 101
      await cluster.vtctld.createKeyspace({ name: 'commerce', durability_policy: 'semi_sync' });
      await SeedCluster.tablets(cluster, 'commerce', '0', [100, 101, 102]);
      await cluster.vtctld.applySchema({ keyspace: 'commerce', sql: statements(exampleFile('create_commerce_schema.sql')) });
      await cluster.vtctld.applyVSchema({ keyspace: 'commerce', v_schema: JSON.parse(exampleFile('vschema_commerce_initial.json')) });
      const vtgate = await cluster.startVtgate();
      const seed = new SeedCluster(cluster, VtgateClient.connect(`${vtgate.grpcAddress!.host}:${vtgate.grpcAddress!.port}`), vtgate.mysqlAddress!.port);
      await seed.mysql(exampleFile('insert_commerce_data.sql'));
      // 201–205
      await SeedCluster.tablets(cluster, 'customer', '0', [200, 201, 202]);
      await cluster.vtctld.setKeyspaceDurabilityPolicy({ keyspace: 'customer', durability_policy: 'semi_sync' });
      await cluster.vtctld.moveTablesCreate({ workflow: 'commerce2customer', source_keyspace: 'commerce', target_keyspace: 'customer', include_tables: ['customer', 'corder'] });
      await seed.waitRunning('customer', 'commerce2customer');
      await seed.switchTraffic('commerce2customer', [TabletType.RDONLY, TabletType.REPLICA]);
      await seed.switchTraffic('commerce2customer', [TabletType.PRIMARY]);
      await cluster.vtctld.moveTablesComplete({ workflow: 'commerce2customer', target_keyspace: 'customer' });
      return seed;
    } catch (err) {
      await cluster.close();
      throw err;
    }
  }

  private static async tablets(cluster: Cluster, keyspace: string, shard: string, uids: number[]): Promise<void> {
    for (const uid of uids) await cluster.addTablet({ keyspace, shard, uid });
  }

  /**
   * Runs `sql` through the mysql client (vtsim's own `vtsim mysql` where none is installed, as the
   * scripts' alias does); throws with its stderr when it fails.
   */
  async mysql(sql: string, database?: string): Promise<string> {
    const args = database ? [database] : [];
    const run = mysqlCliInstalled
      ? await runMysql(this.mysqlPort, args, sql)
      : await runVtsim(['mysql', '-h', '127.0.0.1', '-P', String(this.mysqlPort), ...args], { input: sql, env: process.env });
    if (run.code !== 0) throw new Error(`mysql failed: ${run.stderr}`);
    return run.stdout;
  }

  private async waitRunning(keyspace: string, workflow: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { workflows } = await this.cluster.vtctld.getWorkflows({ keyspace, workflow });
      const streams = workflows.flatMap((w) => Object.values(w.shard_streams).flatMap((s) => s.streams));
      if (streams.length > 0 && streams.every((s) => s.state === 'Running' && s.copy_states.length === 0)) return;
      if (Date.now() > deadline) throw new Error(`${workflow} is not running: ${JSON.stringify(streams.map((s) => [s.state, s.message]))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async switchTraffic(workflow: string, tablet_types: TabletType[]): Promise<void> {
    await this.cluster.vtctld.workflowSwitchTraffic({ keyspace: 'customer', workflow, tablet_types, enable_reverse_replication: true });
  }

  /** 301: sequences in commerce, the sharded VSchema and schema of customer. */
  async step301(): Promise<void> {
    await this.cluster.vtctld.applySchema({ keyspace: 'commerce', sql: statements(exampleFile('create_commerce_seq.sql')) });
    await this.cluster.vtctld.applyVSchema({ keyspace: 'commerce', v_schema: JSON.parse(exampleFile('vschema_commerce_seq.json')) });
    await this.cluster.vtctld.applyVSchema({ keyspace: 'customer', v_schema: JSON.parse(exampleFile('vschema_customer_sharded.json')) });
    await this.cluster.vtctld.applySchema({ keyspace: 'customer', sql: statements(exampleFile('create_customer_sharded.sql')) });
  }

  /** 302: the tablets of -80 and 80-. */
  async step302(): Promise<void> {
    await SeedCluster.tablets(this.cluster, 'customer', '-80', [300, 301, 302]);
    await SeedCluster.tablets(this.cluster, 'customer', '80-', [400, 401, 402]);
  }

  /** 303: Reshard cust2cust, until its copy is done. */
  async step303(): Promise<void> {
    await this.cluster.vtctld.reshardCreate({ workflow: 'cust2cust', keyspace: 'customer', source_shards: ['0'], target_shards: ['-80', '80-'] });
    await this.waitRunning('customer', 'cust2cust');
  }

  /** 304: rdonly and replica reads to the new shards. */
  async step304(): Promise<void> {
    await this.switchTraffic('cust2cust', [TabletType.RDONLY, TabletType.REPLICA]);
  }

  /** 305: writes to the new shards. */
  async step305(): Promise<void> {
    await this.switchTraffic('cust2cust', [TabletType.PRIMARY]);
  }

  /** 306: completes cust2cust and removes customer/0's tablets. */
  async step306(): Promise<void> {
    await this.cluster.vtctld.moveTablesComplete({ workflow: 'cust2cust', target_keyspace: 'customer' });
    for (const uid of [200, 201, 202]) await this.cluster.removeTablet(uid);
  }

  /** The journal 305 wrote on customer/0's primary. */
  async journal(): Promise<ReturnType<typeof parseJournal>> {
    const r = await this.cluster.tablet(200)!.executeFetchAsDba('select val from resharding_journal', '_vt');
    return parseJournal(Buffer.from(r.rows[0]![0] as Uint8Array).toString('utf8'));
  }

  /** Closes the gRPC client and the cluster. */
  async close(): Promise<void> {
    this.grpc.close();
    await this.cluster.close();
  }
}

/** The local example's steps after 205. */
export type SeedStepName = '301' | '302' | '303' | '304' | '305' | '306';

/** What {@link seedSession} needs from a cluster: the seed steps after 205 and a vtgate gRPC client. */
export interface SeedSteps {
  grpc: VtgateClient;
  /** Runs a step of the local example. */
  step(name: SeedStepName): Promise<void>;
  /** Runs SQL through vtgate's MySQL port (customer keyspace). */
  insert(sql: string): Promise<void>;
  /** How long a client must stay quiet to count as settled (longer for slower clusters). */
  quietMs?: number;
}

/**
 * The transcripts of one run of the seed session: the three clients, and two that resume the plain
 * client's pre-cutover VGTID, one before 306 and one after.
 */
export type SeedTranscripts = Record<SeedClientName | 'resumedBefore306' | 'resumedAfter306', string[]>;

/**
 * The seed session after 205, on any cluster: attaches the three clients, runs 301–305, inserts
 * customers 6 and 7, resumes the plain client's pre-cutover VGTID (its `[VGTID OTHER]`) as a fourth
 * client (which follows the journal from customer/0 to the new shards), runs 306, then resumes
 * that VGTID again as a fifth client, which fails since customer/0 is gone; returns the five
 * transcripts. After the copy and each step the clients settle (nothing new for `quietMs`); after
 * the copy, 305 and the insert they first wait for what the document says comes (COPY_COMPLETED,
 * the new shards' VGTIDs, the rows), so that a slow cluster's late events are not taken for the
 * next step's.
 */
export async function seedSession(steps: SeedSteps): Promise<SeedTranscripts> {
  const quiet = steps.quietMs ?? 300;
  const clients = attachSeedClients(steps.grpc);
  const all = Object.values(clients);
  const settle = () => Promise.all(all.map((c) => c.settle(quiet)));
  const rows = (r: DecodedMessage) => types(r).includes('ROW');
  try {
    await Promise.all(all.map((c) => c.receiving((r) => types(r).includes('COPY_COMPLETED'))));
    await settle();
    for (const name of ['301', '302', '303', '304', '305'] as const) await steps.step(name);
    const streaming = [clients.plain, clients.journaled];
    await Promise.all([clients.stopping.ending(), ...streaming.map((c) => c.receiving((r) => shardsOf(vgtidOf(r) ?? { shard_gtids: [] }).includes('80-')))]);
    await settle();
    await steps.insert(SEED_INSERT);
    await Promise.all(streaming.map((c) => c.receiving(rows)));
    await settle();
    const saved = vgtidOf(clients.plain.responses.find((r) => shape(r) === '[VGTID OTHER]') ?? { events: [] });
    if (!saved) throw new Error(`the plain client saw no [VGTID OTHER]: ${clients.plain.responses.map(shape).join(' ')}`);
    const resumedBefore306 = new SeedClient(steps.grpc, seedRequest({}, saved));
    all.push(resumedBefore306);
    await resumedBefore306.receiving(rows);
    await settle();
    await steps.step('306');
    await settle();
    const resumedAfter306 = new SeedClient(steps.grpc, seedRequest({}, saved));
    all.push(resumedAfter306);
    await resumedAfter306.ending();
    return {
      plain: transcript(clients.plain),
      stopping: transcript(clients.stopping),
      journaled: transcript(clients.journaled),
      resumedBefore306: transcript(resumedBefore306),
      resumedAfter306: transcript(resumedAfter306),
    };
  } finally {
    for (const c of all) await c.close();
  }
}

/** The seed session on an in-memory cluster (the reference a run in another mode is compared with). */
export async function seedTranscriptsInMemory(): Promise<SeedTranscripts> {
  const seed = await SeedCluster.start();
  try {
    return await seedSession({
      grpc: seed.grpc,
      step: (name) => seed[`step${name}`](),
      insert: async (sql) => void (await seed.mysql(sql, 'customer')),
    });
  } finally {
    await seed.close();
  }
}
