/**
 * The cluster process's control endpoint, on vtctld's web port (15000): the live cluster view at
 * `/` (@vtsim/web: the page, `/api/view` and its server-sent events `/api/events`), the status page the
 * local example's scripts poll (`/debug/status`) and a small JSON API through which `vtsim tablet
 * up|down|delete`, `vtsim vtgate up|down` and `vtsim vtorc up|down` add and remove components from
 * other processes (`GET /api/vtorc` returns VTOrc's analysis and recent recoveries), and
 * `vtsim vtctld up` restarts vtctld's gRPC service with other auth flags; `vtsim fault <verb>`
 * posts to `/api/faults/<verb>` (flags as a JSON object) and `GET /api/faults` lists the faults in
 * force and those applied; `vtsim reshard|movetables` post to `/api/workflows/reshard|movetables`
 * (see workflow-runner.ts), whose answer streams the workflow's progress as JSON lines.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { TabletType, tabletAliasString } from '@vtsim/proto';
import { listenHttp, type HttpListener } from '@vtsim/vttablet';
import { parseVtorcFlags } from '@vtsim/vtorc';
import { WebView } from '@vtsim/web';
import type { AuthFlags } from './auth-flags.js';
import { isBinlogRetention } from './binlog-retention-flag.js';
import type { Cluster } from './cluster.js';
import { FaultInputError } from './fault-injector.js';
import { applyFault, FAULT_VERBS } from './fault-verbs.js';
import { runMoveTables, runReshard, type MoveTablesOptions, type WorkflowProgress, type WorkflowResult } from './workflow-runner.js';

/** A started control server; close() stops it. */
export type ControlServer = HttpListener;

/** Serves the control API for a cluster on host:port; `onShutdown` runs when a client asks the process to stop. */
export async function startControlServer(cluster: Cluster, host: string, port: number, onShutdown: () => void): Promise<ControlServer> {
  const view = new WebView({
    cell: cluster.cell,
    topo: cluster.topo,
    vtctld: cluster.vtctld,
    tablets: () => cluster.tabletMap().values(),
    vtgate: () => cluster.vtgate,
    timeline: cluster.timeline,
  });
  const server: Server = createServer((req, res) => {
    (async () => {
      if (!(await view.handle(req, res))) await handle(cluster, req, res, onShutdown);
    })().catch((err: unknown) => {
      if (!res.headersSent) reply(res, 500, { error: errorText(err) });
      else res.end();
    });
  });
  const listener = await listenHttp(server, host, port);
  return {
    ...listener,
    // The view stops reading the cluster and ends its event streams with the server.
    close: () => {
      view.close();
      return listener.close();
    },
  };
}

