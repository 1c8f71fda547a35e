/**
 * MysqlConnection: one client socket of the MySQL server, from the handshake through the command
 * phase to its close. It owns the socket, the packet framing in both directions and the session
 * handler, and runs the client's commands strictly one after another.
 */
import type { Socket } from 'node:net';
import type { Result } from '@vtsim/proto';
import type { MysqlAuthServer } from './auth-server-static.js';
import { checkBinaryRows, writeBinaryRow } from './binary-result-set.js';
import { mysqlTypeOf } from './column-type.js';
import { Capability, Command, SERVER_CAPABILITIES, ServerStatus } from './constants.js';
import {
  type HandshakeResponse,
  needsAuthSwitch,
  newScramble,
  parseChangeUser,
  parseHandshakeResponse,
  writeAuthSwitchRequest,
  writeHandshakeV10,
} from './handshake.js';
import type { MysqlConnectionInfo, MysqlHandlerFactory, MysqlSessionHandler } from './mysql-handler.js';
import { PacketReader, PacketTooLargeError } from './packet-reader.js';
import { PacketWriter } from './packet-writer.js';
import { MalformedPacketError } from './payload-reader.js';
import { PreparedStatement, writePrepareOk } from './prepared-statement.js';
import { writeEndOfRows, writeErr, writeErrFor, writeOk } from './response-packets.js';
import type { ServerStatistics } from './server-statistics.js';
import { splitStatements } from '@vtsim/sql';
import { writeResultSetHeader, writeTextRow } from './text-result-set.js';

/** What a connection needs from its server. */
export interface MysqlConnectionOptions {
  connectionId: number;
  serverVersion: string;
  maxAllowedPacket: number;
  handlerFactory: MysqlHandlerFactory;
  statistics: ServerStatistics;
  log: (line: string) => void;
  /** Checks each login (and COM_CHANGE_USER); without one every user and password is accepted. */
  authServer?: MysqlAuthServer;
}

/** While a result is being encoded, bytes are handed to the socket whenever this many have piled up. */
const FLUSH_AT = 64 * 1024;
/**
 * Largest packet accepted before login: a real handshake response is a few hundred bytes, so
 * anything bigger is a client speaking another protocol (an HTTP request, say) and is refused at once.
 */
const MAX_HANDSHAKE_PACKET = 64 * 1024;
/** Most prepared statements one connection may hold (MySQL's max_prepared_stmt_count default). */
const MAX_PREPARED_STATEMENTS = 16382;
/** Pipelined commands beyond this many stop the socket from reading until the queue drains. */
const QUEUE_HIGH_WATER = 16;

type Phase = 'handshake' | 'auth-switch' | 'command' | 'closed';

/** A complete client packet waiting its turn; a null payload stands for one that exceeded max_allowed_packet. */
interface QueuedPacket {
  payload: Buffer | null;
  seq: number;
}

/**
 * Serves one socket. Call {@link start} once; the connection then runs by itself until the client
 * quits, the socket fails, a protocol error occurs or {@link destroy} is called. `onClosed` runs
 * once, after the socket has closed. The handler is closed exactly once, as soon as the
 * connection is known to be over (even while one of its calls is still running).
 */
export class MysqlConnection {
  /** Resolves once the socket has closed and `onClosed` has run. */
  readonly closed: Promise<void>;
  private readonly reader: PacketReader;
  private readonly out = new PacketWriter();
  private readonly scramble = newScramble();
  private readonly queue: QueuedPacket[] = [];
  private phase: Phase = 'handshake';
  private running = false;
  private paused = false;
  private handler: MysqlSessionHandler | null = null;
  private capabilities = 0;
  private multiStatements = false;
  private deprecateEof = false;
  private pendingLogin: { resp: HandshakeResponse; changeUser: boolean } | null = null;
  private info: MysqlConnectionInfo;
  private drainWaiters: Array<() => void> = [];
  private readonly statements = new Map<number, PreparedStatement>();
  private nextStatementId = 1;

