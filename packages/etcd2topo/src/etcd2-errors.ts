/** Turning etcd client failures into topology errors, the way Vitess's etcd2topo convertError does. */
import {
  ClientClosedError,
  EtcdLeaseInvalidError,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCNotFoundError,
  GRPCUnavailableError,
} from 'etcd3';
import { TopoError } from '@vtsim/topo';

/**
 * The TopoError for an etcd failure on `node`: NotFound (and an expired or revoked lease) is
 * NoNode, Unavailable and DeadlineExceeded are Timeout (etcd reports its request timeouts as
 * Unavailable), Canceled and a closed client are Interrupted. Anything else is not a topology
 * condition and is returned as it is.
 */
export function convertEtcdError(err: unknown, node: string): unknown {
  if (err instanceof TopoError) return err;
  if (err instanceof GRPCNotFoundError || err instanceof EtcdLeaseInvalidError) return new TopoError('NoNode', node);
  if (err instanceof GRPCUnavailableError || err instanceof GRPCDeadlineExceededError) return new TopoError('Timeout', node);
  if (err instanceof GRPCCancelledError || err instanceof ClientClosedError) return new TopoError('Interrupted', node);
  return err;
}
