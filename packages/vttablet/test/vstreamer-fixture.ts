/** Shared helpers of the vstreamer tests: real tablets on a memory topo, stream readers, compact event views. */
import { ManualClock, SeededRandom, randomUuid } from '@vtsim/binlog';
import {
  TabletType,
  VEventType,
  decodeRowBytes,
  type Filter,
  type RowWire,
  type TableLastPK,
  type Target,
  type VEvent,
  type VStreamOptions,
} from '@vtsim/proto';
import { TopoServer } from '@vtsim/topo';
import { LocalMysqlNetwork } from '../src/mysql-network.js';
import { Tablet, type TabletOptions } from '../src/tablet.js';
import { closeFronts, reach, type Transport } from './tablet-transport.js';

export const CUSTOMER_SCHEMA = 'create table customer(customer_id bigint not null auto_increment, email varbinary(128), primary key(customer_id)) ENGINE=InnoDB';
export const CUSTOMER_EMAILS = ['alice@domain.com', 'bob@domain.com', 'charlie@domain.com', 'dan@domain.com', 'eve@domain.com'];

/** A memory topo, a network and a clock shared by the tablets of one test. */
export interface Cluster {
  topo: TopoServer;
  network: LocalMysqlNetwork;
  clock: ManualClock;
  tablets: Tablet[];
}

/** Creates an empty cluster; close it with {@link closeCluster}. */
export async function newCluster(): Promise<Cluster> {
  return { topo: await TopoServer.newMemory('zone1'), network: new LocalMysqlNetwork(), clock: new ManualClock(1_616_748_600_000), tablets: [] };
}

/** How {@link StreamReader} reaches tablets; {@link closeCluster} sets it back to in-process. */
let transport: Transport = 'in-process';

/** Makes the next StreamReaders stream through `t` (see tablet-transport.ts). */
export function streamThrough(t: Transport): void {
  transport = t;
}

/** Closes every tablet of a cluster (and the gRPC fronts of the test), and streams in process again. */
export async function closeCluster(c: Cluster): Promise<void> {
  transport = 'in-process';
  await closeFronts();
  await Promise.all(c.tablets.splice(0).map((t) => t.close()));
}

/** Starts one tablet (the first REPLICA of a shard becomes its primary), with optional extra tablet options. */
export async function startTablet(c: Cluster, keyspace: string, shard: string, uid: number, extra: Partial<TabletOptions> = {}): Promise<Tablet> {
  const t = await Tablet.start({
    alias: { cell: 'zone1', uid },
    keyspace,
    shard,
    type: uid % 10 <= 1 ? TabletType.REPLICA : TabletType.RDONLY,
    topo: c.topo,
    network: c.network,
    clock: c.clock,
    random: new SeededRandom(`t/${uid}`),
    serverUuid: randomUuid(new SeededRandom(`uuid/${uid}`)),
    ...extra,
  });
  c.tablets.push(t);
  return t;
}

/** The tablet's own target. */
export function targetOf(t: Tablet): Target {
  return { keyspace: t.keyspace, shard: t.shard, tablet_type: t.type, cell: 'zone1' };
}

/** Runs statements on the tablet in autocommit mode. */
export async function exec(t: Tablet, ...sqls: string[]): Promise<void> {
  for (const sql of sqls) await t.execute(targetOf(t), sql, {}, 0);
}

/** Creates the local example's customer table holding its five customers. */
export async function loadCustomers(t: Tablet): Promise<void> {
  await exec(t, CUSTOMER_SCHEMA);
  await exec(t, `insert into customer(email) values ${CUSTOMER_EMAILS.map((e) => `('${e}')`).join(', ')}`);
}

/** A filter with one rule. */
export function filterOf(match: string, filter = ''): Filter {
  return { rules: [{ match, filter }] };
}

/** An open tablet stream that the test reads batch by batch. */
export class StreamReader {
  readonly batches: VEvent[][] = [];
  private readonly controller = new AbortController();
  private readonly iterator: AsyncIterator<VEvent[]>;

  constructor(t: Tablet, position: string, filter: Filter, tableLastPKs: TableLastPK[] = [], options?: VStreamOptions) {
    const request = { target: targetOf(t), position, filter, table_last_p_ks: tableLastPKs, ...(options ? { options } : {}) };
    const { signal } = this.controller;
    const through = transport;
    this.iterator = (async function* () {
      yield* (await reach(t, through)).vstream(request, signal);
    })();
  }

  /** The next batch (fails after `ms`). */
  async next(ms = 2000): Promise<VEvent[]> {
    const r = await within(this.iterator.next(), ms);
    if (r.done) throw new Error('stream ended');
    this.batches.push(r.value);
    return r.value;
  }

  /** Reads batches until one satisfies `stop`; returns every batch read by this call. */
  async until(stop: (batch: VEvent[]) => boolean, ms = 2000): Promise<VEvent[][]> {
    const out: VEvent[][] = [];
    for (;;) {
      const b = await this.next(ms);
      out.push(b);
      if (stop(b)) return out;
    }
  }

  /** Reads until the stream fails and returns the error (fails if it yields more than `max` batches first). */
  async error(max = 100): Promise<unknown> {
    try {
      for (let i = 0; i < max; i++) await this.next();
    } catch (err) {
      return err;
    }
    throw new Error('stream did not fail');
  }

  /** Stops the stream. */
  async close(): Promise<void> {
    this.controller.abort();
    await this.iterator.return?.();
  }
}

async function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no batch within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Event types of a batch, e.g. `BEGIN FIELD`. */
export function types(batch: VEvent[]): string {
  return batch.map((e) => VEventType[e.type]).join(' ');
}

/** A row's values as text (NULL as null). */
export function rowText(row: RowWire | null | undefined): (string | null)[] | null {
  if (!row) return null;
  return decodeRowBytes(row).map((b) => (b === null ? null : b.toString('utf8')));
}

/** Every row change of the ROW events in these batches, as `[before, after]` value texts. */
export function rowChanges(batches: VEvent[][]): [(string | null)[] | null, (string | null)[] | null][] {
  const out: [(string | null)[] | null, (string | null)[] | null][] = [];
  for (const b of batches) {
    for (const e of b) {
      if (e.type !== VEventType.ROW) continue;
      for (const ch of e.row_event!.row_changes) out.push([rowText(ch.before), rowText(ch.after)]);
    }
  }
  return out;
}

/** True for a batch that ends a transaction or a copy step. */
export const endsWith = (type: VEventType) => (batch: VEvent[]) => batch[batch.length - 1]?.type === type;
