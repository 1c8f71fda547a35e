/** `vtsim down`: stops the cluster process named by VTDATAROOT/tmp/vtsim.pid and waits for it to exit. */
import { readFileSync, rmSync } from 'node:fs';
import { runningPid } from './up-command.js';
import { dataRoot } from './vtdataroot.js';

/** Stops the running cluster; resolves false if none was running. Throws if it does not exit within 10 s. */
export async function down(log: (line: string) => void): Promise<boolean> {
  const { pidFile } = dataRoot();
  const pid = runningPid(pidFile);
  if (pid === undefined) {
    rmSync(pidFile, { force: true });
    log('no vtsim cluster is running');
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (!alive(pid)) {
      rmSync(pidFile, { force: true });
      log(`vtsim cluster (pid ${pid}) stopped`);
      return true;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`vtsim cluster (pid ${pid}) did not stop within 10 seconds`);
}

/**
 * True while the process exists and has not exited. A detached cluster process is reparented to
 * PID 1, which in a container may never reap it, so an exited process can linger as a zombie: on
 * Linux its /proc state tells.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

