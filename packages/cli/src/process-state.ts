/** Whether the cluster process named by a pid file is running. */
import { existsSync, readFileSync } from 'node:fs';

/** The pid in a pid file if that process is alive; undefined otherwise. */
export function runningPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return processAlive(pid) ? pid : undefined;
}

/**
 * True while the process exists and has not exited. A detached cluster process is reparented to
 * PID 1, which in a container may never reap it, so an exited process can linger as a zombie: on
 * Linux its /proc state tells.
 */
export function processAlive(pid: number): boolean {
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
