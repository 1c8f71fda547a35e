/**
 * VTDATAROOT: where the cluster process keeps its pid file, state file (its ports) and log, as the local example keeps
 * its processes' files (default `<repo>/vtdataroot` in the repository, `./vtdataroot` from the
 * installed package, as the local example's env.sh defaults to `${PWD}/vtdataroot`).
 */
import { join, resolve } from 'node:path';
import { VTSIM_ROOT, isInstalledPackage } from '@vtsim/proto';

/** The paths the cluster process uses under VTDATAROOT. */
export interface DataRoot {
  root: string;
  tmp: string;
  pidFile: string;
  /** The running cluster's addresses (process-state.ts ClusterState), written by `vtsim up` next to the pid file. */
  stateFile: string;
  logFile: string;
}

/** Resolves VTDATAROOT from the environment (default `<repo>/vtdataroot`, or `./vtdataroot` when installed). */
export function dataRoot(env: NodeJS.ProcessEnv = process.env): DataRoot {
  const root = resolve(env.VTDATAROOT || join(isInstalledPackage ? process.cwd() : VTSIM_ROOT, 'vtdataroot'));
  const tmp = join(root, 'tmp');
  return { root, tmp, pidFile: join(tmp, 'vtsim.pid'), stateFile: join(tmp, 'vtsim.json'), logFile: join(tmp, 'vtsim.log') };
}
