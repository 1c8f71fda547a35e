/**
 * vtgate's web port (the local example's 15001): `/debug/status` (an HTML page: the health check's
 * tablet cache by target and the running VStreams) and `/debug/vars` (expvar's JSON object with the
 * variables vtsim keeps, under Vitess's names: `HealthcheckConnections`, `VStreamsCreated`,
 * `VStreamsCount`, `VStreamsEndedWithErrors`, and expvar's own `cmdline`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { TabletType } from '@vtsim/proto';
import { listenHttp, type HttpListener } from '@vtsim/vttablet';
import type { Vtgate } from './vtgate.js';

/** vtgate's running web server; close() stops it. */
export type VtgateHttpServer = HttpListener;

/** Serves `vtgate`'s pages on host:port (0 = any free port); rejects when the port is taken. */
export async function startVtgateHttpServer(vtgate: Vtgate, host: string, port: number): Promise<VtgateHttpServer> {
  const server: Server = createServer((req, res) => handle(vtgate, req, res));
  return listenHttp(server, host, port);
}

function handle(vtgate: Vtgate, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', `method ${req.method} not allowed\n`);
  switch (url.pathname) {
    case '/debug/status':
      return send(res, 200, 'text/html; charset=utf-8', statusPage(vtgate));
    case '/debug/vars':
      return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(debugVars(vtgate), null, 1));
    default:
      return send(res, 404, 'text/plain; charset=utf-8', '404 page not found\n');
  }
}

/** The `/debug/vars` object: multi-label counters keyed `<Keyspace>.<ShardName>.<TabletType>`, as Vitess exports them. */
function debugVars(vtgate: Vtgate): Record<string, unknown> {
  const connections: Record<string, number> = {};
  for (const t of vtgate.healthCheck.allTablets()) {
    const key = `${t.target.keyspace}.${t.target.shard}.${TabletType[t.target.tablet_type]}`;
    connections[key] = (connections[key] ?? 0) + 1;
  }
  const counters = vtgate.vstreamManager.counters;
  return {
    cmdline: process.argv,
    HealthcheckConnections: connections,
    VStreamsCount: Object.fromEntries(counters.count),
    VStreamsCreated: Object.fromEntries(counters.created),
    VStreamsEndedWithErrors: Object.fromEntries(counters.endedWithErrors),
  };
}

function send(res: ServerResponse, code: number, type: string, body: string): void {
  res.writeHead(code, { 'Content-Type': type });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function statusPage(vtgate: Vtgate): string {
  // The health check's cache grouped by target, as vtgate's "Health Check Cache" table shows it.
  const targets = new Map<string, string[]>();
  for (const t of vtgate.healthCheck.allTablets()) {
    const key = `${escape(t.target.keyspace)}</td><td>${escape(t.target.shard)}</td><td>${TabletType[t.target.tablet_type]}`;
    const lag = t.stats ? `, lag ${t.stats.replication_lag_seconds} s` : '';
    const state = t.serving ? 'SERVING' : `NOT_SERVING${t.lastError ? `: ${escape(t.lastError)}` : ''}`;
    targets.set(key, [...(targets.get(key) ?? []), `${t.aliasString} (${state}${lag})`]);
  }
  const health = [...targets].map(([key, tablets]) => `<tr><td>${key}</td><td>${tablets.join('<br>')}</td></tr>`).join('\n');
  const streams = vtgate.vstreamManager
    .streamStatus()
    .map((s) => {
      const filter = s.filter.rules.map((r) => escape(`${r.match}: ${r.filter}`)).join('<br>');
      const shards = s.shards.map((p) => escape(`${p.keyspace}/${p.shard} ${p.gtid}`)).join('<br>');
      return `<tr><td>${s.id}</td><td>${TabletType[s.tabletType]}</td><td>${filter}</td><td>${shards}</td><td>${s.eventsSent}</td></tr>`;
    })
    .join('\n');
  const mysql = vtgate.mysqlAddress;
  const grpc = vtgate.grpcAddress;
  return `<!doctype html><title>vtgate</title><h1>VTGate</h1>
<p>MySQL: ${mysql ? `${mysql.host}:${mysql.port}` : 'not serving'}; gRPC: ${grpc ? `${grpc.host}:${grpc.port}` : 'not serving'}</p>
<h2>Health Check Cache</h2>
<table border=1><tr><th>Keyspace</th><th>Shard</th><th>TabletType</th><th>TabletHealth</th></tr>
${health}
</table>
<h2>VStreams</h2>
<table border=1><tr><th>Id</th><th>TabletType</th><th>Filter</th><th>VGTID</th><th>Events sent</th></tr>
${streams}
</table>`;
}
