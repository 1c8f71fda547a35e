// Issues 4 and 5 under load: four clients insert, update and delete through vtgate while the
// customer keyspace is resharded 0 → -80,80- → -40,40-80,80-c0,c0- → merged back to -80,80-, with a
// VStream (a gRPC client built from the .proto files) started in the copy phase replaying its ROW
// events into a picture of every table. Checks: the tables equal what the clients' successful
// writes made of them (nothing lost, nothing applied twice, failures retriable), the picture
// equals the tables, no row change arrives twice, and each row's changes arrive in commit order.
// A second run has the client disconnect at random moments and resume from its last VGTID.
import { SeededRandom, type Random } from '@vtsim/binlog';
import { decodeRowBytes, TabletType } from '@vtsim/proto';
import { VtgateClient, type DecodedMessage } from '@vtsim/vtgate';
import type mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { startScenario, type Scenario } from '../harness/scenario.js';

const KEYSPACE = 'customer';
const SCHEMA = `
create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id));
create table corder(order_id bigint not null, customer_id bigint, sku varbinary(128), price bigint, primary key(order_id));
`;
const VSCHEMA = {
  sharded: true,
  vindexes: { hash: { type: 'hash' } },
  tables: {
    customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
    corder: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
  },
};
const TABLES = ['customer', 'corder'] as const;
type TableName = (typeof TABLES)[number];
/** A table's rows by primary key (the first column), values as text. */
type Rows = Map<string, (string | null)[]>;
type Picture = Record<TableName, Rows>;

const emptyPicture = (): Picture => ({ customer: new Map(), corder: new Map() });

/** The version a row's values carry: customer emails end in `-v<n>@x`, corder prices are the version. */
function versionOf(table: TableName, row: (string | null)[]): number {
  return table === 'customer' ? Number(/-v(\d+)@x$/.exec(row[1] ?? '')?.[1] ?? -1) : Number(row[3]);
}

/** Errors vtgate may answer a write with during a cut-over, after which the write did not happen. */
function retriable(err: { errno?: number; message: string }): boolean {
  return /UNAVAILABLE|CLUSTER_EVENT|NOT_SERVING|not serving|resharded|buffer|failover|retry/i.test(err.message);
}

/** One of the four clients: writes only its own rows, so its order of writes is each row's commit order. */
class Writer {
  readonly model = emptyPicture();
  ok = 0;
  retried = 0;
  readonly failures: string[] = [];
  private next = 0;

  constructor(
    private readonly n: number,
    private readonly conn: mysql.Connection,
    private readonly random: Random,
  ) {}

  /** Writes until the signal aborts or a write fails with an error that is not retriable. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && this.failures.length === 0) {
      const live = [...this.model.customer.keys()];
      const r = this.random.next();
      if (live.length < 5 || r < 0.4) await this.insert();
      else if (r < 0.85) await this.update(live[Math.floor(this.random.next() * live.length)]!);
      else await this.remove(live[Math.floor(this.random.next() * live.length)]!);
    }
  }

  private async write(sql: string, apply: () => void): Promise<void> {
    try {
      await this.conn.query(sql);
      this.ok++;
      apply();
    } catch (err) {
      const e = err as { errno?: number; message: string };
      if (retriable(e)) this.retried++;
      else this.failures.push(`${sql}: ${e.message}`);
    }
  }

  private async insert(): Promise<void> {
    const id = String(this.n * 1_000_000 + ++this.next);
    const email = `w${this.n}c${id}-v0@x`;
    await this.write(`insert into customer(customer_id, email) values (${id}, '${email}')`, () => this.model.customer.set(id, [id, email]));
    if (!this.model.customer.has(id)) return;
    await this.write(`insert into corder(order_id, customer_id, sku, price) values (${id}, ${id}, 'SKU-${id}', 0)`, () =>
      this.model.corder.set(id, [id, id, `SKU-${id}`, '0']),
    );
  }

  private async update(id: string): Promise<void> {
    const version = versionOf('customer', this.model.customer.get(id)!) + 1;
    const email = `w${this.n}c${id}-v${version}@x`;
    await this.write(`update customer set email = '${email}' where customer_id = ${id}`, () => this.model.customer.set(id, [id, email]));
    if (!this.model.corder.has(id)) return;
    await this.write(`update corder set price = ${version} where order_id = ${id}`, () => (this.model.corder.get(id)![3] = String(version)));
  }

  private async remove(id: string): Promise<void> {
    if (this.model.corder.has(id)) await this.write(`delete from corder where order_id = ${id}`, () => this.model.corder.delete(id));
    if (this.model.corder.has(id)) return;
    await this.write(`delete from customer where customer_id = ${id}`, () => this.model.customer.delete(id));
  }
}

/**
 * The VStream client: replays ROW events into a picture of every table, strictly (an insert of a
 * present row, or a change whose before image differs from the row, is a problem) except where Vitess allows duplicates:
 * after resuming a copy from a last PK, until the copy completes. Checks that each row's versions
 * only grow. With a random source it disconnects at random moments and resumes from the last VGTID.
 */
class PictureStream {
  readonly picture = emptyPicture();
  readonly problems: string[] = [];
  /** The shards of the last VGTID received. */
  shards: string[] = [];
  responses = 0;
  resumes = 0;
  private lastVgtid: DecodedMessage;
  private copyCompleted = false;
  private resumedCopy = false;
  private readonly versions = { customer: new Map<string, number>(), corder: new Map<string, number>() };
  private readonly stop = new AbortController();
  private readonly done: Promise<void>;

