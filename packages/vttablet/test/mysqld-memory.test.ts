// What a mysqld's memory holds on to (issue 9, bounded memory): a committed table version is
// freed once no open transaction or snapshot can see it, and a deleted row once the binlog has
// purged the events that carry its image. Checked with weak references and a forced full GC.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Mysqld, MysqlSession } from '../src/mysqld/mysqld.js';
import { newServer, run } from './mysqld-fixture.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Whether the object behind `ref` is gone after a full GC (run in a later task: a WeakRef's target lives out the task that made or read it). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return ref.deref() === undefined;
}

/** A server whose `customer` table has `n` rows, ids 1..n, inserted in one transaction. */
function serverWithRows(n: number): { mysqld: Mysqld; session: MysqlSession } {
  const { mysqld, session } = newServer();
  run(session, 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id))');
  const tuples = Array.from({ length: n }, (_, i) => `(${i + 1}, 'user${i + 1}@example.com')`);
  run(session, `insert into customer(customer_id, email) values ${tuples.join(', ')}`);
  return { mysqld, session };
}

/** A weak reference to the committed version of `customer` now. */
function currentVersion(mysqld: Mysqld): WeakRef<object> {
  return new WeakRef(mysqld.catalog.table('vt_commerce', 'customer').data);
}

describe('mysqld memory', () => {
  it('frees a committed table version once nothing can see it', async () => {
    const { mysqld, session } = serverWithRows(1000);
    const old = currentVersion(mysqld);
    run(session, 'delete from customer where customer_id <= 1000');
    expect(await collected(old)).toBe(true);
    const emptied = currentVersion(mysqld);
    run(session, 'insert into customer values (1, null)');
    expect(await collected(emptied)).toBe(true);
  });

  it('keeps the version a snapshot took until the snapshot is dropped', async () => {
    const { mysqld, session } = serverWithRows(1000);
    const old = currentVersion(mysqld);
    let snapshot = mysqld.snapshot();
    run(session, 'delete from customer where customer_id <= 1000');
    expect(await collected(old)).toBe(false);
    expect([...snapshot.scan('vt_commerce', 'customer')]).toHaveLength(1000);
    snapshot = mysqld.snapshot();
    expect([...snapshot.scan('vt_commerce', 'customer')]).toHaveLength(0);
    expect(await collected(old)).toBe(true);
  });

  it('keeps the version an open transaction reads until it ends', async () => {
    const { mysqld, session } = serverWithRows(1000);
    const reader = mysqld.createSession({ database: 'vt_commerce' });
    run(reader, 'begin', 'select count(*) from customer');
    const old = currentVersion(mysqld);
    run(session, 'delete from customer where customer_id <= 1000');
    expect(await collected(old)).toBe(false);
    expect(reader.execute('select count(*) from customer').rows).toEqual([[1000n]]);
    run(reader, 'commit');
    expect(await collected(old)).toBe(true);
  });

  it('frees a deleted row once the binlog has purged the events carrying its image', async () => {
    const { mysqld, session } = serverWithRows(10);
    const row = new WeakRef(mysqld.catalog.table('vt_commerce', 'customer').data.get([5n])!);
    run(session, 'delete from customer where customer_id = 5');
    run(session, 'insert into customer values (11, null)');
    expect(await collected(row)).toBe(false);
    mysqld.binlog.purge(1);
    expect(await collected(row)).toBe(true);
  });
});
