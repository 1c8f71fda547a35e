/** Topology errors: a closed set of codes, like Vitess's topo.Error. */

/** The kinds of topology failure every Conn reports. */
export type TopoErrorCode = 'NoNode' | 'NodeExists' | 'BadVersion' | 'Timeout' | 'Interrupted';

/** A topology failure with its {@link TopoErrorCode} and the node it concerns. */
export class TopoError extends Error {
  constructor(
    readonly code: TopoErrorCode,
    readonly node: string,
  ) {
    super(topoErrorMessage(code, node));
    this.name = 'TopoError';
  }
}

function topoErrorMessage(code: TopoErrorCode, node: string): string {
  switch (code) {
    case 'NoNode':
      return `node doesn't exist: ${node}`;
    case 'NodeExists':
      return `node already exists: ${node}`;
    case 'BadVersion':
      return `bad node version: ${node}`;
    case 'Timeout':
      return `deadline exceeded: ${node}`;
    case 'Interrupted':
      return `interrupted: ${node}`;
  }
}

/** True when `err` is a TopoError with the given code. */
export function isTopoError(err: unknown, code: TopoErrorCode): err is TopoError {
  return err instanceof TopoError && err.code === code;
}

/** The TopoError of a wait given up through `signal`: Timeout when the abort reason is a `TimeoutError` (as from `AbortSignal.timeout`), Interrupted otherwise. */
export function abortTopoError(signal: AbortSignal, node: string): TopoError {
  const reason = signal.reason as { name?: string } | undefined;
  return new TopoError(reason?.name === 'TimeoutError' ? 'Timeout' : 'Interrupted', node);
}