  constructor(
    private readonly address: string,
    private readonly disconnects?: Random,
  ) {
    this.lastVgtid = { shard_gtids: [{ keyspace: KEYSPACE, shard: '0', gtid: '' }] };
    this.done = this.run();
  }

  private async run(): Promise<void> {
    const client = VtgateClient.connect(this.address);
    try {
      while (!this.stop.signal.aborted) {
        const call = new AbortController();
        const onStop = () => call.abort();
        this.stop.signal.addEventListener('abort', onStop, { once: true });
        let budget = this.disconnects ? 1 + Math.floor(this.disconnects.next() * 40) : Infinity;
        try {
          const request = { tablet_type: 'PRIMARY', vgtid: this.lastVgtid, filter: { rules: [{ match: '/.*' }] } };
          for await (const response of client.vstream(request, call.signal)) {
            this.apply(response.events as DecodedMessage[]);
            if (--budget === 0) break;
          }
        } catch (err) {
          if (!this.stop.signal.aborted) this.problems.push(`stream failed: ${(err as Error).message}`);
          return;
        } finally {
          call.abort();
          this.stop.signal.removeEventListener('abort', onStop);
        }
        if (budget !== 0) return;
        this.resumes++;
        if (!this.copyCompleted) this.resumedCopy = true;
      }
    } finally {
      client.close();
    }
  }

  private apply(events: DecodedMessage[]): void {
    this.responses++;
    for (const e of events) {
      if (e.type === 'VGTID') {
        this.lastVgtid = e.vgtid;
        this.shards = (e.vgtid.shard_gtids as DecodedMessage[]).map((s) => s.shard as string);
      } else if (e.type === 'COPY_COMPLETED' && !e.keyspace) {
        this.copyCompleted = true;
      } else if (e.type === 'ROW') {
        const table = (e.row_event.table_name as string).replace(`${KEYSPACE}.`, '') as TableName;
        for (const change of e.row_event.row_changes as DecodedMessage[]) this.change(table, change);
      }
    }
  }

  private change(table: TableName, change: DecodedMessage): void {
    const text = (row: DecodedMessage) => decodeRowBytes(row as { lengths: string[]; values: Buffer }).map((b) => b?.toString('utf8') ?? null);
    const rows = this.picture[table];
    const lenient = this.resumedCopy && !this.copyCompleted;
    const before = change.before ? text(change.before) : null;
    const after = change.after ? text(change.after) : null;
    if (before) {
      const current = rows.get(before[0]!);
      if (!lenient && current === undefined) this.problems.push(`${table} ${before[0]}: change to a missing row (lost or out of order)`);
      else if (!lenient && current!.join('|') !== before.join('|')) {
        this.problems.push(`${table} ${before[0]}: before image ${before.join('|')} but the row is ${current!.join('|')} (a change was lost)`);
      }
      rows.delete(before[0]!);
    }
    if (after) {
      const key = after[0]!;
      if (rows.has(key) && !lenient) this.problems.push(`${table} ${key}: inserted twice`);
      const version = versionOf(table, after);
      const last = this.versions[table].get(key) ?? -1;
      if (!lenient && version <= last) {
        this.problems.push(`${table} ${key}: version ${version} after ${last} (out of commit order, or received twice)`);
      }
      this.versions[table].set(key, Math.max(last, version));
      rows.set(key, after);
    }
  }

