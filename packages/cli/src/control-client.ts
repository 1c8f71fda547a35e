/** Talks to a running cluster process's control endpoint (see control-server.ts). */
import { runningClusterState } from './process-state.js';
import { dataRoot } from './vtdataroot.js';

/** Where the control endpoint listens. */
export interface ControlAddress {
  host: string;
  port: number;
}

/**
 * The control endpoint of the cluster VTDATAROOT records (its state file), else the local
 * example's, 127.0.0.1:15000; `--host` / `--port` given on the command line override it.
 */
export function controlAddress(flags: { host?: string; port?: string } = {}): ControlAddress {
  const state = flags.port === undefined ? runningClusterState(dataRoot().stateFile) : undefined;
  const port = flags.port ?? String(state?.webPort ?? 15000);
  if (!/^\d+$/.test(port) || Number(port) > 65535) throw new Error(`invalid argument "${port}" for "--port" flag: a port must be an integer from 0 to 65535`);
  return { host: flags.host ?? state?.host ?? '127.0.0.1', port: Number(port) };
}

/** Calls the control API; resolves with the JSON reply, or throws an Error carrying the server's message. */
export async function controlCall(addr: ControlAddress, method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`http://${addr.host}:${addr.port}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error(`no vtsim cluster is running on ${addr.host}:${addr.port} (start one with 'vtsim up')`);
  }
  const reply = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(reply.error ?? `HTTP ${res.status}`);
  return reply;
}

/** Resolves true once the control endpoint answers, false after `timeoutMs` or once `signal` aborts. */
export async function waitForControl(addr: ControlAddress, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    try {
      const res = await fetch(`http://${addr.host}:${addr.port}/debug/status`);
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}
