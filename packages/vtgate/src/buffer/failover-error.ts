/**
 * Failover errors: which errors mean a shard's primary stopped serving for a planned cutover
 * (Reshard or MoveTables switching writes, PlannedReparentShard), and the retriable errors vtgate
 * answers with when buffering gives up.
 */
import { Code, ER, SqlError } from '@vtsim/proto';

/** Substrings of the errors a failover causes, from vtgate's own checks or from a tablet. */
const FAILOVER_MESSAGES = [
  'operation not allowed in state NOT_SERVING',
  'operation not allowed in state SHUTTING_DOWN',
  'disallowed due to rule',
  'current keyspace is being resharded',
  'primary is not serving',
  'wrong tablet type: PRIMARY',
  'running with the --super-read-only option',
];

/**
 * True if the error was caused by a planned failover of a primary: code CLUSTER_EVENT, the query
 * service disabled in the serving graph or on the tablet (or the tablet shutting down, as Vitess's
 * buffer matched before its tablets answered CLUSTER_EVENT), denied tables (MoveTables), a demoted
 * primary (wrong tablet type, or its mysqld already super-read-only), or no serving primary. Such a statement reached no tablet or was refused by
 * it, so running it again cannot apply it twice.
 */
export function isFailoverError(err: unknown): err is SqlError {
  if (!(err instanceof SqlError)) return false;
  if (err.code === Code.CLUSTER_EVENT) return true;
  const m = err.message;
  for (const s of FAILOVER_MESSAGES) if (m.includes(s)) return true;
  return m.includes('no healthy tablet available') && m.includes('tablet_type:PRIMARY');
}

/** The error of a request whose buffering window ran out before the failover ended (errno 1105, UNAVAILABLE). */
export function windowExpiredError(keyspace: string, shard: string, windowMs: number, cause: SqlError): SqlError {
  return unavailable(`upstream shard is not available: ${keyspace}/${shard} did not finish its failover within the ${windowMs} ms buffer window; last error: ${cause.message}`);
}

/** The error of requests still buffered when a failover lasts longer than the maximum (errno 1105, UNAVAILABLE). */
export function failoverTooLongError(keyspace: string, shard: string, maxMs: number, cause: SqlError): SqlError {
  return unavailable(`upstream shard is not available: the failover of ${keyspace}/${shard} lasted longer than ${maxMs} ms, buffering stopped; last error: ${cause.message}`);
}

/** The error of a request that finds every buffer slot taken by other shards' requests. */
export function bufferFullError(): SqlError {
  return unavailable('primary buffer is full');
}

/** The error of the oldest buffered request of a shard, evicted to make room for a newer one. */
export function entryEvictedError(): SqlError {
  return unavailable('buffer full: request evicted for newer request');
}

/** The error of requests buffered when vtgate shuts down. */
export function bufferShutDownError(cause: SqlError): SqlError {
  return unavailable(`upstream shard is not available: vtgate is shutting down; last error: ${cause.message}`);
}

/**
 * The error of a statement inside an open transaction that meets a failover: the transaction's
 * shard stopped serving, so it cannot be buffered or moved; the client must roll back and retry
 * the whole transaction (COMMIT is refused too).
 */
export function inTransactionFailoverError(cause: SqlError): SqlError {
  return new SqlError(
    ER.UNKNOWN_ERROR[0],
    ER.UNKNOWN_ERROR[1],
    `${cause.message}: the shard stopped serving for a cutover while the transaction was open; roll back and retry the transaction`,
    Code.ABORTED,
  );
}

function unavailable(message: string): SqlError {
  return new SqlError(ER.UNKNOWN_ERROR[0], ER.UNKNOWN_ERROR[1], message, Code.UNAVAILABLE);
}