  /** Stops the client and waits for it. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.done;
  }
}

/** Every row of a table through vtgate, by primary key. */
async function tableRows(s: Scenario, table: TableName): Promise<Rows> {
  const rows = await s.mysql(`select * from ${table}`, KEYSPACE);
  return new Map(rows.map((r) => [r[0]!, r]));
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sorted = (rows: Rows) => [...rows.values()].sort((a, b) => Number(a[0]) - Number(b[0]));

async function runUnderLoad(disconnects: Random | undefined): Promise<void> {
  await using s = await startScenario({
    seed: 'reshard-under-load',
    keyspaces: { customer: { shards: { '0': [200, 201, 202] }, schema: SCHEMA, vschema: VSCHEMA } },
  });
  const writers: Writer[] = [];
  for (let n = 1; n <= 4; n++) writers.push(new Writer(n, await s.connect(KEYSPACE), new SeededRandom(`writer-${n}`)));
  const stopWriters = new AbortController();
  const writing = Promise.all(writers.map((w) => w.run(stopWriters.signal)));
  const stream = new PictureStream(s.grpcAddress, disconnects);
  try {
    await waitFor(() => writers.every((w) => w.ok > 20), 'the writers to start');
    const vtctld = s.cluster.vtctld;
    let nextUid = 300;
    /** Lets the clients write `n` more rows (so each phase of a reshard happens under load). */
    const meanwhile = async (n = 100) => {
      const total = () => writers.reduce((sum, w) => sum + w.ok, 0);
      const goal = total() + n;
      await waitFor(() => total() >= goal || writers.some((w) => w.failures.length > 0), `${n} more writes`);
    };
    const reshard = async (workflow: string, from: string[], to: string[]) => {
      for (const shard of to) {
        for (let i = 0; i < 3; i++) await s.startTablet(KEYSPACE, shard, nextUid + i);
        nextUid += 100;
      }
      await vtctld.reshardCreate({ workflow, keyspace: KEYSPACE, source_shards: from, target_shards: to });
      await meanwhile();
      await waitFor(async () => {
        const { workflows } = await vtctld.getWorkflows({ keyspace: KEYSPACE, workflow });
        const streams = workflows.flatMap((w) => Object.values(w.shard_streams).flatMap((ss) => ss.streams));
        return streams.length > 0 && streams.every((st) => st.state === 'Running' && st.copy_states.length === 0);
      }, `${workflow} to finish copying`);
      await meanwhile();
      // VDiff, as the local example runs it before switching: no table differs between the old
      // shards and the new ones, while the writers go on.
      await vtctld.vDiffCreate({ workflow, target_keyspace: KEYSPACE, wait: true });
      const diff = await vtctld.vDiffShow({ workflow, target_keyspace: KEYSPACE, arg: 'last' });
      expect(Object.keys(diff.tablet_responses).sort()).toEqual(to.slice().sort());
      for (const [shard, answer] of Object.entries(diff.tablet_responses)) {
        const out = answer.output!;
        expect(out.rows.length, `${workflow} ${shard}: one VDiff row per table`).toBeGreaterThan(0);
        const mismatch = out.fields.findIndex((f) => f.name === 'has_mismatch');
        const state = out.fields.findIndex((f) => f.name === 'vdiff_state');
        for (const row of out.rows) {
          const cells = decodeRowBytes(row).map((b) => b?.toString('utf8'));
          expect({ workflow, shard, state: cells[state], mismatch: cells[mismatch] }).toEqual({ workflow, shard, state: 'completed', mismatch: '0' });
        }
      }
      await vtctld.workflowSwitchTraffic({ keyspace: KEYSPACE, workflow, tablet_types: [TabletType.RDONLY, TabletType.REPLICA], enable_reverse_replication: true });
      await meanwhile();
      await vtctld.workflowSwitchTraffic({ keyspace: KEYSPACE, workflow, tablet_types: [TabletType.PRIMARY], enable_reverse_replication: true });
      // Complete deletes the old shards: a client must have moved off them (as a person would wait).
      await waitFor(() => stream.shards.slice().sort().join(',') === to.slice().sort().join(','), `the VStream to move to ${to.join(',')}`);
      await meanwhile();
      await vtctld.moveTablesComplete({ workflow, target_keyspace: KEYSPACE });
      for (const t of [...s.cluster.tabletMap().values()]) if (from.includes(t.shard)) await s.killTablet(t.alias.uid);
    };

    await meanwhile(300);
    await reshard('split2', ['0'], ['-80', '80-']);
    await reshard('split4', ['-80', '80-'], ['-40', '40-80', '80-c0', 'c0-']);
    await reshard('merge2', ['-40', '40-80', '80-c0', 'c0-'], ['-80', '80-']);
    await meanwhile();
  } finally {
    stopWriters.abort();
    await writing;
  }
  for (const w of writers) expect(w.failures, 'writes that failed with an error that is not retriable').toEqual([]);
  const tables = { customer: await tableRows(s, 'customer'), corder: await tableRows(s, 'corder') };
  for (const table of TABLES) {
    const model = new Map(writers.flatMap((w) => [...w.model[table]]));
    expect(sorted(tables[table]), `${table}: the table holds exactly the successful writes`).toEqual(sorted(model));
  }
  const same = () => TABLES.every((t) => JSON.stringify(sorted(stream.picture[t])) === JSON.stringify(sorted(tables[t])));
  await waitFor(same, 'the VStream picture to equal the tables').catch(() => undefined);
  await stream.close();
  expect(stream.problems).toEqual([]);
  for (const table of TABLES) expect(sorted(stream.picture[table]), `${table}: the VStream picture`).toEqual(sorted(tables[table]));
  expect(stream.shards.slice().sort()).toEqual(['-80', '80-']);
  expect(writers.reduce((n, w) => n + w.ok, 0)).toBeGreaterThan(1500);
  if (disconnects) expect(stream.resumes).toBeGreaterThan(3);
}

describe('resharding under load with a VStream attached', () => {
  it('no row lost or duplicated, every write succeeded once or failed retriably, the VStream picture equals the tables, per-row changes in commit order', async () => {
    await runUnderLoad(undefined);
  }, 120_000);

  it('the same with the VStream client disconnecting and resuming from its saved VGTID at random moments', async () => {
    await runUnderLoad(new SeededRandom('disconnects'));
  }, 120_000);
});
