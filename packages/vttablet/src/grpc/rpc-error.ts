/**
 * How failures cross vtgate's and vttablet's gRPC APIs: as a gRPC status ending a call (streams), or as a
 * `vtrpc.RPCError` inside a response (Execute), each carrying the vtrpc code.
 */
import { Code, ER, SqlError, errorCode } from '@vtsim/proto';

/** vtrpc.RPCError as it goes on the wire. */
export interface RPCErrorWire {
  code: Code;
  message: string;
}

/** A gRPC status for grpc-js (`call.emit('error', …)` or a unary callback). */
export interface GrpcStatusError {
  code: number;
  details: string;
  message: string;
}

/**
 * The text Vitess puts in an RPC error: the message, plus `(errno N) (sqlstate S)` for a MySQL
 * error that does not already carry it (errno 1105 is vtgate's own and gets no suffix).
 */
export function rpcErrorMessage(err: unknown): string {
  if (err instanceof SqlError) {
    return err.errno === ER.UNKNOWN_ERROR[0] || err.message.includes('(errno ') ? err.message : err.vitessMessage();
  }
  return err instanceof Error ? err.message : String(err);
}

/** The `vtrpc.RPCError` of a failure: its vtrpc code (UNKNOWN for errors without one) and message. */
export function toRPCError(err: unknown): RPCErrorWire {
  return { code: errorCode(err), message: rpcErrorMessage(err) };
}

/**
 * The gRPC status of a failure: the vtrpc code as the status code (0–16 are gRPC's own; 17 and 18
 * pass through as Vitess sends them) and {@link rpcErrorMessage} as the details.
 */
export function toGrpcStatus(err: unknown): GrpcStatusError {
  const message = rpcErrorMessage(err);
  return { code: errorCode(err), details: message, message };
}

const MYSQL_SUFFIX = / \(errno (\d+)\) \(sqlstate ([0-9A-Z]{5})\)$/;

/**
 * The error a gRPC status from a tablet stands for, as the in-process tablet would have thrown it:
 * a SqlError with the status's vtrpc code, the MySQL errno and SQLSTATE of its `(errno N) (sqlstate
 * S)` suffix (the suffix removed from the message), or 1105/HY000 without one.
 */
export function errorFromGrpcStatus(status: { code: number; details: string }): SqlError {
  const m = MYSQL_SUFFIX.exec(status.details);
  const code = status.code in Code ? (status.code as Code) : Code.UNKNOWN;
  if (!m) return new SqlError(ER.UNKNOWN_ERROR[0], ER.UNKNOWN_ERROR[1], status.details, code);
  return new SqlError(Number(m[1]), m[2]!, status.details.slice(0, m.index), code);
}
