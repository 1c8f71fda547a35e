/** Talks to a running cluster process's control endpoint (see control-server.ts). */

/** Where the control endpoint listens. */
export interface ControlAddress {
  host: string;
  port: number;
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

/** Resolves true once the control endpoint answers, false after `timeoutMs`. */
export async function waitForControl(addr: ControlAddress, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
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
