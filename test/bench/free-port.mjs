/**
 * Free TCP ports on 127.0.0.1, for servers started in other processes (the bench's and the tests'
 * harness's: test/harness/vtsim-cli.ts re-exports it).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The lowest port the ports come from: below the kernel's ephemeral range, above the local example's ports. */
const LOWEST = 20_000;

/**
 * The first port of the kernel's ephemeral range (outgoing connections take their local port from
 * it), or undefined where it cannot be read or leaves no room above LOWEST.
 */
function ephemeralLow() {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1000 ? low : undefined;
  } catch {
    return undefined;
  }
}

const EPHEMERAL_LOW = ephemeralLow();

/** Binds `port` (0: any) on 127.0.0.1 and releases it: the port bound, or undefined when it was taken. */
function probe(port) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err) => (/** @type {NodeJS.ErrnoException} */ (err).code === 'EADDRINUSE' && port !== 0 ? resolve(undefined) : reject(err)));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const { port: bound } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(bound));
    });
  });
}

/** Resolves true when 127.0.0.1:`port` can be bound now (it is released at once); false on any error. */
export function bindable(/** @type {number} */ port) {
  return probe(port).then((bound) => bound !== undefined, () => false);
}

/**
 * A port that was free a moment ago (bound and released); another process may still take it first.
 * It comes from below the ephemeral range where the kernel says where that range starts: a port the
 * kernel hands out itself would be the local port of the next outgoing connection as readily, and a
 * server started on it a moment later could find it taken by a client (EADDRINUSE).
 * @returns {Promise<number>}
 */
export async function freePort() {
  if (EPHEMERAL_LOW !== undefined) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = await probe(LOWEST + Math.floor(Math.random() * (EPHEMERAL_LOW - LOWEST)));
      if (port !== undefined) return port;
    }
  }
  return /** @type {Promise<number>} */ (probe(0));
}
