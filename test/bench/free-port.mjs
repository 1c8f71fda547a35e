/** Free TCP ports on 127.0.0.1, for servers started in other processes. */
import { createServer } from 'node:net';

/** A port that was free a moment ago (bound and released); another process may still take it first. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}
