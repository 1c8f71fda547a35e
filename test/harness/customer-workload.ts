/**
 * The workload the load and fault scenarios share: a `customer` keyspace (two tables keyed by
 * customer_id), four writers that each write only their own rows (so each writer's order is each
 * of its rows' commit order), and a VStream client that replays ROW events into a picture of the
 * tables (vstream-picture.ts). A scenario compares three things at the end: what the writers were
 * told succeeded (their model), the tables read back through vtgate, and the VStream's picture.
 */
import type { Random } from '@vtsim/binlog';
import type mysql from 'mysql2/promise';
import type { Scenario } from './scenario.js';

/** The keyspace the workload writes. */
export const KEYSPACE = 'customer';

/** Its tables: `customer(customer_id, email)` and `corder(order_id, customer_id, sku, price)`. */
export const SCHEMA = `
create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id));
create table corder(order_id bigint not null, customer_id bigint, sku varbinary(128), price bigint, primary key(order_id));
`;

/** Its VSchema when sharded: both tables by `hash(customer_id)`. */
export const VSCHEMA = {
  sharded: true,
  vindexes: { hash: { type: 'hash' } },
  tables: {
    customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
    corder: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
  },
};

/** The workload's tables. */
export const TABLES = ['customer', 'corder'] as const;
/** One of {@link TABLES}. */
export type TableName = (typeof TABLES)[number];
/** A table's rows by primary key (the first column), values as text. */
export type Rows = Map<string, (string | null)[]>;
/** Every table's rows. */
export type Picture = Record<TableName, Rows>;

/** A picture with no rows. */
export const emptyPicture = (): Picture => ({ customer: new Map(), corder: new Map() });

/** The version a row's values carry: customer emails end in `-v<n>@x`, corder prices are the version. */
export function versionOf(table: TableName, row: (string | null)[]): number {
  return table === 'customer' ? Number(/-v(\d+)@x$/.exec(row[1] ?? '')?.[1] ?? -1) : Number(row[3]);
}

/** A table's rows in primary-key order. */
export const sorted = (rows: Rows): (string | null)[][] => [...rows.values()].sort((a, b) => Number(a[0]) - Number(b[0]));

/** Every row of a table through vtgate (a scenario's, or any vtgate `mysql` reaches), by primary key. */
export async function tableRows(s: Pick<Scenario, 'mysql'>, table: TableName): Promise<Rows> {
  const rows = await s.mysql(`select * from ${table}`, KEYSPACE);
  return new Map(rows.map((r) => [r[0]!, r]));
}

/** Polls `check` every 20 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** How a writer classifies a failed write: not applied and retriable, outcome unknown, or a bug. */
export type WriteErrorKind = 'retriable' | 'ambiguous' | 'failure';

/** Errors vtgate may answer a write with during a cut-over, after which the write did not happen. */
export function cutoverErrorKind(err: { errno?: number; message: string }): WriteErrorKind {
  return /UNAVAILABLE|CLUSTER_EVENT|NOT_SERVING|not serving|resharded|buffer|failover|retry/i.test(err.message) ? 'retriable' : 'failure';
}

/**
 * How long one statement of a {@link Writer} may wait for its answer: past it mysql2 rejects it with
 * "Query inactivity timeout", the writer drops that connection and records the statement as a
 * failure, so a statement the cluster never answers fails the scenario by name instead of hanging it.
 */
export const WRITE_TIMEOUT_MS = 30_000;

/** How long a Writer's connection may take to close when the writer stops. */
const END_TIMEOUT_MS = 5_000;

/** What a {@link Writer} needs. */
export interface WriterOptions {
  /** Opens a connection to vtgate in {@link KEYSPACE}; called again after a connection is lost. */
  connect: () => Promise<mysql.Connection>;
  random: Random;
  /** Classifies errors (default {@link cutoverErrorKind}). */
  classify?: (err: { errno?: number; code?: string; message: string }) => WriteErrorKind;
}

/**
 * One of the workload's writers: inserts, updates and deletes only its own rows (ids
 * `n * 1_000_000 + k`), and keeps a model of what it was told succeeded. A write that failed
 * ambiguously (the connection dropped, a timeout: it may or may not have committed) is resolved by
 * reading the row back once the cluster answers again.
 */
export class Writer {
  readonly model = emptyPicture();
  ok = 0;
  retried = 0;
  ambiguous = 0;
  readonly failures: string[] = [];
  /** Messages of the errors seen, retriable and ambiguous ones included (for checking their codes). */
  readonly errors: string[] = [];
  private next = 0;
  private conn: mysql.Connection | undefined;
  private readonly classify: NonNullable<WriterOptions['classify']>;

  constructor(
    private readonly n: number,
    private readonly opts: WriterOptions,
  ) {
    this.classify = opts.classify ?? cutoverErrorKind;
  }

