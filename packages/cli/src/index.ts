/** @vtsim/cli: the composition root — a whole cluster in one process, and the `vtsim` command's pieces. */
export { Cluster } from './cluster.js';
export type { ClusterOptions, TabletSpec } from './cluster.js';
export { startControlServer } from './control-server.js';
export type { ControlServer } from './control-server.js';
export { dataRoot } from './vtdataroot.js';
export { processAlive, runningPid } from './process-state.js';
