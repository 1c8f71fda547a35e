/**
 * servenv's HTTP side: starts a component's web server (vtctld's control and status pages,
 * VTOrc's pages) on its port and stops it, closing open connections, when the component stops.
 */
import type { Server } from 'node:http';

/** A listening HTTP server; close() ends its open connections and stops it. */
export interface HttpListener {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts `server` listening on host:port (0 = any free port); rejects when the port is taken. */
export async function listenHttp(server: Server, host: string, port: number): Promise<HttpListener> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
