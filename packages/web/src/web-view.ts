/**
 * The live cluster view over HTTP, mounted on vtctld's web port by the cluster's control server:
 * `GET /` (the page, with `/view.js` and `/view.css`), `GET /api/view` (the whole view as JSON, once)
 * and `GET /api/events` (server-sent events: `snapshot`, then `section` and `timeline` as the
 * cluster changes; see ClusterViewHub).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClusterViewReader } from './cluster-view.js';
import { ClusterViewHub, type ClusterViewHubOptions, type ViewMessage } from './cluster-view-hub.js';
import type { ClusterViewSource } from './view-source.js';
import { webAsset } from './web-assets.js';

/** The view's HTTP routes for one cluster. */
export class WebView {
  private readonly hub: ClusterViewHub;
  private readonly streams = new Set<ServerResponse>();

  constructor(private readonly source: ClusterViewSource, opts: ClusterViewHubOptions = {}) {
    this.hub = new ClusterViewHub(source, opts);
  }

  /**
   * Answers `req` if it is one of the view's routes (GET or HEAD of `/`, `/view.js`, `/view.css`,
   * `/api/view`, `/api/events`) and returns true; returns false, writing nothing, for any other.
   */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/api/events') {
      await this.serveEvents(req, res);
      return true;
    }
    if (path === '/api/view') {
      const view = await new ClusterViewReader(this.source, Date.now).read();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(view));
      return true;
    }
    const asset = await webAsset(path);
    if (!asset) return false;
    res.writeHead(200, { 'Content-Type': asset.type, 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return true;
  }

  /** Ends every open event stream and stops reading the cluster (before the server closes). */
  close(): void {
    this.hub.close();
    for (const res of this.streams) res.end();
    this.streams.clear();
  }

  private async serveEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // A browser that lost the stream reconnects after this many ms (and gets a new snapshot).
    res.write('retry: 1000\n\n');
    const send = (message: ViewMessage): void => void res.write(`event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`);
    const stop = await this.hub.watch(send);
    this.streams.add(res);
    const end = (): void => {
      stop();
      this.streams.delete(res);
    };
    if (res.closed || req.destroyed) end();
    else res.once('close', end);
  }
}
