/**
 * VTDATAROOT: where the cluster process keeps its pid file and log, as the local example keeps
 * its processes' files (default `<repo>/vtdataroot`).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in packages/cli/{src,dist}). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The paths the cluster process uses under VTDATAROOT. */
export interface DataRoot {
  root: string;
  tmp: string;
  pidFile: string;
  logFile: string;
}

/** Resolves VTDATAROOT from the environment (default `<repo>/vtdataroot`). */
export function dataRoot(env: NodeJS.ProcessEnv = process.env): DataRoot {
  const root = resolve(env.VTDATAROOT || join(repoRoot, 'vtdataroot'));
  const tmp = join(root, 'tmp');
  return { root, tmp, pidFile: join(tmp, 'vtsim.pid'), logFile: join(tmp, 'vtsim.log') };
}
