/** Writing to a gRPC server stream at the pace the client reads. */
import type { Writable } from 'node:stream';

/**
 * Writes one message; when the call's buffer is full (`write()` returned false) resolves only once
 * it drained, the call closed, or `signal` aborted — so a producer awaiting this never runs ahead
 * of a slow client by more than the buffer.
 */
export async function writeWithBackpressure(call: Writable, message: unknown, signal: AbortSignal): Promise<void> {
  if (call.write(message)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.on('drain', done);
    call.on('close', done);
    signal.addEventListener('abort', done);
    if (signal.aborted || call.destroyed) done();
  });
}
