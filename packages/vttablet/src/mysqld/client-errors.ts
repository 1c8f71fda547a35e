/**
 * The MySQL client library's errors (CR_*) for a server that cannot be reached or goes away, as
 * a client of a stopped simulated mysqld sees them. The vtrpc codes are the ones Vitess's
 * tabletserver gives them (convertErrorCode: CR_SERVER_LOST → CANCELED; connection failures →
 * UNAVAILABLE).
 */
import { Code, SqlError } from '@vtsim/proto';

/** CR_CONNECTION_ERROR (2002): connecting over the local socket failed (the mysqld is down). */
export function connectionError(socket: string): SqlError {
  return new SqlError(2002, 'HY000', `Can't connect to local MySQL server through socket '${socket}' (2)`, Code.UNAVAILABLE);
}

/** CR_CONN_HOST_ERROR (2003): connecting over TCP failed (connection refused). */
export function connHostError(host: string, port: number): SqlError {
  return new SqlError(2003, 'HY000', `Can't connect to MySQL server on '${host}:${port}' (111)`, Code.UNAVAILABLE);
}

/**
 * CR_SERVER_LOST (2013) at connect: the TCP connection opened but the server sent no handshake
 * within the connect timeout (a stopped or hung server; 110 is ETIMEDOUT).
 */
export function handshakeLostError(): SqlError {
  return new SqlError(2013, 'HY000', "Lost connection to MySQL server at 'reading initial communication packet', system error: 110", Code.CANCELED);
}

/** CR_SERVER_LOST (2013): the server went away while a statement or a binlog dump was running. */
export function serverLostError(): SqlError {
  return new SqlError(2013, 'HY000', 'Lost connection to MySQL server during query', Code.CANCELED);
}
