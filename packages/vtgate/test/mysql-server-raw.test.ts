// The MySQL server driven byte by byte over raw sockets: the handshake and auth switch, EOF with
// and without CLIENT_DEPRECATE_EOF, the less common commands, pipelining, backpressure, and
// misbehaving clients (garbage, truncated and oversize packets, abrupt disconnects).
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthServerStatic } from '../src/mysql-server/auth-server-static.js';
import type { MysqlServer } from '../src/mysql-server/mysql-server.js';
import { scrambleNativePassword } from '../src/mysql-server/mysql-native-password.js';
import { type FixtureHandler, startFixtureServer, waitFor } from './mysql-server-fixture.js';

const CLIENT = {
  LONG_PASSWORD: 1,
  CONNECT_WITH_DB: 8,
  PROTOCOL_41: 1 << 9,
  TRANSACTIONS: 1 << 13,
  SECURE_CONNECTION: 1 << 15,
  MULTI_STATEMENTS: 1 << 16,
  MULTI_RESULTS: 1 << 17,
  PLUGIN_AUTH: 1 << 19,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 1 << 21,
  DEPRECATE_EOF: 1 << 24,
};
const BASE_CAPS =
  CLIENT.LONG_PASSWORD | CLIENT.PROTOCOL_41 | CLIENT.TRANSACTIONS | CLIENT.SECURE_CONNECTION | CLIENT.MULTI_RESULTS | CLIENT.PLUGIN_AUTH;

interface Packet {
  seq: number;
  payload: Buffer;
}

/** A hand-driven client: frames what it sends and splits what it receives into packets, independently of the server's code. */
class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The next packet from the server; rejects if the socket closes first. */
  async read(): Promise<Packet> {
    for (;;) {
      if (this.buf.length >= 4) {
        const len = this.buf.readUIntLE(0, 3);
        if (this.buf.length >= 4 + len) {
          const p = { seq: this.buf[3]!, payload: this.buf.subarray(4, 4 + len) };
          this.buf = this.buf.subarray(4 + len);
          return p;
        }
      }
      if (this.closed) throw new Error('socket closed');
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Packets up to and including the one `isLast` accepts. */
  async readUntil(isLast: (p: Packet) => boolean): Promise<Packet[]> {
    const out: Packet[] = [];
    for (;;) {
      const p = await this.read();
      out.push(p);
      if (isLast(p)) return out;
    }
  }

  /** Resolves when the server has closed the connection. */
  async closedByServer(): Promise<void> {
    await waitFor(() => this.closed);
  }

  send(seq: number, payload: Buffer): void {
    this.socket.write(frame(seq, payload));
  }

  command(cmd: number, body: string | Buffer = ''): void {
    this.send(0, Buffer.concat([Buffer.from([cmd]), typeof body === 'string' ? Buffer.from(body, 'utf8') : body]));
  }

  /** Reads the greeting and logs in; returns the greeting's payload. */
  async login(caps = BASE_CAPS, plugin = 'mysql_native_password', user = 'root'): Promise<Buffer> {
    const greeting = await this.read();
    this.send(1, handshakeResponse(caps, user, plugin));
    const ok = await this.read();
    expect(ok.payload[0]).toBe(0x00);
    expect(ok.seq).toBe(2);
    return greeting.payload;
  }

  close(): void {
    this.socket.destroy();
  }
}

function frame(seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
}

function handshakeResponse(caps: number, user: string, plugin: string, db = ''): Buffer {
  const fixed = Buffer.alloc(32);
  fixed.writeUInt32LE((caps | (db ? CLIENT.CONNECT_WITH_DB : 0)) >>> 0, 0);
  fixed.writeUInt32LE(1 << 24, 4);
  fixed[8] = 45;
  const parts = [fixed, Buffer.from(`${user}\0`), Buffer.from([20]), Buffer.alloc(20, 7)];
  if (db) parts.push(Buffer.from(`${db}\0`));
  parts.push(Buffer.from(`${plugin}\0`));
  return Buffer.concat(parts);
}


let server: MysqlServer;
let port: number;
let handlers: FixtureHandler[];
let logs: string[];
const clients: RawClient[] = [];

async function start(opts = {}): Promise<void> {
  ({ server, port, handlers, logs } = await startFixtureServer(opts));
}

async function client(): Promise<RawClient> {
  const c = await RawClient.open(port);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
});

