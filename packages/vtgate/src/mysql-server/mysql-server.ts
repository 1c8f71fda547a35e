/**
 * MysqlServer: vtgate's MySQL protocol listener (port 15306 in the local example). It accepts
 * connections, gives each a MysqlConnection and a session handler from the factory, and closes
 * them all on close().
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { MysqlAuthServer } from './auth-server-static.js';
import type { MysqlHandlerFactory } from './mysql-handler.js';
import { MysqlConnection } from './mysql-connection.js';
import { ServerStatistics } from './server-statistics.js';

/** How to run a {@link MysqlServer}. */
export interface MysqlServerOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; 0 picks a free one (tests). */
  port: number;
  /** Makes one session handler per connection, after the handshake. */
  handlerFactory: MysqlHandlerFactory;
  /** Version announced in the handshake (`SELECT @@version` is the handler's business); default '8.0.30-Vitess'. */
  serverVersion?: string;
  /** Largest client packet accepted; a bigger one gets ERR 1153 and the connection is closed. Default 64 MiB. */
  maxAllowedPacket?: number;
  /** Receives one line per connection-level problem (garbage, resets, oversize packets, refused logins); default: dropped. */
  log?: (line: string) => void;
  /** Checks every login (vtgate's `static` auth server); omitted, any user and password are accepted. */
  authServer?: MysqlAuthServer;
}

/**
 * Serves the MySQL client/server protocol (text and binary protocol; logins are checked by the
 * auth server when there is one, otherwise any user and password are accepted).
 * Connections are independent: a misbehaving client only loses its own connection. `close()`
 * stops listening, closes every connection (each handler's close() is called) and is idempotent.
 */
export class MysqlServer {
  private readonly server: Server;
  private readonly connections = new Set<MysqlConnection>();
  private readonly statistics: ServerStatistics;
  private nextConnectionId = 1;
  private readonly log: (line: string) => void;
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: MysqlServerOptions) {
    this.log = opts.log ?? (() => {});
    this.statistics = new ServerStatistics(
      () => performance.now(),
      () => this.connections.size,
    );
    this.server = createServer((socket) => this.accept(socket));
    this.server.on('error', (err) => this.log(`mysql server: ${err.message}`));
  }

  /** Connections currently open (handshaking or in the command phase). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Starts listening; resolves with the bound address (the real port when `port` was 0). Rejects if the port is taken. */
  listen(): Promise<{ host: string; port: number }> {
    const host = this.opts.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.opts.port, host, () => {
        this.server.off('error', onError);
        const addr = this.server.address() as AddressInfo;
        resolve({ host: addr.address, port: addr.port });
      });
    });
  }

  /** Stops listening and closes every connection; resolves once all sockets are closed. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => {
        if (this.server.listening) this.server.close(() => resolve());
        else resolve();
      });
      const conns = [...this.connections];
      for (const c of conns) c.destroy();
      await Promise.all([stopped, ...conns.map((c) => c.closed)]);
    })();
    return this.closing;
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const conn = new MysqlConnection(
      socket,
      {
        connectionId: this.nextConnectionId++,
        serverVersion: this.opts.serverVersion ?? '8.0.30-Vitess',
        maxAllowedPacket: this.opts.maxAllowedPacket ?? 64 * 1024 * 1024,
        handlerFactory: this.opts.handlerFactory,
        statistics: this.statistics,
        log: this.log,
        authServer: this.opts.authServer,
      },
      () => this.connections.delete(conn),
    );
    this.connections.add(conn);
    conn.start();
  }
}