  constructor(
    private readonly socket: Socket,
    private readonly opts: MysqlConnectionOptions,
    onClosed: () => void,
  ) {
    this.info = {
      connectionId: opts.connectionId,
      user: '',
      database: '',
      remoteAddress: `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`,
    };
    this.reader = new PacketReader(MAX_HANDSHAKE_PACKET, (payload, seq) => this.enqueue({ payload, seq }));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.wakeDrainWaiters());
    socket.on('error', (err) => this.opts.log(`connection ${this.info.connectionId}: ${err.message}`));
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        if (this.phase !== 'closed' && this.reader.pendingBytes > 0) {
          this.opts.log(`connection ${this.info.connectionId}: closed in the middle of a packet`);
        }
        this.shutdown();
        onClosed();
        resolve();
      });
    });
  }

  /** Sends the greeting. */
  start(): void {
    this.out.seq = 0;
    writeHandshakeV10(this.out, {
      serverVersion: this.opts.serverVersion,
      connectionId: this.info.connectionId,
      scramble: this.scramble,
      capabilities: SERVER_CAPABILITIES,
      status: ServerStatus.AUTOCOMMIT,
    });
    this.flush();
  }

  /** Closes the connection now: the handler is closed and the socket destroyed. Idempotent. */
  destroy(): void {
    this.shutdown();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    try {
      this.reader.push(chunk);
    } catch (err) {
      this.opts.log(`connection ${this.info.connectionId}: ${err instanceof Error ? err.message : String(err)}`);
      this.socket.pause();
      this.socket.removeAllListeners('data');
      if (err instanceof PacketTooLargeError) this.enqueue({ payload: null, seq: err.seq });
      else this.destroy();
    }
  }

  private enqueue(p: QueuedPacket): void {
    this.queue.push(p);
    if (this.queue.length >= QUEUE_HIGH_WATER && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    if (!this.running) void this.pump();
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && this.phase !== 'closed') {
        const p = this.queue.shift()!;
        this.out.seq = (p.seq + 1) & 0xff;
        if (p.payload === null) {
          if (this.phase === 'command') writeErr(this.out, 1153, '08S01', "Got a packet bigger than 'max_allowed_packet' bytes");
          else writeErr(this.out, 1043, '08S01', 'Bad handshake');
          this.endConnection();
          return;
        }
        await this.handlePacket(p.payload);
        if (this.paused && this.queue.length === 0) {
          this.paused = false;
          this.socket.resume();
        }
      }
    } catch (err) {
      const what = err instanceof MalformedPacketError ? 'malformed packet' : 'internal error';
      this.opts.log(`connection ${this.info.connectionId}: ${what}: ${err instanceof Error ? err.message : String(err)}`);
      if (this.phase === 'handshake' && err instanceof MalformedPacketError) {
        writeErr(this.out, 1043, '08S01', 'Bad handshake');
        this.endConnection();
      } else {
        this.destroy();
      }
    } finally {
      this.running = false;
    }
  }

  private async handlePacket(payload: Buffer): Promise<void> {
    switch (this.phase) {
      case 'handshake': {
        const resp = parseHandshakeResponse(payload, SERVER_CAPABILITIES);
        this.capabilities = resp.capabilities;
        this.multiStatements = (resp.capabilities & Capability.MULTI_STATEMENTS) !== 0;
        this.deprecateEof = (resp.capabilities & Capability.DEPRECATE_EOF) !== 0;
        await this.login(resp, false);
        return;
      }
      case 'auth-switch': {
        const pending = this.pendingLogin!;
        this.pendingLogin = null;
        await this.completeLogin({ ...pending.resp, authResponse: Buffer.from(payload) }, pending.changeUser);
        return;
      }
      case 'command':
        await this.handleCommand(payload);
        return;
      case 'closed':
        return;
    }
  }

  private async login(resp: HandshakeResponse, changeUser: boolean): Promise<void> {
    if (needsAuthSwitch(resp)) {
      writeAuthSwitchRequest(this.out, this.scramble);
      this.flush();
      this.pendingLogin = { resp, changeUser };
      this.phase = 'auth-switch';
      return;
    }
    await this.completeLogin(resp, changeUser);
  }

  private async completeLogin(resp: HandshakeResponse, changeUser: boolean): Promise<void> {
    if (changeUser) this.releaseHandler();
    if (this.opts.authServer) {
      try {
        this.opts.authServer.validateNativePassword(this.scramble, resp.user, resp.authResponse);
      } catch (err) {
        this.opts.log(`connection ${this.info.connectionId}: ${err instanceof Error ? err.message : String(err)}`);
        writeErrFor(this.out, err);
        this.endConnection();
        return;
      }
    }
    this.info = { ...this.info, user: resp.user, database: resp.database, clientFoundRows: (this.capabilities & Capability.FOUND_ROWS) !== 0 };
    try {
      await this.openHandler();
    } catch (err) {
      writeErrFor(this.out, err);
      this.endConnection();
      return;
    }
    if (this.phase === 'closed') return;
    this.phase = 'command';
    this.reader.setMaxPayload(this.opts.maxAllowedPacket);
    writeOk(this.out, 0, 0, this.status());
    this.flush();
  }

  /** Makes the session handler for {@link info}; closes it at once if the connection ended meanwhile. */
  private async openHandler(): Promise<void> {
    const handler = await this.opts.handlerFactory(this.info);
    if (this.phase === 'closed') {
      handler.close();
      return;
    }
    this.handler = handler;
  }

  private releaseHandler(): void {
    this.statements.clear();
    const h = this.handler;
    this.handler = null;
    h?.close();
  }

  private async handleCommand(payload: Buffer): Promise<void> {
    if (payload.length === 0) throw new MalformedPacketError('empty command packet');
    const handler = this.handler!;
    switch (payload[0]) {
      case Command.QUERY:
        await this.runQuery(handler, payload.toString('utf8', 1));
        break;
      case Command.INIT_DB: {
        const db = payload.toString('utf8', 1);
        try {
          await handler.useDatabase(db);
          this.info = { ...this.info, database: db };
          writeOk(this.out, 0, 0, this.status());
        } catch (err) {
          writeErrFor(this.out, err);
        }
        break;
      }
      case Command.PING:
        writeOk(this.out, 0, 0, this.status());
        break;
      case Command.QUIT:
        this.endConnection();
        return;
      case Command.FIELD_LIST:
        writeEndOfRows(this.out, this.deprecateEof, this.status());
        break;
      case Command.STATISTICS:
        this.out.begin();
        this.out.rawString(this.opts.statistics.text());
        this.out.end();
        break;
      case Command.RESET_CONNECTION:
        this.releaseHandler();
        try {
          await this.openHandler();
        } catch (err) {
          writeErrFor(this.out, err);
          this.endConnection();
          return;
        }
        writeOk(this.out, 0, 0, this.status());
        break;
      case Command.SET_OPTION: {
        const option = payload.length >= 3 ? payload.readUInt16LE(1) : -1;
        if (option === 0 || option === 1) {
          this.multiStatements = option === 0;
          writeEndOfRows(this.out, this.deprecateEof, this.status());
        } else {
          writeErr(this.out, 1047, '08S01', 'Unknown command');
        }
        break;
      }
      case Command.CHANGE_USER:
        await this.login(parseChangeUser(payload, this.capabilities), true);
        return;
      case Command.STMT_PREPARE:
        this.prepare(payload.toString('utf8', 1));
        break;
      case Command.STMT_EXECUTE: {
        const stmt = this.statement(payload, 'mysqld_stmt_execute');
        if (stmt) await this.execute(handler, stmt, payload);
        break;
      }
      case Command.STMT_SEND_LONG_DATA:
        if (payload.length < 7) throw new MalformedPacketError('COM_STMT_SEND_LONG_DATA too short');
        this.statements.get(payload.readUInt32LE(1))?.appendLongData(payload.readUInt16LE(5), payload.subarray(7));
        return;
      case Command.STMT_RESET: {
        const stmt = this.statement(payload, 'mysqld_stmt_reset');
        if (stmt) {
          stmt.reset();
          writeOk(this.out, 0, 0, this.status());
        }
        break;
      }
      case Command.STMT_CLOSE:
        if (payload.length < 5) throw new MalformedPacketError('COM_STMT_CLOSE too short');
        this.statements.delete(payload.readUInt32LE(1));
        return;
      case Command.STMT_FETCH:
        writeErr(this.out, 1295, 'HY000', 'This command is not supported in the prepared statement protocol yet');
        break;
      default:
        writeErr(this.out, 1047, '08S01', 'Unknown command');
    }
    this.flush();
  }

  /** COM_STMT_PREPARE: keeps one statement's text; it is not checked until it is executed. */
  private prepare(sql: string): void {
    const statements = splitStatements(sql);
    if (statements.length === 0) {
      writeErr(this.out, 1065, '42000', 'Query was empty');
    } else if (statements.length > 1) {
      writeErr(this.out, 1064, '42000', `You have an error in your SQL syntax; a prepared statement holds one statement, near '${statements[1]!.slice(0, 80)}' at line 1`);
    } else if (this.statements.size >= MAX_PREPARED_STATEMENTS) {
      writeErr(this.out, 1461, '42000', `Can't create more than max_prepared_stmt_count statements (current value: ${MAX_PREPARED_STATEMENTS})`);
    } else {
      const stmt = new PreparedStatement(this.nextStatementId++, statements[0]!);
      this.statements.set(stmt.id, stmt);
      writePrepareOk(this.out, stmt, this.deprecateEof);
    }
  }

  /** The statement a COM_STMT_* packet names, or undefined after writing ERR 1243 for an unknown one. */
  private statement(payload: Buffer, caller: string): PreparedStatement | undefined {
    if (payload.length < 5) throw new MalformedPacketError('prepared statement command too short');
    const id = payload.readUInt32LE(1);
    const stmt = this.statements.get(id);
    if (!stmt) writeErr(this.out, 1243, 'HY000', `Unknown prepared statement handler (${id}) given to ${caller}`);
    return stmt;
  }

  /** COM_STMT_EXECUTE: binds the parameters into the text and answers with a binary result set. */
  private async execute(handler: MysqlSessionHandler, stmt: PreparedStatement, payload: Buffer): Promise<void> {
    let result: Result;
    try {
      const sql = stmt.bind(payload);
      this.opts.statistics.questions++;
      result = await handler.query(sql);
      checkRowWidths(result);
    } catch (err) {
      if (this.phase !== 'closed') writeErrFor(this.out, err);
      return;
    }
    if (this.phase === 'closed') return;
    const writing = this.writeResult(result, this.status(), true);
    if (writing) await writing;
  }

  /** COM_QUERY: runs each statement in turn, one result per statement, stopping at the first error. */
  private async runQuery(handler: MysqlSessionHandler, sql: string): Promise<void> {
    const statements = splitStatements(sql);
    if (statements.length === 0) {
      writeErr(this.out, 1065, '42000', 'Query was empty');
      return;
    }
    if (statements.length > 1 && !this.multiStatements) {
      writeErr(
        this.out,
        1064,
        '42000',
        `You have an error in your SQL syntax; multiple statements need CLIENT_MULTI_STATEMENTS, near '${statements[1]!.slice(0, 80)}' at line 1`,
      );
      return;
    }
    const last = statements.length - 1;
    for (let i = 0; i <= last; i++) {
      this.opts.statistics.questions++;
      let result: Result;
      try {
        result = await handler.query(statements[i]!);
        checkRowWidths(result);
      } catch (err) {
        if (this.phase === 'closed') return;
        writeErrFor(this.out, err);
        return;
      }
      if (this.phase === 'closed') return;
      const status = this.status() | (i < last ? ServerStatus.MORE_RESULTS_EXISTS : 0);
      const writing = this.writeResult(result, status, false);
      if (writing) await writing;
    }
  }

  /**
   * Appends a statement's result: an OK packet for writes, a text or binary result set for reads
   * (flushing as it grows). A binary result whose values do not fit their columns becomes ERR 1105.
   */
  private writeResult(result: Result, status: number, binary: boolean): Promise<void> | undefined {
    if (result.fields.length > 0) return this.writeResultSet(result, status, binary);
    // An OK packet is written at once: no promise for the common write.
    writeOk(this.out, result.rowsAffected, result.insertId, status, result.info ?? '');
    return undefined;
  }

  /** The result set of {@link writeResult}, waiting for the socket to drain as it grows. */
  private async writeResultSet(result: Result, status: number, binary: boolean): Promise<void> {
    const w = this.out;
    const fields = result.fields;
    const rows = result.rows;
    let types: Uint8Array | null = null;
    if (binary) {
      types = Uint8Array.from(fields, (f) => mysqlTypeOf(f.type));
      try {
        checkBinaryRows(fields, types, rows);
      } catch (err) {
        writeErrFor(w, err);
        return;
      }
    }
    writeResultSetHeader(w, fields, this.deprecateEof, status);
    for (let i = 0; i < rows.length; i++) {
      if (types) writeBinaryRow(w, rows[i]!, fields, types);
      else writeTextRow(w, rows[i]!, fields);
      if (w.length >= FLUSH_AT && !this.flush()) {
        await this.drained();
        if (this.phase === 'closed') return;
      }
    }
    writeEndOfRows(w, this.deprecateEof, status);
  }

  private status(): number {
    if (this.handler === null) return ServerStatus.AUTOCOMMIT;
    const s = this.handler.status();
    return (s.autocommit ? ServerStatus.AUTOCOMMIT : 0) | (s.inTransaction ? ServerStatus.IN_TRANS : 0);
  }

  /** Hands the pending bytes to the socket; false when the socket asks the writer to wait for 'drain'. */
  private flush(): boolean {
    if (this.out.length === 0) return true;
    const bytes = this.out.take();
    if (this.socket.destroyed) return true;
    return this.socket.write(bytes);
  }

  private drained(): Promise<void> {
    if (this.phase === 'closed') return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Sends what is pending, then closes the socket; the handler is closed at once. */
  private endConnection(): void {
    this.flush();
    this.shutdown();
    this.socket.end(() => this.socket.destroy());
  }

  private shutdown(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.queue.length = 0;
    this.releaseHandler();
    this.wakeDrainWaiters();
  }
}

/** Rejects a Result whose rows do not have one value per field, before any of it is sent. */
function checkRowWidths(result: Result): void {
  const width = result.fields.length;
  if (width === 0) return;
  for (const row of result.rows) {
    if (row.length !== width) throw new Error(`internal error: result row has ${row.length} values for ${width} fields`);
  }
}
