import { describe, expect, it } from 'vitest';
import { COMMERCE_SCHEMA, newServer, rowsOf, run } from './mysqld-fixture.js';

describe('mysqld: the local example', () => {
  it('creates the commerce schema, inserts the data and selects it back', () => {
    const { mysqld, session } = newServer();
    run(session, ...COMMERCE_SCHEMA);
    run(
      session,
      "insert into customer(email) values('alice@domain.com')",
      "insert into customer(email) values('bob@domain.com')",
      "insert into customer(email) values('charlie@domain.com')",
      "insert into customer(email) values('dan@domain.com')",
      "insert into customer(email) values('eve@domain.com')",
      "insert into product(sku, description, price) values('SKU-1001', 'Monitor', 100)",
      "insert into product(sku, description, price) values('SKU-1002', 'Keyboard', 30)",
      "insert into corder(customer_id, sku, price) values(1, 'SKU-1001', 100)",
      "insert into corder(customer_id, sku, price) values(2, 'SKU-1002', 30)",
      "insert into corder(customer_id, sku, price) values(3, 'SKU-1002', 30)",
      "insert into corder(customer_id, sku, price) values(4, 'SKU-1002', 30)",
      "insert into corder(customer_id, sku, price) values(5, 'SKU-1002', 30)",
    );
    expect(rowsOf(session, 'select * from customer')).toEqual([
      ['1', 'alice@domain.com'],
      ['2', 'bob@domain.com'],
      ['3', 'charlie@domain.com'],
      ['4', 'dan@domain.com'],
      ['5', 'eve@domain.com'],
    ]);
    expect(rowsOf(session, 'select * from product')).toEqual([
      ['SKU-1001', 'Monitor', '100'],
      ['SKU-1002', 'Keyboard', '30'],
    ]);
    expect(rowsOf(session, 'select * from corder')).toEqual([
      ['1', '1', 'SKU-1001', '100'],
      ['2', '2', 'SKU-1002', '30'],
      ['3', '3', 'SKU-1002', '30'],
      ['4', '4', 'SKU-1002', '30'],
      ['5', '5', 'SKU-1002', '30'],
    ]);
    // 3 DDL + 12 inserts, each its own GTID.
    expect(mysqld.gtidExecuted().toString()).toBe('060a409d-8e10-11eb-9bb5-04ed332e05c2:1-15');
  });

  it('gives customer the field flags of the VStream example, before and after the reshard ALTER', () => {
    const { mysqld, session } = newServer();
    run(session, ...COMMERCE_SCHEMA);
    const before = mysqld.tableMap('vt_commerce', 'customer')!;
    expect(before.fields[0]).toMatchObject({
      name: 'customer_id', type: 265, table: 'customer', org_table: 'customer', database: 'vt_commerce',
      org_name: 'customer_id', column_length: 20, charset: 63, flags: 49667, column_type: 'bigint',
    });
    expect(before.fields[1]).toMatchObject({ name: 'email', type: 10262, column_length: 128, charset: 63, flags: 128, column_type: 'varbinary(128)' });
    expect(before.pkColumns).toEqual([0]);
    expect(mysqld.tableMap('vt_commerce', 'customer')).toBe(before);

    session.execute('alter table customer change customer_id customer_id bigint not null');
    const after = mysqld.tableMap('vt_commerce', 'customer')!;
    expect(after.id).not.toBe(before.id);
    expect(after.fields[0]!.flags).toBe(53251);
    const last = mysqld.binlog.transactionAt(mysqld.binlog.length - 1);
    expect(last.events).toEqual([
      { kind: 'ddl', database: 'vt_commerce', statement: 'alter table customer change customer_id customer_id bigint not null' },
    ]);
  });

  it('serves Vitess sequences with tablet-side caching', () => {
    const { mysqld, session } = newServer();
    run(
      session,
      "create table customer_seq(id int, next_id bigint, cache bigint, primary key(id)) comment 'vitess_sequence'",
      'insert into customer_seq(id, next_id, cache) values(0, 1000, 100)',
    );
    const start = mysqld.binlog.length;
    const r = session.execute('select next :n values from customer_seq', { n: 1n });
    expect(r.fields.map((f) => f.name)).toEqual(['nextval']);
    expect(r.rows).toEqual([[1000n]]);
    expect(session.execute('select next 1 values from customer_seq').rows).toEqual([[1001n]]);
    expect(session.execute('select next :n values from customer_seq', { n: 5n }).rows).toEqual([[1002n]]);
    // One refill transaction reserved 1000..1099.
    expect(mysqld.binlog.length).toBe(start + 1);
    expect(rowsOf(session, 'select next_id from customer_seq where id = 0')).toEqual([['1100']]);
    expect(session.execute('select next :n values from customer_seq', { n: 200n }).rows).toEqual([[1007n]]);
    expect(rowsOf(session, 'select next_id from customer_seq where id = 0')).toEqual([['1300']]);
    expect(mysqld.binlog.length).toBe(start + 2);
  });
});
