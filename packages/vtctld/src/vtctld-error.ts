/**
 * vtctld's errors: every failure leaves vtctld as a VtError with a vtrpc code, as Vitess's
 * vterrors do. Topology failures keep their message and get the code of their kind.
 */
import { Code, VtError } from '@vtsim/proto';
import { TopoError, type TopoErrorCode } from '@vtsim/topo';

const topoCodes: Record<TopoErrorCode, Code> = {
  NoNode: Code.NOT_FOUND,
  NodeExists: Code.ALREADY_EXISTS,
  BadVersion: Code.FAILED_PRECONDITION,
  Timeout: Code.DEADLINE_EXCEEDED,
  Interrupted: Code.CANCELED,
};

/** Builds a VtError with `code` and `message`. */
export function vtctldError(code: Code, message: string): VtError {
  return new VtError(code, message);
}

/**
 * Converts any thrown value into a VtError: VtErrors (and SqlErrors) as they are, TopoErrors with
 * the code of their kind (NoNode → NOT_FOUND, NodeExists → ALREADY_EXISTS, …), anything else UNKNOWN.
 */
export function toVtError(err: unknown): VtError {
  if (err instanceof VtError) return err;
  if (err instanceof TopoError) return new VtError(topoCodes[err.code], err.message);
  return new VtError(Code.UNKNOWN, err instanceof Error ? err.message : String(err));
}
