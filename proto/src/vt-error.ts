/** VtError: an error carrying a vtrpc code, for failures that are not MySQL errors (vterrors). */
import { Code } from './vtrpc.js';

/** A failure with a vtrpc code; SqlError extends it with MySQL's errno and SQLSTATE. */
export class VtError extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
    this.name = 'VtError';
  }
}

/** The vtrpc code of any thrown value: its own code for VtError/SqlError, UNKNOWN otherwise. */
export function errorCode(err: unknown): Code {
  return err instanceof VtError ? err.code : Code.UNKNOWN;
}