  /** Writes until the signal aborts or a write fails with an error classified as a failure. */
  async run(signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted && this.failures.length === 0) {
        const live = [...this.model.customer.keys()];
        const r = this.opts.random.next();
        if (live.length < 5 || r < 0.4) await this.insert(signal);
        else if (r < 0.85) await this.update(live[Math.floor(this.opts.random.next() * live.length)]!, signal);
        else await this.remove(live[Math.floor(this.opts.random.next() * live.length)]!, signal);
      }
    } finally {
      // A connection whose last statement timed out still waits for that answer: end() would queue
      // behind it forever, so it is destroyed; others get END_TIMEOUT_MS to close cleanly.
      const conn = this.conn;
      this.conn = undefined;
      if (conn) {
        const ended = conn.end().then(() => true, () => true);
        if (!(await Promise.race([ended, new Promise<boolean>((r) => setTimeout(() => r(false), END_TIMEOUT_MS))]))) conn.destroy();
      }
    }
  }

  private async connection(): Promise<mysql.Connection> {
    this.conn ??= await this.opts.connect();
    return this.conn;
  }

  private async write(sql: string, table: TableName, id: string, apply: () => void, signal: AbortSignal): Promise<void> {
    try {
      await (await this.connection()).query({ sql, timeout: WRITE_TIMEOUT_MS });
      this.ok++;
      apply();
    } catch (err) {
      const e = err as { errno?: number; code?: string; message: string; fatal?: boolean };
      this.errors.push(e.message);
      // mysql2 leaves a timed-out statement's connection waiting for its answer: it is unusable.
      if (e.fatal || e.code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
        this.conn?.destroy();
        this.conn = undefined;
      }
      const kind = this.classify(e);
      if (kind === 'retriable') this.retried++;
      else if (kind === 'ambiguous') {
        this.ambiguous++;
        await this.resolve(table, id, signal);
      } else this.failures.push(`${sql}: ${e.message}`);
      if (kind !== 'failure') await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Reads a row whose last write had an unknown outcome until the cluster answers, and adopts it. */
  private async resolve(table: TableName, id: string, signal: AbortSignal): Promise<void> {
    const key = table === 'customer' ? 'customer_id' : 'order_id';
    while (!signal.aborted) {
      try {
        const [rows] = await (await this.connection()).query({ sql: `select * from ${table} where ${key} = ${id}`, rowsAsArray: true, typeCast: false, timeout: WRITE_TIMEOUT_MS });
        const row = (rows as unknown as (Buffer | null)[][])[0];
        if (row) this.model[table].set(id, row.map((v) => (v === null ? null : v.toString('utf8'))));
        else this.model[table].delete(id);
        return;
      } catch (err) {
        if ((err as { fatal?: boolean }).fatal || (err as { code?: string }).code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
          this.conn?.destroy();
          this.conn = undefined;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  private async insert(signal: AbortSignal): Promise<void> {
    const id = String(this.n * 1_000_000 + ++this.next);
    const email = `w${this.n}c${id}-v0@x`;
    await this.write(`insert into customer(customer_id, email) values (${id}, '${email}')`, 'customer', id, () => this.model.customer.set(id, [id, email]), signal);
    if (!this.model.customer.has(id)) return;
    await this.write(`insert into corder(order_id, customer_id, sku, price) values (${id}, ${id}, 'SKU-${id}', 0)`, 'corder', id, () =>
      this.model.corder.set(id, [id, id, `SKU-${id}`, '0']), signal,
    );
  }

  private async update(id: string, signal: AbortSignal): Promise<void> {
    const version = versionOf('customer', this.model.customer.get(id)!) + 1;
    const email = `w${this.n}c${id}-v${version}@x`;
    await this.write(`update customer set email = '${email}' where customer_id = ${id}`, 'customer', id, () => this.model.customer.set(id, [id, email]), signal);
    if (!this.model.corder.has(id)) return;
    await this.write(`update corder set price = ${version} where order_id = ${id}`, 'corder', id, () => (this.model.corder.get(id)![3] = String(version)), signal);
  }

  private async remove(id: string, signal: AbortSignal): Promise<void> {
    if (this.model.corder.has(id)) await this.write(`delete from corder where order_id = ${id}`, 'corder', id, () => this.model.corder.delete(id), signal);
    if (this.model.corder.has(id)) return;
    await this.write(`delete from customer where customer_id = ${id}`, 'customer', id, () => this.model.customer.delete(id), signal);
  }
}

/** The writers' models merged: what the tables must hold. */
export function modelOf(writers: readonly Writer[], table: TableName): Rows {
  return new Map(writers.flatMap((w) => [...w.model[table]]));
}
