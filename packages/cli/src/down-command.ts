/** `vtsim down`: stops the cluster process named by VTDATAROOT/tmp/vtsim.pid and waits for it to exit. */
import { rmSync } from 'node:fs';
import { processAlive, runningPid } from './process-state.js';
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
    if (!processAlive(pid)) {
      rmSync(pidFile, { force: true });
      log(`vtsim cluster (pid ${pid}) stopped`);
      return true;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`vtsim cluster (pid ${pid}) did not stop within 10 seconds`);
}
