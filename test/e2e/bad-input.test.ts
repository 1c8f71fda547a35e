// Issue 2's bad-input criterion, through the whole stack with vtgate on a real port: each kind of
// bad input gets a clear MySQL error (or a closed connection), a bystander client keeps being
// served, and nothing partial reaches a primary's binlog — checked on the binlog itself, before and after.
import { connect, type Socket } from 'node:net';
import type { Connection } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startScenario, type BinlogMark, type Scenario } from '../harness/scenario.js';

const COMMERCE_SCHEMA = `
create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id));
create table blobs(id bigint not null, payload longblob, primary key(id));
insert into customer(customer_id, email) values (1, 'alice@domain.com'), (2, 'bob@domain.com');`;

const CUSTOMER_VSCHEMA = { sharded: true, vindexes: { hash: { type: 'hash' } }, tables: { customer: { column_vindexes: [{ column: 'customer_id', name: 'hash' }] } } };

/** Resolves with the MySQL error a promise rejects with; fails the test if it resolves. */
async function mysqlError(p: Promise<unknown>): Promise<{ errno: number; sqlState: string; sqlMessage: string }> {
  try {
    await p;
  } catch (err) {
    return err as { errno: number; sqlState: string; sqlMessage: string };
  }
  throw new Error('expected a MySQL error');
}