describe('MysqlServer over raw sockets', () => {
  it('greets with protocol 10, the version, a 20-byte scramble and mysql_native_password', async () => {
    await start({ serverVersion: '8.0.30-Vitess' });
    const c = await client();
    const g = (await c.read()).payload;
    expect(g[0]).toBe(10);
    const verEnd = g.indexOf(0, 1);
    expect(g.toString('latin1', 1, verEnd)).toBe('8.0.30-Vitess');
    let off = verEnd + 1;
    expect(g.readUInt32LE(off)).toBe(1);
    off += 4 + 8 + 1;
    const capsLow = g.readUInt16LE(off);
    const charset = g[off + 2]!;
    const status = g.readUInt16LE(off + 3);
    const capsHigh = g.readUInt16LE(off + 5);
    const caps = (capsHigh << 16) | capsLow;
    expect(caps & CLIENT.PROTOCOL_41).toBeTruthy();
    expect(caps & CLIENT.DEPRECATE_EOF).toBeTruthy();
    expect(caps & CLIENT.MULTI_STATEMENTS).toBeTruthy();
    expect(caps & (1 << 11)).toBe(0);
    expect(charset).toBe(45);
    expect(status).toBe(2);
    expect(g[off + 7]).toBe(21);
    const part2 = g.subarray(off + 18, off + 18 + 13);
    expect(part2[12]).toBe(0);
    expect(g.toString('latin1', off + 31, g.length - 1)).toBe('mysql_native_password');
    expect(g[g.length - 1]).toBe(0);
  });

  it('switches a caching_sha2_password client to mysql_native_password', async () => {
    await start();
    const c = await client();
    const greeting = await c.read();
    c.send(1, handshakeResponse(BASE_CAPS, 'app', 'caching_sha2_password', 'commerce'));
    const sw = await c.read();
    expect(sw.seq).toBe(2);
    expect(sw.payload[0]).toBe(0xfe);
    expect(sw.payload.toString('latin1', 1, 22)).toBe('mysql_native_password');
    const scramble = sw.payload.subarray(23, 43);
    expect(scramble.length).toBe(20);
    // The same scramble as the greeting's two parts.
    const g = greeting.payload;
    const p1 = g.indexOf(0, 1) + 1 + 4;
    expect(Buffer.concat([g.subarray(p1, p1 + 8), g.subarray(p1 + 27, p1 + 39)])).toEqual(scramble);
    expect(handlers).toHaveLength(0);
    c.send(3, Buffer.alloc(20, 1));
    const ok = await c.read();
    expect(ok).toMatchObject({ seq: 4 });
    expect(ok.payload[0]).toBe(0);
    expect(handlers[0]!.info).toMatchObject({ user: 'app', database: 'commerce' });
  });

  it('ends a result set with EOF packets, or with an OK packet under CLIENT_DEPRECATE_EOF', async () => {
    await start();
    const old = await client();
    await old.login();
    old.command(0x03, 'rows 2');
    const a = await old.readUntil((p) => p.payload[0] === 0xfe && p.seq > 4);
    expect(a.map((p) => [p.seq, p.payload[0]])).toEqual([
      [1, 2],
      [2, 3],
      [3, 3],
      [4, 0xfe],
      [5, 1],
      [6, 1],
      [7, 0xfe],
    ]);
    expect(a[6]!.payload).toEqual(Buffer.from([0xfe, 0, 0, 2, 0]));
    expect(a[4]!.payload).toEqual(Buffer.from('\x011\x06name-1', 'latin1'));

    const modern = await client();
    await modern.login(BASE_CAPS | CLIENT.DEPRECATE_EOF);
    modern.command(0x03, 'rows 2');
    const b = await modern.readUntil((p) => p.payload[0] === 0xfe);
    expect(b.map((p) => [p.seq, p.payload[0]])).toEqual([
      [1, 2],
      [2, 3],
      [3, 3],
      [4, 1],
      [5, 1],
      [6, 0xfe],
    ]);
    expect(b[5]!.payload).toEqual(Buffer.from([0xfe, 0, 0, 2, 0, 0, 0]));
  });

  it('sends MORE_RESULTS_EXISTS on every result but the last of a multi-statement query', async () => {
    await start();
    const c = await client();
    await c.login(BASE_CAPS | CLIENT.MULTI_STATEMENTS | CLIENT.DEPRECATE_EOF);
    c.command(0x03, 'insert into t values (1); rows 1; begin');
    const ok1 = await c.read();
    expect(ok1.payload[0]).toBe(0);
    expect(ok1.payload.readUInt16LE(3)).toBe(0x0008 | 0x0002);
    const rs = await c.readUntil((p) => p.payload[0] === 0xfe);
    expect(rs).toHaveLength(5);
    expect(rs[4]!.payload.readUInt16LE(3)).toBe(0x0008 | 0x0002);
    const ok3 = await c.read();
    expect(ok3.payload.readUInt16LE(3)).toBe(0x0002 | 0x0001);
    expect(ok3.seq).toBe(ok1.seq + rs.length + 1);
  });

  it('runs multi-statement text only after COM_SET_OPTION turns it on', async () => {
    await start();
    const c = await client();
    await c.login();
    c.command(0x03, 'begin; commit');
    expect((await c.read()).payload.readUInt16LE(1)).toBe(1064);
    c.command(0x1b, Buffer.from([0, 0]));
    expect((await c.read()).payload).toEqual(Buffer.from([0xfe, 0, 0, 2, 0]));
    c.command(0x03, 'begin; commit');
    expect((await c.read()).payload.readUInt16LE(3)).toBe(0x0008 | 0x0002 | 0x0001);
    expect((await c.read()).payload.readUInt16LE(3)).toBe(0x0002);
    c.command(0x1b, Buffer.from([1, 0]));
    await c.read();
    c.command(0x03, 'begin; commit');
    expect((await c.read()).payload.readUInt16LE(1)).toBe(1064);
    expect(handlers[0]!.calls).toEqual(['begin', 'commit']);
  });

  it('answers COM_INIT_DB, COM_PING, COM_FIELD_LIST, COM_STATISTICS and unknown commands', async () => {
    await start();
    const c = await client();
    await c.login();
    c.command(0x02, 'customer');
    expect((await c.read()).payload[0]).toBe(0);
    c.command(0x02, 'nosuchdb');
    const err = (await c.read()).payload;
    expect([err[0], err.readUInt16LE(1), err.toString('latin1', 3, 9), err.toString('utf8', 9)]).toEqual([
      0xff,
      1049,
      '#42000',
      "Unknown database 'nosuchdb'",
    ]);
    c.command(0x0e);
    expect((await c.read()).payload[0]).toBe(0);
    c.command(0x04, 't\0');
    expect((await c.read()).payload).toEqual(Buffer.from([0xfe, 0, 0, 2, 0]));
    c.command(0x09);
    expect((await c.read()).payload.toString()).toMatch(/^Uptime: \d+  Threads: 1  Questions: 0 /);
    c.command(0x20);
    const unknown = (await c.read()).payload;
    expect([unknown.readUInt16LE(1), unknown.toString('utf8', 9)]).toEqual([1047, 'Unknown command']);
    expect(handlers[0]!.calls).toEqual(['useDatabase customer', 'useDatabase nosuchdb']);
  });

  it('prepares, takes long data, executes, resets and closes statements', async () => {
    await start();
    const c = await client();
    await c.login(BASE_CAPS | CLIENT.DEPRECATE_EOF);
    c.command(0x16, "select ?, '?', ? -- ?");
    const prep = await c.readUntil((p) => p.seq === 3);
    expect(prep[0]!.payload).toEqual(Buffer.from([0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0]));
    expect(prep[1]!.payload.includes(Buffer.from('\x01?'))).toBe(true);
    const id = Buffer.from([1, 0, 0, 0]);
    c.command(0x18, Buffer.concat([id, Buffer.from([1, 0]), Buffer.from('long ')]));
    c.command(0x18, Buffer.concat([id, Buffer.from([1, 0]), Buffer.from('data')]));
    // Parameter 0: LONGLONG -2; parameter 1: VAR_STRING sent as long data.
    const params = Buffer.concat([Buffer.from([0]), Buffer.from([1]), Buffer.from([8, 0, 253, 0]), Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]);
    c.command(0x17, Buffer.concat([id, Buffer.from([0, 1, 0, 0, 0]), params]));
    const res = await c.readUntil((p) => p.payload[0] === 0xfe);
    expect(handlers[0]!.calls).toEqual(["select -2, '?', 'long data' -- ?"]);
    const text = "select -2, '?', 'long data' -- ?";
    // A binary row: header 0x00, NULL bitmap (none), the length-encoded value.
    expect(res[2]!.payload).toEqual(Buffer.concat([Buffer.from([0, 0, text.length]), Buffer.from(text)]));
    // Re-executed without new types: the types of the last execution are reused.
    c.command(0x17, Buffer.concat([id, Buffer.from([0, 1, 0, 0, 0]), Buffer.from([0b10, 0]), Buffer.from([7, 0, 0, 0, 0, 0, 0, 0])]));
    await c.readUntil((p) => p.payload[0] === 0xfe);
    expect(handlers[0]!.calls[1]).toBe("select 7, '?', NULL -- ?");
    c.command(0x1a, id);
    expect((await c.read()).payload[0]).toBe(0);
    c.command(0x19, id);
    c.command(0x17, Buffer.concat([id, Buffer.from([0, 1, 0, 0, 0])]));
    const gone = (await c.read()).payload;
    expect([gone.readUInt16LE(1), gone.toString('utf8', 9)]).toEqual([1243, 'Unknown prepared statement handler (1) given to mysqld_stmt_execute']);
    c.command(0x0e);
    const pong = await c.read();
    expect([pong.seq, pong.payload[0]]).toEqual([1, 0]);
  });

  it('answers unreadable execute parameters with ERR 1210 and keeps the connection', async () => {
    await start();
    const c = await client();
    await c.login();
    c.command(0x16, 'select ?');
    await c.readUntil((p) => p.payload[0] === 0xfe);
    const id = Buffer.from([1, 0, 0, 0]);
    c.command(0x17, Buffer.concat([id, Buffer.from([0, 1, 0, 0, 0]), Buffer.from([0, 0])]));
    expect((await c.read()).payload.readUInt16LE(1)).toBe(1210);
    c.command(0x17, Buffer.concat([id, Buffer.from([0, 1, 0, 0, 0]), Buffer.from([0, 1, 0x99, 0])]));
    expect((await c.read()).payload.readUInt16LE(1)).toBe(1210);
    c.command(0x17, Buffer.concat([id, Buffer.from([0, 1, 0, 0, 0]), Buffer.from([0, 1, 8, 0, 1, 2])]));
    expect((await c.read()).payload.readUInt16LE(1)).toBe(1210);
    c.command(0x1c, Buffer.concat([id, Buffer.from([1, 0, 0, 0])]));
    expect((await c.read()).payload.readUInt16LE(1)).toBe(1295);
    c.command(0x0e);
    expect((await c.read()).payload[0]).toBe(0);
    expect(handlers[0]!.calls).toEqual([]);
  });

  it('resets the session on COM_RESET_CONNECTION and closes it on COM_QUIT', async () => {
    await start();
    const c = await client();
    await c.login();
    c.command(0x03, 'begin');
    await c.read();
    c.command(0x1f);
    const ok = (await c.read()).payload;
    expect([ok[0], ok.readUInt16LE(3)]).toEqual([0, 0x0002]);
    expect(handlers.map((h) => h.closed)).toEqual([1, 0]);
    c.command(0x01);
    await c.closedByServer();
    expect(handlers.map((h) => h.closed)).toEqual([1, 1]);
    await waitFor(() => server.connectionCount === 0);
  });

  it('answers pipelined commands in order', async () => {
    await start();
    const c = await client();
    await c.login();
    c.socket.write(Buffer.concat([frame(0, Buffer.from('\x03echo a')), frame(0, Buffer.from('\x03boom')), frame(0, Buffer.from('\x03echo b'))]));
    const first = await c.readUntil((p) => p.payload[0] === 0xfe && p.seq > 3);
    expect(first[3]!.payload.toString()).toBe('\x01a');
    expect((await c.read()).payload.readUInt16LE(1)).toBe(1105);
    const third = await c.readUntil((p) => p.payload[0] === 0xfe && p.seq > 3);
    expect(third[3]!.payload.toString()).toBe('\x01b');
  });

  it('waits for the client to read a large result before running its next command (backpressure)', async () => {
    await start();
    const c = await client();
    await c.login(BASE_CAPS | CLIENT.DEPRECATE_EOF);
    c.socket.pause();
    c.socket.write(Buffer.concat([frame(0, Buffer.from('\x03rows 400000')), frame(0, Buffer.from('\x03echo after'))]));
    await waitFor(() => handlers[0]!.calls.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(handlers[0]!.calls).toEqual(['rows 400000']);
    c.socket.resume();
    const rows = await c.readUntil((p) => p.payload[0] === 0xfe && p.payload.length < 9);
    expect(rows).toHaveLength(1 + 2 + 400000 + 1);
    expect(rows[400002]!.payload.toString('latin1')).toBe('\x06400000\x0bname-400000');
    const echo = await c.readUntil((p) => p.payload[0] === 0xfe && p.payload.length < 9);
    expect(echo[2]!.payload.toString()).toBe('\x05after');
  });

  it('closes a connection that sends garbage instead of a handshake, and keeps serving others', async () => {
    await start();
    const c = await client();
    await c.read();
    c.socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const err = await c.read();
    expect([err.payload[0], err.payload.readUInt16LE(1), err.payload.toString('utf8', 9)]).toEqual([0xff, 1043, 'Bad handshake']);
    await c.closedByServer();
    expect(logs.join('\n')).toMatch(/connection 1: .*max_allowed_packet/);

    const d = await client();
    await d.read();
    d.send(1, Buffer.from([1, 2, 3]));
    expect((await d.read()).payload.readUInt16LE(1)).toBe(1043);
    await d.closedByServer();
    expect(logs.at(-1)).toMatch(/connection 2: malformed packet/);

    const ok = await client();
    await ok.login();
    ok.command(0x03, 'echo still serving');
    const res = await ok.readUntil((p) => p.payload[0] === 0xfe && p.seq > 3);
    expect(res[3]!.payload.toString()).toBe('\x0dstill serving');
    expect(handlers).toHaveLength(1);
  });

  it('closes a connection whose command packet is malformed', async () => {
    await start();
    const c = await client();
    await c.login();
    c.command(0x11, 'no-terminator');
    await c.closedByServer();
    expect(logs.at(-1)).toMatch(/malformed packet/);
    expect(handlers[0]!.closed).toBe(1);
  });

  it('logs a packet cut short by a disconnect and closes the handler', async () => {
    await start();
    const c = await client();
    await c.login();
    const partial = frame(0, Buffer.from('\x03rows 100'));
    c.socket.end(partial.subarray(0, 7));
    await waitFor(() => handlers[0]!.closed === 1);
    expect(logs.at(-1)).toMatch(/closed in the middle of a packet/);
    expect(handlers[0]!.calls).toEqual([]);
  });

  it("refuses a packet bigger than max_allowed_packet with ERR 1153 and closes", async () => {
    await start({ maxAllowedPacket: 1024 });
    const c = await client();
    await c.login();
    c.command(0x03, `echo ${'x'.repeat(1000)}`);
    await c.readUntil((p) => p.payload[0] === 0xfe && p.seq > 3);
    c.command(0x03, `echo ${'x'.repeat(2000)}`);
    const err = await c.read();
    expect([err.seq, err.payload.readUInt16LE(1), err.payload.toString('latin1', 3, 9), err.payload.toString('utf8', 9)]).toEqual([
      1,
      1153,
      '#08S01',
      "Got a packet bigger than 'max_allowed_packet' bytes",
    ]);
    await c.closedByServer();
    expect(handlers[0]!.closed).toBe(1);
    expect(handlers[0]!.calls).toHaveLength(1);
  });

  it('closes the handler of a client that disconnects mid-transaction, during a statement', async () => {
    await start();
    const c = await client();
    await c.login();
    c.command(0x03, 'begin');
    await c.read();
    c.command(0x03, 'hang');
    await waitFor(() => handlers[0]!.hanging.length === 1);
    c.socket.destroy();
    await waitFor(() => handlers[0]!.closed === 1);
    handlers[0]!.hanging[0]!();
    await waitFor(() => server.connectionCount === 0);

    const d = await client();
    await d.login();
    d.command(0x03, 'begin');
    expect((await d.read()).payload.readUInt16LE(3)).toBe(0x0003);
    expect(handlers[0]!.closed).toBe(1);
    expect(handlers[1]!.closed).toBe(0);
  });
});

describe('MysqlServer with the static auth server', () => {
  const auth = () => AuthServerStatic.fromFlags({ string: JSON.stringify({ app: [{ Password: 'pw' }] }) })!;

  /** Logs in as `app` through an auth switch (the client first answers for caching_sha2_password), answering with `password`. */
  async function switchLogin(password: string): Promise<Packet> {
    const c = await client();
    await c.read();
    c.send(1, handshakeResponse(BASE_CAPS, 'app', 'caching_sha2_password'));
    const sw = await c.read();
    expect(sw.payload[0]).toBe(0xfe);
    c.send(3, scrambleNativePassword(sw.payload.subarray(23, 43), password));
    return c.read();
  }

  it('checks the answer to an auth switch against the entry', async () => {
    const authServer = auth();
    await start({ authServer });
    const ok = await switchLogin('pw');
    expect([ok.seq, ok.payload[0]]).toEqual([4, 0x00]);
    const refused = await switchLogin('other');
    expect(refused.seq).toBe(4);
    expect(refused.payload[0]).toBe(0xff);
    expect(refused.payload.readUInt16LE(1)).toBe(1045);
    expect(refused.payload.toString('utf8', 3)).toBe("#28000Access denied for user 'app'");
    expect(handlers).toHaveLength(1);
    authServer.close();
  });

  it('refuses a handshake whose native-password answer is wrong (here: 20 bytes of 7)', async () => {
    const authServer = auth();
    await start({ authServer });
    const c = await client();
    await c.read();
    c.send(1, handshakeResponse(BASE_CAPS, 'app', 'mysql_native_password'));
    const err = await c.read();
    expect(err.payload.readUInt16LE(1)).toBe(1045);
    await c.closedByServer();
    authServer.close();
  });
});
