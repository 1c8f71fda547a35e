/** The local example's documented client output (local-example.md §8), shared by the e2e tests. */

/** `mysql --table < select_commerce_data.sql` after insert_commerce_data.sql, as the v22 docs print it. */
export const SELECT_COMMERCE_OUTPUT = `Using commerce
Customer
+-------------+--------------------+
| customer_id | email              |
+-------------+--------------------+
|           1 | alice@domain.com   |
|           2 | bob@domain.com     |
|           3 | charlie@domain.com |
|           4 | dan@domain.com     |
|           5 | eve@domain.com     |
+-------------+--------------------+
Product
+----------+-------------+-------+
| sku      | description | price |
+----------+-------------+-------+
| SKU-1001 | Monitor     |   100 |
| SKU-1002 | Keyboard    |    30 |
+----------+-------------+-------+
COrder
+----------+-------------+----------+-------+
| order_id | customer_id | sku      | price |
+----------+-------------+----------+-------+
|        1 |           1 | SKU-1001 |   100 |
|        2 |           2 | SKU-1002 |    30 |
|        3 |           3 | SKU-1002 |    30 |
|        4 |           4 | SKU-1002 |    30 |
|        5 |           5 | SKU-1002 |    30 |
+----------+-------------+----------+-------+
`;

const customersTable = (ids: number[]) => {
  const emails: Record<number, string> = { 1: 'alice@domain.com', 2: 'bob@domain.com', 3: 'charlie@domain.com', 4: 'dan@domain.com', 5: 'eve@domain.com' };
  const width = Math.max(5, ...ids.map((id) => emails[id]!.length));
  const rule = `+-------------+-${'-'.repeat(width)}-+`;
  return [rule, `| customer_id | ${'email'.padEnd(width)} |`, rule, ...ids.map((id) => `| ${String(id).padStart(11)} | ${emails[id]!.padEnd(width)} |`), rule].join('\n');
};

const ordersTable = (ids: number[]) => {
  const rule = '+----------+-------------+----------+-------+';
  const sku = (id: number) => (id === 1 ? 'SKU-1001' : 'SKU-1002');
  const price = (id: number) => (id === 1 ? 100 : 30);
  return [rule, '| order_id | customer_id | sku      | price |', rule,
    ...ids.map((id) => `| ${String(id).padStart(8)} | ${String(id).padStart(11)} | ${sku(id)} | ${String(price(id)).padStart(5)} |`), rule].join('\n');
};

/** `mysql --table < select_customer<shard>_data.sql` for a shard holding these customers (and their orders, same ids). */
export function selectCustomerOutput(shard: string, ids: number[]): string {
  return `Using customer/${shard}\nCustomer\n${customersTable(ids)}\nCOrder\n${ordersTable(ids)}\n`;
}