async function handle(cluster: Cluster, req: IncomingMessage, res: ServerResponse, onShutdown: () => void): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /debug/status' || route === 'HEAD /debug/status') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : statusPage(cluster));
    return;
  }
  if (route === 'GET /api/status') return reply(res, 200, status(cluster));
  if (route === 'POST /api/tablets') {
    const body = (await readJson(req)) as { keyspace?: string; shard?: string; uid?: number; cell?: string; heartbeatIntervalMs?: number; binlogRetention?: unknown };
    if (!body.keyspace || body.shard === undefined || !Number.isInteger(body.uid)) {
      return reply(res, 400, { error: 'keyspace, shard and uid are required' });
    }
    if (body.heartbeatIntervalMs !== undefined && !(typeof body.heartbeatIntervalMs === 'number' && body.heartbeatIntervalMs > 0)) {
      return reply(res, 400, { error: 'heartbeatIntervalMs must be a positive number' });
    }
    if (body.binlogRetention !== undefined && !isBinlogRetention(body.binlogRetention)) {
      return reply(res, 400, { error: 'binlogRetention must be {maxTransactions?, maxBytes?} with positive integers' });
    }
    try {
      const tablet = await cluster.addTablet({ keyspace: body.keyspace, shard: body.shard, uid: body.uid!, cell: body.cell, heartbeatIntervalMs: body.heartbeatIntervalMs, binlogRetention: body.binlogRetention });
      return reply(res, 200, { alias: tabletAliasString(tablet.alias), type: TabletType[tablet.type] });
    } catch (err) {
      return reply(res, 409, { error: errorText(err) });
    }
  }
  const tabletRoute = /^DELETE \/api\/tablets\/(\d+)$/.exec(route);
  if (tabletRoute) {
    try {
      await cluster.removeTablet(Number(tabletRoute[1]), url.searchParams.get('cell') ?? undefined);
      return reply(res, 200, {});
    } catch (err) {
      return reply(res, 404, { error: errorText(err) });
    }
  }
  const recordRoute = /^DELETE \/api\/tablet-records\/(\d+)$/.exec(route);
  if (recordRoute) {
    try {
      await cluster.deleteTablet(Number(recordRoute[1]), { cell: url.searchParams.get('cell') ?? undefined, allowPrimary: url.searchParams.get('allow_primary') === 'true' });
      return reply(res, 200, {});
    } catch (err) {
      return reply(res, 409, { error: errorText(err) });
    }
  }
  // mysqlctl start / shutdown of a tablet's mysqld (see Cluster.startMysqld / stopMysqld).
  const mysqldRoute = /^(POST|DELETE) \/api\/mysqlds\/(\d+)$/.exec(route);
  if (mysqldRoute) {
    const [, method, uid] = mysqldRoute;
    const cell = url.searchParams.get('cell') ?? undefined;
    try {
      if (method === 'POST') await cluster.startMysqld(Number(uid), cell);
      else await cluster.stopMysqld(Number(uid), cell);
      return reply(res, 200, {});
    } catch (err) {
      return reply(res, 404, { error: errorText(err) });
    }
  }
  if (route === 'POST /api/vtgate') {
    try {
      await cluster.startVtgate((await readJson(req)) as Partial<AuthFlags>);
      return reply(res, 200, {});
    } catch (err) {
      return reply(res, 409, { error: errorText(err) });
    }
  }
  if (route === 'POST /api/vtctld') {
    try {
      await cluster.restartVtctldGrpc(((await readJson(req)) as Partial<AuthFlags>).grpcAuth ?? {});
      return reply(res, 200, {});
    } catch (err) {
      return reply(res, 409, { error: errorText(err) });
    }
  }
  if (route === 'DELETE /api/vtgate') {
    await cluster.stopVtgate();
    return reply(res, 200, {});
  }
  if (route === 'POST /api/vtorc') {
    let config;
    try {
      config = parseVtorcFlags(((await readJson(req)) as { args?: string[] }).args ?? []);
    } catch (err) {
      return reply(res, 400, { error: errorText(err) });
    }
    try {
      return reply(res, 200, { port: await cluster.startVtorc(config) });
    } catch (err) {
      return reply(res, 409, { error: errorText(err) });
    }
  }
  if (route === 'DELETE /api/vtorc') {
    await cluster.stopVtorc();
    return reply(res, 200, {});
  }
  if (route === 'GET /api/vtorc') {
    const vtorc = cluster.vtorc;
    return vtorc ? reply(res, 200, vtorc.status()) : reply(res, 404, { error: 'vtorc is not running' });
  }
  if (route === 'GET /api/faults') {
    return reply(res, 200, { active: cluster.faults.active(), history: cluster.faults.history, verbs: FAULT_VERBS.map((v) => v.name) });
  }
  const faultRoute = /^POST \/api\/faults\/([^/]+)$/.exec(route);
  if (faultRoute) {
    try {
      const body = await readJson(req).catch(() => {
        throw new FaultInputError('the body must be a JSON object of flags');
      });
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new FaultInputError('the body must be a JSON object of flags');
      return reply(res, 200, { line: await applyFault(cluster.faults, faultRoute[1]!, body as Record<string, unknown>) });
    } catch (err) {
      return reply(res, err instanceof FaultInputError ? 400 : 409, { error: errorText(err) });
    }
  }
  const workflowRoute = /^POST \/api\/workflows\/(reshard|movetables)$/.exec(route);
  if (workflowRoute) return runWorkflow(cluster, workflowRoute[1] as 'reshard' | 'movetables', req, res);
  if (route === 'POST /api/shutdown') {
    reply(res, 200, {});
    onShutdown();
    return;
  }
  reply(res, 404, { error: `no route for ${route}` });
}

