/** @vtsim/cli: the composition root — a whole cluster in one process, and the `vtsim` command's pieces. */
export { Cluster } from './cluster.js';
export type { ClusterOptions, TabletSpec } from './cluster.js';
export { startControlServer } from './control-server.js';
export type { ControlServer } from './control-server.js';
export { dataRoot } from './vtdataroot.js';
export { processAlive, runningPid } from './process-state.js';
export { FaultInjector, FaultInputError } from './fault-injector.js';
export type { FaultRecord } from './fault-injector.js';
export { FaultNetwork, DEFAULT_FAULT_TIMEOUTS } from './fault-network.js';
export type { ActiveFault, FaultCaller, FaultTimeouts } from './fault-network.js';
export { FAULT_VERBS, applyFault, faultVerb, parseFaultArgs } from './fault-verbs.js';
export type { FaultArgs, FaultFlag, FaultVerb } from './fault-verbs.js';
export { chaosEvent, chaosSchedule } from './chaos-schedule.js';
export type { ChaosEvent, ChaosTargets } from './chaos-schedule.js';
export { startCluster } from './start-cluster.js';
export type { Address, KeyspaceSpec, MysqlConfig, StartClusterOptions, VStreamParams, VtsimCluster } from './start-cluster.js';
export { DEFAULT_TABLET_LAYOUT, progressLine, runMoveTables, runReshard, startShardTablets, waitForWorkflowRunning } from './workflow-runner.js';
export type { MoveTablesOptions, ProgressListener, ReshardOptions, TabletLayout, WorkflowFinish, WorkflowProgress, WorkflowResult } from './workflow-runner.js';
// --- what users of startCluster need from the lower packages: the enums, the VStream messages, the workflow messages ---
export { Code, TabletType, VEventType, VtError, decodeRowBytes, defaultVStreamFlags } from '@vtsim/proto';
export type { FieldEvent, Filter, Journal, RowChange, RowEvent, Rule, ShardGtid, TabletAlias, VEvent, VGtid, VStreamFlags, VStreamRequest, VStreamResponse } from '@vtsim/proto';
export type { vtctldata, workflowdata } from '@vtsim/vtctld';