/** Resolves once the socket has closed; rejects after `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('bad input through vtgate', () => {
  let s: Scenario;
  let bystander: Connection;
  let marks: BinlogMark[];

  beforeAll(async () => {
    s = await startScenario({
      keyspaces: {
        commerce: { shards: { '0': [100, 101, 102] }, schema: COMMERCE_SCHEMA },
        customer: {
          shards: { '-80': [300, 301], '80-': [400, 401] },
          schema: 'create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id))',
          vschema: CUSTOMER_VSCHEMA,
        },
      },
    });
    bystander = await s.connect('commerce');
  });
  afterAll(async () => {
    await s?.close();
  });

  const markAll = () => {
    marks = [s.binlogMark('commerce', '0'), s.binlogMark('customer', '-80'), s.binlogMark('customer', '80-')];
  };
  const expectNothingLogged = () => {
    for (const mark of marks) s.expectBinlogUnchanged(mark);
  };
  afterEach(async () => {
    // The server keeps serving the client that did nothing wrong, and every replica keeps up.
    const [rows] = await bystander.query({ sql: 'select count(*) from customer', rowsAsArray: true });
    expect(rows).toEqual([[2]]);
    await s.expectReplicasCaughtUp();
  });

  it('answers syntax errors, unknown tables and unknown columns with 1064, 1146 and 1054', async () => {
    markAll();
    const conn = await s.connect('commerce');
    expect(await mysqlError(conn.query('selec * from customer'))).toMatchObject({ errno: 1064, sqlState: '42000' });
    expect(await mysqlError(conn.query('insert into customer values (3, ')).then((e) => e.errno)).toBe(1064);
    const table = await mysqlError(conn.query('select * from nosuch'));
    expect(table).toMatchObject({ errno: 1146, sqlState: '42S02' });
    expect(table.sqlMessage).toContain("Table 'vt_commerce.nosuch' doesn't exist");
    expect(await mysqlError(conn.query("insert into nosuch values (1)")).then((e) => e.errno)).toBe(1146);
    const column = await mysqlError(conn.query('select nosuch from customer'));
    expect(column).toMatchObject({ errno: 1054, sqlState: '42S22' });
    expect(column.sqlMessage).toContain("Unknown column 'nosuch'");
    expect(await mysqlError(conn.query("update customer set nosuch = 1 where customer_id = 1")).then((e) => e.errno)).toBe(1054);
    expect(await mysqlError(conn.query('select * from customer where', [])).then((e) => e.errno)).toBe(1064);
    // The same connection is still usable.
    const [rows] = await conn.query({ sql: 'select email from customer where customer_id = 2', rowsAsArray: true });
    expect(rows).toEqual([[Buffer.from('bob@domain.com')]]);
    await conn.end();
    expectNothingLogged();
  });

  it('rejects a duplicate key with 1062 and logs no part of the failed statement', async () => {
    markAll();
    const conn = await s.connect('commerce');
    const dup = await mysqlError(conn.query("insert into customer(customer_id, email) values (700, 'a'), (701, 'b'), (1, 'dup')"));
    expect(dup).toMatchObject({ errno: 1062, sqlState: '23000' });
    expect(dup.sqlMessage).toContain("Duplicate entry '1' for key");
    expectNothingLogged();
    expect(await s.mysql('select count(*) from customer where customer_id >= 700', 'commerce')).toEqual([['0']]);

    // Inside a transaction the failed statement is undone alone; the transaction commits what came before.
    await conn.beginTransaction();
    await conn.query("insert into customer(customer_id, email) values (710, 'kept')");
    expect((await mysqlError(conn.query("insert into customer(customer_id, email) values (711, 'x'), (2, 'dup')"))).errno).toBe(1062);
    await conn.commit();
    const [tx] = s.transactionsSince(marks[0]!);
    expect(s.transactionsSince(marks[0]!)).toHaveLength(1);
    expect(tx!.events).toHaveLength(1);
    expect(tx!.events[0]).toMatchObject({ kind: 'rows', changes: [{ after: [710n, Buffer.from('kept')] }] });
    await conn.query('delete from customer where customer_id = 710');
    await conn.end();
  });

  it('rolls back the open transaction of a client that disconnects mid-transaction', async () => {
    markAll();
    const quitter = await s.connect('commerce');
    await quitter.beginTransaction();
    await quitter.query("insert into customer(customer_id, email) values (800, 'never committed')");
    await quitter.query("update customer set email = 'never committed' where customer_id = 1");
    const sharded = await s.connect('customer');
    await sharded.beginTransaction();
    await sharded.query("insert into customer(customer_id, email) values (1, 'low'), (4, 'high')");
    // Both sockets vanish without COM_QUIT, as when a client process is killed.
    quitter.destroy();
    sharded.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expectNothingLogged();
    expect(await s.mysql('select email from customer where customer_id in (1, 800)', 'commerce')).toEqual([['alice@domain.com']]);
    expect(await s.mysql('select count(*) from customer', 'customer')).toEqual([['0']]);
    // The rows were not left locked or half-written: another client writes the same keys.
    const next = await s.connect('customer');
    await next.query("insert into customer(customer_id, email) values (1, 'low'), (4, 'high')");
    expect(s.transactionsSince(marks[1]!)).toHaveLength(1);
    expect(s.transactionsSince(marks[2]!)).toHaveLength(1);
    await next.query('delete from customer');
    await next.end();
  });

  it('executes a 20 MB statement (split over two MySQL packets) and replicates it', async () => {
    markAll();
    const conn = await s.connect('commerce');
    const payload = 'x'.repeat(20 * 1024 * 1024);
    const [res] = await conn.query(`insert into blobs(id, payload) values (1, '${payload}')`);
    expect(res).toMatchObject({ affectedRows: 1 });
    expect(s.transactionsSince(marks[0]!)).toHaveLength(1);
    const [rows] = await conn.query({ sql: 'select length(payload), payload = repeat(\'x\', 20971520) from blobs', rowsAsArray: true });
    expect(rows).toEqual([[20 * 1024 * 1024, 1]]);
    await s.expectReplicasCaughtUp();
    await conn.query('delete from blobs');
    await conn.end();
  });

  it('refuses a statement over max_allowed_packet (64 MB) with 1153, closes that connection, logs nothing', async () => {
    markAll();
    const conn = await s.connect('commerce');
    const err = await mysqlError(conn.query(`insert into blobs(id, payload) values (2, '${'y'.repeat(65 * 1024 * 1024)}')`));
    expect(err).toMatchObject({ errno: 1153, sqlState: '08S01' });
    expect(err.sqlMessage).toBe("Got a packet bigger than 'max_allowed_packet' bytes");
    expectNothingLogged();
  });

  it('closes connections that send garbage instead of a handshake', async () => {
    markAll();
    const garbage = [
      Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'),
      Buffer.from([0x08, 0x00, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x00, 0xff]),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)),
    ];
    for (const bytes of garbage) {
      const socket = connect(s.port, '127.0.0.1');
      let received = Buffer.alloc(0);
      socket.on('data', (d: Buffer) => {
        received = Buffer.concat([received, d]);
        if (received.length > 4 && !socket.writableEnded) socket.write(bytes);
      });
      socket.on('error', () => {});
      await closedWithin(socket, 2000);
      // The greeting (protocol 10), then an ERR packet: 1043 (08S01) Bad handshake, then the close.
      expect(received[4]).toBe(0x0a);
      const greetingLength = received.readUIntLE(0, 3) + 4;
      expect(received.subarray(greetingLength + 4).toString('latin1')).toBe('\xff\x13\x04#08S01Bad handshake');
    }
    expectNothingLogged();
  });

  it('answers an unknown command byte after login with 1047 and keeps serving', async () => {
    markAll();
    const conn = await s.connect('commerce');
    const failed = new Promise<{ errno?: number; message: string }>((resolve) => conn.on('error', resolve));
    const stream = (conn as unknown as { connection: { stream: Socket } }).connection.stream;
    stream.write(Buffer.from([0x05, 0x00, 0x00, 0x00, 0xfe, 0xde, 0xad, 0xbe, 0xef]));
    expect(await failed).toMatchObject({ code: 1047, message: 'Unknown command', fatal: true });
    expectNothingLogged();
  });
});
