/** Whether the cluster process named by a pid file is running, and where it listens (its state file). */
import { existsSync, readFileSync } from 'node:fs';

/** What `vtsim up` records in VTDATAROOT/tmp/vtsim.json while it serves: its pid and addresses. */
export interface ClusterState {
  pid: number;
  host: string;
  webPort: number;
  mysqlHost: string;
  mysqlPort: number;
  /** vtgate's gRPC port (vtcombo's one gRPC port when vtctld shares it). */
  grpcPort?: number;
  vtctldGrpcPort?: number;
}

/** The pid in a pid file if that process is alive; undefined otherwise. */
export function runningPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return processAlive(pid) ? pid : undefined;
}

/** The state file's record if the process it names is alive; undefined otherwise (none, stale, unreadable). */
export function runningClusterState(stateFile: string): ClusterState | undefined {
  if (!existsSync(stateFile)) return undefined;
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as ClusterState;
    return Number.isInteger(state.pid) && processAlive(state.pid) ? state : undefined;
  } catch {
    return undefined;
  }
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
