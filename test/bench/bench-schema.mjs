/**
 * The benchmark cluster's schema directory, in `vtsim up --schema-dir` layout
 * (`<dir>/<keyspace>/*.sql` and `vschema.json`): an unsharded `commerce` keyspace as in the local
 * example, and a `customer` keyspace whose tables are sharded by hash of their primary key.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The keyspaces of the bench cluster and their shard counts, in `vtsim up` flag order. */
export const BENCH_KEYSPACES = [
  { name: 'commerce', shards: 1 },
  { name: 'customer', shards: 2 },
];

const files = {
  commerce: {
    'create.sql': 'create table product(sku varbinary(128), description varbinary(128), price bigint, primary key(sku));\n',
  },
  customer: {
    'create.sql':
      'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id));\n' +
      'create table corder(order_id bigint not null, customer_id bigint, sku varbinary(128), price bigint, primary key(order_id));\n',
    'vschema.json': JSON.stringify({
      sharded: true,
      vindexes: { hash: { type: 'hash' } },
      tables: {
        customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] },
        corder: { column_vindexes: [{ column: 'order_id', name: 'hash' }] },
      },
    }),
  },
};

/** Writes the schema directory under `dir` (created if missing). */
export function writeBenchSchema(dir) {
  for (const [keyspace, byName] of Object.entries(files)) {
    mkdirSync(join(dir, keyspace), { recursive: true });
    for (const [name, text] of Object.entries(byName)) writeFileSync(join(dir, keyspace, name), text);
  }
}

/** The same schema as SQL and VSchema objects, for in-process clusters: `{ keyspace: { sql, vschema? } }`. */
export function benchSchema() {
  return Object.fromEntries(
    Object.entries(files).map(([ks, f]) => [ks, { sql: f['create.sql'], vschema: f['vschema.json'] && JSON.parse(f['vschema.json']) }]),
  );
}
