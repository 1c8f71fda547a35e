/**
 * `vtsim down`: stops the cluster process VTDATAROOT records (its pid file) and waits for it to
 * exit; with `--port`, the one serving that control port (asked through its control API).
 */
import { rmSync } from 'node:fs';
import { controlCall, type ControlAddress } from './control-client.js';
import { processAlive, runningClusterState, runningPid } from './process-state.js';
import { dataRoot } from './vtdataroot.js';

/** How long `down` waits for the cluster process to exit. */
const STOP_TIMEOUT_MS = 10_000;

/**
 * Stops the running cluster; resolves false if none was running. Throws if it does not exit within
 * 10 s. With `control`, stops the cluster serving that control endpoint instead of VTDATAROOT's.
 */
export async function down(log: (line: string) => void, control?: ControlAddress): Promise<boolean> {
  const { pidFile, stateFile } = dataRoot();
  const pid = runningPid(pidFile);
  const state = runningClusterState(stateFile);
  // `--port` naming another cluster than VTDATAROOT's (a second vttestserver, say): ask that one.
  if (control && pid !== undefined && state !== undefined && state.webPort !== control.port) {
    if (await downByPort(log, control)) return true;
    log(`no vtsim cluster is running on ${control.host}:${control.port}`);
    return false;
  }
  if (control && pid === undefined && (await downByPort(log, control))) return true;
  if (pid === undefined) {
    rmSync(pidFile, { force: true });
    rmSync(stateFile, { force: true });
    log('no vtsim cluster is running');
    return false;
  }
  process.kill(pid, 'SIGTERM');
  await waitUntil(() => !processAlive(pid), `vtsim cluster (pid ${pid}) did not stop within 10 seconds`);
  rmSync(pidFile, { force: true });
  rmSync(stateFile, { force: true });
  log(`vtsim cluster (pid ${pid}) stopped`);
  return true;
}

async function downByPort(log: (line: string) => void, control: ControlAddress): Promise<boolean> {
  const running = await controlCall(control, 'GET', '/api/status').then(() => true, () => false);
  if (!running) return false;
  await controlCall(control, 'POST', '/api/shutdown');
  const answers = () => fetch(`http://${control.host}:${control.port}/debug/status`).then(() => true, () => false);
  await waitUntil(async () => !(await answers()), `the vtsim cluster on ${control.host}:${control.port} did not stop within 10 seconds`);
  log(`vtsim cluster on ${control.host}:${control.port} stopped`);
  return true;
}

async function waitUntil(done: () => boolean | Promise<boolean>, timeoutMessage: string): Promise<void> {
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(timeoutMessage);
}
