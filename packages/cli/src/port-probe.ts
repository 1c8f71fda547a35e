/** Checking, before anything starts, that a port a command will listen on can be bound. */
import { createServer } from 'node:net';

/** Throws when `host:port` cannot be bound (in use, or a bad address), naming the port as `what`. */
export async function checkPortFree(host: string, port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(err.code === 'EADDRINUSE' ? `port ${port} (${what}) is already in use on ${host}` : `cannot listen on ${host}:${port} (${what}): ${err.message}`));
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