/** The body of `POST /api/workflows/reshard`. */
interface ReshardBody {
  keyspace?: string;
  targetShards?: string[];
  workflow?: string;
  switchTraffic?: boolean;
  complete?: boolean;
}

/**
 * Runs a Reshard or MoveTables (workflow-runner.ts) and streams its progress as JSON lines, one
 * WorkflowProgress each, ending with `{"result": WorkflowResult}` or `{"error": "..."}`; a bad body
 * is a 400 before anything runs.
 */
async function runWorkflow(cluster: Cluster, kind: 'reshard' | 'movetables', req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = (await readJson(req).catch(() => undefined)) as (ReshardBody & Partial<MoveTablesOptions>) | undefined;
  if (typeof body !== 'object' || body === null) return reply(res, 400, { error: 'the body must be a JSON object' });
  if (kind === 'reshard' && (!body.keyspace || !Array.isArray(body.targetShards) || body.targetShards.length === 0)) {
    return reply(res, 400, { error: 'reshard needs keyspace and targetShards' });
  }
  if (kind === 'movetables' && (!body.sourceKeyspace || !body.targetKeyspace)) {
    return reply(res, 400, { error: 'movetables needs sourceKeyspace and targetKeyspace' });
  }
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  const send = (line: { progress: WorkflowProgress } | { result: WorkflowResult } | { error: string }) => res.write(`${JSON.stringify(line)}\n`);
  const finish = { switchTraffic: !!body.switchTraffic, complete: !!body.complete, onProgress: (progress: WorkflowProgress) => send({ progress }) };
  try {
    const result = kind === 'reshard'
      ? await runReshard(cluster, body.keyspace!, body.targetShards!, { ...finish, workflow: body.workflow })
      : await runMoveTables(cluster, { ...finish, sourceKeyspace: body.sourceKeyspace!, targetKeyspace: body.targetKeyspace!, tables: body.tables, workflow: body.workflow, targetShards: body.targetShards });
    send({ result });
  } catch (err) {
    send({ error: errorText(err) });
  }
  res.end();
}

function status(cluster: Cluster) {
  return {
    cell: cluster.cell,
    vtgate: cluster.vtgate?.mysqlAddress
      ? { mysql: `${cluster.vtgate.mysqlAddress.host}:${cluster.vtgate.mysqlAddress.port}`, grpc: cluster.vtgate.grpcAddress ? `${cluster.vtgate.grpcAddress.host}:${cluster.vtgate.grpcAddress.port}` : null }
      : null,
    tablets: [...cluster.tabletMap().values()].map((t) => ({
      alias: tabletAliasString(t.alias),
      keyspace: t.keyspace,
      shard: t.shard,
      type: TabletType[t.type],
      serving: t.isServing,
      position: t.position(),
    })),
  };
}

function statusPage(cluster: Cluster): string {
  const s = status(cluster);
  const rows = s.tablets
    .map((t) => `<tr><td>${t.alias}</td><td>${t.keyspace}</td><td>${t.shard}</td><td>${t.type}</td><td>${t.serving ? 'SERVING' : 'NOT_SERVING'}</td><td>${t.position}</td></tr>`)
    .join('\n');
  return `<!doctype html><title>vtsim</title><h1>vtsim cluster (${s.cell})</h1>
<p>vtgate: ${s.vtgate ? `MySQL on ${s.vtgate.mysql}` : 'not running'}</p>
<table border=1><tr><th>Alias</th><th>Keyspace</th><th>Shard</th><th>Type</th><th>State</th><th>Position</th></tr>
${rows}
</table>`;
}

function reply(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
