/**
 * VTOrc's HTTP pages (the local example's port 16000): `/api/replication-analysis` (the problems
 * of the latest analysis as JSON, optionally `?keyspace=K&shard=S`, as Vitess's API serves them),
 * `/api/recent-recoveries` (the recent recoveries as JSON) and `/debug/status` (an HTML page with
 * both).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenHttp, type HttpListener } from '@vtsim/vttablet';
import type { Vtorc } from './vtorc.js';

/** VTOrc's running web server; close() stops it. */
export type VtorcHttpServer = HttpListener;

/** Serves `vtorc`'s pages on host:port (0 = any free port); rejects when the port is taken. */
export async function startVtorcHttpServer(vtorc: Vtorc, host: string, port: number): Promise<VtorcHttpServer> {
  const server: Server = createServer((req, res) => handle(vtorc, req, res));
  return listenHttp(server, host, port);
}

function handle(vtorc: Vtorc, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'application/json', JSON.stringify({ error: `method ${req.method} not allowed` }));
  switch (url.pathname) {
    case '/api/replication-analysis': {
      const keyspace = url.searchParams.get('keyspace');
      const shard = url.searchParams.get('shard');
      const entries = vtorc.replicationAnalysis().filter((a) => (!keyspace || a.AnalyzedKeyspace === keyspace) && (!shard || a.AnalyzedShard === shard));
      return send(res, 200, 'application/json', JSON.stringify(entries));
    }
    case '/api/recent-recoveries':
      return send(res, 200, 'application/json', JSON.stringify(vtorc.status().recoveries));
    case '/debug/status':
      return send(res, 200, 'text/html; charset=utf-8', statusPage(vtorc));
    default:
      return send(res, 404, 'application/json', JSON.stringify({ error: `no route for ${url.pathname}` }));
  }
}

function send(res: ServerResponse, code: number, type: string, body: string): void {
  res.writeHead(code, { 'Content-Type': type });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function statusPage(vtorc: Vtorc): string {
  const { recoveries } = vtorc.status();
  const problems = vtorc
    .replicationAnalysis()
    .map((a) => `<tr><td>${escape(a.AnalyzedKeyspace)}/${escape(a.AnalyzedShard)}</td><td>${a.AnalyzedInstanceAlias}</td><td>${a.Analysis}</td><td>${escape(a.Description)}</td></tr>`)
    .join('\n');
  const recent = recoveries
    .map((r) => `<tr><td>${r.ID}</td><td>${new Date(r.RecoveryStartTimestamp).toISOString()}</td><td>${r.AnalysisEntry.Analysis}</td><td>${r.AnalysisEntry.AnalyzedInstanceAlias}</td><td>${r.RecoveryName}</td><td>${r.SuccessorAlias}</td><td>${r.IsSuccessful ? 'yes' : escape(r.AllErrors.join('; ') || 'running')}</td></tr>`)
    .join('\n');
  return `<!doctype html><title>vtorc</title><h1>VTOrc</h1>
<h2>Replication analysis</h2>
<table border=1><tr><th>Shard</th><th>Tablet</th><th>Analysis</th><th>Description</th></tr>
${problems}
</table>
<h2>Recent recoveries</h2>
<table border=1><tr><th>ID</th><th>Start</th><th>Analysis</th><th>Tablet</th><th>Recovery</th><th>Promoted</th><th>Successful</th></tr>
${recent}
</table>`;
}
