/**
 * Which tablet-stream failures a VStream shard stream survives by moving to another tablet
 * (Vitess's `shouldRetry`), and how many in a row it tolerates.
 */
import { Code, SqlError, errorCode } from '@vtsim/proto';

/** Consecutive failed tablet streams (without an event in between) after which a shard stream gives up. */
export const MAX_CONSECUTIVE_FAILURES = 3;

/** The verdict on one failure. */
export interface RetryDecision {
  retry: boolean;
  /** Leave the failed tablet out of the next picks (it lacks the requested position). */
  ignoreTablet: boolean;
}

/**
 * FAILED_PRECONDITION and UNAVAILABLE (tablet gone, not serving, type changed) retry;
 * INVALID_ARGUMENT retries only for `GTIDSet Mismatch`, on another tablet; INTERNAL never
 * retries; anything else retries only if it is an ephemeral MySQL error.
 */
export function shouldRetry(err: unknown): RetryDecision {
  const code = errorCode(err);
  if (code === Code.FAILED_PRECONDITION || code === Code.UNAVAILABLE) return { retry: true, ignoreTablet: false };
  if (code === Code.INVALID_ARGUMENT) {
    const mismatch = err instanceof Error && err.message.includes('GTIDSet Mismatch');
    return { retry: mismatch, ignoreTablet: mismatch };
  }
  if (code === Code.INTERNAL) return { retry: false, ignoreTablet: false };
  return { retry: err instanceof SqlError && EPHEMERAL_ERRNOS.has(err.errno), ignoreTablet: false };
}

/** MySQL errors that say "try again": lost connections, shutdowns, timeouts, deadlocks, resource limits. */
const EPHEMERAL_ERRNOS = new Set([
  1037, // ER_OUTOFMEMORY
  1038, // ER_OUT_OF_SORTMEMORY
  1040, // ER_CON_COUNT_ERROR
  1041, // ER_OUT_OF_RESOURCES
  1053, // ER_SERVER_SHUTDOWN
  1080, // ER_FORCING_CLOSE
  1135, // ER_CANT_CREATE_THREAD
  1205, // ER_LOCK_WAIT_TIMEOUT
  1206, // ER_LOCK_TABLE_FULL
  1213, // ER_LOCK_DEADLOCK
  1317, // ER_QUERY_INTERRUPTED
  1815, // ER_INTERNAL_ERROR
  1874, // ER_INNODB_READ_ONLY
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
  3024, // ER_QUERY_TIMEOUT (maximum statement execution time exceeded)
]);
