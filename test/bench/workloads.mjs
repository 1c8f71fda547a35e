/**
 * The client workloads of the protocol benchmarks, by name. Each makes, for one connection, an
 * operation that sends one statement and resolves with the rows it handled; operations throw if
 * the answer is not what the workload expects (a point select that finds no row, for example).
 *
 * The bench schema (see bench-schema.mjs): `customer(customer_id bigint primary key, email)`
 * sharded by hash(customer_id), `corder(order_id bigint primary key, customer_id, sku, price)`
 * sharded by hash(order_id).
 */

/**
 * Parameters shared by every connection of one run.
 * @typedef {object} WorkloadParams
 * @property {number} [keyCount] point selects read ids 1..keyCount (they must exist)
 * @property {number} [idBase] inserts write ids from here up, a disjoint range per connection
 * @property {number} [batchRows] rows per multi-row insert
 */

/** Ids one connection may insert: connection `slot` owns [idBase + slot·10⁸, idBase + (slot+1)·10⁸). */
const ID_RANGE = 100_000_000;

/** @typedef {(seq: number) => Promise<number>} Operation */

/**
 * The workloads: `(conn, slot, params) => Operation`, where `conn` is a mysql2/promise connection
 * and `slot` numbers the connection across all client processes of a run.
 * @type {Record<string, (conn: import('mysql2/promise').Connection, slot: number, params: WorkloadParams) => Operation>}
 */
export const workloads = {
  /** A primary-key lookup on the sharded customer table, spread over ids 1..keyCount. */
  'point-select': (conn, slot, { keyCount = 1 }) => async (seq) => {
    const id = 1 + ((seq * 7919 + slot * 104_729) % keyCount);
    const [rows] = /** @type {[unknown[], unknown]} */ (await conn.query(`select email from customer where customer_id = ${id}`));
    if (rows.length !== 1) throw new Error(`point select of customer ${id} returned ${rows.length} rows`);
    return 1;
  },

  /** One autocommit single-row insert into the sharded customer table. */
  insert: (conn, slot, { idBase = 1 }) => async (seq) => {
    const id = idBase + slot * ID_RANGE + seq;
    const [res] = /** @type {[import('mysql2').ResultSetHeader, unknown]} */ (await conn.query(`insert into customer(customer_id, email) values (${id}, 'user${id}@example.com')`));
    if (res.affectedRows !== 1) throw new Error(`insert of customer ${id} affected ${res.affectedRows} rows`);
    return 1;
  },

  /** One autocommit insert of `batchRows` rows into the sharded corder table. */
  'multi-insert': (conn, slot, { idBase = 1, batchRows = 1000 }) => async (seq) => {
    const first = idBase + slot * ID_RANGE + seq * batchRows;
    const tuples = new Array(batchRows);
    for (let i = 0; i < batchRows; i++) tuples[i] = `(${first + i}, ${(first + i) % 10_007}, 'SKU-${i % 100}', ${i})`;
    const [res] = /** @type {[import('mysql2').ResultSetHeader, unknown]} */ (await conn.query(`insert into corder(order_id, customer_id, sku, price) values ${tuples.join(', ')}`));
    if (res.affectedRows !== batchRows) throw new Error(`multi-row insert affected ${res.affectedRows} of ${batchRows} rows`);
    return batchRows;
  },

  /** A point-select-shaped query for a server whose handler answers anything with one row. */
  trivial: (conn, slot) => async (seq) => {
    const [rows] = /** @type {[unknown[], unknown]} */ (await conn.query(`select id, name from customer where id = ${slot * ID_RANGE + seq}`));
    if (rows.length !== 1) throw new Error(`trivial query returned ${rows.length} rows`);
    return 1;
  },
};
