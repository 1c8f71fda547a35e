/**
 * The seam between the MySQL wire protocol and vtgate's executor: the protocol server decodes
 * packets and calls a MysqlSessionHandler; the executor implements it. Neither side knows the
 * other's internals.
 */
import type { Result } from '@vtsim/proto';

/** What the server knows about a connection once the handshake is done. */
export interface MysqlConnectionInfo {
  connectionId: number;
  user: string;
  /** Database named in the handshake (`mysql -D db` / `mysql db`), or '' for none. */
  database: string;
  remoteAddress: string;
  /** The client set CLIENT_FOUND_ROWS in the handshake: UPDATE reports matched rows, not changed ones. */
  clientFoundRows?: boolean;
}

/** Session state the server reports in OK/EOF packet status flags. */
export interface MysqlSessionStatus {
  inTransaction: boolean;
  autocommit: boolean;
}

/**
 * One client connection's handler. Calls for one connection never overlap: the server awaits
 * each before reading the next command. Errors are SqlError (errno, SQLSTATE) and go back to the
 * client as ERR packets; anything else becomes errno 1105.
 */
export interface MysqlSessionHandler {
  /** Runs one SQL statement (the server splits multi-statement text before calling). */
  query(sql: string): Promise<Result>;
  /** COM_INIT_DB: switches the current database/target (`mysql -e 'use x'` sends COM_INIT_DB). */
  useDatabase(db: string): Promise<void>;
  /** The session state for status flags, read after every command. */
  status(): MysqlSessionStatus;
  /** The connection is gone (quit, error or socket close): roll back and release everything. Idempotent. */
  close(): void;
}

/** Makes a session handler for each new connection; may reject the login with a SqlError (1045). */
export type MysqlHandlerFactory = (info: MysqlConnectionInfo) => MysqlSessionHandler | Promise<MysqlSessionHandler>;
